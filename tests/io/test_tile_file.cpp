#include <catch2/catch.hpp>
#include <cpl_string.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <tuple>

#include <fmt/core.h>
#include <zlib.h>

#include "core/error.hpp"
#include "io/gdal.hpp"
#include "io/tile_encoder.hpp"
#include "io/tile_file.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using geostrip::test::TempDir;

namespace {

// A tiled Float32 GeoTIFF without tiles, as GeoTiffWriter has GDAL create it;
// `bigtiff` is GDAL's BIGTIFF option.
void create_sparse(const std::string& path, RasterSize size, int tile, const char* bigtiff, const char* tiled = "YES") {
  init_gdal();
  CPLStringList options;
  options.SetNameValue("TILED", tiled);
  options.SetNameValue("BLOCKXSIZE", std::to_string(tile).c_str());
  options.SetNameValue("BLOCKYSIZE", std::to_string(tile).c_str());
  options.SetNameValue("BIGTIFF", bigtiff);
  options.SetNameValue("SPARSE_OK", "TRUE");
  options.SetNameValue("COMPRESS", "DEFLATE");
  options.SetNameValue("PREDICTOR", "3");
  GdalDataset dataset(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
      path.c_str(), static_cast<int>(size.cols), static_cast<int>(size.rows), 1, GDT_Float32, options.List()));
  REQUIRE(dataset);
}

// A smooth field with noise: tiles of very different encoded sizes.
BlockBuffer field(RasterSize size) {
  BlockBuffer block(PixelType::Float32, 1, {0, size.rows}, size.cols);
  std::mt19937 random(5);
  std::normal_distribution<float> noise(0, 1);
  for (std::int64_t r = 0; r < size.rows; ++r)
    for (std::int64_t c = 0; c < size.cols; ++c)
      block.band<float>(0).row(r)[c] = static_cast<float>(r + c) + (r > size.rows / 2 ? noise(random) : 0.0f);
  return block;
}

// Encodes `block` and places its tile rows in a shuffled order, one call each.
EncodedRows place_shuffled(const std::string& path, const BlockBuffer& block, int tile) {
  const TileFormat format{PixelType::Float32, 1, block.cols(), tile, Codec::Deflate, {}};
  const EncodedRows encoded = encode_tiles(block, format, 1);
  const auto across = static_cast<std::size_t>(format.tiles_across());
  std::vector<std::size_t> tile_rows(encoded.pieces.size() / across);
  std::iota(tile_rows.begin(), tile_rows.end(), 0);
  std::shuffle(tile_rows.begin(), tile_rows.end(), std::mt19937(3));
  TileFile file(path);
  for (const std::size_t row : tile_rows) {
    const auto first = encoded.pieces.begin() + static_cast<std::ptrdiff_t>(row * across);
    file.write(static_cast<std::int64_t>(row * across), {first, first + static_cast<std::ptrdiff_t>(across)},
               "writing tile row " + std::to_string(row));
  }
  file.close();
  return encoded;
}

void check_pixels(const std::string& path, const BlockBuffer& block) {
  const auto pixels = test::read_band<float>(path);
  REQUIRE(pixels.size() == static_cast<std::size_t>(block.rows().rows() * block.cols()));
  for (std::int64_t r = 0; r < block.rows().rows(); ++r)
    for (std::int64_t c = 0; c < block.cols(); ++c)
      REQUIRE(pixels[static_cast<std::size_t>(r * block.cols() + c)] == block.band<float>(0).row(r)[c]);
}

}  // namespace

