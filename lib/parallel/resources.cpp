#include "parallel/resources.hpp"

#include <omp.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/core.h>

namespace geostrip {

namespace {

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A cgroup file of this process: under its own cgroup when that is visible,
// else at the mount's root (containers usually mount their own cgroup there).
std::optional<std::string> read_cgroup_file(const std::string& mount, std::string_view controller,
                                            const std::string& file) {
  const auto self = read_text("/proc/self/cgroup");
  if (self)
    if (const auto path = cgroup_path(*self, controller))
      if (auto text = read_text(mount + *path + "/" + file)) return text;
  return read_text(mount + "/" + file);
}

int env_threads(const char* name, int all_cpus) {
  const char* value = std::getenv(name);
  if (!value || !*value) return 0;
  if (std::string_view(value) == "ALL_CPUS") return all_cpus;
  // OMP_NUM_THREADS may list nesting levels ("4,2"): the first is the team size.
  const auto number = parse_int(std::string_view(value).substr(0, std::string_view(value).find(',')));
  return number && *number > 0 ? static_cast<int>(*number) : 0;
}

bool names_controller(std::string_view controllers, std::string_view controller) {
  std::istringstream names{std::string(controllers)};
  for (std::string name; std::getline(names, name, ',');)
    if (name == controller) return true;
  return false;
}

}  // namespace

std::optional<std::string> cgroup_path(std::string_view text, std::string_view controller) {
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string_view controllers = std::string_view(line).substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    const bool match = controller.empty() ? controllers.empty() : names_controller(controllers, controller);
    if (match) return path == "/" ? std::string() : path;
  }
  return std::nullopt;
}

std::optional<double> parse_cpu_max(std::string_view text) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto quota = parse_int(text.substr(0, space));
  const auto period = parse_int(text.substr(space + 1));
  if (!quota || !period) return std::nullopt;  // "max"
  return cfs_cpus(*quota, *period);
}

std::optional<double> cfs_cpus(std::int64_t quota_us, std::int64_t period_us) {
  if (quota_us <= 0 || period_us <= 0) return std::nullopt;
  return static_cast<double>(quota_us) / static_cast<double>(period_us);
}

std::optional<std::uint64_t> parse_memory_limit(std::string_view text) {
  const auto value = parse_int(text);
  if (!value || *value <= 0 || *value >= (std::int64_t{1} << 60)) return std::nullopt;
  return static_cast<std::uint64_t>(*value);
}

CpuLimits read_cpu_limits() {
  CpuLimits limits;
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0)
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &mask)) limits.affinity.push_back(cpu);
  // With OMP_PLACES (as the slurm/ scripts set it) the OpenMP runtime binds
  // this initial thread to the first place while it starts, so the mask now
  // shows one place; the process was given every place, built from its mask.
  if (omp_get_num_places() > 0) {
    std::set<int> cpus;
    for (int place = 0; place < omp_get_num_places(); ++place) {
      std::vector<int> ids(static_cast<std::size_t>(omp_get_place_num_procs(place)));
      omp_get_place_proc_ids(place, ids.data());
      cpus.insert(ids.begin(), ids.end());
    }
    limits.affinity.assign(cpus.begin(), cpus.end());
  }
  if (limits.affinity.empty()) limits.affinity.push_back(0);
  limits.online_cores = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  if (const auto v2 = read_cgroup_file("/sys/fs/cgroup", "", "cpuset.cpus.effective"))
    limits.cpuset = parse_cpu_list(*v2);
  else if (const auto v1 = read_cgroup_file("/sys/fs/cgroup/cpuset", "cpuset", "cpuset.effective_cpus"))
    limits.cpuset = parse_cpu_list(*v1);
  if (const auto v2 = read_cgroup_file("/sys/fs/cgroup", "", "cpu.max")) {
    limits.cgroup_cpus = parse_cpu_max(*v2);
  } else {
    const auto quota = read_cgroup_file("/sys/fs/cgroup/cpu", "cpu", "cpu.cfs_quota_us");
    const auto period = read_cgroup_file("/sys/fs/cgroup/cpu", "cpu", "cpu.cfs_period_us");
    if (quota && period)
      if (const auto q = parse_int(*quota), p = parse_int(*period); q && p) limits.cgroup_cpus = cfs_cpus(*q, *p);
  }
  if (const char* slurm = std::getenv("SLURM_CPUS_PER_TASK"))
    if (const auto n = parse_int(slurm); n && *n > 0) limits.slurm_cpus_per_task = static_cast<int>(*n);
  return limits;
}

MemoryLimits read_memory_limits() {
  MemoryLimits limits;
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  limits.physical = pages > 0 && page_size > 0
                        ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size)
                        : std::uint64_t{1} << 30;
  if (const auto v2 = read_cgroup_file("/sys/fs/cgroup", "", "memory.max"))
    limits.cgroup = parse_memory_limit(*v2);
  else if (const auto v1 = read_cgroup_file("/sys/fs/cgroup/memory", "memory", "memory.limit_in_bytes"))
    limits.cgroup = parse_memory_limit(*v1);
  return limits;
}

HelperThreads read_helper_threads(int affinity_cores) {
  return {env_threads("GDAL_NUM_THREADS", affinity_cores), env_threads("OMP_NUM_THREADS", affinity_cores),
          env_threads("MKL_NUM_THREADS", affinity_cores), env_threads("OPENBLAS_NUM_THREADS", affinity_cores)};
}

std::string format_cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j > i ? fmt::format("{}-{}", cpus[i], cpus[j]) : std::to_string(cpus[i]);
    i = j + 1;
  }
  return out;
}

std::vector<int> parse_cpu_list(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  std::vector<int> cpus;
  while (!text.empty()) {
    const std::string_view range = text.substr(0, text.find(','));
    text.remove_prefix(std::min(text.size(), range.size() + 1));
    const auto dash = range.find('-');
    const auto first = parse_int(range.substr(0, dash));
    const auto last = dash == std::string_view::npos ? first : parse_int(range.substr(dash + 1));
    if (!first || !last || *first < 0 || *last < *first || *last >= CPU_SETSIZE) return {};
    for (auto cpu = *first; cpu <= *last; ++cpu) cpus.push_back(static_cast<int>(cpu));
  }
  return cpus;
}

std::string format_bytes(std::uint64_t bytes) {
  const double gib = static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
  if (gib >= 1) return fmt::format("{:.1f} GiB", gib);
  if (bytes >= (1 << 20)) return fmt::format("{:.0f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return fmt::format("{} KiB", (bytes + 1023) / 1024);  // not "0 MiB" for a small budget
}

std::uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace geostrip
