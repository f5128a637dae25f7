#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/fingerprint.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using geostrip::test::write_file;
namespace fs = std::filesystem;

namespace {

RunRequest ndi(const test::TempDir& dir) {
  RunRequest request;
  request.args.operation = "ndi";
  request.args.values["scale"] = {"a=0.0001"};
  request.inputs = {{"a", dir / "B08.tif", 1}, {"b", dir / "B04.tif", 1}};
  request.output = dir / "ndvi.tif";
  return request;
}

}  // namespace

TEST_CASE("a job's fingerprint changes with what decides its output, not with how it is run", "[engine]") {
  test::TempDir dir;
  write_file(dir / "B08.tif", "nir");
  write_file(dir / "B04.tif", "red");
  const RunRequest request = ndi(dir);
  const std::string fingerprint = job_fingerprint(request);
  CHECK_THAT(fingerprint, Catch::Contains("\"bytes\":3"));

  RunRequest other_run = request;
  other_run.engine.block_rows = 17;
  other_run.engine.write.overwrite = true;
  std::swap(other_run.inputs[0], other_run.inputs[1]);  // inputs are bound by name
  CHECK(job_fingerprint(other_run) == fingerprint);

  RunRequest other_option = request;
  other_option.args.values["scale"] = {"a=0.001"};
  CHECK(job_fingerprint(other_option) != fingerprint);
  RunRequest other_band = request;
  other_band.inputs[1].files[0].band = 2;
  CHECK(job_fingerprint(other_band) != fingerprint);
  RunRequest other_codec = request;
  other_codec.engine.write.codec = Codec::Zstd;
  CHECK(job_fingerprint(other_codec) != fingerprint);
  RunRequest other_overview_codec = request;
  other_overview_codec.engine.write.overview_codec = Codec::Zstd;
  CHECK(job_fingerprint(other_overview_codec) != fingerprint);
  RunRequest other_nodata = request;
  other_nodata.nodata["b"] = 0;
  CHECK(job_fingerprint(other_nodata) != fingerprint);

  // An input rewritten with the same size, or only touched, is another input.
  fs::last_write_time(dir / "B04.tif", fs::last_write_time(dir / "B04.tif") + std::chrono::milliseconds(1));
  CHECK(job_fingerprint(request) != fingerprint);
}

TEST_CASE("a mosaic's fingerprint covers every one of its files, and the grid asked for", "[engine]") {
  test::TempDir dir;
  for (const char* tile : {"t1.tif", "t2.tif", "t3.tif"}) write_file(dir / tile, tile);
  RunRequest request;
  request.args.operation = "mean";
  request.inputs = {InputSpec("src", {FileSpec(dir / "t1.tif"), FileSpec(dir / "t2.tif"), FileSpec(dir / "t3.tif")})};
  request.output = dir / "mean.tif";
  const std::string fingerprint = job_fingerprint(request);
  for (const char* tile : {"t1.tif", "t2.tif", "t3.tif"}) CHECK_THAT(fingerprint, Catch::Contains(dir / tile));
  RunRequest reordered = request;
  std::swap(reordered.inputs[0].files[0], reordered.inputs[0].files[2]);  // painted in another order
  CHECK(job_fingerprint(reordered) != fingerprint);
  RunRequest resampled = request;
  resampled.grid.resampling = "bilinear";
  CHECK(job_fingerprint(resampled) != fingerprint);
  RunRequest cut = request;
  cut.grid.cutline = dir / "t3.tif";
  CHECK(job_fingerprint(cut) != fingerprint);
  fs::last_write_time(dir / "t3.tif", fs::last_write_time(dir / "t3.tif") + std::chrono::milliseconds(1));
  CHECK(job_fingerprint(request) != fingerprint);
}

TEST_CASE("an HDF5 input's fingerprint is its file's, a GDAL connection string is its text", "[engine]") {
  test::TempDir dir;
  write_file(dir / "ref.h5", "hdf5 bytes");
  RunRequest request;
  request.args.operation = "multilook";
  request.inputs = {{"src", dir / "ref.h5" + ":/science/HH", 1}};
  CHECK_THAT(job_fingerprint(request), Catch::Contains("\"bytes\":10"));
  request.inputs = {{"src", "NETCDF:\"" + dir / "x.nc" + "\":sst", 1}};
  CHECK_THAT(job_fingerprint(request), !Catch::Contains("bytes") && Catch::Contains("sst"));
}
