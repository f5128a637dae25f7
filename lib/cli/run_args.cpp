#include "cli/run_args.hpp"

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "io/input_spec.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/registry.hpp"

namespace geostrip {

void RunArgs::add_operations(CLI::App& parent, const std::function<void(CLI::App&)>& more) {
  for (const Operation* op : operations()) {
    CLI::App* command = parent.add_subcommand(op->name, op->summary);
    command->add_option("-i,--input", inputs,
                        "NAME=PATH[@BAND], one per input: " + op->inputs_text() +
                            (op->pixels == Pixels::Complex ? " (complex)" : ""))
        ->required()
        ->type_name("NAME=PATH");
    command->add_option("-o,--output", output, "output GeoTIFF (" + op->output + ")")->required();
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
  for (const auto& pair : nodata) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos) throw UsageError("--nodata " + pair + ": expected NAME=VALUE");
    request.nodata[pair.substr(0, eq)] = parse_number("nodata", std::string_view(pair).substr(eq + 1));
  }
  request.output = output;
  request.engine = out.engine();
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
