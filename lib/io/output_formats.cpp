#include "io/output_formats.hpp"

#include <gdal_utils.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fmt/core.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/gdal.hpp"
#include "io/geotiff_writer.hpp"
#include "io/safe_files.hpp"

namespace geostrip {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFormats =
    "GTiff (.tif, .tiff), COG, or any GDAL driver that can create rasters (netCDF, Zarr, ENVI, HFA, ...)";

}  // namespace

OutputFormat parse_output_format(const std::string& name) {
  if (name.empty() || lowercase(name) == "gtiff") return {};
  if (lowercase(name) == "cog") return {.cog = true, .driver = {}};
  init_gdal();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(name.c_str());
  const auto can = [&](const char* capability) { return driver && driver->GetMetadataItem(capability) != nullptr; };
  if (!can(GDAL_DCAP_RASTER) || !(can(GDAL_DCAP_CREATE) || can(GDAL_DCAP_CREATECOPY)))
    throw UsageError("--format " + name + ": not a GDAL driver that creates rasters here; formats: " + kFormats);
  return {.cog = false, .driver = driver->GetDescription()};
}

void check_output_extension(const std::string& output, const std::string& format) {
  if (!format.empty()) return;
  const std::string extension = lowercase(std::filesystem::path(output).extension().string());
  if (extension != ".tif" && extension != ".tiff")
    throw UsageError("-o " + output + ": without --format the output is a GeoTIFF (.tif or .tiff); --format NAME writes " +
                     kFormats);
}

std::string conversion_source_path(const std::string& output) { return output + ".partial.tif"; }

std::string conversion_directory(const std::string& output) { return partial_path(output) + ".d"; }

void convert_output(const std::string& source, const std::string& output, const std::string& driver, bool overwrite) {
  // GDAL names a format's other files after the one it is given (ENVI's x.hdr
  // for x.envi): converted under OUTPUT's own name in a directory beside it,
  // every file is named as gdal_translate names it and none is at its final
  // name before the whole is synced.
  const std::string stage = conversion_directory(output);
  const fs::path made = fs::path(stage) / fs::path(output).filename();
  remove_leftover_directory(stage);
  if (::mkdir(stage.c_str(), 0777) != 0) throw Error(stage + ": cannot create: " + std::strerror(errno));
  const auto fail = [&](const std::string& why) {
    std::error_code ignored;
    fs::remove_all(stage, ignored);
    for (const std::string& file : {source, sidecar_path(source)}) ::unlink(file.c_str());
    throw Error(output + ": converting to " + driver + " failed: " + why);
  };
  {
    const std::vector<std::string> arguments{"-of", driver};
    std::vector<char*> argv;
    for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    GDALTranslateOptions* options = GDALTranslateOptionsNew(argv.data(), nullptr);
    GdalDataset from = open_raster(source);
    CPLErrorReset();
    GdalDataset converted(GDALDataset::FromHandle(
        GDALTranslate(made.c_str(), GDALDataset::ToHandle(from.get()), options, nullptr)));
    GDALTranslateOptionsFree(options);
    if (!converted) fail(gdal_error_or("GDAL failed"));
    // A driver that cannot hold the pixels' type converts them with a warning: never silently.
    const GDALDataType type = from->GetRasterBand(1)->GetRasterDataType(),
                       written = converted->GetRasterBand(1)->GetRasterDataType();
    if (written != type) {
      converted.reset();  // a closing driver may still write a sidecar
      fail(fmt::format("{} holds no {} pixels (GDAL would write {})", driver, GDALGetDataTypeName(type),
                       GDALGetDataTypeName(written)));
    }
    converted.reset();  // closing writes the files
  }
  if (CPLGetLastErrorType() >= CE_Failure) fail(gdal_error_or("GDAL failed"));
  std::vector<std::string> names;
  try {
    sync_tree(stage);
    for (const fs::directory_entry& entry : fs::directory_iterator(stage)) {
      const std::string name = entry.path().filename().string();
      check_writable_target((fs::path(output).parent_path() / name).string(), overwrite, "output");
      names.push_back(name);
    }
    // OUTPUT itself last: once it is there, so is every file that goes with it.
    std::ranges::stable_partition(names, [&](const std::string& name) { return name != made.filename(); });
    for (const std::string& name : names)
      rename_into_place((fs::path(stage) / name).string(), (fs::path(output).parent_path() / name).string(),
                        overwrite);
  } catch (const std::exception& error) {
    fail(error.what());
  }
  ::rmdir(stage.c_str());
  ::unlink(source.c_str());
  ::unlink(sidecar_path(source).c_str());
}

}  // namespace geostrip
