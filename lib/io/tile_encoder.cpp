#include "io/tile_encoder.hpp"

#include <algorithm>
#include <cstring>
#include <future>
#include <optional>
#include <span>
#include <string>

#include "core/error.hpp"
#include "io/checksum.hpp"
#include "io/igzip.hpp"
#include "io/tiff.hpp"
#include "io/tiff_predictors.hpp"

namespace geostrip {

namespace {

// The levels GDAL uses when none is given (ZLEVEL 6, ZSTD_LEVEL 9), so
// geostrip and gdal_translate make the same files by default.
constexpr int kDeflateLevel = 6;
constexpr int kZstdLevel = 9;
// Overviews are previews, made again from the full resolution whenever it
// changes: at these levels their tiles cost 2.5-8x less time than at the
// defaults above, for 1-9% more bytes (docs/user-guide.md, "Overview level").
// Samples wider than a byte have low bytes of noise, which DEFLATE stores as
// literals at any level: level 1 (igzip's) costs them 0-4% more bytes than
// level 4, not the 10-17% it costs 8-bit samples, for a quarter of the time.
constexpr int kDeflateOverviewLevel = 4;
constexpr int kDeflateWideOverviewLevel = 1;
constexpr int kZstdOverviewLevel = 3;
// A tile is encoded whole in memory: 4096 x 4096 x 8 bytes x 4 bands is 512 MiB already.
constexpr int kMaxTile = 4096;

void set_tags(TIFF* tiff, const TileFormat& format, std::int64_t rows) {
  TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(format.cols));
  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(rows));
  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, static_cast<int>(size_of(format.type) * 8));
  TIFFSetField(tiff, TIFFTAG_SAMPLEFORMAT, sample_format(format.type));
  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, format.bands);
  TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tiff, TIFFTAG_TILEWIDTH, static_cast<std::uint32_t>(format.tile));
  TIFFSetField(tiff, TIFFTAG_TILELENGTH, static_cast<std::uint32_t>(format.tile));
  switch (format.codec) {
    case Codec::Deflate:
      TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
      TIFFSetField(tiff, TIFFTAG_ZIPQUALITY, format.level.value_or(kDeflateLevel));
      break;
    case Codec::Zstd:
      TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_ZSTD);
      TIFFSetField(tiff, TIFFTAG_ZSTD_LEVEL, format.level.value_or(kZstdLevel));
      break;
    case Codec::Lzw: TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_LZW); break;
    case Codec::None: TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_NONE); break;
  }
  // No TIFFTAG_PREDICTOR: predict_tile() has done it (the file declares it).
}

// Copies tile (row r0, col c0) of `block` into `tile`, bands interleaved by
// pixel, zeros beyond the block's rows or the raster's columns.
template <std::size_t kSampleBytes>
void fill_tile(const TileSource& block, std::int64_t r0, std::int64_t c0, int edge, std::byte* tile) {
  const int bands = block.bands();
  const std::size_t pixel = kSampleBytes * static_cast<std::size_t>(bands);
  const std::int64_t rows = std::min<std::int64_t>(edge, block.rows.rows() - r0);
  const std::int64_t cols = std::min<std::int64_t>(edge, block.cols - c0);
  const std::size_t tile_row = pixel * static_cast<std::size_t>(edge);
  if (rows < edge || cols < edge) std::memset(tile, 0, tile_row * static_cast<std::size_t>(edge));  // an edge tile
  for (std::int64_t r = 0; r < rows; ++r) {
    std::byte* out = tile + static_cast<std::size_t>(r) * tile_row;
    for (int b = 0; b < bands; ++b) {
      const std::byte* in = block.band_rows[static_cast<std::size_t>(b)] +
                            static_cast<std::size_t>((r0 + r) * block.cols + c0) * kSampleBytes;
      if (bands == 1) {
        std::memcpy(out, in, static_cast<std::size_t>(cols) * kSampleBytes);
        continue;
      }
      for (std::int64_t c = 0; c < cols; ++c)
        std::memcpy(out + static_cast<std::size_t>(c) * pixel + static_cast<std::size_t>(b) * kSampleBytes,
                    in + static_cast<std::size_t>(c) * kSampleBytes, kSampleBytes);
    }
  }
}