TEST_CASE("tiles placed straight to disk read back through GDAL, whatever the widths of the tile index", "[io]") {
  struct Case {
    const char* name;
    RasterSize size;
    int tile;
    const char* bigtiff;
  };
  // libtiff stores byte counts of tiles under 6.5 KB uncompressed as 16 bits,
  // and an index of one tile inside the directory entry.
  const Case cases[] = {{"classic TIFF, 16-bit byte counts", {100, 70}, 32, "NO"},
                        {"classic TIFF, 32-bit byte counts", {300, 200}, 64, "NO"},
                        {"BigTIFF, 16-bit byte counts", {100, 70}, 32, "YES"},
                        {"BigTIFF, 32-bit byte counts", {300, 200}, 64, "YES"},
                        {"classic TIFF, one tile", {20, 30}, 32, "NO"},
                        {"BigTIFF, one tile", {20, 30}, 32, "YES"}};
  TempDir dir;
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string path = dir / (std::string(c.bigtiff) + std::to_string(c.tile) + ".tif");
    create_sparse(path, c.size, c.tile, c.bigtiff);
    const BlockBuffer block = field(c.size);
    const EncodedRows encoded = place_shuffled(path, block, c.tile);
    check_pixels(path, block);
    CHECK(test::raw_tiles(path) == encoded.pieces);
  }
}

