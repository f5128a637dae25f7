#pragma once
// Writes a tiled, compressed GeoTIFF as PATH.partial and renames it to PATH
// only when every row is written, so a file at PATH is always complete.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/block_buffer.hpp"
#include "core/pixel_type.hpp"
#include "geometry/georeference.hpp"
#include "io/block_writer.hpp"
#include "io/gdal.hpp"

namespace geostrip {

enum class Codec { Deflate, Zstd, Lzw, None };
Codec parse_codec(std::string_view name);  // throws UsageError
std::string_view codec_name(Codec codec);

struct WriteOptions {
  Codec codec = Codec::Deflate;
  std::optional<int> level;  // codec default when unset
  int tile = 512;            // tile edge, a multiple of 16
  bool overwrite = false;
  int threads = 1;  // encoder threads
};

struct OutputSpec {
  std::string path;
  RasterSize size;
  Georeference georef;
  PixelType type = PixelType::Float32;
  int bands = 1;
  ColorModel color = ColorModel::Gray;
  std::optional<double> nodata;
  std::map<std::string, std::string> metadata;  // dataset metadata items (default domain)
};

std::string partial_path(const std::string& path);

class GeoTiffWriter final : public BlockWriter {
 public:
  // Refuses an existing PATH unless options.overwrite; creates PATH.partial.
  GeoTiffWriter(OutputSpec spec, const WriteOptions& options);
  GeoTiffWriter(const GeoTiffWriter&) = delete;
  GeoTiffWriter& operator=(const GeoTiffWriter&) = delete;
  // An uncommitted writer removes its partial file.
  ~GeoTiffWriter() override;

  // Accepts blocks of whole rows (all bands, the output's type) in any order.
  // Rows are assembled into whole tile rows so that every tile is encoded once.
  void write(BlockBuffer block) override;

  // Every row has been written: flush, close, rename PATH.partial to PATH.
  void commit() override;

 private:
  void append_pending();
  void write_tile_row();

  OutputSpec spec_;
  std::string partial_;
  std::int64_t tile_rows_;
  GdalDataset dataset_;
  std::map<std::int64_t, BlockBuffer> pending_;  // blocks ahead of next_row_, by first row
  BlockBuffer tile_row_;
  std::int64_t next_row_ = 0;  // first row not yet copied into tile_row_
  bool committed_ = false;
};

}  // namespace geostrip
