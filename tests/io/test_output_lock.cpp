#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "core/error.hpp"
#include "core/host.hpp"
#include "io/output_lock.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using geostrip::test::file_text;
using geostrip::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("an output's lock has one holder at a time, named in the lock and to the next writer", "[io]") {
  TempDir dir;
  const std::string output = dir / "out.tif";
  std::optional<OutputLock> held(std::in_place, output);
  CHECK(OutputLock::path_for(output) == output + ".lock");
  const std::string holder = file_text(output + ".lock");
  CHECK_THAT(holder, Catch::StartsWith("host " + host_name() + ", pid " + std::to_string(getpid()) + ", since "));
  // A second writer, even in this process (an fcntl lock of its own open file description), is refused.
  CHECK_THROWS_WITH(OutputLock(output), Catch::Contains(output + ": another run is writing it (host " + host_name()));
  CHECK(file_text(output + ".lock") == holder);
  held.reset();
  CHECK_FALSE(fs::exists(output + ".lock"));
  OutputLock again(output);  // free once let go
}

TEST_CASE("a lock file left by a killed run is taken over, a link at its name is refused", "[io]") {
  TempDir dir;
  const std::string output = dir / "out.tif";
  std::ofstream(output + ".lock") << "host gone, pid 1, since long ago\n";
  {
    OutputLock taken(output);
    CHECK_THAT(file_text(output + ".lock"), Catch::Contains("pid " + std::to_string(getpid())));
  }
  std::ofstream(dir / "victim.txt") << "precious";
  fs::create_symlink(dir / "victim.txt", output + ".lock");
  CHECK_THROWS_WITH(OutputLock(output), Catch::Contains("symbolic link"));
  CHECK(file_text(dir / "victim.txt") == "precious");
}
