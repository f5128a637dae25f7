#include <catch2/catch.hpp>
#include <hdf5.h>
#include <ogr_spatialref.h>

#include <complex>
#include <fstream>

#include "core/error.hpp"
#include "io/hdf5_input.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using geostrip::test::TempDir;

namespace {

// A NISAR-GSLC-like file: a 4x3 complex grid with coordinates and projection,
// a 3-D dataset and a group.
std::string make_file(const TempDir& dir) {
  const std::string path = dir / "gslc.h5";
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t grid = H5Gcreate2(file, "/grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t complex = H5Tcreate(H5T_COMPOUND, 8);
  H5Tinsert(complex, "r", 0, H5T_IEEE_F32LE);
  H5Tinsert(complex, "i", 4, H5T_IEEE_F32LE);
  const hsize_t dims[2] = {4, 3};
  const hid_t space = H5Screate_simple(2, dims, nullptr);
  const hid_t hh = H5Dcreate2(grid, "HH", complex, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<std::complex<float>> values;
  for (int i = 0; i < 12; ++i) values.emplace_back(static_cast<float>(i), static_cast<float>(-i));
  H5Dwrite(hh, complex, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  const auto vector = [&](const char* name, std::vector<double> v) {
    const hsize_t n = v.size();
    const hid_t s = H5Screate_simple(1, &n, nullptr);
    const hid_t d = H5Dcreate2(grid, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Dclose(d);
    H5Sclose(s);
  };
  vector("xCoordinates", {500005, 500015, 500025});       // pixel centres, 10 m
  vector("yCoordinates", {4000035, 4000025, 4000015, 4000005});
  const hid_t scalar = H5Screate(H5S_SCALAR);
  const hid_t projection = H5Dcreate2(grid, "projection", H5T_STD_I32LE, scalar, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const int epsg = 32611;
  H5Dwrite(projection, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, &epsg);
  const hsize_t cube_dims[3] = {2, 4, 3};
  const hid_t cube_space = H5Screate_simple(3, cube_dims, nullptr);
  const hid_t cube = H5Dcreate2(file, "/cube", H5T_IEEE_F32LE, cube_space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  for (const hid_t id : {cube, projection, hh}) H5Dclose(id);
  for (const hid_t id : {cube_space, scalar, space}) H5Sclose(id);
  H5Tclose(complex);
  H5Gclose(grid);
  H5Fclose(file);
  return path;
}

InputInfo describe(const std::string& path) {
  const InputSpec spec{"src", path, 1};
  return describe_hdf5(spec, *split_hdf5_path(path));
}

}  // namespace

TEST_CASE("HDF5 paths are FILE.h5:/dataset", "[io]") {
  CHECK(split_hdf5_path("a/b.h5:/science/HH")->file == "a/b.h5");
  CHECK(split_hdf5_path("a/b.HDF5:/x")->dataset == "/x");
  CHECK(split_hdf5_path("c.he5:/grid/HH")->file == "c.he5");
  CHECK_FALSE(split_hdf5_path("scene.tif"));
  CHECK_FALSE(split_hdf5_path("NETCDF:file.nc:var"));
  CHECK_FALSE(split_hdf5_path("b.h5"));
}

TEST_CASE("a complex grid reads as complex with its coordinates and projection", "[io]") {
  TempDir dir;
  const std::string file = make_file(dir);
  const InputInfo info = describe(file + ":/grid/HH");
  CHECK(info.type == PixelType::CFloat32);
  CHECK(info.size == RasterSize{4, 3});
  REQUIRE(info.georef.transform);
  CHECK(*info.georef.transform == GeoTransform{500000, 10, 0, 4000040, 0, -10});
  OGRSpatialReference srs;
  srs.importFromWkt(info.georef.crs_wkt.c_str());
  CHECK(std::string(srs.GetAuthorityCode(nullptr)) == "32611");

  Hdf5RowReader reader(info, *split_hdf5_path(file + ":/grid/HH"));
  BlockBuffer rows(PixelType::CFloat32, 1, {1, 3}, 3);
  reader.read({1, 3}, rows);
  CHECK(rows.band<std::complex<float>>(0).data[0] == std::complex<float>(3, -3));
  CHECK(rows.band<std::complex<float>>(0).data[5] == std::complex<float>(8, -8));
}

TEST_CASE("HDF5 errors name the file and list the 2-D datasets there are", "[io]") {
  TempDir dir;
  const std::string file = make_file(dir);
  CHECK_THROWS_WITH(describe(file + ":/grid/VV"),
                    Catch::Contains(file) && Catch::Contains("no such dataset") && Catch::Contains("/grid/HH"));
  CHECK_THROWS_WITH(describe(file + ":/grid"), Catch::Contains("is a group") && Catch::Contains("/grid/HH"));
  CHECK_THROWS_WITH(describe(file + ":/cube"), Catch::Contains("is 3-D") && Catch::Contains("/grid/HH"));
  const std::string text = dir / "notes.h5";
  std::ofstream(text) << "not hdf5\n";
  CHECK_THROWS_WITH(describe(text + ":/x"), Catch::Contains(text) && Catch::Contains("not an HDF5 file"));
  CHECK_THROWS_WITH(describe(dir / "missing.h5:/x"), Catch::Contains("no such file"));
}
