#pragma once
// libtiff behind RAII. Every handle keeps its own last error message
// (libtiff's per-handle handlers), so handles on different threads never mix
// them up, and nothing is printed: failures become geostrip::Error.
#include <tiffio.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/pixel_type.hpp"

namespace geostrip {

// TIFF's SampleFormat of pixels of `type` (bits per sample: its size).
int sample_format(PixelType type);

class Tiff {
 public:
  // A new TIFF written into memory: bytes() holds the file so far.
  static Tiff create_in_memory();
  // The TIFF file at `path`, read-only; nullopt when libtiff cannot open it.
  static std::optional<Tiff> open_read(const std::string& path);

  Tiff(Tiff&&) noexcept;
  Tiff& operator=(Tiff&&) noexcept;
  ~Tiff();

  TIFF* get() const { return tiff_; }
  const std::vector<std::byte>& bytes() const;
  // libtiff's last message on this handle, or `fallback`.
  std::string error_or(const std::string& fallback) const;

  struct State;

 private:
  Tiff(TIFF* tiff, std::unique_ptr<State> state);
  TIFF* tiff_ = nullptr;
  std::unique_ptr<State> state_;  // error message and, in memory, the bytes
};

}  // namespace geostrip
