#include "matcher/identifier_set.h"

#include <algorithm>
#include <cstdlib>

namespace leakmon {

void IdentifierSet::Add(Kind kind, const std::vector<Digest>& hashes, std::string ref, std::size_t words) {
  if (hashes.empty()) return;
  auto id = static_cast<std::uint32_t>(identifiers_.size());
  identifiers_.push_back(Identifier{kind, hashes.front(), std::move(ref)});
  for (const Digest& h : hashes) postings_.push_back(Posting{h, id});
  if (IsWordKind(kind)) max_words_ = std::max(max_words_, words);
  kinds_mask_ |= 1u << static_cast<unsigned>(kind);
  finalized_ = false;
}

void IdentifierSet::Finalize() {
  std::sort(postings_.begin(), postings_.end(), [](const Posting& a, const Posting& b) {
    return a.hash < b.hash || (a.hash == b.hash && a.id < b.id);
  });
  // The same hash listed twice for one identifier would double its count.
  postings_.erase(std::unique(postings_.begin(), postings_.end(),
                              [](const Posting& a, const Posting& b) { return a.hash == b.hash && a.id == b.id; }),
                  postings_.end());
  finalized_ = true;
}

std::span<const IdentifierSet::Posting> IdentifierSet::Find(const Digest& hash) const {
  if (!finalized_) std::abort();
  auto lo = std::lower_bound(postings_.begin(), postings_.end(), hash,
                             [](const Posting& p, const Digest& h) { return p.hash < h; });
  auto hi = lo;
  while (hi != postings_.end() && hi->hash == hash) ++hi;
  return {lo, hi};
}

bool IdentifierSet::HasKind(Kind kind) const {
  return (kinds_mask_ & (1u << static_cast<unsigned>(kind))) != 0;
}

}  // namespace leakmon
