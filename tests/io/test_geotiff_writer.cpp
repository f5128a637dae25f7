#include <catch2/catch.hpp>
#include <cpl_string.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>

#include <fmt/core.h>

#include "core/error.hpp"
#include "io/gdal.hpp"
#include "io/geotiff_writer.hpp"
#include "support/place_pixels.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using geostrip::test::place_pixels;
using geostrip::test::TempDir;

namespace {

const Georeference kUtm{GeoTransform{399960, 10, 0, 5300040, 0, -10},
                        R"(PROJCS["WGS 84 / UTM zone 33N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",15],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","32633"]])"};

float value_at(std::int64_t row, std::int64_t col) { return static_cast<float>(row * 1000 + col) * 0.25f; }

BlockBuffer block_of(RowBlock rows, std::int64_t cols) {
  BlockBuffer block(PixelType::Float32, 1, rows, cols);
  for (std::int64_t r = rows.begin; r < rows.end; ++r)
    for (std::int64_t c = 0; c < cols; ++c) block.band<float>(0).row(r - rows.begin)[c] = value_at(r, c);
  return block;
}

}  // namespace

TEST_CASE("blocks written in any order give a tiled, compressed, georeferenced GeoTIFF", "[io]") {
  TempDir dir;
  const std::string path = dir / "out.tif";
  const RasterSize size{100, 70};
  const RowBlocks nine = split_rows(size.rows, 9);
  std::vector<RowBlock> blocks(nine.begin(), nine.end());  // 9 rows never line up with 32-row tiles
  std::shuffle(blocks.begin(), blocks.end(), std::mt19937(42));
  {
    WriteOptions options;
    options.tile = 32;
    GeoTiffWriter writer({path, size, kUtm, PixelType::Float32, 1, ColorModel::Gray, -9999.0, {}}, options,
                         OutputLock(path));
    for (const RowBlock rows : blocks) place_pixels(writer, block_of(rows, size.cols));
    CHECK_FALSE(std::filesystem::exists(path));  // only the .partial until commit
    CHECK(std::filesystem::exists(partial_path(path)));
    writer.commit();
  }
  CHECK_FALSE(std::filesystem::exists(partial_path(path)));

  const auto pixels = test::read_band<float>(path);
  for (std::int64_t r = 0; r < size.rows; ++r)
    for (std::int64_t c = 0; c < size.cols; ++c)
      REQUIRE(pixels[static_cast<std::size_t>(r * size.cols + c)] == value_at(r, c));

  test::Dataset ds(path);
  int tile_cols = 0, tile_rows = 0;
  ds->GetRasterBand(1)->GetBlockSize(&tile_cols, &tile_rows);
  CHECK(tile_cols == 32);
  CHECK(tile_rows == 32);
  CHECK(test::metadata(path, "COMPRESSION", "IMAGE_STRUCTURE") == "DEFLATE");
  CHECK(test::metadata(path, "PREDICTOR", "IMAGE_STRUCTURE") == "3");
  GeoTransform transform;
  ds->GetGeoTransform(transform.data());
  CHECK(transform == *kUtm.transform);
  CHECK(std::string(ds->GetSpatialRef()->GetAuthorityCode(nullptr)) == "32633");
  CHECK(ds->GetRasterBand(1)->GetNoDataValue() == -9999.0);
}

TEST_CASE("a COG's blocks placed while GDAL still makes its header are all in the file at commit", "[io]") {
  TempDir dir;
  const std::string path = dir / "out.tif";
  const RasterSize size{1000, 1100};
  const OutputSpec spec{.path = path, .size = size, .georef = kUtm, .type = PixelType::Float32, .bands = 1,
                        .color = ColorModel::Gray, .nodata = -9999.0, .band_names = {}, .fingerprint = {},
                        .overview_default = OverviewResampling::Average};
  WriteOptions options;
  options.tile = 64;
  options.cog = true;
  // Encoded beforehand, the 4 blocks reach the writer in microseconds: before
  // GDAL, which reads the whole raster, has made the header.
  const GeoTiffEncoder encoder(spec, options);
  std::vector<EncodedRows> blocks;
  for (const RowBlock rows : split_rows(size.rows, 256)) {
    EncodedRows& block =
        blocks.emplace_back(EncodedRows{.rows = rows, .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}});
    encoder.encode(block_of(rows, size.cols), block);
  }
  {
    GeoTiffWriter writer(spec, options, OutputLock(path));
    for (EncodedRows& block : blocks) writer.place(std::move(block));
    writer.commit();
  }
  const auto pixels = test::read_band<float>(path);
  for (std::int64_t r = 0; r < size.rows; ++r)
    for (std::int64_t c = 0; c < size.cols; ++c)
      REQUIRE(pixels[static_cast<std::size_t>(r * size.cols + c)] == value_at(r, c));
  CHECK(test::metadata(path, "LAYOUT", "IMAGE_STRUCTURE") == "COG");
}

