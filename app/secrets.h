// Loading the secret key and the identifier file for the commands that scan.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "matcher/identifier_set.h"
#include "matcher/keyed_hash.h"
#include "matcher/secret_key.h"

namespace leakmon {

inline constexpr std::size_t kMaxIdentifierFileBytes = std::size_t{2} << 30;

// Reads the key file. Refuses a file that group or others can read, with a
// message that says how to fix it. Errors never contain key material.
Result<SecretKey> LoadKeyFile(const std::string& path);

// The hasher and the identifiers the scanner needs, loaded together so that
// the key fingerprint check cannot be skipped.
struct LoadedIdentifiers {
  std::unique_ptr<KeyedHasher> hasher;
  IdentifierSet ids;
};

Result<LoadedIdentifiers> LoadIdentifiers(const std::string& key_path, const std::string& ids_path);

}  // namespace leakmon
