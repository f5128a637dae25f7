#include "engine/fingerprint.hpp"

#include <cpl_vsi.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "io/gdal.hpp"
#include "io/hdf5_input.hpp"

namespace geostrip {

namespace {

using nlohmann::json;

// The file behind an input: the part before ":/dataset" for HDF5.
std::string file_of(const InputSpec& input) {
  const auto hdf5 = split_hdf5_path(input.path);
  return hdf5 ? hdf5->file : input.path;
}

// Size and modification time when the path is a file; GDAL connection strings
// such as NETCDF:"f.nc":var have neither and are described by the path alone.
json describe_file(const InputSpec& input) {
  json file{{"name", input.name}, {"path", input.path}, {"band", input.band}};
  VSIStatBufL stat{};
  if (VSIStatL(file_of(input).c_str(), &stat) == 0) {
    file["bytes"] = static_cast<std::int64_t>(stat.st_size);
    file["modified_ns"] = static_cast<std::int64_t>(stat.st_mtim.tv_sec) * 1'000'000'000 +
                          static_cast<std::int64_t>(stat.st_mtim.tv_nsec);
  }
  return file;
}

}  // namespace

std::string job_fingerprint(const RunRequest& request) {
  init_gdal();
  std::vector<InputSpec> inputs = request.inputs;
  std::sort(inputs.begin(), inputs.end(), [](const InputSpec& a, const InputSpec& b) { return a.name < b.name; });
  json files = json::array();
  for (const InputSpec& input : inputs) files.push_back(describe_file(input));
  const WriteOptions& write = request.engine.write;
  return json{{"operation", request.args.operation},
              {"options", request.args.values},
              {"inputs", files},
              {"nodata", request.nodata},
              {"output", {{"compress", codec_name(write.codec)},
                          {"level", write.level ? json(*write.level) : json(nullptr)},
                          {"tile", write.tile}}}}
      .dump();
}

std::optional<std::string> stored_fingerprint(const std::string& path) {
  return read_metadata_item(path, kFingerprintKey);
}

}  // namespace geostrip
