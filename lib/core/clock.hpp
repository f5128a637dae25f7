#pragma once
// Wall time for summaries, reports and progress.
#include <chrono>

namespace geostrip {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace geostrip