TEST_CASE("codecs get the predictor for their pixel type", "[io]") {
  TempDir dir;
  const auto write = [&](Codec codec, PixelType type, const std::string& name) {
    WriteOptions options;
    options.codec = codec;
    GeoTiffWriter writer({dir / name, {4, 4}, {}, type, 1, ColorModel::Gray, {}, {}}, options, OutputLock(dir / name));
    BlockBuffer block(type, 1, {0, 4}, 4);
    std::fill_n(block.band_data(0), block.band_bytes(), std::byte{0});
    place_pixels(writer, std::move(block));
    writer.commit();
    return dir / name;
  };
  const auto zstd = write(Codec::Zstd, PixelType::UInt16, "zstd.tif");
  CHECK(test::metadata(zstd, "COMPRESSION", "IMAGE_STRUCTURE") == "ZSTD");
  CHECK(test::metadata(zstd, "PREDICTOR", "IMAGE_STRUCTURE") == "2");
  const auto lzw = write(Codec::Lzw, PixelType::Float64, "lzw.tif");
  CHECK(test::metadata(lzw, "COMPRESSION", "IMAGE_STRUCTURE") == "LZW");
  CHECK(test::metadata(lzw, "PREDICTOR", "IMAGE_STRUCTURE") == "3");
  CHECK(test::metadata(write(Codec::None, PixelType::Byte, "raw.tif"), "COMPRESSION", "IMAGE_STRUCTURE").empty());
}

TEST_CASE("RGBA outputs are RGB with an alpha band", "[io]") {
  TempDir dir;
  GeoTiffWriter writer({dir / "rgba.tif", {2, 2}, {}, PixelType::Byte, 4, ColorModel::RGBA, {}, {}}, WriteOptions{},
                       OutputLock(dir / "rgba.tif"));
  BlockBuffer block(PixelType::Byte, 4, {0, 2}, 2);
  std::fill_n(block.band_data(0), block.band_bytes() * 4, std::byte{7});
  place_pixels(writer, std::move(block));
  writer.commit();
  test::Dataset ds(dir / "rgba.tif");
  CHECK(ds->GetRasterBand(1)->GetColorInterpretation() == GCI_RedBand);
  CHECK(ds->GetRasterBand(4)->GetColorInterpretation() == GCI_AlphaBand);
}

TEST_CASE("an unfinished writer leaves nothing behind, and an existing output needs --overwrite", "[io]") {
  TempDir dir;
  const std::string path = dir / "out.tif";
  const OutputSpec spec{path, {8, 8}, {}, PixelType::Float32, 1, ColorModel::Gray, {}, {}};
  {
    GeoTiffWriter writer(spec, WriteOptions{}, OutputLock(path));
    place_pixels(writer, block_of({0, 4}, 8));
  }
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(partial_path(path)));

  {
    GeoTiffWriter writer(spec, WriteOptions{}, OutputLock(path));
    place_pixels(writer, block_of({0, 8}, 8));
    writer.commit();
  }
  CHECK_THROWS_WITH(GeoTiffWriter(spec, WriteOptions{}, OutputLock(path)), Catch::Contains("--overwrite"));
  WriteOptions overwrite;
  overwrite.overwrite = true;
  GeoTiffWriter writer(spec, overwrite, OutputLock(path));
  place_pixels(writer, block_of({0, 8}, 8));
  writer.commit();
  CHECK(test::read_band<float>(path)[9] == value_at(1, 1));
}

