// geostrip batch under real Open MPI on virtual nodes: jobs dealt to ranks as
// they become free, failures recorded, finished jobs skipped on the next run,
// a killed rank ending the batch. Each tag names a CTest entry (tests/CMakeLists.txt).
#include <catch2/catch.hpp>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "support/batch_support.hpp"
#include "support/mpi_launch.hpp"
#include "support/process.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using namespace geostrip::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string batch_on(int nodes, const std::string& arguments) {
  return virtual_nodes(nodes) + " " + GEOSTRIP_BINARY + " batch " + arguments + " --threads 1";
}

}  // namespace

TEST_CASE("8 jobs on 2 virtual nodes, 2 of them bad: 6 outputs, 2 failed rows, the rerun tries only those 2",
          "[batch-failures]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 400x300 --tile 64").exit_code == 0);
  std::ofstream(dir / "corrupt.tif") << "II*";
  const std::string s = dir / "s/";
  std::ofstream(dir / "jobs.txt") << "ndi -i a=" << s << "B08.tif -i b=" << s << "B04.tif -o " << dir / "ndvi.tif\n"
                                  << "mean -i src=" << s << "B04.tif --window 7x7 -o " << dir / "mean.tif\n"
                                  << "ndi -i a=" << s << "B08.tif -i b=" << dir / "gone.tif" << " -o "
                                  << dir / "bad1.tif\n"
                                  << "median -i src=" << s << "B03.tif --window 5x5 -o " << dir / "median.tif\n"
                                  << "median -i src=" << dir / "corrupt.tif" << " -o " << dir / "bad2.tif\n"
                                  << "rgb -i red=" << s << "B04.tif -i green=" << s << "B03.tif -i blue=" << s
                                  << "B02.tif -o " << dir / "rgb.tif\n"
                                  << "mean -i src=" << s << "B08.tif --window 3x3 -o " << dir / "mean3.tif\n"
                                  << "expr -i a=" << s << "B02.tif --expr 'a/2' -o " << dir / "half.tif\n";
  const std::string command = batch_on(2, dir / "jobs.txt" + " --status " + dir / "status.jsonl");
  const std::vector<std::string> good{"ndvi.tif", "mean.tif", "median.tif", "rgb.tif", "mean3.tif", "half.tif"};

  const auto first = run_command(command);
  INFO(first.output);
  CHECK(first.exit_code == 3);
  CHECK_THAT(first.output, Catch::Contains("8 jobs in ") && Catch::Contains("6 done, 0 skipped, 2 failed"));
  auto records = read_status(dir / "status.jsonl");
  REQUIRE(records.size() == 8);
  std::set<int> ranks;
  for (const auto& [line, r] : records) ranks.insert(r.rank);
  CHECK(ranks == std::set<int>{0, 1});  // both nodes ran jobs
  CHECK(records[3].status == JobStatus::Failed);
  CHECK_THAT(records[3].error, Catch::Contains("gone.tif: cannot open as a raster: No such file or directory"));
  CHECK(records[5].status == JobStatus::Failed);
  CHECK_THAT(records[5].error, Catch::Contains("corrupt.tif: cannot open as a raster"));
  std::map<std::string, std::pair<ino_t, std::int64_t>> made;
  for (const std::string& name : good) {
    INFO(name);
    REQUIRE(fs::exists(dir / name));
    CHECK(Dataset(dir / name)->GetRasterXSize() == 300);
    made[name] = file_identity(dir / name);
  }
  for (const char* name : {"bad1.tif", "bad2.tif", "bad1.tif.partial", "bad2.tif.partial"})
    CHECK_FALSE(fs::exists(dir / name));

  const auto second = run_command(command);
  INFO(second.output);
  CHECK(second.exit_code == 3);
  CHECK_THAT(second.output, Catch::Contains("0 done, 6 skipped, 2 failed"));
  records = read_status(dir / "status.jsonl");
  REQUIRE(records.size() == 8);
  for (const auto& [line, r] : records) {
    INFO("line " << line);
    const bool bad = line == 3 || line == 5;
    CHECK(r.status == (bad ? JobStatus::Failed : JobStatus::Skipped));
    CHECK(r.attempts == (bad ? 2 : 0));
  }
  for (const std::string& name : good) CHECK(file_identity(dir / name) == made[name]);
}

