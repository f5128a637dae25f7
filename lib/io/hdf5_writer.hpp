#pragma once
// Writes a complex64 grid as a NISAR-GSLC-like HDF5 file: DATASET as an
// {r, i} float32 compound (chunked, deflated), with xCoordinates,
// yCoordinates (pixel centres) and projection (EPSG) beside it. Written as
// PATH.partial and renamed when complete.
#include <string>

#include "geometry/georeference.hpp"
#include "io/block_writer.hpp"

namespace geostrip {

class Hdf5GridWriter final : public BlockWriter {
 public:
  Hdf5GridWriter(std::string path, const std::string& dataset, RasterSize size, const GeoTransform& transform,
                 int epsg, bool overwrite);
  ~Hdf5GridWriter() override;
  void write(OutputBlock block) override;  // pixels only
  void commit() override;

 private:
  std::string path_;
  std::string partial_;
  std::int64_t file_ = -1;     // hid_t
  std::int64_t dataset_ = -1;  // hid_t
};

}  // namespace geostrip
