#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/parse.hpp"
#include "cli/run_args.hpp"
#include "core/error.hpp"
#include "core/malloc_policy.hpp"
#include "parallel/interrupt.hpp"
#include "parallel/mpi.hpp"
#include "parallel/topology.hpp"

namespace geostrip {

namespace {

std::string command_line(int argc, char** argv) {
  std::string line = "geostrip";
  for (int i = 1; i < argc; ++i) line.append(" ").append(argv[i]);
  return line;
}

// One rank per node, and no oversubscription: checked on every rank from the
// same gathered facts, so all ranks reach the same verdict without talking.
// Returns the findings of the oversubscription check, printed once.
std::vector<Finding> check_launch(const Topology& topology, const LaunchArgs& launch, const Console& console) {
  const auto mode = parse_oversubscription_check(launch.oversubscription_check);
  for (const Finding& f : shared_node_findings(topology)) {
    if (!launch.allow_shared_node) throw JobError(f.problem + ". Fix: " + f.fix, f.rank, f.host);
    console.err("geostrip: warning: {}\n", describe(f));
  }
  std::vector<Finding> findings;
  if (mode == OversubscriptionCheck::Off) return findings;
  for (const RankFacts& rank : topology.ranks)
    for (Finding& f : oversubscription_findings(rank)) findings.push_back(std::move(f));
  for (const Finding& f : findings)
    console.err("geostrip: {}: {}\n", mode == OversubscriptionCheck::Abort ? "error" : "warning", describe(f));
  if (mode == OversubscriptionCheck::Abort && !findings.empty())
    throw JobError(fmt::format("oversubscription check failed with {} finding(s); see above", findings.size()),
                   findings.front().rank, findings.front().host);
  return findings;
}

// Runs the command the arguments chose; returns its exit code.
int run_chosen(Command& command, const Communicator& world, const Console& console, std::string line) {
  Invocation invocation{.console = console, .command_line = std::move(line), .launch_findings = {}};
  const LaunchArgs* launch = command.launch();
  if (!launch) return command.run(nullptr, invocation);
  const Topology topology = discover_topology(world, launch->resources());
  command.show_topology(topology, console);
  invocation.launch_findings = check_launch(topology, *launch, console);
  const Team team{.comm = world,
                .topology = topology,
                .stall_timeout = parse_duration("--stall-timeout", launch->stall_timeout)};
  return command.run(&team, invocation);
}

}  // namespace

CLI::App* Command::chosen() const { return app_ && app_->parsed() ? app_ : nullptr; }

std::vector<std::unique_ptr<Command>> all_commands() {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(make_run_command());
  commands.push_back(make_plan_command());
  commands.push_back(make_batch_command());
  commands.push_back(make_synth_command());
  commands.push_back(make_demo_command());
  commands.push_back(make_check_command());
  commands.push_back(make_ops_command());
  return commands;
}

int main(int argc, char** argv) {
  keep_block_buffers_in_heap();
  // First: a time limit or ^C may come while MPI starts (tens of ms).
  install_interrupt_handlers();
  std::optional<MpiSession> mpi;
  try {
    mpi.emplace(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "geostrip: error (on {}): {}\n", host_name(), e.what());
    return kExitFailed;
  }
  const Communicator world = Communicator::world();
  const Console console(world);
  std::signal(SIGXFSZ, SIG_IGN);  // a file-size limit fails the write (EFBIG) instead of killing the process

  CLI::App app{"geostrip: satellite rasters in row blocks with halos, on threads and nodes"};
  app.set_version_flag("--version", GEOSTRIP_VERSION);
  app.require_subcommand(1);
  const std::vector<std::unique_ptr<Command>> commands = all_commands();
  for (const auto& command : commands) command->add_to(app);

  const std::vector<std::string> arguments(argv + 1, argv + argc);
  try {
    if (!arguments.empty() && arguments[0][0] != '-' &&
        app.get_subcommands([&](const CLI::App* c) { return c->get_name() == arguments[0]; }).empty()) {
      std::string names;
      for (const CLI::App* c : app.get_subcommands([](const CLI::App*) { return true; }))
        names += (names.empty() ? "" : ", ") + c->get_name();
      throw UsageError("unknown command '" + arguments[0] + "' (" + names + "; see geostrip --help)");
    }
    if (!arguments.empty() && (arguments[0] == "run" || arguments[0] == "plan"))
      check_operation_word({arguments.begin() + 1, arguments.end()});
  } catch (const UsageError& e) {
    console.err("geostrip: error: {}\n", e.what());
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return world.rank() == 0 ? app.exit(e) : kExitDone;
  } catch (const CLI::ParseError& e) {
    // An option the chosen operation does not take is named with it.
    for (const CLI::App* run : app.get_subcommands())
      if (run->get_name() == "run" || run->get_name() == "plan") {
        console.err("geostrip: error: {}\n", describe_run_error(*run, e));
        return kExitUsage;
      }
    const int code = world.rank() == 0 ? app.exit(e) : e.get_exit_code();
    return code == 0 ? kExitDone : kExitUsage;
  }

  try {
    for (const auto& command : commands)
      if (CLI::App* given = command->chosen()) {
        apply_config(*given, app);
        return run_chosen(*command, world, console, command_line(argc, argv));
      }
    return kExitUsage;
  } catch (const UsageError& e) {
    console.err("geostrip: error: {}\n", e.what());
    return kExitUsage;
  } catch (const Interrupted& e) {
    console.err("geostrip: {}\n", e.what());
    return kExitInterrupted;
  } catch (const JobError& e) {
    console.err("geostrip: error (rank {} on {}): {}\n", e.rank(), e.host(), e.what());
    return kExitFailed;
  } catch (const std::exception& e) {
    // A failure of this rank alone: the other ranks may wait in a collective,
    // so the run ends through MPI_Abort.
    const bool memory = dynamic_cast<const std::bad_alloc*>(&e) != nullptr;
    fmt::print(stderr, "geostrip: error (rank {} on {}): {}\n", world.rank(), host_name(),
               memory ? "out of memory; fewer --threads or --block-rows need less" : e.what());
    std::fflush(stderr);
    if (world.size() > 1) world.abort(kExitFailed);
    return kExitFailed;
  }
}

}  // namespace geostrip
