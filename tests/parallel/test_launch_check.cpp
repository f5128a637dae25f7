#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "parallel/launch_check.hpp"

using namespace geostrip;

namespace {
RankFacts rank_on(int rank, int node, std::vector<int> affinity, int threads) {
  RankFacts r;
  r.rank = rank;
  r.host = "node" + std::to_string(node);
  r.node = node;
  r.cpu.affinity = std::move(affinity);
  r.cpu.online_cores = 8;
  r.usable_cores = static_cast<int>(r.cpu.affinity.size());
  r.threads = threads;
  r.memory_limit = 16ull << 30;
  r.memory_budget = 8ull << 30;
  r.memory_limit_source = "physical memory";
  return r;
}
}  // namespace

TEST_CASE("a rank bound to one core running many threads is caught, with the launcher fix", "[parallel]") {
  const auto findings = oversubscription_findings(rank_on(1, 0, {3}, 4));
  REQUIRE(findings.size() == 1);
  const std::string text = describe(findings.front());
  CHECK_THAT(text, Catch::Contains("rank 1 on node0"));
  CHECK_THAT(text, Catch::Contains("4 threads"));
  CHECK_THAT(text, Catch::Contains("bound this rank to 1 CPU of the node's 8 CPUs (3)"));
  CHECK_THAT(text, Catch::Contains("mpirun --map-by ppr:1:node --bind-to none"));
  CHECK_THAT(text, Catch::Contains("srun --ntasks-per-node=1 --cpus-per-task=N"));
  CHECK_THAT(text, Catch::Contains("--threads 1"));
}

TEST_CASE("helper threads from the environment count against the cores", "[parallel]") {
  RankFacts r = rank_on(0, 0, {0, 1, 2, 3, 4, 5, 6, 7}, 8);
  CHECK(oversubscription_findings(r).empty());
  r.helpers.openblas = 4;
  const auto findings = oversubscription_findings(r);
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings.front().problem, Catch::Contains("12 threads") && Catch::Contains("OPENBLAS_NUM_THREADS"));
  CHECK_THAT(findings.front().fix, Catch::Contains("OPENBLAS_NUM_THREADS to 1"));
  r.helpers = {};
  r.helpers.omp = 16;  // OMP_NUM_THREADS larger than the cores
  CHECK_THAT(oversubscription_findings(r).front().problem, Catch::Contains("OMP_NUM_THREADS=16"));
}

TEST_CASE("a memory budget over the rank's limit is caught", "[parallel]") {
  RankFacts r = rank_on(0, 0, {0, 1}, 2);
  r.cpu.cpuset = {0, 1};  // its cgroup's CPUs: all it may use
  r.memory_budget = 32ull << 30;
  r.memory_limit_source = "cgroup limit";
  const auto findings = oversubscription_findings(r);
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings.front().problem, Catch::Contains("32.0 GiB") && Catch::Contains("cgroup limit"));
  CHECK_THAT(findings.front().fix, Catch::Contains("--memory 8192MiB"));
}

TEST_CASE("nodes with several ranks are named with their ranks and both fixes", "[parallel]") {
  Topology topology;
  topology.ranks = {rank_on(0, 0, {0, 1}, 2), rank_on(1, 1, {0, 1}, 2), rank_on(2, 1, {0, 1}, 2)};
  topology.nodes = 2;
  const auto findings = shared_node_findings(topology);
  REQUIRE(findings.size() == 1);
  CHECK(findings.front().host == "node1");
  CHECK_THAT(findings.front().problem, Catch::Contains("2 ranks (1, 2)"));
  CHECK_THAT(findings.front().fix, Catch::Contains("srun --ntasks-per-node=1 --cpus-per-task=N") &&
                                       Catch::Contains("mpirun --map-by ppr:1:node --bind-to none"));
  topology.ranks.pop_back();
  CHECK(shared_node_findings(topology).empty());
}

TEST_CASE("the check mode is warn, abort or off", "[parallel]") {
  CHECK(parse_oversubscription_check("abort") == OversubscriptionCheck::Abort);
  CHECK_THROWS_AS(parse_oversubscription_check("strict"), UsageError);
}

TEST_CASE("a rank alone on its node bound to fewer CPUs than it may use is told how to get them", "[parallel]") {
  // mpirun's default binding: one core of the cgroup's eight.
  RankFacts r = rank_on(0, 0, {0}, 1);
  r.cpu.cpuset = {0, 1, 2, 3, 4, 5, 6, 7};
  const auto findings = oversubscription_findings(r);
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings.front().problem, Catch::Contains("alone on its node, to 1 CPU of the 8 CPUs it may use (0)") &&
                                           Catch::Contains("leaves 7 CPUs idle"));
  CHECK_THAT(findings.front().fix, Catch::Contains("mpirun --bind-to none") && Catch::Contains("PE=8") &&
                                       Catch::Contains("srun --cpus-per-task=8"));
  // What Slurm gave the task, what the cgroup allows, or a node shared on purpose: no finding.
  RankFacts slurm = r;
  slurm.cpu.slurm_cpus_per_task = 1;
  CHECK(oversubscription_findings(slurm).empty());
  RankFacts container = r;
  container.cpu.cpuset = {0};
  CHECK(oversubscription_findings(container).empty());
  RankFacts shared = r;
  shared.ranks_on_node = 2;
  CHECK(oversubscription_findings(shared).empty());
}
