#pragma once
// Helpers shared by the tests: temporary directories, running the geostrip
// binary as a user would, and reading results back through GDAL.
#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <tiffio.h>

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace geostrip::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "geostrip-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line, capturing stdout and stderr.
inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

// Runs the geostrip binary under test with `arguments`.
inline CommandResult run_geostrip(const std::string& arguments) {
  return run_command(std::string(GEOSTRIP_BINARY) + " " + arguments);
}

// A failure as the user must see it: exit 1 and one line naming the rank,
// the host and every string in `names`.
inline void check_one_line_error(const CommandResult& result, std::initializer_list<std::string> names) {
  INFO(result.output);
  CHECK(result.exit_code == 1);
  CHECK(std::count(result.output.begin(), result.output.end(), '\n') == 1);
  CHECK_THAT(result.output, Catch::StartsWith("geostrip: error (rank 0 on "));
  for (const auto& name : names) CHECK_THAT(result.output, Catch::Contains(name));
}

struct Dataset {
  std::unique_ptr<GDALDataset> handle;
  explicit Dataset(const std::string& path) {
    GDALAllRegister();
    handle.reset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!handle) throw std::runtime_error("cannot open " + path);
  }
  GDALDataset* operator->() const { return handle.get(); }
};

// Every pixel of one band, as T.
template <class T>
std::vector<T> read_band(const std::string& path, int band = 1) {
  Dataset ds(path);
  const int cols = ds->GetRasterXSize(), rows = ds->GetRasterYSize();
  std::vector<T> pixels(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
  const GDALDataType type = GDALDataType(GDALGetDataTypeByName(
      sizeof(T) == 1 ? "Byte" : sizeof(T) == 2 ? "UInt16" : sizeof(T) == 4 ? "Float32" : "Float64"));
  if (ds->GetRasterBand(band)->RasterIO(GF_Read, 0, 0, cols, rows, pixels.data(), cols, rows, type, 0, 0) != CE_None)
    throw std::runtime_error("cannot read " + path);
  return pixels;
}

// Every byte of every band, for bit-for-bit comparisons.
inline std::vector<unsigned char> read_raw(const std::string& path) {
  Dataset ds(path);
  const int cols = ds->GetRasterXSize(), rows = ds->GetRasterYSize(), bands = ds->GetRasterCount();
  const GDALDataType type = ds->GetRasterBand(1)->GetRasterDataType();
  std::vector<unsigned char> bytes(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) *
                                   static_cast<std::size_t>(bands) * static_cast<std::size_t>(GDALGetDataTypeSizeBytes(type)));
  if (ds->RasterIO(GF_Read, 0, 0, cols, rows, bytes.data(), cols, rows, type, bands, nullptr, 0, 0, 0) != CE_None)
    throw std::runtime_error("cannot read " + path);
  return bytes;
}

// Writes `text` as the whole content of `path`.
inline void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A file's whole content ("" when it cannot be read).
inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The bytes of every tile as they are in the file (still encoded), in TIFF's
// order, read with libtiff; a tile not written is empty.
inline std::vector<std::vector<std::byte>> raw_tiles(const std::string& path) {
  const std::unique_ptr<TIFF, decltype(&TIFFClose)> tiff(TIFFOpen(path.c_str(), "r"), TIFFClose);
  if (!tiff) throw std::runtime_error("cannot open " + path + " with libtiff");
  std::vector<std::vector<std::byte>> tiles(TIFFNumberOfTiles(tiff.get()));
  for (std::uint32_t t = 0; t < tiles.size(); ++t) {
    tiles[t].resize(TIFFGetStrileByteCount(tiff.get(), t));
    const auto size = static_cast<tmsize_t>(tiles[t].size());
    if (size > 0 && TIFFReadRawTile(tiff.get(), t, tiles[t].data(), size) != size)
      throw std::runtime_error("cannot read tile " + std::to_string(t) + " of " + path);
  }
  return tiles;
}

inline std::string metadata(const std::string& path, const char* key, const char* domain) {
  Dataset ds(path);
  const char* value = ds->GetMetadataItem(key, domain);
  return value ? value : "";
}

}  // namespace geostrip::test
