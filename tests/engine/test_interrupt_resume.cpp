// A signal stops a run after the blocks in flight (exit 75, nothing at the
// output path), or a batch after its job in flight; the same command resumes
// from the journal and writes the pixels an uninterrupted run writes.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "io/journal.hpp"
#include "support/batch_support.hpp"
#include "support/median_job.hpp"

using namespace geostrip;
using namespace geostrip::test;
namespace fs = std::filesystem;

namespace {

void check_interrupted(const CommandResult& result, const std::string& output, const std::string& signal) {
  INFO(result.output);
  CHECK(result.exit_code == 75);
  CHECK_THAT(result.output, Catch::Contains("interrupted by " + signal) &&
                                Catch::Contains("run the same command again to resume"));
  CHECK_FALSE(fs::exists(output));
  CHECK(fs::exists(output + ".partial"));
  CHECK(fs::exists(Journal::path_for(output)));
}

}  // namespace

TEST_CASE("SIGTERM at half-time gives exit 75, the same command resumes to the uninterrupted pixels", "[cli]") {
  MedianJob job;
  const std::string output = job.dir / "out.tif";
  check_interrupted(job.interrupt(output, SIGTERM), output, "SIGTERM");

  const auto resumed = run_geostrip(job.arguments(output));
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Catch::Contains("resumed " + output + ": rows 0-"));
  // Only the blocks after the rows on disk are computed: at most the 23 of the second half, not 47.
  CHECK_THAT(resumed.output, Catch::Matches("(.|\n)*wrote .*, ([1-9]|1[0-9]|2[0-3]) blocks of 64 rows(.|\n)*"));
  CHECK(read_raw(output) == read_raw(job.reference));
  CHECK_FALSE(fs::exists(output + ".partial"));
  CHECK_FALSE(fs::exists(Journal::path_for(output)));
}

TEST_CASE("an output in another format is interrupted and resumed as a GeoTIFF is, its partial file named",
          "[cli]") {
  MedianJob job;
  const std::string output = job.dir / "out.nc";
  // Converted at the end: until then rank 0 writes a GeoTIFF beside it.
  const std::string geotiff = output + ".partial.tif", arguments = job.arguments(output) + " --format netCDF";
  const pid_t pid = spawn(std::string(GEOSTRIP_BINARY) + " " + arguments, output + ".log");
  REQUIRE(wait_until(
      [&] { return file_text(Journal::path_for(geotiff)).find("\nrows 1536 ") != std::string::npos; }));
  kill(pid, SIGTERM);
  const CommandResult interrupted{wait_exit(pid), file_text(output + ".log")};
  INFO(interrupted.output);
  CHECK(interrupted.exit_code == 75);
  CHECK_THAT(interrupted.output, Catch::Contains(" are in " + geotiff + ".partial;"));
  CHECK(fs::exists(geotiff + ".partial"));
  CHECK_FALSE(fs::exists(output));

  const auto resumed = run_geostrip(arguments);
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Catch::Contains("rows 0-"));
  CHECK(read_raw(output) == read_raw(job.reference));
  for (const fs::directory_entry& entry : fs::directory_iterator(job.dir.path()))
    CHECK_THAT(entry.path().string(), !Catch::Contains(".partial"));
}

TEST_CASE("SIGUSR1 and SIGINT interrupt too, --no-resume starts over", "[cli]") {
  MedianJob job;
  const std::string output = job.dir / "out.tif";
  check_interrupted(job.interrupt(output, SIGUSR1), output, "SIGUSR1");
  const auto over = run_geostrip(job.arguments(output) + " --no-resume");
  INFO(over.output);
  REQUIRE(over.exit_code == 0);
  CHECK_THAT(over.output, !Catch::Contains("resumed") && Catch::Contains("47 blocks of 64 rows"));
  CHECK(read_raw(output) == read_raw(job.reference));

  const std::string other = job.dir / "other.tif";
  check_interrupted(job.interrupt(other, SIGINT), other, "SIGINT");
  // Another job (other options) never resumes this one's partial output.
  const auto different = run_geostrip(job.arguments(other) + " --compress zstd");
  INFO(different.output);
  REQUIRE(different.exit_code == 0);
  CHECK_THAT(different.output, !Catch::Contains("resumed " + other) && Catch::Contains("another job"));
}

