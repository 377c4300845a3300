#include "app/secrets.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/files.h"
#include "common/mapped_file.h"
#include "common/unique_fd.h"
#include "matcher/identifier_file.h"
#include "matcher/identifier_set_file.h"

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
  // A text file is streamed in chunks: a file of a million identifiers is
  // ~150 MB of text, more than the set it becomes.
  UniqueFd fd(::open(ids_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return Status::NotFound(ids_path + ": no such file");
    return Status::IoError(ids_path + ": cannot open: " + std::strerror(errno));
  }
  // The binary format is used where it lies, mapped; the text format is
  // parsed into memory.
  char prefix[16];
  if (::pread(fd.get(), prefix, sizeof prefix, 0) == sizeof prefix &&
      IsIdentifierSetFile(std::string_view(prefix, sizeof prefix))) {
    LEAKMON_ASSIGN_OR_RETURN(std::shared_ptr<const MappedFile> file,
                             MappedFile::Map(fd.get(), ids_path, kMaxIdentifierFileBytes));
    LEAKMON_ASSIGN_OR_RETURN(out.ids, ParseIdentifierSetFile(file->bytes(), file, ids_path, *out.hasher));
    return out;
  }
  IdentifierFileParser parser(ids_path, *out.hasher);
  struct stat st;
  if (::fstat(fd.get(), &st) == 0 && st.st_size > 0) parser.ExpectBytes(static_cast<std::size_t>(st.st_size));
  // Chunks that stay in the CPU's cache while they are parsed.
  std::string chunk(256 << 10, '\0');
  std::size_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd.get(), chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(ids_path + ": read failed: " + std::strerror(errno));
    }
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
    if (total > kMaxIdentifierFileBytes) {
      return Status::LimitExceeded(ids_path + ": larger than " + std::to_string(kMaxIdentifierFileBytes) + " bytes");
    }
    LEAKMON_RETURN_IF_ERROR(parser.Feed(std::string_view(chunk.data(), static_cast<std::size_t>(n))));
  }
  LEAKMON_ASSIGN_OR_RETURN(out.ids, parser.Finish());
  return out;
}

}  // namespace leakmon
