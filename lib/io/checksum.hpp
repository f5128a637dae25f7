#pragma once
// CRC-32 (zlib's), as journals, tile records and encoded tiles keep it.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace geostrip {

// The CRC-32 of `bytes`, continuing from `crc` (0 to start).
std::uint32_t crc32_of(std::span<const std::byte> bytes, std::uint32_t crc = 0);
std::uint32_t crc32_of(std::string_view text);

// The CRC-32 of A followed by B, from theirs and B's length: O(log length),
// so a writer can chain checksums it did not compute over the bytes itself.
std::uint32_t crc32_concat(std::uint32_t a, std::uint32_t b, std::uint64_t b_length);

}  // namespace geostrip
