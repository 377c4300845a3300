// BigArray<T>: a growable array for the identifier set's large tables (tens
// of megabytes for a million identifiers).
//
// Unlike std::vector it takes its memory straight from mmap, asks for
// transparent huge pages (MADV_HUGEPAGE: a million identifiers then cost a
// few dozen page faults instead of ~20,000; a 4 KB page fault costs ~13 us
// on the project's virtual machine, so this is most of the load time) and
// grows with mremap, which moves pages instead of copying them, so growing
// never holds two copies at once. Reserved but untouched capacity costs
// address space, not memory.
//
// Trivially copyable element types only; new elements are zero bytes (resize)
// or the value given (push_back). Move-only. On allocation failure it aborts,
// as std::vector would throw std::bad_alloc. Not thread-safe for writers;
// const access may be shared.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <sys/mman.h>
#include <type_traits>
#include <utility>

namespace leakmon {

template <class T>
class BigArray {
  static_assert(std::is_trivially_copyable_v<T>, "BigArray holds trivially copyable types only");

 public:
  BigArray() = default;
  ~BigArray() { Release(); }
  BigArray(BigArray&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)),
        bytes_(std::exchange(o.bytes_, 0)), touched_(std::exchange(o.touched_, 0)) {}
  BigArray& operator=(BigArray&& o) noexcept {
    if (this != &o) {
      Release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      bytes_ = std::exchange(o.bytes_, 0);
      touched_ = std::exchange(o.touched_, 0);
    }
    return *this;
  }
  BigArray(const BigArray&) = delete;
  BigArray& operator=(const BigArray&) = delete;

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return bytes_ / sizeof(T); }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& back() { return data_[size_ - 1]; }

  void reserve(std::size_t n) {
    if (n > capacity()) Grow(n * sizeof(T));
  }
  void push_back(const T& v) {
    const T copy = v;  // v may be an element: Grow() moves them
    if (size_ == capacity()) Grow((size_ + 1) * sizeof(T) * 2);
    std::memcpy(static_cast<void*>(data_ + size_), &copy, sizeof(T));
    ++size_;
    if (size_ > touched_) touched_ = size_;
  }
  // p must not point into this array (Grow() moves it).
  void append(const T* p, std::size_t n) {
    if (size_ + n > capacity()) Grow((size_ + n) * sizeof(T) * 2);
    if (n) std::memcpy(static_cast<void*>(data_ + size_), p, n * sizeof(T));
    size_ += n;
    if (size_ > touched_) touched_ = size_;
  }
  // New elements are zero bytes.
  void resize(std::size_t n) {
    reserve(n);
    // Pages never written are still the kernel's zero pages: no memset
    // (which would also make them resident).
    if (n > size_ && size_ < touched_) {
      std::memset(static_cast<void*>(data_ + size_), 0, (std::min(n, touched_) - size_) * sizeof(T));
    }
    size_ = n;
    touched_ = std::max(touched_, n);
  }
  void clear() { size_ = 0; }
  // Returns the pages beyond size() (in place: nothing moves).
  void shrink_to_fit() {
    if (data_ == nullptr) return;
    std::size_t bytes = Round(size_ * sizeof(T));
    if (bytes == 0) {
      reset();
    } else if (bytes < bytes_) {
      if (::mremap(data_, bytes_, bytes, 0) == MAP_FAILED) return;  // keeps the larger mapping
      bytes_ = bytes;
      touched_ = std::min(touched_, size_);
    }
  }
  // Drops the elements and returns the memory.
  void reset() {
    Release();
    data_ = nullptr;
    size_ = bytes_ = touched_ = 0;
  }

 private:
  static constexpr std::size_t kPage = 4096;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  static std::size_t Round(std::size_t bytes) { return (bytes + kPage - 1) & ~(kPage - 1); }

  // A new mapping (the kernel aligns those of 2 MB and more to huge pages)
  // with the old pages moved, not copied, to its start. Arrays of 256 KB and
  // more grow in whole huge pages.
  void Grow(std::size_t want_bytes) {
    const bool huge = want_bytes >= kHugePage / 8;
    const std::size_t bytes = huge ? (want_bytes + kHugePage - 1) & ~(kHugePage - 1) : Round(want_bytes);
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) std::abort();
#ifdef MADV_HUGEPAGE
    if (huge) ::madvise(p, bytes, MADV_HUGEPAGE);  // a hint; failure is harmless
#endif
    if (data_ != nullptr && ::mremap(data_, bytes_, bytes_, MREMAP_MAYMOVE | MREMAP_FIXED, p) == MAP_FAILED) {
      std::abort();
    }
    data_ = static_cast<T*>(p);
    bytes_ = bytes;
  }
  void Release() {
    if (data_) ::munmap(data_, bytes_);
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t bytes_ = 0;
  std::size_t touched_ = 0;  // elements beyond this were never written: zero
};

}  // namespace leakmon
