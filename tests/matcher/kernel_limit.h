// For tests that run the matcher once per byte-mask implementation
// (matcher/byte_masks.h): limits the implementation for the guard's
// lifetime, then lifts the limit.
#pragma once

#include "matcher/byte_masks.h"

namespace leakmon::testing {

// Every implementation, best first; a CPU without AVX2 runs the SSE2 one twice.
inline constexpr byte_masks::Kernels kAllKernels[] = {byte_masks::Kernels::kAvx2, byte_masks::Kernels::kSse2,
                                                      byte_masks::Kernels::kPortable};

inline const char* KernelName(byte_masks::Kernels k) {
  switch (k) {
    case byte_masks::Kernels::kAvx2: return "avx2";
    case byte_masks::Kernels::kSse2: return "sse2";
    case byte_masks::Kernels::kPortable: return "portable";
  }
  return "?";
}

class KernelLimit {
 public:
  explicit KernelLimit(byte_masks::Kernels best) { byte_masks::internal::LimitKernelsForTesting(best); }
  ~KernelLimit() { byte_masks::internal::LimitKernelsForTesting(byte_masks::Kernels::kAvx2); }
  KernelLimit(const KernelLimit&) = delete;
  KernelLimit& operator=(const KernelLimit&) = delete;
};

}  // namespace leakmon::testing
