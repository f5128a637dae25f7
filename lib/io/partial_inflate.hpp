#pragma once
// The first bytes of a zlib stream, for a chunk of which only the first
// rows are wanted (io/chunk_assembly.hpp): zlib inflates until its output
// is full, where libdeflate inflates whole streams only.
#include <cstddef>
#include <cstdint>
#include <memory>

struct z_stream_s;

namespace geostrip {

// Whether inflating only the first `rows` of a chunk of `chunk_rows` beats
// inflating it whole: zlib inflates a row about 2.5 times slower than
// libdeflate (a Sentinel-2-like UInt16 tile: 2.5-2.7x, for 128 to 416 of
// its 512 rows), so the first rows alone pay up to 2/5 of the chunk.
constexpr bool inflating_first_rows_pays(std::int64_t rows, std::int64_t chunk_rows) {
  return rows * 5 <= chunk_rows * 2;
}

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
