#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "batch/batch.hpp"
#include "cli/parse.hpp"
#include "core/error.hpp"
#include "engine/run.hpp"
#include "engine/run_report.hpp"
#include "io/quicklook.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/registry.hpp"
#include "parallel/collective.hpp"
#include "parallel/interrupt.hpp"
#include "parallel/launch_check.hpp"
#include "parallel/mpi.hpp"
#include "parallel/resources.hpp"
#include "parallel/topology.hpp"
#include "report/report_file.hpp"
#include "synth/dem_scene.hpp"
#include "synth/s2_scene.hpp"
#include "synth/slc_scene.hpp"

namespace geostrip {

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSomeJobsFailed = 3;
constexpr int kExitInterrupted = 75;  // EX_TEMPFAIL: run again to resume
// More threads than any node has cores (the largest have a few hundred).
constexpr std::int64_t kMaxThreads = 4096;

// Options that decide what each rank uses (run, synth, demo, check).
struct LaunchArgs {
  std::string threads = "auto";
  std::string memory;
  std::string oversubscription_check = "warn";
  std::string stall_timeout = "10min";
  bool allow_shared_node = false;

  // The --help section of these options; a batch finds them by it.
  static constexpr const char* kGroup = "Launch options";

  void add_to(CLI::App& command) {
    command.add_option("--threads", threads, "OpenMP threads per rank (N or auto: the cores this rank may use)")
        ->group(kGroup);
    command.add_option("--memory", memory, "memory budget per rank, e.g. 4GiB (default: half of what it may use)")
        ->group(kGroup);
    command.add_option("--oversubscription-check", oversubscription_check, "warn, abort or off")
        ->capture_default_str()
        ->group(kGroup);
    command.add_flag("--allow-shared-node", allow_shared_node, "permit several ranks per node (they split its cores)")
        ->group(kGroup);
    command.add_option("--stall-timeout", stall_timeout,
                       "end the job when a rank makes no progress this long (e.g. 20s, 10min; 0: never)")
        ->capture_default_str()
        ->group(kGroup);
    command.add_option("--config", "read options from a TOML file (key = value; the command line wins)");
  }
  ResourceOptions resources() const {
    ResourceOptions options;
    if (const auto n = parse_count_or_auto("--threads", threads, kMaxThreads)) options.threads = static_cast<int>(*n);
    if (!memory.empty()) options.memory = parse_size("--memory", memory);
    return options;
  }
};

// Options of the engine's decomposition and output (run, synth, demo).
struct OutputArgs {
  std::string block_rows = "auto";
  std::string compress = "deflate";
  std::optional<int> level;
  int tile = 512;
  bool overwrite = false;
  bool no_resume = false;

  // The --help section of these options; a batch finds them by it.
  static constexpr const char* kGroup = "Output options";

  void add_to(CLI::App& command) {
    command.add_option("--block-rows", block_rows, "rows per block, halo excluded (N or auto)")->group(kGroup);
    command.add_option("--compress", compress, "output codec: deflate, zstd, lzw or none")
        ->capture_default_str()
        ->group(kGroup);
    command.add_option("--level", level, "codec level (deflate 1-12, zstd 1-22)")->group(kGroup);
    command.add_option("--tile", tile, "output tile edge, a multiple of 16")->capture_default_str()->group(kGroup);
    command.add_flag("--overwrite", overwrite, "replace an existing output")->group(kGroup);
    command.add_flag("--no-resume", no_resume, "start over instead of resuming an interrupted output")
        ->group(kGroup);
  }
  EngineOptions engine() const {
    EngineOptions options;
    options.block_rows = parse_count_or_auto("--block-rows", block_rows);
    options.write.codec = parse_codec(compress);
    options.write.level = level;
    check_tile_edge(tile);
    options.write.tile = tile;
    options.write.overwrite = overwrite;
    options.write.resume = !no_resume;
    return options;
  }
};

// What a command tells the user while it works and after (run, plan, batch).
struct ReportArgs {
  std::string progress = "auto";
  std::string report;

  // The --help section of these options; a batch job may not set them.
  static constexpr const char* kGroup = "Report options";

