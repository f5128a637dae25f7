// A frozen rank (SIGSTOP: a hung node, as a filesystem or a machine hangs)
// on 3 virtual nodes: rank 0 names it with its host and ends the job within
// --stall-timeout, instead of every rank waiting forever; the same command
// then resumes from what was written.
#include <catch2/catch.hpp>
#include <signal.h>

#include <chrono>
#include <filesystem>

#include "core/host.hpp"
#include "io/journal.hpp"
#include "support/mpi_launch.hpp"
#include "support/process.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using namespace geostrip::test;
namespace fs = std::filesystem;

TEST_CASE("a frozen rank on 3 nodes ends the job within the stall timeout, named with its host", "[stall]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 6000x4000 --tile 256").exit_code == 0);
  const std::string output = dir / "out.tif";
  const std::string command = virtual_nodes(3) + " " + GEOSTRIP_BINARY + " run median -i src=" + dir / "s/B04.tif" +
                              " --window 15x15 -o " + output +
                              " --tile 256 --block-rows 64 --threads 1 --stall-timeout 20s --progress none";
  const pid_t mpirun = spawn(command, dir / "run.log");
  REQUIRE(wait_until([&] { return file_text(Journal::path_for(output)).find("\nrows 1024 ") != std::string::npos; }));
  const auto ranks = mpi_ranks(output);
  REQUIRE(ranks.size() == 3);
  const pid_t frozen = ranks.at(1);
  kill(frozen, SIGSTOP);
  const auto stopped_at = std::chrono::steady_clock::now();
  const int code = wait_exit(mpirun);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - stopped_at).count();
  const std::string log = file_text(dir / "run.log");
  INFO(log);
  CHECK(code == 1);
  CHECK(seconds < 60);
  // Virtual nodes are all this host.
  CHECK_THAT(log, Catch::Contains("geostrip: error (rank 0 on ") && Catch::Contains("rank 1 on " + host_name()) &&
                      Catch::Contains("made no progress for 20 s"));
  CHECK_FALSE(fs::exists(output));
  // The launcher ends the frozen rank too (a zombie until reaped counts as ended).
  const auto ended = [&] {
    const std::string stat = file_text("/proc/" + std::to_string(frozen) + "/stat");
    return stat.empty() || stat.substr(stat.rfind(')') + 2, 1) == "Z";
  };
  CHECK(wait_until(ended, std::chrono::seconds(10)));
  if (!ended()) kill(frozen, SIGKILL);

  const auto resumed = run_command(command);
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Catch::Contains("resumed " + output));
}
