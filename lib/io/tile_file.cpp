#include "io/tile_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

#include "io/checksum.hpp"

#include <fmt/core.h>

#include "core/error.hpp"
#include "io/safe_files.hpp"

namespace geostrip {

namespace {

// O_DIRECT wants offsets, sizes and memory aligned to the disk's logical block
// (512 B or 4 KiB); a page also keeps tiles off the pages the index shares.
constexpr std::size_t kAlignment = 4096;
constexpr std::size_t kStagingBytes = std::size_t{2} << 20;  // a multiple of kAlignment

constexpr std::uint16_t kTileOffsets = 324, kTileByteCounts = 325, kGdalMetadata = 42112, kGdalNodata = 42113;
// A header larger than this is not one GDAL wrote.
constexpr std::uint64_t kMaxHeaderBytes = std::uint64_t{1} << 30;

// COG's framing of a tile: its size (4 bytes, little-endian) before it and
// its last 4 bytes (zeros for a shorter tile) repeated after it.
constexpr std::size_t kLeaderBytes = 4;
std::array<std::byte, 2 * kLeaderBytes> tile_framing(const std::vector<std::byte>& tile) {
  std::array<std::byte, 2 * kLeaderBytes> framing{};
  for (std::size_t b = 0; b < kLeaderBytes; ++b) framing[b] = static_cast<std::byte>(tile.size() >> (8 * b));
  if (tile.size() >= kLeaderBytes) std::copy(tile.end() - kLeaderBytes, tile.end(), framing.begin() + kLeaderBytes);
  return framing;
}

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

// Where a directory's entry for a tag lies: its count, then its value field.
struct TagEntry {
  std::uint64_t count_position = 0, value_position = 0;
  std::uint64_t count = 0;
};

// The layout of a TIFF that TileFile needs: each directory's tile index (both
// arrays and the number of tiles), the first one's GDAL metadata, and
// whether its tiles are framed; and every directory's GDAL nodata tag.
struct TileIndex {
  std::vector<TileFile::Directory> directories;
  TileFile::Field metadata;  // the first directory's
  bool leaders = false;
  std::size_t field_bytes = 4;  // of an entry's count and value field: 8 in BigTIFF
  std::vector<TagEntry> nodata;
};

// A header of GDAL's COG layout declares, in its "ghost area" after the TIFF
// header, that each tile has its size before it and its last 4 bytes after it.
constexpr std::string_view kGhostArea = "GDAL_STRUCTURAL_METADATA_SIZE=";
constexpr std::string_view kLeaders = "BLOCK_LEADER=SIZE_AS_UINT4";

class DirectoryReader {
 public:
  // `read` gives `size` bytes at `offset` of a file of `file_size`, or fewer when it cannot.
  using Read = std::function<std::vector<std::byte>(std::uint64_t offset, std::size_t size)>;
  DirectoryReader(Read read, const std::string& path, std::uint64_t file_size)
      : read_(std::move(read)), path_(path), file_size_(file_size) {}

  TileIndex read() {
    const auto header = bytes(0, 16);
    if (header[0] != std::byte{'I'} || header[1] != std::byte{'I'}) fail("not a little-endian TIFF");
    const auto version = little_endian(&header[2], 2);
    if (version != 42 && version != 43) fail("not a TIFF");
    big_ = version == 43;
    TileIndex index;
    index.field_bytes = field_bytes();
    index.leaders = declares_leaders();
    std::uint64_t directory = little_endian(&header[big_ ? 8 : 4], field_bytes());
    while (directory != 0) {
      if (index.directories.size() == kMaxDirectories) fail("more than " + std::to_string(kMaxDirectories) + " directories");
      directory = read_directory(directory, index);
    }
    return index;
  }

 private:
  // Classic TIFF: a 2-byte entry count, then 12-byte entries ending in a
  // 4-byte value field; BigTIFF: 8, 20 and 8.
  std::size_t field_bytes() const { return big_ ? 8 : 4; }

  bool declares_leaders() {
    const std::uint64_t at = big_ ? 16 : 8;
    if (file_size_ < at + kGhostArea.size() + 6) return false;
    const auto ghost = bytes(at, std::min<std::uint64_t>(file_size_ - at, 1024));
    const std::string_view text(reinterpret_cast<const char*>(ghost.data()), ghost.size());
    return text.starts_with(kGhostArea) && text.find(kLeaders) != std::string_view::npos;
  }

