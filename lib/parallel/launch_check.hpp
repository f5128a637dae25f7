#pragma once
// Checks of a launch before any work: one rank per node, and no rank running
// more threads than it has cores or budgeting more memory than it may use.
#include <optional>
#include <string>
#include <vector>

#include "parallel/topology.hpp"

namespace geostrip {

enum class OversubscriptionCheck { Warn, Abort, Off };
OversubscriptionCheck parse_oversubscription_check(const std::string& text);  // throws UsageError

struct Finding {
  int rank = 0;
  std::string host;
  int node = 0;
  std::string problem;
  std::string fix;
};

// Nodes running more than one rank, each with its host, ranks and both launcher fixes.
std::vector<Finding> shared_node_findings(const Topology& topology);

// What is wrong with one rank's threads and memory.
std::vector<Finding> oversubscription_findings(const RankFacts& rank);

// "rank 1 on host (node 1): PROBLEM. Fix: FIX"
std::string describe(const Finding& finding);

// The table `geostrip check` prints.
std::string topology_table(const Topology& topology);

}  // namespace geostrip
