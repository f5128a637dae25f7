#include "kernels/registry.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "core/error.hpp"

namespace geostrip {

namespace {

// Filled while the program's static objects are made, before main.
std::vector<std::unique_ptr<Operation>>& registered() {
  static std::vector<std::unique_ptr<Operation>> all;
  return all;
}

}  // namespace

OperationRegistration::OperationRegistration(Operation operation) {
  auto& all = registered();
  const auto at = std::lower_bound(all.begin(), all.end(), operation.name,
                                   [](const auto& op, const std::string& name) { return op->name < name; });
  if (at != all.end() && (*at)->name == operation.name)
    throw std::logic_error("operation " + operation.name + " is declared twice");
  all.insert(at, std::make_unique<Operation>(std::move(operation)));
}

const std::vector<const Operation*>& operations() {
  static const std::vector<const Operation*> all = [] {
    std::vector<const Operation*> pointers;
    for (const auto& op : registered()) pointers.push_back(op.get());
    return pointers;
  }();
  return all;
}

const Operation& find_operation(std::string_view name) {
  for (const Operation* op : operations())
    if (op->name == name) return *op;
  throw UsageError("unknown operation '" + std::string(name) + "' (operations: " + operation_names() + ")");
}

std::string operation_names() {
  std::string names;
  for (const Operation* op : operations()) names += (names.empty() ? "" : ", ") + op->name;
  return names;
}

std::unique_ptr<Kernel> make_kernel(const KernelArgs& args) {
  check_args(args);
  return args.declaration().make(args);
}

std::string OptionDecl::value_name() const {
  switch (kind) {
    case OptionKind::Number: return "NUMBER";
    case OptionKind::NumberPerInput: return "NAME=NUMBER";
    case OptionKind::Text: return "TEXT";
    case OptionKind::PixelType: return "TYPE";
    case OptionKind::OddWindow: return "RxC";
    case OptionKind::Cells: return "AZxRG";
    case OptionKind::Flag: return "";
  }
  return "";
}

const OptionDecl* Operation::option(std::string_view option_name) const {
  const auto it = std::find_if(options.begin(), options.end(), [&](const OptionDecl& o) { return o.name == option_name; });
  return it == options.end() ? nullptr : &*it;
}

std::string Operation::inputs_text() const {
  std::string text;
  for (const auto& input : inputs) text += (text.empty() ? "" : ", ") + input;
  return text.empty() ? "any names" : text;
}

std::string Operation::halo_text() const {
  if (!stride_option.empty()) return "0 (blocks aligned to AZ of --" + stride_option + ")";
  if (window_option.empty()) {
    const Halo halo = window.halo();
    return halo.rows == 0 && halo.cols == 0 ? "0" : fmt::format("{} x {}", halo.rows, halo.cols);
  }
  const OptionDecl* decl = option(window_option);
  std::string text = "R/2 x C/2 of --" + window_option + " " + decl->value_name();
  if (int rows = 0, cols = 0; std::sscanf(decl->default_value.c_str(), "%dx%d", &rows, &cols) == 2)
    text += fmt::format(" ({} x {} at the default {})", rows / 2, cols / 2, decl->default_value);
  return text;
}

std::vector<std::string> Operation::example_input_names() const {
  return inputs.empty() ? example_inputs : inputs;
}

std::string Operation::example_text() const {
  std::string text = "geostrip run " + name;
  for (const std::string& input : example_input_names()) text += " -i " + input + "=" + input + ".tif";
  text += " -o " + name + ".tif";
  for (const auto& [option, value] : example) {
    text += " --" + option;
    if (!value.empty()) text += value.find_first_of(" ()*;") == std::string::npos ? " " + value : " \"" + value + "\"";
  }
  return text;
}

}  // namespace geostrip
