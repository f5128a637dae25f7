#include "parallel/topology.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace geostrip {

namespace {

using nlohmann::json;

template <class T>
json optional_json(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}
template <class T>
std::optional<T> optional_from(const json& value) {
  return value.is_null() ? std::nullopt : std::optional<T>(value.get<T>());
}

json to_json(const RankFacts& f) {
  return {{"rank", f.rank},
          {"host", f.host},
          {"node", f.node},
          {"ranks_on_node", f.ranks_on_node},
          {"affinity", f.cpu.affinity},
          {"online_cores", f.cpu.online_cores},
          {"cpuset", f.cpu.cpuset},
          {"cgroup_cpus", optional_json(f.cpu.cgroup_cpus)},
          {"slurm_cpus_per_task", optional_json(f.cpu.slurm_cpus_per_task)},
          {"core_share", f.core_share},
          {"usable_cores", f.usable_cores},
          {"threads", f.threads},
          {"helpers", {f.helpers.gdal, f.helpers.omp, f.helpers.mkl, f.helpers.openblas}},
          {"memory_budget", f.memory_budget},
          {"memory_limit", f.memory_limit},
          {"memory_limit_source", f.memory_limit_source}};
}

RankFacts from_json(const json& j) {
  RankFacts f;
  f.rank = j["rank"];
  f.host = j["host"];
  f.node = j["node"];
  f.ranks_on_node = j["ranks_on_node"];
  f.cpu.affinity = j["affinity"].get<std::vector<int>>();
  f.cpu.online_cores = j["online_cores"];
  f.cpu.cpuset = j["cpuset"].get<std::vector<int>>();
  f.cpu.cgroup_cpus = optional_from<double>(j["cgroup_cpus"]);
  f.cpu.slurm_cpus_per_task = optional_from<int>(j["slurm_cpus_per_task"]);
  f.core_share = j["core_share"];
  f.usable_cores = j["usable_cores"];
  f.threads = j["threads"];
  const auto helpers = j["helpers"].get<std::vector<int>>();
  f.helpers = {helpers[0], helpers[1], helpers[2], helpers[3]};
  f.memory_budget = j["memory_budget"];
  f.memory_limit = j["memory_limit"];
  f.memory_limit_source = j["memory_limit_source"];
  return f;
}

}  // namespace

int Topology::max_threads() const {
  int most = 1;
  for (const auto& r : ranks) most = std::max(most, r.threads);
  return most;
}

double core_share(const std::vector<int>& mine, const std::vector<std::vector<int>>& node_masks) {
  double share = 0;
  for (const int cpu : mine) {
    const auto holders = std::count_if(node_masks.begin(), node_masks.end(), [&](const std::vector<int>& mask) {
      return std::find(mask.begin(), mask.end(), cpu) != mask.end();
    });
    share += 1.0 / static_cast<double>(std::max<std::ptrdiff_t>(1, holders));
  }
  return share;
}

int usable_cores(const CpuLimits& cpu, double share) {
  int cores = static_cast<int>(std::floor(share + 1e-9));
  if (cpu.cgroup_cpus) cores = std::min(cores, static_cast<int>(std::floor(*cpu.cgroup_cpus + 1e-9)));
  if (cpu.slurm_cpus_per_task) cores = std::min(cores, *cpu.slurm_cpus_per_task);
  return std::max(1, cores);
}

Topology discover_topology(const Communicator& world, const ResourceOptions& options) {
  const Communicator node = world.split_by_node();
  const bool leader = node.rank() == 0;
  const Communicator leaders = world.split(leader ? 0 : 1, world.rank());
  const auto node_index = static_cast<int>(node.broadcast(leader ? leaders.rank() : 0, 0));

  RankFacts me;
  me.rank = world.rank();
  me.host = host_name();
  me.node = node_index;
  me.ranks_on_node = node.size();
  me.cpu = read_cpu_limits();
  std::vector<std::vector<int>> node_masks;
  for (const std::string& mask : node.allgather(json(me.cpu.affinity).dump()))
    node_masks.push_back(json::parse(mask).get<std::vector<int>>());
  me.core_share = core_share(me.cpu.affinity, node_masks);
  me.usable_cores = usable_cores(me.cpu, me.core_share);
  me.threads = options.threads ? *options.threads : me.usable_cores;
  me.helpers = read_helper_threads(static_cast<int>(me.cpu.affinity.size()));

  const MemoryLimits memory = read_memory_limits();
  me.memory_limit = memory.physical / static_cast<std::uint64_t>(me.ranks_on_node);
  me.memory_limit_source =
      me.ranks_on_node > 1 ? "physical memory / " + std::to_string(me.ranks_on_node) + " ranks" : "physical memory";
  if (memory.cgroup && *memory.cgroup < me.memory_limit) {
    me.memory_limit = *memory.cgroup;
    me.memory_limit_source = "cgroup limit";
  }
  me.memory_budget = options.memory ? *options.memory : me.memory_limit / 2;

  Topology topology;
  topology.my_rank = me.rank;
  for (const std::string& facts : world.allgather(to_json(me).dump()))
    topology.ranks.push_back(from_json(json::parse(facts)));
  for (const auto& r : topology.ranks) topology.nodes = std::max(topology.nodes, r.node + 1);
  return topology;
}

}  // namespace geostrip
