#include "matcher/identifier_set.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>

namespace leakmon {
namespace {

std::uint32_t VocabKey(std::uint64_t tag) {
  auto k = static_cast<std::uint32_t>(tag >> 32);
  return k == 0 ? 1 : k;
}

}  // namespace

// Postings in numeric order, in linear time (std::sort takes five times
// longer on a million identifiers' postings). Tags are uniformly random, so
// a radix sort on their top bits leaves only tiny runs to order:
//   1. in place by the top 8 bits (American flag sort: 256 write positions,
//      each prefetched ahead so the scattered moves overlap their memory
//      latency instead of waiting one at a time);
//   2. each of those groups, now small enough for the CPU's cache, by its
//      next bits (a counting sort through a scratch buffer), to about two
//      postings per value;
//   3. an insertion sort over the group, which is then linear.
void IdentifierSet::SortPostings(std::uint64_t* a, std::size_t n) {
  auto insertion_sort = [](std::uint64_t* p, std::size_t m) {
    for (std::size_t i = 1; i < m; ++i) {
      const std::uint64_t e = p[i];
      std::size_t j = i;
      for (; j > 0 && e < p[j - 1]; --j) p[j] = p[j - 1];
      p[j] = e;
    }
  };
  if (n < 4096) {
    std::sort(a, a + n);
    return;
  }
  std::size_t start[257] = {}, next[256];
  for (std::size_t i = 0; i < n; ++i) ++start[(a[i] >> 56) + 1];
  for (std::size_t g = 0; g < 256; ++g) start[g + 1] += start[g];
  for (std::size_t g = 0; g < 256; ++g) next[g] = start[g];
  for (std::size_t g = 0; g < 256; ++g) {
    while (next[g] < start[g + 1]) {
      std::uint64_t e = a[next[g]];
      for (std::size_t d = e >> 56; d != g; d = e >> 56) {
        const std::size_t k = next[d]++;
        __builtin_prefetch(a + std::min(k + 32, n - 1), 1);
        std::swap(e, a[k]);
      }
      a[next[g]++] = e;
    }
  }
  std::vector<std::uint64_t> scratch;
  std::vector<std::uint32_t> count;
  for (std::size_t g = 0; g < 256; ++g) {
    std::uint64_t* p = a + start[g];
    const std::size_t m = start[g + 1] - start[g];
    if (m > 64) {
      const unsigned width = std::min(16u, static_cast<unsigned>(std::bit_width(m)) - 1);
      auto digit = [width](std::uint64_t e) { return static_cast<std::size_t>((e << 8) >> (64 - width)); };
      count.assign((std::size_t{1} << width) + 1, 0);
      for (std::size_t i = 0; i < m; ++i) ++count[digit(p[i]) + 1];
      for (std::size_t d = 1; d < count.size(); ++d) count[d] += count[d - 1];
      scratch.resize(m);
      for (std::size_t i = 0; i < m; ++i) scratch[count[digit(p[i])]++] = p[i];
      std::memcpy(p, scratch.data(), m * sizeof *p);
    }
    insertion_sort(p, m);
  }
}

void IdentifierSet::Reserve(std::size_t n) {
  // Address space only: BigArray pages become resident when written.
  kinds_.reserve(n);
  hashes_.reserve(n);
  ref_offsets_.reserve(n + 1);
  refs_.reserve(n * 10);
  postings_.reserve(n * 2);
}

std::uint32_t IdentifierSet::Add(Kind kind, const Digest& hash, std::span<const std::uint64_t> tags,
                                 std::string_view ref, const std::optional<Digest>& folded_hash,
                                 std::span<const std::uint64_t> folded_tags) {
  if (kinds_.size() >= kMaxIdentifiers || finalized_) std::abort();  // loaders check the count first
  auto id = static_cast<std::uint32_t>(kinds_.size());
  kinds_.push_back(static_cast<std::uint8_t>(kind));
  hashes_.push_back(hash);
  if (ref_offsets_.empty()) ref_offsets_.push_back(0);
  refs_.append(ref.data(), ref.size());
  ref_offsets_.push_back(static_cast<std::uint32_t>(refs_.size()));
  for (std::size_t r = 0; r < tags.size() && r < kMaxRotations; ++r) {
    postings_.push_back(PostingKey(tags[r], Pack(id, static_cast<std::uint32_t>(r), false)));
  }
  if (folded_hash) {
    folded_hashes_.push_back(FoldedHash{id, *folded_hash});
    for (std::size_t r = 0; r < folded_tags.size() && r < kMaxRotations; ++r) {
      postings_.push_back(PostingKey(folded_tags[r], Pack(id, static_cast<std::uint32_t>(r), true)));
    }
  }
  kinds_mask_ |= 1u << static_cast<unsigned>(kind);
  return id;
}

void IdentifierSet::AddVocabulary(std::uint64_t vocab_tag) {
  if (finalized_) std::abort();
  vocab_tags_.push_back(vocab_tag);
}

void IdentifierSet::Finalize() {
  if (finalized_) return;
  // Postings by tag (then meta, so duplicates are adjacent), in place.
  SortPostings(postings_.data(), postings_.size());
  // A name like "Anna Anna" has equal rotations: keep one posting.
  std::uint64_t* kept = std::unique(postings_.begin(), postings_.end(),
                                    [](std::uint64_t a, std::uint64_t b) { return (a >> 3) == (b >> 3); });
  postings_.resize(static_cast<std::size_t>(kept - postings_.begin()));
  postings_.shrink_to_fit();
  const std::size_t n = postings_.size();

  // About four postings (32 bytes) per bucket.
  unsigned index_bits = n < 8 ? 0 : static_cast<unsigned>(std::bit_width(n / 4));
  if (index_bits > 30) index_bits = 30;
  index_.reset();
  index_.resize((std::size_t{1} << index_bits) + 1);
  // The filter: 8-16 bits per posting, two bits of one word each.
  const std::size_t words = std::bit_ceil(std::max<std::size_t>(1, std::min<std::size_t>(n * 8 / 64, 1u << 20)));
  filter_.reset();
  filter_.resize(words);
  for (std::uint64_t p : postings_) {
    const auto hi = static_cast<std::uint32_t>(p >> 32);
    ++index_[BucketOf(hi, index_bits) + 1];
    filter_[hi & (words - 1)] |= FilterBits(hi);
  }
  for (std::size_t b = 1; b < index_.size(); ++b) index_[b] += index_[b - 1];

  // Ids only grow, so folded_hashes_ is already in id order.
  if (ref_offsets_.empty()) ref_offsets_.push_back(0);
  folded_index_.assign(FoldedIndexSize(kinds_.size()), 0);
  for (std::size_t b = 0, i = 0; b < folded_index_.size(); ++b) {
    while (i < folded_hashes_.size() && (folded_hashes_[i].id >> kFoldedIndexShift) < b) ++i;
    folded_index_[b] = static_cast<std::uint32_t>(i);
  }
  kinds_.shrink_to_fit();
  hashes_.shrink_to_fit();
  refs_.shrink_to_fit();
  ref_offsets_.shrink_to_fit();
  folded_hashes_.shrink_to_fit();
  std::sort(vocab_tags_.begin(), vocab_tags_.end());
  vocab_tags_.erase(std::unique(vocab_tags_.begin(), vocab_tags_.end()), vocab_tags_.end());

  t_ = Tables{kinds_, hashes_, ref_offsets_, refs_, folded_hashes_, folded_index_, postings_, index_, filter_,
              vocab_tags_, index_bits, max_words_};
  filter_mask_ = words - 1;
  BuildVocabulary();
  finalized_ = true;
}

void IdentifierSet::BuildVocabulary() {
  // Load factor at most 1/2.
  std::size_t cap = 16;
  while (cap < t_.vocab_tags.size() * 2) cap *= 2;
  vocab_.assign(cap, 0);
  for (std::uint64_t t : t_.vocab_tags) {
    std::uint32_t key = VocabKey(t);
    std::size_t slot = static_cast<std::size_t>(t) & (cap - 1);
    while (vocab_[slot] != 0 && vocab_[slot] != key) slot = (slot + 1) & (cap - 1);
    vocab_[slot] = key;
  }
  const std::size_t bits = std::bit_ceil(std::max<std::size_t>(64, t_.vocab_tags.size() * 16));
  vocab_bits_.assign(bits / 64, 0);
  vocab_bits_mask_ = bits - 1;
  for (std::uint64_t t : t_.vocab_tags) {
    const std::size_t bit = static_cast<std::size_t>(t >> 40) & vocab_bits_mask_;
    vocab_bits_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
  }
}

IdentifierSet::Tables IdentifierSet::tables() const {
  if (!finalized_) __builtin_trap();
  return t_;
}

Result<IdentifierSet> IdentifierSet::FromTables(const Tables& t, std::shared_ptr<const void> owner) {
  auto bad = [](const char* what) { return Status::InvalidArgument(std::string("inconsistent identifier set: ") + what); };
  const std::size_t n = t.kinds.size();
  if (n > kMaxIdentifiers) return bad("too many identifiers");
  if (t.hashes.size() != n) return bad("one hash per identifier");
  if (t.max_words > kMaxRotations) return bad("max_words above 8");
  IdentifierSet set;
  for (std::uint8_t k : t.kinds) {
    if (k >= std::size(kAllKinds)) return bad("unknown kind");
    set.kinds_mask_ |= 1u << k;
  }
  if (t.ref_offsets.size() != n + 1 || t.ref_offsets[0] != 0 || t.ref_offsets[n] != t.refs.size()) {
    return bad("ref offsets");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (t.ref_offsets[i + 1] < t.ref_offsets[i] || t.ref_offsets[i + 1] - t.ref_offsets[i] > 64) {
      return bad("ref offsets");
    }
  }
  // Folded hashes: ascending ids, and the block index that finds them.
  if (t.folded_index.size() != FoldedIndexSize(n)) return bad("folded index size");
  for (std::size_t b = 0, i = 0; b < t.folded_index.size(); ++b) {
    while (i < t.folded_hashes.size() && (t.folded_hashes[i].id >> kFoldedIndexShift) < b) {
      if (t.folded_hashes[i].id >= n || (i > 0 && t.folded_hashes[i - 1].id >= t.folded_hashes[i].id)) {
        return bad("folded hashes");
      }
      ++i;
    }
    if (t.folded_index[b] != i) return bad("folded index");
  }
  // Postings: ascending, each naming an identifier, each in its bucket.
  if (t.index_bits > 30 || t.index.size() != (std::size_t{1} << t.index_bits) + 1 || t.index[0] != 0 ||
      t.index.back() != t.postings.size()) {
    return bad("posting index");
  }
  for (std::size_t b = 0; b + 1 < t.index.size(); ++b) {
    if (t.index[b + 1] < t.index[b]) return bad("posting index");
  }
  for (std::size_t b = 0, i = 0; b + 1 < t.index.size(); ++b) {
    for (; i < t.index[b + 1]; ++i) {
      const std::uint64_t p = t.postings[i];
      if ((i > 0 && t.postings[i - 1] > p) || BucketOf(static_cast<std::uint32_t>(p >> 32), t.index_bits) != b ||
          (static_cast<std::uint32_t>(p) >> 4) >= n) {
        return bad("postings");
      }
    }
  }
  if (t.filter.empty() || t.filter.size() > (std::size_t{1} << 20) || !std::has_single_bit(t.filter.size())) {
    return bad("filter size");
  }
  for (std::size_t i = 1; i < t.vocab_tags.size(); ++i) {
    if (t.vocab_tags[i - 1] >= t.vocab_tags[i]) return bad("vocabulary");
  }
  set.t_ = t;
  set.owner_ = std::move(owner);
  set.filter_mask_ = t.filter.size() - 1;
  set.max_words_ = t.max_words;
  set.BuildVocabulary();
  set.finalized_ = true;
  return set;
}

bool IdentifierSet::InVocabularyTable(std::uint64_t vocab_tag) const {
  const std::size_t mask = vocab_.size() - 1;  // at least half the slots are empty: the probe ends
  const std::uint32_t key = VocabKey(vocab_tag);
  for (std::size_t slot = static_cast<std::size_t>(vocab_tag) & mask;; slot = (slot + 1) & mask) {
    std::uint32_t v = vocab_[slot];
    if (v == key) return true;
    if (v == 0) return false;
  }
}

const Digest* IdentifierSet::folded_hash(std::uint32_t id) const {
  const std::size_t block = id >> kFoldedIndexShift;
  if (block + 1 >= t_.folded_index.size()) return nullptr;
  const std::size_t n = t_.folded_hashes.size();  // clamped: see identifier()
  const FoldedHash* end = t_.folded_hashes.data() + std::min<std::size_t>(t_.folded_index[block + 1], n);
  const FoldedHash* begin = std::min(t_.folded_hashes.data() + std::min<std::size_t>(t_.folded_index[block], n), end);
  const FoldedHash* it =
      std::lower_bound(begin, end, id, [](const FoldedHash& e, std::uint32_t k) { return e.id < k; });
  if (it == end || it->id != id) return nullptr;
  return &it->hash;
}

std::size_t IdentifierSet::MemoryBytes() const {
  return t_.kinds.size_bytes() + t_.hashes.size_bytes() + t_.refs.size_bytes() + t_.ref_offsets.size_bytes() +
         t_.folded_hashes.size_bytes() + t_.folded_index.size_bytes() + t_.postings.size_bytes() +
         t_.index.size_bytes() + t_.filter.size_bytes() + t_.vocab_tags.size_bytes() + vocab_.capacity() * 4 +
         vocab_bits_.capacity() * 8;
}

}  // namespace leakmon
