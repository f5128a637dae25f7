#pragma once
// Writes a tiled, compressed GeoTIFF as PATH.partial and renames it to PATH
// only when every row is written, so a file at PATH is always complete. With
// a fingerprint, a journal (PATH.journal) records the rows on disk and the
// checksums of their tiles, and a later writer of the same job resumes after
// them once the partial file's bytes check out against it.
//
// GDAL creates the header in memory: georeference, nodata, metadata, and no
// tiles (sparse); the writer puts it into a file nobody else can have made
// or linked (io/safe_files.hpp). Blocks then arrive as GeoTiffEncoder made
// them on the rank that computed them: whole tile rows as compressed tiles
// (io/tile_encoder.hpp), which TileFile (io/tile_file.hpp) places as they
// are, straight to the disk, filling in the tile index; other blocks as raw
// rows, which the writer assembles into tile rows and encodes itself. With
// overviews or statistics (io/overviews.hpp), each block also brings its
// tiles' summaries and its overview rows, which the writer folds in tile
// order; a COG's overview tiles wait beside the file and go before the full
// resolution at commit (TileFile::put_overviews_first). At commit the file's
// metadata gets its statistics and its tile record (kTilesKey): its size and
// the checksum of its full-resolution tiles, by which a later batch knows
// the file is still whole.
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>

#include "core/block_buffer.hpp"
#include "core/pixel_type.hpp"
#include "geometry/georeference.hpp"
#include "io/journal.hpp"
#include "io/output_lock.hpp"
#include "io/safe_files.hpp"
#include "io/tile_file.hpp"
#include "io/output_format.hpp"
#include "io/tile_encoder.hpp"
#include "io/overviews.hpp"

namespace geostrip {

struct WriteOptions {
  Codec codec = Codec::Deflate;
  std::optional<int> level;  // codec default when unset
  std::optional<Codec> overview_codec;  // overview tiles' codec (GDAL's OVERVIEW_COMPRESS); default: codec
  std::optional<int> overview_level;  // overview tiles' level; default: overview_level()
  int tile = 512;            // tile edge, a multiple of 16
  bool overwrite = false;
  bool resume = true;  // continue a partial output of the same job
  bool cog = false;    // GDAL's Cloud-Optimized GeoTIFF layout
  std::optional<bool> overviews;  // default: with cog
  std::optional<OverviewResampling> overview_resampling;  // default: overview_default()
  std::optional<bool> stats;  // default: with cog
  int encode_threads = 1;  // threads the writer encodes overview tile rows on (a rank's)
};

// The metadata item that carries the job's fingerprint.
inline constexpr const char* kFingerprintKey = "GEOSTRIP_FINGERPRINT";
// The metadata item that records a finished output's tiles: "size N crc32 C",
// the file's size in bytes and tile_checksum() of all its tiles.
inline constexpr const char* kTilesKey = "GEOSTRIP_TILES";

struct OutputSpec {
  std::string path;
  RasterSize size;
  Georeference georef;
  PixelType type = PixelType::Float32;
  int bands = 1;
  ColorModel color = ColorModel::Gray;
  std::optional<double> nodata;
  std::vector<std::string> band_names;  // each band's description, when it has one
  // What made the output (see engine/fingerprint.hpp): stored in its
  // metadata and its journal. Without one, nothing is journaled or resumed.
  std::string fingerprint;
  // Overviews' resampling when the options do not choose: nearest for
  // colours and classes, average for measurements.
  OverviewResampling overview_default = OverviewResampling::Average;
};

// What the output keeps besides its pixels, as the options and the spec
// decide: overview levels, their resampling, statistics. Throws UsageError
// for overviews the output cannot have.
SummarySpec summary_spec(const OutputSpec& spec, const WriteOptions& options);

// How overview tiles are encoded: options.overview_codec, else the full
// resolution's codec, at options.overview_level, else at overview_level() for
// samples of `type` and the full resolution's level where the codecs are the
// same (of none where not).
struct OverviewCoding {
  Codec codec = Codec::Deflate;
  std::optional<int> level;
};
OverviewCoding overview_coding(const WriteOptions& options, PixelType type);

// Whether the file is written in COG's layout (every header before any
// tile, overviews before the full resolution), which commit makes.
bool cog_layout(const WriteOptions& options, const SummarySpec& summary);

std::string partial_path(const std::string& path);
// Where a file in COG's layout is copied to at commit, before its rename to
// PATH, where the filesystem cannot insert room for the overviews.
std::string cog_copy_path(const std::string& path);
// Where the overviews' tiles wait during the run.
std::string overview_store_path(const std::string& path);
// PATH's PAM sidecar, where GDAL keeps what the file cannot hold.
std::string sidecar_path(const std::string& path);

// How the output's tiles are encoded, on whichever rank encodes them.
TileFormat tile_format(const OutputSpec& spec, const WriteOptions& options);

// Why the GeoTIFF at `path`, which a GeoTiffWriter finished, is no longer as
// it was written: its size or tile index differ from its tile record, or
// (with `reread`) its tiles' checksum. nullopt when it is whole.
std::optional<std::string> output_damage(const std::string& path, bool reread);

// GeoTIFF's encoder, for every rank and thread: a block of whole tile rows
// becomes its compressed tiles, with its tiles' summaries and its part of
// every tile level of the overviews as raw rows (io/overviews.hpp); any
// other block raw rows (RawRowsEncoder), which rank 0 assembles and
// summarizes.
class GeoTiffEncoder final : public RowEncoder {
 public:
  GeoTiffEncoder(const OutputSpec& spec, const WriteOptions& options);
  void start(EncodedRows& into) const override;
  void encode(const BlockBuffer& pixels, EncodedRows& into) const override;
  // Whether a block of these rows is encoded as tiles (else as raw rows).
  bool as_tiles(RowBlock rows) const { return whole_tile_rows(rows, format_.tile, raster_rows_); }
  const TileFormat& format() const { return format_; }
  const RawRowsEncoder& raw() const { return raw_; }
  const SummarySpec& summary() const { return summary_; }
  // Adds the summaries and tile levels of `pixels`, whole tiles, to `into`.
  void summarize(const BlockBuffer& pixels, EncodedRows& into) const;
  // The whole tile rows among the block's overview rows become tiles, one
  // tile row a part (each level's wait in its `overviews` until finish());
  // the others stay raw rows, which rank 0 assembles.
  std::size_t finish_parts(EncodedRows& into) const override;
  void finish_part(EncodedRows& into, std::size_t part) const override;
  void finish(EncodedRows& into) const override;
  // The raw rows and the tiles of overview level `level` (1-based).
  const RawRowsEncoder& level_raw(int level) const { return level_raw_[static_cast<std::size_t>(level - 1)]; }
  const TileFormat& level_format(int level) const { return level_formats_[static_cast<std::size_t>(level - 1)]; }
  // Whether overview rows `rows` of `level` are encoded as tiles (else as raw rows).
  bool level_as_tiles(int level, RowBlock rows) const;