  void add_to(CLI::App& command) {
    command.add_option("--progress", progress, "auto (a bar on a terminal, else log lines), bar, log or none")
        ->capture_default_str()
        ->group(kGroup);
    command.add_option("--report", report, "write a JSON report to this file")->group(kGroup);
  }
};

// The number of the first line of `path` that starts with `key` ("?" when none does).
std::string line_of(const std::string& path, const std::string& key) {
  std::ifstream file(path);
  int number = 0;
  for (std::string line; std::getline(file, line);) {
    ++number;
    const auto start = line.find_first_not_of(" \t");
    if (start != std::string::npos && line.compare(start, key.size(), key) == 0) return std::to_string(number);
  }
  return "?";
}

// CLI11 reads config files for the top-level app only, so a subcommand's
// --config is applied here: each key fills an option not given on the command line.
void apply_config(CLI::App& command) {
  const CLI::Option* config = command.get_option_no_throw("--config");
  if (!config || config->count() == 0) return;
  const std::string path = config->as<std::string>();
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::FileError& e) {
    throw UsageError("--config " + path + ": " + e.what());
  }
  for (const CLI::ConfigItem& item : items) {
    if (!item.parents.empty() && item.parents != std::vector<std::string>{command.get_name()}) continue;
    if (item.name == "++" || item.name == "--") continue;  // section markers
    CLI::Option* option = command.get_option_no_throw("--" + item.name);
    // The key is not echoed: a file that is no config at all (--config
    // /etc/passwd, a key file) would have its content printed.
    if (!option || item.name == "config")
      throw UsageError("--config " + path + ": line " + line_of(path, item.name) + " is not an option of geostrip " +
                       command.get_name() + " (key = value, as in --help)");
    if (option->count() > 0) continue;
    for (const std::string& value : item.inputs) option->add_result(value);
    try {
      option->run_callback();
    } catch (const CLI::ParseError& e) {
      throw UsageError(path + ": " + item.name + ": " + e.what());
    }
  }
}

// `run` (and `plan`, which takes the same arguments): one operation. Op
// options are declared for every operation and checked against the chosen
// one after parsing.
struct RunCommand {
  std::string operation;
  std::vector<std::string> inputs;
  std::string output;
  std::vector<std::string> nodata;
  std::map<std::string, std::vector<std::string>> op_values;
  LaunchArgs launch;
  OutputArgs out;
  ReportArgs report;

  void add_to(CLI::App& app, const std::string& name = "run",
              const std::string& description = "run an operation over row blocks and write one GeoTIFF") {
    CLI::App* run = app.add_subcommand(name, description);
    run->add_option("operation", operation, "operation (see geostrip ops)")->required();
    run->add_option("-i,--input", inputs, "NAME=PATH[@BAND], one per operation input")->required();
    run->add_option("-o,--output", output, "output GeoTIFF")->required();
    run->add_option("--nodata", nodata, "NAME=V: nodata value of input NAME (overrides the file's)");
    std::set<std::string> declared;
    for (const Operation& op : operations())
      for (const OptionInfo& option : op.options)
        if (declared.insert(option.name).second) {
          if (option.flag)
            run->add_flag_function(
                "--" + option.name, [this, name = option.name](std::int64_t) { op_values[name] = {"true"}; },
                option.help);
          else
            run->add_option("--" + option.name, op_values[option.name], option.help);
        }
    launch.add_to(*run);
    out.add_to(*run);
    report.add_to(*run);
  }

  RunRequest request() const {
    RunRequest request;
    const Operation& op = find_operation(operation);
    request.args.operation = op.name;
    for (const auto& [name, values] : op_values) {
      if (values.empty()) continue;
      const bool applies = std::any_of(op.options.begin(), op.options.end(),
                                       [&name = name](const OptionInfo& o) { return o.name == name; });
      if (!applies) throw UsageError("--" + name + " does not apply to " + op.name + " (see geostrip ops)");
      request.args.values[name] = values;
    }
    for (const auto& text : inputs) request.inputs.push_back(parse_input_spec(text));
    for (const auto& pair : nodata) {
      const auto eq = pair.find('=');
      if (eq == std::string::npos) throw UsageError("--nodata " + pair + ": expected NAME=VALUE");
      request.nodata[pair.substr(0, eq)] = parse_number("nodata", std::string_view(pair).substr(eq + 1));
    }
    request.output = output;
    request.engine = out.engine();
    request.engine.progress = parse_progress_mode(report.progress);
    return request;
  }
};

