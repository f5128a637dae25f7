#include "io/tile_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

#include <fmt/core.h>

#include "core/error.hpp"

namespace geostrip {

namespace {

// O_DIRECT wants offsets, sizes and memory aligned to the disk's logical block
// (512 B or 4 KiB); a page also keeps tiles off the pages the index shares.
constexpr std::size_t kAlignment = 4096;
constexpr std::size_t kStagingBytes = std::size_t{2} << 20;  // a multiple of kAlignment

constexpr std::uint16_t kTileOffsets = 324, kTileByteCounts = 325;

std::uint64_t round_up(std::uint64_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

std::uint64_t little_endian(const std::byte* bytes, std::size_t width) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) value |= std::to_integer<std::uint64_t>(bytes[i]) << (8 * i);
  return value;
}

// 0, or the errno of the write that failed (ENOSPC for one that wrote nothing).
int pwrite_all(int fd, const std::byte* data, std::size_t size, std::uint64_t offset) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : ENOSPC;
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return 0;
}

// The reason a write failed, as a user can act on it.
std::string write_error(int error) {
  if (error == ENOSPC) return "no space left on the device";
  if (error == EFBIG) return "file size limit reached (see ulimit -f)";
  return std::strerror(error);
}

// The layout of a TIFF's first directory that TileFile needs: both arrays of
// the tile index and the number of tiles.
struct TileIndex {
  TileFile::IndexArray offsets, byte_counts;
  std::int64_t tiles = 0;
};

class DirectoryReader {
 public:
  DirectoryReader(int fd, const std::string& path, std::uint64_t file_size)
      : fd_(fd), path_(path), file_size_(file_size) {}

  TileIndex read() {
    const auto header = bytes(0, 16);
    if (header[0] != std::byte{'I'} || header[1] != std::byte{'I'}) fail("not a little-endian TIFF");
    const auto version = little_endian(&header[2], 2);
    if (version != 42 && version != 43) fail("not a TIFF");
    const bool big = version == 43;
    // Classic TIFF: a 2-byte entry count, then 12-byte entries ending in a
    // 4-byte value field; BigTIFF: 8, 20 and 8.
    const std::size_t count_bytes = big ? 8 : 2, entry_bytes = big ? 20 : 12, field_bytes = big ? 8 : 4;
    const std::uint64_t directory = little_endian(&header[big ? 8 : 4], field_bytes);
    const std::uint64_t entries = little_endian(bytes(directory, count_bytes).data(), count_bytes);
    if (entries == 0 || entries > 4096) fail("a TIFF directory of " + std::to_string(entries) + " entries");
    const std::uint64_t first_entry = directory + count_bytes;
    const auto table = bytes(first_entry, entries * entry_bytes);
    std::optional<std::pair<TileFile::IndexArray, std::uint64_t>> offsets, byte_counts;  // with their counts
    for (std::uint64_t e = 0; e < entries; ++e) {
      const std::byte* entry = &table[e * entry_bytes];
      const auto tag = little_endian(entry, 2);
      if (tag != kTileOffsets && tag != kTileByteCounts) continue;
      const std::size_t element_bytes = element_width(little_endian(entry + 2, 2));
      const std::uint64_t count = little_endian(entry + 4, field_bytes);
      const std::uint64_t field = first_entry + e * entry_bytes + 4 + field_bytes;
      // An array that fits in the value field is kept there, else where the field points.
      const std::uint64_t position =
          count * element_bytes <= field_bytes ? field : little_endian(entry + 4 + field_bytes, field_bytes);
      if (position + count * element_bytes > file_size_) fail("truncated TIFF");
      (tag == kTileOffsets ? offsets : byte_counts) = std::pair{TileFile::IndexArray{position, element_bytes}, count};
    }
    if (!offsets || !byte_counts) fail("not a tiled TIFF");
    if (offsets->second != byte_counts->second) fail("tile offsets and byte counts differ in number");
    return {offsets->first, byte_counts->first, static_cast<std::int64_t>(offsets->second)};
  }

 private:
  std::vector<std::byte> bytes(std::uint64_t offset, std::uint64_t size) {
    std::vector<std::byte> buffer(static_cast<std::size_t>(size));
    if (::pread(fd_, buffer.data(), buffer.size(), static_cast<off_t>(offset)) != static_cast<ssize_t>(size))
      fail("truncated TIFF");
    return buffer;
  }
  std::size_t element_width(std::uint64_t type) {
    if (type == 3) return 2;   // SHORT
    if (type == 4) return 4;   // LONG
    if (type == 16) return 8;  // LONG8
    fail("a tile index of TIFF type " + std::to_string(type));
  }
  [[noreturn]] void fail(const std::string& what) { throw Error(path_ + ": cannot place tiles in it: " + what); }

