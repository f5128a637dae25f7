#pragma once
// Sorting a few values, or one rank among them, by a network, on many lanes at once
// (windows or pixels side by side), so that each comparator is a few vector
// min and max instructions. Exact wherever min and max are: integers, and
// floats with neither NaN nor both signs of zero.
#include <cstdint>
#include <vector>

namespace geostrip {

// Afterwards position `low` holds the smaller value, `high` the larger.
struct Comparator {
  int low;
  int high;
};

// A sorting network of n values: Knuth's merge exchange (Batcher's network
// for any n), 41 comparators for 12 values.
std::vector<Comparator> sorting_network(int n);

// The comparators of sorting_network(n) that position `rank` (0-based)
// depends on: 113 of 138 for the lower median of 25 values.
std::vector<Comparator> selection_network(int n, int rank);

// Values side by side: lanes[k * kLanes + i] is value k of lane i.
inline constexpr std::int64_t kLanes = 64;

// Runs `network` on every lane; in AVX2 where the CPU has it (both give the
// same values).
void run_network(const std::vector<Comparator>& network, std::uint8_t* lanes);
void run_network(const std::vector<Comparator>& network, std::int8_t* lanes);
void run_network(const std::vector<Comparator>& network, std::uint16_t* lanes);
void run_network(const std::vector<Comparator>& network, std::int16_t* lanes);
void run_network(const std::vector<Comparator>& network, std::uint32_t* lanes);
void run_network(const std::vector<Comparator>& network, std::int32_t* lanes);
void run_network(const std::vector<Comparator>& network, float* lanes);
void run_network(const std::vector<Comparator>& network, double* lanes);

}  // namespace geostrip
