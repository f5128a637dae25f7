#pragma once
// The tiles of a tiled TIFF, written straight to the disk. GDAL creates the
// file with an empty (sparse) tile index; TileFile appends encoded tiles and
// fills in their entries of the index in place. It also reads the index and
// the tiles back, to check a file against its journal or its tile record.
//
// Tiles are written with O_DIRECT where the filesystem takes it: no copy into
// the page cache and no writeback on the writing core, which on rank 0 is
// the writer thread competing with compute threads, and no page cache charged
// to the job's memory limit. Each call writes its tiles back to back from a
// 4 KiB-aligned offset, so a call leaves less than 4 KiB of zeros behind it.
// Where O_DIRECT is refused, the same writes go through the page cache.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/safe_files.hpp"
#include "io/unique_fd.hpp"

namespace geostrip {

// A tile's place in the file, as its index entry says.
struct TileEntry {
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  friend bool operator==(const TileEntry&, const TileEntry&) = default;
};

// The checksum that journals and tile records keep: CRC-32 over each tile's
// offset and byte count (8 bytes each, little-endian) and then its bytes,
// tile after tile, continuing from `crc` (0 to start). `bytes_crc` is the
// CRC-32 of the tile's bytes alone (crc32_of()), as its encoder computed it.
std::uint32_t tile_checksum(std::uint32_t crc, const TileEntry& entry, std::uint32_t bytes_crc);
// tile_checksum() of the tiles at `entries`, in order from 0, whose bytes'
// crc32_of() are `bytes_crcs`.
std::uint32_t tile_checksum(const std::vector<TileEntry>& entries, const std::vector<std::uint32_t>& bytes_crcs);

// Where a tile row's tiles lie once written from `start`, and where the next row goes.
struct TileRowLayout {
  std::vector<TileEntry> entries;
  std::uint64_t end = 0;
};

// Writes every directory's GDAL nodata tag (TIFFTAG_GDAL_NODATA) of the
// TIFF held in `tiff` as `text`, in place: each must hold `stand_in` in its
// entry's own value field, and `text` must fit there too (3 characters,
// BigTIFF 7). Throws Error naming `path`.
void replace_nodata_tags(std::span<std::byte> tiff, std::string_view stand_in, std::string_view text,
                         const std::string& path);

class TileFile {
 public:
  // Opens PATH, a tiled little-endian TIFF or BigTIFF, for reading and
  // writing (O_NOFOLLOW); throws Error naming it.
  explicit TileFile(std::string path);
  // The same for a file already open (read-only is enough to read it).
  TileFile(UniqueFd file, std::string path);
  TileFile(const TileFile&) = delete;
  TileFile& operator=(const TileFile&) = delete;
  // Destruction closes; call close() first to see a failure.

  // Appends `tiles` as full-resolution tiles first, first + 1, ... (TIFF
  // numbers them row by row), framed as the header declares (leaders_),
  // and writes their index entries, which it returns. Throws "PATH: WHAT
  // failed: reason".
  std::vector<TileEntry> write(std::int64_t first, const std::vector<std::vector<std::byte>>& tiles,
                               const std::string& what);
  // write() in three steps, for tiles that another process writes (--write
  // direct): reserve() the room tiles of `sizes` take at the end, as
  // write() would; write_tiles_at() the start of that room (any process
  // with the file open), framed and padded as write() does, returning where
  // the room ends; record() their index entries. write() is the three in one.
  std::vector<TileEntry> reserve(std::int64_t first, const std::vector<std::uint64_t>& sizes);
  std::uint64_t write_tiles_at(std::uint64_t start, const std::vector<std::vector<std::byte>>& tiles,
                               const std::string& what);
  void record(std::int64_t first, const std::vector<TileEntry>& entries, const std::string& what);
  // The tiles and index written so far, to disk.
  void sync();
  // Syncs and closes; throws Error.
  void close();

  // Where one array of the tile index lies in the file: its first entry and
  // the bytes of each (2, 4 or 8, as the TIFF writer chose).
  struct IndexArray {
    std::uint64_t position = 0;
    std::size_t width = 0;
  };
  // One image of the file: the full resolution or an overview.
  struct Directory {
    IndexArray offsets, byte_counts;
    std::int64_t tiles = 0;
  };
  // Where a tag's value lies, and its length in bytes.
  struct Field {
    std::uint64_t position = 0;
    std::uint64_t bytes = 0;
  };

