// Process-wide memory behaviour, set once at the start of main().
#pragma once

namespace leakmon {

// Makes glibc's malloc serve every block of 256 KiB or more with its own
// mmap, returned to the system when freed. Page bodies, decoded text and
// extracted text of large pages are such blocks: without this, glibc's
// adaptive threshold moves them onto the heap after the first few, and the
// process keeps the peak of every page size it ever saw. Call before any
// thread starts.
void ReturnLargeBuffersToTheSystem();

}  // namespace leakmon
