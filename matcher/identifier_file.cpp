#include "matcher/identifier_file.h"

#include <map>

#include "common/csv.h"
#include "common/sha256.h"

namespace leakmon {
namespace {

constexpr std::string_view kMagic = "#leakmon-identifiers";

// Parses "k=v k=v" after the magic word.
std::map<std::string, std::string> HeaderFields(std::string_view line) {
  std::map<std::string, std::string> out;
  line.remove_prefix(kMagic.size());
  while (!line.empty()) {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    std::size_t end = line.find(' ');
    std::string_view tok = line.substr(0, end);
    std::size_t eq = tok.find('=');
    if (eq != std::string_view::npos) out[std::string(tok.substr(0, eq))] = std::string(tok.substr(eq + 1));
    if (end == std::string_view::npos) break;
    line.remove_prefix(end);
  }
  return out;
}

bool ParseDigest(std::string_view hex, Digest* out) {
  std::string raw;
  if (hex.size() != 64 || !HexDecode(hex, &raw)) return false;
  for (std::size_t i = 0; i < out->size(); ++i) (*out)[i] = static_cast<std::uint8_t>(raw[i]);
  return true;
}

}  // namespace

std::string IdentifierFileHeader(const KeyedHasher& hasher, std::size_t max_words) {
  return std::string(kMagic) + " format=" + std::to_string(kIdentifierFormat) + " scheme=" +
         std::string(kHashScheme) + " key=" + hasher.fingerprint() + " max_words=" + std::to_string(max_words) +
         "\nkind,hash,ref\n";
}

std::string IdentifierFileLine(Kind kind, const std::vector<Digest>& hashes, std::string_view ref) {
  std::string line(KindName(kind));
  line.push_back(',');
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (i) line.push_back(';');
    line += HexEncode(hashes[i]);
  }
  line.push_back(',');
  line.append(ref);
  line.push_back('\n');
  return line;
}

bool IsValidRef(std::string_view ref) {
  if (ref.size() > 64) return false;
  for (unsigned char c : ref) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == ':' || c == '/' || c == '#' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<IdentifierSet> ParseIdentifierFile(std::string_view text, const std::string& source,
                                          const KeyedHasher& hasher) {
  std::size_t nl = text.find('\n');
  std::string_view first = text.substr(0, nl);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (first.substr(0, kMagic.size()) != kMagic) {
    return Status::InvalidArgument(source +
                                   ":1: not a leakmon identifier file (write one with `leakmon hash-ids`)");
  }
  auto fields = HeaderFields(first);
  if (fields["format"] != std::to_string(kIdentifierFormat)) {
    return Status::InvalidArgument(source + ":1: unsupported format \"" + fields["format"] +
                                   "\"; this leakmon reads format " + std::to_string(kIdentifierFormat));
  }
  if (fields["scheme"] != kHashScheme) {
    return Status::InvalidArgument(source + ":1: unsupported hashing scheme \"" + fields["scheme"] + "\"");
  }
  if (fields["key"] != hasher.fingerprint()) {
    return Status::InvalidArgument(
        source + ":1: the identifiers were hashed with a different key (fingerprint " + fields["key"] +
        ", the key given has " + hasher.fingerprint() + "); use the key file that hash-ids used");
  }

  IdentifierSet set;
  std::size_t declared_words = 0;
  {
    const std::string& mw = fields["max_words"];
    if (mw.empty() || mw.size() > 3 || mw.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument(source + ":1: bad or missing max_words");
    }
    declared_words = static_cast<std::size_t>(std::stoul(mw));
  }

  std::string_view body = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  CsvReader reader(body);
  std::vector<std::string> row;
  bool saw_header = false;
  while (reader.Next(&row)) {
    const std::string where = source + ":" + std::to_string(reader.record_line() + 1) + ": ";
    if (!saw_header) {
      if (row != std::vector<std::string>{"kind", "hash", "ref"}) {
        return Status::InvalidArgument(where + "expected the header kind,hash,ref");
      }
      saw_header = true;
      continue;
    }
    if (row.size() != 3) return Status::InvalidArgument(where + "expected 3 fields: kind,hash,ref");
    std::optional<Kind> kind = ParseKind(row[0]);
    if (!kind) return Status::InvalidArgument(where + "unknown kind \"" + row[0] + "\"");
    std::vector<Digest> hashes;
    std::string_view hs = row[1];
    while (true) {
      std::size_t semi = hs.find(';');
      Digest d;
      if (!ParseDigest(hs.substr(0, semi), &d)) {
        return Status::InvalidArgument(where + "hash must be 64 hex digits (several separated by ;)");
      }
      hashes.push_back(d);
      if (semi == std::string_view::npos) break;
      hs.remove_prefix(semi + 1);
    }
    if (!IsValidRef(row[2])) return Status::InvalidArgument(where + "ref is not a valid opaque id");
    set.Add(*kind, hashes, row[2], IsWordKind(*kind) ? declared_words : 0);
  }
  if (!reader.status().ok()) {
    // CsvReader counts lines from the body; shift by the magic line.
    return Status::InvalidArgument(source + ": " + reader.status().message() + " (after the first line)");
  }
  if (!saw_header) return Status::InvalidArgument(source + ":2: expected the header kind,hash,ref");
  set.Finalize();
  return set;
}

}  // namespace leakmon
