#pragma once
// `-i NAME=SOURCE`: an operation's named input, parsed once, at the edge. Its
// SOURCE is one file or several (a mosaic): each a band of anything GDAL
// opens, or a dataset of an HDF5 file (FILE.h5:/path/to/dataset) read with
// the HDF5 C API.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace geostrip {

struct Hdf5Path {
  std::string file;
  std::string dataset;
  friend bool operator==(const Hdf5Path&, const Hdf5Path&) = default;
};

// "scene.h5:/science/HH" -> {scene.h5, /science/HH}; nullopt unless the file
// part ends in .h5, .hdf5 or .he5.
std::optional<Hdf5Path> split_hdf5_path(const std::string& path);

// PATH[@BAND]: one file of an input.
struct FileSpec {
  FileSpec(std::string file_path, int file_band = 1)  // NOLINT: a path is a file spec
      : path(std::move(file_path)), band(file_band), hdf5(split_hdf5_path(path)) {}

  std::string path;  // as given, for messages
  int band = 1;      // 1-based, as in GDAL
  std::optional<Hdf5Path> hdf5;  // set when PATH is an HDF5 dataset

  // The file the pixels are read from: the HDF5 file, or PATH as GDAL takes it.
  const std::string& file() const { return hdf5 ? hdf5->file : path; }
  friend bool operator==(const FileSpec&, const FileSpec&) = default;
};

struct InputSpec {
  InputSpec(std::string input_name, std::vector<FileSpec> input_files)
      : name(std::move(input_name)), files(std::move(input_files)) {}
  InputSpec(std::string input_name, std::string path, int band = 1)
      : InputSpec(std::move(input_name), std::vector<FileSpec>{FileSpec(std::move(path), band)}) {}

  std::string name;
  std::vector<FileSpec> files;  // painted in this order; never empty
  friend bool operator==(const InputSpec&, const InputSpec&) = default;
};

// Parses NAME=SOURCE. SOURCE is PATH[@BAND] or several separated by commas,
// or @LISTFILE (one PATH[@BAND] a line; blank lines and # comments ignored).
// NAME is an identifier, BAND a positive integer; a trailing "@..." that is
// not a number stays part of PATH. Throws UsageError.
InputSpec parse_input_spec(std::string_view text);

// `--inputs FILE`: one NAME=SOURCE a line (blank lines and # comments
// ignored). Throws UsageError naming the file and line.
std::vector<InputSpec> read_inputs_file(const std::string& path);

}  // namespace geostrip
