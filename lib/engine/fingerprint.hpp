#pragma once
// A run's fingerprint: everything that decides its output file. It is stored
// in the output's metadata (kFingerprintKey), so a batch can tell an output
// this very job made (skip it) from one another job made (refuse it), and in
// the journal of a partial output, so only the same job resumes it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/run.hpp"

namespace geostrip {

// A file an input reads, as it was when the run began.
struct InputFile {
  std::string path;
  std::int64_t bytes = 0;
  std::int64_t modified_ns = 0;
  std::uint64_t inode = 0;
  friend bool operator==(const InputFile&, const InputFile&) = default;
};

// Every file the inputs read: what GDAL lists for each (a VRT and its
// sources, .aux.xml, .ovr and .msk sidecars), or the file of an HDF5 input,
// with size, modification time (ns) and inode. A path that is not a file (a
// GDAL connection string, a missing file) lists nothing.
std::vector<InputFile> input_files(const RunRequest& request);

// Canonical JSON of the operation, its options, the inputs (name, path, band
// and input_files()), the nodata overrides and the codec. Not threads, block
// rows or memory, which never change a pixel.
std::string job_fingerprint(const RunRequest& request, const std::vector<InputFile>& files);
std::string job_fingerprint(const RunRequest& request);

// The first of `files` that is no longer as it was (changed, replaced or
// gone), as "PATH: changed during the run (...)"; nullopt when none is.
std::optional<std::string> changed_input(const std::vector<InputFile>& files);

// The fingerprint stored in the raster at `path`; nullopt when it has none.
std::optional<std::string> stored_fingerprint(const std::string& path);

}  // namespace geostrip
