#pragma once
// A geostrip subcommand: it declares its options, and runs once parsed. main()
// (cli.cpp) holds the table of them; each lives in its own file.
#include <memory>
#include <string>
#include <vector>

#include "cli/console.hpp"
#include "cli/options.hpp"
#include "engine/run.hpp"
#include "parallel/launch_check.hpp"

namespace CLI {
class App;
}

namespace geostrip {

// Exit codes (docs/user-guide.md).
constexpr int kExitDone = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSomeJobsFailed = 3;
constexpr int kExitInterrupted = 75;  // EX_TEMPFAIL: run again to resume

// What a command knows of how it was started.
struct Invocation {
  const Console& console;
  std::string command_line;             // for reports
  std::vector<Finding> launch_findings;  // of the oversubscription check, printed already
};

class Command {
 public:
  virtual ~Command() = default;
  // Declares the subcommand and its options on `app`.
  virtual void add_to(CLI::App& app) = 0;
  // After parsing: the subcommand whose options were given (for run, its
  // operation's), or null when this command was not chosen.
  virtual CLI::App* chosen() const;
  // What decides each rank's resources; null for a command that needs no team.
  virtual const LaunchArgs* launch() const { return &launch_; }
  // Called with the launch's topology before the launch check, which may end the command.
  virtual void show_topology(const Topology&, const Console&) const {}
  // Runs the chosen command; `team` is null when launch() is. Returns the exit code.
  virtual int run(const Team* team, const Invocation& invocation) = 0;

 protected:
  CLI::App* app_ = nullptr;  // the subcommand add_to() declared
  LaunchArgs launch_;
};

// One of each, in the order `geostrip --help` lists them.
std::vector<std::unique_ptr<Command>> all_commands();

std::unique_ptr<Command> make_run_command();
std::unique_ptr<Command> make_plan_command();
std::unique_ptr<Command> make_batch_command();
std::unique_ptr<Command> make_check_command();
std::unique_ptr<Command> make_ops_command();
std::unique_ptr<Command> make_synth_command();
std::unique_ptr<Command> make_demo_command();

}  // namespace geostrip
