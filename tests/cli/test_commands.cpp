// plan, ops, check, progress, --report and demo, as a user runs them.
#include <catch2/catch.hpp>
#include <fmt/core.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <nlohmann/json.hpp>
#include <sched.h>

#include <array>
#include <filesystem>

#include "kernels/registry.hpp"
#include "parallel/resources.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Scene {
  TempDir dir;
  Scene() { REQUIRE(run_geostrip("synth s2 -o " + dir / "scene" + " --size 700x300 --tile 64").exit_code == 0); }
  std::string median(const std::string& extra) const {
    return "median --window 9x9 -i src=" + dir / "scene/B04.tif" + " -o " + dir / "median.tif" + " " + extra;
  }
};

// The input's geotransform as plan prints it.
std::string geotransform_text(const std::string& path) {
  Dataset ds(path);
  std::array<double, 6> t{};
  ds->GetGeoTransform(t.data());
  return fmt::format("{}, {}, {}, {}, {}, {}", t[0], t[1], t[2], t[3], t[4], t[5]);
}

std::string cpu_list_of_this_process() {
  cpu_set_t mask;
  sched_getaffinity(0, sizeof(mask), &mask);
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &mask)) cpus.push_back(cpu);
  return geostrip::format_cpu_list(cpus);
}

}  // namespace

TEST_CASE("plan shows the decomposition the run then uses, and writes nothing", "[cli]") {
  Scene scene;
  const auto plan = run_geostrip("plan " + scene.median("--block-rows 100 --threads 2"));
  INFO(plan.output);
  REQUIRE(plan.exit_code == 0);
  CHECK_THAT(plan.output, Catch::Contains("nothing is written") && Catch::Contains("halo: 4 rows, 4 columns") &&
                              Catch::Contains("blocks: 7 of 100 rows") &&
                              Catch::Contains("rounds: 7 of 1 rank(s) x 1 block;") &&
                              Catch::Contains("chunks: a thread computes 100 rows of the whole width at once, "
                                              "each thread in its own column strip of every block") &&
                              Catch::Contains("pixel buffers about"));
  // The output grid, as GDAL reports the input's.
  CHECK_THAT(plan.output, Catch::Contains("output grid: CRS WGS 84 / UTM zone 33N (EPSG:32633), geotransform (" +
                                          geotransform_text(scene.dir / "scene/B04.tif") + ")"));
  CHECK(std::distance(fs::directory_iterator(scene.dir.path()), fs::directory_iterator()) == 1);  // the scene only

  const auto run = run_geostrip("run " + scene.median("--block-rows 100 --threads 2 --report " + scene.dir / "r.json"));
  REQUIRE(run.exit_code == 0);
  const json report = json::parse(file_text(scene.dir / "r.json"));
  CHECK(report["decomposition"]["blocks"] == 7);
  CHECK(report["decomposition"]["rounds"] == 7);
  CHECK(report["decomposition"]["chunk_rows"] == 100);
  CHECK(report["decomposition"]["chunk_cols"] == 300);
}

TEST_CASE("the run report has the command, topology, decomposition, stage seconds, rate and memory", "[cli]") {
  Scene scene;
  const auto run = run_geostrip("run " + scene.median("--threads 2 --report " + scene.dir / "r.json"));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const json r = json::parse(file_text(scene.dir / "r.json"));
  CHECK_THAT(r["command"].get<std::string>(), Catch::StartsWith("geostrip run median"));
  CHECK(r["version"].is_string());
  CHECK(r["topology"]["nodes"] == 1);
  CHECK(r["topology"]["ranks"] == 1);
  CHECK(r["topology"]["hosts"].size() == 1);
  CHECK(r["topology"]["per_rank"][0]["threads"] == 2);
  CHECK(r["topology"]["per_rank"][0]["cores"] >= 1);
  CHECK(r["grid"]["rows"] == 700);
  CHECK(r["grid"]["cols"] == 300);
  CHECK(r["grid"]["crs"] == "WGS 84 / UTM zone 33N (EPSG:32633)");
  {
    Dataset input(scene.dir / "scene/B04.tif");
    std::array<double, 6> transform{};
    input->GetGeoTransform(transform.data());
    CHECK(r["grid"]["geotransform"].get<std::array<double, 6>>() == transform);
    CHECK(OGRSpatialReference(r["grid"]["crs_wkt"].get<std::string>().c_str()).IsSame(input->GetSpatialRef()));
  }
  CHECK(r["decomposition"]["rows"] == 700);
  CHECK(r["decomposition"]["halo"]["rows"] == 4);
  CHECK(r["decomposition"]["block_rows"] >= 1);
  CHECK(r["decomposition"]["blocks"] == r["decomposition"]["blocks_computed"]);
  for (const char* stage : {"read", "compute", "gather", "write"}) {
    CHECK(r["stage_seconds"][stage].get<double>() >= 0);
    CHECK(r["ranks"][0]["stage_seconds"][stage] == r["stage_seconds"][stage]);
  }
  CHECK(r["stage_seconds"]["compute"].get<double>() > 0);
  CHECK(r["stage_seconds"]["write"].get<double>() > 0);
  CHECK(r["ranks"][0]["blocks"] == r["decomposition"]["blocks"]);
  const double pixels_per_second = r["pixels_per_second"];
  CHECK(pixels_per_second == Approx(700.0 * 300 / r["seconds"].get<double>()).epsilon(0.01));
  CHECK(r["ranks"][0]["peak_rss_bytes"].get<double>() > 10e6);
}

