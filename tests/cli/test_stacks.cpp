// Stacks of dates through the command line, against numpy
// (tests/support/stack_reference.py): the user guide's SCL-masked median
// composite, amplitude dispersion of an SLC stack, an interferogram with
// looks, and the memory a composite of many inputs plans for.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <regex>

#include "support/stack_reference.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;

namespace {

constexpr const char* kHh = ":/science/LSAR/GSLC/grids/frequencyA/HH";

void run_ok(const std::string& arguments) {
  const auto result = run_geostrip(arguments);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
}

// The automatic block rows `plan` prints: "blocks: N of R rows".
int planned_block_rows(const std::string& arguments) {
  const auto result = run_geostrip("plan " + arguments);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  std::smatch match;
  REQUIRE(std::regex_search(result.output, match, std::regex(R"(blocks: \d+ of (\d+) rows)")));
  return std::stoi(match[1]);
}

}  // namespace

TEST_CASE("the user guide's SCL-masked median composite: a batch masks each date, composite fills the clouds",
          "[cli]") {
  TempDir dir;
  const std::string dates = dir / "dates", masked = dir / "masked";
  run_ok("synth s2 -o " + dates + " --size 300x400 --dates 5");
  std::filesystem::create_directories(masked);
  std::string manifest, inputs, sources;
  for (int d = 1; d <= 5; ++d) {
    const std::string name = fmt::format("d0{}", d), date = dates + "/" + name;
    manifest += "expr -i b08=" + date + "/B08.tif -i scl=" + date +
                "/SCL.tif --expr 'scl == 8 || scl == 9 ? nan : b08' --type UInt16 -o " + masked + "/" + name + ".tif\n";
    inputs += name + "=" + masked + "/" + name + ".tif\n";
    sources += " " + masked + "/" + name + ".tif";
  }
  write_file(dir / "mask.manifest", manifest);
  write_file(dir / "masked.inputs", inputs);
  run_ok("batch " + dir / "mask.manifest");
  // Each masked date is B08 where its 20 m SCL (each pixel two by two 10 m ones) is not cloud.
  const auto masking = run_command(
      "/usr/bin/python3 -c \"import numpy as np; from osgeo import gdal; "
      "d = '" + dates + "/d02/'; b = gdal.Open(d + 'B08.tif').ReadAsArray(); "
      "scl = np.kron(gdal.Open(d + 'SCL.tif').ReadAsArray(), np.ones((2, 2), np.uint8))[:b.shape[0], :b.shape[1]]; "
      "m = gdal.Open('" + masked + "/d02.tif').ReadAsArray(); "
      "expected = np.where((scl == 8) | (scl == 9) | (b == 0), 65535, b); "
      "print((m != expected).sum(), ((scl == 8) | (scl == 9)).mean())\"");
  INFO(masking.output);
  REQUIRE(masking.exit_code == 0);
  std::istringstream masking_result(masking.output);
  long wrong = -1;
  double cloudy = 0;
  masking_result >> wrong >> cloudy;
  CHECK(wrong == 0);
  CHECK(cloudy > 0.1);  // a cloudy date

  const std::string median = dir / "median.tif";
  run_ok("run composite --inputs " + dir / "masked.inputs" + " --reduce median -o " + median);
  const auto verdict = stack_reference("composite " + median + " median 0" + sources);
  INFO(verdict.dump());
  CHECK(verdict["type"] == "UInt16");
  CHECK(verdict["nodata_differs"] == 0);
  CHECK(verdict["beyond_tolerance"] == 0);
  CHECK(verdict["valid"].get<double>() > 0.8 * 300 * 400);  // the swath, clouds filled in
}

TEST_CASE("amplitude dispersion over six synthetic SLCs equals numpy to 1e-4 relative", "[cli]") {
  TempDir dir;
  const std::string stack = dir / "stack";
  run_ok("synth slc -o " + stack + " --size 120x90 --dates 6");
  CHECK(file_text(stack + "/slc.inputs").find("d06=" + stack + "/d06.h5" + kHh) != std::string::npos);
  const std::string out = dir / "dispersion.tif";
  run_ok("run composite --inputs " + stack + "/slc.inputs --reduce dispersion -o " + out + " --block-rows 7");
  std::string sources;
  for (int d = 1; d <= 6; ++d) sources += fmt::format(" {}/d0{}.h5{}", stack, d, kHh);
  const auto verdict = stack_reference("composite " + out + " dispersion 1e-4" + sources);
  INFO(verdict.dump());
  CHECK(verdict["type"] == "Float32");
  CHECK(verdict["valid"] == 120 * 90);
  CHECK(verdict["beyond_tolerance"] == 0);
}

TEST_CASE("an interferogram with 4x4 looks and its phase equal numpy", "[cli]") {
  TempDir dir;
  const std::string slc = dir / "slc";
  run_ok("synth slc -o " + slc + " --size 130x101");
  const std::string ref = slc + "/reference.h5" + kHh, sec = slc + "/secondary.h5" + kHh;
  for (const bool phase : {false, true}) {
    const std::string out = dir / (phase ? "phase.tif" : "ifg.tif");
    run_ok("run interferogram -i ref=" + ref + " -i sec=" + sec + " --looks 4x4 -o " + out + " --block-rows 5" +
           (phase ? " --phase" : ""));
    const auto verdict = stack_reference("interferogram " + out + " 4x4 " + (phase ? "1 " : "0 ") + ref + " " + sec);
    INFO(verdict.dump());
    CHECK(verdict["size"] == nlohmann::json::array({32, 25}));
    CHECK(verdict["size"] == verdict["expected_size"]);
    CHECK(verdict["nodata_differs"] == 0);
    CHECK(verdict["max_error"].get<double>() <= 1e-5);
  }
}

TEST_CASE("plan shows a composite's automatic block rows shrink as its inputs grow, within --memory", "[cli]") {
  TempDir dir;
  run_ok("synth s2 -o " + dir / "scene" + " --size 600x1500");
  std::string few, many;
  for (int i = 0; i < 40; ++i) (i < 4 ? few : many) += fmt::format("x{}={}\n", i, dir / "scene/B08.tif");
  many = few + many;
  write_file(dir / "few.inputs", few);
  write_file(dir / "many.inputs", many);
  const std::string options = " -o " + dir / "out.tif" + " --memory 64MiB --threads 2";
  const int few_rows = planned_block_rows("composite --inputs " + dir / "few.inputs" + options);
  const int many_rows = planned_block_rows("composite --inputs " + dir / "many.inputs" + options);
  CHECK(many_rows < few_rows / 4);
  CHECK(many_rows >= 1);
  run_ok("run composite --inputs " + dir / "many.inputs" + options + " --reduce count");
}
