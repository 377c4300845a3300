#include "matcher/canonical.h"

#include "matcher/bank.h"
#include "matcher/national_id.h"
#include "matcher/unicode.h"

namespace leakmon {

Result<std::string> CanonicalizeWords(std::string_view value) {
  std::string storage;
  std::vector<std::string_view> words = CanonicalWords(value, &storage);
  if (words.empty()) return Status::InvalidArgument("no letters or digits");
  std::string out;
  out.reserve(storage.size() + words.size());
  for (std::string_view w : words) {
    if (!out.empty()) out.push_back(' ');
    out.append(w);
  }
  return out;
}

Result<std::string> Canonicalize(Kind kind, std::string_view value, const CanonicalOptions& options) {
  switch (kind) {
    case Kind::kEmail: return CanonicalizeEmail(value);
    case Kind::kEmailDomain: return CanonicalizeDomain(value);
    case Kind::kName:
    case Kind::kTerm: return CanonicalizeWords(value);
    case Kind::kPhone:
      if (!options.phone) return Status::Internal("no phone region configured");
      return options.phone->Canonicalize(value);
    case Kind::kNationalId: {
      LEAKMON_ASSIGN_OR_RETURN(NationalId id, CanonicalizeNationalId(value));
      return id.canonical;
    }
    case Kind::kIban: return CanonicalizeIban(value);
    case Kind::kPaymentCard: return CanonicalizePaymentCard(value);
  }
  return Status::Internal("unknown kind");
}

std::uint64_t GramTagOf(const std::uint64_t* word_tags, std::size_t n, std::size_t rotation) {
  std::uint64_t acc = word_tags[rotation % n];
  for (std::size_t i = 1; i < n; ++i) acc = KeyedHasher::Extend(acc, word_tags[(rotation + i) % n]);
  return KeyedHasher::GramTag(acc, n);
}

namespace {

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

// Tags of every rotation (names) or of the words in order (terms).
std::vector<std::uint64_t> WordFormTags(const std::vector<std::string>& words, bool rotate,
                                        const KeyedHasher& hasher) {
  std::vector<std::uint64_t> word_tags;
  for (const std::string& w : words) word_tags.push_back(hasher.WordTag(w));
  std::vector<std::uint64_t> out;
  const std::size_t rotations = rotate ? words.size() : 1;
  for (std::size_t r = 0; r < rotations; ++r) out.push_back(GramTagOf(word_tags.data(), words.size(), r));
  return out;
}

}  // namespace

Result<HashedIdentifier> HashIdentifier(Kind kind, std::string_view value, const KeyedHasher& hasher,
                                        const CanonicalOptions& options) {
  HashedIdentifier out;
  out.kind = kind;
  if (!IsWordKind(kind)) {
    std::string canonical;
    if (kind == Kind::kNationalId) {
      LEAKMON_ASSIGN_OR_RETURN(NationalId id, CanonicalizeNationalId(value));
      canonical = std::move(id.canonical);
      out.temporary_national_id = id.temporary;
    } else {
      LEAKMON_ASSIGN_OR_RETURN(canonical, Canonicalize(kind, value, options));
    }
    out.hash = hasher.Hash(canonical);
    out.tags.push_back(hasher.Tag(kind, canonical));
    return out;
  }
  std::string storage;
  std::vector<std::string> words;
  for (std::string_view w : CanonicalWords(value, &storage)) words.emplace_back(w);
  if (words.empty()) return Status::InvalidArgument("no letters or digits");
  if (words.size() > 8) return Status::InvalidArgument("more than 8 words");
  const bool rotate = kind == Kind::kName;
  out.word_count = words.size();
  out.hash = hasher.Hash(Join(words));
  out.tags = WordFormTags(words, rotate, hasher);
  out.words = words;
  if (kind == Kind::kName) {
    std::vector<std::string> folded;
    for (const std::string& w : words) folded.push_back(FoldDiacritics(w));
    if (folded != words) {
      out.folded_hash = hasher.Hash(Join(folded));
      out.folded_tags = WordFormTags(folded, rotate, hasher);
      for (std::string& w : folded) out.words.push_back(std::move(w));
    }
  }
  return out;
}

}  // namespace leakmon
