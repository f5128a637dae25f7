#pragma once
// The --report file of a run: what ran where, how it was split, and where the
// time and memory went.
#include <string>

#include "engine/run.hpp"
#include "parallel/topology.hpp"

namespace geostrip {

std::string run_report(const RunSummary& summary, const Topology& topology, const std::string& command,
                       const std::string& output);

}  // namespace geostrip