TEST_CASE("a run that is not on a terminal logs its progress, --progress none does not", "[cli]") {
  Scene scene;
  const auto logged = run_geostrip("run " + scene.median("--block-rows 50"));
  INFO(logged.output);
  CHECK_THAT(logged.output, Catch::Contains("geostrip: 14/14 blocks (100%)"));
  const auto quiet = run_geostrip("run " + scene.median("--block-rows 50 --overwrite --progress none"));
  CHECK_THAT(quiet.output, !Catch::Contains("blocks (100%)"));
}

TEST_CASE("ops lists every operation with its inputs, output and halo", "[cli]") {
  const auto ops = run_geostrip("ops");
  INFO(ops.output);
  REQUIRE(ops.exit_code == 0);
  for (const geostrip::Operation* op : geostrip::operations()) {
    CHECK_THAT(ops.output, Catch::Contains("\n" + op->name + "\n") || Catch::StartsWith(op->name + "\n"));
    CHECK_THAT(ops.output, Catch::Contains("inputs: " + op->inputs_text()));
  }
  CHECK_THAT(ops.output, Catch::Contains("inputs: a, b; output: Float32; halo: 0"));
  CHECK_THAT(ops.output, Catch::Contains("inputs: dem; output: Byte; halo: 1 x 1"));
  CHECK_THAT(ops.output, Catch::Contains("inputs: ref, sec (complex); output: 2 x Float32"));
  CHECK_THAT(ops.output, Catch::Contains("--window RxC  window ROWSxCOLS, both odd (default 5x5)"));
}

TEST_CASE("run OP --help shows that operation's inputs and options only, with its own meanings and defaults",
          "[cli]") {
  const auto slope = run_geostrip("run slope --help");
  INFO(slope.output);
  REQUIRE(slope.exit_code == 0);
  CHECK_THAT(slope.output, Catch::Contains("run slope") && Catch::Contains("one per input: dem"));
  CHECK_THAT(slope.output, Catch::Contains("--scale") && Catch::Contains("ratio of vertical to horizontal units"));
  for (const char* other : {"--window", "--clamp", "--gamma", "--expr", "--looks", "--z-factor", "--azimuth",
                            "--offset", "before the difference"})
    CHECK_THAT(slope.output, !Catch::Contains(other));
  CHECK_THAT(slope.output, Catch::Contains("--threads") && Catch::Contains("--compress"));
  CHECK_THAT(slope.output, Catch::Contains("example: geostrip run slope -i dem=dem.tif"));

  const auto coherence = run_geostrip("plan coherence --help");
  INFO(coherence.output);
  REQUIRE(coherence.exit_code == 0);
  CHECK_THAT(coherence.output, Catch::Matches("[\\s\\S]*--window RxC=5x5[\\s\\S]*"));
  const auto mean = run_geostrip("run mean --help");
  CHECK_THAT(mean.output, Catch::Matches("[\\s\\S]*--window RxC=3x3[\\s\\S]*"));
  const auto ndi = run_geostrip("run ndi --help");
  CHECK_THAT(ndi.output, Catch::Contains("--scale NAME=NUMBER") && Catch::Contains("before the difference"));

  // run --help lists the operations; an option another operation takes is refused naming this one.
  const auto run = run_geostrip("run --help");
  for (const geostrip::Operation* op : geostrip::operations()) CHECK_THAT(run.output, Catch::Contains(op->name));
  const auto wrong = run_geostrip("run slope -i dem=dem.tif -o out.tif --window 5x5");
  CHECK(wrong.exit_code == 2);
  CHECK_THAT(wrong.output, Catch::Contains("--window does not apply to slope (see geostrip run slope --help)"));
}

