#include "io/geotiff_writer.hpp"

#include <cpl_string.h>
#include <ogr_spatialref.h>
#include <fcntl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/core.h>

#include "core/error.hpp"
#include "io/gdal.hpp"
#include "io/unique_fd.hpp"

namespace geostrip {

namespace {

CPLStringList creation_options(const OutputSpec& spec, const TileFormat& format) {
  CPLStringList list;
  list.SetNameValue("TILED", "YES");
  list.SetNameValue("BLOCKXSIZE", std::to_string(format.tile).c_str());
  list.SetNameValue("BLOCKYSIZE", std::to_string(format.tile).c_str());
  list.SetNameValue("BIGTIFF", "IF_SAFER");
  list.SetNameValue("SPARSE_OK", "TRUE");  // no tiles until they are placed
  list.SetNameValue("INTERLEAVE", "PIXEL");  // as encode_tiles() lays them out
  std::string codec(codec_name(format.codec));
  std::transform(codec.begin(), codec.end(), codec.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  list.SetNameValue("COMPRESS", codec.c_str());
  if (format.predictor() != 1) list.SetNameValue("PREDICTOR", std::to_string(format.predictor()).c_str());
  if (spec.color == ColorModel::RGBA) {
    list.SetNameValue("PHOTOMETRIC", "RGB");
    list.SetNameValue("ALPHA", "YES");
  }
  return list;
}

// A directory, after a rename in it ("" is the current one), to disk.
void sync_directory(const std::string& path) {
  const std::string directory = path.empty() ? "." : path;
  const UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) != 0) throw Error(directory + ": cannot sync to disk: " + std::strerror(errno));
}

// The entry of `waiting` that starts at `row`, taken out of it: blocks and
// tile rows arrive in any order and are used in row order.
template <class T>
std::optional<T> take(std::map<std::int64_t, T>& waiting, std::int64_t row) {
  const auto entry = waiting.find(row);
  if (entry == waiting.end()) return std::nullopt;
  std::optional<T> taken(std::move(entry->second));
  waiting.erase(entry);
  return taken;
}

}  // namespace

std::string partial_path(const std::string& path) { return path + ".partial"; }

TileFormat tile_format(const OutputSpec& spec, const WriteOptions& options) {
  return {spec.type, spec.bands, spec.size.cols, options.tile, options.codec, options.level};
}

GeoTiffWriter::GeoTiffWriter(OutputSpec spec, const WriteOptions& options)
    : spec_(std::move(spec)), partial_(partial_path(spec_.path)), format_(tile_format(spec_, options)) {
  check_tile_format(format_);
  if (!options.overwrite && std::filesystem::exists(spec_.path))
    throw Error(spec_.path + ": exists; pass --overwrite to replace it");
  init_gdal();
  if (!open_to_resume(options)) create();
  file_.emplace(partial_);
  next_row_ = rows_on_disk_ = resumed_rows_;
  if (!spec_.fingerprint.empty())
    journal_.emplace(Journal::path_for(spec_.path), spec_.fingerprint, resumed_rows_);
}

