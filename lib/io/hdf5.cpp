#include "io/hdf5.hpp"

#include <cstdlib>

namespace geostrip {

std::mutex& hdf5_mutex() {
  static std::mutex mutex;
  return mutex;
}

void init_hdf5() {
  static std::once_flag once;
  std::call_once(once, [] {
    setenv("HDF5_USE_FILE_LOCKING", "FALSE", 0);
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  });
}

Handle complex64_type() {
  Handle complex(H5Tcreate(H5T_COMPOUND, 2 * sizeof(float)), H5Tclose);
  H5Tinsert(complex.get(), "r", 0, H5T_NATIVE_FLOAT);
  H5Tinsert(complex.get(), "i", sizeof(float), H5T_NATIVE_FLOAT);
  return complex;
}

}  // namespace geostrip
