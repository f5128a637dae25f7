#include "io/geotiff_writer.hpp"

#include <cpl_string.h>
#include <ogr_spatialref.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <span>
#include <atomic>
#include <chrono>
#include <cctype>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <cstdio>

#include <fmt/core.h>

#include "core/error.hpp"
#include "io/checksum.hpp"
#include "io/gdal.hpp"

namespace geostrip {

namespace {

// What a tile row's write is called in an error: "writing rows 512-1023".
std::string writing_rows(std::int64_t first_row, std::int64_t tile, std::int64_t rows_end) {
  return fmt::format("writing rows {}-{}", first_row, std::min(first_row + tile, rows_end) - 1);
}

// The name GDAL's COMPRESS takes for `codec`: "DEFLATE".
std::string gdal_codec_name(Codec codec) {
  std::string name(codec_name(codec));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return name;
}

CPLStringList creation_options(const OutputSpec& spec, const TileFormat& format) {
  CPLStringList list;
  list.SetNameValue("TILED", "YES");
  list.SetNameValue("BLOCKXSIZE", std::to_string(format.tile).c_str());
  list.SetNameValue("BLOCKYSIZE", std::to_string(format.tile).c_str());
  list.SetNameValue("BIGTIFF", "IF_SAFER");
  list.SetNameValue("SPARSE_OK", "TRUE");  // no tiles until they are placed
  list.SetNameValue("INTERLEAVE", "PIXEL");  // as encode_tiles() lays them out
  list.SetNameValue("COMPRESS", gdal_codec_name(format.codec).c_str());
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

// The metadata item of band `band` (1-based) that holds statistic `item`
// until commit fills it in: as wide as any value, unique in the metadata.
constexpr std::array<const char*, 5> kStatistics{"MINIMUM", "MAXIMUM", "MEAN", "STDDEV", "VALID_PERCENT"};
constexpr std::size_t kStatisticWidth = 24;  // "-1.2345678901234567e-308"
// Blocks that may wait for GDAL's header (a block of one tile row of 8780
// Float32 columns with overviews: about 15 MB).
constexpr std::size_t kBlocksAwaitingHeader = 4;
std::string statistic_placeholder(int band, const char* item) {
  return fmt::format("{:?<{}}", fmt::format("@{}{}", band, item), kStatisticWidth);
}

// Georeference, nodata, descriptions, colours and geostrip's metadata items
// (with placeholders for the tile record and statistics) onto a new dataset.
void describe(GDALDataset& dataset, const OutputSpec& spec, const SummarySpec& summary, const std::string& partial) {
  if (GeoTransform transform; spec.georef.transform) {
    transform = *spec.georef.transform;
    dataset.SetGeoTransform(transform.data());
  }
  if (!spec.georef.crs_wkt.empty()) {
    OGRSpatialReference srs;
    srs.importFromWkt(spec.georef.crs_wkt.c_str());
    dataset.SetSpatialRef(&srs);
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
    if (dataset.SetGCPs(static_cast<int>(gcps.size()), gcps.data(), spec.georef.gcp_crs_wkt.empty() ? nullptr : &srs) !=
        CE_None)
      throw Error(partial + ": cannot store its " + std::to_string(gcps.size()) + " GCPs: " + gdal_error_or("GDAL failed"));
  }
  if (!spec.georef.rpc.empty()) {
    CPLStringList rpc;
    for (const auto& [key, value] : spec.georef.rpc) rpc.SetNameValue(key.c_str(), value.c_str());
    if (dataset.SetMetadata(rpc.List(), "RPC") != CE_None)
      throw Error(partial + ": cannot store its RPCs: " + gdal_error_or("GDAL failed"));
  }
  for (int b = 1; b <= spec.bands; ++b) {
    GDALRasterBand& band = *dataset.GetRasterBand(b);
    if (spec.nodata) band.SetNoDataValue(*spec.nodata);
    if (static_cast<std::size_t>(b) <= spec.band_names.size())
      band.SetDescription(spec.band_names[static_cast<std::size_t>(b) - 1].c_str());
    if (summary.stats)
      for (const char* item : kStatistics)
        band.SetMetadataItem((std::string("STATISTICS_") + item).c_str(), statistic_placeholder(b, item).c_str());
  }
  dataset.SetMetadataItem("TIFFTAG_SOFTWARE", "geostrip " GEOSTRIP_VERSION);
  if (!spec.fingerprint.empty()) dataset.SetMetadataItem(kFingerprintKey, spec.fingerprint.c_str());
  dataset.SetMetadataItem(kTilesKey, std::string(kTilesPlaceholder).c_str());
}

// A VRT of `size` without sources: what GDAL copies the COG header from.
std::string empty_vrt(const OutputSpec& spec, RasterSize size) {
  std::string xml = fmt::format(R"(<VRTDataset rasterXSize="{}" rasterYSize="{}">)", size.cols, size.rows);
  for (int b = 1; b <= spec.bands; ++b)
    xml += fmt::format(R"(<VRTRasterBand dataType="{}" band="{}">{}</VRTRasterBand>)",
                       GDALGetDataTypeName(to_gdal(spec.type)), b,
                       spec.nodata ? fmt::format("<NoDataValue>{}</NoDataValue>", *spec.nodata) : std::string());
  return xml + "</VRTDataset>";
}

GdalHeader take_from_memory(const std::string& name, const std::string& partial) {
  GdalHeader header;
  const std::string aux = name + ".aux.xml";
  vsi_l_offset length = 0;
  if (GByte* text = VSIGetMemFileBuffer(aux.c_str(), &length, TRUE)) {
    header.sidecar.emplace(reinterpret_cast<const char*>(text), length);
    CPLFree(text);
  }
  GByte* bytes = VSIGetMemFileBuffer(name.c_str(), &length, TRUE);
  if (CPLGetLastErrorType() >= CE_Failure || !bytes)
    throw Error(partial + ": cannot create: " + gdal_error_or("GDAL failed"));
  header.bytes.assign(reinterpret_cast<const std::byte*>(bytes), reinterpret_cast<const std::byte*>(bytes) + length);
  CPLFree(bytes);
  return header;
}

std::string memory_name(std::string_view what) {
  static std::atomic<std::uint64_t> made{0};
  return fmt::format("/vsimem/geostrip-{}-{}", what, made++);
}

// The nodata tag's text as GDAL writes it.
std::string gdal_nodata_text(double nodata) {
  if (std::isnan(nodata)) return "nan";
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.18g", nodata);
  return text.data();
}

// The file GDAL makes for `spec`, without tiles: made in memory, so that the
// file on disk is one geostrip creates itself. In COG's layout, GDAL copies
// it from a VRT without sources whose overviews have the levels' sizes:
// every directory first (overviews' included, in `overview_format`'s
// codec), then nothing (sparse).
GdalHeader sparse_geotiff(const OutputSpec& spec, const TileFormat& format, const SummarySpec& summary, bool cog,
                          const TileFormat& overview_format, const std::string& partial) {
  const std::string name = memory_name("header") + ".tif";
  GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
  CPLStringList options = creation_options(spec, format);
  CPLErrorReset();
  if (!cog) {
    GdalDataset dataset(gtiff->Create(name.c_str(), static_cast<int>(spec.size.cols), static_cast<int>(spec.size.rows),
                                      spec.bands, to_gdal(spec.type), options.List()));
    if (!dataset) throw Error(partial + ": cannot create: " + gdal_error_or("unknown error"));
    describe(*dataset, spec, summary, partial);
    // Closing writes the header and an empty tile index, which TileFile fills in.
    CPLErrorReset();
    dataset.reset();
    return take_from_memory(name, partial);
  }
  // GDAL reads the whole VRT to find each tile empty: against NaN or any
  // other nodata but 0 pixel by pixel, against 0 a word at a time (the
  // header of 77 Mpixel of Float32: 0.16-0.28 CPU-s against 0.05). So its
  // nodata is 0 where the real one's tag fits in the same entry, which is
  // then written in place: the same bytes as GDAL's header with the real one.
  OutputSpec made = spec;
  const std::string nodata_text = spec.nodata ? gdal_nodata_text(*spec.nodata) : std::string();
  const bool stand_in = spec.nodata && *spec.nodata != 0 && nodata_text.size() <= 3;
  if (stand_in) made.nodata = 0.0;
  std::vector<std::string> levels;
  for (const RasterSize& size : summary.levels) {
    levels.push_back(memory_name("level") + ".vrt");
    const std::string xml = empty_vrt(made, size);
    VSIFCloseL(VSIFileFromMemBuffer(levels.back().c_str(), reinterpret_cast<GByte*>(CPLStrdup(xml.c_str())),
                                    xml.size(), TRUE));
  }
  std::string xml;
  {
    GdalDataset source(GetGDALDriverManager()->GetDriverByName("VRT")->Create(
        "", static_cast<int>(spec.size.cols), static_cast<int>(spec.size.rows), spec.bands, to_gdal(spec.type), nullptr));
    if (!source) throw Error(partial + ": cannot create: " + gdal_error_or("unknown error"));
    describe(*source, made, summary, partial);
    xml = source->GetMetadata("xml:VRT")[0];
  }
  // Each band's overviews go at the end of its element.
  constexpr std::string_view kBandEnd = "</VRTRasterBand>";
  std::size_t at = 0;
  for (int b = 1; (at = xml.find(kBandEnd, at)) != std::string::npos; ++b) {
    std::string overviews;
    for (const std::string& level : levels)
      overviews += fmt::format(R"(<Overview><SourceFilename relativeToVRT="0">{}</SourceFilename><SourceBand>{}</SourceBand></Overview>)",
                               level, b);
    xml.insert(at, overviews);
    at += overviews.size() + kBandEnd.size();
  }
  const GdalDataset source(static_cast<GDALDataset*>(GDALOpen(xml.c_str(), GA_ReadOnly)));
  if (!source) throw Error(partial + ": cannot create: " + gdal_error_or("unknown error"));
  options.SetNameValue("COPY_SRC_OVERVIEWS", "YES");
  // As GDAL's COG driver passes its OVERVIEW_COMPRESS to GTiff (this thread's only).
  const CPLConfigOptionSetter codec("COMPRESS_OVERVIEW", gdal_codec_name(overview_format.codec).c_str(), false);
  const CPLConfigOptionSetter predictor("PREDICTOR_OVERVIEW", std::to_string(overview_format.predictor()).c_str(),
                                        false);
  GdalDataset copy(gtiff->CreateCopy(name.c_str(), source.get(), FALSE, options.List(), nullptr, nullptr));
  if (!copy) throw Error(partial + ": cannot create: " + gdal_error_or("unknown error"));
  CPLErrorReset();
  copy.reset();
  for (const std::string& level : levels) VSIUnlink(level.c_str());
  GdalHeader header = take_from_memory(name, partial);
  if (stand_in) replace_nodata_tags(header.bytes, "0", nodata_text, partial);
  return header;
}

// The checksum of tiles [first, first + count) of `file`, read back, each
// present and inside the file (else throws Error), and each tile's crc32_of().
struct TilesChecksum {
  std::uint32_t crc = 0;
  std::vector<std::uint32_t> tile_crcs;
};
TilesChecksum checksum_tiles(const TileFile& file, std::int64_t first, std::int64_t count) {
  TilesChecksum sum;
  const std::vector<TileEntry> entries = file.entries(first, count);
  for (const TileEntry& entry : entries) {
    if (entry.bytes == 0) throw Error(fmt::format("tile {} was never written", first));
    sum.tile_crcs.push_back(crc32_of(file.read(entry)));
    ++first;
  }
  sum.crc = tile_checksum(entries, sum.tile_crcs);
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
std::string cog_copy_path(const std::string& path) { return path + ".partial-cog"; }
std::string overview_store_path(const std::string& path) { return path + ".partial-overviews"; }
std::string sidecar_path(const std::string& path) { return path + ".aux.xml"; }

TileFormat tile_format(const OutputSpec& spec, const WriteOptions& options) {
  return {spec.type, spec.bands, spec.size.cols, options.tile, options.codec, options.level};
}

SummarySpec summary_spec(const OutputSpec& spec, const WriteOptions& options) {
  SummarySpec summary{.type = spec.type,
                      .bands = spec.bands,
                      .size = spec.size,
                      .tile = options.tile,
                      .nodata = spec.nodata,
                      .levels = {},
                      .resampling = options.overview_resampling.value_or(spec.overview_default),
                      .stats = options.stats.value_or(options.cog) && spec.type != PixelType::CFloat32};
  if (options.overviews.value_or(options.cog)) {
    if (spec.type == PixelType::CFloat32) {
      if (options.overviews) throw UsageError("--overviews: a complex output has no overviews");
      return summary;
    }
    // GDAL tiles overviews with a power of two from 64 to 4096 only (GDAL_TIFF_OVR_BLOCKSIZE).
    if (std::popcount(static_cast<unsigned>(options.tile)) != 1 || options.tile < 64)
      throw UsageError(fmt::format("--tile {}: overviews need a tile edge that is a power of two from 64 to 4096",
                                   options.tile));
    summary.levels = overview_sizes(spec.size, options.tile);
  }
  return summary;
}

OverviewCoding overview_coding(const WriteOptions& options, PixelType type) {
  const Codec codec = options.overview_codec.value_or(options.codec);
  return {.codec = codec,
          .level = overview_level(codec, type, codec == options.codec ? options.level : std::nullopt,
                                  options.overview_level)};
}

bool cog_layout(const WriteOptions& options, const SummarySpec& summary) { return options.cog || !summary.levels.empty(); }

GeoTiffEncoder::GeoTiffEncoder(const OutputSpec& spec, const WriteOptions& options)
    : format_(tile_format(spec, options)), raster_rows_(spec.size.rows), raw_(spec.type, spec.bands, spec.size.cols),
      summary_(summary_spec(spec, options)) {
  for (int k = 1; k <= summary_.tile_levels(); ++k)
    level_raw_.emplace_back(spec.type, spec.bands, summary_.levels[static_cast<std::size_t>(k - 1)].cols);
  const OverviewCoding coding = overview_coding(options, spec.type);
  for (const RasterSize& level : summary_.levels) {
    level_formats_.push_back(format_);
    level_formats_.back().cols = level.cols;
    level_formats_.back().codec = coding.codec;
    level_formats_.back().level = coding.level;
  }
}

bool GeoTiffEncoder::level_as_tiles(int level, RowBlock rows) const {
  return !rows.empty() && whole_tile_rows(rows, format_.tile, summary_.levels[static_cast<std::size_t>(level - 1)].rows);
}

std::size_t GeoTiffEncoder::finish_parts(EncodedRows& into) const {
  std::size_t parts = 0;
  for (std::size_t k = 0; k < into.overviews.size(); ++k) {
    EncodedRows& level = into.overviews[k];
    if (!level_as_tiles(static_cast<int>(k) + 1, level.rows)) continue;
    const TileFormat& format = level_formats_[k];
    level.overviews.assign(1, {.rows = level.rows, .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}});
    size_tiles(format, level.overviews.front());
    parts += static_cast<std::size_t>(format.tile_rows_in(level.rows));
  }
  return parts;
}

void GeoTiffEncoder::finish_part(EncodedRows& into, std::size_t part) const {
  for (std::size_t k = 0; k < into.overviews.size(); ++k) {
    EncodedRows& level = into.overviews[k];
    if (level.overviews.empty()) continue;
    const TileFormat& format = level_formats_[k];
    const auto tile_rows = static_cast<std::size_t>(format.tile_rows_in(level.rows));
    if (part >= tile_rows) {
      part -= tile_rows;
      continue;
    }
    const std::int64_t first = level.rows.begin + static_cast<std::int64_t>(part) * format.tile;
    TileSource pixels{.type = format.type,
                      .rows = {first, std::min(first + format.tile, level.rows.end)},
                      .first_col = 0,
                      .cols = format.cols,
                      .band_rows = {}};
    for (int b = 0; b < format.bands; ++b) pixels.band_rows.push_back(level_raw_[k].row_data(level, b, first));
    encode_tiles(pixels, format, level.overviews.front());
    return;
  }
}

void GeoTiffEncoder::finish(EncodedRows& into) const {
  for (EncodedRows& level : into.overviews)
    if (!level.overviews.empty()) {
      EncodedRows tiles = std::move(level.overviews.front());
      level = std::move(tiles);
    }
}

void GeoTiffEncoder::start(EncodedRows& into) const {
  if (!as_tiles(into.rows)) {
    raw_.start(into);
    return;
  }
  size_tiles(format_, into);
  start_summaries(into);
}

void GeoTiffEncoder::start_summaries(EncodedRows& into) const {
  if (summary_.summarizes()) into.summaries.resize(summary_count(summary_, into.rows));
  if (!into.overviews.empty()) return;
  into.overviews.resize(level_raw_.size());
  for (std::size_t k = 0; k < level_raw_.size(); ++k) {
    into.overviews[k].rows = summary_.level_rows(static_cast<int>(k) + 1, into.rows);
    level_raw_[k].start(into.overviews[k]);
  }
}

void GeoTiffEncoder::encode(const BlockBuffer& pixels, EncodedRows& into) const {
  if (!as_tiles(into.rows)) {
    raw_.encode(pixels, into);
    return;
  }
  encode_tiles(pixels, format_, into);
  summarize(pixels, into);
}

void GeoTiffEncoder::summarize(const BlockBuffer& pixels, EncodedRows& into) const {
  if (!summary_.keeps_anything()) return;
  start_summaries(into);
  std::vector<BlockBuffer> levels = level_buffers(summary_, pixels.region());
  summarize_tiles(pixels, into.rows, summary_, into.summaries, levels);
  for (std::size_t k = 0; k < levels.size(); ++k) level_raw_[k].encode(levels[k], into.overviews[k]);
}

void TileRowAssembler::add(EncodedRows arrived, const RawRowsEncoder& raw,
                           const std::function<void(const BlockBuffer&)>& complete) {
  if (arrived.rows.empty()) return;
  const std::int64_t first = arrived.rows.begin;
  pending_.emplace(first, std::move(arrived));
  while (auto next = take(pending_, next_row_)) {
    const RowBlock rows = next->rows;
    if (next->pieces.empty()) {  // whole tile rows, placed as tiles
      next_row_ = rows.end;
      continue;
    }
    for (std::int64_t row = rows.begin; row < rows.end;) {
      if (tile_row_.rows().empty() || row == tile_row_.rows().end) {
        const std::int64_t begin = row / tile_ * tile_;
        tile_row_ = BlockBuffer();  // the tile row before is encoded: its memory goes before the next's comes
        tile_row_ = BlockBuffer(type_, bands_, {begin, std::min(begin + tile_, size_.rows)}, size_.cols);
      }
      const std::int64_t end = std::min(rows.end, tile_row_.rows().end);
      const std::size_t row_bytes = static_cast<std::size_t>(size_.cols) * size_of(type_);
      for (int b = 0; b < bands_; ++b)
        std::memcpy(tile_row_.band_data(b) + static_cast<std::size_t>(row - tile_row_.rows().begin) * row_bytes,
                    raw.row_data(*next, b, row), static_cast<std::size_t>(end - row) * row_bytes);
      row = end;
      next_row_ = end;
      if (end == tile_row_.rows().end) complete(tile_row_);
    }
  }
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
      encoder_(spec_, options), overwrite_(options.overwrite), cog_(cog_layout(options, encoder_.summary())),
      encode_threads_(options.encode_threads) {
  check_tile_format(encoder_.format());
  check_writable_target(spec_.path, overwrite_, "output");
  init_gdal();
  // GDAL makes a COG's header by copying a whole raster of nothing, in time
  // that grows with its pixels: on a thread of its own while the first
  // blocks are computed, taken when the writer first needs it.
  header_ = std::async(std::launch::async,
                       [this] {
                         const TileFormat& overviews =
                             encoder_.summary().levels.empty() ? encoder_.format() : encoder_.level_format(1);
                         return sparse_geotiff(spec_, encoder_.format(), encoder_.summary(), cog_, overviews, partial_);
                       });
  const std::int64_t tiles_down = (spec_.size.rows + encoder_.format().tile - 1) / encoder_.format().tile;
  tile_crcs_.resize(static_cast<std::size_t>(tiles_down * encoder_.format().tiles_across()));
  reserved_.resize(tile_crcs_.size());
  const bool resumed = options.resume && !spec_.fingerprint.empty() && resume();
  if (resumed) partial_identity_ = file_->identity();
  rows_on_disk_ = resumed_rows_;
  const SummarySpec& summary = encoder_.summary();
  assembler_.emplace(spec_.type, spec_.bands, spec_.size, encoder_.format().tile, resumed_rows_);
  for (int k = 0; k < summary.tile_levels(); ++k)
    level_assemblers_.emplace_back(spec_.type, spec_.bands, summary.levels[static_cast<std::size_t>(k)],
                                   encoder_.format().tile, 0);
  if (!summary.levels.empty()) {
    const std::string store = overview_store_path(spec_.path);
    remove_leftover(store);
    overview_store_ = create_new_file(store);
    overview_tiles_.resize(summary.levels.size());
    for (std::size_t k = 0; k < summary.levels.size(); ++k)
      overview_tiles_[k].resize(static_cast<std::size_t>((summary.levels[k].rows + encoder_.format().tile - 1) /
                                                         encoder_.format().tile * encoder_.level_format(static_cast<int>(k) + 1).tiles_across()));
  }
  stats_.resize(static_cast<std::size_t>(spec_.bands));
  if (summary.wants_apex()) apexes_.resize(tile_crcs_.size() * static_cast<std::size_t>(spec_.bands));
  if (resumed) replay_resumed_rows();
}

bool GeoTiffWriter::header_pending() const {
  return header_.valid() && header_.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
}

void GeoTiffWriter::take_header() {
  if (!header_.valid()) return;
  GdalHeader header = header_.get();
  sidecar_ = std::move(header.sidecar);
  if (file_) return;  // resumed: PATH.partial has its header
  create(std::move(header.bytes));
  partial_identity_ = file_->identity();
}

const FileIdentity& GeoTiffWriter::partial_identity() {
  take_header();
  return partial_identity_;
}

void GeoTiffWriter::drop_overview_store() {
  if (overview_store_) {
    overview_store_.close();
    ::unlink(overview_store_path(spec_.path).c_str());
  }
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
  header_bytes_ = reading.contents->header_bytes;
  journal_.emplace(Journal::resume(journal_path, std::move(*journal_fd), reading.contents->intact_bytes));
  return true;
}

void GeoTiffWriter::verify(const TileFile& file, const JournalContents& journal) {
  if (file.header_checksum(journal.header_bytes) != journal.header_crc)
    throw Error("its header is not the one its journal records");
  const std::int64_t tile = encoder_.format().tile, across = encoder_.format().tiles_across();
  std::int64_t rows = 0;
  for (const JournalRecord& record : journal.records) {
    const std::int64_t first = rows / tile * across, count = (record.rows + tile - 1) / tile * across - first;
    try {
      const TilesChecksum sum = checksum_tiles(file, first, count);
      if (sum.crc != record.tiles_crc) throw Error("their bytes differ");
      std::copy(sum.tile_crcs.begin(), sum.tile_crcs.end(), tile_crcs_.begin() + first);
    } catch (const Error& e) {
      throw Error(fmt::format("rows {}-{} do not match its journal: {}", rows, record.rows - 1, e.what()));
    }
    rows = record.rows;
  }
  resumed_rows_ = rows;
}

void GeoTiffWriter::replay_resumed_rows() {
  const SummarySpec& summary = encoder_.summary();
  if (resumed_rows_ == 0 || !summary.keeps_anything()) return;
  const GdalDataset dataset = open_raster(partial_);
  const std::int64_t tile = encoder_.format().tile;
  const auto pixel = static_cast<GSpacing>(size_of(spec_.type));
  for (std::int64_t row = 0; row < resumed_rows_; row += tile) {
    BlockBuffer tile_row(spec_.type, spec_.bands, {row, std::min(row + tile, spec_.size.rows)}, spec_.size.cols);
    const auto rows = static_cast<int>(tile_row.rows().rows()), cols = static_cast<int>(spec_.size.cols);
    if (dataset->RasterIO(GF_Read, 0, static_cast<int>(row), cols, rows, tile_row.band_data(0), cols, rows,
                          to_gdal(spec_.type), spec_.bands, nullptr, pixel, pixel * cols,
                          static_cast<GSpacing>(tile_row.band_bytes()), nullptr) != CE_None)
      throw Error(fmt::format("{}: reading back rows {}-{} to resume failed: {}", partial_, row, row + rows - 1,
                              gdal_error_or("GDAL failed")));
    EncodedRows encoded{.rows = tile_row.rows(), .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}};
    encoder_.summarize(tile_row, encoded);
    encoder_.finish_whole(encoded);
    fold(encoded);
  }
}

void GeoTiffWriter::create(std::vector<std::byte> header) {
  const std::string journal_path = Journal::path_for(spec_.path);
  remove_leftover(partial_);
  remove_leftover(journal_path);
  remove_leftover(cog_copy_path(spec_.path));
  remove_leftover(sidecar_path(partial_));
  UniqueFd fd = create_new_file(partial_);
  if (const int error = write_all(fd.get(), header))
    throw Error(partial_ + ": cannot create: " + std::strerror(error));
  file_.emplace(std::move(fd), partial_);
  header_bytes_ = header.size();
  if (!spec_.fingerprint.empty())
    journal_.emplace(Journal::create(journal_path, spec_.fingerprint, header.size(), crc32_of(header)));
}

GeoTiffWriter::~GeoTiffWriter() {
  if (kept_) return;
  file_.reset();
  if (journal_) journal_->remove();
  // Only the file this writer made: another may stand at its name by now.
  if (names_file(partial_, partial_identity_)) ::unlink(partial_.c_str());
  if (copying_) ::unlink(cog_copy_path(spec_.path).c_str());
  drop_overview_store();
}

void GeoTiffWriter::place(EncodedRows rows) {
  if (encoder_.as_tiles(rows.rows)) {
    place_tiles(std::move(rows));
    return;
  }
  assembler_->add(std::move(rows), encoder_.raw(), [&](const BlockBuffer& tile_row) {
    // Encoded here as a rank encodes a block of whole tile rows.
    EncodedRows encoded{.rows = tile_row.rows(), .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}};
    encoder_.encode(tile_row, encoded);
    encoder_.finish_whole(encoded);
    place_tiles(std::move(encoded));
  });
}

void GeoTiffWriter::place_tiles(EncodedRows arrived) {
  const std::int64_t first = arrived.rows.begin;
  encoded_.emplace(first, std::move(arrived));
  // While GDAL makes a COG's header (reading the whole raster), a few blocks
  // wait for it here rather than in the queue, where they would stop the
  // threads computing the next.
  if (cog_ && header_pending() && encoded_.size() <= kBlocksAwaitingHeader) return;
  place_waiting();
}

void GeoTiffWriter::place_waiting() {
  take_header();
  while (auto next = take(encoded_, rows_on_disk_)) {
    const RowBlock rows = next->rows;
    const TileFormat& format = encoder_.format();
    const std::int64_t first_tile = rows.begin / format.tile * format.tiles_across();
    // One write a tile row: where a tile lies then depends on the tiles alone,
    // not on the blocks they came in, and so do the file's bytes.
    std::vector<TileEntry> placed;
    const std::int64_t across = format.tiles_across();
    for (std::int64_t tile_row = rows.begin / format.tile; tile_row * format.tile < rows.end; ++tile_row) {
      const std::int64_t row_tile = tile_row * across;  // its first tile
      const std::string what = writing_rows(tile_row * format.tile, format.tile, rows.end);
      std::vector<TileEntry> entries;
      if (next->pieces.empty()) {  // written by the rank that made them (--write direct)
        entries.assign(reserved_.begin() + row_tile, reserved_.begin() + row_tile + across);
        file_->record(row_tile, entries, what);
      } else {
        const auto row = next->pieces.begin() + (row_tile - first_tile);
        const std::vector<std::vector<std::byte>> tiles(std::make_move_iterator(row),
                                                        std::make_move_iterator(row + across));
        entries = file_->write(row_tile, tiles, what);
      }
      placed.insert(placed.end(), entries.begin(), entries.end());
    }
    // Each tile's own CRC came with it from its encoder: here they are only chained.
    std::copy(next->crcs.begin(), next->crcs.end(), tile_crcs_.begin() + first_tile);
    rows_on_disk_ = rows.end;
    if (journal_) {
      // The tiles and their index to disk, then the journal.
      file_->sync();
      journal_->record({rows_on_disk_, tile_checksum(placed, next->crcs)});
    }
    fold(*next);
  }
}

std::vector<std::uint64_t> GeoTiffWriter::reserve(RowBlock rows, const std::vector<std::uint64_t>& sizes) {
  take_header();
  const TileFormat& format = encoder_.format();
  const auto across = static_cast<std::size_t>(format.tiles_across());
  const auto first_tile = static_cast<std::size_t>(rows.begin / format.tile) * across;
  std::vector<std::uint64_t> starts;
  for (std::size_t t = 0; t < sizes.size(); t += across) {
    starts.push_back(file_->end());
    const std::vector<std::uint64_t> row(sizes.begin() + static_cast<std::ptrdiff_t>(t),
                                         sizes.begin() + static_cast<std::ptrdiff_t>(t + across));
    const std::vector<TileEntry> entries = file_->reserve(static_cast<std::int64_t>(first_tile + t), row);
    std::copy(entries.begin(), entries.end(), reserved_.begin() + static_cast<std::ptrdiff_t>(first_tile + t));
  }
  return starts;
}

DirectTiles::DirectTiles(const std::string& path, const FileIdentity& made, const TileFormat& format)
    : file_(partial_path(path)), format_(format) {
  if (file_.identity() != made)
    throw Error(partial_path(path) + ": not the file rank 0 made; --write direct needs the output's folder on a "
                "filesystem every node mounts");
}

void DirectTiles::write(EncodedRows& block, const std::vector<std::uint64_t>& starts) {
  const auto across = static_cast<std::ptrdiff_t>(format_.tiles_across());
  for (std::size_t r = 0; r < starts.size(); ++r) {
    const auto row = block.pieces.begin() + static_cast<std::ptrdiff_t>(r) * across;
    const std::vector<std::vector<std::byte>> tiles(std::make_move_iterator(row), std::make_move_iterator(row + across));
    const std::int64_t first_row = block.rows.begin + static_cast<std::int64_t>(r) * format_.tile;
    bytes_written_ +=
        file_.write_tiles_at(starts[r], tiles, writing_rows(first_row, format_.tile, block.rows.end)) - starts[r];
  }
  block.pieces.clear();
}

void GeoTiffWriter::fold(EncodedRows& rows) {
  const SummarySpec& summary = encoder_.summary();
  const auto first = static_cast<std::size_t>(rows.rows.begin / encoder_.format().tile * encoder_.format().tiles_across() *
                                              spec_.bands);
  for (std::size_t i = 0; i < rows.summaries.size(); ++i) {
    if (summary.stats) stats_[i % static_cast<std::size_t>(spec_.bands)].merge(rows.summaries[i].stats);
    if (summary.wants_apex()) apexes_.at(first + i) = rows.summaries[i].apex;
  }
  for (std::size_t k = 0; k < rows.overviews.size(); ++k) {
    const int level = static_cast<int>(k) + 1;
    EncodedRows& overview = rows.overviews[k];
    if (encoder_.level_as_tiles(level, overview.rows)) {
      place_level_tiles(level, overview);
      overview.pieces.clear();  // the assembler only moves past them
    }
    level_assemblers_[k].add(std::move(overview), encoder_.level_raw(level), [&](const BlockBuffer& tile_row) {
      place_level_tiles(level, encode_tiles(tile_row, encoder_.level_format(level), encode_threads_));
    });
  }
}

void GeoTiffWriter::place_level_tiles(int level, const EncodedRows& tiles) {
  const TileFormat& format = encoder_.level_format(level);
  const auto first = static_cast<std::size_t>(tiles.rows.begin / format.tile * format.tiles_across());
  std::vector<TileEntry>& entries = overview_tiles_[static_cast<std::size_t>(level - 1)];
  for (std::size_t t = 0; t < tiles.pieces.size(); ++t) {
    const std::vector<std::byte>& tile = tiles.pieces[t];
    if (const int error = write_all(overview_store_.get(), tile))
      throw Error(fmt::format("{}: writing overview {} failed: {}", overview_store_path(spec_.path), level,
                              std::strerror(error)));
    entries.at(first + t) = {overview_end_, tile.size()};
    overview_end_ += tile.size();
  }
}

std::vector<std::pair<std::string, std::string>> GeoTiffWriter::statistics_values() const {
  std::vector<std::pair<std::string, std::string>> values;
  if (!encoder_.summary().stats) return values;
  const double pixels = static_cast<double>(spec_.size.rows) * static_cast<double>(spec_.size.cols);
  for (int b = 1; b <= spec_.bands; ++b) {
    const BandStats& s = stats_[static_cast<std::size_t>(b) - 1];
    const auto value = [&](double v) { return s.count > 0 ? fmt::format("{}", v) : std::string("nan"); };
    const std::array<std::string, kStatistics.size()> items{value(s.min), value(s.max), value(s.mean),
                                                             value(s.stddev()), fmt::format("{}", 100 * s.count / pixels)};
    for (std::size_t i = 0; i < kStatistics.size(); ++i) values.emplace_back(statistic_placeholder(b, kStatistics[i]), items[i]);
  }
  return values;
}

void GeoTiffWriter::close_and_sync() {
  file_->close();
  file_.reset();
}

void GeoTiffWriter::commit() {
  place_waiting();
  bool waiting = !assembler_->empty() || !encoded_.empty();
  for (const TileRowAssembler& level : level_assemblers_) waiting = waiting || !level.empty();
  if (rows_on_disk_ != spec_.size.rows || waiting)
    throw Error(partial_ + ": internal error: " + std::to_string(rows_on_disk_) + " of " +
                std::to_string(spec_.size.rows) + " rows written at commit");
  const SummarySpec& summary = encoder_.summary();
  if (summary.wants_apex()) {
    const std::vector<BlockBuffer> levels = apex_levels(summary, apexes_);
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const int level = summary.tile_levels() + 1 + static_cast<int>(i);
      place_level_tiles(level, encode_tiles(levels[i], encoder_.level_format(level), encode_threads_));
    }
  }
  std::string written = partial_;
  if (cog_) {
    // The partial file changes its shape now: no run may resume it.
    if (journal_) journal_->remove();
    journal_.reset();
    TileFile::Overviews overviews;
    for (const std::vector<TileEntry>& level : overview_tiles_) {
      overviews.bytes.emplace_back();
      for (const TileEntry& tile : level) overviews.bytes.back().push_back(tile.bytes);
    }
    overviews.read = [&](std::size_t level, std::size_t tile) {
      const TileEntry& entry = overview_tiles_[level][tile];
      std::vector<std::byte> bytes(entry.bytes);
      if (::pread(overview_store_.get(), bytes.data(), bytes.size(), static_cast<off_t>(entry.offset)) !=
          static_cast<ssize_t>(bytes.size()))
        throw Error(overview_store_path(spec_.path) + ": reading overview tiles back failed");
      return bytes;
    };
    copying_ = true;
    const bool copied = file_->put_overviews_first(header_bytes_, overviews, tile_crcs_, cog_copy_path(spec_.path),
                                                   [&](std::uint64_t size, std::uint32_t crc) {
                                                     auto values = statistics_values();
                                                     values.emplace_back(kTilesPlaceholder, tiles_record(size, crc));
                                                     return values;
                                                   });
    if (copied) written = cog_copy_path(spec_.path);
    drop_overview_store();
  } else {
    auto values = statistics_values();
    values.emplace_back(kTilesPlaceholder,
                        tiles_record(file_->end(), tile_checksum(file_->entries(0, file_->tiles()), tile_crcs_)));
    file_->fill_in_metadata(values);
  }
  close_and_sync();
  if (!names_file(partial_, partial_identity_))
    throw Error(partial_ + ": was replaced by another file during the run; " + spec_.path + " not written");
  place_sidecar();
  rename_into_place(written, spec_.path, overwrite_);
  kept_ = true;
  if (written != partial_) ::unlink(partial_.c_str());
  if (journal_) journal_->remove();
}

void GeoTiffWriter::place_sidecar() {
  const std::string sidecar = sidecar_path(spec_.path);
  if (!sidecar_) {
    // One left from an earlier file at PATH would describe this one wrongly.
    remove_leftover(sidecar);
    return;
  }
  const std::string partial = sidecar_path(partial_);
  remove_leftover(partial);
  UniqueFd fd = create_new_file(partial);
  if (const int error = write_all(fd.get(), std::as_bytes(std::span(*sidecar_))))
    throw Error(partial + ": cannot write: " + std::strerror(error));
  if (::fsync(fd.get()) != 0 || !fd.close()) throw Error(partial + ": cannot sync to disk: " + std::strerror(errno));
  rename_into_place(partial, sidecar, true);
}

std::int64_t GeoTiffWriter::suspend() {
  place_waiting();
  close_and_sync();
  drop_overview_store();  // a resumed run makes the overviews again
  kept_ = true;
  return rows_on_disk_;
}

}  // namespace geostrip
