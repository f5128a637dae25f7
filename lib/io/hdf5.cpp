#include "io/hdf5.hpp"

#include <cstdlib>

#include "core/error.hpp"

namespace geostrip {

namespace {

std::mutex& hdf5_mutex() {
  static std::mutex mutex;
  return mutex;
}

herr_t collect_error(unsigned, const H5E_error2_t* error, void* text) {
  auto& joined = *static_cast<std::string*>(text);
  if (error->desc && *error->desc) joined += (joined.empty() ? "" : "; ") + std::string(error->desc);
  return 0;
}

}  // namespace

void init_hdf5() {
  static std::once_flag once;
  std::call_once(once, [] {
    setenv("HDF5_USE_FILE_LOCKING", "FALSE", 0);
    H5open();
  });
}

Hdf5Lock::Hdf5Lock() : lock_(hdf5_mutex()) {
  init_hdf5();
  thread_local bool quiet = false;
  if (!quiet) quiet = H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0;
}

std::string hdf5_errors() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &text);
  return text;
}

void hdf5_check(herr_t status, const std::string& what) {
  if (status >= 0) return;
  const std::string why = hdf5_errors();
  throw Error(what + " failed" + (why.empty() ? "" : ": " + why));
}

Handle hdf5_checked(hid_t id, herr_t (*close)(hid_t), const std::string& what) {
  hdf5_check(id < 0 ? -1 : 0, what);
  return Handle(id, close);
}

Handle complex64_type() {
  Handle complex = hdf5_checked(H5Tcreate(H5T_COMPOUND, 2 * sizeof(float)), H5Tclose, "making the complex64 type");
  hdf5_check(H5Tinsert(complex.get(), "r", 0, H5T_NATIVE_FLOAT), "making the complex64 type");
  hdf5_check(H5Tinsert(complex.get(), "i", sizeof(float), H5T_NATIVE_FLOAT), "making the complex64 type");
  return complex;
}

}  // namespace geostrip