 private:
  TileFormat format_;
  std::int64_t raster_rows_;
  RawRowsEncoder raw_;
  SummarySpec summary_;
  // Sizes the summaries and the tile levels' raw rows of `into`, whole tile rows.
  void start_summaries(EncodedRows& into) const;

  std::vector<RawRowsEncoder> level_raw_;  // tile levels
  std::vector<TileFormat> level_formats_;  // every level
};

// Raw rows of one image, arriving in any order, become its whole tile rows,
// in row order.
class TileRowAssembler {
 public:
  TileRowAssembler(PixelType type, int bands, RasterSize size, int tile, std::int64_t first_row)
      : type_(type), bands_(bands), size_(size), tile_(tile), next_row_(first_row) {}
  // Takes rows that `raw` encoded, or rows without pieces that came as
  // tiles and only move on; calls `complete` with each tile row they complete.
  void add(EncodedRows rows, const RawRowsEncoder& raw, const std::function<void(const BlockBuffer&)>& complete);
  bool empty() const { return pending_.empty(); }

 private:
  PixelType type_;
  int bands_;
  RasterSize size_;
  int tile_;
  std::map<std::int64_t, EncodedRows> pending_;  // ahead of next_row_, by first row
  BlockBuffer tile_row_;
  std::int64_t next_row_;  // first row not yet copied into tile_row_
};

// --write direct on every rank: writes its blocks' tiles into PATH.partial,
// which rank 0's GeoTiffWriter made, where that writer reserved them.
class DirectTiles {
 public:
  // Opens the partial file of `path`; throws Error unless it is `made` (the
  // file rank 0 made: the output's folder must be one every node mounts).
  DirectTiles(const std::string& path, const FileIdentity& made, const TileFormat& format);
  // Writes the block's tile rows from `starts` (reserve()'s) and drops their bytes.
  void write(EncodedRows& block, const std::vector<std::uint64_t>& starts);
  void sync() { file_.sync(); }
  std::uint64_t bytes_written() const { return bytes_written_; }

 private:
  TileFile file_;
  TileFormat format_;
  std::uint64_t bytes_written_ = 0;
};

// A header GDAL made in memory, and the PAM sidecar it made beside it, if any.
struct GdalHeader {
  std::vector<std::byte> bytes;
  std::optional<std::string> sidecar;
};

class GeoTiffWriter final : public RowSink {
 public:
  // Writes PATH under its lock (held until the writer is gone). Refuses an
  // existing PATH unless options.overwrite, and anything but a regular file
  // there. Continues PATH.partial when its journal is this job's and its
  // bytes match the journal (and options.resume), else creates it once it
  // is first needed (GDAL makes its header meanwhile, on its own thread).
  GeoTiffWriter(OutputSpec spec, const WriteOptions& options, OutputLock lock);
  GeoTiffWriter(const GeoTiffWriter&) = delete;
  GeoTiffWriter& operator=(const GeoTiffWriter&) = delete;
  // A writer neither committed nor suspended removes its partial file and journal.
  ~GeoTiffWriter() override;

