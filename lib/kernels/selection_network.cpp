#include "kernels/selection_network.hpp"

#include <algorithm>
#include <bit>

namespace geostrip {

std::vector<Comparator> sorting_network(int n) {
  std::vector<Comparator> sort;
  const int t = std::bit_width(static_cast<unsigned>(n - 1));
  for (int p = t > 0 ? 1 << (t - 1) : 0; p > 0; p >>= 1)
    for (int q = 1 << (t - 1), r = 0, d = p; d > 0; d = q - p, q >>= 1, r = p)
      for (int i = 0; i + d < n; ++i)
        if ((i & p) == r) sort.push_back({.low = i, .high = i + d});
  return sort;
}

std::vector<Comparator> selection_network(int n, int rank) {
  const std::vector<Comparator> sort = sorting_network(n);
  std::vector<bool> needed(static_cast<std::size_t>(n), false);
  needed[static_cast<std::size_t>(rank)] = true;
  std::vector<Comparator> network;
  for (auto c = sort.rbegin(); c != sort.rend(); ++c)
    if (needed[static_cast<std::size_t>(c->low)] || needed[static_cast<std::size_t>(c->high)]) {
      network.push_back(*c);
      needed[static_cast<std::size_t>(c->low)] = needed[static_cast<std::size_t>(c->high)] = true;
    }
  std::reverse(network.begin(), network.end());
  return network;
}

namespace {

template <class T>
[[gnu::always_inline]] inline void compare_exchange(T* __restrict low, T* __restrict high) {
  // Written so, GCC vectorizes it; from copies of low[i] and high[i] it does not.
  for (std::int64_t i = 0; i < kLanes; ++i) {
    const T smaller = std::min(low[i], high[i]);
    const T larger = std::max(low[i], high[i]);
    low[i] = smaller;
    high[i] = larger;
  }
}

template <class T>
[[gnu::always_inline]] inline void run_network_on(const std::vector<Comparator>& network, T* lanes) {
  for (const Comparator c : network) compare_exchange(lanes + c.low * kLanes, lanes + c.high * kLanes);
}

}  // namespace

// One function a type: clang clones no templates.
#define GEOSTRIP_NETWORK_FOR(T)                                                                                  \
  [[gnu::target_clones("avx2", "default")]] void run_network(const std::vector<Comparator>& network, T* lanes) { \
    run_network_on(network, lanes);                                                                              \
  }
GEOSTRIP_NETWORK_FOR(std::uint8_t)
GEOSTRIP_NETWORK_FOR(std::int8_t)
GEOSTRIP_NETWORK_FOR(std::uint16_t)
GEOSTRIP_NETWORK_FOR(std::int16_t)
GEOSTRIP_NETWORK_FOR(std::uint32_t)
GEOSTRIP_NETWORK_FOR(std::int32_t)
GEOSTRIP_NETWORK_FOR(float)
GEOSTRIP_NETWORK_FOR(double)
#undef GEOSTRIP_NETWORK_FOR

}  // namespace geostrip
