#include "io/hdf5_writer.hpp"

#include <vector>

#include <unistd.h>

#include "core/error.hpp"
#include "io/geotiff_writer.hpp"
#include "io/hdf5.hpp"
#include "io/safe_files.hpp"

namespace geostrip {

namespace {

void write_vector(hid_t group, const char* name, const std::vector<double>& values, const std::string& what) {
  const hsize_t n = values.size();
  const Handle space = hdf5_checked(H5Screate_simple(1, &n, nullptr), H5Sclose, what);
  const Handle dataset = hdf5_checked(
      H5Dcreate2(group, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose, what);
  hdf5_check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), what);
}

}  // namespace

Hdf5GridWriter::Hdf5GridWriter(std::string path, const std::string& dataset, RasterSize size,
                               const GeoTransform& transform, int epsg, bool overwrite, OutputLock lock)
    : lock_(std::move(lock)), path_(std::move(path)), partial_(partial_path(path_)), overwrite_(overwrite),
      rows_(size.rows), cols_(size.cols) {
  check_writable_target(path_, overwrite, "output");
  remove_leftover(partial_);
  const Hdf5Lock serialized;
  init_hdf5();
  // H5F_ACC_EXCL: O_CREAT | O_EXCL, which refuses whatever appeared at the name, a link included.
  Handle file(H5Fcreate(partial_.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw Error(partial_ + ": cannot create");
  const std::string what = partial_ + ": creating " + dataset;
  const Handle links = hdf5_checked(H5Pcreate(H5P_LINK_CREATE), H5Pclose, what);
  hdf5_check(H5Pset_create_intermediate_group(links.get(), 1), what);
  const std::string parent = dataset.substr(0, dataset.find_last_of('/'));
  const Handle group =
      hdf5_checked(H5Gcreate2(file.get(), parent.c_str(), links.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose, what);

  const hsize_t dims[2] = {static_cast<hsize_t>(size.rows), static_cast<hsize_t>(size.cols)};
  const hsize_t chunk[2] = {std::min<hsize_t>(dims[0], 256), std::min<hsize_t>(dims[1], 256)};
  const Handle space = hdf5_checked(H5Screate_simple(2, dims, nullptr), H5Sclose, what);
  const Handle create = hdf5_checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, what);
  hdf5_check(H5Pset_chunk(create.get(), 2, chunk), what);
  hdf5_check(H5Pset_deflate(create.get(), 4), what);
  const Handle file_type = hdf5_checked(H5Tcreate(H5T_COMPOUND, 8), H5Tclose, what);
  hdf5_check(H5Tinsert(file_type.get(), "r", 0, H5T_IEEE_F32LE), what);
  hdf5_check(H5Tinsert(file_type.get(), "i", 4, H5T_IEEE_F32LE), what);
  Handle grid = hdf5_checked(
      H5Dcreate2(file.get(), dataset.c_str(), file_type.get(), space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT),
      H5Dclose, what);

  std::vector<double> x(static_cast<std::size_t>(size.cols)), y(static_cast<std::size_t>(size.rows));
  for (std::size_t c = 0; c < x.size(); ++c) x[c] = transform[0] + (static_cast<double>(c) + 0.5) * transform[1];
  for (std::size_t r = 0; r < y.size(); ++r) y[r] = transform[3] + (static_cast<double>(r) + 0.5) * transform[5];
  const std::string georeference = partial_ + ": writing the georeference";
  write_vector(group.get(), "xCoordinates", x, georeference);
  write_vector(group.get(), "yCoordinates", y, georeference);
  const Handle scalar = hdf5_checked(H5Screate(H5S_SCALAR), H5Sclose, georeference);
  const Handle projection = hdf5_checked(
      H5Dcreate2(group.get(), "projection", H5T_STD_I32LE, scalar.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose, georeference);
  hdf5_check(H5Dwrite(projection.get(), H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, &epsg), georeference);
  const Handle code = hdf5_checked(
      H5Acreate2(projection.get(), "epsg_code", H5T_STD_I32LE, scalar.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
      georeference);
  hdf5_check(H5Awrite(code.get(), H5T_NATIVE_INT, &epsg), georeference);
  dataset_ = grid.release();
  file_ = file.release();
}

Hdf5GridWriter::~Hdf5GridWriter() {
  if (committed_) return;
  if (file_ >= 0) {
    const Hdf5Lock lock;
    if (dataset_ >= 0) H5Dclose(dataset_);
    H5Fclose(file_);
  }
  ::unlink(partial_.c_str());
}

void Hdf5GridWriter::place(EncodedRows block) {
  const RowBlock rows = block.rows;
  const std::string what = partial_ + ": writing rows " + std::to_string(rows.begin) + "-" + std::to_string(rows.end - 1);
  const Hdf5Lock lock;
  const Handle file_space = hdf5_checked(H5Dget_space(dataset_), H5Sclose, what);
  const hsize_t start[2] = {static_cast<hsize_t>(rows.begin), 0};
  const hsize_t count[2] = {static_cast<hsize_t>(rows.rows()), static_cast<hsize_t>(cols_)};
  hdf5_check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), what);
  const Handle memory_space = hdf5_checked(H5Screate_simple(2, count, nullptr), H5Sclose, what);
  const Handle type = complex64_type();
  hdf5_check(H5Dwrite(dataset_, type.get(), memory_space.get(), file_space.get(), H5P_DEFAULT,
                      block.pieces.front().data()),
             what);
  rows_written_ += rows.rows();  // blocks never overlap
}

void Hdf5GridWriter::commit() {
  if (rows_written_ != rows_)
    throw Error(partial_ + ": internal error: " + std::to_string(rows_written_) + " of " + std::to_string(rows_) +
                " rows written at commit");
  {
    const Hdf5Lock lock;
    hdf5_check(H5Dclose(std::exchange(dataset_, -1)), partial_ + ": closing the dataset");
    hdf5_check(H5Fclose(std::exchange(file_, -1)), partial_ + ": closing");
  }
  rename_into_place(partial_, path_, overwrite_);
  committed_ = true;
}

}  // namespace geostrip
