#pragma once
// Command prefixes that launch real Open MPI jobs on this one machine.
#include <string>

namespace geostrip::test {

// Open MPI refuses root unless told; tests run as root in CI.
inline const std::string kMpirun =
    "env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 mpirun";

// `nodes` virtual nodes, one rank each, all sharing this machine's cores.
inline std::string virtual_nodes(int nodes) {
  std::string hosts;
  for (int n = 1; n <= nodes; ++n) {
    if (n > 1) hosts += ',';
    hosts += "vnode" + std::to_string(n) + ":1";
  }
  return kMpirun + " --host " + hosts + " --mca plm_rsh_agent " + SSH_STANDIN + " --bind-to none";
}

// `ranks` ranks on this one node, as a careless launch would place them.
inline std::string one_node(int ranks, const std::string& binding = "--bind-to none") {
  return kMpirun + " -n " + std::to_string(ranks) + " " + binding;
}

}  // namespace geostrip::test