// `batch`: a manifest of runs, one `geostrip run` argument list per line.
struct BatchCommand {
  std::string manifest;
  std::string status;
  int retries = 1;
  bool verify = false;
  LaunchArgs launch;
  OutputArgs out;
  ReportArgs report;
  CLI::App* command = nullptr;

  void add_to(CLI::App& app) {
    command = app.add_subcommand("batch", "run a manifest of jobs, dealt to the ranks as they become free");
    command->add_option("manifest", manifest, "one job a line: the arguments that follow `geostrip run`")
        ->required();
    command->add_option("--status", status, "write one JSON line per finished job to this file");
    command->add_option("--retries", retries, "further attempts of a failed job")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    command->add_flag("--verify", verify,
                      "skip a done output only when its tiles' checksum still matches (reads every output)");
    launch.add_to(*command);
    out.add_to(*command);
    report.add_to(*command);
  }
  BatchOptions options() const {
    return {status, report.report, retries, verify, parse_progress_mode(report.progress)};
  }
};

// A manifest line: the arguments of `geostrip run`. The batch's output options
// are the defaults; what decides a rank's resources is set for the whole batch.
RunRequest parse_job(const std::vector<std::string>& arguments, const CLI::App& batch) {
  CLI::App app;
  RunCommand command;
  command.add_to(app);
  std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
  reversed.push_back("run");
  try {
    app.parse(reversed);
  } catch (const CLI::Success&) {
    throw UsageError("--help and --version are not jobs; see geostrip run OP --help");
  } catch (const CLI::Error& e) {
    throw UsageError(e.what());
  }
  CLI::App& run = *app.get_subcommand("run");
  const auto in_group = [&](const char* group) {
    return run.get_options([group](const CLI::Option* o) { return o->get_group() == group; });
  };
  for (const char* group : {LaunchArgs::kGroup, ReportArgs::kGroup})
    for (const CLI::Option* option : in_group(group))
      if (option->count() > 0)
        throw UsageError(option->get_name() + " is set for the whole batch: give it to geostrip batch");
  apply_config(run);
  for (CLI::Option* mine : in_group(OutputArgs::kGroup)) {
    const CLI::Option* given = batch.get_option(mine->get_name());
    if (mine->count() > 0 || given->count() == 0) continue;
    for (const std::string& value : given->results()) mine->add_result(value);
    mine->run_callback();
  }
  RunRequest request = command.request();
  request.engine.progress = ProgressMode::None;  // the batch shows jobs, not blocks
  return request;
}

struct SynthCommand {
  std::string kind;
  std::string output;
  std::string size;
  std::uint64_t seed = 1;
  LaunchArgs launch;
  OutputArgs out;

  void add_to(CLI::App& app) {
    CLI::App* synth = app.add_subcommand("synth", "write a realistic synthetic input scene");
    synth->add_option("kind", kind,
                      "s2: Sentinel-2-like B02, B03, B04, B08 (UInt16, nodata 0); dem: dem.tif (Float32); "
                      "slc: reference.h5 and secondary.h5, a correlated NISAR-GSLC-like pair")
        ->required();
    synth->add_option("-o,--output", output, "output directory")->required();
    synth->add_option("--size", size, "ROWSxCOLS")->required();
    synth->add_option("--seed", seed, "random seed")->capture_default_str();
    launch.add_to(*synth);
    out.add_to(*synth);
  }
};

// `demo`: the main job on a built-in scene.
struct DemoCommand {
  std::string dir = "geostrip-demo";
  std::string size = "4000x4000";
  LaunchArgs launch;
  OutputArgs out;

  void add_to(CLI::App& app) {
    CLI::App* demo = app.add_subcommand("demo", "synthesize a Sentinel-2-like scene, then run rgb and ndi on it");
    demo->add_option("-o,--output", dir, "directory for the scene and results")->capture_default_str();
    demo->add_option("--size", size, "scene ROWSxCOLS")->capture_default_str();
    launch.add_to(*demo);
    out.add_to(*demo);
  }
};

