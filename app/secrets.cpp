#include "app/secrets.h"

#include <sys/stat.h>

#include "common/files.h"
#include "matcher/identifier_file.h"

namespace leakmon {

Result<SecretKey> LoadKeyFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status::NotFound(path + ": key file not found (create one with `leakmon keygen`)");
  if ((st.st_mode & 077) != 0) {
    return Status::InvalidArgument(path + ": key file is readable by group or others; fix with `chmod 600 " + path + "`");
  }
  Result<std::string> text = ReadFileBounded(path, 4096);
  if (!text.ok()) return text.status();
  Result<SecretKey> key = SecretKey::Parse(*text);
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

Result<LoadedIdentifiers> LoadIdentifiers(const std::string& key_path, const std::string& ids_path) {
  LEAKMON_ASSIGN_OR_RETURN(SecretKey key, LoadKeyFile(key_path));
  LoadedIdentifiers out;
  out.hasher = std::make_unique<KeyedHasher>(key);
  Result<std::string> text = ReadFileBounded(ids_path, kMaxIdentifierFileBytes);
  if (!text.ok()) return text.status();
  LEAKMON_ASSIGN_OR_RETURN(out.ids, ParseIdentifierFile(*text, ids_path, *out.hasher));
  return out;
}

}  // namespace leakmon
