#include "cli/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "cli/parse.hpp"
#include "core/error.hpp"
#include "engine/run.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/registry.hpp"
#include "synth/s2_scene.hpp"

namespace geostrip {

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Engine options as typed, converted once parsing is done.
struct EngineArgs {
  std::string threads = "auto";
  std::string block_rows = "auto";
  std::string memory;
  std::string compress = "deflate";
  std::optional<int> level;
  int tile = 512;
  bool overwrite = false;

  EngineOptions resolve() const {
    EngineOptions options;
    if (const auto n = parse_count_or_auto("--threads", threads)) options.threads = static_cast<int>(*n);
    options.block_rows = parse_count_or_auto("--block-rows", block_rows);
    if (!memory.empty()) options.memory = parse_size("--memory", memory);
    options.write.codec = parse_codec(compress);
    options.write.level = level;
    options.write.tile = tile;
    options.write.overwrite = overwrite;
    return options;
  }
};

void add_engine_options(CLI::App& command, EngineArgs& engine) {
  command.add_option("--threads", engine.threads, "OpenMP threads (N or auto: the cores this process may use)");
  command.add_option("--block-rows", engine.block_rows, "rows per block, halo excluded (N or auto)");
  command.add_option("--memory", engine.memory, "memory budget, e.g. 4GiB (default: half the machine's)");
  command.add_option("--compress", engine.compress, "output codec: deflate, zstd, lzw or none")
      ->capture_default_str();
  command.add_option("--level", engine.level, "codec level (deflate 1-12, zstd 1-22)");
  command.add_option("--tile", engine.tile, "output tile edge, a multiple of 16")->capture_default_str();
  command.add_flag("--overwrite", engine.overwrite, "replace an existing output");
  command.add_option("--config", "read options from a TOML file (key = value; the command line wins)");
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
    if (!option || item.name == "config") throw UsageError(path + ": unknown option '" + item.name + "'");
    if (option->count() > 0) continue;
    for (const std::string& value : item.inputs) option->add_result(value);
    try {
      option->run_callback();
    } catch (const CLI::ParseError& e) {
      throw UsageError(path + ": " + item.name + ": " + e.what());
    }
  }
}

std::string host_name() {
  char name[256] = {};
  return gethostname(name, sizeof(name) - 1) == 0 ? name : "unknown-host";
}

void print_error(const std::string& message) {
  fmt::print(stderr, "geostrip: error (rank 0 on {}): {}\n", host_name(), message);
}

// `run`: one operation. Op options are declared for every operation and
// checked against the chosen one after parsing.
struct RunCommand {
  std::string operation;
  std::vector<std::string> inputs;
  std::string output;
  std::vector<std::string> nodata;
  std::map<std::string, std::vector<std::string>> op_values;
  EngineArgs engine;

  void add_to(CLI::App& app) {
    CLI::App* run = app.add_subcommand("run", "run an operation over row blocks and write one GeoTIFF");
    run->add_option("operation", operation, "operation (see geostrip ops)")->required();
    run->add_option("-i,--input", inputs, "NAME=PATH[@BAND], one per operation input")->required();
    run->add_option("-o,--output", output, "output GeoTIFF")->required();
    run->add_option("--nodata", nodata, "NAME=V: nodata value of input NAME (overrides the file's)");
    std::set<std::string> declared;
    for (const Operation& op : operations())
      for (const OptionInfo& option : op.options)
        if (declared.insert(option.name).second)
          run->add_option("--" + option.name, op_values[option.name], option.help);
    add_engine_options(*run, engine);
  }

  RunRequest request() const {
    RunRequest request;
    const Operation& op = find_operation(operation);
    request.args.operation = op.name;
    for (const auto& [name, values] : op_values) {
      if (values.empty()) continue;
      const bool applies = std::any_of(op.options.begin(), op.options.end(),
                                       [&](const OptionInfo& o) { return o.name == name; });
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
    request.engine = engine.resolve();
    return request;
  }
};

void print_summary(const std::string& output, const RunSummary& s) {
  fmt::print("wrote {} ({}x{} pixels, {} blocks of {} rows, halo {}, {} threads) in {:.2f} s, {:.1f} Mpixel/s\n",
             output, s.size.rows, s.size.cols, s.blocks, s.block_rows, s.halo.rows, s.threads, s.seconds,
             static_cast<double>(s.size.pixels()) / s.seconds / 1e6);
}

struct SynthCommand {
  std::string kind;
  std::string output;
  std::string size;
  std::uint64_t seed = 1;
  EngineArgs engine;