struct CheckCommand {
  LaunchArgs launch;
  void add_to(CLI::App& app) {
    CLI::App* check = app.add_subcommand("check", "report this launch's topology, cores, threads and memory");
    launch.add_to(*check);
  }
};

// Prints on rank 0 only: every rank knows the same things.
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

int most_threads(const RunSummary& s) {
  int threads = 1;
  for (const RankStats& r : s.ranks) threads = std::max(threads, r.threads);
  return threads;
}

void print_summary(const Console& console, const std::string& output, const RunSummary& s) {
  const RunPlan& plan = s.plan;
  if (s.resumed_rows > 0)
    console.out("resumed {}: rows 0-{} were written by an interrupted run\n", output, s.resumed_rows - 1);
  console.out("wrote {} ({}x{} pixels, {} blocks of {} rows, halo {}, {} rank(s) x {} threads) in {:.2f} s, "
              "{:.1f} Mpixel/s\n",
              output, plan.size.rows, plan.size.cols, s.blocks, plan.block_rows, plan.halo.rows, plan.ranks,
              most_threads(s), s.seconds, s.pixels_per_second() / 1e6);
  const StageSeconds t = s.total();
  console.out("  stages: read {:.2f} s, compute {:.2f} s and encode {:.2f} s (summed over threads), gather {:.2f} s, "
              "write {:.2f} s; peak memory {} per rank at most\n",
              t.read, t.compute, t.encode, t.gather, t.write, format_bytes(s.peak_rss()));
}

void print_plan(const Console& console, const RunRequest& request, const RunPlan& plan, const Topology& topology) {
  console.out("plan for {} -> {} (nothing is written)\n", request.args.operation, request.output);
  console.out("  input grid {}x{} (tile height {}); output {}x{}, {} band(s) of {}\n", plan.input_size.rows,
              plan.input_size.cols, plan.input_tile_rows, plan.size.rows, plan.size.cols, plan.output_bands,
              name_of(plan.output_type));
  console.out("  halo: {} rows, {} columns read beyond each block\n", plan.halo.rows, plan.halo.cols);
  console.out("  blocks: {} of {} rows{}\n", plan.blocks, plan.block_rows,
              plan.block_rows_auto ? " (auto: whole output tile rows, from the halo, the threads and --memory)" : "");
  console.out("  rounds: {} of {} rank(s) x {} blocks\n", plan.rounds, plan.ranks, plan.blocks_per_rank);
  for (const RankFacts& r : topology.ranks) {
    const auto ranks = static_cast<std::size_t>(plan.ranks), rank = static_cast<std::size_t>(r.rank);
    const std::size_t blocks = plan.blocks / ranks + (rank < plan.blocks % ranks ? 1 : 0);
    console.out("  rank {} on {}: {} blocks on {} threads, pixel buffers about {}{}\n", r.rank, r.host, blocks,
                r.threads, format_bytes(plan.pixel_memory[rank]),
                r.rank == 0 ? " (with the gathered rounds it writes)" : "");
  }
}

void write_run_report(const std::string& path, const RunSummary& summary, const Job& job,
                      const std::string& command, const std::string& output) {
  collectively(job.comm, job.topology.me().host, [&] {
    if (job.comm.rank() == 0) write_report(path, run_report(summary, job.topology, command, output));
  });
}

// One rank per node, and no oversubscription: checked on every rank from the
// same gathered facts, so all ranks reach the same verdict without talking.
// Returns the findings of the oversubscription check.
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

void print_batch_summary(const Console& console, const BatchSummary& s) {
  console.out("batch: {} jobs in {:.2f} s ({:.1f} jobs/min): {} done, {} skipped, {} failed{}\n", s.total, s.seconds,
              s.jobs_per_minute(), s.done, s.skipped, s.failed,
              s.not_started ? fmt::format(", {} not started", s.not_started) : "");
  for (const RankLoad& r : s.ranks)
    console.out("  rank {} on {}: {} jobs, busy {:.2f} s ({:.0f}%)\n", r.rank, r.host, r.jobs, r.busy_seconds,
                s.seconds > 0 ? 100 * r.busy_seconds / s.seconds : 0.0);
}

