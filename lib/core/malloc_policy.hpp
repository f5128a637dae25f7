#pragma once
// How geostrip asks glibc's malloc to keep memory: set once, at the start of
// a process (geostrip itself, and the benchmarks that time its kernels as it
// runs them). Does nothing elsewhere than glibc.

namespace geostrip {

void keep_block_buffers_in_heap();

}  // namespace geostrip