// Predictor 2 or 3 on every row of a tile, bands interleaved.
void predict_tile(std::byte* tile, const TileFormat& format, std::vector<std::byte>& scratch) {
  const int predictor = format.predictor();
  if (predictor == PREDICTOR_NONE) return;
  const std::size_t width = size_of(format.type), stride = static_cast<std::size_t>(format.bands);
  const std::size_t n = stride * static_cast<std::size_t>(format.tile);  // samples in a tile row
  for (int r = 0; r < format.tile; ++r)
    apply_predictor(predictor, tile + static_cast<std::size_t>(r) * n * width, n, width, stride, scratch);
}

void fill_tile(const TileSource& block, std::int64_t r0, std::int64_t c0, int edge, std::byte* tile) {
  switch (size_of(block.type)) {
    case 1: return fill_tile<1>(block, r0, c0, edge, tile);
    case 2: return fill_tile<2>(block, r0, c0, edge, tile);
    case 4: return fill_tile<4>(block, r0, c0, edge, tile);
    default: return fill_tile<8>(block, r0, c0, edge, tile);
  }
}

// DEFLATE's fastest level is igzip's (io/igzip.hpp); the others, and the
// other codecs, are libtiff's.
bool igzip_encodes(const TileFormat& format) { return format.codec == Codec::Deflate && format.level == 1; }

// The bytes of one tile, filled and predicted, encoded by libtiff as the one
// tile of a TIFF in memory: a block's tiles in one TIFF would grow its
// buffer by doubling to all of them, then copy them out, twice the memory.
std::vector<std::byte> libtiff_tile(std::span<std::byte> tile, const TileFormat& format, const TileSource& block) {
  TileFormat one_tile = format;
  one_tile.cols = format.tile;
  Tiff tiff = Tiff::create_in_memory();
  set_tags(tiff.get(), one_tile, format.tile);
  std::uint64_t* offsets = nullptr;
  std::uint64_t* counts = nullptr;
  if (TIFFWriteEncodedTile(tiff.get(), 0, tile.data(), static_cast<tmsize_t>(tile.size())) < 0 ||
      !TIFFGetField(tiff.get(), TIFFTAG_TILEOFFSETS, &offsets) ||
      !TIFFGetField(tiff.get(), TIFFTAG_TILEBYTECOUNTS, &counts))
    throw Error("encoding tiles of rows " + std::to_string(block.rows.begin) + "-" +
                std::to_string(block.rows.end - 1) + " failed: " + tiff.error_or("unknown error"));
  const std::byte* file = tiff.bytes().data();
  return {file + offsets[0], file + offsets[0] + counts[0]};
}

// Tiles [first, end) of `block`, numbered row by row, into their places in `into`, sized already.
void encode_tile_range(const TileSource& block, const TileFormat& format, EncodedRows& into, std::int64_t first,
                       std::int64_t end) {
  TileFormat part = format;
  part.cols = block.cols;
  const auto tile_bytes = size_of(format.type) * static_cast<std::size_t>(format.bands * format.tile * format.tile);
  std::vector<std::byte> tile(tile_bytes), scratch;
  std::optional<IgzipEncoder> igzip;
  if (igzip_encodes(format)) igzip.emplace();
  const std::int64_t across = part.tiles_across();
  // The block `into` may have more tile rows than these pixels, which start on one of them.
  const std::int64_t first_tile_row = (block.rows.begin - into.rows.begin) / format.tile;
  for (std::int64_t t = first; t < end; ++t) {
    fill_tile(block, t / across * format.tile, t % across * format.tile, format.tile, tile.data());
    predict_tile(tile.data(), format, scratch);
    const auto place = static_cast<std::size_t>((first_tile_row + t / across) * format.tiles_across() +
                                                block.first_col / format.tile + t % across);
    into.pieces[place] = igzip ? igzip->encode(tile) : libtiff_tile(tile, format, block);
    into.crcs[place] = crc32_of(into.pieces[place]);
  }
}

// The tiles `block` covers: its columns' tiles in each of its tile rows.
std::int64_t tiles_of(const TileSource& block, const TileFormat& format) {
  TileFormat part = format;
  part.cols = block.cols;
  return static_cast<std::int64_t>(part.tiles_in(block.rows));
}

