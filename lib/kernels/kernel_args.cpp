#include "kernels/kernel_args.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/error.hpp"
#include "kernels/operation.hpp"
#include "kernels/registry.hpp"

namespace geostrip {

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

UsageError bad_value(std::string_view option, std::string_view value, std::string_view why) {
  return UsageError("--" + std::string(option) + " " + std::string(value) + ": " + std::string(why));
}

// "AxB" (or "A" for AxA) with both sides positive and, for a window, odd.
std::pair<int, int> parse_sides(std::string_view option, std::string_view value, bool odd) {
  const auto x = value.find('x');
  const std::string_view parts[2] = {value.substr(0, x), x == std::string_view::npos ? value : value.substr(x + 1)};
  int sides[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    const auto [end, error] = std::from_chars(parts[i].data(), parts[i].data() + parts[i].size(), sides[i]);
    if (error != std::errc() || end != parts[i].data() + parts[i].size() || sides[i] < 1)
      throw bad_value(option, value, odd ? "expected ROWSxCOLS, e.g. 5x5" : "expected AZxRG, e.g. 4x2");
    if (odd && sides[i] % 2 == 0)
      throw bad_value(option, value, "the window must be odd in both directions, so it has a centre");
  }
  return {sides[0], sides[1]};
}

// The option's declaration; asking for an undeclared one is a bug in its kernel.
const OptionDecl& declared(const KernelArgs& args, std::string_view option, OptionKind kind) {
  const OptionDecl* decl = args.declaration().option(option);
  if (!decl || decl->kind != kind)
    throw std::logic_error(args.operation + " reads --" + std::string(option) + " without declaring it so");
  return *decl;
}

// The last value given, or the declared default.
std::string value_of(const KernelArgs& args, const OptionDecl& decl) {
  const auto it = args.values.find(decl.name);
  return it == args.values.end() || it->second.empty() ? decl.default_value : it->second.back();
}

void check_value(const KernelArgs& args, const OptionDecl& decl) {
  switch (decl.kind) {
    case OptionKind::Number: args.number(decl.name); break;
    case OptionKind::NumberPerInput: args.numbers_per_input(decl.name); break;
    case OptionKind::PixelType: args.pixel_type(decl.name); break;
    case OptionKind::OddWindow:
    case OptionKind::Cells: parse_sides(decl.name, value_of(args, decl), decl.kind == OptionKind::OddWindow); break;
    case OptionKind::Text:
    case OptionKind::Flag: break;
  }
}

// The value of input `name` in `values` (in the order of `names`), or
// `fallback` where it has none.
template <class T>
T of_input(const std::vector<std::string>& names, const std::vector<T>& values, const std::string& name, T fallback) {
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i)
    if (names[i] == name) return values[i];
  return fallback;
}

}  // namespace

double parse_number(std::string_view option, std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    throw bad_value(option, text, "not a number");
  return value;
}

const Operation& KernelArgs::declaration() const { return find_operation(operation); }

double KernelArgs::number(std::string_view option) const {
  return parse_number(option, value_of(*this, declared(*this, option, OptionKind::Number)));
}

std::map<std::string, double> KernelArgs::numbers_per_input(std::string_view option) const {
  declared(*this, option, OptionKind::NumberPerInput);
  std::map<std::string, double> result;
  const auto it = values.find(std::string(option));
  if (it == values.end()) return result;
  for (const std::string& pair : it->second) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos) throw bad_value(option, pair, "expected NAME=VALUE");
    const std::string name = pair.substr(0, eq);
    if (std::find(input_names.begin(), input_names.end(), name) == input_names.end())
      throw bad_value(option, pair, "no input named '" + name + "' (inputs: " + join(input_names) + ")");
    result[name] = parse_number(option, std::string_view(pair).substr(eq + 1));
  }
  return result;
}

std::string KernelArgs::text(std::string_view option) const {
  return value_of(*this, declared(*this, option, OptionKind::Text));
}

PixelType KernelArgs::pixel_type(std::string_view option) const {
  const PixelType type = parse_pixel_type(value_of(*this, declared(*this, option, OptionKind::PixelType)));
  if (is_complex(type)) throw bad_value(option, name_of(type), operation + " writes real pixels");
  return type;
}

bool KernelArgs::flag(std::string_view option) const {
  declared(*this, option, OptionKind::Flag);
  return values.count(std::string(option)) > 0;
}

Window KernelArgs::window() const {
  const Operation& op = declaration();
  if (op.window_option.empty()) return op.window;
  const auto [rows, cols] = parse_sides(op.window_option, value_of(*this, declared(*this, op.window_option, OptionKind::OddWindow)), true);
  return {rows, cols};
}

Stride KernelArgs::stride() const {
  const Operation& op = declaration();
  if (op.stride_option.empty()) return {};
  const auto [rows, cols] = parse_sides(op.stride_option, value_of(*this, declared(*this, op.stride_option, OptionKind::Cells)), false);
  return {rows, cols};
}

std::vector<std::string> KernelArgs::inputs() const {
  const Operation& op = declaration();
  return op.inputs.empty() ? input_names : op.inputs;
}

PixelType KernelArgs::type_of(const std::string& name) const {
  return of_input(input_names, input_types, name, PixelType::Float64);
}

std::optional<double> KernelArgs::nodata_of(const std::string& name) const {
  return of_input(input_names, input_nodata, name, std::optional<double>{});
}

bool KernelArgs::painted(const std::string& name) const { return of_input(input_names, input_painted, name, false); }

void check_args(const KernelArgs& args) {
  const Operation& op = args.declaration();
  if (op.inputs.empty() ? args.input_names.empty() : [&] {
        auto given = args.input_names, wanted = op.inputs;
        std::sort(given.begin(), given.end());
        std::sort(wanted.begin(), wanted.end());
        return given != wanted;
      }())
    throw UsageError(op.name + " takes inputs " + op.inputs_text() + " (-i NAME=PATH each); given: " +
                     join(args.input_names));
  for (const auto& [name, values] : args.values)
    if (!values.empty() && !op.option(name))
      throw UsageError("--" + name + " does not apply to " + op.name + " (see geostrip run " + op.name + " --help)");
  for (const OptionDecl& decl : op.options) {
    if (decl.required && value_of(args, decl).empty())
      throw UsageError(op.name + " needs --" + decl.name + ": " + decl.help);
    check_value(args, decl);
  }
}

}  // namespace geostrip
