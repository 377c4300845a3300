// leakmon hash-ids: turns the organization's plaintext identifier list into
// the identifier file of keyed hashes. Runs on the trusted side.
//
// Errors name the input line and the reason, never the value.
#include "app/commands.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <tuple>

#include "app/console.h"
#include "app/exit_codes.h"
#include "app/secrets.h"
#include "common/csv.h"
#include "common/files.h"
#include "matcher/canonical.h"
#include "matcher/identifier_file.h"
#include "matcher/unicode.h"

namespace leakmon {
namespace {

constexpr std::size_t kMaxInputBytes = std::size_t{2} << 30;

Result<std::string> HashIds(const HashIdsArgs& args, std::size_t* count) {
  if (args.in == args.out || SameFile(args.in, args.out)) {
    return Status::InvalidArgument(args.out + ": refusing to write the output over the input");
  }
  LEAKMON_ASSIGN_OR_RETURN(SecretKey key, LoadKeyFile(args.key));
  KeyedHasher hasher(key);
  LEAKMON_ASSIGN_OR_RETURN(std::string input, ReadFileBounded(args.in, kMaxInputBytes));

  CsvReader reader(input);
  std::vector<std::string> row;
  if (!reader.Next(&row)) {
    if (!reader.status().ok()) return reader.status().WithContext(args.in);
    return Status::InvalidArgument(args.in + ": empty; expected the header kind,value,ref");
  }
  if (!row.empty() && row[0].rfind("\xEF\xBB\xBF", 0) == 0) row[0].erase(0, 3);  // UTF-8 BOM
  bool has_ref = row == std::vector<std::string>{"kind", "value", "ref"};
  if (!has_ref && row != std::vector<std::string>{"kind", "value"}) {
    return Status::InvalidArgument(args.in + ":" + std::to_string(reader.record_line()) +
                                   ": expected the header kind,value,ref");
  }

  std::string body;
  std::set<std::tuple<Kind, Digest, std::string>> seen;
  std::size_t max_words = 0;
  while (reader.Next(&row)) {
    const std::string where = args.in + ":" + std::to_string(reader.record_line()) + ": ";
    if (row.size() < 2 || row.size() > (has_ref ? 3u : 2u)) {
      return Status::InvalidArgument(where + "expected the fields kind,value,ref");
    }
    std::optional<Kind> kind = ParseKind(row[0]);
    if (!kind) return Status::InvalidArgument(where + "unknown kind (known: email, name, term)");
    std::string ref = row.size() > 2 ? row[2] : "";
    if (!IsValidRef(ref)) {
      return Status::InvalidArgument(where +
                                     "ref must be an opaque id of at most 64 characters from A-Z a-z 0-9 . _ : / # -");
    }
    Result<std::string> canon = Canonicalize(*kind, row[1]);
    if (!canon.ok()) return Status::InvalidArgument(where + std::string(KindName(*kind)) + ": " + canon.status().message());
    Digest h = hasher.Hash(*canon);
    if (!seen.insert({*kind, h, ref}).second) continue;  // duplicate row
    if (IsWordKind(*kind)) {
      std::size_t words = 1 + static_cast<std::size_t>(std::count(canon->begin(), canon->end(), ' '));
      max_words = std::max(max_words, words);
    }
    body += IdentifierFileLine(*kind, {h}, ref);
    ++*count;
  }
  if (!reader.status().ok()) return reader.status().WithContext(args.in);
  return IdentifierFileHeader(hasher, max_words) + body;
}

}  // namespace

int RunHashIds(const HashIdsArgs& args) {
  std::size_t count = 0;
  Result<std::string> file = HashIds(args, &count);
  if (!file.ok()) return ReportError(file.status());
  Status s = WriteFileAtomic(args.out, *file, 0600);
  if (!s.ok()) return ReportError(s);
  std::printf("wrote %zu identifiers to %s\n", count, args.out.c_str());
  return kExitOk;
}

}  // namespace leakmon
