#pragma once
#include <functional>
#include <string>

#include "parallel/mpi.hpp"

namespace geostrip {

// Runs `step` on every rank. If it fails anywhere, every rank throws the
// failure of the lowest failing rank (a UsageError stays one, anything else
// becomes a JobError naming that rank and host), so no rank is left waiting
// in a later collective.
void collectively(const Communicator& comm, const std::string& host, const std::function<void()>& step);

}  // namespace geostrip
