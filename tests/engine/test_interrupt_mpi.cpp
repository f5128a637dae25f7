// Interrupting a run on 3 virtual nodes: whether every rank receives the
// signal (srun, scancel) or only rank 0, every rank stops after the same
// round, exits 75, and the same command resumes to the uninterrupted pixels.
#include <catch2/catch.hpp>
#include <filesystem>

#include "io/journal.hpp"
#include "support/mpi_launch.hpp"
#include "support/process.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using namespace geostrip::test;
namespace fs = std::filesystem;

TEST_CASE("SIGTERM to every rank or to rank 0 alone stops 3 nodes with exit 75, the rerun resumes", "[interrupt]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 3000x1500 --tile 256").exit_code == 0);
  const auto arguments = [&](const std::string& output) {
    return "run median -i src=" + dir / "s/B04.tif" + " --window 9x9 -o " + output +
           " --tile 256 --block-rows 32 --threads 1";
  };
  const std::string reference = dir / "reference.tif";
  REQUIRE(run_geostrip(arguments(reference)).exit_code == 0);

  for (const bool only_rank_0 : {false, true}) {
    const std::string output = dir / (only_rank_0 ? "rank0.tif" : "all.tif");
    INFO((only_rank_0 ? "rank 0 alone" : "every rank") << " receives SIGTERM");
    const std::string command = virtual_nodes(3) + " " + GEOSTRIP_BINARY + " " + arguments(output);
    const pid_t mpirun = spawn(command, output + ".log");
    REQUIRE(wait_until([&] { return file_text(Journal::path_for(output)).find("\nrows 1536 ") != std::string::npos; }));
    const auto ranks = mpi_ranks(output);
    REQUIRE(ranks.size() == 3);
    for (const auto& [rank, pid] : ranks)
      if (rank == 0 || !only_rank_0) kill(pid, SIGTERM);
    const int code = wait_exit(mpirun);
    const std::string log = file_text(output + ".log");
    INFO(log);
    CHECK(code == 75);
    CHECK_THAT(log, Catch::Contains("geostrip: interrupted by SIGTERM: rows 0-"));
    CHECK_FALSE(fs::exists(output));

    const auto resumed = run_command(command);
    INFO(resumed.output);
    REQUIRE(resumed.exit_code == 0);
    CHECK_THAT(resumed.output, Catch::Contains("resumed " + output));
    CHECK(read_raw(output) == read_raw(reference));
  }
}

TEST_CASE("direct mode on 3 nodes stops on SIGTERM with exit 75, and the rerun makes the uninterrupted file",
          "[interrupt]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 3000x1500 --tile 256").exit_code == 0);
  const std::string arguments =
      "run median -i src=" + dir / "s/B04.tif" + " --window 9x9 --tile 256 --block-rows 256 --threads 1 -o ";
  const std::string output = dir / "direct.tif", reference = dir / "reference.tif";
  REQUIRE(run_geostrip(arguments + reference).exit_code == 0);  // gather mode, one process
  const std::string command = virtual_nodes(3) + " " + GEOSTRIP_BINARY + " " + arguments + output + " --write direct";
  const pid_t mpirun = spawn(command, output + ".log");
  REQUIRE(wait_until([&] { return file_text(Journal::path_for(output)).find("\nrows 1536 ") != std::string::npos; }));
  for (const auto& [rank, pid] : mpi_ranks(output)) kill(pid, SIGTERM);
  const int code = wait_exit(mpirun);
  INFO(file_text(output + ".log"));
  CHECK(code == 75);
  CHECK_FALSE(fs::exists(output));
  const auto resumed = run_command(command);
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Catch::Contains("resumed " + output));
  CHECK(file_text(output) == file_text(reference));  // every byte, not only the pixels
}

TEST_CASE("SIGUSR1 to mpirun reaches every rank: exit 75, then resume", "[interrupt]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 3000x1500 --tile 256").exit_code == 0);
  const std::string output = dir / "out.tif", reference = dir / "reference.tif";
  const std::string arguments = "run mean -i src=" + dir / "s/B08.tif" + " --window 15x15 --tile 256 --block-rows 32 --threads 1 -o ";
  REQUIRE(run_geostrip(arguments + reference).exit_code == 0);
  const std::string command = virtual_nodes(3) + " " + GEOSTRIP_BINARY + " " + arguments + output;
  const pid_t mpirun = spawn(command, output + ".log");
  REQUIRE(wait_until([&] { return file_text(Journal::path_for(output)).find("\nrows 768 ") != std::string::npos; }));
  kill(mpirun, SIGUSR1);
  CHECK(wait_exit(mpirun) == 75);
  CHECK_THAT(file_text(output + ".log"), Catch::Contains("interrupted by SIGUSR1"));
  const auto resumed = run_command(command);
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK(read_raw(output) == read_raw(reference));
}
