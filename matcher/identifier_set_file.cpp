#include "matcher/identifier_set_file.h"

#include <array>
#include <bit>
#include <cstring>
#include <xxhash.h>

#include "matcher/identifier_file.h"

namespace leakmon {
namespace {

static_assert(std::endian::native == std::endian::little, "the binary identifier file is little-endian");

constexpr char kMagic[16] = "\x89leakmon-idset\n";  // 15 characters and the NUL

struct FileHeader {
  char magic[16];
  std::uint32_t format;
  std::uint32_t header_bytes;
  char scheme[24];
  char key[16];
  std::uint64_t checksum;
  std::uint64_t identifiers;
  std::uint64_t refs_bytes;
  std::uint64_t folded;
  std::uint64_t postings;
  std::uint64_t filter_words;
  std::uint64_t vocab;
  std::uint32_t index_bits;
  std::uint32_t max_words;
};
static_assert(sizeof(FileHeader) == 128 && offsetof(FileHeader, checksum) == 64 && offsetof(FileHeader, max_words) == 124);

// The tables in file order.
enum Table { kPostings, kIndex, kFilter, kKinds, kHashes, kRefOffsets, kRefs, kFolded, kFoldedIndex, kVocab, kTables };

struct Layout {
  std::array<std::size_t, kTables> offset{};
  std::array<std::size_t, kTables> count{};
  std::size_t total = 0;
};

constexpr std::size_t kElementBytes[kTables] = {8, 4, 8, 1, sizeof(Digest), 4, 1, sizeof(IdentifierSet::FoldedHash), 4, 8};

std::size_t AlignUp(std::size_t n) { return (n + 63) & ~std::size_t{63}; }

// Where each table lies, from the header's counts (which the reader has
// bounded, so nothing here overflows).
Layout LayoutFor(const FileHeader& h) {
  Layout l;
  const std::size_t n = h.identifiers;
  l.count = {h.postings, (std::size_t{1} << h.index_bits) + 1, h.filter_words, n, n, n + 1, h.refs_bytes, h.folded,
             IdentifierSet::FoldedIndexSize(n), h.vocab};
  std::size_t at = sizeof(FileHeader);
  for (std::size_t t = 0; t < kTables; ++t) {
    at = AlignUp(at);
    l.offset[t] = at;
    at += l.count[t] * kElementBytes[t];
  }
  l.total = at;
  return l;
}

// The checksum: XXH3-64 of the tables, seeded with that of the header with
// its checksum field zeroed.
std::uint64_t Checksum(FileHeader h, std::span<const char> after_header) {
  h.checksum = 0;
  return XXH3_64bits_withSeed(after_header.data(), after_header.size(), XXH3_64bits(&h, sizeof h));
}

template <class T>
std::span<const T> TableAt(std::span<const char> bytes, const Layout& l, Table t) {
  return {reinterpret_cast<const T*>(bytes.data() + l.offset[t]), l.count[t]};
}

template <class T>
void Put(std::string* out, std::size_t offset, std::span<const T> table) {
  if (!table.empty()) std::memcpy(out->data() + offset, table.data(), table.size_bytes());
}

}  // namespace

bool IsIdentifierSetFile(std::string_view prefix) {
  return prefix.size() >= sizeof kMagic && std::memcmp(prefix.data(), kMagic, sizeof kMagic) == 0;
}

std::string IdentifierSetFile(const IdentifierSet& set, const KeyedHasher& hasher) {
  const IdentifierSet::Tables t = set.tables();
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kIdentifierSetFormat;
  h.header_bytes = sizeof h;
  std::memcpy(h.scheme, kHashScheme.data(), std::min(kHashScheme.size(), sizeof h.scheme));
  std::memcpy(h.key, hasher.fingerprint().data(), std::min(hasher.fingerprint().size(), sizeof h.key));
  h.identifiers = t.kinds.size();
  h.refs_bytes = t.refs.size();
  h.folded = t.folded_hashes.size();
  h.postings = t.postings.size();
  h.filter_words = t.filter.size();
  h.vocab = t.vocab_tags.size();
  h.index_bits = t.index_bits;
  h.max_words = static_cast<std::uint32_t>(t.max_words);
  const Layout l = LayoutFor(h);
  std::string out(l.total, '\0');
  Put(&out, l.offset[kPostings], t.postings);
  Put(&out, l.offset[kIndex], t.index);
  Put(&out, l.offset[kFilter], t.filter);
  Put(&out, l.offset[kKinds], t.kinds);
  Put(&out, l.offset[kHashes], t.hashes);
  Put(&out, l.offset[kRefOffsets], t.ref_offsets);
  Put(&out, l.offset[kRefs], t.refs);
  Put(&out, l.offset[kFolded], t.folded_hashes);
  Put(&out, l.offset[kFoldedIndex], t.folded_index);
  Put(&out, l.offset[kVocab], t.vocab_tags);
  h.checksum = Checksum(h, std::span<const char>(out).subspan(sizeof h));
  std::memcpy(out.data(), &h, sizeof h);
  return out;
}

Result<IdentifierSet> ParseIdentifierSetFile(std::span<const char> bytes, std::shared_ptr<const void> owner,
                                             const std::string& source, const KeyedHasher& hasher,
                                             IdentifierSetFileOptions options) {
  auto fail = [&](const std::string& what) { return Status::InvalidArgument(source + ": " + what); };
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % 64 != 0) return fail("not aligned in memory (a loader bug)");
  FileHeader h;
  if (bytes.size() < sizeof h || !IsIdentifierSetFile(std::string_view(bytes.data(), bytes.size()))) {
    return fail("not a binary leakmon identifier file");
  }
  std::memcpy(&h, bytes.data(), sizeof h);
  if (h.format != kIdentifierSetFormat || h.header_bytes != sizeof h) {
    return fail("unsupported binary format " + std::to_string(h.format) + "; this leakmon reads format " +
                std::to_string(kIdentifierSetFormat) + " (hash the identifiers again with `leakmon hash-ids`)");
  }
  const std::string_view scheme(h.scheme, strnlen(h.scheme, sizeof h.scheme));
  if (scheme != kHashScheme) return fail("unsupported hash scheme \"" + std::string(scheme) + "\"");
  const std::string key(h.key, strnlen(h.key, sizeof h.key));
  if (key != hasher.fingerprint()) {
    return fail("the identifiers were hashed with a different key (fingerprint " + key + ", the key given has " +
                hasher.fingerprint() + "); use the key file that hash-ids used");
  }
  // Bounds that keep the layout's arithmetic small; FromTables checks the rest.
  const std::uint64_t n = h.identifiers;
  if (n > IdentifierSet::kMaxIdentifiers || h.refs_bytes > 64 * n || h.folded > n ||
      h.postings > 2 * IdentifierSet::kMaxRotations * n || h.filter_words > (1u << 20) || h.index_bits > 30 ||
      h.vocab > 2 * IdentifierSet::kMaxRotations * n || h.max_words > IdentifierSet::kMaxRotations) {
    return fail("header counts out of range: damaged");
  }
  const Layout l = LayoutFor(h);
  if (l.total != bytes.size()) {
    return fail("is " + std::to_string(bytes.size()) + " bytes, its header says " + std::to_string(l.total) +
                ": truncated or damaged");
  }
  if (options.verify_checksum && Checksum(h, bytes.subspan(sizeof h)) != h.checksum) {
    return fail("checksum mismatch: damaged (write it again with `leakmon hash-ids`)");
  }
  IdentifierSet::Tables t;
  t.postings = TableAt<std::uint64_t>(bytes, l, kPostings);
  t.index = TableAt<std::uint32_t>(bytes, l, kIndex);
  t.filter = TableAt<std::uint64_t>(bytes, l, kFilter);
  t.kinds = TableAt<std::uint8_t>(bytes, l, kKinds);
  t.hashes = TableAt<Digest>(bytes, l, kHashes);
  t.ref_offsets = TableAt<std::uint32_t>(bytes, l, kRefOffsets);
  t.refs = TableAt<char>(bytes, l, kRefs);
  t.folded_hashes = TableAt<IdentifierSet::FoldedHash>(bytes, l, kFolded);
  t.folded_index = TableAt<std::uint32_t>(bytes, l, kFoldedIndex);
  t.vocab_tags = TableAt<std::uint64_t>(bytes, l, kVocab);
  t.index_bits = h.index_bits;
  t.max_words = h.max_words;
  Result<IdentifierSet> set = IdentifierSet::FromTables(t, std::move(owner));
  if (!set.ok()) return fail(set.status().message());
  for (std::size_t id = 0; id < set->size(); ++id) {
    if (!IsValidRef(set->identifier(static_cast<std::uint32_t>(id)).ref)) {
      return fail("identifier " + std::to_string(id) + ": ref is not a valid opaque id");
    }
  }
  return set;
}

}  // namespace leakmon
