#pragma once
// The option groups commands share, and --config: one TOML file of the same
// options for run, plan, batch and check.
#include <optional>
#include <string>
#include <vector>

#include "engine/run.hpp"
#include "parallel/resources.hpp"

namespace CLI {
class App;
}

namespace geostrip {

// Options that decide what each rank uses (run, plan, batch, synth, demo, check).
struct LaunchArgs {
  std::string threads = "auto";
  std::string memory;
  std::string oversubscription_check = "warn";
  std::string stall_timeout = "10min";
  bool allow_shared_node = false;

  void add_to(CLI::App& command);
  ResourceOptions resources() const;
};

// Options of the engine's decomposition and output (run, plan, batch, synth, demo).
struct OutputArgs {
  std::string block_rows = "auto";
  std::string compress = "deflate";
  std::optional<int> level;
  std::string overview_compress;
  std::optional<int> overview_level;
  int tile = 512;
  std::string format;
  std::string overviews;
  std::string overview_resampling;
  bool stats = false;
  std::string write = "gather";
  bool overwrite = false;
  bool no_resume = false;

  void add_to(CLI::App& command);
  EngineOptions engine() const;
};

// What a command tells the user while it works and after (run, plan, batch).
struct ReportArgs {
  std::string progress = "auto";
  std::string report;

  void add_to(CLI::App& command);
};

// Declares --config on `command`.
void add_config_option(CLI::App& command);

// Applies `command`'s --config, if given: each key fills an option the command
// line did not give. A key another geostrip command takes is ignored; a key
// none takes is a UsageError naming its line. `root` is the whole command line.
void apply_config(CLI::App& command, const CLI::App& root);

}  // namespace geostrip
