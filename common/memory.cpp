#include "common/memory.h"

#include <malloc.h>

namespace leakmon {

void ReturnLargeBuffersToTheSystem() {
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);  // a fixed value also turns off glibc's adaptive threshold
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
}

}  // namespace leakmon
