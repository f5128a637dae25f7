#include "cli/run_args.hpp"

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "io/input_spec.hpp"
#include "io/output_formats.hpp"
#include "grid/grid_request.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/registry.hpp"

namespace geostrip {

void RunArgs::add_operations(CLI::App& parent, const std::function<void(CLI::App&)>& more) {
  for (const Operation* op : operations()) {
    CLI::App* command = parent.add_subcommand(op->name, op->summary);
    command->add_option("-i,--input", inputs,
                        "NAME=SOURCE, one per input: " + op->inputs_text() +
                            (op->pixels == Pixels::Complex ? " (complex)" : "") +
                            "; SOURCE is PATH[@BAND], several separated by commas (a mosaic), or @LISTFILE")
        ->type_name("NAME=SOURCE");
    command->add_option("--inputs", inputs_file, "a file of NAME=SOURCE lines, more inputs")->type_name("FILE");
    command->add_option("-o,--output", output, "output: " + op->output + "; a GeoTIFF (.tif), or as --format says")->required();
    command->add_option("--nodata", nodata, "NAME=V: nodata value of input NAME (overrides the file's)");
    const std::string group = op->name + " options";
    for (const OptionDecl& decl : op->options) {
      CLI::Option* option =
          decl.kind == OptionKind::Flag
              ? command->add_flag_function(
                    "--" + decl.name, [this, name = decl.name](std::int64_t) { op_values[name] = {"true"}; },
                    decl.help)
              : command->add_option("--" + decl.name, op_values[decl.name], decl.help)->type_name(decl.value_name());
      option->group(group);
      if (decl.kind != OptionKind::NumberPerInput && decl.kind != OptionKind::Flag)
        option->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      if (!decl.default_value.empty()) option->default_str(decl.default_value);
    }
    grid.add_to(*command);
    out.add_to(*command);
    more(*command);
    command->footer("example: " + op->example_text());
  }
}

RunRequest RunArgs::request(const CLI::App& operation) const {
  const Operation& op = find_operation(operation.get_name());
  RunRequest request;
  request.args.operation = op.name;
  for (const OptionDecl& decl : op.options)
    if (const auto it = op_values.find(decl.name); it != op_values.end() && !it->second.empty())
      request.args.values[decl.name] = it->second;
  for (const auto& text : inputs) request.inputs.push_back(parse_input_spec(text));
  if (!inputs_file.empty())
    for (InputSpec& input : read_inputs_file(inputs_file)) request.inputs.push_back(std::move(input));
  if (request.inputs.empty())
    throw UsageError(op.name + " needs its inputs: -i NAME=SOURCE (" + op.inputs_text() + ") or --inputs FILE");
  for (const auto& pair : nodata) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos) throw UsageError("--nodata " + pair + ": expected NAME=VALUE");
    request.nodata[pair.substr(0, eq)] = parse_number("nodata", std::string_view(pair).substr(eq + 1));
  }
  request.output = output;
  check_output_extension(output, out.format);
  request.grid = grid.request();
  request.engine = out.engine();
  return request;
}


void GridArgs::add_to(CLI::App& command) {
  constexpr const char* group = "Grid options";
  CLI::Option* grid_file =
      command.add_option("--grid", grid, "output grid: the CRS, geotransform and size of this raster")
          ->type_name("FILE")
          ->group(group);
  const auto chosen_part = [&](CLI::Option* option) { option->excludes(grid_file)->group(group); };
  chosen_part(command.add_option("--crs", crs, "output CRS (EPSG:N, WKT, PROJ; default: the first input's)")
                  ->type_name("CRS"));
  chosen_part(command.add_option("--resolution", resolution, "output pixel size X[,Y] in the output CRS's units")
                  ->type_name("X[,Y]"));
  chosen_part(command.add_option("--extent", extent, "output extent XMIN,YMIN,XMAX,YMAX in the output CRS (clips)")
                  ->type_name("XMIN,YMIN,XMAX,YMAX"));
  chosen_part(command.add_flag("--tap", tap, "pixel corners on multiples of the resolution (gdalwarp -tap)"));
  command
      .add_option("--resampling", resampling,
                  "METHOD or NAME=METHOD: near (default), bilinear, cubic, cubicspline, lanczos, average, rms, mode, "
                  "min, max, med, q1, q3, sum")
      ->type_name("[NAME=]METHOD")
      ->group(group);
  command.add_option("--mosaic", mosaic, "where files of one input overlap: last, first, min, max or mean")
      ->type_name("RULE")
      ->capture_default_str()
      ->group(group);
  command.add_option("--cutline", cutline, "vector file: pixels outside its polygons are nodata")
      ->type_name("FILE")
      ->group(group);
  CLI::Option* tps_flag =
      command.add_flag("--tps", tps, "warp GCP inputs by a thin plate spline through their GCPs")->group(group);
  command
      .add_option("--transform-error", transform_error,
                  "source pixels a resampled pixel's coordinates may stray from the exact transform (gdalwarp -et; "
                  "exact transforms every few columns, on a fixed lattice, linear between: the same for any blocks)")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str()
      ->type_name("PIXELS")
      ->group(group);
  command.add_option("--gcp-order", gcp_order, "polynomial order (1-3) of the GCP transform of GCP inputs")
      ->check(CLI::Range(1, 3))
      ->excludes(tps_flag)
      ->group(group);
}

