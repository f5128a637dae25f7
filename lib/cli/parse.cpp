#include "cli/parse.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace geostrip {

namespace {

std::int64_t positive_integer(std::string_view option, std::string_view text, std::string_view what) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1)
    throw UsageError(std::string(option) + " " + std::string(text) + ": expected " + std::string(what));
  return value;
}

}  // namespace

std::uint64_t parse_size(std::string_view option, std::string_view text) {
  const auto bad = [&] {
    return UsageError(std::string(option) + " " + std::string(text) + ": expected a size such as 4GiB or 512MiB");
  };
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || !(number > 0)) throw bad();
  const std::string_view unit = text.substr(static_cast<std::size_t>(end - text.data()));
  static constexpr std::array<std::pair<std::string_view, double>, 13> kUnits{{
      {"", 1}, {"B", 1},
      {"K", 1024.0}, {"KiB", 1024.0}, {"KB", 1e3},
      {"M", 1048576.0}, {"MiB", 1048576.0}, {"MB", 1e6},
      {"G", 1073741824.0}, {"GiB", 1073741824.0}, {"GB", 1e9},
      {"TiB", 1099511627776.0}, {"TB", 1e12},
  }};
  for (const auto& [name, factor] : kUnits)
    if (unit == name) return static_cast<std::uint64_t>(std::llround(number * factor));
  throw bad();
}

std::chrono::duration<double> parse_duration(std::string_view option, std::string_view text) {
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  const std::string_view unit = text.substr(static_cast<std::size_t>(end - text.data()));
  static constexpr std::array<std::pair<std::string_view, double>, 5> kUnits{
      {{"", 1}, {"s", 1}, {"min", 60}, {"h", 3600}, {"d", 86400}}};
  if (error == std::errc() && number >= 0 && std::isfinite(number))
    for (const auto& [name, seconds] : kUnits)
      if (unit == name) return std::chrono::duration<double>(number * seconds);
  throw UsageError(std::string(option) + " " + std::string(text) + ": expected a duration such as 90s, 10min or 2h");
}

RasterSize parse_raster_size(std::string_view option, std::string_view text) {
  const auto bad = [&] {
    return UsageError(std::string(option) + " " + std::string(text) +
                      ": expected ROWSxCOLS with positive numbers, e.g. 2000x3000");
  };
  const auto x = text.find('x');
  if (x == std::string_view::npos) throw bad();
  try {
    return {positive_integer(option, text.substr(0, x), ""), positive_integer(option, text.substr(x + 1), "")};
  } catch (const UsageError&) {
    throw bad();  // naming the whole size, not the half that is wrong
  }
}

std::optional<std::int64_t> parse_count_or_auto(std::string_view option, std::string_view text, std::int64_t most) {
  if (text == "auto") return std::nullopt;
  const std::int64_t count = positive_integer(option, text, "a positive integer or auto");
  if (count > most)
    throw UsageError(std::string(option) + " " + std::string(text) + ": expected at most " + std::to_string(most));
  return count;
}

}  // namespace geostrip
