#include <catch2/catch.hpp>

#include "parallel/stall_watch.hpp"

using namespace geostrip;

TEST_CASE("a rank is stalled when silent, or owing work and doing none, for longer than the timeout", "[parallel]") {
  constexpr double kTimeout = 20;
  // heard, progressed, work, owing, done
  const std::vector<RankPulse> pulses{
      {100, 100, 7, true, false},  // computing, heard now
      {100, 50, 7, true, false},   // heartbeats, but no block for 50 s: a hung filesystem
      {70, 70, 9, false, false},   // silent for 30 s: frozen
      {100, 10, 3, false, false},  // waiting for the others, as long as it likes
      {10, 10, 12, false, true},   // done with every round: its silence is fine
      {85, 85, 1, true, false},    // 15 s: not yet
  };
  CHECK(stalled_ranks(pulses, 100, kTimeout) == std::vector<int>{1, 2});
  CHECK(stalled_ranks(pulses, 104, kTimeout) == std::vector<int>{1, 2});
  CHECK(stalled_ranks(pulses, 106, kTimeout) == std::vector<int>{1, 2, 5});
  CHECK(stalled_ranks(pulses, 60, kTimeout).empty());
}
