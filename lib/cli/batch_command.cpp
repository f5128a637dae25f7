// `geostrip batch MANIFEST`: a manifest of runs, one `geostrip run` argument list per line.
#include <CLI/CLI.hpp>

#include "batch/batch.hpp"
#include "cli/command.hpp"
#include "cli/run_args.hpp"
#include "core/error.hpp"
#include "parallel/collective.hpp"
#include "parallel/interrupt.hpp"
#include "report/report_file.hpp"

namespace geostrip {

namespace {

void print_batch_summary(const Console& console, const BatchSummary& s) {
  console.out("batch: {} jobs in {:.2f} s ({:.1f} jobs/min): {} done, {} skipped, {} failed{}\n", s.total, s.seconds,
              s.jobs_per_minute(), s.done, s.skipped, s.failed,
              s.not_started ? fmt::format(", {} not started", s.not_started) : "");
  for (const RankLoad& r : s.ranks)
    console.out("  rank {} on {}: {} jobs, busy {:.2f} s ({:.0f}%)\n", r.rank, r.host, r.jobs, r.busy_seconds,
                s.seconds > 0 ? 100 * r.busy_seconds / s.seconds : 0.0);
}

// True when `option` (e.g. "--threads") is one the whole batch sets.
bool set_for_whole_batch(const std::string& option) {
  CLI::App batch_wide;
  LaunchArgs launch;
  ReportArgs report;
  launch.add_to(batch_wide);
  report.add_to(batch_wide);
  return batch_wide.get_option_no_throw(option) != nullptr;
}

class BatchCommand final : public Command {
 public:
  void add_to(CLI::App& app) override {
    app_ = app.add_subcommand("batch", "run a manifest of jobs, dealt to the ranks as they become free");
    app_->add_option("manifest", manifest_, "one job a line: the arguments that follow `geostrip run`")->required();
    app_->add_option("--status", status_, "write one JSON line per finished job to this file");
    app_->add_option("--retries", retries_, "further attempts of a failed job")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app_->add_flag("--verify", verify_,
                   "skip a done output only when its tiles' checksum still matches (reads every output)");
    launch_.add_to(*app_);
    out_.add_to(*app_);
    report_.add_to(*app_);
    add_config_option(*app_);
  }


  int run(const Team* team, const Invocation& invocation) override {
    const BatchOptions options{.status_path = status_,
                               .report_path = report_.report,
                               .retries = retries_,
                               .verify = verify_,
                               .progress = parse_progress_mode(report_.progress)};
    const BatchSummary summary =
        run_batch(manifest_, options, [this](const std::vector<std::string>& arguments) { return parse_job(arguments); },
                  *team);
    const Console& console = invocation.console;
    print_batch_summary(console, summary);
    if (!report_.report.empty())
      collectively(team->comm, team->topology.me().host, [&] {
        if (team->comm.rank() == 0) write_report(report_.report, batch_report(summary, invocation.command_line));
      });
    if (summary.interrupted) {
      console.err("geostrip: batch interrupted by {}: {} job(s) not started; run the same command again to go on\n",
                  signal_name(summary.interrupted), summary.not_started);
      return kExitInterrupted;
    }
    return summary.failed > 0 ? kExitSomeJobsFailed : kExitDone;
  }

 private:
  // A manifest line: the arguments of `geostrip run`. The batch's output
  // options are its defaults; what decides a rank's resources, and what the
  // batch reports, is set for the whole batch.
  RunRequest parse_job(const std::vector<std::string>& arguments) const {
    check_operation_word(arguments);
    CLI::App app;
    CLI::App& run = *app.add_subcommand("run");
    run.require_subcommand(1);
    RunArgs job;
    job.out = out_;
    job.add_operations(run, add_config_option);
    std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
    reversed.push_back("run");
    try {
      app.parse(reversed);
    } catch (const CLI::Success&) {
      throw UsageError("--help and --version are not jobs; see geostrip run OP --help");
    } catch (const CLI::ParseError& e) {
      const std::vector<std::string> extras = app.remaining(true);
      if (!extras.empty() && set_for_whole_batch(extras.front()))
        throw UsageError(extras.front() + " is set for the whole batch: give it to geostrip batch");
      throw UsageError(describe_run_error(run, e));
    }
    CLI::App& operation = *parsed_operation(run);
    apply_config(operation, *app_->get_parent());
    RunRequest request = job.request(operation);
    request.engine.progress = ProgressMode::None;  // the batch shows jobs, not blocks
    return request;
  }

  std::string manifest_;
  std::string status_;
  int retries_ = 1;
  bool verify_ = false;
  OutputArgs out_;
  ReportArgs report_;
};

}  // namespace

std::unique_ptr<Command> make_batch_command() { return std::make_unique<BatchCommand>(); }

}  // namespace geostrip
