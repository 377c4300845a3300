#include "matcher/identifier_file.h"

#include <map>

#include "common/sha256.h"

namespace leakmon {
namespace {

constexpr std::string_view kMagic = "#leakmon-identifiers";
constexpr std::string_view kColumns = "kind,hash,tags,folded,ref";

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

constexpr std::array<signed char, 256> MakeHexTable() {
  std::array<signed char, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'a' + 10);
  return t;
}
constexpr std::array<signed char, 256> kHex = MakeHexTable();

bool ParseDigest(std::string_view hex, Digest* out) {
  if (hex.size() != 64) return false;
  for (std::size_t i = 0; i < 32; ++i) {
    int hi = kHex[static_cast<unsigned char>(hex[2 * i])], lo = kHex[static_cast<unsigned char>(hex[2 * i + 1])];
    if ((hi | lo) < 0) return false;
    (*out)[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool ParseTag(std::string_view hex, std::uint64_t* out) {
  if (hex.size() != 16) return false;
  std::uint64_t v = 0;
  for (char c : hex) {
    int d = kHex[static_cast<unsigned char>(c)];
    if (d < 0) return false;
    v = v << 4 | static_cast<std::uint64_t>(d);
  }
  *out = v;
  return true;
}

std::string TagHex(std::uint64_t tag) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, tag >>= 4) s[static_cast<std::size_t>(i)] = kDigits[tag & 15];
  return s;
}

// Parses "t;t;t" into `out` (at most `max`). False on a malformed tag.
bool ParseTags(std::string_view s, std::uint64_t* out, std::size_t max, std::size_t* n) {
  *n = 0;
  while (true) {
    std::size_t semi = s.find(';');
    if (*n == max) return false;
    if (!ParseTag(s.substr(0, semi), &out[*n])) return false;
    ++*n;
    if (semi == std::string_view::npos) return true;
    s.remove_prefix(semi + 1);
  }
}

}  // namespace

std::string IdentifierFileHeader(const KeyedHasher& hasher, std::size_t max_words) {
  return std::string(kMagic) + " format=" + std::to_string(kIdentifierFormat) + " scheme=" +
         std::string(kHashScheme) + " key=" + hasher.fingerprint() + " max_words=" + std::to_string(max_words) +
         "\n" + std::string(kColumns) + "\n";
}

std::string IdentifierFileLine(const HashedIdentifier& id, std::string_view ref) {
  std::string line(KindName(id.kind));
  line.push_back(',');
  line += HexEncode(id.hash);
  line.push_back(',');
  for (std::size_t i = 0; i < id.tags.size(); ++i) {
    if (i) line.push_back(';');
    line += TagHex(id.tags[i]);
  }
  line.push_back(',');
  if (id.folded_hash) {
    line += HexEncode(*id.folded_hash);
    for (std::uint64_t t : id.folded_tags) {
      line.push_back(';');
      line += TagHex(t);
    }
  }
  line.push_back(',');
  line.append(ref);
  line.push_back('\n');
  return line;
}

std::string VocabularyLines(const std::vector<std::uint64_t>& vocab_tags) {
  std::string out;
  for (std::size_t i = 0; i < vocab_tags.size(); i += 64) {
    out += "vocab,,";
    for (std::size_t k = i; k < vocab_tags.size() && k < i + 64; ++k) {
      if (k > i) out.push_back(';');
      out += TagHex(vocab_tags[k]);
    }
    out += ",,\n";
  }
  return out;
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

IdentifierFileParser::IdentifierFileParser(std::string source, const KeyedHasher& hasher)
    : source_(std::move(source)), hasher_(hasher) {}

void IdentifierFileParser::ExpectBytes(std::size_t bytes) {
  set_.Reserve(bytes / 100 + 16);  // a line is 100-200 bytes
}

Status IdentifierFileParser::Fail(const std::string& what) {
  error_ = Status::InvalidArgument(source_ + ":" + std::to_string(line_) + ": " + what);
  return error_;
}

Status IdentifierFileParser::Feed(std::string_view chunk) {
  if (!error_.ok()) return error_;
  while (!chunk.empty()) {
    std::size_t nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      if (partial_.size() + chunk.size() > 1 << 20) {
        ++line_;
        return Fail("line longer than 1 MiB");
      }
      partial_.append(chunk);
      return Status::Ok();
    }
    Status s;
    if (partial_.empty()) {
      s = Line(chunk.substr(0, nl));
    } else {
      partial_.append(chunk.substr(0, nl));
      s = Line(partial_);
      partial_.clear();
    }
    if (!s.ok()) return s;
    chunk.remove_prefix(nl + 1);
  }
  return Status::Ok();
}

Status IdentifierFileParser::Line(std::string_view line) {
  ++line_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line_ == 1) return Header(line);
  if (!saw_columns_) {
    if (line != kColumns) return Fail("expected the header " + std::string(kColumns));
    saw_columns_ = true;
    return Status::Ok();
  }
  if (line.empty()) return Status::Ok();
  return Row(line);
}

