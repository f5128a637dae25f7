#include <catch2/catch.hpp>
#include <hdf5.h>
#include <ogr_spatialref.h>

#include <complex>
#include <cstring>
#include <fstream>
#include <thread>
#include <tuple>

#include "core/error.hpp"
#include "io/hdf5.hpp"
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

  Hdf5RowReader reader(info, *split_hdf5_path(file + ":/grid/HH"), Halo{});
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

namespace {

enum class Pipeline { None, Deflate, ShuffleDeflate, Fletcher32 };

// A 37x53 complex dataset in 8x16 chunks through `pipeline`, pixel (r, c)
// = (r + c/100, -r * c); the chunks of rows 24-31, columns 0-31 are never
// written, so they read as the fill value (-1, 2).
std::string make_chunked_file(const TempDir& dir, Pipeline pipeline) {
  const std::string path = dir / "chunked.h5";
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const Handle complex = complex64_type();
  const hsize_t dims[2] = {37, 53};
  const hsize_t chunk[2] = {8, 16};
  const hid_t space = H5Screate_simple(2, dims, nullptr);
  const hid_t create = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(create, 2, chunk);
  const std::complex<float> fill(-1, 2);
  H5Pset_fill_value(create, complex.get(), &fill);
  if (pipeline == Pipeline::ShuffleDeflate || pipeline == Pipeline::Fletcher32) H5Pset_shuffle(create);
  if (pipeline != Pipeline::None) H5Pset_deflate(create, 4);
  if (pipeline == Pipeline::Fletcher32) H5Pset_fletcher32(create);
  const hid_t dataset = H5Dcreate2(file, "HH", complex.get(), space, H5P_DEFAULT, create, H5P_DEFAULT);
  std::vector<std::complex<float>> values;
  for (int r = 0; r < 37; ++r)
    for (int c = 0; c < 53; ++c) values.emplace_back(static_cast<float>(r) + static_cast<float>(c) / 100, -r * c);
  const auto write_rows = [&](hsize_t first, hsize_t count, hsize_t first_col) {
    const hsize_t start[2] = {first, first_col};
    const hsize_t counts[2] = {count, 53 - first_col};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, counts, nullptr);
    const hid_t memory = H5Screate_simple(2, dims, nullptr);
    H5Sselect_hyperslab(memory, H5S_SELECT_SET, start, nullptr, counts, nullptr);
    H5Dwrite(dataset, complex.get(), memory, space, H5P_DEFAULT, values.data());
    H5Sclose(memory);
  };
  write_rows(0, 24, 0);
  write_rows(24, 8, 32);
  write_rows(32, 5, 0);
  H5Dclose(dataset);
  H5Pclose(create);
  H5Sclose(space);
  H5Fclose(file);
  return path;
}

// What H5Dread itself gives for `region`.
std::vector<std::complex<float>> h5dread(const std::string& path, const Region& region) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t dataset = H5Dopen2(file, "HH", H5P_DEFAULT);
  const hid_t space = H5Dget_space(dataset);
  const hsize_t start[2] = {static_cast<hsize_t>(region.rows.begin), static_cast<hsize_t>(region.cols.begin)};
  const hsize_t count[2] = {static_cast<hsize_t>(region.rows.rows()), static_cast<hsize_t>(region.cols.rows())};
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  const hid_t memory = H5Screate_simple(2, count, nullptr);
  std::vector<std::complex<float>> values(count[0] * count[1]);
  REQUIRE(H5Dread(dataset, complex64_type().get(), memory, space, H5P_DEFAULT, values.data()) >= 0);
  for (const hid_t id : {memory, space}) H5Sclose(id);
  H5Dclose(dataset);
  H5Fclose(file);
  return values;
}

std::vector<std::complex<float>> pixels_of(BlockBuffer& buffer) {
  const auto band = buffer.band<std::complex<float>>(0);
  return {band.data, band.data + band.rows * band.cols};
}

// The regions a thread reads for a 5x5 window in two column strips of
// 9-row chunks: each read takes 2 rows of the one before it again.
std::vector<Region> strip_reads() {
  std::vector<Region> reads;
  for (const RowBlock cols : {RowBlock{0, 29}, RowBlock{25, 53}})
    for (std::int64_t row = 0; row < 37; row += 9)
      reads.push_back({.rows = {std::max<std::int64_t>(row - 2, 0), std::min<std::int64_t>(row + 11, 37)}, .cols = cols});
  return reads;
}

}  // namespace

TEST_CASE("chunks decoded outside HDF5's lock read as H5Dread reads them, fill value and halo rows included", "[io]") {
  const auto pipeline = GENERATE(Pipeline::None, Pipeline::Deflate, Pipeline::ShuffleDeflate, Pipeline::Fletcher32);
  TempDir dir;
  const std::string path = make_chunked_file(dir, pipeline);
  const InputInfo info = describe(path + ":/HH");
  REQUIRE(info.type == PixelType::CFloat32);
  for (const Halo overlap : {Halo{}, Halo{.rows = 4, .cols = 4}}) {
    Hdf5RowReader reader(info, *split_hdf5_path(path + ":/HH"), overlap);
    for (const Region& region : strip_reads()) {
      BlockBuffer read(PixelType::CFloat32, 1, region);
      reader.read(read);
      CAPTURE(static_cast<int>(pipeline), overlap.rows, region.rows.begin, region.cols.begin);
      CHECK(pixels_of(read) == h5dread(path, region));
    }
  }
}

