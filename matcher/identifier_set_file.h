// The binary identifier file: a finalized IdentifierSet's arrays exactly as
// the scanner reads them, so that loading is mapping the file and checking
// it, with no parsing and no copy. `leakmon hash-ids` writes it by default;
// the text format (identifier_file.h) holds the same identifiers and stays
// readable. Loaders tell them apart by the first bytes.
//
// Layout (little-endian; every table starts at a multiple of 64 bytes):
//
//   header (128 bytes)
//     magic           16 bytes  "\x89leakmon-idset\n\0"
//     format          u32       kIdentifierSetFormat
//     header size     u32       128
//     scheme          24 bytes  kHashScheme, NUL-padded
//     key             16 bytes  the key's fingerprint (16 hex digits)
//     checksum        u64       XXH3-64 of the file with this field zeroed
//     identifiers, refs bytes, folded hashes, postings, filter words,
//     vocabulary tags: u64 each
//     index bits, max words: u32 each
//   tables, in this order: postings (u64), bucket index (u32), filter (u64),
//   kinds (u8), hashes (32 bytes), ref offsets (u32), refs (bytes), folded
//   hashes (u32 id + 32 bytes), folded index (u32), vocabulary tags (u64).
//   Their sizes follow from the header's counts (IdentifierSet::Tables
//   describes each); the file ends with the last table.
//
// Like the text format it holds no plaintext value, only keyed hashes,
// keyed tags and refs. Reading checks, in order: the magic and format, the
// hash scheme, the key fingerprint (the wrong key is named as such), the
// counts against the file's size, the checksum (a damaged or truncated copy
// is refused, not read with silently missing identifiers), every ref, and
// every invariant IdentifierSet::FromTables() relies on. Errors name the
// file and the part that is wrong.
//
// Pure bytes in, bytes out: mapping and writing the file is the caller's job.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "matcher/identifier_set.h"
#include "matcher/keyed_hash.h"

namespace leakmon {

inline constexpr std::uint32_t kIdentifierSetFormat = 3;

// True when `prefix` (the file's first bytes, at least 16 of them) starts
// like a binary identifier file.
bool IsIdentifierSetFile(std::string_view prefix);

// The whole file for a finalized set hashed with `hasher`'s key.
std::string IdentifierSetFile(const IdentifierSet& set, const KeyedHasher& hasher);

struct IdentifierSetFileOptions {
  // Compare the checksum (fuzzers turn this off to reach the checks after it).
  bool verify_checksum = true;
};

// The set held in `bytes`, used in place: `owner` keeps them alive (and at
// the same address) for as long as the set lives. `bytes` must be aligned to
// 64 bytes (a mapping is). `source` names the file in errors.
Result<IdentifierSet> ParseIdentifierSetFile(std::span<const char> bytes, std::shared_ptr<const void> owner,
                                             const std::string& source, const KeyedHasher& hasher,
                                             IdentifierSetFileOptions options = {});

}  // namespace leakmon
