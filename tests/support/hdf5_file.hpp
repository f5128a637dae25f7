#pragma once
// A small NISAR-GSLC-like HDF5 file written with the HDF5 C API, for tests.
#include <hdf5.h>

#include <complex>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace geostrip::test {

// A NISAR-GSLC-like file: a 4x3 complex grid with coordinates and projection,
// a 3-D dataset and a group.
inline std::string make_gslc_file(const TempDir& dir) {
  const std::string path = dir / "gslc.h5";
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t grid = H5Gcreate2(file, "/grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t complex = H5Tcreate(H5T_COMPOUND, 8);
  H5Tinsert(complex, "r", 0, H5T_IEEE_F32LE);
  H5Tinsert(complex, "i", 4, H5T_IEEE_F32LE);
  const hsize_t dims[2] = {4, 3};
  const hid_t space = H5Screate_simple(2, dims, nullptr);
  const hid_t hh = H5Dcreate2(grid, "HH", complex, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<std::complex<float>> values;
  for (int i = 0; i < 12; ++i) values.emplace_back(static_cast<float>(i), static_cast<float>(-i));
  H5Dwrite(hh, complex, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  const auto vector = [&](const char* name, std::vector<double> v) {
    const hsize_t n = v.size();
    const hid_t s = H5Screate_simple(1, &n, nullptr);
    const hid_t d = H5Dcreate2(grid, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Dclose(d);
    H5Sclose(s);
  };
  vector("xCoordinates", {500005, 500015, 500025});       // pixel centres, 10 m
  vector("yCoordinates", {4000035, 4000025, 4000015, 4000005});
  const hid_t scalar = H5Screate(H5S_SCALAR);
  const hid_t projection = H5Dcreate2(grid, "projection", H5T_STD_I32LE, scalar, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const int epsg = 32611;
  H5Dwrite(projection, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, &epsg);
  const hsize_t cube_dims[3] = {2, 4, 3};
  const hid_t cube_space = H5Screate_simple(3, cube_dims, nullptr);
  const hid_t cube = H5Dcreate2(file, "/cube", H5T_IEEE_F32LE, cube_space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  for (const hid_t id : {cube, projection, hh}) H5Dclose(id);
  for (const hid_t id : {cube_space, scalar, space}) H5Sclose(id);
  H5Tclose(complex);
  H5Gclose(grid);
  H5Fclose(file);
  return path;
}

}  // namespace geostrip::test