TEST_CASE("an output in a missing directory fails with the path", "[io]") {
  TempDir dir;
  const std::string path = dir / "missing/out.tif";
  CHECK_THROWS_WITH(GeoTiffWriter({path, {8, 8}, {}, PixelType::Byte, 1, ColorModel::Gray, {}, {}}, WriteOptions{},
                                  OutputLock(path)),
                    Catch::Contains(path));
}

TEST_CASE("codec options are checked", "[io]") {
  CHECK(parse_codec("zstd") == Codec::Zstd);
  CHECK_THROWS_AS(parse_codec("jpeg"), UsageError);
  TempDir dir;
  WriteOptions lzw_level;
  lzw_level.codec = Codec::Lzw;
  lzw_level.level = 5;
  CHECK_THROWS_AS(GeoTiffWriter({dir / "x.tif", {8, 8}, {}, PixelType::Byte, 1, ColorModel::Gray, {}, {}}, lzw_level,
                                OutputLock(dir / "x.tif")),
                  UsageError);
  WriteOptions odd_tile;
  odd_tile.tile = 100;
  CHECK_THROWS_AS(GeoTiffWriter({dir / "x.tif", {8, 8}, {}, PixelType::Byte, 1, ColorModel::Gray, {}, {}}, odd_tile,
                                OutputLock(dir / "x.tif")),
                  UsageError);
}

TEST_CASE("outputs that may pass 4 GiB are BigTIFF, smaller ones classic TIFF", "[io]") {
  TempDir dir;
  const auto magic = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char header[4] = {};
    in.read(header, 4);
    return static_cast<int>(header[2]);  // 42 classic, 43 BigTIFF
  };
  const std::string big = dir / "big.tif", small = dir / "small.tif";
  const auto zeros = [](RowBlock rows, std::int64_t cols) {
    BlockBuffer block(PixelType::Float32, 1, rows, cols);
    std::fill_n(block.band_data(0), block.band_bytes(), std::byte{0});
    return block;
  };
  GeoTiffWriter large({big, {40000, 40000}, {}, PixelType::Float32, 1, ColorModel::Gray, {}, {}}, WriteOptions{},
                      OutputLock(big));
  place_pixels(large, zeros({0, 512}, 40000));
  GeoTiffWriter little({small, {100, 100}, {}, PixelType::Float32, 1, ColorModel::Gray, {}, {}}, WriteOptions{},
                       OutputLock(small));
  place_pixels(little, zeros({0, 100}, 100));
  CHECK(magic(partial_path(big)) == 43);
  CHECK(magic(partial_path(small)) == 42);
}

