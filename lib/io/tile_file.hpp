#pragma once
// The tiles of a tiled TIFF, written straight to the disk. GDAL creates the
// file with an empty (sparse) tile index; TileFile appends encoded tiles and
// fills in their entries of the index in place.
//
// Tiles are written with O_DIRECT where the filesystem takes it: no copy into
// the page cache and no writeback on the writing core, which on rank 0 is
// the writer thread competing with compute threads, and no page cache charged
// to the job's memory limit. Each call writes its tiles back to back from a
// 4 KiB-aligned offset, so a call leaves less than 4 KiB of zeros behind it.
// Where O_DIRECT is refused, the same writes go through the page cache.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/unique_fd.hpp"

namespace geostrip {

class TileFile {
 public:
  // Opens PATH, a tiled little-endian TIFF or BigTIFF; throws Error naming it.
  explicit TileFile(std::string path);
  TileFile(const TileFile&) = delete;
  TileFile& operator=(const TileFile&) = delete;
  // Destruction closes; call close() first to see a failure.

  // Appends `tiles` as tiles first, first + 1, ... (TIFF numbers them row by
  // row) and writes their index entries. Throws "PATH: WHAT failed: reason".
  void write(std::int64_t first, const std::vector<std::vector<std::byte>>& tiles, const std::string& what);
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

 private:
  void write_at(const std::byte* data, std::size_t size, std::uint64_t offset, const std::string& what);
  void write_entries(const IndexArray& array, std::int64_t first, const std::vector<std::uint64_t>& values,
                     const std::string& what);

  std::string path_;
  UniqueFd index_fd_;  // through the page cache: entries are small and unaligned
  UniqueFd data_fd_;   // O_DIRECT unless direct_ is false
  bool direct_ = false;
  IndexArray offsets_, byte_counts_;
  std::int64_t tiles_ = 0;  // in the index
  std::uint64_t end_ = 0;   // where the next tiles go, aligned
  std::unique_ptr<std::byte, void (*)(void*)> staging_;  // aligned, as O_DIRECT needs
};

}  // namespace geostrip
