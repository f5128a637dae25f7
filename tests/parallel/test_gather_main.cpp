// Runs under mpirun on several (virtual) nodes: the communicator's
// collectives and the node discovery, with real Open MPI.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <numeric>

#include "parallel/mpi.hpp"
#include "parallel/topology.hpp"

using namespace geostrip;

namespace {
// Rank r contributes r*1000+7 bytes (rank 1: 1007), each byte a function of rank and position.
std::vector<std::byte> contribution(int rank) {
  std::vector<std::byte> bytes(static_cast<std::size_t>(rank * 1000 + 7));
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::byte>((i * 31 + static_cast<std::size_t>(rank)) & 0xff);
  return bytes;
}
}  // namespace

TEST_CASE("gather brings every rank's bytes to the root, split or not", "[mpi]") {
  const Communicator world = Communicator::world();
  for (const std::size_t limit : {std::size_t{1} << 30, std::size_t{1000}, std::size_t{7}, std::size_t{1}}) {
    INFO("message limit " << limit);
    const GatheredBytes gathered = world.gather(contribution(world.rank()), 0, limit);
    if (world.rank() != 0) continue;
    REQUIRE(gathered.offsets.size() == static_cast<std::size_t>(world.size()) + 1);
    for (int r = 0; r < world.size(); ++r) {
      const auto expected = contribution(r);
      const auto got = gathered.of_rank(r);
      REQUIRE(got.size() == expected.size());
      CHECK(std::equal(got.begin(), got.end(), expected.begin()));
    }
  }
  // Ranks with nothing to send take part too.
  const GatheredBytes empty = world.gather({}, 0, 16);
  if (world.rank() == 0) CHECK(empty.bytes.empty());
}

TEST_CASE("allgather, max and broadcast agree on every rank", "[mpi]") {
  const Communicator world = Communicator::world();
  const auto names = world.allgather(std::string(static_cast<std::size_t>(world.rank()), 'x'));
  REQUIRE(names.size() == static_cast<std::size_t>(world.size()));
  for (int r = 0; r < world.size(); ++r) CHECK(names[static_cast<std::size_t>(r)].size() == static_cast<std::size_t>(r));
  CHECK(world.max(world.rank()) == world.size() - 1);
  CHECK(world.broadcast(world.rank() == 0 ? 42 : -1, 0) == 42);
}

TEST_CASE("each virtual node is a node of its own", "[mpi]") {
  const Communicator world = Communicator::world();
  const Topology topology = discover_topology(world, {});
  CHECK(topology.nodes == world.size());
  CHECK(topology.me().ranks_on_node == 1);
  CHECK(topology.me().node == world.rank());
}

int main(int argc, char** argv) {
  MpiSession mpi(argc, argv);
  return Catch::Session().run(argc, argv);
}
