#include "parallel/resources.hpp"

#include <sched.h>
#include <unistd.h>

namespace geostrip {

int available_cores() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof(mask), &mask) != 0) return 1;
  const int count = CPU_COUNT(&mask);
  return count > 0 ? count : 1;
}

std::uint64_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page_size > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size)
                                    : std::uint64_t{1} << 30;
}

}  // namespace geostrip
