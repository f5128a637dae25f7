// geostrip under real Open MPI: several virtual nodes on this machine, and
// careless launches on one node. Each test case's tag names its CTest entry
// (see tests/CMakeLists.txt), which carries the rank count.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/data_dir.hpp"
#include "support/mpi_launch.hpp"
#include "support/operation_cases.hpp"
#include "support/stack_reference.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;
namespace fs = std::filesystem;

namespace {

struct Scene {
  TempDir dir;
  Scene() { REQUIRE(run_geostrip("synth s2 -o " + dir / "scene" + " --size 301x263 --seed 3 --tile 64").exit_code == 0); }
  std::string band(const std::string& name) const { return dir / ("scene/" + name + ".tif"); }
  std::string ndi() const { return "ndi -i a=" + band("B08") + " -i b=" + band("B04") + " --scale a=0.0001"; }
  std::string rgb() const {
    return "rgb -i red=" + band("B04") + " -i green=" + band("B03") + " -i blue=" + band("B02") + " --clamp 3000";
  }
};

CommandResult timed(const std::string& command, double& seconds) {
  const auto start = std::chrono::steady_clock::now();
  CommandResult result = run_command(command);
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string geostrip_under(const std::string& launcher, const std::string& arguments) {
  return launcher + " " + GEOSTRIP_BINARY + " " + arguments;
}

// Each run writes the same file, byte for byte, on 3 virtual nodes x 2
// threads x `block_rows` as on one process, one thread and one block.
void check_identical_on_nodes(const TempDir& dir, const std::vector<std::string>& runs, int block_rows) {
  for (const std::string& op : runs) {
    INFO(op);
    const std::string single = dir / "single.tif", nodes = dir / "nodes.tif";
    const auto reference = run_geostrip("run " + op + " -o " + single + " --threads 1 --block-rows 100000 --overwrite");
    INFO(reference.output);
    REQUIRE(reference.exit_code == 0);
    const auto result = run_command(geostrip_under(
        virtual_nodes(3), "run " + op + " -o " + nodes + " --threads 2 --block-rows " + std::to_string(block_rows) +
                              " --overwrite"));
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.output, Catch::Contains("3 rank(s) x 2 threads"));
    CHECK(read_raw(nodes) == read_raw(single));
    CHECK(file_text(nodes) == file_text(single));  // the tiles lie where they lie for any blocks
  }
}

}  // namespace

TEST_CASE("every operation writes the same pixels on 3 virtual nodes x 2 threads as on 1 process x 1 thread",
          "[identical]") {
  TempDir dir;
  // Every registered operation, and the HDF5 reader on every rank.
  std::vector<std::string> runs;
  for (const Case& c : operation_cases(dir)) runs.push_back(c.arguments);
  const std::string slc = dir / "slc", hh = ":/science/LSAR/GSLC/grids/frequencyA/HH";
  REQUIRE(run_geostrip("synth slc -o " + slc + " --size 161x120").exit_code == 0);
  runs.push_back("coherence -i ref=" + slc + "/reference.h5" + hh + " -i sec=" + slc + "/secondary.h5" + hh +
                 " --window 7x5");
  runs.push_back("multilook -i src=" + slc + "/secondary.h5" + hh + " --looks 3x3 --power");
  check_identical_on_nodes(dir, runs, 17);
}

TEST_CASE("a mosaic across two UTM zones, resampled, is identical on 3 virtual nodes x 2 threads x 37 rows",
          "[identical]") {
  TempDir dir;
  const std::string scene = dir / "scene";
  REQUIRE(run_geostrip("synth s2 -o " + scene + " --size 400x500 --tiles 2x3 --overlap 6 --utm-split").exit_code == 0);
  // A plain mosaic, bilinear and nearest (exact picks on a lattice); a focal
  // operation whose halo rows are resampled rows too; a 20 m band made from
  // a 10 m one, on the 10 m grid of another input.
  const std::string coarse = dir / "coarse.tif";
  REQUIRE(run_command("gdal_translate -q -tr 20 20 -r average " + scene + "/B04.tif " + coarse).exit_code == 0);
  const std::vector<std::string> runs{
      "ndi -i a=@" + scene + "/B08.tiles.txt -i b=@" + scene + "/B04.tiles.txt --resampling bilinear",
      "ndi -i a=@" + scene + "/B08.tiles.txt -i b=@" + scene + "/B04.tiles.txt",
      "mean -i src=@" + scene + "/B08.tiles.txt --window 5x5 --resampling cubic --mosaic max",
      "ndi -i a=" + scene + "/B08.tif -i b=" + coarse + " --resampling b=bilinear",
      "expr -i b=@" + scene + "/B04.tiles.txt --expr b --resampling lanczos --transform-error 0.05"};
  check_identical_on_nodes(dir, runs, 37);
}

