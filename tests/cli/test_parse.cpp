#include <catch2/catch.hpp>

#include "cli/parse.hpp"
#include "core/error.hpp"

using namespace geostrip;

TEST_CASE("sizes take binary and decimal units", "[cli]") {
  CHECK(parse_size("--memory", "4GiB") == 4ull << 30);
  CHECK(parse_size("--memory", "512MiB") == 512ull << 20);
  CHECK(parse_size("--memory", "2G") == 2ull << 30);
  CHECK(parse_size("--memory", "1.5GB") == 1'500'000'000ull);
  CHECK(parse_size("--memory", "1048576") == 1048576ull);
  CHECK_THROWS_AS(parse_size("--memory", "lots"), UsageError);
  CHECK_THROWS_AS(parse_size("--memory", "4XB"), UsageError);
  CHECK_THROWS_AS(parse_size("--memory", "-1G"), UsageError);
}

TEST_CASE("raster sizes are ROWSxCOLS", "[cli]") {
  CHECK(parse_raster_size("--size", "2000x3000") == RasterSize{2000, 3000});
  CHECK_THROWS_AS(parse_raster_size("--size", "2000"), UsageError);
  CHECK_THROWS_AS(parse_raster_size("--size", "0x10"), UsageError);
  CHECK_THROWS_AS(parse_raster_size("--size", "10x"), UsageError);
  // The message names the whole size, not the half that is wrong.
  CHECK_THROWS_WITH(parse_raster_size("--size", "0x5"), Catch::StartsWith("--size 0x5: expected ROWSxCOLS"));
}

TEST_CASE("counts are positive integers or auto", "[cli]") {
  CHECK(parse_count_or_auto("--threads", "auto") == std::nullopt);
  CHECK(parse_count_or_auto("--threads", "3") == 3);
  CHECK_THROWS_AS(parse_count_or_auto("--threads", "0"), UsageError);
  CHECK_THROWS_AS(parse_count_or_auto("--threads", "two"), UsageError);
  CHECK(parse_count_or_auto("--threads", "4096", 4096) == 4096);
  CHECK_THROWS_WITH(parse_count_or_auto("--threads", "99999999999", 4096), Catch::Contains("at most 4096"));
  CHECK_THROWS_AS(parse_count_or_auto("--threads", "99999999999999999999"), UsageError);  // beyond 64 bits
}

TEST_CASE("durations take seconds, minutes, hours and days", "[cli]") {
  CHECK(parse_duration("--stall-timeout", "20s").count() == 20);
  CHECK(parse_duration("--stall-timeout", "90").count() == 90);
  CHECK(parse_duration("--stall-timeout", "10min").count() == 600);
  CHECK(parse_duration("--stall-timeout", "1.5h").count() == 5400);
  CHECK(parse_duration("--stall-timeout", "0").count() == 0);
  for (const char* bad : {"-5s", "10m", "soon", "nan", "inf", ""})
    CHECK_THROWS_WITH(parse_duration("--stall-timeout", bad), Catch::Contains("expected a duration"));
}
