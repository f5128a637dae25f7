#pragma once
// A run's fingerprint: everything that decides its output file. It is stored
// in the output's metadata (kFingerprintKey), so a batch can tell an output
// this very job made (skip it) from one another job made (refuse it), and in
// the journal of a partial output, so only the same job resumes it.
#include <optional>
#include <string>

#include "engine/run.hpp"

namespace geostrip {

// Canonical JSON of the operation, its options, the inputs (name, path, band,
// file size and modification time, from stat: no input is opened), the nodata
// overrides and the codec. Not threads, block rows or memory, which never
// change a pixel.
std::string job_fingerprint(const RunRequest& request);

// The fingerprint stored in the raster at `path`; nullopt when it has none.
std::optional<std::string> stored_fingerprint(const std::string& path);

}  // namespace geostrip