TEST_CASE("composites of five cloudy dates are identical on 3 virtual nodes x 2 threads x 37 rows", "[identical]") {
  TempDir dir;
  // Dates made from the real Sentinel-2 B08 where ../shared/data is, and synthetic ones always.
  std::vector<std::string> stacks;
  if (std::filesystem::is_directory(data_dir()))
    stacks.push_back(cloudy_dates(data_dir() + "/sentinel2_l2a/S2A_29RKH_20200219_0_L2A_B08.tif", dir.path().string(), 5));
  REQUIRE(run_geostrip("synth s2 -o " + dir / "dates" + " --size 500x420 --dates 5").exit_code == 0);
  stacks.push_back("--inputs " + dir / "dates/B08.inputs");
  std::vector<std::string> runs;
  for (const std::string& stack : stacks)
    for (const char* reduce : {"median", "mean", "count", "p90"})
      runs.push_back("composite " + stack + " --reduce " + std::string(reduce));
  check_identical_on_nodes(dir, runs, 37);
}

TEST_CASE("direct mode on 3 virtual nodes writes the file gather mode writes, rank 0 receiving under 1% of it",
          "[identical]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 3000x2200").exit_code == 0);
  for (const std::string format : {"", " --format COG"}) {
    INFO(format);
    const std::string ndi = "run ndi -i a=" + dir / "s/B08.tif" + " -i b=" + dir / "s/B04.tif" + format + " --threads 2";
    const std::string gather = dir / "gather.tif", direct = dir / "direct.tif";
    nlohmann::json reports[2];
    for (const bool is_direct : {false, true}) {
      const std::string output = is_direct ? direct : gather, report = output + ".json";
      const auto result = run_command(geostrip_under(virtual_nodes(3), ndi + " -o " + output + " --overwrite --report " +
                                                                           report + (is_direct ? " --write direct" : "")));
      INFO(result.output);
      REQUIRE(result.exit_code == 0);
      reports[is_direct] = nlohmann::json::parse(file_text(report));
    }
    CHECK(file_text(direct) == file_text(gather));
    const auto size = fs::file_size(direct);
    std::uint64_t received = 0, written = 0;
    for (const auto& rank : reports[1]["ranks"]) {
      received += rank["bytes_sent_to_rank_0"].get<std::uint64_t>();
      written += rank["bytes_written"].get<std::uint64_t>();
    }
    CHECK(written == size);
    for (int rank : {1, 2}) CHECK(reports[1]["ranks"][rank]["bytes_written"].get<std::uint64_t>() > size / 5);
    if (format.empty()) {
      CHECK(received < size / 100);  // sizes, checksums and statistics only
    } else {
      CHECK(received < size / 2);  // and the overviews' tiles (a third of a float COG), which rank 0 places first
    }
  }
}

TEST_CASE("ndi --format COG of 4392x4392 is the same file, every overview level included, on 3 virtual nodes",
          "[identical]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 4392x4392").exit_code == 0);
  const std::string ndi = "run ndi -i a=" + dir / "s/B08.tif" + " -i b=" + dir / "s/B04.tif" + " --format COG";
  const std::string single = dir / "single.tif";
  REQUIRE(run_geostrip(ndi + " -o " + single + " --threads 1").exit_code == 0);
  // Blocks of whole tile rows (overview rows encoded by the ranks) and of 37 rows (assembled by rank 0).
  for (const std::string blocks : {"auto", "37"}) {
    const std::string nodes = dir / ("nodes-" + blocks + ".tif");
    const auto result =
        run_command(geostrip_under(virtual_nodes(3), ndi + " -o " + nodes + " --threads 2 --block-rows " + blocks));
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.output, Catch::Contains("3 rank(s) x 2 threads"));
    CHECK(file_text(nodes) == file_text(single));
  }
}

TEST_CASE("mode and rms overviews, their last level from the tiles' own, are the same file on 3 virtual nodes",
          "[identical]") {
  // Tiles of 64 and 8200 columns: 6 tile levels, and a 7th from each tile's apex.
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 300x8200").exit_code == 0);
  const std::string inputs = " -i a=" + dir / "s/B08.tif" + " -i b=" + dir / "s/B04.tif" + " --format COG --tile 64";
  for (const std::string& job : {"run expr" + inputs + " --expr \"a > b * 2 ? 1 : (a > b ? 2 : 3)\" --type Byte"
                                                        " --overview-resampling mode",
                                "run ndi" + inputs + " --overview-resampling rms"}) {
    const std::string single = dir / "single.tif";
    REQUIRE(run_geostrip(job + " -o " + single + " --threads 1 --overwrite").exit_code == 0);
    for (const std::string blocks : {"auto", "37"}) {
      const std::string nodes = dir / ("nodes-" + blocks + ".tif");
      const auto result = run_command(
          geostrip_under(virtual_nodes(3), job + " -o " + nodes + " --threads 2 --overwrite --block-rows " + blocks));
      INFO(result.output);
      REQUIRE(result.exit_code == 0);
      CHECK(file_text(nodes) == file_text(single));
    }
  }
}

