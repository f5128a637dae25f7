#include "cli/options.hpp"

#include <CLI/CLI.hpp>

#include <fstream>
#include <map>
#include <set>

#include "cli/parse.hpp"
#include "core/error.hpp"
#include "io/output_formats.hpp"
#include "io/tile_encoder.hpp"

namespace geostrip {

namespace {

// More threads than any node has cores (the largest have a few hundred).
constexpr std::int64_t kMaxThreads = 4096;

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

// Every long option name (without dashes) of `app` and its subcommands.
void collect_option_names(const CLI::App& app, std::set<std::string>& names) {
  for (const CLI::Option* option : app.get_options())
    for (const std::string& name : option->get_lnames()) names.insert(name);
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    collect_option_names(*sub, names);
}

// The names of `command` and its parents below the root: {"run", "ndi"}.
std::vector<std::string> path_of(const CLI::App& command) {
  std::vector<std::string> path;
  for (const CLI::App* app = &command; app->get_parent(); app = app->get_parent())
    path.insert(path.begin(), app->get_name());
  return path;
}

// A config value qualifying an option the command line gives belongs to the
// config's choice, not the command line's: --compress lzw over a config's
// compress = "zstd" and level = 19 drops the level.
const std::map<std::string, std::string> kQualifies{{"level", "compress"}, {"overview-level", "compress"}};

}  // namespace

void LaunchArgs::add_to(CLI::App& command) {
  constexpr const char* group = "Launch options";
  command.add_option("--threads", threads, "OpenMP threads per rank (N or auto: the cores this rank may use)")
      ->group(group);
  command.add_option("--memory", memory, "memory budget per rank, e.g. 4GiB (default: half of what it may use)")
      ->group(group);
  command.add_option("--oversubscription-check", oversubscription_check, "warn, abort or off")
      ->capture_default_str()
      ->group(group);
  command.add_flag("--allow-shared-node", allow_shared_node, "permit several ranks per node (they split its cores)")
      ->group(group);
  command.add_option("--stall-timeout", stall_timeout,
                     "end the job when a rank makes no progress this long (e.g. 20s, 10min; 0: never)")
      ->capture_default_str()
      ->group(group);
}

ResourceOptions LaunchArgs::resources() const {
  ResourceOptions options;
  if (const auto n = parse_count_or_auto("--threads", threads, kMaxThreads)) options.threads = static_cast<int>(*n);
  if (!memory.empty()) options.memory = parse_size("--memory", memory);
  return options;
}

void OutputArgs::add_to(CLI::App& command) {
  constexpr const char* group = "Output options";
  command.add_option("--block-rows", block_rows, "rows per block, halo excluded (N or auto)")->group(group);
  command.add_option("--compress", compress, "output codec: deflate, zstd, lzw or none")
      ->capture_default_str()
      ->group(group);
  command.add_option("--level", level, "codec level (deflate 1-12, zstd 1-22)")->group(group);
  command
      .add_option("--overview-compress", overview_compress,
                  "codec of overview tiles: deflate, zstd, lzw or none (GDAL's OVERVIEW_COMPRESS); default: --compress")
      ->group(group);
  command
      .add_option("--overview-level", overview_level,
                  "codec level of overview tiles; default: --level for the same codec, at most 4 for deflate and 3 "
                  "for zstd")
      ->group(group);
  command.add_option("--tile", tile, "output tile edge, a multiple of 16")->capture_default_str()->group(group);
  command
      .add_option("--format", format,
                  "GTiff, COG (Cloud-Optimized GeoTIFF) or any GDAL driver that can create files (netCDF, ENVI, ...); "
                  "default: from OUTPUT's extension (.tif, .tiff: GTiff)")
      ->type_name("NAME")
      ->group(group);
  command.add_option("--overviews", overviews, "auto (halving until one tile) or none; default: auto for COG")
      ->check(CLI::IsMember({"auto", "none"}))
      ->group(group);
  command
      .add_option("--overview-resampling", overview_resampling,
                  "average, nearest, rms or mode; default: nearest for rgb and classes, average otherwise")
      ->type_name("METHOD")
      ->group(group);
  command.add_flag("--stats", stats, "store each band's statistics (on for COG)")->group(group);
  command
      .add_option("--write", write,
                  "gather (rank 0 receives every tile and writes the file) or direct (every rank writes its own "
                  "tiles into the shared file; rank 0 receives only their sizes)")
      ->check(CLI::IsMember({"gather", "direct"}))
      ->capture_default_str()
      ->group(group);
  command.add_flag("--overwrite", overwrite, "replace an existing output")->group(group);
  command.add_flag("--no-resume", no_resume, "start over instead of resuming an interrupted output")->group(group);
}

EngineOptions OutputArgs::engine() const {
  EngineOptions options;
  options.block_rows = parse_count_or_auto("--block-rows", block_rows);
  options.write.codec = parse_codec(compress);
  options.write.level = level;
  if (!overview_compress.empty()) options.write.overview_codec = parse_codec(overview_compress, "--overview-compress");
  check_level(options.write.overview_codec.value_or(options.write.codec), overview_level, "--overview-level",
              options.write.overview_codec ? "--overview-compress" : "--compress");
  options.write.overview_level = overview_level;
  check_tile_edge(tile);
  options.write.tile = tile;
  options.write.overwrite = overwrite;
  options.write.resume = !no_resume;
  const OutputFormat chosen = parse_output_format(format);
  options.write.cog = chosen.cog;
  options.convert_to = chosen.driver;
  if (!overviews.empty()) options.write.overviews = overviews == "auto";
  if (!overview_resampling.empty()) options.write.overview_resampling = parse_overview_resampling(overview_resampling);
  if (stats) options.write.stats = true;
  options.write_direct = write == "direct";
  return options;
}

void ReportArgs::add_to(CLI::App& command) {
  constexpr const char* group = "Report options";
  command.add_option("--progress", progress, "auto (a bar on a terminal, else log lines), bar, log or none")
      ->capture_default_str()
      ->group(group);
  command.add_option("--report", report, "write a JSON report to this file")->group(group);
}

void add_config_option(CLI::App& command) {
  command.add_option("--config", "read options from a TOML file (key = value; the command line wins)");
}

// CLI11 reads config files for the top-level app only, so a subcommand's
// --config is applied here.
void apply_config(CLI::App& command, const CLI::App& root) {
  const CLI::Option* config = command.get_option_no_throw("--config");
  if (!config || config->count() == 0) return;
  const std::string path = config->as<std::string>();
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::FileError& e) {
    throw UsageError("--config " + path + ": " + e.what());
  }
  std::set<std::string> known;
  collect_option_names(root, known);
  const std::vector<std::string> path_here = path_of(command);
  std::set<std::string> given;  // on the command line
  for (const CLI::Option* option : command.get_options())
    if (option->count() > 0)
      for (const std::string& name : option->get_lnames()) given.insert(name);
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    // The key is not echoed: a file that is no config at all (--config
    // /etc/passwd, a key file) would have its content printed.
    if (!known.count(item.name) || item.name == "config")
      throw UsageError("--config " + path + ": line " + line_of(path, item.name) +
                       " is not an option of any geostrip command (key = value, as in --help)");
    // A [section] names the command it is for: [run], [batch], [run.ndi]...
    if (item.parents.size() > path_here.size() ||
        !std::equal(item.parents.begin(), item.parents.end(), path_here.begin()))
      continue;
    CLI::Option* option = command.get_option_no_throw("--" + item.name);
    if (!option || option->count() > 0) continue;  // another command's, or given already
    if (const auto q = kQualifies.find(item.name); q != kQualifies.end() && given.count(q->second)) continue;
    for (const std::string& value : item.inputs) option->add_result(value);
    try {
      option->run_callback();
    } catch (const CLI::ParseError& e) {
      throw UsageError(path + ": " + item.name + ": " + e.what());
    }
  }
}

}  // namespace geostrip
