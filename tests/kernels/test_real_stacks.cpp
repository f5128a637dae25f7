// Stacks and SAR products of the real rasters in ../shared/data against numpy
// (tests/support/stack_reference.py): composites of cloudy dates made from
// Sentinel-2 B08, the interferogram of the ALOS half-precision RSLC, and
// amplitude in dB of UAVSAR winnipeg.
#include <catch2/catch.hpp>

#include "support/data_dir.hpp"
#include "support/stack_reference.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;

namespace {

const std::string kB08 = "/sentinel2_l2a/S2A_29RKH_20200219_0_L2A_B08.tif";
const std::string kAlos = "/uavsar_alos_hdf5/calib_RSLC_ALPSRP025826990_RIO_BRANCO_CR.h5";
const std::string kAlosSwath = ":/science/LSAR/RSLC/swaths/frequencyA/";
const std::string kWinnipegHh = "/uavsar_alos_hdf5/winnipeg.h5:/science/LSAR/SLC/swaths/frequencyA/HH";

std::string run_op(const TempDir& dir, const std::string& arguments, const std::string& output) {
  const auto result = run_geostrip("run " + arguments + " -o " + dir / output + " --threads 2 --block-rows 37");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return dir / output;
}

}  // namespace

TEST_CASE("composites of five cloudy dates of Sentinel-2 B08 equal numpy: median, mean, count, p90", "[real-data]") {
  TempDir dir;
  const std::string dates = cloudy_dates(data_dir() + kB08, dir.path().string(), 5);
  const std::string sources = dir / "d1.tif " + dir / "d2.tif " + dir / "d3.tif " + dir / "d4.tif " + dir / "d5.tif";
  struct Expected {
    std::string reduce, type, tolerance;
  };
  for (const Expected& e : {Expected{"median", "UInt16", "0"}, Expected{"mean", "Float32", "1e-6"},
                            Expected{"count", "UInt16", "0"}, Expected{"p90", "UInt16", "0"}}) {
    INFO(e.reduce);
    const std::string out = run_op(dir, "composite" + dates + " --reduce " + e.reduce, e.reduce + ".tif");
    const auto verdict = stack_reference("composite " + out + " " + e.reduce + " " + e.tolerance + " " + sources);
    INFO(verdict.dump());
    CHECK(verdict["type"] == e.type);
    CHECK(verdict["valid"] > 1000000);
    CHECK(verdict["none_valid"] > 3000);  // the block every date lost
    CHECK(verdict["nodata_differs"] == 0);
    CHECK(verdict["beyond_tolerance"] == 0);
  }
}

TEST_CASE("the interferogram of the ALOS half-precision RSLC HH and VV equals numpy, with and without looks",
          "[real-data]") {
  TempDir dir;
  const std::string hh = data_dir() + kAlos + kAlosSwath + "HH", vv = data_dir() + kAlos + kAlosSwath + "VV";
  const std::string pair = " -i ref=" + hh + " -i sec=" + vv;
  struct Expected {
    std::string looks;
    bool phase;
    double tolerance;  // relative, or radians for the phase
  };
  for (const Expected& e : {Expected{"1x1", false, 1e-6}, Expected{"2x2", false, 1e-5}, Expected{"1x1", true, 1e-5},
                            Expected{"2x2", true, 1e-5}}) {
    INFO(e.looks << (e.phase ? " phase" : ""));
    const std::string out = run_op(dir, "interferogram" + pair + " --looks " + e.looks + (e.phase ? " --phase" : ""),
                                   "ifg-" + e.looks + (e.phase ? "-phase" : "") + ".tif");
    const auto verdict =
        stack_reference("interferogram " + out + " " + e.looks + " " + (e.phase ? "1" : "0") + " " + hh + " " + vv);
    INFO(verdict.dump());
    CHECK(verdict["size"] == verdict["expected_size"]);
    CHECK(verdict["type"] == (e.phase ? "Float32" : "CFloat32"));
    CHECK(verdict["valid"] > 1000);
    CHECK(verdict["nodata_differs"] == 0);
    CHECK(verdict["max_error"].get<double>() <= e.tolerance);
  }
}

TEST_CASE("amplitude --db of UAVSAR winnipeg HH equals numpy to 1e-3 dB", "[real-data]") {
  TempDir dir;
  const std::string source = data_dir() + kWinnipegHh;
  const std::string out = run_op(dir, "amplitude --db -i src=" + source, "db.tif");
  const auto verdict = stack_reference("amplitude-db " + out + " " + source);
  INFO(verdict.dump());
  CHECK(verdict["valid"] == 250 * 250);
  CHECK(verdict["nodata_differs"] == 0);
  CHECK(verdict["max_error"].get<double>() <= 1e-3);
}
