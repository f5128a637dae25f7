#include "engine/fingerprint.hpp"

#include <cpl_vsi.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "io/gdal.hpp"

namespace geostrip {

namespace {

using nlohmann::json;

std::optional<InputFile> stat_file(const std::string& path) {
  VSIStatBufL stat{};
  if (VSIStatL(path.c_str(), &stat) != 0) return std::nullopt;
  return InputFile{path, static_cast<std::int64_t>(stat.st_size),
                   static_cast<std::int64_t>(stat.st_mtim.tv_sec) * 1'000'000'000 +
                       static_cast<std::int64_t>(stat.st_mtim.tv_nsec),
                   static_cast<std::uint64_t>(stat.st_ino)};
}

// The files one input reads: the part before ":/dataset" for HDF5; for GDAL,
// the files its dataset lists, or the path itself when GDAL cannot open it.
std::vector<std::string> files_of(const InputSpec& input) {
  if (input.hdf5) return {input.hdf5->file};
  std::vector<std::string> files;
  CPLErrorReset();
  if (const GdalDataset dataset(GDALDataset::Open(input.path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY)); dataset) {
    char** list = dataset->GetFileList();
    for (char** file = list; file && *file; ++file) files.emplace_back(*file);
    CSLDestroy(list);
  }
  if (files.empty()) files.push_back(input.path);
  return files;
}

json describe(const InputFile& file) {
  return {{"path", file.path}, {"bytes", file.bytes}, {"modified_ns", file.modified_ns}, {"inode", file.inode}};
}

}  // namespace

std::vector<InputFile> input_files(const RunRequest& request) {
  init_gdal();
  std::vector<InputFile> files;
  for (const InputSpec& input : request.inputs)
    for (const std::string& path : files_of(input))
      if (const auto file = stat_file(path);
          file && std::none_of(files.begin(), files.end(), [&](const InputFile& f) { return f.path == path; }))
        files.push_back(*file);
  std::sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  return files;
}

std::string job_fingerprint(const RunRequest& request, const std::vector<InputFile>& files) {
  std::vector<InputSpec> inputs = request.inputs;
  std::sort(inputs.begin(), inputs.end(), [](const InputSpec& a, const InputSpec& b) { return a.name < b.name; });
  json names = json::array();
  for (const InputSpec& input : inputs) names.push_back({{"name", input.name}, {"path", input.path}, {"band", input.band}});
  json read = json::array();
  for (const InputFile& file : files) read.push_back(describe(file));
  const WriteOptions& write = request.engine.write;
  return json{{"operation", request.args.operation},
              {"options", request.args.values},
              {"inputs", names},
              {"files", read},
              {"nodata", request.nodata},
              {"output", {{"compress", codec_name(write.codec)},
                          {"level", write.level ? json(*write.level) : json(nullptr)},
                          {"tile", write.tile}}}}
      .dump();
}

std::string job_fingerprint(const RunRequest& request) { return job_fingerprint(request, input_files(request)); }

std::optional<std::string> changed_input(const std::vector<InputFile>& files) {
  for (const InputFile& then : files) {
    const auto now = stat_file(then.path);
    if (!now) return then.path + ": removed during the run";
    if (*now != then)
      return then.path + ": changed during the run (" +
             (now->inode != then.inode   ? "replaced by another file"
              : now->bytes != then.bytes ? "its size changed"
                                         : "it was modified") +
             ")";
  }
  return std::nullopt;
}

std::optional<std::string> stored_fingerprint(const std::string& path) {
  return read_metadata_item(path, kFingerprintKey);
}

}  // namespace geostrip
