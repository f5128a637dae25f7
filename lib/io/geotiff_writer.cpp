#include "io/geotiff_writer.hpp"

#include <cpl_string.h>
#include <ogr_spatialref.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <cstdio>

#include <fmt/core.h>

#include "core/error.hpp"
#include "io/checksum.hpp"
#include "io/gdal.hpp"

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
#if GDAL_VERSION_NUM < GDAL_COMPUTE_VERSION(3, 7, 0)
  if (spec.type == PixelType::Int8) list.SetNameValue("PIXELTYPE", "SIGNEDBYTE");
#endif
  if (spec.color == ColorModel::RGBA) {
    list.SetNameValue("PHOTOMETRIC", "RGB");
    list.SetNameValue("ALPHA", "YES");
  }
  return list;
}

// The tile record's place in the metadata until commit fills it in: the
// value's own width, so the header keeps its size.
constexpr std::string_view kTilesPlaceholder = "size ???????????????????? crc32 ????????";

std::string tiles_record(std::uint64_t size, std::uint32_t crc) { return fmt::format("size {:020} crc32 {:08x}", size, crc); }

std::optional<std::pair<std::uint64_t, std::uint32_t>> parse_tiles_record(const std::string& text) {
  unsigned long long size = 0;
  unsigned crc = 0;
  char end = 0;
  if (text.size() != kTilesPlaceholder.size() || std::sscanf(text.c_str(), "size %20llu crc32 %8x%c", &size, &crc, &end) != 2)
    return std::nullopt;
  return std::pair{static_cast<std::uint64_t>(size), static_cast<std::uint32_t>(crc)};
}

// The file GDAL makes for `spec`, without tiles: made in memory, so that the
// file on disk is one geostrip creates itself.
std::vector<std::byte> sparse_geotiff(const OutputSpec& spec, const TileFormat& format, const std::string& partial) {
  static std::atomic<std::uint64_t> made{0};
  const std::string name = fmt::format("/vsimem/geostrip-header-{}.tif", made++);
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
  CPLErrorReset();
  CPLStringList create = creation_options(spec, format);
  GdalDataset dataset(driver->Create(name.c_str(), static_cast<int>(spec.size.cols), static_cast<int>(spec.size.rows),
                                     spec.bands, to_gdal(spec.type), create.List()));
  if (!dataset) throw Error(partial + ": cannot create: " + gdal_error_or("unknown error"));
  if (GeoTransform transform; spec.georef.transform) {
    transform = *spec.georef.transform;
    dataset->SetGeoTransform(transform.data());
  }
  if (!spec.georef.crs_wkt.empty()) {
    OGRSpatialReference srs;
    srs.importFromWkt(spec.georef.crs_wkt.c_str());
    dataset->SetSpatialRef(&srs);
  }
  if (!spec.georef.gcps.empty()) {
    std::vector<GDAL_GCP> gcps;
    for (const Gcp& gcp : spec.georef.gcps)
      gcps.push_back({.pszId = const_cast<char*>(gcp.id.c_str()),
                      .pszInfo = const_cast<char*>(gcp.info.c_str()),
                      .dfGCPPixel = gcp.pixel,
                      .dfGCPLine = gcp.line,
                      .dfGCPX = gcp.x,
                      .dfGCPY = gcp.y,
                      .dfGCPZ = gcp.z});
    OGRSpatialReference srs;
    srs.importFromWkt(spec.georef.gcp_crs_wkt.c_str());
    if (dataset->SetGCPs(static_cast<int>(gcps.size()), gcps.data(), spec.georef.gcp_crs_wkt.empty() ? nullptr : &srs) !=
        CE_None)
      throw Error(partial + ": cannot store its " + std::to_string(gcps.size()) + " GCPs: " + gdal_error_or("GDAL failed"));
  }
  if (!spec.georef.rpc.empty()) {
    CPLStringList rpc;
    for (const auto& [key, value] : spec.georef.rpc) rpc.SetNameValue(key.c_str(), value.c_str());
    if (dataset->SetMetadata(rpc.List(), "RPC") != CE_None)
      throw Error(partial + ": cannot store its RPCs: " + gdal_error_or("GDAL failed"));
  }
  if (spec.nodata)
    for (int b = 1; b <= spec.bands; ++b) dataset->GetRasterBand(b)->SetNoDataValue(*spec.nodata);
  for (std::size_t b = 0; b < spec.band_names.size() && b < static_cast<std::size_t>(spec.bands); ++b)
    dataset->GetRasterBand(static_cast<int>(b) + 1)->SetDescription(spec.band_names[b].c_str());
  dataset->SetMetadataItem("TIFFTAG_SOFTWARE", "geostrip " GEOSTRIP_VERSION);
  if (!spec.fingerprint.empty()) dataset->SetMetadataItem(kFingerprintKey, spec.fingerprint.c_str());
  dataset->SetMetadataItem(kTilesKey, std::string(kTilesPlaceholder).c_str());
  // Closing writes the header and an empty tile index, which TileFile fills in.
  CPLErrorReset();
  dataset.reset();
  VSIUnlink((name + ".aux.xml").c_str());
  vsi_l_offset length = 0;
  GByte* bytes = VSIGetMemFileBuffer(name.c_str(), &length, TRUE);
  if (CPLGetLastErrorType() >= CE_Failure || !bytes)
    throw Error(partial + ": cannot create: " + gdal_error_or("GDAL failed"));
  std::vector<std::byte> file(reinterpret_cast<const std::byte*>(bytes), reinterpret_cast<const std::byte*>(bytes) + length);
  CPLFree(bytes);
  return file;
}

