#include "io/tiff_tiles.hpp"

#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "core/error.hpp"
#include "io/tiff_predictors.hpp"

namespace geostrip {

namespace {

// GDAL decodes a strip or tile whole too; one larger than this (a whole
// image in one strip) is left to GDAL, which reads such strips in parts.
constexpr std::size_t kMaxChunkBytes = std::size_t{64} << 20;

// The pixel type GDAL gives samples of `bits` and TIFF sample `format`,
// as geostrip writes them; nullopt for those geostrip leaves to GDAL
// (signed bytes, complex, odd widths).
std::optional<PixelType> stored_type(int bits, int format) {
  for (const PixelType type : {PixelType::Byte, PixelType::UInt16, PixelType::Int16, PixelType::UInt32,
                               PixelType::Int32, PixelType::Float32, PixelType::Float64})
    if (bits == static_cast<int>(8 * size_of(type)) && format == sample_format(type)) return type;
  return std::nullopt;
}

// The first `size` bytes of what a ZSTD frame decompresses to.
bool zstd_first(ZSTD_DCtx* context, const std::byte* from, std::size_t length, std::byte* to, std::size_t size) {
  if (ZSTD_isError(ZSTD_DCtx_reset(context, ZSTD_reset_session_only))) return false;
  ZSTD_inBuffer in{.src = from, .size = length, .pos = 0};
  ZSTD_outBuffer out{.dst = to, .size = size, .pos = 0};
  while (out.pos < out.size) {
    const std::size_t made = out.pos;
    const std::size_t status = ZSTD_decompressStream(context, &out, &in);
    if (ZSTD_isError(status) || status == 0 || (out.pos == made && in.pos == in.size)) break;
  }
  return out.pos == out.size;
}

}  // namespace

std::unique_ptr<TiffTiles> TiffTiles::open(const InputInfo& info, Halo overlap) {
  if (!info.gtiff || info.file.hdf5) return nullptr;
  std::optional<Tiff> opened = Tiff::open_read(info.file.path);
  if (!opened) return nullptr;
  TIFF* tiff = opened->get();
  std::uint32_t cols = 0, rows = 0;
  std::uint16_t bits = 0, format = SAMPLEFORMAT_UINT, samples = 1, planar = PLANARCONFIG_CONTIG,
                compression = COMPRESSION_NONE, predictor = PREDICTOR_NONE, photometric = PHOTOMETRIC_MINISBLACK;
  if (!TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &cols) || !TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &rows) ||
      !TIFFGetField(tiff, TIFFTAG_BITSPERSAMPLE, &bits))
    return nullptr;
  TIFFGetField(tiff, TIFFTAG_SAMPLEFORMAT, &format);
  TIFFGetField(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
  TIFFGetField(tiff, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetField(tiff, TIFFTAG_COMPRESSION, &compression);
  TIFFGetField(tiff, TIFFTAG_PREDICTOR, &predictor);
  TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric);
  const std::optional<PixelType> stored = stored_type(bits, format);
  // GDAL converts colour spaces (YCbCr, CIELab, ...) and inverts
  // min-is-white; a band of these three is the samples as stored.
  const bool as_stored = photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_RGB ||
                         photometric == PHOTOMETRIC_PALETTE;
  const bool own_codec = compression == COMPRESSION_NONE || compression == COMPRESSION_ADOBE_DEFLATE ||
                         compression == COMPRESSION_DEFLATE || compression == COMPRESSION_ZSTD;
  if (compression == COMPRESSION_NONE) predictor = PREDICTOR_NONE;  // libtiff applies none without a codec
  const bool own_predictor = predictor == PREDICTOR_NONE ||
                             (predictor == PREDICTOR_HORIZONTAL && format != SAMPLEFORMAT_IEEEFP) ||
                             (predictor == PREDICTOR_FLOATINGPOINT && format == SAMPLEFORMAT_IEEEFP);
  if (!stored || *stored != info.type || TIFFIsByteSwapped(tiff) || !as_stored || !own_codec || !own_predictor ||
      static_cast<std::int64_t>(cols) != info.size.cols || static_cast<std::int64_t>(rows) != info.size.rows ||
      info.file.band < 1 || info.file.band > samples ||
      (planar != PLANARCONFIG_CONTIG && planar != PLANARCONFIG_SEPARATE))
    return nullptr;

  Layout layout{.image_rows = rows,
                .tiled = TIFFIsTiled(tiff) != 0,
                .compression = compression,
                .predictor = predictor,
                .samples = planar == PLANARCONFIG_CONTIG ? samples : 1,
                .sample = planar == PLANARCONFIG_CONTIG ? info.file.band - 1 : 0,
                .sample_bytes = size_of(*stored)};
  if (layout.tiled) {
    std::uint32_t tile_cols = 0, tile_rows = 0;
    // TIFF allows tiles of 2^32 - 1 a side; GDAL's are at most 65536.
    constexpr std::uint32_t kMaxTileEdge = 65536;
    if (!TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &tile_cols) || !TIFFGetField(tiff, TIFFTAG_TILELENGTH, &tile_rows) ||
        tile_cols == 0 || tile_rows == 0 || tile_cols > kMaxTileEdge || tile_rows > kMaxTileEdge)
      return nullptr;
    layout.chunk_rows = tile_rows;
    layout.chunk_cols = tile_cols;
  } else {
    std::uint32_t rows_per_strip = rows;
    TIFFGetFieldDefaulted(tiff, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
    layout.chunk_rows = std::clamp<std::int64_t>(rows_per_strip, 1, rows);
    layout.chunk_cols = cols;
  }
  if (static_cast<std::size_t>(layout.chunk_rows * layout.chunk_cols) * static_cast<std::size_t>(layout.samples) *
          layout.sample_bytes > kMaxChunkBytes)
    return nullptr;
  layout.chunks_across = (info.size.cols + layout.chunk_cols - 1) / layout.chunk_cols;
  const std::int64_t chunks_down = (info.size.rows + layout.chunk_rows - 1) / layout.chunk_rows;
  const std::int64_t plane = planar == PLANARCONFIG_SEPARATE ? info.file.band - 1 : 0;
  layout.first_chunk = static_cast<std::uint32_t>(plane * chunks_down * layout.chunks_across);
  const std::int64_t chunks = layout.tiled ? TIFFNumberOfTiles(tiff) : TIFFNumberOfStrips(tiff);
  if (layout.first_chunk + chunks_down * layout.chunks_across > chunks) return nullptr;
  return std::unique_ptr<TiffTiles>(new TiffTiles(std::move(*opened), layout, *stored, overlap));
}