  std::int64_t tiles() const { return directories_.front().tiles; }  // of the full resolution
  // The file's device and inode (io/safe_files.hpp).
  FileIdentity identity() const { return file_identity(index_fd_.get()); }
  // Where the next tiles go: the file's size once they are written.
  std::uint64_t end() const { return end_; }
  // The index entries of full-resolution tiles [first, first + count). Throws Error.
  std::vector<TileEntry> entries(std::int64_t first, std::int64_t count) const;
  // A tile's bytes; Error unless the entry lies inside the file.
  std::vector<std::byte> read(const TileEntry& entry) const;
  // CRC-32 of the file's first `bytes` bytes with every tile index read as
  // zeros, as GDAL created it: nullopt when an index lies beyond them.
  std::optional<std::uint32_t> header_checksum(std::uint64_t bytes) const;
  // The file's metadata (TIFFTAG_GDAL_METADATA) with each placeholder that
  // GDAL wrote in it replaced by its value, no longer than it. Throws Error.
  void fill_in_metadata(const std::vector<std::pair<std::string, std::string>>& values);
  // The same on the file's first bytes, held in memory.
  void fill_in_metadata(std::span<std::byte> header, const std::vector<std::pair<std::string, std::string>>& values) const;

  // The values to fill in once the finished file's size and the
  // tile_checksum() of its full-resolution tiles are known.
  using MetadataOf = std::function<std::vector<std::pair<std::string, std::string>>(std::uint64_t size, std::uint32_t crc)>;
  // The overviews' tiles, kept elsewhere during the run: their sizes by
  // level (directory - 1) and tile, and how to read one.
  struct Overviews {
    std::vector<std::vector<std::uint64_t>> bytes;
    std::function<std::vector<std::byte>(std::size_t level, std::size_t tile)> read;
  };
  // Makes the file COG's order once every full-resolution tile is in it
  // (its first `header_bytes` are GDAL's header, every directory before any
  // tile; `tile_crcs` is each full-resolution tile's crc32_of()): room
  // after the header for the overviews' tiles, smallest level first, each
  // image row by row, framed as the header declares (leaders_), and the
  // full resolution after them as it is. Where the filesystem inserts room
  // into a file (FALLOC_FL_INSERT_RANGE: ext4, XFS) the full resolution does
  // not move; elsewhere the file is copied to `copy`, byte for byte the same.
  // Fills in every tile index and the metadata, syncs. Returns whether it
  // made the copy (and closed it); throws Error.
  bool put_overviews_first(std::uint64_t header_bytes, const Overviews& overviews,
                           const std::vector<std::uint32_t>& tile_crcs, const std::string& copy,
                           const MetadataOf& metadata);

 private:
  // Where tiles of `sizes` lie when written from `start`.
  TileRowLayout lay_out(std::uint64_t start, const std::vector<std::uint64_t>& sizes) const;
  void write_at(const std::byte* data, std::size_t size, std::uint64_t offset, const std::string& what);
  void write_entries(const IndexArray& array, std::int64_t first, const std::vector<std::uint64_t>& values,
                     const std::string& what);
  // `values` as the array's entries are written (little-endian, its width).
  std::vector<std::byte> index_bytes(const IndexArray& array, const std::vector<std::uint64_t>& values,
                                     const std::string& what) const;
  std::vector<std::byte> read_at(std::uint64_t offset, std::uint64_t size) const;

  std::string path_;
  UniqueFd index_fd_;  // through the page cache: entries are small and unaligned
  UniqueFd data_fd_;   // O_DIRECT unless direct_ is false; opened at the first write
  bool direct_ = false;
  std::uint64_t size_ = 0;  // the file's, as opened and written since
  std::vector<Directory> directories_;
  Field metadata_;  // TIFFTAG_GDAL_METADATA; bytes 0 when there is none
  // Each tile has its size before it and its last 4 bytes after it, as
  // GDAL's COG layout declares in its header.
  bool leaders_ = false;
  std::uint64_t end_ = 0;  // where the next tiles go, aligned
  std::unique_ptr<std::byte, void (*)(void*)> staging_;  // aligned, as O_DIRECT needs
};

}  // namespace geostrip
