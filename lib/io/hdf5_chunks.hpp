#pragma once
// A chunked HDF5 dataset read chunk by chunk: each chunk's stored bytes are
// fetched holding Hdf5Lock (H5Dread_chunk) and decoded (inflated,
// unshuffled) after releasing it, so the threads of a rank decode in
// parallel where H5Dread would make them take turns. Only for the filters
// geostrip undoes itself, and pixels stored as they are read or as float16.
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/block_buffer.hpp"
#include "io/chunk_assembly.hpp"
#include "io/partial_inflate.hpp"

struct libdeflate_decompressor;

namespace geostrip {

// Which of HDF5's filters a dataset's chunks went through, in pipeline order.
enum class ChunkFilter { Shuffle, Deflate };

class Hdf5Chunks {
 public:
  // The chunk reader of `dataset` (pixels read as `pixel`), or nullptr when
  // HDF5's own pipeline must read it: not chunked, another filter (fletcher32,
  // szip, plugins), or pixels that need converting (big-endian, integers
  // into floats); float16 is widened here, as HDF5 converts it.
  // `overlap`: as ChunkAssembly. Call holding Hdf5Lock.
  static std::unique_ptr<Hdf5Chunks> open(hid_t dataset, PixelType pixel, Halo overlap, std::string path);
  ~Hdf5Chunks();
  Hdf5Chunks(const Hdf5Chunks&) = delete;
  Hdf5Chunks& operator=(const Hdf5Chunks&) = delete;

  // Copies the region `into` holds from the chunks it meets; false when
  // `into` is of another pixel type or a chunk is not stored (its pixels are
  // the fill value): H5Dread must read that region. Throws Error naming the
  // file and chunk when a chunk does not decode to its size.
  bool read(hid_t dataset, BlockBuffer& into);

 private:
  // What a chunk is made of.
  struct Layout {
    std::vector<ChunkFilter> filters;
    std::int64_t chunk_rows;
    std::int64_t chunk_cols;
    PixelType pixel;           // read as
    std::size_t stored_bytes;  // a stored element's
    bool widen;                // stored as float16, read as float32
  };

  Hdf5Chunks(Layout layout, Halo overlap, std::string path);
  // As ChunkAssembly::Decode: a chunk's first `rows` rows, or all of them
  // when it is shuffled (the filter spans the chunk); 0 when it is not stored.
  std::int64_t decode(hid_t dataset, std::int64_t chunk_row, std::int64_t chunk_col, std::int64_t rows,
                      std::vector<std::byte>& pixels);

  Layout layout_;
  ChunkAssembly assembly_;
  std::string path_;
  libdeflate_decompressor* inflater_;
  PartialInflater partial_;  // for a chunk's first rows
  // Reused, so that a run does not allocate a chunk's bytes for every chunk.
  std::vector<std::byte> stored_;
  std::vector<std::byte> scratch_;
};

}  // namespace geostrip
