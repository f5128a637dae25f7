#include "io/checksum.hpp"

#include <zlib.h>

#include <algorithm>

namespace geostrip {

std::uint32_t crc32_of(std::span<const std::byte> bytes, std::uint32_t crc) {
  // zlib takes lengths as uInt: feed it at most 1 GiB at a time.
  for (std::size_t done = 0; done < bytes.size();) {
    const std::size_t n = std::min<std::size_t>(bytes.size() - done, std::size_t{1} << 30);
    crc = static_cast<std::uint32_t>(
        ::crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + done), static_cast<uInt>(n)));
    done += n;
  }
  return crc;
}

std::uint32_t crc32_of(std::string_view text) { return crc32_of(std::as_bytes(std::span(text.data(), text.size()))); }

std::uint32_t crc32_concat(std::uint32_t a, std::uint32_t b, std::uint64_t b_length) {
  return static_cast<std::uint32_t>(::crc32_combine(a, b, static_cast<z_off_t>(b_length)));
}

}  // namespace geostrip