TEST_CASE("check counts every core of the process when OMP_PLACES binds its first thread", "[cli]") {
  // The slurm/ scripts set OMP_PLACES=cores and OMP_PROC_BIND=close; the
  // OpenMP runtime then pins the initial thread to one place as it starts.
  const auto check = run_command("OMP_PLACES=cores OMP_PROC_BIND=close " + std::string(GEOSTRIP_BINARY) + " check");
  INFO(check.output);
  REQUIRE(check.exit_code == 0);
  CHECK_THAT(check.output, Catch::Contains(fmt::format(" {} ", cpu_list_of_this_process())));
}

TEST_CASE("demo writes the RGB, the NDVI, its report and a PNG quicklook of the RGB", "[cli]") {
  TempDir dir;
  const auto demo = run_geostrip("demo --size 900x1200 -o " + dir / "demo");
  INFO(demo.output);
  REQUIRE(demo.exit_code == 0);
  for (const char* file : {"rgb.tif", "ndvi.tif", "ndvi.report.json", "rgb.png"}) {
    CHECK(fs::exists(dir / ("demo/" + std::string(file))));
    CHECK_THAT(demo.output, Catch::Contains(std::string(file)));
  }
  CHECK_THAT(demo.output, Catch::Contains("stages: read"));
  GDALAllRegister();
  const std::unique_ptr<GDALDataset> png(GDALDataset::Open((dir / "demo/rgb.png").c_str(), GDAL_OF_RASTER));
  REQUIRE(png);
  CHECK(png->GetDriver()->GetDescription() == std::string("PNG"));
  CHECK(png->GetRasterXSize() == 1024);
  CHECK(png->GetRasterYSize() == 768);
  REQUIRE(png->GetRasterCount() == 4);
  // A picture: every colour band varies across the scene, mostly opaque (the
  // synthetic scene has a nodata swath edge, as real tiles do).
  for (int band = 1; band <= 3; ++band) {
    double min = 0, max = 0, mean = 0, stddev = 0;
    png->GetRasterBand(band)->ComputeStatistics(false, &min, &max, &mean, &stddev, nullptr, nullptr);
    CHECK(stddev > 10);
    CHECK(mean > 20);
    CHECK(mean < 235);
  }
  double min = 0, max = 0, opaque = 0;
  png->GetRasterBand(4)->ComputeStatistics(false, &min, &max, &opaque, nullptr, nullptr, nullptr);
  CHECK(max == 255);
  CHECK(opaque > 128);
}

TEST_CASE("expr with expressions separated by semicolons writes one band each, equal to numpy", "[cli]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 300x260").exit_code == 0);
  const std::string nir = dir / "s/B08.tif", red = dir / "s/B04.tif", out = dir / "two.tif";
  const auto result = run_geostrip("run expr -i nir=" + nir + " -i red=" + red +
                                   " --expr \"nir-red; nir+red\" -o " + out + " --progress none");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  REQUIRE(Dataset(out)->GetRasterCount() == 2);
  CHECK(std::string(Dataset(out)->GetRasterBand(2)->GetDescription()) == "nir+red");
  // numpy in float64, then float32; nodata (0 in the scene's bands) becomes NaN.
  const std::string numpy = fmt::format(
      "/usr/bin/python3 -c \"import sys, numpy as np; from osgeo import gdal; "
      "n = gdal.Open('{}').ReadAsArray().astype(np.float64); r = gdal.Open('{}').ReadAsArray().astype(np.float64); "
      "o = gdal.Open('{}').ReadAsArray(); bad = (n == 0) | (r == 0); "
      "ref = np.stack([np.where(bad, np.nan, n - r), np.where(bad, np.nan, n + r)]).astype(np.float32); "
      "print(o.shape == ref.shape and np.array_equal(o, ref, equal_nan=True))\"",
      nir, red, out);
  const auto compared = run_command(numpy);
  INFO(compared.output);
  CHECK(compared.output == "True\n");
  const auto commas = run_geostrip("run expr -i nir=" + nir + " --expr \"nir, nir*2\" -o " + dir / "x.tif");
  CHECK(commas.exit_code == 2);
  CHECK_THAT(commas.output, Catch::Contains("gives 2 values") && Catch::Contains("';'"));
  CHECK_FALSE(fs::exists(dir / "x.tif"));
}
