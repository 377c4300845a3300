// leakmon hash-ids: turns the organization's plaintext identifier list into
// the identifier file of keyed hashes. Runs on the trusted side.
//
// Writes the binary format (identifier_set_file.h), which scan and crawl
// map and use in place, or with --format text the text format
// (identifier_file.h), one line per identifier; both load the same way.
//
// Errors name the input line and the reason, never the value. Finnish
// temporary identity codes (individual number 900-999) are accepted and
// noted by line number on stderr.
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
#include "matcher/identifier_set_file.h"

namespace leakmon {
namespace {

constexpr std::size_t kMaxInputBytes = std::size_t{2} << 30;

struct HashIdsTotals {
  std::size_t count = 0;
  std::vector<std::size_t> temporary_lines;  // temporary HETUs
};

std::string KnownKinds() {
  std::string out;
  for (Kind k : kAllKinds) {
    if (!out.empty()) out += ", ";
    out += KindName(k);
  }
  return out;
}

Result<std::string> HashIds(const HashIdsArgs& args, HashIdsTotals* totals) {
  if (args.in == args.out || SameFile(args.in, args.out)) {
    return Status::InvalidArgument(args.out + ": refusing to write the output over the input");
  }
  if (args.key == args.out || SameFile(args.key, args.out)) {
    return Status::InvalidArgument(args.out + ": refusing to write the output over the key");
  }
  if (args.format != "binary" && args.format != "text") {
    return Status::InvalidArgument("--format must be binary or text, not \"" + args.format + "\"");
  }
  LEAKMON_ASSIGN_OR_RETURN(SecretKey key, LoadKeyFile(args.key));
  KeyedHasher hasher(key);
  Result<PhoneCanonicalizer> phone = PhoneCanonicalizer::Create(args.region);
  if (!phone.ok()) return Status::InvalidArgument("--region: " + phone.status().message());
  CanonicalOptions options;
  options.phone = &*phone;
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

  const bool text = args.format == "text";
  std::string body;  // text: the identifier lines
  IdentifierSet set;  // binary
  std::set<std::tuple<Kind, Digest, std::string>> seen;
  std::vector<std::uint64_t> vocabulary;
  std::size_t max_words = 0;
  while (reader.Next(&row)) {
    const std::string where = args.in + ":" + std::to_string(reader.record_line()) + ": ";
    if (row.size() < 2 || row.size() > (has_ref ? 3u : 2u)) {
      return Status::InvalidArgument(where + "expected the fields kind,value,ref");
    }
    std::optional<Kind> kind = ParseKind(row[0]);
    if (!kind) return Status::InvalidArgument(where + "unknown kind (known: " + KnownKinds() + ")");
    std::string ref = row.size() > 2 ? row[2] : "";
    if (!IsValidRef(ref)) {
      return Status::InvalidArgument(where +
                                     "ref must be an opaque id of at most 64 characters from A-Z a-z 0-9 . _ : / # -");
    }
    Result<HashedIdentifier> id = HashIdentifier(*kind, row[1], hasher, options);
    if (!id.ok()) return Status::InvalidArgument(where + std::string(KindName(*kind)) + ": " + id.status().message());
    if (!seen.insert({*kind, id->hash, ref}).second) continue;  // duplicate row
    if (id->temporary_national_id) totals->temporary_lines.push_back(reader.record_line());
    max_words = std::max(max_words, id->word_count);
    for (const std::string& w : id->words) vocabulary.push_back(hasher.VocabTag(w));
    if (text) {
      body += IdentifierFileLine(*id, ref);
    } else {
      set.Add(id->kind, id->hash, id->tags, ref, id->folded_hash, id->folded_tags);
    }
    ++totals->count;
  }
  if (!reader.status().ok()) return reader.status().WithContext(args.in);
  std::sort(vocabulary.begin(), vocabulary.end());
  vocabulary.erase(std::unique(vocabulary.begin(), vocabulary.end()), vocabulary.end());
  if (text) return IdentifierFileHeader(hasher, max_words) + body + VocabularyLines(vocabulary);
  set.set_max_words(max_words);
  for (std::uint64_t v : vocabulary) set.AddVocabulary(v);
  set.Finalize();
  return IdentifierSetFile(set, hasher);
}

}  // namespace

int RunHashIds(const HashIdsArgs& args) {
  HashIdsTotals totals;
  Result<std::string> file = HashIds(args, &totals);
  if (!file.ok()) return ReportError(file.status());
  Status s = WriteFileAtomic(args.out, *file, 0600);
  if (!s.ok()) return ReportError(s);
  // Temporary codes are valid, but worth a look: name the first lines.
  const std::size_t shown = std::min<std::size_t>(totals.temporary_lines.size(), 10);
  for (std::size_t i = 0; i < shown; ++i) {
    std::fprintf(stderr, "leakmon: note: %s:%zu: Finnish temporary identity code (individual number 900-999)\n",
                 args.in.c_str(), totals.temporary_lines[i]);
  }
  if (totals.temporary_lines.size() > shown) {
    std::fprintf(stderr, "leakmon: note: %zu more Finnish temporary identity codes\n",
                 totals.temporary_lines.size() - shown);
  }
  std::printf("wrote %zu identifiers to %s\n", totals.count, args.out.c_str());
  return kExitOk;
}

}  // namespace leakmon
