#include "parallel/launch_check.hpp"

#include <fmt/core.h>

#include <map>

#include "core/error.hpp"

namespace geostrip {

namespace {

constexpr const char* kOneRankPerNode =
    "launch one rank per node: srun --ntasks-per-node=1 --cpus-per-task=N, or "
    "mpirun --map-by ppr:1:node --bind-to none";

std::string plural(int n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

// Why a rank has fewer cores than the machine, in the order a user should look.
std::string core_limit_reason(const RankFacts& r) {
  const auto bound = static_cast<int>(r.cpu.affinity.size());
  if (bound < r.cpu.online_cores)
    return fmt::format("the launcher bound this rank to {} of the node's {} CPUs ({})", plural(bound, "CPU"),
                       r.cpu.online_cores, format_cpu_list(r.cpu.affinity));
  if (r.cpu.cgroup_cpus && *r.cpu.cgroup_cpus < bound)
    return fmt::format("the cgroup CPU quota is {:.2g} CPUs", *r.cpu.cgroup_cpus);
  if (r.cpu.slurm_cpus_per_task && *r.cpu.slurm_cpus_per_task < bound)
    return fmt::format("Slurm gave it SLURM_CPUS_PER_TASK={}", *r.cpu.slurm_cpus_per_task);
  if (r.ranks_on_node > 1)
    return fmt::format("{} ranks share this node's {}", r.ranks_on_node, plural(bound, "CPU"));
  return fmt::format("the node has {}", plural(bound, "CPU"));
}

}  // namespace

OversubscriptionCheck parse_oversubscription_check(const std::string& text) {
  if (text == "warn") return OversubscriptionCheck::Warn;
  if (text == "abort") return OversubscriptionCheck::Abort;
  if (text == "off") return OversubscriptionCheck::Off;
  throw UsageError("--oversubscription-check " + text + ": expected warn, abort or off");
}

std::vector<Finding> shared_node_findings(const Topology& topology) {
  std::map<int, std::vector<const RankFacts*>> by_node;
  for (const auto& r : topology.ranks) by_node[r.node].push_back(&r);
  std::vector<Finding> findings;
  for (const auto& [node, ranks] : by_node) {
    if (ranks.size() < 2) continue;
    std::string list;
    for (const RankFacts* r : ranks) list += (list.empty() ? "" : ", ") + std::to_string(r->rank);
    findings.push_back({ranks.front()->rank, ranks.front()->host, node,
                        fmt::format("{} ranks ({}) run on this node; geostrip runs one rank per node and "
                                    "threads within it",
                                    ranks.size(), list),
                        std::string(kOneRankPerNode) + " (or pass --allow-shared-node to split the node's cores)"});
  }
  return findings;
}

std::vector<Finding> oversubscription_findings(const RankFacts& r) {
  std::vector<Finding> findings;
  const HelperThreads& h = r.helpers;
  const int own = std::max(r.threads, h.omp);
  const int total = own + h.gdal + h.mkl + h.openblas;
  if (total > r.usable_cores) {
    std::string parts = fmt::format("{} geostrip", r.threads);
    std::string unset;
    const auto helper = [&](int n, const char* var) {
      if (n <= 0) return;
      parts += fmt::format(" + {} from {}", n, var);
      unset += (unset.empty() ? "" : ", ") + std::string(var);
    };
    if (h.omp > r.threads) parts += fmt::format(" (OMP_NUM_THREADS={})", h.omp);
    helper(h.gdal, "GDAL_NUM_THREADS");
    helper(h.mkl, "MKL_NUM_THREADS");
    helper(h.openblas, "OPENBLAS_NUM_THREADS");
    std::string fix;
    if (static_cast<int>(r.cpu.affinity.size()) < r.cpu.online_cores)
      fix = std::string(kOneRankPerNode) + ", so each rank gets its node's cores; or ";
    fix += fmt::format("run --threads {}", r.usable_cores);
    if (!unset.empty()) fix += " and set " + unset + " to 1";
    if (h.omp > r.threads) fix += " and OMP_NUM_THREADS to the same";
    findings.push_back({r.rank, r.host, r.node,
                        fmt::format("{} threads ({}) on {}: {}", total, parts, plural(r.usable_cores, "core"),
                                    core_limit_reason(r)),
                        fix});
  }
  // The opposite waste: alone on its node, but bound by the launcher (mpirun
  // binds to a core by default) to fewer CPUs than it may use, so --threads
  // auto runs that few. Slurm's own allocation (--cpus-per-task) is no finding.
  const auto bound = static_cast<int>(r.cpu.affinity.size());
  const int may_use = r.cpu.cpuset.empty() ? r.cpu.online_cores : static_cast<int>(r.cpu.cpuset.size());
  const bool slurm_allocation = r.cpu.slurm_cpus_per_task && bound >= *r.cpu.slurm_cpus_per_task;
  if (r.ranks_on_node == 1 && bound < may_use && total <= r.usable_cores && !slurm_allocation)
    findings.push_back(
        {r.rank, r.host, r.node,
         fmt::format("the launcher bound this rank, alone on its node, to {} of the {} it may use ({}): it runs {} "
                     "and leaves {} idle",
                     plural(bound, "CPU"), plural(may_use, "CPU"), format_cpu_list(r.cpu.affinity),
                     plural(r.threads, "thread"), plural(may_use - bound, "CPU")),
         fmt::format("mpirun --bind-to none (or --map-by ppr:1:node:PE={}); under Slurm, srun --cpus-per-task={}",
                     may_use, may_use)});
  if (r.memory_budget > r.memory_limit)
    findings.push_back({r.rank, r.host, r.node,
                        fmt::format("memory budget {} exceeds the {} this rank may use ({})",
                                    format_bytes(r.memory_budget), format_bytes(r.memory_limit),
                                    r.memory_limit_source),
                        fmt::format("--memory {}MiB or less", r.memory_limit / 2 / (1024 * 1024))});
  return findings;
}

std::string describe(const Finding& f) {
  return fmt::format("rank {} on {} (node {}): {}. Fix: {}", f.rank, f.host, f.node, f.problem, f.fix);
}

std::string topology_table(const Topology& topology) {
  std::string out = fmt::format("{} on {}\n", plural(static_cast<int>(topology.ranks.size()), "rank"),
                                plural(topology.nodes, "node"));
  out += fmt::format("{:>4}  {:<16} {:>4} {:>10}  {:<12} {:>6} {:>5} {:>5} {:>7} {:>7}  {:>10}  {}\n", "rank",
                     "host", "node", "ranks/node", "affinity", "cgroup", "slurm", "cores", "threads", "helpers",
                     "memory", "memory limit");
  for (const auto& r : topology.ranks) {
    const HelperThreads& h = r.helpers;
    out += fmt::format(
        "{:>4}  {:<16} {:>4} {:>10}  {:<12} {:>6} {:>5} {:>5} {:>7} {:>7}  {:>10}  {} ({})\n", r.rank, r.host,
        r.node, r.ranks_on_node, format_cpu_list(r.cpu.affinity),
        r.cpu.cgroup_cpus ? fmt::format("{:.2g}", *r.cpu.cgroup_cpus) : "-",
        r.cpu.slurm_cpus_per_task ? std::to_string(*r.cpu.slurm_cpus_per_task) : "-", r.usable_cores, r.threads,
        h.gdal + h.mkl + h.openblas + std::max(0, h.omp - r.threads), format_bytes(r.memory_budget),
        format_bytes(r.memory_limit), r.memory_limit_source);
  }
  return out;
}

}  // namespace geostrip
