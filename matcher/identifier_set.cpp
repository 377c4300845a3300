#include "matcher/identifier_set.h"

#include <algorithm>
#include <bit>
#include <cstdlib>

namespace leakmon {
namespace {

std::uint32_t VocabKey(std::uint64_t tag) {
  auto k = static_cast<std::uint32_t>(tag >> 32);
  return k == 0 ? 1 : k;
}

}  // namespace

void IdentifierSet::Reserve(std::size_t n) {
  kinds_.reserve(n);
  hashes_.reserve(n);
  ref_offsets_.reserve(n + 1);
  refs_.reserve(n * 8);
  entries_.reserve(n * 2);
}

std::uint32_t IdentifierSet::Add(Kind kind, const Digest& hash, std::span<const std::uint64_t> tags,
                                 std::string_view ref, const std::optional<Digest>& folded_hash,
                                 std::span<const std::uint64_t> folded_tags) {
  if (kinds_.size() >= kMaxIdentifiers) std::abort();  // loaders check the count first
  auto id = static_cast<std::uint32_t>(kinds_.size());
  kinds_.push_back(static_cast<std::uint8_t>(kind));
  hashes_.push_back(hash);
  refs_.append(ref);
  ref_offsets_.push_back(static_cast<std::uint32_t>(refs_.size()));
  for (std::size_t r = 0; r < tags.size() && r < kMaxRotations; ++r) {
    entries_.push_back(Entry{tags[r], Pack(id, static_cast<std::uint32_t>(r), false)});
  }
  if (folded_hash) {
    folded_hashes_.emplace_back(id, *folded_hash);
    for (std::size_t r = 0; r < folded_tags.size() && r < kMaxRotations; ++r) {
      entries_.push_back(Entry{folded_tags[r], Pack(id, static_cast<std::uint32_t>(r), true)});
    }
  }
  kinds_mask_ |= 1u << static_cast<unsigned>(kind);
  finalized_ = false;
  return id;
}

void IdentifierSet::AddVocabulary(std::uint64_t vocab_tag) {
  vocab_pending_.push_back(vocab_tag);
  finalized_ = false;
}

void IdentifierSet::Finalize() {
  // Postings by tag (then meta, so duplicates are adjacent), in place.
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return a.tag < b.tag || (a.tag == b.tag && a.meta < b.meta);
  });
  // A name like "Anna Anna" has equal rotations: keep one posting.
  entries_.erase(std::unique(entries_.begin(), entries_.end(),
                             [](const Entry& a, const Entry& b) { return a.tag == b.tag && (a.meta >> 3) == (b.meta >> 3); }),
                 entries_.end());
  // No shrink_to_fit: it would copy, holding both buffers at the peak.

  // About two postings per bucket.
  index_bits_ = entries_.size() < 4 ? 0 : static_cast<unsigned>(std::bit_width(entries_.size() / 2));
  if (index_bits_ > 30) index_bits_ = 30;
  index_.assign((std::size_t{1} << index_bits_) + 1, 0);
  for (const Entry& e : entries_) {
    std::size_t b = index_bits_ == 0 ? 0 : static_cast<std::size_t>(e.tag >> (64 - index_bits_));
    ++index_[b + 1];
  }
  for (std::size_t b = 1; b < index_.size(); ++b) index_[b] += index_[b - 1];

  std::sort(folded_hashes_.begin(), folded_hashes_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  // Vocabulary: load factor at most 1/2.
  std::sort(vocab_pending_.begin(), vocab_pending_.end());
  vocab_pending_.erase(std::unique(vocab_pending_.begin(), vocab_pending_.end()), vocab_pending_.end());
  std::size_t cap = 16;
  while (cap < vocab_pending_.size() * 2) cap *= 2;
  vocab_.assign(cap, 0);
  vocab_count_ = 0;
  for (std::uint64_t t : vocab_pending_) {
    std::uint32_t key = VocabKey(t);
    std::size_t slot = static_cast<std::size_t>(t) & (cap - 1);
    while (vocab_[slot] != 0 && vocab_[slot] != key) slot = (slot + 1) & (cap - 1);
    if (vocab_[slot] == 0) {
      vocab_[slot] = key;
      ++vocab_count_;
    }
  }
  vocab_pending_ = {};
  finalized_ = true;
}

bool IdentifierSet::InVocabulary(std::uint64_t vocab_tag) const {
  const std::size_t mask = vocab_.size() - 1;
  const std::uint32_t key = VocabKey(vocab_tag);
  for (std::size_t slot = static_cast<std::size_t>(vocab_tag) & mask;; slot = (slot + 1) & mask) {
    std::uint32_t v = vocab_[slot];
    if (v == key) return true;
    if (v == 0) return false;
  }
}

const Digest* IdentifierSet::folded_hash(std::uint32_t id) const {
  auto it = std::lower_bound(folded_hashes_.begin(), folded_hashes_.end(), id,
                             [](const auto& e, std::uint32_t k) { return e.first < k; });
  if (it == folded_hashes_.end() || it->first != id) return nullptr;
  return &it->second;
}

std::size_t IdentifierSet::MemoryBytes() const {
  return kinds_.capacity() + hashes_.capacity() * sizeof(Digest) + refs_.capacity() +
         ref_offsets_.capacity() * 4 + folded_hashes_.capacity() * sizeof(folded_hashes_[0]) +
         entries_.capacity() * sizeof(Entry) + index_.capacity() * 4 + vocab_.capacity() * 4;
}

}  // namespace leakmon
