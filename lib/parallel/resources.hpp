#pragma once
// What this process may use of its machine: cores (affinity mask, cgroup CPU
// quota, Slurm's allocation), memory (physical, cgroup limit), and the helper
// threads other libraries will start, as their environment variables imply.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/host.hpp"

namespace geostrip {

struct CpuLimits {
  std::vector<int> affinity;               // CPU ids in this process's affinity mask
  int online_cores = 1;                    // CPUs of the machine
  std::vector<int> cpuset;                 // CPUs its cgroup lets it use (cpuset.cpus.effective); empty if unknown
  std::optional<double> cgroup_cpus;       // CPU quota / period, when a quota is set
  std::optional<int> slurm_cpus_per_task;  // SLURM_CPUS_PER_TASK
};

struct MemoryLimits {
  std::uint64_t physical = 0;
  std::optional<std::uint64_t> cgroup;  // memory.max / memory.limit_in_bytes, when set
};

// Threads other libraries may start inside this process; 0 where unset.
struct HelperThreads {
  int gdal = 0;      // GDAL_NUM_THREADS (ALL_CPUS counts the affinity mask)
  int omp = 0;       // OMP_NUM_THREADS
  int mkl = 0;       // MKL_NUM_THREADS
  int openblas = 0;  // OPENBLAS_NUM_THREADS
};

CpuLimits read_cpu_limits();
MemoryLimits read_memory_limits();
HelperThreads read_helper_threads(int affinity_cores);

// Pure parsers of the kernel's files, for testing.
// The cgroup path of `controller` in /proc/self/cgroup text ("" selects the v2 line "0::/path").
std::optional<std::string> cgroup_path(std::string_view proc_self_cgroup, std::string_view controller);
// cgroup v2 cpu.max ("200000 100000" -> 2.0, "max 100000" -> none).
std::optional<double> parse_cpu_max(std::string_view text);
// cgroup v1 cpu.cfs_quota_us and cpu.cfs_period_us (quota -1 -> none).
std::optional<double> cfs_cpus(std::int64_t quota_us, std::int64_t period_us);
// memory.max or memory.limit_in_bytes ("max" or a value of 2^60 or more -> none).
std::optional<std::uint64_t> parse_memory_limit(std::string_view text);

// "0-3,8,10-11" style list of CPU ids, and back (empty for what does not parse).
std::string format_cpu_list(const std::vector<int>& cpus);
std::vector<int> parse_cpu_list(std::string_view text);
// "11.8 GiB"
std::string format_bytes(std::uint64_t bytes);

// The process's peak resident set (getrusage), in bytes.
std::uint64_t peak_rss_bytes();

}  // namespace geostrip
