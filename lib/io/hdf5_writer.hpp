#pragma once
// Writes a complex64 grid as a NISAR-GSLC-like HDF5 file: DATASET as an
// {r, i} float32 compound (chunked, deflated), with xCoordinates,
// yCoordinates (pixel centres) and projection (EPSG) beside it. Written as
// PATH.partial (a new file: HDF5's exclusive create, which follows no link)
// under PATH's lock, and renamed when every row has arrived.
#include <string>

#include "geometry/georeference.hpp"
#include "io/output_format.hpp"
#include "io/output_lock.hpp"

namespace geostrip {

// Its blocks come as RawRowsEncoder(CFloat32, 1, size.cols) encodes them.
class Hdf5GridWriter final : public RowSink {
 public:
  Hdf5GridWriter(std::string path, const std::string& dataset, RasterSize size, const GeoTransform& transform,
                 int epsg, bool overwrite, OutputLock lock);
  ~Hdf5GridWriter() override;
  void place(EncodedRows rows) override;
  void commit() override;  // throws Error unless every row was written

 private:
  OutputLock lock_;  // first: let go last
  std::string path_;
  std::string partial_;
  bool overwrite_;
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
  std::int64_t rows_written_ = 0;
  bool committed_ = false;
  std::int64_t file_ = -1;     // hid_t
  std::int64_t dataset_ = -1;  // hid_t
};

}  // namespace geostrip
