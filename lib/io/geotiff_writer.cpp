#include "io/geotiff_writer.hpp"

#include <cpl_string.h>
#include <ogr_spatialref.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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
  list.SetNameValue("SPARSE_OK", "TRUE");  // an interrupted file holds only the tiles written
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

// A file, or a directory after a rename in it ("" is the current one), to disk.
void sync_file(const std::string& path) {
  const int fd = ::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (!synced) throw Error((path.empty() ? "." : path) + ": cannot sync to disk: " + std::strerror(error));
}

// GDAL reports a failed write without its cause; the two common ones are a
// full filesystem and a file-size limit (ulimit -f).
std::string likely_cause(const std::string& path, std::size_t bytes_wanted) {
  struct statvfs disk {};
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (statvfs(dir.empty() ? "." : dir.c_str(), &disk) == 0 &&
      static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize < bytes_wanted)
    return " (no space left on the device)";
  struct rlimit limit {};
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!error && getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      size + bytes_wanted > limit.rlim_cur)
    return " (file size limit reached, see ulimit -f)";
  return "";
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
  if (!open_to_resume(options)) create(options);
  next_row_ = rows_on_disk_ = resumed_rows_;
  if (!spec_.fingerprint.empty())
    journal_.emplace(Journal::path_for(spec_.path), spec_.fingerprint, resumed_rows_);
}

bool GeoTiffWriter::open_to_resume(const WriteOptions& options) {
  if (!options.resume || spec_.fingerprint.empty() || !std::filesystem::exists(partial_)) return false;
  const auto rows = Journal::rows_written(Journal::path_for(spec_.path), spec_.fingerprint);
  if (!rows || *rows > spec_.size.rows || (*rows % tile_rows_ != 0 && *rows != spec_.size.rows)) return false;
  CPLStringList open_options;
  open_options.SetNameValue("NUM_THREADS", std::to_string(std::max(1, options.threads)).c_str());
  CPLErrorReset();
  GdalDataset partial(GDALDataset::Open(partial_.c_str(), GDAL_OF_RASTER | GDAL_OF_UPDATE, nullptr,
                                        open_options.List()));
  // A partial file that does not open as this output is started over.
  if (!partial || partial->GetRasterYSize() != spec_.size.rows || partial->GetRasterXSize() != spec_.size.cols ||
      partial->GetRasterCount() != spec_.bands ||
      partial->GetRasterBand(1)->GetRasterDataType() != to_gdal(spec_.type))
    return false;
  dataset_ = std::move(partial);
  resumed_rows_ = *rows;
  return true;
}

void GeoTiffWriter::create(const WriteOptions& options) {
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
  if (!spec_.fingerprint.empty()) dataset_->SetMetadataItem(kFingerprintKey, spec_.fingerprint.c_str());
}

GeoTiffWriter::~GeoTiffWriter() {
  if (kept_) return;
  dataset_.reset();
  if (journal_) journal_->remove();
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
                " failed: " + gdal_error_or("I/O error") + likely_cause(partial_, tile_row_.band_bytes()));
  rows_on_disk_ = rows.end;
  if (journal_) {
    sync_file(partial_);
    journal_->record(rows_on_disk_);
  }
}

void GeoTiffWriter::close_and_sync() {
  CPLErrorReset();
  dataset_.reset();
  if (CPLGetLastErrorType() >= CE_Failure)
    throw Error(partial_ + ": closing failed: " + gdal_error_or("I/O error"));
  sync_file(partial_);
}

void GeoTiffWriter::commit() {
  if (next_row_ != spec_.size.rows || !pending_.empty())
    throw Error(partial_ + ": internal error: " + std::to_string(next_row_) + " of " +
                std::to_string(spec_.size.rows) + " rows written at commit");
  close_and_sync();
  std::error_code error;
  std::filesystem::rename(partial_, spec_.path, error);
  if (error) throw Error(spec_.path + ": cannot rename from " + partial_ + ": " + error.message());
  kept_ = true;
  sync_file(std::filesystem::path(spec_.path).parent_path().string());
  if (journal_) journal_->remove();
}

std::int64_t GeoTiffWriter::suspend() {
  close_and_sync();
  kept_ = true;
  return rows_on_disk_;
}

}  // namespace geostrip