TEST_CASE("tiles encoded apart and placed as they are read back as the same pixels, every codec and type",
          "[io]") {
  struct Case {
    PixelType type;
    int bands;
    ColorModel color;
    Codec codec;
    std::optional<int> level = {};
    int distinct_bytes = 16;  // compressible, not constant; 256: incompressible, stored
  };
  const Case cases[] = {{PixelType::Float32, 1, ColorModel::Gray, Codec::Deflate},
                        // DEFLATE's level 1 is igzip's, not libtiff's
                        {PixelType::Float32, 1, ColorModel::Gray, Codec::Deflate, 1},
                        {PixelType::Byte, 4, ColorModel::RGBA, Codec::Deflate, 1},
                        {PixelType::UInt16, 1, ColorModel::Gray, Codec::Deflate, 1, 256},
                        {PixelType::Float64, 2, ColorModel::Gray, Codec::Deflate, 1, 1},
                        {PixelType::UInt16, 1, ColorModel::Gray, Codec::Zstd},
                        {PixelType::Byte, 4, ColorModel::RGBA, Codec::Lzw},
                        {PixelType::Int16, 2, ColorModel::Gray, Codec::Deflate},
                        {PixelType::CFloat32, 1, ColorModel::Gray, Codec::Deflate},
                        {PixelType::Float64, 1, ColorModel::Gray, Codec::None},
                        {PixelType::Float32, 2, ColorModel::Gray, Codec::Zstd},
                        {PixelType::Float64, 1, ColorModel::Gray, Codec::Deflate},
                        {PixelType::Int32, 1, ColorModel::Gray, Codec::Lzw}};
  TempDir dir;
  const RasterSize size{100, 70};  // neither a multiple of the 32-pixel tiles
  for (const Case& c : cases) {
    INFO(name_of(c.type) << " x" << c.bands << " " << codec_name(c.codec) << " level " << c.level.value_or(0)
                         << ", " << c.distinct_bytes << " distinct bytes");
    const std::string path = dir / fmt::format("{}x{}-{}-{}-{}.tif", name_of(c.type), c.bands, codec_name(c.codec),
                                               c.level.value_or(0), c.distinct_bytes);
    WriteOptions options;
    options.codec = c.codec;
    options.level = c.level;
    options.tile = 32;
    const OutputSpec spec{path, size, kUtm, c.type, c.bands, c.color, {}, {}};
    BlockBuffer whole(c.type, c.bands, {0, size.rows}, size.cols);
    std::mt19937 random(7);
    for (std::size_t i = 0; i < whole.band_bytes() * static_cast<std::size_t>(c.bands); ++i)
      whole.band_data(0)[i] = static_cast<std::byte>(random() % c.distinct_bytes);
    const RowBlocks by_tile = split_rows(size.rows, 32);
    std::vector<RowBlock> tile_rows(by_tile.begin(), by_tile.end());
    std::shuffle(tile_rows.begin(), tile_rows.end(), random);
    {
      GeoTiffWriter writer(spec, options, OutputLock(path));
      for (const RowBlock rows : tile_rows) {
        BlockBuffer part(c.type, c.bands, rows, size.cols);
        const std::size_t row_bytes = static_cast<std::size_t>(size.cols) * size_of(c.type);
        for (int b = 0; b < c.bands; ++b)
          std::memcpy(part.band_data(b), whole.band_data(b) + static_cast<std::size_t>(rows.begin) * row_bytes,
                      part.band_bytes());
        writer.place(encode_tiles(part, tile_format(spec, options), 1));
      }
      writer.commit();
    }
    test::Dataset ds(path);
    REQUIRE(ds->GetRasterCount() == c.bands);
    std::vector<std::byte> back(whole.band_bytes() * static_cast<std::size_t>(c.bands));
    REQUIRE(ds->RasterIO(GF_Read, 0, 0, static_cast<int>(size.cols), static_cast<int>(size.rows), back.data(),
                         static_cast<int>(size.cols), static_cast<int>(size.rows), to_gdal(c.type), c.bands, nullptr,
                         0, 0, 0, nullptr) == CE_None);
    CHECK(std::memcmp(back.data(), whole.band_data(0), back.size()) == 0);
  }
}

TEST_CASE("encoded tiles are the bytes GDAL writes for the same pixels and codec, on one thread or several", "[io]") {
  struct Case {
    PixelType type;
    int bands;
    Codec codec;
  };
  const Case cases[] = {{PixelType::Float32, 1, Codec::Deflate},
                        {PixelType::Float32, 2, Codec::Deflate},
                        {PixelType::UInt16, 1, Codec::Deflate},
                        {PixelType::Byte, 4, Codec::Lzw}};
  init_gdal();
  TempDir dir;
  const RasterSize size{64, 80};  // the last tile column half outside the raster
  for (const Case& c : cases) {
    INFO(name_of(c.type) << " x" << c.bands << " " << codec_name(c.codec));
    BlockBuffer block(c.type, c.bands, {0, size.rows}, size.cols);
    std::mt19937 random(11);
    for (std::size_t i = 0; i < block.band_bytes() * static_cast<std::size_t>(c.bands); ++i)
      block.band_data(0)[i] = static_cast<std::byte>(random() % 16);
    const TileFormat format{c.type, c.bands, size.cols, 32, c.codec, {}};
    const EncodedRows ours = encode_tiles(block, format, 1);
    const EncodedRows on_four = encode_tiles(block, format, 4);  // 6 tiles: 1 or 2 a thread

    const std::string path = dir / fmt::format("gdal-{}x{}.tif", name_of(c.type), c.bands);
    CPLStringList options;
    options.SetNameValue("TILED", "YES");
    options.SetNameValue("BLOCKXSIZE", "32");
    options.SetNameValue("BLOCKYSIZE", "32");
    options.SetNameValue("INTERLEAVE", "PIXEL");
    options.SetNameValue("COMPRESS", c.codec == Codec::Lzw ? "LZW" : "DEFLATE");
    options.SetNameValue("PREDICTOR", std::to_string(format.predictor()).c_str());
    {
      GdalDataset gdal(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
          path.c_str(), static_cast<int>(size.cols), static_cast<int>(size.rows), c.bands, to_gdal(c.type),
          options.List()));
      REQUIRE(gdal);
      REQUIRE(gdal->RasterIO(GF_Write, 0, 0, static_cast<int>(size.cols), static_cast<int>(size.rows),
                             block.band_data(0), static_cast<int>(size.cols), static_cast<int>(size.rows),
                             to_gdal(c.type), c.bands, nullptr, 0, 0, 0, nullptr) == CE_None);
    }
    CHECK(test::raw_tiles(path) == ours.pieces);
    CHECK(on_four.pieces == ours.pieces);
    CHECK(on_four.crcs == ours.crcs);
  }
}