TEST_CASE("40 jobs of mixed sizes on 3 virtual nodes keep every rank busy", "[batch-balance]") {
  TempDir dir;
  const std::vector<std::string> sizes{"100x80", "300x250", "700x600", "1100x1000"};
  for (const std::string& size : sizes)
    REQUIRE(run_geostrip("synth s2 -o " + dir / size + " --size " + size + " --tile 128").exit_code == 0);
  const std::vector<std::string> operations{"ndi -i a=@/B08.tif -i b=@/B04.tif", "mean -i src=@/B04.tif --window 9x9",
                                            "median -i src=@/B03.tif --window 5x5"};
  std::ofstream manifest(dir / "jobs.txt");
  std::mt19937 random(11);
  for (int job = 0; job < 40; ++job) {
    std::string line = operations[random() % operations.size()];
    const std::string scene = dir / sizes[random() % sizes.size()];
    for (auto at = line.find('@'); at != std::string::npos; at = line.find('@')) line.replace(at, 1, scene);
    manifest << line << " -o " << dir / ("out" + std::to_string(job) + ".tif") << "\n";
  }
  manifest.close();

  const auto result = run_command(batch_on(3, dir / "jobs.txt" + " --report " + dir / "report.json"));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto report = nlohmann::json::parse(std::ifstream(dir / "report.json"));
  INFO(report.dump(2));
  CHECK(report["jobs"]["done"] == 40);
  const double seconds = report["seconds"];
  double work = 0;
  REQUIRE(report["ranks"].size() == 3);
  for (const auto& rank : report["ranks"]) {
    CHECK(rank["jobs"].get<int>() >= 4);
    CHECK(rank["busy_fraction"].get<double>() > 0.7);
    work += rank["busy_seconds"].get<double>();
  }
  // Dealt as ranks become free, the batch takes about its work divided by its ranks.
  CHECK(seconds < 1.3 * work / 3);
}

TEST_CASE("a killed rank ends the batch at once, the next run skips every finished job", "[batch-killed]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 900x800 --tile 128").exit_code == 0);
  std::ofstream manifest(dir / "jobs.txt");
  for (int job = 0; job < 24; ++job)
    manifest << "median -i src=" << dir / "s/B04.tif" << " --window 7x7 -o " << dir / ("out" + std::to_string(job) + ".tif")
             << "\n";
  manifest.close();
  const std::string status = dir / "status.jsonl";
  const std::string command = batch_on(3, dir / "jobs.txt" + " --status " + status);

  // Kill rank 1 (found through Open MPI's environment) once a few jobs are done.
  std::optional<Clock::time_point> killed_at;
  std::thread killer([&] {
    wait_until([&] {
      const std::string text = file_text(status);
      return std::count(text.begin(), text.end(), '\n') >= 3;
    });
    const auto ranks = mpi_ranks(dir / "jobs.txt");
    if (ranks.count(1) && kill(ranks.at(1), SIGKILL) == 0) killed_at = Clock::now();
  });
  const auto killed = run_command(command);
  const auto ended = Clock::now();
  killer.join();
  INFO(killed.output);
  REQUIRE(killed_at);
  CHECK(killed.exit_code != 0);
  CHECK_THAT(killed.output, Catch::Contains("exited on signal 9"));
  CHECK(std::chrono::duration<double>(ended - *killed_at).count() < 10);
  const auto finished = read_status(status);
  CHECK(finished.size() >= 3);
  CHECK(finished.size() < 24);
  // Whatever is at an output path is complete.
  for (int job = 0; job < 24; ++job) {
    const std::string output = dir / ("out" + std::to_string(job) + ".tif");
    if (fs::exists(output)) CHECK(read_band<std::uint16_t>(output).size() == 900u * 800u);
  }

  const auto again = run_command(command);
  INFO(again.output);
  REQUIRE(again.exit_code == 0);
  const auto rerun = read_status(status);
  REQUIRE(rerun.size() == 24);
  // (mpirun stops the other ranks with SIGTERM: a job they were running may be recorded as interrupted.)
  for (const auto& [line, r] : finished) {
    INFO("line " << line);
    if (r.status == JobStatus::Done) CHECK(rerun.at(line).status == JobStatus::Skipped);
  }
}
