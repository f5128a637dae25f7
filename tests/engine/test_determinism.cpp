// The output pixels must be identical, bit for bit, whatever the threads and
// block rows. Runs the geostrip binary as a user would.
#include <catch2/catch.hpp>

#include "support/test_support.hpp"

using namespace geostrip::test;

namespace {

struct Scene {
  TempDir dir;
  Scene() {
    // 301 rows (prime-ish, not a multiple of any tile), 64-row input tiles.
    const auto made = run_geostrip("synth s2 -o " + dir / "scene" + " --size 301x263 --seed 7 --tile 64");
    REQUIRE(made.exit_code == 0);
  }
  std::string band(const std::string& name) const { return dir / ("scene/" + name + ".tif"); }
};

void check_identical_across_decompositions(const Scene& scene, const std::string& op_arguments) {
  const std::string reference = scene.dir / "reference.tif";
  const auto ref = run_geostrip("run " + op_arguments + " -o " + reference + " --threads 1 --block-rows 301");
  REQUIRE(ref.exit_code == 0);
  const auto expected = read_raw(reference);

  const char* variants[] = {"--threads 2 --block-rows 37", "--threads 2 --block-rows 1",
                            "--threads 3 --block-rows 100", "--threads 2 --block-rows 13 --tile 48 --compress zstd",
                            "--threads 2 --block-rows 500 --compress none", "--threads 2",
                            // Blocks of several tile rows, computed in chunks of 64 rows (the input's tiles),
                            // whole tile rows or not.
                            "--threads 2 --block-rows 128 --tile 32", "--threads 2 --block-rows 100 --tile 16"};
  int n = 0;
  for (const char* variant : variants) {
    INFO(variant);
    const std::string out = scene.dir / ("variant" + std::to_string(n++) + ".tif");
    const auto result = run_geostrip("run " + op_arguments + " -o " + out + " " + variant);
    REQUIRE(result.exit_code == 0);
    CHECK(read_raw(out) == expected);
  }
}

}  // namespace

TEST_CASE("ndi pixels are bit-for-bit identical for any threads and block rows", "[engine]") {
  Scene scene;
  check_identical_across_decompositions(
      scene, "ndi -i a=" + scene.band("B08") + " -i b=" + scene.band("B04") + " --scale a=0.0001 --offset b=-0.01");
}

TEST_CASE("rgb pixels are bit-for-bit identical for any threads and block rows", "[engine]") {
  Scene scene;
  check_identical_across_decompositions(scene, "rgb -i red=" + scene.band("B04") + " -i green=" +
                                                   scene.band("B03") + " -i blue=" + scene.band("B02") +
                                                   " --clamp 3000 --gamma 1.8");
}