std::string command_line(int argc, char** argv) {
  std::string line = "geostrip";
  for (int i = 1; i < argc; ++i) line.append(" ").append(argv[i]);
  return line;
}

void print_operations(const Console& console) {
  for (const Operation& op : operations()) {
    console.out("{}\n  {}\n  inputs: {}; output: {}; halo: {}\n", op.name, op.summary, op.inputs, op.output,
                op.halo);
    for (const OptionInfo& option : op.options)
      console.out("  --{}{}  {}\n", option.name, option.flag ? "" : option.per_input ? " NAME=V" : " V", option.help);
  }
}

void run_demo(const DemoCommand& demo, const Job& job, const Console& console) {
  constexpr int kQuicklookEdge = 1024;
  EngineOptions options = demo.out.engine();
  options.write.overwrite = true;  // the demo owns its directory
  const std::string scene = demo.dir + "/scene";
  console.out("synthesizing a {} Sentinel-2-like scene in {}/\n", demo.size, scene);
  synth::write_s2_scene(scene, parse_raster_size("--size", demo.size), 1, options, job);

  RunRequest rgb;
  rgb.args.operation = "rgb";
  rgb.inputs = {{"red", scene + "/B04.tif", 1}, {"green", scene + "/B03.tif", 1}, {"blue", scene + "/B02.tif", 1}};
  rgb.args.values["clamp"] = {"3000"};
  rgb.output = demo.dir + "/rgb.tif";
  rgb.engine = options;
  print_summary(console, rgb.output, run(rgb, job));
  const std::string quicklook = demo.dir + "/rgb.png";
  collectively(job.comm, job.topology.me().host, [&] {
    if (job.comm.rank() == 0) write_quicklook(rgb.output, quicklook, kQuicklookEdge);
  });
  console.out("wrote {}, a quicklook of {}\n", quicklook, rgb.output);

  RunRequest ndvi;
  ndvi.args.operation = "ndi";
  ndvi.inputs = {{"a", scene + "/B08.tif", 1}, {"b", scene + "/B04.tif", 1}};
  ndvi.output = demo.dir + "/ndvi.tif";
  ndvi.engine = options;
  const RunSummary summary = run(ndvi, job);
  print_summary(console, ndvi.output, summary);
  const std::string report = demo.dir + "/ndvi.report.json";
  write_run_report(report, summary, job, "geostrip demo", ndvi.output);
  console.out("wrote {}, the run report of {}\n", report, ndvi.output);
}

void run_synth(const SynthCommand& synth, const Job& job, const Console& console) {
  const RasterSize size = parse_raster_size("--size", synth.size);
  const EngineOptions options = synth.out.engine();
  if (synth.kind == "s2") {
    synth::write_s2_scene(synth.output, size, synth.seed, options, job);
    console.out("wrote {}/{{B02,B03,B04,B08}}.tif ({} pixels)\n", synth.output, synth.size);
  } else if (synth.kind == "dem") {
    synth::write_dem(synth.output, size, synth.seed, options, job);
    console.out("wrote {}/dem.tif ({} pixels)\n", synth.output, synth.size);
  } else if (synth.kind == "slc") {
    synth::write_slc_pair(synth.output, size, synth.seed, options, job);
    console.out("wrote {0}/reference.h5 and {0}/secondary.h5 ({1} pixels, dataset {2})\n", synth.output, synth.size,
                synth::kSlcDataset);
  } else {
    throw UsageError("synth " + synth.kind + ": unknown kind (s2, dem, slc)");
  }
}

}  // namespace