TEST_CASE("a COG on 3 virtual nodes of one thread has every rank encode its own level-1 tiles", "[identical]") {
  // Three threads in all would leave every level to rank 0's writer on one
  // node; on several, blocks of two tile rows let each rank encode level 1.
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 6200x200").exit_code == 0);
  const auto planned = run_command(geostrip_under(
      virtual_nodes(3), "plan ndi -i a=" + dir / "s/B08.tif" + " -i b=" + dir / "s/B04.tif" + " -o " + dir / "out.tif" +
                            " --format COG --threads 1"));
  INFO(planned.output);
  REQUIRE(planned.exit_code == 0);
  CHECK_THAT(planned.output, Catch::Contains("blocks: 7 of 1024 rows"));
  CHECK_THAT(planned.output, Catch::Contains("level 1 encoded by the rank that computes it, the rest by rank 0"));
}

TEST_CASE("gathers split into small messages give the same pixels", "[identical]") {
  Scene scene;
  const std::string single = scene.dir / "single.tif", split = scene.dir / "split.tif";
  REQUIRE(run_geostrip("run " + scene.ndi() + " -o " + single + " --threads 1").exit_code == 0);
  // Each rank's round is tens of kilobytes; 4099-byte messages split it many times.
  const auto result = run_command(geostrip_under(virtual_nodes(3) + " -x GEOSTRIP_MAX_MESSAGE=4099",
                                                 "run " + scene.ndi() + " -o " + split + " --block-rows 13"));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(read_raw(split) == read_raw(single));
}

TEST_CASE("a scene synthesized on 3 virtual nodes equals one made by one process", "[identical]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "one" + " --size 200x150 --threads 1").exit_code == 0);
  const auto result =
      run_command(geostrip_under(virtual_nodes(3), "synth s2 -o " + dir / "three" + " --size 200x150 --block-rows 9"));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  for (const char* band : {"B02", "B03", "B04", "B08"})
    CHECK(read_raw(dir / ("three/" + std::string(band) + ".tif")) == read_raw(dir / ("one/" + std::string(band) + ".tif")));
}

TEST_CASE("two ranks on one node are refused within seconds with both launcher fixes", "[shared-node]") {
  Scene scene;
  const std::string out = scene.dir / "out.tif";
  double seconds = 0;
  const auto result = timed(geostrip_under(one_node(2), "run " + scene.ndi() + " -o " + out), seconds);
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(seconds < 30);
  CHECK_THAT(result.output, Catch::Contains("2 ranks (0, 1) run on this node"));
  CHECK_THAT(result.output, Catch::Contains("srun --ntasks-per-node=1 --cpus-per-task=N"));
  CHECK_THAT(result.output, Catch::Contains("mpirun --map-by ppr:1:node --bind-to none"));
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".partial"));

  // Allowed, the two unbound ranks split the node's CPUs between them.
  const auto allowed = run_command(geostrip_under(one_node(2), "check --allow-shared-node"));
  INFO(allowed.output);
  CHECK(allowed.exit_code == 0);
  CHECK_THAT(allowed.output, Catch::Contains("warning") && Catch::Contains("2 ranks on 1 node"));
  const int cpus = static_cast<int>(std::thread::hardware_concurrency());
  CHECK_THAT(allowed.output, Catch::Matches("[\\s\\S]*\\n +0 +\\S+ +0 +2 +\\S+ +\\S+ +\\S+ +" + std::to_string(std::max(1, cpus / 2)) +
                                            " +" + std::to_string(std::max(1, cpus / 2)) + " [\\s\\S]*"));
}

TEST_CASE("ranks bound to one core each but running 4 threads are caught before any input is read",
          "[binding]") {
  Scene scene;
  const std::string out = scene.dir / "out.tif";
  const auto result = run_command(geostrip_under(
      one_node(2, "--bind-to core"), "run " + scene.ndi() + " -o " + out +
                                         " --allow-shared-node --threads 4 --oversubscription-check abort"));
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.output, Catch::Contains("4 threads") && Catch::Contains("bound this rank to 1 CPU"));
  CHECK_THAT(result.output, Catch::Contains("--bind-to none"));
  CHECK_FALSE(fs::exists(out));

  // `check` reports the same and, under abort, fails.
  const auto check = run_command(
      geostrip_under(one_node(2, "--bind-to core"),
                     "check --allow-shared-node --threads 4 --oversubscription-check abort"));
  INFO(check.output);
  CHECK(check.exit_code == 1);
  CHECK_THAT(check.output, Catch::Contains("2 ranks on 1 node") && Catch::Contains("bound this rank"));
}