TEST_CASE("a journal cut at random byte offsets still resumes to the uninterrupted pixels", "[cli]") {
  MedianJob job;
  const std::string output = job.dir / "out.tif";
  check_interrupted(job.interrupt(output, SIGTERM), output, "SIGTERM");
  const std::string journal = file_text(Journal::path_for(output));
  std::mt19937 random(5);
  for (int trial = 0; trial < 6; ++trial) {
    const std::size_t cut = random() % (journal.size() + 1);
    INFO("journal cut at byte " << cut << " of " << journal.size());
    const std::string copy = job.dir / ("cut" + std::to_string(trial) + ".tif");
    fs::copy_file(output + ".partial", copy + ".partial");
    std::ofstream(Journal::path_for(copy)) << journal.substr(0, cut);
    const auto resumed = run_geostrip(job.arguments(copy));
    INFO(resumed.output);
    REQUIRE(resumed.exit_code == 0);
    CHECK(read_raw(copy) == read_raw(job.reference));
  }
}

TEST_CASE("a signal stops a batch after the job in flight (exit 75), the same command then finishes it", "[batch]") {
  MedianJob job;
  const std::vector<std::string> outputs = {job.dir / "a.tif", job.dir / "b.tif", job.dir / "c.tif"};
  const std::string manifest = job.dir / "jobs.txt", status = job.dir / "status.jsonl";
  {
    std::ofstream lines(manifest);
    for (const std::string& output : outputs) lines << job.line(output) << '\n';
  }
  const std::string batch = std::string(GEOSTRIP_BINARY) + " batch " + manifest + " --threads 2 --status " + status;
  const pid_t pid = spawn(batch, job.dir / "batch.log");
  // SIGTERM when the second job is half-way: the first is done, the third not started.
  REQUIRE(wait_until([&] { return file_text(Journal::path_for(outputs[1])).find("\nrows 1536 ") != std::string::npos; }));
  kill(pid, SIGTERM);
  const CommandResult stopped{wait_exit(pid), file_text(job.dir / "batch.log")};
  INFO(stopped.output);
  CHECK(stopped.exit_code == 75);
  CHECK_THAT(stopped.output, Catch::Contains("batch interrupted by SIGTERM: 1 job(s) not started"));
  auto records = read_status(status);
  REQUIRE(records.size() == 2);
  CHECK(records[1].status == JobStatus::Done);
  CHECK(records[2].status == JobStatus::Failed);
  CHECK(records[2].interrupted == SIGTERM);
  CHECK(fs::exists(outputs[0]));
  CHECK_FALSE(fs::exists(outputs[1]));
  CHECK(fs::exists(outputs[1] + ".partial"));
  CHECK(fs::exists(Journal::path_for(outputs[1])));
  CHECK_FALSE(fs::exists(outputs[2]));

  const auto finished = run_command(batch);
  INFO(finished.output);
  REQUIRE(finished.exit_code == 0);
  CHECK_THAT(finished.output, Catch::Contains("2 done, 1 skipped, 0 failed"));
  records = read_status(status);
  CHECK(records[1].status == JobStatus::Skipped);
  CHECK(records[2].status == JobStatus::Done);
  CHECK(records[3].status == JobStatus::Done);
  for (const std::string& output : outputs) CHECK(read_raw(output) == read_raw(job.reference));
  CHECK_FALSE(fs::exists(outputs[1] + ".partial"));
  CHECK_FALSE(fs::exists(Journal::path_for(outputs[1])));
}
