#include "io/geotiff_writer.hpp"

#include <cpl_string.h>
#include <ogr_spatialref.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"

namespace geostrip {

namespace {

CPLStringList creation_options(const OutputSpec& spec, const WriteOptions& options) {
  CPLStringList list;
  list.SetNameValue("TILED", "YES");
  list.SetNameValue("BLOCKXSIZE", std::to_string(options.tile).c_str());
  list.SetNameValue("BLOCKYSIZE", std::to_string(options.tile).c_str());
  list.SetNameValue("BIGTIFF", "IF_SAFER");
  list.SetNameValue("NUM_THREADS", std::to_string(std::max(1, options.threads)).c_str());
  // Horizontal differencing for integers, floating-point for floats, none for
  // complex samples (libtiff's predictors do not take them).
  const char* predictor = is_integer(spec.type) ? "2" : is_complex(spec.type) ? "1" : "3";
  switch (options.codec) {
    case Codec::Deflate:
      list.SetNameValue("COMPRESS", "DEFLATE");
      list.SetNameValue("PREDICTOR", predictor);
      if (options.level) list.SetNameValue("ZLEVEL", std::to_string(*options.level).c_str());
      break;
    case Codec::Zstd:
      list.SetNameValue("COMPRESS", "ZSTD");
      list.SetNameValue("PREDICTOR", predictor);
      if (options.level) list.SetNameValue("ZSTD_LEVEL", std::to_string(*options.level).c_str());
      break;
    case Codec::Lzw:
      list.SetNameValue("COMPRESS", "LZW");
      list.SetNameValue("PREDICTOR", predictor);
      break;
    case Codec::None: break;
  }
  if (spec.color == ColorModel::RGBA) {
    list.SetNameValue("PHOTOMETRIC", "RGB");
    list.SetNameValue("ALPHA", "YES");
  }
  return list;
}

void check_level(const WriteOptions& options) {
  if (!options.level) return;
  const int level = *options.level;
  if (options.codec == Codec::Deflate && (level < 1 || level > 12))
    throw UsageError("--level " + std::to_string(level) + ": deflate takes 1-12");
  if (options.codec == Codec::Zstd && (level < 1 || level > 22))
    throw UsageError("--level " + std::to_string(level) + ": zstd takes 1-22");
  if (options.codec == Codec::Lzw || options.codec == Codec::None)
    throw UsageError("--level does not apply to --compress " +
                     std::string(options.codec == Codec::Lzw ? "lzw" : "none"));
}

}  // namespace

Codec parse_codec(std::string_view name) {
  if (name == "deflate") return Codec::Deflate;
  if (name == "zstd") return Codec::Zstd;
  if (name == "lzw") return Codec::Lzw;
  if (name == "none") return Codec::None;
  throw UsageError("--compress " + std::string(name) + ": expected deflate, zstd, lzw or none");
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

std::string partial_path(const std::string& path) { return path + ".partial"; }

GeoTiffWriter::GeoTiffWriter(OutputSpec spec, const WriteOptions& options)
    : spec_(std::move(spec)), partial_(partial_path(spec_.path)), tile_rows_(options.tile) {
  check_level(options);
  if (options.tile < 16 || options.tile % 16 != 0)
    throw UsageError("--tile " + std::to_string(options.tile) + ": must be a multiple of 16");
  if (!options.overwrite && std::filesystem::exists(spec_.path))
    throw Error(spec_.path + ": exists; pass --overwrite to replace it");
  init_gdal();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
  CPLErrorReset();
  CPLStringList create = creation_options(spec_, options);
  dataset_.reset(driver->Create(partial_.c_str(), static_cast<int>(spec_.size.cols),
                                static_cast<int>(spec_.size.rows), spec_.bands, to_gdal(spec_.type),
                                create.List()));
  if (!dataset_) throw Error(partial_ + ": cannot create: " + gdal_error_or("unknown error"));
  if (spec_.georef.transform) dataset_->SetGeoTransform(spec_.georef.transform->data());
  if (!spec_.georef.crs_wkt.empty()) {
    OGRSpatialReference srs;
    srs.importFromWkt(spec_.georef.crs_wkt.c_str());
    dataset_->SetSpatialRef(&srs);
  }
  if (spec_.nodata)
    for (int b = 1; b <= spec_.bands; ++b) dataset_->GetRasterBand(b)->SetNoDataValue(*spec_.nodata);
  dataset_->SetMetadataItem("TIFFTAG_SOFTWARE", "geostrip " GEOSTRIP_VERSION);
  for (const auto& [key, value] : spec_.metadata) dataset_->SetMetadataItem(key.c_str(), value.c_str());
}

GeoTiffWriter::~GeoTiffWriter() {
  if (committed_) return;
  dataset_.reset();
  std::error_code ignored;
  std::filesystem::remove(partial_, ignored);
}

void GeoTiffWriter::write(BlockBuffer block) {
  const std::int64_t first = block.rows().begin;
  pending_.emplace(first, std::move(block));
  append_pending();
}

void GeoTiffWriter::append_pending() {
  while (!pending_.empty() && pending_.begin()->first == next_row_) {
    BlockBuffer block = std::move(pending_.begin()->second);
    pending_.erase(pending_.begin());
    for (std::int64_t row = block.rows().begin; row < block.rows().end;) {
      if (tile_row_.rows().empty() || row == tile_row_.rows().end) {
        const std::int64_t begin = row / tile_rows_ * tile_rows_;
        tile_row_ = BlockBuffer(spec_.type, spec_.bands, {begin, std::min(begin + tile_rows_, spec_.size.rows)},
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
      if (end == tile_row_.rows().end) write_tile_row();
    }
  }
}

void GeoTiffWriter::write_tile_row() {
  const RowBlock rows = tile_row_.rows();
  const int cols = static_cast<int>(spec_.size.cols);
  const auto pixel = static_cast<GSpacing>(size_of(spec_.type));
  CPLErrorReset();
  CPLErr status = dataset_->RasterIO(GF_Write, 0, static_cast<int>(rows.begin), cols, static_cast<int>(rows.rows()),
                                     tile_row_.band_data(0), cols, static_cast<int>(rows.rows()),
                                     to_gdal(spec_.type), spec_.bands, nullptr, pixel, pixel * cols,
                                     static_cast<GSpacing>(tile_row_.band_bytes()), nullptr);
  // Encode and write the finished tiles now and drop them from GDAL's cache,
  // so memory does not grow with the raster.
  if (status == CE_None) {
    dataset_->FlushCache(false);
    status = CPLGetLastErrorType();
  }
  if (status >= CE_Failure)
    throw Error(partial_ + ": writing rows " + std::to_string(rows.begin) + "-" + std::to_string(rows.end - 1) +
                " failed: " + gdal_error_or("I/O error"));
}

void GeoTiffWriter::commit() {
  if (next_row_ != spec_.size.rows || !pending_.empty())
    throw Error(partial_ + ": internal error: " + std::to_string(next_row_) + " of " +
                std::to_string(spec_.size.rows) + " rows written at commit");
  CPLErrorReset();
  dataset_.reset();
  if (CPLGetLastErrorType() >= CE_Failure)
    throw Error(partial_ + ": closing failed: " + gdal_error_or("I/O error"));
  std::error_code error;
  std::filesystem::rename(partial_, spec_.path, error);
  if (error) throw Error(spec_.path + ": cannot rename from " + partial_ + ": " + error.message());
  committed_ = true;
}

}  // namespace geostrip