  int fd_;
  const std::string& path_;
  std::uint64_t file_size_;
};

}  // namespace

TileFile::TileFile(std::string path)
    : path_(std::move(path)),
      staging_(static_cast<std::byte*>(std::aligned_alloc(kAlignment, kStagingBytes)), std::free) {
  if (!staging_) throw std::bad_alloc();
  const auto cannot_open = [this] { return Error(path_ + ": cannot open: " + std::strerror(errno)); };
  index_fd_.reset(::open(path_.c_str(), O_RDWR | O_CLOEXEC));
  if (!index_fd_) throw cannot_open();
  data_fd_.reset(::open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_DIRECT));
  direct_ = static_cast<bool>(data_fd_);
  if (!direct_) data_fd_.reset(::open(path_.c_str(), O_WRONLY | O_CLOEXEC));  // a filesystem without O_DIRECT
  if (!data_fd_) throw cannot_open();
  struct stat status {};
  if (::fstat(index_fd_.get(), &status) != 0) throw cannot_open();
  const auto size = static_cast<std::uint64_t>(status.st_size);
  const TileIndex index = DirectoryReader(index_fd_.get(), path_, size).read();
  offsets_ = index.offsets;
  byte_counts_ = index.byte_counts;
  tiles_ = index.tiles;
  end_ = round_up(size);
}

void TileFile::write(std::int64_t first, const std::vector<std::vector<std::byte>>& tiles, const std::string& what) {
  if (first < 0 || first + static_cast<std::int64_t>(tiles.size()) > tiles_)
    throw Error(fmt::format("{}: {} failed: tiles {}-{} of {}", path_, what, first,
                            first + static_cast<std::int64_t>(tiles.size()) - 1, tiles_));
  std::vector<std::uint64_t> offsets, byte_counts;
  std::uint64_t staged_at = end_;  // the file offset of staging_'s first byte
  std::size_t staged = 0;
  for (const auto& tile : tiles) {
    offsets.push_back(staged_at + staged);
    byte_counts.push_back(tile.size());
    for (std::size_t done = 0; done < tile.size();) {
      const std::size_t n = std::min(kStagingBytes - staged, tile.size() - done);
      std::memcpy(staging_.get() + staged, tile.data() + done, n);
      staged += n;
      done += n;
      if (staged == kStagingBytes) {
        write_at(staging_.get(), staged, staged_at, what);
        staged_at += staged;
        staged = 0;
      }
    }
  }
  if (staged > 0) {
    const std::size_t padded = round_up(staged);
    std::memset(staging_.get() + staged, 0, padded - staged);
    write_at(staging_.get(), padded, staged_at, what);
    staged_at += padded;
  }
  end_ = staged_at;
  write_entries(offsets_, first, offsets, what);
  write_entries(byte_counts_, first, byte_counts, what);
}

void TileFile::write_at(const std::byte* data, std::size_t size, std::uint64_t offset, const std::string& what) {
  int error = pwrite_all(data_fd_.get(), data, size, offset);
  if (error == EINVAL && direct_) {
    // Some filesystems open with O_DIRECT and then refuse the write.
    data_fd_.reset(::open(path_.c_str(), O_WRONLY | O_CLOEXEC));
    direct_ = false;
    error = data_fd_ ? pwrite_all(data_fd_.get(), data, size, offset) : errno;
  }
  if (error != 0) throw Error(fmt::format("{}: {} failed: {}", path_, what, write_error(error)));
}

void TileFile::write_entries(const IndexArray& array, std::int64_t first, const std::vector<std::uint64_t>& values,
                             const std::string& what) {
  std::vector<std::byte> entries(values.size() * array.width);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (array.width < 8 && values[i] >> (8 * array.width) != 0)
      throw Error(fmt::format("{}: {} failed: {} does not fit the file's {}-bit tile index{}", path_, what, values[i],
                              8 * array.width, array.width == 4 ? " (a classic TIFF ends at 4 GiB)" : ""));
    for (std::size_t b = 0; b < array.width; ++b)
      entries[i * array.width + b] = static_cast<std::byte>(values[i] >> (8 * b));
  }
  const std::uint64_t position = array.position + static_cast<std::uint64_t>(first) * array.width;
  if (const int error = pwrite_all(index_fd_.get(), entries.data(), entries.size(), position))
    throw Error(fmt::format("{}: {} failed: {}", path_, what, write_error(error)));
}

void TileFile::sync() {
  // One inode behind both descriptors: this also makes the O_DIRECT tiles durable.
  if (::fdatasync(index_fd_.get()) != 0) throw Error(path_ + ": cannot sync to disk: " + std::strerror(errno));
}

void TileFile::close() {
  sync();
  if (!index_fd_.close() || !data_fd_.close()) throw Error(path_ + ": closing failed: " + std::strerror(errno));
}

}  // namespace geostrip