bool GeoTiffWriter::open_to_resume(const WriteOptions& options) {
  if (!options.resume || spec_.fingerprint.empty() || !std::filesystem::exists(partial_)) return false;
  const auto rows = Journal::rows_written(Journal::path_for(spec_.path), spec_.fingerprint);
  if (!rows || *rows > spec_.size.rows || (*rows % format_.tile != 0 && *rows != spec_.size.rows)) return false;
  CPLErrorReset();
  const GdalDataset partial(GDALDataset::Open(partial_.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  // A partial file that does not open as this output is started over.
  if (!partial || partial->GetRasterYSize() != spec_.size.rows || partial->GetRasterXSize() != spec_.size.cols ||
      partial->GetRasterCount() != spec_.bands ||
      partial->GetRasterBand(1)->GetRasterDataType() != to_gdal(spec_.type))
    return false;
  int tile_cols = 0, tile_rows = 0;
  partial->GetRasterBand(1)->GetBlockSize(&tile_cols, &tile_rows);
  if (tile_cols != format_.tile || tile_rows != format_.tile) return false;
  resumed_rows_ = *rows;
  return true;
}

void GeoTiffWriter::create() {
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
  CPLErrorReset();
  CPLStringList create = creation_options(spec_, format_);
  GdalDataset dataset(driver->Create(partial_.c_str(), static_cast<int>(spec_.size.cols),
                                static_cast<int>(spec_.size.rows), spec_.bands, to_gdal(spec_.type),
                                create.List()));
  if (!dataset) throw Error(partial_ + ": cannot create: " + gdal_error_or("unknown error"));
  if (spec_.georef.transform) dataset->SetGeoTransform(spec_.georef.transform->data());
  if (!spec_.georef.crs_wkt.empty()) {
    OGRSpatialReference srs;
    srs.importFromWkt(spec_.georef.crs_wkt.c_str());
    dataset->SetSpatialRef(&srs);
  }
  if (spec_.nodata)
    for (int b = 1; b <= spec_.bands; ++b) dataset->GetRasterBand(b)->SetNoDataValue(*spec_.nodata);
  dataset->SetMetadataItem("TIFFTAG_SOFTWARE", "geostrip " GEOSTRIP_VERSION);
  if (!spec_.fingerprint.empty()) dataset->SetMetadataItem(kFingerprintKey, spec_.fingerprint.c_str());
  // Closing writes the header and an empty tile index, which TileFile fills in.
  CPLErrorReset();
  dataset.reset();
  if (CPLGetLastErrorType() >= CE_Failure) throw Error(partial_ + ": cannot create: " + gdal_error_or("I/O error"));
}

GeoTiffWriter::~GeoTiffWriter() {
  if (kept_) return;
  file_.reset();
  if (journal_) journal_->remove();
  std::error_code ignored;
  std::filesystem::remove(partial_, ignored);
}

void GeoTiffWriter::write(OutputBlock block) {
  if (auto* tiles = std::get_if<EncodedTiles>(&block))
    place(std::move(*tiles));
  else
    assemble(std::get<BlockBuffer>(std::move(block)));
}

void GeoTiffWriter::assemble(BlockBuffer arrived) {
  const std::int64_t first = arrived.rows().begin;
  pending_.emplace(first, std::move(arrived));
  while (auto next = take(pending_, next_row_)) {
    const BlockBuffer& block = *next;
    for (std::int64_t row = block.rows().begin; row < block.rows().end;) {
      if (tile_row_.rows().empty() || row == tile_row_.rows().end) {
        const std::int64_t begin = row / format_.tile * format_.tile;
        tile_row_ = BlockBuffer(spec_.type, spec_.bands, {begin, std::min(begin + format_.tile, spec_.size.rows)},
                                spec_.size.cols);
      }
      const std::int64_t end = std::min(block.rows().end, tile_row_.rows().end);
      const std::size_t row_bytes = static_cast<std::size_t>(spec_.size.cols) * size_of(spec_.type);
      for (int b = 0; b < spec_.bands; ++b)
        std::memcpy(tile_row_.band_data(b) + static_cast<std::size_t>(row - tile_row_.rows().begin) * row_bytes,
                    block.band_data(b) + static_cast<std::size_t>(row - block.rows().begin) * row_bytes,
                    static_cast<std::size_t>(end - row) * row_bytes);
      row = end;
      next_row_ = end;
      if (end == tile_row_.rows().end) place(encode_tiles(tile_row_, format_));
    }
  }
}

void GeoTiffWriter::place(EncodedTiles arrived) {
  const std::int64_t first = arrived.rows.begin;
  encoded_.emplace(first, std::move(arrived));
  while (auto next = take(encoded_, rows_on_disk_)) {
    const RowBlock rows = next->rows;
    const std::int64_t first_tile = rows.begin / format_.tile * format_.tiles_across();
    file_->write(first_tile, next->tiles, fmt::format("writing rows {}-{}", rows.begin, rows.end - 1));
    rows_on_disk_ = rows.end;
    if (journal_) {
      // The tiles and their index to disk, then the journal.
      file_->sync();
      journal_->record(rows_on_disk_);
    }
  }
}

void GeoTiffWriter::close_and_sync() {
  file_->close();
  file_.reset();
}

void GeoTiffWriter::commit() {
  if (rows_on_disk_ != spec_.size.rows || !pending_.empty() || !encoded_.empty())
    throw Error(partial_ + ": internal error: " + std::to_string(rows_on_disk_) + " of " +
                std::to_string(spec_.size.rows) + " rows written at commit");
  close_and_sync();
  std::error_code error;
  std::filesystem::rename(partial_, spec_.path, error);
  if (error) throw Error(spec_.path + ": cannot rename from " + partial_ + ": " + error.message());
  kept_ = true;
  sync_directory(std::filesystem::path(spec_.path).parent_path().string());
  if (journal_) journal_->remove();
}

std::int64_t GeoTiffWriter::suspend() {
  close_and_sync();
  kept_ = true;
  return rows_on_disk_;
}

}  // namespace geostrip