  // Reads the directory at `offset` into `index`; returns the next one's offset (0: none).
  std::uint64_t read_directory(std::uint64_t offset, TileIndex& index) {
    const std::size_t count_bytes = big_ ? 8 : 2, entry_bytes = big_ ? 20 : 12;
    const std::uint64_t entries = little_endian(bytes(offset, count_bytes).data(), count_bytes);
    if (entries == 0 || entries > 4096) fail("a TIFF directory of " + std::to_string(entries) + " entries");
    const std::uint64_t first_entry = offset + count_bytes;
    const auto table = bytes(first_entry, entries * entry_bytes + field_bytes());
    std::optional<std::pair<TileFile::IndexArray, std::uint64_t>> offsets, byte_counts;  // with their counts
    const bool first = index.directories.empty();
    for (std::uint64_t e = 0; e < entries; ++e) {
      const std::byte* entry = &table[e * entry_bytes];
      const auto tag = little_endian(entry, 2);
      if (tag == kGdalNodata) {
        const std::uint64_t count_position = first_entry + e * entry_bytes + 4;
        index.nodata.push_back({.count_position = count_position,
                                .value_position = count_position + field_bytes(),
                                .count = little_endian(entry + 4, field_bytes())});
        continue;
      }
      if (tag != kTileOffsets && tag != kTileByteCounts && !(tag == kGdalMetadata && first)) continue;
      const auto type = little_endian(entry + 2, 2);
      const std::size_t element_bytes = tag == kGdalMetadata ? ascii_width(type) : element_width(type);
      const std::uint64_t count = little_endian(entry + 4, field_bytes());
      if (count > file_size_) fail("truncated TIFF");
      const std::uint64_t field = first_entry + e * entry_bytes + 4 + field_bytes();
      // An array that fits in the value field is kept there, else where the field points.
      const std::uint64_t position =
          count * element_bytes <= field_bytes() ? field : little_endian(entry + 4 + field_bytes(), field_bytes());
      if (position > file_size_ || count * element_bytes > file_size_ - position) fail("truncated TIFF");
      if (tag == kGdalMetadata)
        index.metadata = {position, count};
      else
        (tag == kTileOffsets ? offsets : byte_counts) = std::pair{TileFile::IndexArray{position, element_bytes}, count};
    }
    if (!offsets || !byte_counts) fail("not a tiled TIFF");
    if (offsets->second != byte_counts->second) fail("tile offsets and byte counts differ in number");
    index.directories.push_back({.offsets = offsets->first,
                                 .byte_counts = byte_counts->first,
                                 .tiles = static_cast<std::int64_t>(offsets->second)});
    return little_endian(&table[entries * entry_bytes], field_bytes());
  }

  std::vector<std::byte> bytes(std::uint64_t offset, std::uint64_t size) {
    if (offset > file_size_ || size > file_size_ - offset) fail("truncated TIFF");
    std::vector<std::byte> buffer = read_(offset, static_cast<std::size_t>(size));
    if (buffer.size() != size) fail("truncated TIFF");
    return buffer;
  }
  std::size_t element_width(std::uint64_t type) {
    if (type == 3) return 2;   // SHORT
    if (type == 4) return 4;   // LONG
    if (type == 16) return 8;  // LONG8
    fail("a tile index of TIFF type " + std::to_string(type));
  }
  std::size_t ascii_width(std::uint64_t type) {
    if (type == 2) return 1;  // ASCII
    fail("GDAL metadata of TIFF type " + std::to_string(type));
  }
  [[noreturn]] void fail(const std::string& what) { throw Error(path_ + ": cannot place tiles in it: " + what); }