int main(int argc, char** argv) {
#ifdef __GLIBC__
  // The threads allocate few, large buffers (blocks, tiles). glibc gives each
  // thread its own arena, and each keeps what was freed in it: one arena for
  // all keeps a rank's memory flatter as rasters grow, at no measurable cost
  // in time (docs/architecture.md has the numbers).
  mallopt(M_ARENA_MAX, 1);
#endif
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
  RunCommand run_command;
  RunCommand plan_command;
  SynthCommand synth_command;
  DemoCommand demo_command;
  CheckCommand check_command;
  BatchCommand batch_command;
  run_command.add_to(app);
  plan_command.add_to(app, "plan", "show how run would split the work (blocks, halo, rounds, memory); writes nothing");
  batch_command.add_to(app);
  synth_command.add_to(app);
  demo_command.add_to(app);
  check_command.add_to(app);
  CLI::App* ops = app.add_subcommand("ops", "list operations and their options");

  const auto is_command = [&](const char* name) {
    return !app.get_subcommands([&](CLI::App* c) { return c->get_name() == name; }).empty();
  };
  if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
    console.err("geostrip: error: unknown command '{}' (run, plan, batch, synth, demo, check, ops; "
                "see geostrip --help)\n",
                argv[1]);
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = world.rank() == 0 ? app.exit(e) : e.get_exit_code();
    return code == 0 ? 0 : kExitUsage;
  }

  try {
    for (CLI::App* command : app.get_subcommands()) apply_config(*command);
    if (ops->parsed()) {
      print_operations(console);
      return 0;
    }
    const LaunchArgs& launch = app.got_subcommand("run")     ? run_command.launch
                               : app.got_subcommand("plan")  ? plan_command.launch
                               : app.got_subcommand("batch") ? batch_command.launch
                               : app.got_subcommand("synth") ? synth_command.launch
                               : app.got_subcommand("demo")  ? demo_command.launch
                                                             : check_command.launch;
    const Topology topology = discover_topology(world, launch.resources());
    if (app.got_subcommand("check")) console.out("{}", topology_table(topology));
    const auto findings = check_launch(topology, launch, console);
    const Job job{world, topology, parse_duration("--stall-timeout", launch.stall_timeout)};
    if (app.got_subcommand("check")) {
      console.out("{}\n", findings.empty() ? "no findings" : fmt::format("{} finding(s)", findings.size()));
    } else if (app.got_subcommand("run")) {
      const RunRequest request = run_command.request();
      const std::string& report = run_command.report.report;
      collectively(world, host_name(), [&] {
        if (world.rank() == 0 && !report.empty()) check_side_file(report, "report", files_of_run(request));
      });
      const RunSummary summary = run(request, job);
      print_summary(console, request.output, summary);
      if (!run_command.report.report.empty())
        write_run_report(run_command.report.report, summary, job, command_line(argc, argv), request.output);
    } else if (app.got_subcommand("plan")) {
      const RunRequest request = plan_command.request();
      print_plan(console, request, plan(request, job), topology);
    } else if (app.got_subcommand("batch")) {
      const BatchSummary summary = run_batch(
          batch_command.manifest, batch_command.options(),
          [&](const std::vector<std::string>& arguments) { return parse_job(arguments, *batch_command.command); },
          job);
      print_batch_summary(console, summary);
      if (!batch_command.report.report.empty())
        collectively(world, host_name(), [&] {
          if (world.rank() == 0)
            write_report(batch_command.report.report, batch_report(summary, command_line(argc, argv)));
        });
      if (summary.interrupted) {
        console.err("geostrip: batch interrupted by {}: {} job(s) not started; run the same command again to go on\n",
                    signal_name(summary.interrupted), summary.not_started);
        return kExitInterrupted;
      }
      if (summary.failed > 0) return kExitSomeJobsFailed;
    } else if (app.got_subcommand("synth")) {
      run_synth(synth_command, job, console);
    } else if (app.got_subcommand("demo")) {
      run_demo(demo_command, job, console);
    }
    return 0;
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
    // so the job ends through MPI_Abort.
    const bool memory = dynamic_cast<const std::bad_alloc*>(&e) != nullptr;
    fmt::print(stderr, "geostrip: error (rank {} on {}): {}\n", world.rank(), host_name(),
               memory ? "out of memory; fewer --threads or --block-rows need less" : e.what());
    std::fflush(stderr);
    if (world.size() > 1) world.abort(kExitFailed);
    return kExitFailed;
  }
}

}  // namespace geostrip
