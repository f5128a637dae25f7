#pragma once
// The first bytes of a zlib stream, for a chunk of which only the first
// rows are wanted (io/chunk_assembly.hpp): zlib inflates until its output
// is full, where libdeflate inflates whole streams only.
#include <cstddef>
#include <memory>

struct z_stream_s;

namespace geostrip {

class PartialInflater {
 public:
  PartialInflater();  // throws Error when out of memory
  ~PartialInflater();
  PartialInflater(const PartialInflater&) = delete;
  PartialInflater& operator=(const PartialInflater&) = delete;

  // Inflates the first `size` bytes of the zlib stream in `from` into `to`;
  // false when the stream holds fewer or is damaged before them. The rest
  // is not read, nor its checksum checked.
  bool inflate_first(const std::byte* from, std::size_t length, std::byte* to, std::size_t size);

 private:
  std::unique_ptr<z_stream_s> stream_;
};

}  // namespace geostrip
