#pragma once
// FILE.h5:/path/to/dataset inputs, read through the HDF5 C API. HDF5 is
// not thread-safe here: every call holds one process-wide lock, and chunks
// are decoded after releasing it where geostrip can (io/hdf5_chunks.hpp).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "io/hdf5_chunks.hpp"
#include "io/raster_input.hpp"

namespace geostrip {

// A 2-D dataset's size, pixel type ({r, i} compounds of float32 or float16 are
// complex), chunk rows, and the georeference of sibling xCoordinates,
// yCoordinates and projection when present. Throws Error naming the file and,
// when the dataset is missing or not 2-D, listing the 2-D datasets there are.
InputInfo describe_hdf5(const FileSpec& spec, const Hdf5Path& path);

class Hdf5RowReader final : public RowReader {
 public:
  // `overlap`: as ChunkAssembly.
  Hdf5RowReader(const InputInfo& info, const Hdf5Path& path, Halo overlap);
  ~Hdf5RowReader() override;
  void read(BlockBuffer& into) override;

 private:
  std::string path_;
  std::int64_t file_ = -1;     // hid_t
  std::int64_t dataset_ = -1;  // hid_t
  std::unique_ptr<Hdf5Chunks> chunks_;  // null: every read is an H5Dread
};

}  // namespace geostrip
