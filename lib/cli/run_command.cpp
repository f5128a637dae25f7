// `geostrip run OP ...` and `geostrip plan OP ...` (the same arguments; plan writes nothing).
#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/run_args.hpp"
#include "cli/summary.hpp"
#include "io/safe_files.hpp"
#include "parallel/collective.hpp"
#include "report/progress.hpp"

namespace geostrip {

namespace {

class RunCommand final : public Command {
 public:
  explicit RunCommand(bool plan_only) : plan_only_(plan_only) {}

  void add_to(CLI::App& app) override {
    app_ = plan_only_ ? app.add_subcommand("plan",
                                           "show how run would split the work (blocks, halo, rounds, memory); "
                                           "writes nothing")
                      : app.add_subcommand("run", "run an operation over row blocks and write one GeoTIFF");
    app_->require_subcommand(1);
    app_->footer("geostrip " + app_->get_name() + " OP --help shows OP's inputs and options.");
    args_.add_operations(*app_, [this](CLI::App& operation) {
      launch_.add_to(operation);
      report_.add_to(operation);
      add_config_option(operation);
    });
  }

  CLI::App* chosen() const override { return app_->parsed() ? parsed_operation(*app_) : nullptr; }

  int run(const Team* team, const Invocation& invocation) override {
    RunRequest request = args_.request(*chosen());
    request.engine.progress = parse_progress_mode(report_.progress);
    if (plan_only_) {
      print_plan(invocation.console, request, plan(request, *team), team->topology);
      return kExitDone;
    }
    const std::string& report = report_.report;
    collectively(team->comm, team->topology.me().host, [&] {
      if (team->comm.rank() == 0 && !report.empty()) check_side_file(report, "report", files_of_run(request));
    });
    const RunSummary summary = geostrip::run(request, *team);
    print_summary(invocation.console, request.output, summary);
    if (!report.empty()) write_run_report(report, summary, *team, invocation.command_line, request.output);
    return kExitDone;
  }

 private:
  bool plan_only_;
  RunArgs args_;
  ReportArgs report_;
};

}  // namespace

std::unique_ptr<Command> make_run_command() { return std::make_unique<RunCommand>(false); }
std::unique_ptr<Command> make_plan_command() { return std::make_unique<RunCommand>(true); }

}  // namespace geostrip