TEST_CASE("DEFLATE level 1 tiles are the same bytes on one thread or several, whatever a thread encoded before",
          "[io]") {
  const RasterSize size{96, 100};  // 3 x 4 tiles of 32, the last column partly outside
  BlockBuffer block(PixelType::Float32, 1, {0, size.rows}, size.cols);
  std::mt19937 random(5);
  for (std::size_t i = 0; i < block.band_bytes(); ++i) block.band_data(0)[i] = static_cast<std::byte>(random() % 16);
  const TileFormat format{.type = PixelType::Float32, .bands = 1, .cols = size.cols, .tile = 32,
                          .codec = Codec::Deflate, .level = 1};
  const EncodedRows one = encode_tiles(block, format, 1);  // one encoder for all 12 tiles, in turn
  const EncodedRows five = encode_tiles(block, format, 5);  // five, each starting at another tile
  CHECK(one.pieces == five.pieces);
  CHECK(one.crcs == five.crcs);
}

TEST_CASE("a finished output records its size and tiles' checksum, and tells when it is no longer whole", "[io]") {
  TempDir dir;
  const std::string path = dir / "out.tif";
  const RasterSize size{100, 70};
  WriteOptions options;
  options.tile = 32;
  {
    GeoTiffWriter writer({path, size, kUtm, PixelType::Float32, 1, ColorModel::Gray, {}, {}, "job"}, options,
                         OutputLock(path));
    place_pixels(writer, block_of({0, size.rows}, size.cols));
    writer.commit();
  }
  CHECK_THAT(test::metadata(path, kTilesKey, nullptr),
             Catch::Matches("size 0*" + std::to_string(std::filesystem::file_size(path)) + " crc32 [0-9a-f]{8}"));
  CHECK_FALSE(output_damage(path, false));
  CHECK_FALSE(output_damage(path, true));
  const std::string copy = dir / "copy.tif";
  std::filesystem::copy_file(path, copy);
  {  // a byte of the last tile flipped: the size and index stay whole
    std::fstream file(copy, std::ios::in | std::ios::out | std::ios::binary);
    const auto tiles = test::raw_tiles(copy);
    file.seekp(-static_cast<std::streamoff>(4096 - tiles.back().size() % 4096 + 7), std::ios::end);
    file.put('\x7f');
  }
  CHECK_FALSE(output_damage(copy, false));
  CHECK_THAT(output_damage(copy, true).value_or(""), Catch::Contains("checksum does not match"));
  std::filesystem::resize_file(copy, std::filesystem::file_size(copy) - 1);
  CHECK_THAT(output_damage(copy, false).value_or(""), Catch::Contains("bytes, not the"));
  // A copy GDAL rewrote carries the record, but not the bytes it describes.
  REQUIRE(test::run_command("gdal_translate -q " + path + " " + dir / "translated.tif").exit_code == 0);
  CHECK(output_damage(dir / "translated.tif", false));
  // A file no writer finished: no record, no verdict of whole.
  {
    GDALAllRegister();
    const std::string plain = dir / "plain.tif";
    std::unique_ptr<GDALDataset>(
        GetGDALDriverManager()->GetDriverByName("GTiff")->Create(plain.c_str(), 4, 4, 1, GDT_Byte, nullptr));
  }
  CHECK_THAT(output_damage(dir / "plain.tif", false).value_or(""), Catch::Contains("no record of its tiles"));
}
