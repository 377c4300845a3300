#include "common/files.h"
#include "common/mapped_file.h"
#include "common/unique_fd.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>

#include "tests/support/temp_dir.h"

using leakmon::testing::TempDir;

TEST_CASE("WriteNewFile never overwrites and sets the exact mode") {
  TempDir dir;
  std::string p = dir.File("k");
  REQUIRE(leakmon::WriteNewFile(p, "one", 0600).ok());
  struct stat st;
  REQUIRE(::stat(p.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  leakmon::Status again = leakmon::WriteNewFile(p, "two", 0600);
  CHECK(again.code() == leakmon::Status::Code::kAlreadyExists);
  CHECK(TempDir::Read(p) == "one");
}

TEST_CASE("WriteFileAtomic replaces content and leaves no temporary") {
  TempDir dir;
  std::string p = dir.File("out.json");
  REQUIRE(leakmon::WriteFileAtomic(p, "old").ok());
  REQUIRE(leakmon::WriteFileAtomic(p, "new").ok());
  CHECK(TempDir::Read(p) == "new");
  std::size_t entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("ReadFileBounded enforces its limit") {
  TempDir dir;
  std::string p = dir.Write("f", std::string(100, 'a'));
  CHECK(leakmon::ReadFileBounded(p, 100).ok());
  auto r = leakmon::ReadFileBounded(p, 99);
  CHECK(r.status().code() == leakmon::Status::Code::kLimitExceeded);
  CHECK(leakmon::ReadFileBounded(dir.File("missing"), 10).status().code() == leakmon::Status::Code::kNotFound);
}

TEST_CASE("ResolveRelativeTo joins onto the config file's directory") {
  CHECK(leakmon::ResolveRelativeTo("/etc/leakmon/leakmon.toml", "leakmon.db") == "/etc/leakmon/leakmon.db");
  CHECK(leakmon::ResolveRelativeTo("/etc/leakmon/leakmon.toml", "/var/lib/x.db") == "/var/lib/x.db");
  CHECK(leakmon::ResolveRelativeTo("leakmon.toml", "x.db") == "x.db");
  CHECK(leakmon::ResolveRelativeTo("conf/leakmon.toml", "../x.db") == "x.db");
}

TEST_CASE("MappedFile maps a whole file read-only, within a limit") {
  TempDir dir;
  auto map = [](const std::string& path, std::size_t max_bytes) {
    leakmon::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(fd.valid());
    return leakmon::MappedFile::Map(fd.get(), path, max_bytes);  // the mapping outlives fd
  };
  const std::string content = std::string(10000, 'x') + "end";
  std::string p = dir.Write("f", content);
  auto m = map(p, 20000);
  REQUIRE(m.ok());
  CHECK(std::string((*m)->bytes().data(), (*m)->bytes().size()) == content);
  CHECK(reinterpret_cast<std::uintptr_t>((*m)->bytes().data()) % 4096 == 0);
  auto big = map(p, 10002);
  CHECK(big.status().code() == leakmon::Status::Code::kLimitExceeded);
  CHECK(big.status().message().find(p + ": ") == 0);
  auto empty = map(dir.Write("empty", ""), 10);
  REQUIRE(empty.ok());
  CHECK((*empty)->bytes().empty());
  CHECK(map(dir.path(), 10).status().message() == dir.path() + ": not a regular file");
}