TEST_CASE("threads reading one HDF5 file at once each read its own pixels", "[io]") {
  TempDir dir;
  const std::string path = make_chunked_file(dir, Pipeline::ShuffleDeflate);
  const InputInfo info = describe(path + ":/HH");
  const std::vector<Region> reads = strip_reads();
  std::vector<std::vector<std::complex<float>>> got(reads.size());
  std::vector<std::thread> threads;
  for (std::size_t thread = 0; thread < 2; ++thread)
    threads.emplace_back([&, thread] {
      Hdf5RowReader reader(info, *split_hdf5_path(path + ":/HH"), Halo{.rows = 4, .cols = 4});
      for (int repeat = 0; repeat < 50; ++repeat)
        for (std::size_t i = thread; i < reads.size(); i += 2) {
          BlockBuffer read(PixelType::CFloat32, 1, reads[i]);
          reader.read(read);
          got[i] = pixels_of(read);
        }
    });
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < reads.size(); ++i) CHECK(got[i] == h5dread(path, reads[i]));
}

TEST_CASE("a chunk that does not inflate is an error naming the file and the chunk", "[io]") {
  TempDir dir;
  const std::string path = make_chunked_file(dir, Pipeline::Deflate);
  {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const hid_t dataset = H5Dopen2(file, "HH", H5P_DEFAULT);
    const hsize_t origin[2] = {8, 16};
    const std::string garbage(300, 'x');
    REQUIRE(H5Dwrite_chunk(dataset, H5P_DEFAULT, 0, origin, garbage.size(), garbage.data()) >= 0);
    H5Dclose(dataset);
    H5Fclose(file);
  }
  const InputInfo info = describe(path + ":/HH");
  Hdf5RowReader reader(info, *split_hdf5_path(path + ":/HH"), Halo{});
  BlockBuffer first(PixelType::CFloat32, 1, Region{.rows = {0, 8}, .cols = {0, 53}});
  reader.read(first);
  CHECK(pixels_of(first) == h5dread(path, first.region()));
  BlockBuffer damaged(PixelType::CFloat32, 1, Region{.rows = {6, 12}, .cols = {10, 20}});
  CHECK_THROWS_WITH(reader.read(damaged), Catch::Contains(path) && Catch::Contains("row 8, column 16") &&
                                              Catch::Contains("corrupt HDF5"));
}

TEST_CASE("float16 pixels, alone or as {r, i}, widen to the very bits HDF5's conversion gives, NaN included", "[io]") {
  // Every float16 bit pattern once (NaNs with payloads, infinities,
  // subnormals, both zeros), in 8x16 chunks, deflated, shuffled or not
  // (then the first read decodes the chunks below it in part).
  const bool shuffled = GENERATE(true, false);
  TempDir dir;
  const std::string path = dir / "half.h5";
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t half = H5Tcopy(H5T_IEEE_F32LE);
  H5Tset_fields(half, 15, 10, 5, 0, 10);
  H5Tset_size(half, 2);
  H5Tset_ebias(half, 15);
  const hid_t pair = H5Tcreate(H5T_COMPOUND, 4);
  H5Tinsert(pair, "r", 0, half);
  H5Tinsert(pair, "i", 2, half);
  std::vector<std::uint16_t> bits(65536);
  for (std::size_t i = 0; i < bits.size(); ++i) bits[i] = static_cast<std::uint16_t>(i * 40503);  // a permutation
  const hsize_t chunk[2] = {8, 16};
  const hid_t create = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(create, 2, chunk);
  if (shuffled) H5Pset_shuffle(create);
  H5Pset_deflate(create, 1);
  for (const auto& [name, type, rows, cols] : {std::tuple{"half", half, 256, 256}, std::tuple{"pair", pair, 128, 256}}) {
    const hsize_t dims[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t dataset = H5Dcreate2(file, name, type, space, H5P_DEFAULT, create, H5P_DEFAULT);
    REQUIRE(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bits.data()) >= 0);  // as stored: no conversion
    H5Dclose(dataset);
    H5Sclose(space);
  }
  H5Pclose(create);
  H5Fclose(file);
  const auto through_hdf5 = [&](const std::string& name, hid_t memory_type, std::size_t bytes) {
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    std::vector<std::byte> out(bytes);
    REQUIRE(H5Dread(d, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) >= 0);
    H5Dclose(d);
    H5Fclose(f);
    return out;
  };
  const Handle complex = complex64_type();
  for (const auto& [name, pixel, memory] :
       {std::tuple{"half", PixelType::Float32, H5T_NATIVE_FLOAT}, std::tuple{"pair", PixelType::CFloat32, complex.get()}}) {
    const InputInfo info = describe(path + ":/" + name);
    REQUIRE(info.type == pixel);
    Hdf5RowReader reader(info, *split_hdf5_path(path + ":/" + name), Halo{.rows = 4, .cols = 4});
    const std::vector<std::byte> expected =
        through_hdf5(name, memory, static_cast<std::size_t>(info.size.rows * info.size.cols) * size_of(pixel));
    // A thread's reads for a 5x5 window: 8 rows and their halo, then the rest.
    for (const RowBlock rows : {RowBlock{0, 10}, RowBlock{6, info.size.rows}}) {
      BlockBuffer read(pixel, 1, rows, info.size.cols);
      reader.read(read);
      CAPTURE(name, shuffled, rows.begin);
      const auto row_bytes = static_cast<std::size_t>(info.size.cols) * size_of(pixel);
      CHECK(std::memcmp(read.band_data(0), expected.data() + static_cast<std::size_t>(rows.begin) * row_bytes,
                        read.band_bytes()) == 0);
    }
  }
  for (const hid_t type : {pair, half}) H5Tclose(type);
}
