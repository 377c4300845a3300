// Reads a leakmon database in tests: runs one query and returns its rows
// as strings (NULL as "NULL"). Opens the file read-only.
#pragma once

#include <string>
#include <vector>

namespace leakmon::testing {

std::vector<std::vector<std::string>> Query(const std::string& db_path, const std::string& sql);

}  // namespace leakmon::testing
