#include <catch2/catch.hpp>
#include <hdf5.h>
#include <ogr_spatialref.h>

#include <complex>
#include <fstream>

#include "core/error.hpp"
#include "io/hdf5_input.hpp"
#include "support/hdf5_file.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using geostrip::test::TempDir;
using geostrip::test::make_gslc_file;

namespace {

InputInfo describe(const std::string& path) {
  const FileSpec spec(path);
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
  const std::string file = make_gslc_file(dir);
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
  reader.read(rows);
  CHECK(rows.band<std::complex<float>>(0).data[0] == std::complex<float>(3, -3));
  CHECK(rows.band<std::complex<float>>(0).data[5] == std::complex<float>(8, -8));
  BlockBuffer window(PixelType::CFloat32, 1, Region{.rows = {1, 3}, .cols = {1, 3}});
  reader.read(window);
  CHECK(window.band<std::complex<float>>(0).data[0] == std::complex<float>(4, -4));
  CHECK(window.band<std::complex<float>>(0).data[3] == std::complex<float>(8, -8));
}

TEST_CASE("HDF5 errors name the file and list the 2-D datasets there are", "[io]") {
  TempDir dir;
  const std::string file = make_gslc_file(dir);
  CHECK_THROWS_WITH(describe(file + ":/grid/VV"),
                    Catch::Contains(file) && Catch::Contains("no such dataset") && Catch::Contains("/grid/HH"));
  CHECK_THROWS_WITH(describe(file + ":/grid"), Catch::Contains("is a group") && Catch::Contains("/grid/HH"));
  CHECK_THROWS_WITH(describe(file + ":/cube"), Catch::Contains("is 3-D") && Catch::Contains("/grid/HH"));
  const std::string text = dir / "notes.h5";
  std::ofstream(text) << "not hdf5\n";
  CHECK_THROWS_WITH(describe(text + ":/x"), Catch::Contains(text) && Catch::Contains("not an HDF5 file"));
  CHECK_THROWS_WITH(describe(dir / "missing.h5:/x"), Catch::Contains("no such file"));
}

TEST_CASE("an {r, i} compound whose layout is damaged is refused before HDF5 converts it", "[io]") {
  // Found by tests/fuzz: member offsets that do not tile the type made HDF5's
  // compound conversion read out of bounds.
  TempDir dir;
  const std::string path = dir / "damaged.h5";
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t gapped = H5Tcreate(H5T_COMPOUND, 16);
  H5Tinsert(gapped, "r", 0, H5T_IEEE_F32LE);
  H5Tinsert(gapped, "i", 8, H5T_IEEE_F32LE);
  const hsize_t dims[2] = {4, 3};
  const hid_t space = H5Screate_simple(2, dims, nullptr);
  const hid_t dataset = H5Dcreate2(file, "HH", gapped, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dclose(dataset);
  H5Sclose(space);
  H5Tclose(gapped);
  H5Fclose(file);
  CHECK_THROWS_WITH(describe(path + ":/HH"), Catch::Contains(path) && Catch::Contains("unsupported HDF5 type"));
}

TEST_CASE("an unfiltered chunk shorter than the chunk is refused before HDF5 reads past it", "[io]") {
  // Found by tests/fuzz: a file whose filter message was lost left a deflated
  // chunk to be read as raw pixels, and HDF5 1.10 read past its buffer.
  TempDir dir;
  const std::string path = dir / "short_chunk.h5";
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t dims[2] = {8, 8};
  const hid_t space = H5Screate_simple(2, dims, nullptr);
  const hid_t create = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(create, 2, dims);
  const hid_t dataset = H5Dcreate2(file, "B04", H5T_IEEE_F32LE, space, H5P_DEFAULT, create, H5P_DEFAULT);
  const hsize_t origin[2] = {0, 0};
  const std::vector<float> short_chunk(40);  // 160 bytes where 8x8 floats need 256
  H5Dwrite_chunk(dataset, H5P_DEFAULT, 0, origin, short_chunk.size() * sizeof(float), short_chunk.data());
  H5Dclose(dataset);
  H5Pclose(create);
  H5Sclose(space);
  H5Fclose(file);
  CHECK_THROWS_WITH(describe(path + ":/B04"), Catch::Contains(path) && Catch::Contains("corrupt HDF5"));
}

TEST_CASE("a group whose local heap address is undefined is refused, though HDF5 1.10 crashes on it", "[io]") {
  // Found by tests/fuzz; CVE-2018-13867, fixed only in HDF5 1.14.3. Patch the
  // local heap address of the first symbol table message (v1 header: type
  // 0x11, size 16, then the B-tree and heap addresses) to HADDR_UNDEF.
  TempDir dir;
  const std::string path = make_gslc_file(dir);
  std::string bytes = test::file_text(path);
  const auto message = bytes.find(std::string("\x11\x00\x10\x00\x00\x00\x00\x00", 8));
  REQUIRE(message != std::string::npos);
  bytes.replace(message + 16, 8, 8, '\xff');
  std::ofstream(path, std::ios::binary) << bytes;
  CHECK_THROWS_WITH(describe(path + ":/grid/HH"),
                    Catch::Contains(path) && Catch::Contains("corrupt HDF5") && Catch::Contains("crashed"));
}
