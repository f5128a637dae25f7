#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "core/error.hpp"
#include "report/progress.hpp"

using namespace geostrip;

namespace {

// What a Progress printed into a temporary file.
std::string printed(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char buffer[512];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, file)) text.append(buffer, n);
  return text;
}

}  // namespace

TEST_CASE("progress logs count, rate, ETA and failures, at most once per interval", "[report]") {
  std::FILE* file = std::tmpfile();
  {
    Progress progress("jobs", 40, ProgressMode::Log, file, std::chrono::hours(1));
    progress.update(1, 0);  // not yet due
    CHECK(printed(file).empty());
    progress.note("geostrip: line 3 failed");
    progress.update(10, 1);
  }
  CHECK(printed(file) == "geostrip: line 3 failed\n");
  Progress due("jobs", 40, ProgressMode::Log, file, std::chrono::seconds(0));
  due.update(10, 1);
  const std::string line = printed(file).substr(24);
  CHECK_THAT(line, Catch::StartsWith("geostrip: 10/40 jobs (25%), "));
  CHECK_THAT(line, Catch::Contains(" jobs/min, ETA "));
  CHECK_THAT(line, Catch::EndsWith(", 1 failed\n"));
  std::fclose(file);
}

TEST_CASE("a progress bar redraws one line, finish ends it, none prints no progress", "[report]") {
  std::FILE* file = std::tmpfile();
  Progress bar("blocks", 4, ProgressMode::Bar, file);
  bar.update(2, 0);
  bar.finish();
  const std::string text = printed(file);
  CHECK_THAT(text, Catch::StartsWith("\r[###############...............] 2/4 blocks (50%)"));
  CHECK_THAT(text, Catch::EndsWith("\n"));
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);

  std::FILE* quiet_file = std::tmpfile();
  Progress quiet("jobs", 4, ProgressMode::None, quiet_file);
  quiet.update(4, 0);
  quiet.finish();
  CHECK(printed(quiet_file).empty());
  std::fclose(file);
  std::fclose(quiet_file);
  CHECK(parse_progress_mode("log") == ProgressMode::Log);
  CHECK_THROWS_AS(parse_progress_mode("loud"), UsageError);
}
