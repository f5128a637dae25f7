#pragma once
// What run, plan and demo print, and the run report they write.
#include <string>

#include "cli/console.hpp"
#include "engine/run.hpp"

namespace geostrip {

void print_summary(const Console& console, const std::string& output, const RunSummary& summary);
void print_plan(const Console& console, const RunRequest& request, const RunPlan& plan, const Topology& topology);
// Collective: rank 0 writes the report of a finished run.
void write_run_report(const std::string& path, const RunSummary& summary, const Team& team,
                      const std::string& command, const std::string& output);

}  // namespace geostrip
