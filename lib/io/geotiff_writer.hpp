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
// rows, which the writer assembles into tile rows and encodes itself. At commit the file's metadata gets its tile
// record (kTilesKey): its size and the checksum of all its tiles, by which a
// later batch knows the file is still whole.
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

namespace geostrip {

struct WriteOptions {
  Codec codec = Codec::Deflate;
  std::optional<int> level;  // codec default when unset
  int tile = 512;            // tile edge, a multiple of 16
  bool overwrite = false;
  bool resume = true;  // continue a partial output of the same job
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
};

std::string partial_path(const std::string& path);

// How the output's tiles are encoded, on whichever rank encodes them.
TileFormat tile_format(const OutputSpec& spec, const WriteOptions& options);

// Why the GeoTIFF at `path`, which a GeoTiffWriter finished, is no longer as
// it was written: its size or tile index differ from its tile record, or
// (with `reread`) its tiles' checksum. nullopt when it is whole.
std::optional<std::string> output_damage(const std::string& path, bool reread);

// GeoTIFF's encoder, for every rank and thread: a block of whole tile rows
// becomes its compressed tiles, any other block raw rows (RawRowsEncoder).
class GeoTiffEncoder final : public RowEncoder {
 public:
  GeoTiffEncoder(const OutputSpec& spec, const WriteOptions& options);
  void encode(const BlockBuffer& pixels, EncodedRows& into) const override;
  // Whether a block of these rows is encoded as tiles (else as raw rows).
  bool as_tiles(RowBlock rows) const { return whole_tile_rows(rows, format_.tile, raster_rows_); }
  const TileFormat& format() const { return format_; }
  const RawRowsEncoder& raw() const { return raw_; }

 private:
  TileFormat format_;
  std::int64_t raster_rows_;
  RawRowsEncoder raw_;
};

class GeoTiffWriter final : public RowSink {
 public:
  // Writes PATH under its lock (held until the writer is gone). Refuses an
  // existing PATH unless options.overwrite, and anything but a regular file
  // there. Continues PATH.partial when its journal is this job's and its
  // bytes match the journal (and options.resume), else creates it.
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
  // tile rows, encoded here, on the caller's thread.
  void place(EncodedRows rows) override;
  const GeoTiffEncoder& encoder() const { return encoder_; }

  // Every row has been written: the tile record into the metadata, then
  // flush, close and sync PATH.partial, rename it to PATH, sync the
  // directory, remove the journal.
  void commit() override;

  // Interrupted: close and sync what is written and keep the partial file and
  // journal for the next run to resume. Returns the rows on disk.
  std::int64_t suspend();

 private:
  void assemble(EncodedRows arrived);
  void place_tiles(EncodedRows arrived);
  // Resumes PATH.partial; false (with discarded_ set when it was this job's) to start over.
  bool resume();
  void verify(const TileFile& file, const JournalContents& journal);
  void create();
  void close_and_sync();

  OutputLock lock_;  // first: let go last
  OutputSpec spec_;
  std::string partial_;
  GeoTiffEncoder encoder_;
  bool overwrite_ = false;
  std::optional<Journal> journal_;
  std::int64_t resumed_rows_ = 0;
  std::string discarded_;
  std::optional<TileFile> file_;
  FileIdentity partial_identity_;  // the file this writer made or resumed
  std::uint32_t file_crc_ = 0;  // tile_checksum() of the tiles of rows [0, rows_on_disk_)
  std::map<std::int64_t, EncodedRows> pending_;  // raw blocks ahead of next_row_, by first row
  BlockBuffer tile_row_;
  std::int64_t next_row_ = 0;                       // first row not yet copied into tile_row_
  std::map<std::int64_t, EncodedRows> encoded_;  // tile rows ahead of rows_on_disk_, by first row
  std::int64_t rows_on_disk_ = 0;  // rows [0, n) written (and synced when journaled)
  bool kept_ = false;  // committed or suspended
};

}  // namespace geostrip
