#pragma once
// Parsers for the command line's value syntaxes; all throw UsageError.
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "geometry/row_block.hpp"

namespace geostrip {

// "4GiB", "512MiB", "2G", "1.5GB", "1048576": bytes.
std::uint64_t parse_size(std::string_view option, std::string_view text);

// "20s", "10min", "2h", "90" (seconds): a duration; "0" for none.
std::chrono::duration<double> parse_duration(std::string_view option, std::string_view text);

// "ROWSxCOLS", both positive.
RasterSize parse_raster_size(std::string_view option, std::string_view text);

// "auto" (nullopt) or a positive integer, at most `most`.
std::optional<std::int64_t> parse_count_or_auto(std::string_view option, std::string_view text,
                                                std::int64_t most = std::numeric_limits<std::int64_t>::max());

}  // namespace geostrip
