#include "io/igzip.hpp"

#include <isa-l/igzip_lib.h>

#include <string>

#include "core/error.hpp"

namespace geostrip {

namespace {

// What igzip writes at most: its stored blocks (5 bytes of header each
// 65535 bytes), the zlib header and Adler-32, and its largest block header.
std::size_t encoded_bound(std::size_t bytes) {
  return bytes + 5 * (bytes / 65535 + 1) + 6 + ISAL_DEF_MAX_HDR_SIZE;
}

}  // namespace

IgzipEncoder::IgzipEncoder() : hash_tables_(ISAL_DEF_LVL1_DEFAULT) {}

std::vector<std::byte> IgzipEncoder::encode(std::span<const std::byte> data) {
  std::vector<std::byte> out(encoded_bound(data.size()));
  isal_zstream stream;
  isal_deflate_stateless_init(&stream);
  stream.level = 1;
  stream.level_buf = hash_tables_.data();
  stream.level_buf_size = static_cast<std::uint32_t>(hash_tables_.size());
  stream.gzip_flag = IGZIP_ZLIB;
  stream.end_of_stream = 1;
  stream.flush = NO_FLUSH;
  // igzip's interface takes non-const input it does not write.
  stream.next_in = reinterpret_cast<std::uint8_t*>(const_cast<std::byte*>(data.data()));
  stream.avail_in = static_cast<std::uint32_t>(data.size());
  stream.next_out = reinterpret_cast<std::uint8_t*>(out.data());
  stream.avail_out = static_cast<std::uint32_t>(out.size());
  if (const int code = isal_deflate_stateless(&stream); code != COMP_OK)
    throw Error("igzip could not encode " + std::to_string(data.size()) + " bytes (code " + std::to_string(code) + ")");
  out.resize(stream.total_out);
  return out;
}

}  // namespace geostrip
