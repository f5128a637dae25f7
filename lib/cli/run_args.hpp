#pragma once
// The arguments of one run, as `run OP ...`, `plan OP ...` and each line of a
// batch manifest give them: every operation is a subcommand that takes its own
// inputs and options (from its declaration) and the output options.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "engine/run.hpp"

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace geostrip {

// The output grid's options (PRODUCT.md section 4).
struct GridArgs {
  std::string grid;
  std::string crs;
  std::string resolution;
  std::string extent;
  bool tap = false;
  std::vector<std::string> resampling;
  std::string mosaic = "last";
  std::string cutline;
  std::optional<int> gcp_order;
  bool tps = false;
  double transform_error = 0;

  void add_to(CLI::App& command);
  // Throws UsageError.
  GridRequest request() const;
};

struct RunArgs {
  std::vector<std::string> inputs;
  std::string inputs_file;
  std::string output;
  std::vector<std::string> nodata;
  std::map<std::string, std::vector<std::string>> op_values;  // as given, by option name
  GridArgs grid;
  OutputArgs out;

  // Declares a subcommand of `parent` for every operation; `more` adds the
  // options a caller's runs take besides (launch, report, --config).
  void add_operations(CLI::App& parent, const std::function<void(CLI::App&)>& more);
  // The run that the operation subcommand `operation` was given. Throws UsageError.
  RunRequest request(const CLI::App& operation) const;
};

// The operation subcommand of `parent` that was parsed, or null.
CLI::App* parsed_operation(const CLI::App& parent);

// Throws UsageError listing the operations when the first word of
// `arguments` is neither an option nor an operation (`run bogus ...`).
void check_operation_word(const std::vector<std::string>& arguments);

// A parse error of a run as one line: an option the operation does not take
// is named with it ("--clamp does not apply to ndi").
std::string describe_run_error(const CLI::App& parent, const CLI::ParseError& error);

}  // namespace geostrip
