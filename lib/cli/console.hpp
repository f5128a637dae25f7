#pragma once
// What a command prints: on rank 0 only, since every rank knows the same things.
#include <fmt/core.h>

#include <cstdio>
#include <string>
#include <utility>

#include "parallel/mpi.hpp"

namespace geostrip {

class Console {
 public:
  explicit Console(const Communicator& comm) : root_(comm.rank() == 0) {}
  template <class... Args>
  void out(fmt::format_string<Args...> format, Args&&... args) const {
    if (root_) fmt::print(format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void err(fmt::format_string<Args...> format, Args&&... args) const {
    if (root_) fmt::print(stderr, format, std::forward<Args>(args)...);
  }

 private:
  bool root_;
};

}  // namespace geostrip
