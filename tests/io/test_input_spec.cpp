#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "io/input_spec.hpp"
#include "support/test_support.hpp"

#include <fstream>

using namespace geostrip;
using geostrip::test::TempDir;

TEST_CASE("inputs are NAME=PATH with an optional 1-based @BAND", "[io]") {
  CHECK(parse_input_spec("nir=/data/B08.tif") == InputSpec{"nir", "/data/B08.tif", 1});
  CHECK(parse_input_spec("red=scene.tif@3") == InputSpec{"red", "scene.tif", 3});
  CHECK(parse_input_spec("a=/vsicurl/https://host/x.tif") == InputSpec{"a", "/vsicurl/https://host/x.tif", 1});
  // An '@' that is not followed by a band number belongs to the path.
  CHECK(parse_input_spec("a=user@host.tif") == InputSpec{"a", "user@host.tif", 1});
  CHECK(parse_input_spec("ref=slc.h5:/science/HH") == InputSpec{"ref", "slc.h5:/science/HH", 1});
  // Parsed once, here: an HDF5 dataset knows its file and dataset.
  CHECK(parse_input_spec("ref=slc.h5:/science/HH").files[0].hdf5 == Hdf5Path{"slc.h5", "/science/HH"});
  CHECK(parse_input_spec("ref=slc.h5:/science/HH").files[0].file() == "slc.h5");
  CHECK_FALSE(parse_input_spec("red=scene.tif@3").files[0].hdf5);
  CHECK(parse_input_spec("red=scene.tif@3").files[0].file() == "scene.tif");
}

TEST_CASE("malformed inputs are usage errors", "[io]") {
  CHECK_THROWS_AS(parse_input_spec("B08.tif"), UsageError);
  CHECK_THROWS_AS(parse_input_spec("=B08.tif"), UsageError);
  CHECK_THROWS_AS(parse_input_spec("1a=B08.tif"), UsageError);
  CHECK_THROWS_AS(parse_input_spec("a-b=B08.tif"), UsageError);
  CHECK_THROWS_AS(parse_input_spec("a="), UsageError);
  CHECK_THROWS_AS(parse_input_spec("a=x.tif@0"), UsageError);
  CHECK_THROWS_AS(parse_input_spec("a=x.tif,,y.tif"), UsageError);
  CHECK_THROWS_AS(parse_input_spec("a=@/nonexistent/list.txt"), UsageError);
}

TEST_CASE("a SOURCE of several files is a mosaic, in the order given", "[io]") {
  CHECK(parse_input_spec("nir=a.tif,b.tif@2,c.h5:/x") ==
        InputSpec("nir", {FileSpec("a.tif"), FileSpec("b.tif", 2), FileSpec("c.h5:/x")}));
  TempDir dir;
  const std::string list = dir / "tiles.txt";
  std::ofstream(list) << "# tiles of the scene\n\n  a.tif \nb.tif@3\n";
  CHECK(parse_input_spec("nir=@" + list) == InputSpec("nir", {FileSpec("a.tif"), FileSpec("b.tif", 3)}));
  std::ofstream(dir / "empty.txt") << "# nothing\n";
  CHECK_THROWS_AS(parse_input_spec("nir=@" + dir / "empty.txt"), UsageError);
}

TEST_CASE("an --inputs file holds NAME=SOURCE lines, and a bad line is named", "[io]") {
  TempDir dir;
  const std::string file = dir / "inputs.txt";
  std::ofstream(file) << "a=x.tif\n# comment\nb=y.tif,z.tif\n";
  const std::vector<InputSpec> inputs = read_inputs_file(file);
  REQUIRE(inputs.size() == 2);
  CHECK(inputs[1] == InputSpec("b", {FileSpec("y.tif"), FileSpec("z.tif")}));
  std::ofstream(file) << "a=x.tif\nno-equals\n";
  try {
    read_inputs_file(file);
    FAIL("a bad line was accepted");
  } catch (const UsageError& e) {
    CHECK_THAT(e.what(), Catch::Contains(file + ":2"));
  }
}