// The checksum of tiles [first, first + count) of `file`, read back, each
// present and inside the file (else throws Error), and the bytes it covers.
struct TilesChecksum {
  std::uint32_t crc = 0;
  std::uint64_t length = 0;
};
TilesChecksum checksum_tiles(const TileFile& file, std::int64_t first, std::int64_t count) {
  TilesChecksum sum;
  for (const TileEntry& entry : file.entries(first, count)) {
    if (entry.bytes == 0) throw Error(fmt::format("tile {} was never written", first));
    sum.crc = tile_checksum(sum.crc, entry, crc32_of(file.read(entry)));
    sum.length += kTileEntryBytes + entry.bytes;
    ++first;
  }
  return sum;
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

GeoTiffEncoder::GeoTiffEncoder(const OutputSpec& spec, const WriteOptions& options)
    : format_(tile_format(spec, options)), raster_rows_(spec.size.rows), raw_(spec.type, spec.bands, spec.size.cols) {}

void GeoTiffEncoder::encode(const BlockBuffer& pixels, EncodedRows& into) const {
  if (as_tiles(into.rows))
    encode_tiles(pixels, format_, into);
  else
    raw_.encode(pixels, into);
}

std::optional<std::string> output_damage(const std::string& path, bool reread) {
  const auto record = read_metadata_item(path, kTilesKey);
  const auto tiles = record ? parse_tiles_record(*record) : std::nullopt;
  if (!tiles) return "it has no record of its tiles";
  const auto [size, crc] = *tiles;
  try {
    auto fd = open_regular_file(path, O_RDONLY);
    struct stat status {};
    if (!fd || ::fstat(fd->get(), &status) != 0) return "it cannot be read";
    if (static_cast<std::uint64_t>(status.st_size) != size)
      return fmt::format("it has {} bytes, not the {} it was written with", status.st_size, size);
    const TileFile file(std::move(*fd), path);
    if (reread) {
      if (checksum_tiles(file, 0, file.tiles()).crc != crc)
        return "its tiles' checksum does not match the one it was written with";
    } else {
      for (const TileEntry& entry : file.entries(0, file.tiles()))
        if (entry.bytes == 0 || entry.offset > size || entry.bytes > size - entry.offset)
          return "its tile index is not whole";
    }
  } catch (const Error& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

GeoTiffWriter::GeoTiffWriter(OutputSpec spec, const WriteOptions& options, OutputLock lock)
    : lock_(std::move(lock)), spec_(std::move(spec)), partial_(partial_path(spec_.path)),
      encoder_(spec_, options), overwrite_(options.overwrite) {
  check_tile_format(encoder_.format());
  check_writable_target(spec_.path, overwrite_, "output");
  init_gdal();
  if (!(options.resume && !spec_.fingerprint.empty() && resume())) create();
  partial_identity_ = file_->identity();
  next_row_ = rows_on_disk_ = resumed_rows_;
}

bool GeoTiffWriter::resume() {
  const std::string journal_path = Journal::path_for(spec_.path);
  auto journal_fd = open_regular_file(journal_path, O_RDWR);
  if (!journal_fd) return false;
  const auto discard = [&](const std::string& why) {
    discarded_ = partial_ + ": not resumed, starting over: " + why;
    return false;
  };
  auto partial_fd = open_regular_file(partial_, O_RDWR);
  if (!partial_fd) return discard("it is missing, though its journal is there");
  struct stat owner {};
  if (::fstat(partial_fd->get(), &owner) != 0 || owner.st_uid != ::geteuid())
    return discard("it belongs to another user");
  // A journal is a line per tile row: far below this, unless it is not one.
  constexpr off_t kMaxJournalBytes = off_t{256} << 20;
  struct stat journal_status {};
  if (::fstat(journal_fd->get(), &journal_status) != 0 || journal_status.st_size > kMaxJournalBytes)
    return discard("its journal is not one geostrip wrote");
  std::string text(static_cast<std::size_t>(journal_status.st_size), '\0');
  if (::pread(journal_fd->get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
    return discard(journal_path + " cannot be read: " + std::strerror(errno));
  JournalReading reading = Journal::read(text, spec_.fingerprint, spec_.size.rows, encoder_.format().tile);
  if (!reading.contents)
    return reading.rejected.empty() ? false : discard(journal_path + ": " + reading.rejected);
  try {
    verify(file_.emplace(std::move(*partial_fd), partial_), *reading.contents);
  } catch (const Error& e) {
    file_.reset();
    return discard(std::string(e.what()));
  }
  journal_.emplace(Journal::resume(journal_path, std::move(*journal_fd), reading.contents->intact_bytes));
  return true;
}

void GeoTiffWriter::verify(const TileFile& file, const JournalContents& journal) {
  if (file.header_checksum(journal.header_bytes) != journal.header_crc)
    throw Error("its header is not the one its journal records");
  const std::int64_t tile = encoder_.format().tile, across = encoder_.format().tiles_across();
  std::int64_t rows = 0;
  std::uint32_t whole = 0;
  for (const JournalRecord& record : journal.records) {
    const std::int64_t first = rows / tile * across, count = (record.rows + tile - 1) / tile * across - first;
    try {
      const TilesChecksum sum = checksum_tiles(file, first, count);
      if (sum.crc != record.tiles_crc) throw Error("their bytes differ");
      whole = crc32_concat(whole, sum.crc, sum.length);
    } catch (const Error& e) {
      throw Error(fmt::format("rows {}-{} do not match its journal: {}", rows, record.rows - 1, e.what()));
    }
    rows = record.rows;
  }
  resumed_rows_ = rows;
  file_crc_ = whole;
}

void GeoTiffWriter::create() {
  const std::string journal_path = Journal::path_for(spec_.path);
  remove_leftover(partial_);
  remove_leftover(journal_path);
  const std::vector<std::byte> header = sparse_geotiff(spec_, encoder_.format(), partial_);
  UniqueFd fd = create_new_file(partial_);
  if (const int error = write_all(fd.get(), header))
    throw Error(partial_ + ": cannot create: " + std::strerror(error));
  file_.emplace(std::move(fd), partial_);
  if (!spec_.fingerprint.empty())
    journal_.emplace(Journal::create(journal_path, spec_.fingerprint, header.size(), crc32_of(header)));
}

GeoTiffWriter::~GeoTiffWriter() {
  if (kept_) return;
  file_.reset();
  if (journal_) journal_->remove();
  // Only the file this writer made: another may stand at its name by now.
  if (names_file(partial_, partial_identity_)) ::unlink(partial_.c_str());
}
void GeoTiffWriter::place(EncodedRows rows) {
  if (encoder_.as_tiles(rows.rows))
    place_tiles(std::move(rows));
  else
    assemble(std::move(rows));
}

void GeoTiffWriter::assemble(EncodedRows arrived) {
  const TileFormat& format = encoder_.format();
  const std::int64_t first = arrived.rows.begin;
  pending_.emplace(first, std::move(arrived));
  while (auto next = take(pending_, next_row_)) {
    const RowBlock rows = next->rows;
    for (std::int64_t row = rows.begin; row < rows.end;) {
      if (tile_row_.rows().empty() || row == tile_row_.rows().end) {
        const std::int64_t begin = row / format.tile * format.tile;
        tile_row_ = BlockBuffer(spec_.type, spec_.bands, {begin, std::min(begin + format.tile, spec_.size.rows)},
                                spec_.size.cols);
      }
      const std::int64_t end = std::min(rows.end, tile_row_.rows().end);
      const std::size_t row_bytes = static_cast<std::size_t>(spec_.size.cols) * size_of(spec_.type);
      for (int b = 0; b < spec_.bands; ++b)
        std::memcpy(tile_row_.band_data(b) + static_cast<std::size_t>(row - tile_row_.rows().begin) * row_bytes,
                    encoder_.raw().row_data(*next, b, row), static_cast<std::size_t>(end - row) * row_bytes);
      row = end;
      next_row_ = end;
      if (end == tile_row_.rows().end) place_tiles(encode_tiles(tile_row_, format));
    }
  }
}

void GeoTiffWriter::place_tiles(EncodedRows arrived) {
  const std::int64_t first = arrived.rows.begin;
  encoded_.emplace(first, std::move(arrived));
  while (auto next = take(encoded_, rows_on_disk_)) {
    const RowBlock rows = next->rows;
    const TileFormat& format = encoder_.format();
    const std::int64_t first_tile = rows.begin / format.tile * format.tiles_across();
    const std::vector<TileEntry> placed =
        file_->write(first_tile, next->pieces, fmt::format("writing rows {}-{}", rows.begin, rows.end - 1));
    // Each tile's own CRC came with it from its encoder: here they are only chained.
    std::uint32_t crc = 0;
    std::uint64_t length = 0;
    for (std::size_t t = 0; t < placed.size(); ++t) {
      crc = tile_checksum(crc, placed[t], next->crcs[t]);
      length += kTileEntryBytes + placed[t].bytes;
    }
    file_crc_ = crc32_concat(file_crc_, crc, length);
    rows_on_disk_ = rows.end;
    if (journal_) {
      // The tiles and their index to disk, then the journal.
      file_->sync();
      journal_->record({rows_on_disk_, crc});
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
  file_->fill_in_metadata(kTilesPlaceholder, tiles_record(file_->end(), file_crc_));
  close_and_sync();
  if (!names_file(partial_, partial_identity_))
    throw Error(partial_ + ": was replaced by another file during the run; " + spec_.path + " not written");
  rename_into_place(partial_, spec_.path, overwrite_);
  kept_ = true;
  if (journal_) journal_->remove();
}

std::int64_t GeoTiffWriter::suspend() {
  close_and_sync();
  kept_ = true;
  return rows_on_disk_;
}

}  // namespace geostrip
