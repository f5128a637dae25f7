// `geostrip check`: this launch's topology and the oversubscription check's findings.
#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "parallel/launch_check.hpp"
#include "parallel/topology.hpp"

namespace geostrip {

namespace {

class CheckCommand final : public Command {
 public:
  void add_to(CLI::App& app) override {
    app_ = app.add_subcommand("check", "report this launch's topology, cores, threads and memory");
    launch_.add_to(*app_);
    add_config_option(*app_);
  }

  // Before the launch check: an aborting check still shows the topology.
  void show_topology(const Topology& topology, const Console& console) const override {
    console.out("{}", topology_table(topology));
  }

  // main() has run the launch check, which printed its findings.
  int run(const Team*, const Invocation& invocation) override {
    const std::size_t findings = invocation.launch_findings.size();
    invocation.console.out("{}\n", findings == 0 ? "no findings" : fmt::format("{} finding(s)", findings));
    return kExitDone;
  }
};

}  // namespace

std::unique_ptr<Command> make_check_command() { return std::make_unique<CheckCommand>(); }

}  // namespace geostrip
