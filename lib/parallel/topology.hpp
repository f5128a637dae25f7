#pragma once
// Who runs where: every rank's node, cores, threads and memory, known to every rank.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parallel/mpi.hpp"
#include "parallel/resources.hpp"

namespace geostrip {

// The user's choices that decide a rank's resources.
struct ResourceOptions {
  std::optional<int> threads;          // --threads; default: the cores this rank may use
  std::optional<std::uint64_t> memory; // --memory; default: half of what this rank may use
};

struct RankFacts {
  int rank = 0;
  std::string host;
  int node = 0;  // 0 .. nodes-1
  int ranks_on_node = 1;
  CpuLimits cpu;
  double core_share = 1;  // cores of the affinity mask that are this rank's, when ranks share cores
  int usable_cores = 1;   // the share, capped by the cgroup quota and SLURM_CPUS_PER_TASK
  int threads = 1;
  HelperThreads helpers;
  std::uint64_t memory_budget = 0;
  std::uint64_t memory_limit = 0;
  std::string memory_limit_source;
};

struct Topology {
  std::vector<RankFacts> ranks;  // indexed by rank
  int nodes = 1;
  int my_rank = 0;
  const RankFacts& me() const { return ranks[static_cast<std::size_t>(my_rank)]; }
  int max_threads() const;
};

// Collective over `world`.
Topology discover_topology(const Communicator& world, const ResourceOptions& options);

// Cores of `mine` that are this rank's: each CPU shared with k ranks of the node counts 1/k.
double core_share(const std::vector<int>& mine, const std::vector<std::vector<int>>& node_masks);
int usable_cores(const CpuLimits& cpu, double share);

}  // namespace geostrip
