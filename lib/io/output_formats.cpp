#include "io/output_formats.hpp"

#include <gdal_utils.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include <fmt/core.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/gdal.hpp"
#include "io/geotiff_writer.hpp"
#include "io/safe_files.hpp"

namespace geostrip {

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

void convert_output(const std::string& source, const std::string& output, const std::string& driver, bool overwrite) {
  const std::string partial = partial_path(output);
  remove_leftover(partial);
  const std::vector<std::string> arguments{"-of", driver};
  std::vector<char*> argv;
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  GDALTranslateOptions* options = GDALTranslateOptionsNew(argv.data(), nullptr);
  GdalDataset from = open_raster(source);
  CPLErrorReset();
  GdalDataset converted(GDALDataset::FromHandle(
      GDALTranslate(partial.c_str(), GDALDataset::ToHandle(from.get()), options, nullptr)));
  GDALTranslateOptionsFree(options);
  std::vector<std::string> files;
  if (converted)
    if (char** list = converted->GetFileList()) {
      for (char** file = list; *file; ++file) files.emplace_back(*file);
      CSLDestroy(list);
    }
  const auto fail = [&](const std::string& why) {
    converted.reset();  // a closing driver may still write a sidecar
    for (const std::string& file : files)
      if (file.starts_with(partial)) ::unlink(file.c_str());
    for (const std::string& made : {partial, sidecar_path(partial), source, sidecar_path(source)}) ::unlink(made.c_str());
    throw Error(output + ": converting to " + driver + " failed: " + why);
  };
  if (!converted) fail(gdal_error_or("GDAL failed"));
  // A driver that cannot hold the pixels' type converts them with a warning: never silently.
  const GDALDataType type = from->GetRasterBand(1)->GetRasterDataType(),
                     written = converted->GetRasterBand(1)->GetRasterDataType();
  if (written != type)
    fail(fmt::format("{} holds no {} pixels (GDAL would write {})", driver, GDALGetDataTypeName(type),
                     GDALGetDataTypeName(written)));
  converted.reset();  // closing writes the file
  from.reset();
  if (CPLGetLastErrorType() >= CE_Failure) fail(gdal_error_or("GDAL failed"));
  // Sidecars named after the partial file follow it to OUTPUT's name, before it.
  for (const std::string& file : files)
    if (file != partial && file.starts_with(partial))
      rename_into_place(file, output + file.substr(partial.size()), true);
  rename_into_place(partial, output, overwrite);
  ::unlink(source.c_str());
  ::unlink(sidecar_path(source).c_str());
}

}  // namespace geostrip
