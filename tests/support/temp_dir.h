// A temporary directory for one test, removed with everything in it when the
// object goes out of scope.
#pragma once

#include <string>

namespace leakmon::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to File(name); returns its path.
  std::string Write(const std::string& name, const std::string& content, int mode = 0644) const;
  // Reads File(name) or any path; empty when missing.
  static std::string Read(const std::string& path);

 private:
  std::string path_;
};

}  // namespace leakmon::testing