TileSource source_of(const BlockBuffer& block) {
  TileSource pixels{.type = block.type(), .rows = block.rows(), .first_col = block.first_col(), .cols = block.cols(),
                    .band_rows = {}};
  for (int b = 0; b < block.bands(); ++b) pixels.band_rows.push_back(block.band_data(b));
  return pixels;
}

}  // namespace

Codec parse_codec(std::string_view name, std::string_view option) {
  if (name == "deflate") return Codec::Deflate;
  if (name == "zstd") return Codec::Zstd;
  if (name == "lzw") return Codec::Lzw;
  if (name == "none") return Codec::None;
  throw UsageError(std::string(option) + " " + std::string(name) + ": expected deflate, zstd, lzw or none");
}

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::Deflate: return "deflate";
    case Codec::Zstd: return "zstd";
    case Codec::Lzw: return "lzw";
    case Codec::None: return "none";
  }
  return "none";
}

int TileFormat::predictor() const {
  if (codec == Codec::None || is_complex(type)) return 1;
  return is_integer(type) ? 2 : 3;
}

void check_tile_edge(int tile) {
  if (tile < 16 || tile % 16 != 0 || tile > kMaxTile)
    throw UsageError("--tile " + std::to_string(tile) + ": must be a multiple of 16, at most " +
                     std::to_string(kMaxTile));
}

void check_level(Codec codec, std::optional<int> level, std::string_view option, std::string_view codec_option) {
  if (!level) return;
  const std::string given = std::string(option) + " " + std::to_string(*level);
  if (codec == Codec::Deflate && (*level < 1 || *level > 12)) throw UsageError(given + ": deflate takes 1-12");
  if (codec == Codec::Zstd && (*level < 1 || *level > 22)) throw UsageError(given + ": zstd takes 1-22");
  if (codec == Codec::Lzw || codec == Codec::None)
    throw UsageError(std::string(option) + " does not apply to " + std::string(codec_option) + " " +
                     std::string(codec_name(codec)));
}

void check_tile_format(const TileFormat& format) {
  check_tile_edge(format.tile);
  check_level(format.codec, format.level, "--level");
}

std::optional<int> overview_level(Codec codec, PixelType type, std::optional<int> level, std::optional<int> chosen) {
  if (chosen) return chosen;
  switch (codec) {
    case Codec::Deflate:
      return std::min(level.value_or(kDeflateLevel),
                      size_of(type) > 1 ? kDeflateWideOverviewLevel : kDeflateOverviewLevel);
    case Codec::Zstd: return std::min(level.value_or(kZstdLevel), kZstdOverviewLevel);
    case Codec::Lzw:
    case Codec::None: break;
  }
  return std::nullopt;
}

void size_tiles(const TileFormat& format, EncodedRows& into) {
  into.pieces.resize(format.tiles_in(into.rows));
  into.crcs.resize(into.pieces.size());
}

void encode_tiles(const TileSource& block, const TileFormat& format, EncodedRows& into) {
  size_tiles(format, into);
  encode_tile_range(block, format, into, 0, tiles_of(block, format));
}

void encode_tiles(const BlockBuffer& block, const TileFormat& format, EncodedRows& into) {
  encode_tiles(source_of(block), format, into);
}

EncodedRows encode_tiles(const BlockBuffer& block, const TileFormat& format, int threads) {
  EncodedRows encoded{.rows = block.rows(), .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}};
  size_tiles(format, encoded);
  const TileSource pixels = source_of(block);
  const std::int64_t tiles = tiles_of(pixels, format);
  const std::int64_t parts = std::clamp<std::int64_t>(threads, 1, tiles);
  const auto part = [&](std::int64_t p) {
    encode_tile_range(pixels, format, encoded, tiles * p / parts, tiles * (p + 1) / parts);
  };
  std::vector<std::future<void>> others;
  for (std::int64_t p = 1; p < parts; ++p) others.push_back(std::async(std::launch::async, part, p));
  part(0);
  for (std::future<void>& other : others) other.get();  // rethrows a part's error
  return encoded;
}

}  // namespace geostrip
