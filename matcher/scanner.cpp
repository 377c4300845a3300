#include "matcher/scanner.h"

#include <map>
#include <re2/re2.h>

#include "matcher/canonical.h"
#include "matcher/unicode.h"

namespace leakmon {

struct Scanner::Patterns {
  Patterns() : email(R"(([\p{L}\p{N}._%+'\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+))", Options()) {}
  static RE2::Options Options() {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(8 << 20);
    return o;
  }
  RE2 email;
};

Scanner::Scanner(const KeyedHasher& hasher, const IdentifierSet& ids, ScanOptions options)
    : hasher_(hasher), ids_(ids), options_(options), patterns_(std::make_unique<Patterns>()) {}

Scanner::~Scanner() = default;

std::vector<Match> Scanner::Scan(std::string_view text) const {
  if (text.size() > options_.max_text_bytes) text = text.substr(0, options_.max_text_bytes);
  std::map<std::uint32_t, std::uint32_t> counts;
  auto hit = [&](const Digest& h, bool word_path) {
    for (const IdentifierSet::Posting& p : ids_.Find(h)) {
      Kind k = ids_.identifier(p.id).kind;
      if (IsWordKind(k) != word_path) continue;  // each kind is found by its own path
      ++counts[p.id];
    }
  };

  // Emails first, on the NFKC text. Their spans are then blanked out, so the
  // words of an address ("matti.virtanen@...") are not also reported as a
  // name: that would turn one email into a false record match.
  std::string nfkc = Nfkc(text);
  if (ids_.HasKind(Kind::kEmail)) {
    re2::StringPiece input(nfkc);
    re2::StringPiece found;
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    while (RE2::FindAndConsume(&input, patterns_->email, &found)) {
      Result<std::string> canon = CanonicalizeEmail(std::string_view(found.data(), found.size()));
      if (!canon.ok()) continue;
      hit(hasher_.Hash(*canon), false);
      spans.emplace_back(static_cast<std::size_t>(found.data() - nfkc.data()), found.size());
    }
    for (auto [pos, len] : spans) nfkc.replace(pos, len, len, ' ');
  }

  const std::size_t n_max = ids_.max_words();
  if (n_max > 0 && (ids_.HasKind(Kind::kName) || ids_.HasKind(Kind::kTerm))) {
    std::string storage;
    std::vector<std::string_view> words = CanonicalWords(nfkc, &storage);
    std::string gram;
    for (std::size_t i = 0; i < words.size(); ++i) {
      gram.clear();
      for (std::size_t n = 0; n < n_max && i + n < words.size(); ++n) {
        if (n) gram.push_back(' ');
        gram.append(words[i + n]);
        hit(hasher_.Hash(gram), true);
      }
    }
  }

  std::vector<Match> out;
  out.reserve(counts.size());
  for (const auto& [id, count] : counts) out.push_back(Match{id, count});
  return out;
}

}  // namespace leakmon
