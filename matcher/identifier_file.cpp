#include "matcher/identifier_file.h"

#include <cstring>
#include <map>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Decodes 2 * n lowercase hex digits at `s` into n bytes; false on any other
// character. 16 digits at a time with SSE2.
bool DecodeHex(const char* s, std::size_t n, std::uint8_t* out) {
  std::size_t i = 0;
#if defined(__SSE2__)
  for (; i + 8 <= n; i += 8) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 2 * i));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('f' + 1)));
    if (_mm_movemask_epi8(_mm_or_si128(digit, letter)) != 0xFFFF) return false;
    // '0'-'9' -> 0-9, 'a'-'f' -> 10-15
    const __m128i nibbles = _mm_sub_epi8(
        v, _mm_or_si128(_mm_and_si128(digit, _mm_set1_epi8('0')), _mm_and_si128(letter, _mm_set1_epi8('a' - 10))));
    // Each 16-bit lane holds (first digit, second digit): make it one byte.
    const __m128i bytes = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(nibbles, _mm_set1_epi16(0x00FF)), 4),
                                       _mm_srli_epi16(nibbles, 8));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + i), _mm_packus_epi16(bytes, bytes));
  }
#endif
  for (; i < n; ++i) {
    int hi = kHex[static_cast<unsigned char>(s[2 * i])], lo = kHex[static_cast<unsigned char>(s[2 * i + 1])];
    if ((hi | lo) < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool DecodeTag(const char* s, std::uint64_t* out) {
  std::uint8_t b[8];
  if (!DecodeHex(s, 8, b)) return false;
  std::uint64_t v = 0;
  for (std::uint8_t x : b) v = v << 8 | x;  // big-endian: the hex reads most significant first
  *out = v;
  return true;
}

bool ParseDigest(std::string_view hex, Digest* out) { return hex.size() == 64 && DecodeHex(hex.data(), 32, out->data()); }

bool ParseTag(std::string_view hex, std::uint64_t* out) { return hex.size() == 16 && DecodeTag(hex.data(), out); }

constexpr std::array<bool, 256> MakeRefTable() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<std::size_t>(c)] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                     c == '.' || c == '_' || c == ':' || c == '/' || c == '#' || c == '-';
  }
  return t;
}
constexpr std::array<bool, 256> kRefChar = MakeRefTable();

// The kind named by the `n` bytes at `s`, for the fast path; nullopt for
// anything else (including "vocab").
std::optional<Kind> FastKind(const char* s, std::size_t n) {
  auto is = [&](std::string_view name) { return n == name.size() && std::memcmp(s, name.data(), n) == 0; };
  switch (n) {
    case 4: return is("name") ? Kind::kName : is("term") ? Kind::kTerm : is("iban") ? std::optional(Kind::kIban) : std::nullopt;
    case 5: return is("email") ? Kind::kEmail : is("phone") ? std::optional(Kind::kPhone) : std::nullopt;
    case 11: return is("national_id") ? std::optional(Kind::kNationalId) : std::nullopt;
    case 12: return is("email_domain") ? Kind::kEmailDomain : is("payment_card") ? std::optional(Kind::kPaymentCard) : std::nullopt;
    default: return std::nullopt;
  }
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
    if (!kRefChar[c]) return false;
  }
  return true;
}

IdentifierFileParser::IdentifierFileParser(std::string source, const KeyedHasher& hasher)
    : source_(std::move(source)), hasher_(hasher) {}

void IdentifierFileParser::ExpectBytes(std::size_t bytes) {
  set_.Reserve(bytes / 100 + 16);  // a line is 100-200 bytes; address space only
}

Status IdentifierFileParser::Fail(const std::string& what) {
  error_ = Status::InvalidArgument(source_ + ":" + std::to_string(line_) + ": " + what);
  return error_;
}

const char* IdentifierFileParser::FastRow(const char* p, const char* end) {
  const char* q = p;
  while (q < end && q - p < 13 && *q != ',') ++q;
  if (q >= end || *q != ',') return nullptr;
  const std::optional<Kind> kind = FastKind(p, static_cast<std::size_t>(q - p));
  if (!kind) return nullptr;
  ++q;
  Digest hash;
  if (end - q < 65 || !DecodeHex(q, 32, hash.data()) || q[64] != ',') return nullptr;
  q += 65;
  std::uint64_t tags[IdentifierSet::kMaxRotations];
  const std::size_t max_tags = *kind == Kind::kName ? IdentifierSet::kMaxRotations : 1;
  std::size_t ntags = 0;
  for (;;) {
    if (end - q < 17 || ntags == max_tags || !DecodeTag(q, &tags[ntags])) return nullptr;
    ++ntags;
    q += 17;
    if (q[-1] == ',') break;
    if (q[-1] != ';') return nullptr;
  }
  std::optional<Digest> folded;
  std::uint64_t folded_tags[IdentifierSet::kMaxRotations];
  if (q < end && *q != ',') {
    Digest fh;
    if (*kind != Kind::kName || end - q < 64 || !DecodeHex(q, 32, fh.data())) return nullptr;
    q += 64;
    for (std::size_t i = 0; i < ntags; ++i, q += 16) {
      if (end - q < 17 || *q != ';' || !DecodeTag(++q, &folded_tags[i])) return nullptr;
    }
    folded = fh;
  }
  if (q >= end || *q != ',') return nullptr;
  const char* ref = ++q;
  while (q < end && kRefChar[static_cast<unsigned char>(*q)]) ++q;
  if (q >= end || *q != '\n' || q - ref > 64 || set_.size() >= IdentifierSet::kMaxIdentifiers) return nullptr;
  set_.Add(*kind, hash, std::span<const std::uint64_t>(tags, ntags),
           std::string_view(ref, static_cast<std::size_t>(q - ref)), folded,
           std::span<const std::uint64_t>(folded_tags, folded ? ntags : 0));
  ++line_;
  return q + 1;
}

Status IdentifierFileParser::Feed(std::string_view chunk) {
  if (!error_.ok()) return error_;
  while (!chunk.empty()) {
    if (partial_.empty() && saw_columns_) {
      // Well-formed rows straight from the chunk; anything else (a vocab
      // line, CRLF, an error, a row cut by the chunk's end) goes the slow way.
      const char* p = chunk.data();
      const char* end = p + chunk.size();
      while (const char* next = FastRow(p, end)) p = next;
      chunk.remove_prefix(static_cast<std::size_t>(p - chunk.data()));
      if (chunk.empty()) break;
    }
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
