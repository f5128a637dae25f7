#include "kernels/kernel_args.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/error.hpp"

namespace geostrip {

namespace {
std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}
}  // namespace

double parse_number(std::string_view option, std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    throw UsageError("--" + std::string(option) + " " + std::string(text) + ": not a number");
  return value;
}

double KernelArgs::number(std::string_view option, double fallback) const {
  const auto it = values.find(std::string(option));
  if (it == values.end() || it->second.empty()) return fallback;
  return parse_number(option, it->second.back());
}

std::map<std::string, double> KernelArgs::numbers_per_input(std::string_view option) const {
  std::map<std::string, double> result;
  const auto it = values.find(std::string(option));
  if (it == values.end()) return result;
  for (const std::string& pair : it->second) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos)
      throw UsageError("--" + std::string(option) + " " + pair + ": expected NAME=VALUE");
    const std::string name = pair.substr(0, eq);
    if (std::find(input_names.begin(), input_names.end(), name) == input_names.end())
      throw UsageError("--" + std::string(option) + " " + pair + ": no input named '" + name + "' (inputs: " +
                       join(input_names) + ")");
    result[name] = parse_number(option, std::string_view(pair).substr(eq + 1));
  }
  return result;
}

std::string KernelArgs::text(std::string_view option, const std::string& fallback) const {
  const auto it = values.find(std::string(option));
  return it == values.end() || it->second.empty() ? fallback : it->second.back();
}

std::pair<int, int> KernelArgs::odd_window(std::string_view option, const std::string& fallback) const {
  const std::string value = text(option, fallback);
  const auto x = value.find('x');
  const auto bad = [&](const std::string& why) {
    return UsageError("--" + std::string(option) + " " + value + ": " + why);
  };
  int sides[2] = {0, 0};
  const std::string_view parts[2] = {std::string_view(value).substr(0, x),
                                     x == std::string::npos ? std::string_view(value) : std::string_view(value).substr(x + 1)};
  for (int i = 0; i < 2; ++i) {
    const auto [end, error] = std::from_chars(parts[i].data(), parts[i].data() + parts[i].size(), sides[i]);
    if (error != std::errc() || end != parts[i].data() + parts[i].size() || sides[i] < 1)
      throw bad("expected ROWSxCOLS, e.g. 5x5");
    if (sides[i] % 2 == 0) throw bad("the window must be odd in both directions, so it has a centre");
  }
  return {sides[0], sides[1]};
}

PixelType KernelArgs::type_of(const std::string& name) const {
  for (std::size_t i = 0; i < input_names.size() && i < input_types.size(); ++i)
    if (input_names[i] == name) return input_types[i];
  return PixelType::Float64;
}

std::optional<double> KernelArgs::nodata_of(const std::string& name) const {
  for (std::size_t i = 0; i < input_names.size() && i < input_nodata.size(); ++i)
    if (input_names[i] == name) return input_nodata[i];
  return std::nullopt;
}

void KernelArgs::require_inputs(const std::vector<std::string>& names) const {
  auto given = input_names;
  auto wanted = names;
  std::sort(given.begin(), given.end());
  std::sort(wanted.begin(), wanted.end());
  if (given != wanted)
    throw UsageError(operation + " takes inputs " + join(names) + " (-i NAME=PATH each); given: " +
                     join(input_names));
}

}  // namespace geostrip