Status IdentifierFileParser::Header(std::string_view first) {
  if (first.substr(0, kMagic.size()) != kMagic) {
    return Fail("not a leakmon identifier file (write one with `leakmon hash-ids`)");
  }
  auto fields = HeaderFields(first);
  if (fields["format"] != std::to_string(kIdentifierFormat)) {
    return Fail("unsupported format \"" + fields["format"] + "\"; this leakmon reads format " +
                std::to_string(kIdentifierFormat) + " (hash the identifiers again with `leakmon hash-ids`)");
  }
  if (fields["scheme"] != kHashScheme) {
    return Fail("unsupported hash scheme \"" + fields["scheme"] + "\"");
  }
  if (fields["key"] != hasher_.fingerprint()) {
    return Fail("the identifiers were hashed with a different key (fingerprint " + fields["key"] +
                ", the key given has " + hasher_.fingerprint() + "); use the key file that hash-ids used");
  }
  const std::string& mw = fields["max_words"];
  if (mw.empty() || mw.size() > 1 || mw[0] < '0' || mw[0] > '8') return Fail("bad or missing max_words (0-8)");
  set_.set_max_words(static_cast<std::size_t>(mw[0] - '0'));
  return Status::Ok();
}

Status IdentifierFileParser::Row(std::string_view line) {
  std::string_view f[5];
  for (int i = 0; i < 4; ++i) {
    std::size_t comma = line.find(',');
    if (comma == std::string_view::npos) return Fail("expected 5 fields: " + std::string(kColumns));
    f[i] = line.substr(0, comma);
    line.remove_prefix(comma + 1);
  }
  f[4] = line;
  if (f[0] == "vocab") {
    std::uint64_t tags[64];
    std::size_t n;
    if (!f[1].empty() || !f[3].empty() || !f[4].empty() || !ParseTags(f[2], tags, 64, &n)) {
      return Fail("malformed vocab line");
    }
    for (std::size_t i = 0; i < n; ++i) set_.AddVocabulary(tags[i]);
    return Status::Ok();
  }
  std::optional<Kind> kind = ParseKind(f[0]);
  if (!kind) return Fail("unknown kind \"" + std::string(f[0].substr(0, 32)) + "\"");
  Digest hash;
  if (!ParseDigest(f[1], &hash)) return Fail("hash must be 64 lowercase hex digits");
  std::uint64_t tags[IdentifierSet::kMaxRotations];
  std::size_t ntags;
  const std::size_t max_tags = *kind == Kind::kName ? IdentifierSet::kMaxRotations : 1;
  if (!ParseTags(f[2], tags, max_tags, &ntags)) return Fail("tags must be 16 hex digits each, separated by ;");
  std::optional<Digest> folded;
  std::uint64_t folded_tags[IdentifierSet::kMaxRotations];
  std::size_t nfolded = 0;
  if (!f[3].empty()) {
    Digest fh;
    if (*kind != Kind::kName || f[3].size() < 66 || f[3][64] != ';' || !ParseDigest(f[3].substr(0, 64), &fh) ||
        !ParseTags(f[3].substr(65), folded_tags, max_tags, &nfolded) || nfolded != ntags) {
      return Fail("malformed folded variant");
    }
    folded = fh;
  }
  if (!IsValidRef(f[4])) return Fail("ref is not a valid opaque id");
  if (set_.size() >= IdentifierSet::kMaxIdentifiers) return Fail("too many identifiers");
  set_.Add(*kind, hash, std::span<const std::uint64_t>(tags, ntags), f[4], folded,
           std::span<const std::uint64_t>(folded_tags, nfolded));
  return Status::Ok();
}

Result<IdentifierSet> IdentifierFileParser::Finish() {
  if (!error_.ok()) return error_;
  if (!partial_.empty()) {
    std::string last = std::move(partial_);
    partial_.clear();
    LEAKMON_RETURN_IF_ERROR(Line(last));
  }
  if (line_ == 0) {
    line_ = 1;
    return Fail("empty; not a leakmon identifier file (write one with `leakmon hash-ids`)");
  }
  if (!saw_columns_) {
    line_ = 2;
    return Fail("expected the header " + std::string(kColumns));
  }
  set_.Finalize();
  return std::move(set_);
}

Result<IdentifierSet> ParseIdentifierFile(std::string_view text, const std::string& source,
                                          const KeyedHasher& hasher) {
  IdentifierFileParser parser(source, hasher);
  LEAKMON_RETURN_IF_ERROR(parser.Feed(text));
  return parser.Finish();
}

}  // namespace leakmon