  void add_to(CLI::App& app) {
    CLI::App* synth = app.add_subcommand("synth", "write a realistic synthetic input scene");
    synth->add_option("kind", kind, "s2: Sentinel-2-like B02, B03, B04, B08 (UInt16, nodata 0)")->required();
    synth->add_option("-o,--output", output, "output directory")->required();
    synth->add_option("--size", size, "ROWSxCOLS")->required();
    synth->add_option("--seed", seed, "random seed")->capture_default_str();
    add_engine_options(*synth, engine);
  }

  void execute() const {
    if (kind != "s2") throw UsageError("synth " + kind + ": unknown kind (s2)");
    synth::write_s2_scene(output, parse_raster_size("--size", size), seed, engine.resolve());
    fmt::print("wrote {}/{{B02,B03,B04,B08}}.tif ({} pixels)\n", output, size);
  }
};

// `demo`: the main job on a built-in scene.
struct DemoCommand {
  std::string dir = "geostrip-demo";
  std::string size = "4000x4000";
  EngineArgs engine;

  void add_to(CLI::App& app) {
    CLI::App* demo = app.add_subcommand("demo", "synthesize a Sentinel-2-like scene, then run rgb and ndi on it");
    demo->add_option("-o,--output", dir, "directory for the scene and results")->capture_default_str();
    demo->add_option("--size", size, "scene ROWSxCOLS")->capture_default_str();
    add_engine_options(*demo, engine);
  }

  void execute() const {
    EngineOptions options = engine.resolve();
    options.write.overwrite = true;  // the demo owns its directory
    const std::string scene = dir + "/scene";
    fmt::print("synthesizing a {} Sentinel-2-like scene in {}/\n", size, scene);
    synth::write_s2_scene(scene, parse_raster_size("--size", size), 1, options);

    RunRequest rgb;
    rgb.args.operation = "rgb";
    rgb.inputs = {{"red", scene + "/B04.tif", 1}, {"green", scene + "/B03.tif", 1}, {"blue", scene + "/B02.tif", 1}};
    rgb.args.values["clamp"] = {"3000"};
    rgb.output = dir + "/rgb.tif";
    rgb.engine = options;
    print_summary(rgb.output, run(rgb));

    RunRequest ndvi;
    ndvi.args.operation = "ndi";
    ndvi.inputs = {{"a", scene + "/B08.tif", 1}, {"b", scene + "/B04.tif", 1}};
    ndvi.output = dir + "/ndvi.tif";
    ndvi.engine = options;
    print_summary(ndvi.output, run(ndvi));
  }
};

void print_operations() {
  for (const Operation& op : operations()) {
    fmt::print("{}\n  {}\n", op.name, op.summary);
    for (const OptionInfo& option : op.options)
      fmt::print("  --{}{}  {}\n", option.name, option.per_input ? " NAME=V" : " V", option.help);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"geostrip: satellite rasters in row blocks with halos, on threads and nodes"};
  app.set_version_flag("--version", GEOSTRIP_VERSION);
  app.require_subcommand(1);
  RunCommand run_command;
  SynthCommand synth_command;
  DemoCommand demo_command;
  run_command.add_to(app);
  synth_command.add_to(app);
  demo_command.add_to(app);
  CLI::App* ops = app.add_subcommand("ops", "list operations and their options");

  const auto is_command = [&](const char* name) {
    const auto commands = app.get_subcommands([&](CLI::App* c) { return c->get_name() == name; });
    return !commands.empty();
  };
  if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
    print_error(std::string("unknown command '") + argv[1] + "' (run, synth, demo, ops; see geostrip --help)");
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  try {
    for (CLI::App* command : app.get_subcommands()) apply_config(*command);
    if (app.got_subcommand("run")) {
      const RunRequest request = run_command.request();
      print_summary(request.output, run(request));
    } else if (app.got_subcommand("synth")) {
      synth_command.execute();
    } else if (app.got_subcommand("demo")) {
      demo_command.execute();
    } else if (ops->parsed()) {
      print_operations();
    }
    return 0;
  } catch (const UsageError& e) {
    print_error(e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    print_error(e.what());
    return kExitFailed;
  }
}

}  // namespace geostrip
