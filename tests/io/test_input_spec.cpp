#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "io/input_spec.hpp"

using namespace geostrip;

TEST_CASE("inputs are NAME=PATH with an optional 1-based @BAND", "[io]") {
  CHECK(parse_input_spec("nir=/data/B08.tif") == InputSpec{"nir", "/data/B08.tif", 1});
  CHECK(parse_input_spec("red=scene.tif@3") == InputSpec{"red", "scene.tif", 3});
  CHECK(parse_input_spec("a=/vsicurl/https://host/x.tif") == InputSpec{"a", "/vsicurl/https://host/x.tif", 1});
  // An '@' that is not followed by a band number belongs to the path.
  CHECK(parse_input_spec("a=user@host.tif") == InputSpec{"a", "user@host.tif", 1});
  CHECK(parse_input_spec("ref=slc.h5:/science/HH") == InputSpec{"ref", "slc.h5:/science/HH", 1});
  // Parsed once, here: an HDF5 dataset knows its file and dataset.
  CHECK(parse_input_spec("ref=slc.h5:/science/HH").hdf5 == Hdf5Path{"slc.h5", "/science/HH"});
  CHECK(parse_input_spec("ref=slc.h5:/science/HH").file() == "slc.h5");
  CHECK_FALSE(parse_input_spec("red=scene.tif@3").hdf5);
  CHECK(parse_input_spec("red=scene.tif@3").file() == "scene.tif");
}

TEST_CASE("malformed inputs are usage errors", "[io]") {
  CHECK_THROWS_AS(parse_input_spec("B08.tif"), UsageError);
  CHECK_THROWS_AS(parse_input_spec("=B08.tif"), UsageError);
  CHECK_THROWS_AS(parse_input_spec("1a=B08.tif"), UsageError);
  CHECK_THROWS_AS(parse_input_spec("a-b=B08.tif"), UsageError);
  CHECK_THROWS_AS(parse_input_spec("a="), UsageError);
  CHECK_THROWS_AS(parse_input_spec("a=x.tif@0"), UsageError);
}
