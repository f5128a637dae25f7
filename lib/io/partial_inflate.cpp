#include "io/partial_inflate.hpp"

#include <zlib.h>

#include "core/error.hpp"

namespace geostrip {

PartialInflater::PartialInflater() : stream_(std::make_unique<z_stream>()) {
  if (inflateInit(stream_.get()) != Z_OK) throw Error("out of memory for a DEFLATE decompressor");
}

PartialInflater::~PartialInflater() { inflateEnd(stream_.get()); }

bool PartialInflater::inflate_first(const std::byte* from, std::size_t length, std::byte* to, std::size_t size) {
  z_stream& stream = *stream_;
  if (inflateReset(&stream) != Z_OK) return false;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(from));
  stream.avail_in = static_cast<uInt>(length);
  stream.next_out = reinterpret_cast<Bytef*>(to);
  stream.avail_out = static_cast<uInt>(size);
  while (stream.avail_out > 0) {
    const int status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK) return status == Z_STREAM_END && stream.avail_out == 0;
  }
  return true;
}

}  // namespace geostrip