TEST_CASE("placed tiles skip the page cache, each write starting on a 4 KiB boundary", "[io]") {
  TempDir dir;
  const std::string path = dir / "out.tif";
  const RasterSize size{512, 384};
  create_sparse(path, size, 128, "NO");
  const auto data_start = (std::filesystem::file_size(path) + 4095) / 4096 * 4096;
  const BlockBuffer block = field(size);
  place_shuffled(path, block, 128);

  struct statfs filesystem {};
  REQUIRE(statfs(dir.path().c_str(), &filesystem) == 0);
  // Filesystems whose O_DIRECT goes to the device; tmpfs keeps every file in memory.
  const bool on_disk = filesystem.f_type == EXT4_SUPER_MAGIC || filesystem.f_type == XFS_SUPER_MAGIC ||
                       filesystem.f_type == BTRFS_SUPER_MAGIC;
  if (on_disk) {
    const auto end = std::filesystem::file_size(path);
    const int fd = ::open(path.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    void* map = ::mmap(nullptr, end, PROT_READ, MAP_SHARED, fd, 0);
    REQUIRE(map != MAP_FAILED);
    std::vector<unsigned char> resident((end + 4095) / 4096);
    REQUIRE(::mincore(map, end, resident.data()) == 0);
    ::munmap(map, end);
    ::close(fd);
    const auto cached = std::count_if(resident.begin() + static_cast<std::ptrdiff_t>(data_start / 4096), resident.end(),
                                      [](unsigned char page) { return page & 1; });
    CHECK(cached == 0);
  } else {
    WARN("page cache not checked on this filesystem (type " << std::hex << filesystem.f_type << ")");
  }

  const std::unique_ptr<TIFF, decltype(&TIFFClose)> tiff(TIFFOpen(path.c_str(), "r"), TIFFClose);
  REQUIRE(tiff);
  for (std::uint32_t row = 0; row < 4; ++row) {
    const std::uint64_t offset = TIFFGetStrileOffset(tiff.get(), row * 3);  // 3 tiles across
    INFO("tile row " << row);
    CHECK(offset >= data_start);
    CHECK(offset % 4096 == 0);
  }
  check_pixels(path, block);
}

TEST_CASE("a filesystem that refuses O_DIRECT gets the same file through the page cache", "[io]") {
  TempDir dir;
  const std::string ramfs = dir / "ramfs";
  std::filesystem::create_directory(ramfs);
  if (test::run_command("mount -t ramfs ramfs " + ramfs).exit_code != 0) {
    WARN("cannot mount a ramfs here (not root?): the fallback is not tested");
    return;
  }
  const std::string path = ramfs + "/out.tif";
  const RasterSize size{100, 70};
  create_sparse(path, size, 32, "NO");
  const BlockBuffer block = field(size);
  const EncodedRows encoded = place_shuffled(path, block, 32);
  check_pixels(path, block);
  CHECK(test::raw_tiles(path) == encoded.pieces);
  test::run_command("umount " + ramfs);
}

TEST_CASE("a file that is not a tiled TIFF is refused, naming it", "[io]") {
  TempDir dir;
  const std::string text = dir / "text.tif", strips = dir / "strips.tif", truncated = dir / "truncated.tif";
  std::ofstream(text) << "not a TIFF at all";
  create_sparse(strips, {100, 70}, 32, "NO", "NO");
  const auto header = test::file_text(strips).substr(0, 12);
  std::ofstream(truncated, std::ios::binary) << header;
  CHECK_THROWS_WITH(TileFile(text), Catch::Contains(text) && Catch::Contains("not a little-endian TIFF"));
  CHECK_THROWS_WITH(TileFile(strips), Catch::Contains(strips) && Catch::Contains("not a tiled TIFF"));
  CHECK_THROWS_WITH(TileFile(truncated), Catch::Contains(truncated) && Catch::Contains("truncated TIFF"));
  CHECK_THROWS_WITH(TileFile(dir / "missing.tif"), Catch::Contains("missing.tif: cannot open"));
}

TEST_CASE("a tile too big for the file's tile index is refused, not cut short", "[io]") {
  TempDir dir;
  const std::string path = dir / "out.tif";
  create_sparse(path, {100, 70}, 32, "NO");  // 16-bit byte counts
  TileFile file(path);
  const std::vector<std::vector<std::byte>> tiles(1, std::vector<std::byte>(70000));
  CHECK_THROWS_WITH(file.write(0, tiles, "writing rows 0-31"),
                    Catch::Contains(path + ": writing rows 0-31 failed: 70000 does not fit") &&
                        Catch::Contains("16-bit tile index"));
}

TEST_CASE("the tile index reads back as written, the header's checksum ignores it, as GDAL created it", "[io]") {
  TempDir dir;
  const std::string path = dir / "out.tif";
  const RasterSize size{100, 70};
  create_sparse(path, size, 32, "NO");
  const std::string created = test::file_text(path);
  const auto created_crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(created.data()), static_cast<uInt>(created.size())));
  const TileFormat format{PixelType::Float32, 1, size.cols, 32, Codec::Deflate, {}};
  const EncodedRows encoded = encode_tiles(field(size), format, 1);
  TileFile file(path);
  CHECK(file.header_checksum(created.size()) == created_crc);
  const auto placed = file.write(0, encoded.pieces, "writing rows 0-99");
  CHECK(file.entries(0, file.tiles()) == placed);
  std::uint32_t expected = 0;
  for (std::size_t t = 0; t < placed.size(); ++t) {
    CHECK(placed[t].bytes == encoded.pieces[t].size());
    CHECK(file.read(placed[t]) == encoded.pieces[t]);
    // The checksum's definition: offset and byte count, 8 bytes each, little-endian, then the bytes.
    unsigned char place[16];
    for (int b = 0; b < 8; ++b) {
      place[b] = static_cast<unsigned char>(placed[t].offset >> (8 * b));
      place[8 + b] = static_cast<unsigned char>(placed[t].bytes >> (8 * b));
    }
    expected = static_cast<std::uint32_t>(crc32(expected, place, 16));
    expected = static_cast<std::uint32_t>(crc32(expected, reinterpret_cast<const Bytef*>(encoded.pieces[t].data()),
                                                static_cast<uInt>(encoded.pieces[t].size())));
  }
  std::uint32_t crc = 0;
  for (std::size_t t = 0; t < placed.size(); ++t) {
    CHECK(encoded.crcs[t] == crc32(0, reinterpret_cast<const Bytef*>(encoded.pieces[t].data()),
                                   static_cast<uInt>(encoded.pieces[t].size())));
    crc = tile_checksum(crc, placed[t], encoded.crcs[t]);
  }
  CHECK(crc == expected);
  file.close();
  CHECK(TileFile(path).header_checksum(created.size()) == created_crc);  // index filled in, checksum the same
  CHECK_FALSE(TileFile(path).header_checksum(test::file_text(path).size() + 1));
  CHECK_THROWS_WITH(TileFile(path).read({test::file_text(path).size() - 2, 10}), Catch::Contains("beyond its end"));
  CHECK_THROWS_WITH(TileFile(path).entries(0, 100), Catch::Contains("not in its index"));
}