GridRequest GridArgs::request() const {
  const auto numbers = [](const std::string& option, const std::string& text) {
    std::vector<double> values;
    for (std::size_t begin = 0; begin <= text.size();) {
      const std::size_t comma = std::min(text.find(',', begin), text.size());
      values.push_back(parse_number(option, std::string_view(text).substr(begin, comma - begin)));
      begin = comma + 1;
    }
    return values;
  };
  GridRequest request{.grid_file = grid,
                      .crs = crs,
                      .tap = tap,
                      .cutline = cutline,
                      .mosaic = parse_mosaic_rule(mosaic),
                      .gcp_order = gcp_order,
                      .tps = tps,
                      .transform_error = transform_error};
  if (!resolution.empty()) {
    const std::vector<double> r = numbers("resolution", resolution);
    if (r.size() > 2 || r.front() <= 0 || r.back() <= 0)
      throw UsageError("--resolution " + resolution + ": expected X[,Y], both positive");
    request.resolution = Resolution{.x = r.front(), .y = r.back()};
  }
  if (!extent.empty()) {
    const std::vector<double> e = numbers("extent", extent);
    if (e.size() != 4 || e[0] >= e[2] || e[1] >= e[3])
      throw UsageError("--extent " + extent + ": expected XMIN,YMIN,XMAX,YMAX with XMIN < XMAX and YMIN < YMAX");
    request.extent = Extent{.xmin = e[0], .ymin = e[1], .xmax = e[2], .ymax = e[3]};
  }
  for (const std::string& item : resampling) {
    const auto eq = item.find('=');
    const std::string method = eq == std::string::npos ? item : item.substr(eq + 1);
    resampling_method(method);  // a usage error before any file is opened
    if (eq == std::string::npos)
      request.resampling = method;
    else
      request.resampling_of[item.substr(0, eq)] = method;
  }
  return request;
}

CLI::App* parsed_operation(const CLI::App& parent) {
  const auto parsed = parent.get_subcommands();
  return parsed.empty() ? nullptr : parsed.front();
}

void check_operation_word(const std::vector<std::string>& arguments) {
  if (!arguments.empty() && !arguments.front().empty() && arguments.front()[0] != '-')
    find_operation(arguments.front());
}

std::string describe_run_error(const CLI::App& parent, const CLI::ParseError& error) {
  const CLI::App* operation = parsed_operation(parent);
  if (operation && dynamic_cast<const CLI::ExtrasError*>(&error)) {
    const CLI::App* root = &parent;
    while (root->get_parent()) root = root->get_parent();
    const std::vector<std::string> extras = root->remaining(true);
    if (!extras.empty() && extras.front().rfind("--", 0) == 0)
      return extras.front() + " does not apply to " + operation->get_name() + " (see geostrip run " +
             operation->get_name() + " --help)";
  }
  if (!operation)
    return parent.get_name() + " needs an operation first: geostrip " + parent.get_name() +
           " OP -i NAME=PATH ... -o OUTPUT (operations: " + operation_names() + ")";
  return error.what() + std::string(" (see geostrip ") + parent.get_name() + " " + operation->get_name() + " --help)";
}

}  // namespace geostrip
