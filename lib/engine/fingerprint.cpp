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
std::vector<std::string> files_of(const FileSpec& input) {
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
    for (const FileSpec& file : input.files)
      for (const std::string& path : files_of(file))
        if (const auto stat = stat_file(path);
            stat && std::none_of(files.begin(), files.end(), [&](const InputFile& f) { return f.path == path; }))
          files.push_back(*stat);
  // The grid's own files decide pixels too.
  for (const std::string& path : {request.grid.grid_file, request.grid.cutline})
    if (const auto stat = path.empty() ? std::nullopt : stat_file(path))
      files.push_back(*stat);
  std::sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  return files;
}

std::string job_fingerprint(const RunRequest& request, const std::vector<InputFile>& files) {
  std::vector<InputSpec> inputs = request.inputs;
  std::sort(inputs.begin(), inputs.end(), [](const InputSpec& a, const InputSpec& b) { return a.name < b.name; });
  json names = json::array();
  for (const InputSpec& input : inputs) {
    // One file is described as before mosaics, so earlier outputs still match.
    const auto file = [](const FileSpec& f) { return json{{"path", f.path}, {"band", f.band}}; };
    json described = input.files.size() == 1 ? file(input.files.front()) : json{{"files", json::array()}};
    if (input.files.size() > 1)
      for (const FileSpec& f : input.files) described["files"].push_back(file(f));
    described["name"] = input.name;
    names.push_back(described);
  }
  json read = json::array();
  for (const InputFile& file : files) read.push_back(describe(file));
  const WriteOptions& write = request.engine.write;
  json fingerprint{{"operation", request.args.operation},
              {"options", request.args.values},
              {"inputs", names},
              {"files", read},
              {"nodata", request.nodata},
              {"output", {{"compress", codec_name(write.codec)},
                          {"level", write.level ? json(*write.level) : json(nullptr)},
                          {"tile", write.tile}}}};
  // Only what is not the default is described, so earlier outputs still match.
  if (write.cog || write.overviews || write.overview_resampling || write.overview_codec || write.overview_level ||
      write.stats || !request.engine.convert_to.empty())
    fingerprint["output"]["format"] = {
        {"cog", write.cog},
        {"overviews", write.overviews ? json(*write.overviews) : json(nullptr)},
        {"overview_resampling", write.overview_resampling ? json(name_of(*write.overview_resampling)) : json(nullptr)},
        {"stats", write.stats ? json(*write.stats) : json(nullptr)},
        {"convert_to", request.engine.convert_to}};
  if (write.overview_codec) fingerprint["output"]["format"]["overview_compress"] = codec_name(*write.overview_codec);
  if (write.overview_level) fingerprint["output"]["format"]["overview_level"] = *write.overview_level;
  if (const GridRequest& grid = request.grid; grid != GridRequest{}) {
    fingerprint["grid"] = {{"grid", grid.grid_file},
                           {"crs", grid.crs},
                           {"tap", grid.tap},
                           {"cutline", grid.cutline},
                           {"resampling", grid.resampling},
                           {"resampling_of", grid.resampling_of},
                           {"mosaic", mosaic_rule_name(grid.mosaic)},
                           {"gcp_order", grid.gcp_order ? json(*grid.gcp_order) : json(nullptr)},
                           {"tps", grid.tps},
                           {"transform_error", grid.transform_error}};
    if (grid.resolution) fingerprint["grid"]["resolution"] = {grid.resolution->x, grid.resolution->y};
    if (const auto& e = grid.extent) fingerprint["grid"]["extent"] = {e->xmin, e->ymin, e->xmax, e->ymax};
  }
  return fingerprint.dump();
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
