#pragma once
// `-i NAME=PATH[@BAND]`: an operation's named input, parsed once, at the edge,
// into where its pixels are: a band of anything GDAL opens, or a dataset of
// an HDF5 file (FILE.h5:/path/to/dataset) read with the HDF5 C API.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace geostrip {

struct Hdf5Path {
  std::string file;
  std::string dataset;
  friend bool operator==(const Hdf5Path&, const Hdf5Path&) = default;
};

// "scene.h5:/science/HH" -> {scene.h5, /science/HH}; nullopt unless the file
// part ends in .h5, .hdf5 or .he5.
std::optional<Hdf5Path> split_hdf5_path(const std::string& path);

struct InputSpec {
  InputSpec(std::string input_name, std::string input_path, int input_band = 1)
      : name(std::move(input_name)), path(std::move(input_path)), band(input_band), hdf5(split_hdf5_path(path)) {}

  std::string name;
  std::string path;  // as given, for messages
  int band = 1;      // 1-based, as in GDAL
  std::optional<Hdf5Path> hdf5;  // set when PATH is an HDF5 dataset

  // The file the input is read from: the HDF5 file, or PATH as GDAL takes it.
  const std::string& file() const { return hdf5 ? hdf5->file : path; }
  friend bool operator==(const InputSpec&, const InputSpec&) = default;
};

// Parses NAME=PATH[@BAND]; NAME is an identifier, BAND a positive integer.
// A trailing "@..." that is not a number stays part of PATH. Throws UsageError.
InputSpec parse_input_spec(std::string_view text);

}  // namespace geostrip
