// libFuzzer harness over geostrip's input-opening path. The bytes become a
// file, opened the way `geostrip run` opens an input (GDAL for a GeoTIFF, the
// HDF5 C API for FILE.h5:/dataset), described and read block by block. A
// geostrip::Error is a correct answer to a bad file; a crash, a sanitizer
// report, a leak or a hang is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/block_buffer.hpp"
#include "core/error.hpp"
#include "io/raster_input.hpp"

namespace {

constexpr std::string_view kHdf5Signature = "\x89HDF\r\n\x1a\n";
constexpr std::int64_t kMaxPixels = 1 << 22;  // skip declared sizes that would only test the allocator
constexpr std::int64_t kBlockRows = 16;

std::string write_input(const std::uint8_t* data, std::size_t size) {
  const bool hdf5 = std::string_view(reinterpret_cast<const char*>(data), size).starts_with(kHdf5Signature);
  const std::string path = "/tmp/geostrip-fuzz-" + std::to_string(getpid()) + (hdf5 ? ".h5" : ".tif");
  std::FILE* file = std::fopen(path.c_str(), "wb");
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  return hdf5 ? path + ":/science/LSAR/GSLC/grids/frequencyA/HH" : path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace geostrip;
  const std::string path = write_input(data, size);
  try {
    const InputInfo info = describe_input("src", FileSpec(path));
    if (info.size.rows * info.size.cols > kMaxPixels) return 0;
    const auto reader = open_reader(info, {});
    for (std::int64_t row = 0; row < info.size.rows; row += kBlockRows) {
      const RowBlock rows{row, std::min(info.size.rows, row + kBlockRows)};
      BlockBuffer pixels(info.type, 1, rows, info.size.cols);
      reader->read(pixels);
    }
  } catch (const Error&) {
  }
  return 0;
}