  // Rows [0, n) already on disk from an earlier run: blocks start there.
  std::int64_t resumed_rows() const { return resumed_rows_; }
  // Why a partial output of this job that was there was started over ("" if
  // none was there, or it was resumed).
  const std::string& discarded() const { return discarded_; }

  // Accepts blocks from resumed_rows() on, in any order, as GeoTiffEncoder
  // made them: tiles are placed in row order; raw rows are assembled into
  // tile rows, encoded and summarized here, on the caller's thread; overview
  // rows are assembled into their levels' tile rows and encoded here.
  void place(EncodedRows rows) override;
  const GeoTiffEncoder& encoder() const { return encoder_; }

  // --write direct, on the main thread while place() runs on the writer
  // thread: where each tile row of `rows` (whole tile rows) starts, its
  // tiles having `sizes`, in the order write() would put them. Its block,
  // without its tiles' bytes, then comes to place() once they are on disk.
  std::vector<std::uint64_t> reserve(RowBlock rows, const std::vector<std::uint64_t>& sizes);
  // The file this writer made or resumed, which other ranks write into.
  const FileIdentity& partial_identity();

  // Every row has been written: the overview levels made from every tile,
  // the statistics and the tile record into the metadata; then flush, close
  // and sync PATH.partial (or its copy in COG's order), put the sidecar in
  // place, rename the file to PATH, sync the directory, remove the journal.
  void commit() override;

  // Interrupted: close and sync what is written and keep the partial file and
  // journal for the next run to resume. Returns the rows on disk.
  std::int64_t suspend();

 private:
  void place_tiles(EncodedRows arrived);
  // Takes the header, then writes the blocks waiting whose rows come next.
  void place_waiting();
  void place_level_tiles(int level, const EncodedRows& tiles);
  // Folds a full-resolution tile row's summaries and overview rows, in row order.
  void fold(EncodedRows& rows);
  // Resumes PATH.partial; false (with discarded_ set when it was this job's) to start over.
  bool resume();
  void verify(const TileFile& file, const JournalContents& journal);
  // The resumed rows' summaries and overviews, from their pixels in PATH.partial.
  void replay_resumed_rows();
  void create(std::vector<std::byte> header);
  // Whether GDAL is still making the header.
  bool header_pending() const;
  // Waits for GDAL's header: keeps its sidecar and, unless resumed, creates PATH.partial with it.
  void take_header();
  void close_and_sync();
  std::vector<std::pair<std::string, std::string>> statistics_values() const;
  void place_sidecar();
  void drop_overview_store();

  OutputLock lock_;  // first: let go last
  OutputSpec spec_;
  std::string partial_;
  GeoTiffEncoder encoder_;
  bool overwrite_ = false;
  bool cog_ = false;
  int encode_threads_ = 1;
  std::optional<std::string> sidecar_;  // PAM metadata GDAL kept beside the header (a CRS GeoTIFF keys cannot hold)
  std::optional<Journal> journal_;
  std::int64_t resumed_rows_ = 0;
  std::string discarded_;
  std::optional<TileFile> file_;
  std::uint64_t header_bytes_ = 0;
  FileIdentity partial_identity_;  // the file this writer made or resumed
  std::optional<TileRowAssembler> assembler_;  // raw blocks into tile rows
  std::vector<TileRowAssembler> level_assemblers_;  // each tile level's raw rows into its tile rows
  std::map<std::int64_t, EncodedRows> encoded_;  // tile rows ahead of rows_on_disk_, by first row
  std::int64_t rows_on_disk_ = 0;  // rows [0, n) written (and synced when journaled)
  std::vector<std::uint32_t> tile_crcs_;  // crc32_of() each full-resolution tile on disk
  std::vector<TileEntry> reserved_;       // by tile, where reserve() put it
  UniqueFd overview_store_;               // overview_store_path(): overview tiles as they come
  std::uint64_t overview_end_ = 0;
  std::vector<std::vector<TileEntry>> overview_tiles_;  // by level - 1 and tile: where each lies in the store
  std::vector<BandStats> stats_;      // of rows [0, rows_on_disk_), by band
  std::vector<Accumulator> apexes_;   // every tile's, by tile and band
  bool copying_ = false;  // cog_copy_path() may be this writer's
  bool kept_ = false;  // committed or suspended
  std::future<GdalHeader> header_;  // last: made on its own thread, which reads the members above
};

}  // namespace geostrip