TiffTiles::TiffTiles(Tiff tiff, Layout layout, PixelType stored, Halo overlap)
    : tiff_(std::move(tiff)), layout_(layout), assembly_(layout.chunk_rows, layout.chunk_cols, stored, overlap) {
  if (layout_.compression == COMPRESSION_ZSTD)
    zstd_ = ZSTD_createDCtx();
  else if (layout_.compression != COMPRESSION_NONE)
    inflater_ = libdeflate_alloc_decompressor();
  if (!zstd_ && !inflater_ && layout_.compression != COMPRESSION_NONE)
    throw Error("out of memory for a decompressor");
}

TiffTiles::~TiffTiles() {
  libdeflate_free_decompressor(inflater_);
  ZSTD_freeDCtx(zstd_);
}

bool TiffTiles::read(BlockBuffer& into) {
  return assembly_.read(into, [this](std::int64_t chunk_row, std::int64_t chunk_col, std::int64_t rows,
                                     std::vector<std::byte>& pixels) {
    return decode(chunk_row, chunk_col, rows, pixels);
  });
}

std::int64_t TiffTiles::decode(std::int64_t chunk_row, std::int64_t chunk_col, std::int64_t wanted_rows,
                               std::vector<std::byte>& pixels) {
  const auto index =
      static_cast<std::uint32_t>(layout_.first_chunk + chunk_row * layout_.chunks_across + chunk_col);
  // A strip at the image's end holds only the image's rows; a tile is whole.
  const std::int64_t chunk_rows =
      layout_.tiled ? layout_.chunk_rows : std::min(layout_.chunk_rows, layout_.image_rows - chunk_row * layout_.chunk_rows);
  const std::size_t row_samples = static_cast<std::size_t>(layout_.chunk_cols) * static_cast<std::size_t>(layout_.samples);
  const std::size_t row_bytes = row_samples * layout_.sample_bytes;
  const std::size_t whole = static_cast<std::size_t>(chunk_rows) * row_bytes;
  // Its first rows only, when asked for fewer and that is the cheaper; they
  // are checked when the chunk is decoded whole.
  const bool deflated = layout_.compression != COMPRESSION_NONE && layout_.compression != COMPRESSION_ZSTD;
  const bool in_part = wanted_rows < chunk_rows && (!deflated || inflating_first_rows_pays(wanted_rows, chunk_rows));
  const std::int64_t rows = in_part ? wanted_rows : chunk_rows;
  const std::size_t decoded = static_cast<std::size_t>(rows) * row_bytes;
  const std::uint64_t bytes = TIFFGetStrileByteCount(tiff_.get(), index);
  // DEFLATE and ZSTD grow what they cannot compress by far less than this.
  if (bytes == 0 || bytes > whole + whole / 8 + 4096) return 0;
  stored_.resize(std::max<std::size_t>(stored_.size(), bytes));
  const auto size = static_cast<tmsize_t>(bytes);
  if ((layout_.tiled ? TIFFReadRawTile(tiff_.get(), index, stored_.data(), size)
                     : TIFFReadRawStrip(tiff_.get(), index, stored_.data(), size)) != size)
    return 0;
  std::byte* samples = pixels.data();
  if (layout_.samples > 1) {
    samples_.resize(std::max(samples_.size(), decoded));
    samples = samples_.data();
  }
  if (layout_.compression == COMPRESSION_NONE) {
    if (bytes < whole) return 0;
    std::memcpy(samples, stored_.data(), decoded);
  } else if (layout_.compression == COMPRESSION_ZSTD) {
    if (in_part ? !zstd_first(zstd_, stored_.data(), bytes, samples, decoded)
                : ZSTD_decompressDCtx(zstd_, samples, decoded, stored_.data(), bytes) != decoded)
      return 0;
  } else if (in_part) {
    if (!partial_.inflate_first(stored_.data(), bytes, samples, decoded)) return 0;
  } else {
    std::size_t made = 0;
    if (libdeflate_zlib_decompress(inflater_, stored_.data(), bytes, samples, decoded, &made) != LIBDEFLATE_SUCCESS ||
        made != decoded)
      return 0;
  }
  if (layout_.predictor != PREDICTOR_NONE)
    for (std::int64_t row = 0; row < rows; ++row)
      undo_predictor(layout_.predictor, samples + static_cast<std::size_t>(row) * row_bytes, row_samples,
                     layout_.sample_bytes, static_cast<std::size_t>(layout_.samples), row_);
  if (layout_.samples > 1) {
    const std::size_t pixel_count = static_cast<std::size_t>(rows * layout_.chunk_cols);
    const std::size_t width = layout_.sample_bytes;
    const std::byte* from = samples + static_cast<std::size_t>(layout_.sample) * width;
    for (std::size_t i = 0; i < pixel_count; ++i)
      std::memcpy(pixels.data() + i * width, from + i * static_cast<std::size_t>(layout_.samples) * width, width);
  }
  return rows;
}

}  // namespace geostrip