namespace {

// The header GDAL makes in COG's layout (every directory first, no tile) of
// a 1100x1100 raster of `type` with two overviews and nodata `nodata`.
std::vector<std::byte> gdal_header(const char* type, const std::string& nodata, const char* bigtiff) {
  init_gdal();
  const auto vrt = [&](int size, const std::string& overviews) {
    return fmt::format(R"(<VRTDataset rasterXSize="{0}" rasterYSize="{0}"><VRTRasterBand dataType="{1}" band="1">)"
                       R"(<NoDataValue>{2}</NoDataValue>{3}</VRTRasterBand></VRTDataset>)",
                       size, type, nodata, overviews);
  };
  std::string overviews;
  for (const int size : {550, 275}) {
    const std::string level = fmt::format("/vsimem/test-header-level-{}.vrt", size);
    const std::string xml = vrt(size, "");
    VSIFCloseL(VSIFileFromMemBuffer(level.c_str(), reinterpret_cast<GByte*>(CPLStrdup(xml.c_str())), xml.size(), TRUE));
    overviews +=
        fmt::format("<Overview><SourceFilename>{}</SourceFilename><SourceBand>1</SourceBand></Overview>", level);
  }
  const GdalDataset source(static_cast<GDALDataset*>(GDALOpen(vrt(1100, overviews).c_str(), GA_ReadOnly)));
  REQUIRE(source);
  CPLStringList options;
  for (const auto* option : {"TILED=YES", "COMPRESS=DEFLATE", "SPARSE_OK=TRUE", "COPY_SRC_OVERVIEWS=YES"})
    options.AddString(option);
  options.SetNameValue("BIGTIFF", bigtiff);
  const char* name = "/vsimem/test-header.tif";
  GdalDataset(GetGDALDriverManager()->GetDriverByName("GTiff")->CreateCopy(name, source.get(), FALSE, options.List(),
                                                                           nullptr, nullptr))
      .reset();
  vsi_l_offset length = 0;
  GByte* bytes = VSIGetMemFileBuffer(name, &length, TRUE);
  REQUIRE(bytes);
  const auto* first = reinterpret_cast<const std::byte*>(bytes);
  std::vector<std::byte> header(first, first + length);
  CPLFree(bytes);
  return header;
}

}  // namespace

TEST_CASE("nodata tags written in place give the header GDAL makes with that nodata, in TIFF and BigTIFF", "[io]") {
  const auto [type, nodata, bigtiff] = GENERATE(std::tuple{"Float32", "nan", "NO"}, std::tuple{"Byte", "255", "NO"},
                                                std::tuple{"Float32", "nan", "YES"},
                                                std::tuple{"Int16", "-9999", "YES"});
  CAPTURE(type, nodata, bigtiff);
  std::vector<std::byte> header = gdal_header(type, "0", bigtiff);
  const std::vector<std::byte> expected = gdal_header(type, nodata, bigtiff);
  REQUIRE(header.size() == expected.size());
  CHECK(header != expected);
  replace_nodata_tags(header, "0", nodata, "out.tif");
  CHECK(header == expected);
}

TEST_CASE("nodata tags that do not hold the stand-in, or a text too long for the entry, are refused", "[io]") {
  std::vector<std::byte> header = gdal_header("Float32", "5", "NO");
  const std::vector<std::byte> made = header;
  CHECK_THROWS_WITH(replace_nodata_tags(header, "0", "nan", "out.tif"),
                    Catch::Contains("out.tif") && Catch::Contains("not 0"));
  CHECK_THROWS_WITH(replace_nodata_tags(header, "5", "-9999", "out.tif"), Catch::Contains("does not fit"));
  CHECK(header == made);
}