TEST_CASE("check reports every rank of 3 virtual nodes", "[check]") {
  const auto result = run_command(geostrip_under(virtual_nodes(3), "check --threads 2"));
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("3 ranks on 3 nodes") && Catch::Contains("no findings"));
}

TEST_CASE("a raster truncated in its second half ends the 3-node job within 60 s, leaving no output",
          "[failure]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "scene" + " --size 600x300 --tile 64 --compress none").exit_code == 0);
  const std::string cut = dir / "scene/B04.tif", out = dir / "out.tif";
  fs::resize_file(cut, fs::file_size(cut) * 6 / 10);
  double seconds = 0;
  const auto result = timed(geostrip_under(virtual_nodes(3), "run ndi -i a=" + dir / "scene/B08.tif" + " -i b=" +
                                                                 cut + " -o " + out + " --threads 2 --block-rows 17"),
                            seconds);
  INFO(result.output);
  CHECK(result.exit_code != 0);
  CHECK(seconds < 60);
  CHECK_THAT(result.output, Catch::Contains(cut) && Catch::Contains("reading rows") && Catch::Contains(" on "));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("the run report of 3 virtual nodes has every rank's stages, blocks and memory", "[report]") {
  Scene scene;
  const std::string report = scene.dir / "report.json";
  const auto result = run_command(geostrip_under(virtual_nodes(3), "run " + scene.ndi() + " -o " + scene.dir / "ndvi.tif" +
                                                                       " --block-rows 16 --threads 1 --report " + report));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const auto r = nlohmann::json::parse(file_text(report));
  CHECK(r["topology"]["nodes"] == 3);
  CHECK(r["topology"]["per_rank"].size() == 3);  // virtual nodes share one host name
  REQUIRE(r["ranks"].size() == 3);
  int blocks = 0;
  for (const auto& rank : r["ranks"]) {
    CHECK(rank["blocks"].get<int>() > 0);
    CHECK(rank["peak_rss_bytes"].get<double>() > 10e6);
    CHECK(rank["stage_seconds"]["compute"].get<double>() > 0);
    CHECK(rank["stage_seconds"]["gather"].get<double>() > 0);
    blocks += rank["blocks"].get<int>();
  }
  CHECK(blocks == r["decomposition"]["blocks"]);
  CHECK(r["ranks"][0]["stage_seconds"]["write"].get<double>() > 0);
  CHECK(r["ranks"][1]["stage_seconds"]["write"] == 0);
  // Gather mode: ranks 1 and 2 send their tiles to rank 0, which writes the whole file.
  const auto output_bytes = fs::file_size(scene.dir / "ndvi.tif");
  CHECK(r["ranks"][0]["bytes_sent_to_rank_0"] == 0);
  CHECK(r["ranks"][0]["bytes_written"] == output_bytes);
  for (int rank : {1, 2}) {
    CHECK(r["ranks"][rank]["bytes_sent_to_rank_0"].get<std::uint64_t>() > output_bytes / 5);
    CHECK(r["ranks"][rank]["bytes_written"] == 0);
  }
  CHECK(r["stage_seconds"]["gather"].get<double>() ==
        Approx(r["ranks"][0]["stage_seconds"]["gather"].get<double>() +
               r["ranks"][1]["stage_seconds"]["gather"].get<double>() +
               r["ranks"][2]["stage_seconds"]["gather"].get<double>()));
}

TEST_CASE("a rank alone on its node that mpirun bound to one core is told how to get the others", "[bound-alone]") {
  // Open MPI binds each rank to a core by default; --threads auto then runs one thread.
  const auto bound = run_command(geostrip_under(kMpirun + " -n 1 --bind-to core", "check"));
  INFO(bound.output);
  CHECK(bound.exit_code == 0);
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
    WARN("one CPU here: nothing to leave idle");
    return;
  }
  CHECK_THAT(bound.output, Catch::Contains("the launcher bound this rank, alone on its node, to 1 CPU of the") &&
                               Catch::Contains("mpirun --bind-to none") && Catch::Contains("PE="));
  const auto aborted = run_command(geostrip_under(kMpirun + " -n 1 --bind-to core", "check --oversubscription-check abort"));
  CHECK(aborted.exit_code == 1);
  const auto free = run_command(geostrip_under(kMpirun + " -n 1 --bind-to none", "check"));
  INFO(free.output);
  CHECK_THAT(free.output, Catch::Contains("no findings"));
}
