#pragma once
// The HDF5 C API behind RAII. geostrip may meet a library built without
// thread safety, so every call is made holding Hdf5Lock.
#include <hdf5.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

namespace geostrip {

static_assert(std::is_same_v<hid_t, std::int64_t>, "geostrip keeps HDF5 handles as int64_t");

// Once: no file locking unless the user chose (shared filesystems often do
// not support it).
void init_hdf5();

// Held around every HDF5 call: one process-wide mutex. It also keeps HDF5
// from printing its error stack on this thread: a thread-safe build (as
// Debian's is) keeps that setting per thread, and errors become exceptions.
class Hdf5Lock {
 public:
  Hdf5Lock();
 private:
  std::lock_guard<std::mutex> lock_;
};

// HDF5's error stack on this thread, its messages joined ("" when empty).
std::string hdf5_errors();



// An HDF5 identifier closed by its own close function.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Handle& operator=(Handle&&) = delete;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  hid_t release() { return std::exchange(id_, -1); }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// Every HDF5 call whose failure matters goes through these: a negative status
// or an invalid identifier becomes an Error saying what was being done (`what`,
// e.g. "x.h5.partial: writing rows 0-99") and HDF5's reason.
void hdf5_check(herr_t status, const std::string& what);
Handle hdf5_checked(hid_t id, herr_t (*close)(hid_t), const std::string& what);

// The in-memory {r, i} compound of two floats: complex64.
Handle complex64_type();

}  // namespace geostrip
