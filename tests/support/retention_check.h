// Proving that leakmon kept nothing it must not keep: page text (a canary
// planted in every page) and plaintext identifiers.
//
// WrittenAndPrinted() gathers every place leakmon could have put them: each
// file in `dir` except the user's own inputs, and every captured stdout and
// stderr. CheckContainsNone() fails the test (CHECK) for each haystack that
// holds a needle, naming the haystack, never the needle's context.
// Header-only: it uses Catch2's assertions.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace leakmon::testing {

// (name, content) pairs: file names relative to `dir`, then "stdout"/"stderr".
inline std::vector<std::pair<std::string, std::string>> WrittenAndPrinted(const std::string& dir,
                                                                           const std::vector<ProcessResult>& outputs,
                                                                           const std::set<std::string>& inputs) {
  std::vector<std::pair<std::string, std::string>> haystacks;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename();
    if (!inputs.count(name)) haystacks.emplace_back(name, TempDir::Read(e.path()));
  }
  for (const ProcessResult& r : outputs) {
    haystacks.emplace_back("stdout", r.out);
    haystacks.emplace_back("stderr", r.err);
  }
  return haystacks;
}

inline void CheckContainsNone(const std::vector<std::pair<std::string, std::string>>& haystacks,
                              const std::vector<std::string>& needles) {
  for (const auto& [name, data] : haystacks) {
    for (const std::string& needle : needles) {
      INFO(name << " must not contain a planted value");
      CHECK(data.find(needle) == std::string::npos);
    }
  }
}

}  // namespace leakmon::testing