  static constexpr std::size_t kMaxDirectories = 64;
  Read read_;
  const std::string& path_;
  std::uint64_t file_size_;
  bool big_ = false;
};

}  // namespace

std::uint32_t tile_checksum(std::uint32_t crc, const TileEntry& entry, std::uint32_t bytes_crc) {
  std::array<std::byte, 16> place{};
  for (std::size_t b = 0; b < 8; ++b) {
    place[b] = static_cast<std::byte>(entry.offset >> (8 * b));
    place[8 + b] = static_cast<std::byte>(entry.bytes >> (8 * b));
  }
  return crc32_concat(crc32_of(place, crc), bytes_crc, entry.bytes);
}

std::uint32_t tile_checksum(const std::vector<TileEntry>& entries, const std::vector<std::uint32_t>& bytes_crcs) {
  std::uint32_t crc = 0;
  for (std::size_t t = 0; t < entries.size(); ++t) crc = tile_checksum(crc, entries[t], bytes_crcs.at(t));
  return crc;
}

void replace_nodata_tags(std::span<std::byte> tiff, std::string_view stand_in, std::string_view text,
                         const std::string& path) {
  const auto read = [&](std::uint64_t offset, std::size_t size) {
    const auto from = tiff.begin() + static_cast<std::ptrdiff_t>(offset);
    return std::vector<std::byte>(from, from + static_cast<std::ptrdiff_t>(std::min(size, tiff.size() - offset)));
  };
  const TileIndex index = DirectoryReader(read, path, tiff.size()).read();
  const std::size_t field = index.field_bytes;
  if (text.size() >= field) throw Error(path + ": internal error: nodata " + std::string(text) + " does not fit");
  // A value is a C string: its count includes the NUL, and zeros fill its field.
  const auto value_field = [&](std::string_view value) {
    std::vector<std::byte> bytes(field, std::byte{0});
    std::memcpy(bytes.data(), value.data(), value.size());
    return bytes;
  };
  const std::vector<std::byte> before = value_field(stand_in), after = value_field(text);
  for (const TagEntry& entry : index.nodata) {
    const auto value = tiff.subspan(entry.value_position, field);
    if (entry.count != stand_in.size() + 1 || !std::equal(value.begin(), value.end(), before.begin()))
      throw Error(path + ": internal error: GDAL's nodata tag is not " + std::string(stand_in));
    for (std::size_t b = 0; b < field; ++b)
      tiff[entry.count_position + b] = static_cast<std::byte>((text.size() + 1) >> (8 * b));
    std::copy(after.begin(), after.end(), value.begin());
  }
}

TileFile::TileFile(std::string path) : TileFile(UniqueFd(), std::move(path)) {}

TileFile::TileFile(UniqueFd file, std::string path)
    : path_(std::move(path)), index_fd_(std::move(file)), staging_(nullptr, std::free) {
  if (!index_fd_) {
    auto opened = open_regular_file(path_, O_RDWR);
    if (!opened) throw Error(path_ + ": cannot open: " + std::strerror(ENOENT));
    index_fd_ = std::move(*opened);
  }
  struct stat status {};
  if (::fstat(index_fd_.get(), &status) != 0) throw Error(path_ + ": cannot open: " + std::strerror(errno));
  size_ = static_cast<std::uint64_t>(status.st_size);
  const auto read = [fd = index_fd_.get()](std::uint64_t offset, std::size_t size) {
    std::vector<std::byte> buffer(size);
    const ssize_t n = ::pread(fd, buffer.data(), size, static_cast<off_t>(offset));
    buffer.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
    return buffer;
  };
  TileIndex index = DirectoryReader(read, path_, size_).read();
  directories_ = std::move(index.directories);
  metadata_ = index.metadata;
  leaders_ = index.leaders;
  end_ = round_up(size_);
}

TileRowLayout TileFile::lay_out(std::uint64_t start, const std::vector<std::uint64_t>& sizes) const {
  const std::uint64_t framing = leaders_ ? 2 * kLeaderBytes : 0;
  TileRowLayout layout{.entries = {}, .end = start};
  std::uint64_t at = start;
  for (const std::uint64_t bytes : sizes) {
    layout.entries.push_back({at + framing / 2, bytes});
    at += bytes + framing;
  }
  layout.end = start + round_up(at - start);
  return layout;
}

std::vector<TileEntry> TileFile::reserve(std::int64_t first, const std::vector<std::uint64_t>& sizes) {
  const Directory& image = directories_.front();
  if (first < 0 || first + static_cast<std::int64_t>(sizes.size()) > image.tiles)
    throw Error(fmt::format("{}: tiles {}-{} of {} reserved", path_, first,
                            first + static_cast<std::int64_t>(sizes.size()) - 1, image.tiles));
  TileRowLayout layout = lay_out(end_, sizes);
  end_ = layout.end;
  size_ = std::max(size_, end_);
  return std::move(layout.entries);
}

std::uint64_t TileFile::write_tiles_at(std::uint64_t start, const std::vector<std::vector<std::byte>>& tiles,
                                       const std::string& what) {
  if (!data_fd_) {
    // A second description of the same file for O_DIRECT, reached through
    // the descriptor (not the path, which another user could replace).
    const std::string self = "/proc/self/fd/" + std::to_string(index_fd_.get());
    data_fd_.reset(::open(self.c_str(), O_WRONLY | O_CLOEXEC | O_DIRECT));
    direct_ = static_cast<bool>(data_fd_);
    if (!direct_) data_fd_.reset(::open(self.c_str(), O_WRONLY | O_CLOEXEC));  // a filesystem without O_DIRECT
    if (!data_fd_) data_fd_.reset(::fcntl(index_fd_.get(), F_DUPFD_CLOEXEC, 0));  // no /proc
    if (!data_fd_) throw Error(path_ + ": cannot open: " + std::strerror(errno));
    staging_.reset(static_cast<std::byte*>(std::aligned_alloc(kAlignment, kStagingBytes)));
    if (!staging_) throw Error(path_ + ": out of memory for a 2 MiB staging buffer");
  }
  std::uint64_t staged_at = start;  // the file offset of staging_'s first byte
  std::size_t staged = 0;
  const auto stage = [&](const std::byte* data, std::size_t size) {
    for (std::size_t done = 0; done < size;) {
      const std::size_t n = std::min(kStagingBytes - staged, size - done);
      std::memcpy(staging_.get() + staged, data + done, n);
      staged += n;
      done += n;
      if (staged == kStagingBytes) {
        write_at(staging_.get(), staged, staged_at, what);
        staged_at += staged;
        staged = 0;
      }
    }
  };
  for (const auto& tile : tiles) {
    if (leaders_) {
      const auto framing = tile_framing(tile);
      stage(framing.data(), kLeaderBytes);
      stage(tile.data(), tile.size());
      stage(framing.data() + kLeaderBytes, kLeaderBytes);
    } else {
      stage(tile.data(), tile.size());
    }
  }
  if (staged > 0) {
    const std::size_t padded = round_up(staged);
    std::memset(staging_.get() + staged, 0, padded - staged);
    write_at(staging_.get(), padded, staged_at, what);
    staged_at += padded;
  }
  size_ = std::max(size_, staged_at);
  return staged_at;
}

void TileFile::record(std::int64_t first, const std::vector<TileEntry>& entries, const std::string& what) {
  std::vector<std::uint64_t> offsets, byte_counts;
  for (const TileEntry& entry : entries) {
    offsets.push_back(entry.offset);
    byte_counts.push_back(entry.bytes);
  }
  const Directory& image = directories_.front();
  write_entries(image.offsets, first, offsets, what);
  write_entries(image.byte_counts, first, byte_counts, what);
}

std::vector<TileEntry> TileFile::write(std::int64_t first, const std::vector<std::vector<std::byte>>& tiles,
                                       const std::string& what) {
  std::vector<std::uint64_t> sizes;
  for (const auto& tile : tiles) sizes.push_back(tile.size());
  const std::uint64_t start = end_;
  std::vector<TileEntry> placed = reserve(first, sizes);
  write_tiles_at(start, tiles, what);
  record(first, placed, what);
  return placed;
}

std::vector<std::byte> TileFile::read_at(std::uint64_t offset, std::uint64_t size) const {
  if (offset > size_ || size > size_ - offset)
    throw Error(fmt::format("{}: bytes {}-{} lie beyond its end ({} bytes)", path_, offset, offset + size, size_));
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::pread(index_fd_.get(), bytes.data() + done, bytes.size() - done,
                              static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(path_ + ": reading failed: " + std::strerror(n < 0 ? errno : EIO));
    done += static_cast<std::size_t>(n);
  }
  return bytes;
}

std::vector<TileEntry> TileFile::entries(std::int64_t first, std::int64_t count) const {
  const Directory& image = directories_.front();
  if (first < 0 || count < 0 || first > image.tiles || count > image.tiles - first)
    throw Error(fmt::format("{}: tiles {}-{} are not in its index of {}", path_, first, first + count - 1, image.tiles));
  const auto array = [&](const IndexArray& a) {
    return read_at(a.position + static_cast<std::uint64_t>(first) * a.width,
                   static_cast<std::uint64_t>(count) * a.width);
  };
  const std::vector<std::byte> offsets = array(image.offsets), byte_counts = array(image.byte_counts);
  std::vector<TileEntry> entries(static_cast<std::size_t>(count));
  for (std::size_t t = 0; t < entries.size(); ++t)
    entries[t] = {little_endian(&offsets[t * image.offsets.width], image.offsets.width),
                  little_endian(&byte_counts[t * image.byte_counts.width], image.byte_counts.width)};
  return entries;
}

std::vector<std::byte> TileFile::read(const TileEntry& entry) const { return read_at(entry.offset, entry.bytes); }

std::optional<std::uint32_t> TileFile::header_checksum(std::uint64_t bytes) const {
  if (bytes > size_ || bytes > kMaxHeaderBytes) return std::nullopt;
  std::vector<std::byte> header = read_at(0, bytes);
  for (const Directory& image : directories_)
    for (const IndexArray& array : {image.offsets, image.byte_counts}) {
      const std::uint64_t length = static_cast<std::uint64_t>(image.tiles) * array.width;
      if (array.position > bytes || length > bytes - array.position) return std::nullopt;
      std::fill_n(header.begin() + static_cast<std::ptrdiff_t>(array.position), length, std::byte{0});
    }
  return crc32_of(header);
}

void TileFile::fill_in_metadata(std::span<std::byte> header,
                                const std::vector<std::pair<std::string, std::string>>& values) const {
  if (metadata_.position > header.size() || metadata_.bytes > header.size() - metadata_.position)
    throw Error(path_ + ": its metadata lies beyond its header");
  const std::span<std::byte> field = header.subspan(metadata_.position, metadata_.bytes);
  // The field is a C string in a fixed space: shorter values move the rest
  // up, and spaces fill the end (libtiff refuses NULs inside).
  std::string text(reinterpret_cast<const char*>(field.data()), field.size());
  if (text.empty() || text.back() != '\0') throw Error(path_ + ": its metadata does not end as GDAL ends it");
  text.pop_back();
  for (const auto& [placeholder, value] : values) {
    const auto at = text.find(placeholder);
    if (at == std::string::npos || value.size() > placeholder.size())
      throw Error(path_ + ": its metadata has no place for " + value);
    text.replace(at, placeholder.size(), value);
  }
  text.resize(field.size() - 1, ' ');
  text.push_back('\0');
  std::memcpy(field.data(), text.data(), field.size());
}

void TileFile::fill_in_metadata(const std::vector<std::pair<std::string, std::string>>& values) {
  std::vector<std::byte> header = read_at(0, metadata_.position + metadata_.bytes);
  fill_in_metadata(header, values);
  if (const int error = pwrite_all(index_fd_.get(), header.data() + metadata_.position, metadata_.bytes,
                                   metadata_.position))
    throw Error(path_ + ": writing its metadata failed: " + write_error(error));
}

bool TileFile::put_overviews_first(std::uint64_t header_bytes, const Overviews& overviews,
                                   const std::vector<std::uint32_t>& tile_crcs, const std::string& copy,
                                   const MetadataOf& metadata) {
  const std::uint64_t lead = leaders_ ? kLeaderBytes : 0;
  if (overviews.bytes.size() + 1 != directories_.size()) throw Error(path_ + ": internal error: overview levels");
  for (std::size_t d = 1; d < directories_.size(); ++d)
    if (overviews.bytes[d - 1].size() != static_cast<std::size_t>(directories_[d].tiles))
      throw Error(path_ + ": internal error: overview tiles");
  // The overviews' room begins where this file's tiles begin, after the
  // header (aligned): each overview tile's place, smallest level first.
  const std::uint64_t data_start = round_up(header_bytes);
  std::vector<std::vector<TileEntry>> to(directories_.size());
  std::uint64_t span = 0;
  for (std::size_t d = directories_.size() - 1; d >= 1; --d)
    for (const std::uint64_t bytes : overviews.bytes[d - 1]) {
      to[d].push_back({data_start + span + lead, bytes});
      span += bytes + 2 * lead;
    }
  const std::uint64_t room = round_up(span);
  std::vector<TileEntry> full = entries(0, tiles());
  if (tile_crcs.size() != full.size()) throw Error(path_ + ": internal error: tile checksums");
  for (TileEntry& entry : full) entry.offset += room;
  to[0] = full;
  // The same bytes either way: the room inserted into this file, or a copy
  // with the full resolution's bytes `room` further on.
  const bool inserted = room == 0 || ::fallocate(index_fd_.get(), FALLOC_FL_INSERT_RANGE,
                                                 static_cast<off_t>(data_start), static_cast<off_t>(room)) == 0;
  UniqueFd copied;
  if (!inserted) copied = create_new_file(copy);
  const int out = inserted ? index_fd_.get() : copied.get();
  const std::string& out_path = inserted ? path_ : copy;
  const auto put = [&](const std::vector<std::byte>& bytes, std::uint64_t at) {
    if (const int error = pwrite_all(out, bytes.data(), bytes.size(), at))
      throw Error(out_path + ": writing failed: " + write_error(error));
  };
  if (!inserted)
    for (std::uint64_t at = data_start; at < size_;) {
      const std::vector<std::byte> part = read_at(at, std::min<std::uint64_t>(kStagingBytes, size_ - at));
      put(part, at + room);
      at += part.size();
    }
  std::vector<std::byte> buffer;
  std::uint64_t written = data_start;
  for (std::size_t d = directories_.size() - 1; d >= 1; --d)
    for (std::size_t t = 0; t < to[d].size(); ++t) {
      const std::vector<std::byte> tile = overviews.read(d - 1, t);
      const auto frame = tile_framing(tile);
      if (leaders_) buffer.insert(buffer.end(), frame.begin(), frame.begin() + kLeaderBytes);
      buffer.insert(buffer.end(), tile.begin(), tile.end());
      if (leaders_) buffer.insert(buffer.end(), frame.begin() + kLeaderBytes, frame.end());
      if (buffer.size() >= kStagingBytes || (d == 1 && t + 1 == to[d].size())) {
        put(buffer, written);
        written += buffer.size();
        buffer.clear();
      }
    }
  const std::uint32_t crc = tile_checksum(full, tile_crcs);
  // The header lies before any tile: the room and the copy leave it in place.
  std::vector<std::byte> header = read_at(0, header_bytes);
  for (std::size_t d = 0; d < to.size(); ++d)
    for (const auto& [array, field] : {std::pair{directories_[d].offsets, &TileEntry::offset},
                                       std::pair{directories_[d].byte_counts, &TileEntry::bytes}}) {
      std::vector<std::uint64_t> values;
      for (const TileEntry& entry : to[d]) values.push_back(entry.*field);
      const std::vector<std::byte> bytes = index_bytes(array, values, "placing the tiles in COG's order");
      std::copy(bytes.begin(), bytes.end(), header.begin() + static_cast<std::ptrdiff_t>(array.position));
    }
  const std::uint64_t end = size_ + room;
  fill_in_metadata(header, metadata(end, crc));
  put(header, 0);
  if (inserted) {
    size_ = end_ = end;
    sync();
    return false;
  }
  if (::fsync(out) != 0 || !copied.close()) throw Error(copy + ": cannot sync to disk: " + std::strerror(errno));
  return true;
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

std::vector<std::byte> TileFile::index_bytes(const IndexArray& array, const std::vector<std::uint64_t>& values,
                                             const std::string& what) const {
  std::vector<std::byte> entries(values.size() * array.width);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (array.width < 8 && values[i] >> (8 * array.width) != 0)
      throw Error(fmt::format("{}: {} failed: {} does not fit the file's {}-bit tile index{}", path_, what, values[i],
                              8 * array.width, array.width == 4 ? " (a classic TIFF ends at 4 GiB)" : ""));
    for (std::size_t b = 0; b < array.width; ++b)
      entries[i * array.width + b] = static_cast<std::byte>(values[i] >> (8 * b));
  }
  return entries;
}

void TileFile::write_entries(const IndexArray& array, std::int64_t first, const std::vector<std::uint64_t>& values,
                             const std::string& what) {
  const std::vector<std::byte> entries = index_bytes(array, values, what);
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
  if (!data_fd_.close() || !index_fd_.close()) throw Error(path_ + ": closing failed: " + std::strerror(errno));
}

}  // namespace geostrip
