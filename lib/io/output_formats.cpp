#include "io/output_formats.hpp"

#include <fcntl.h>
#include <gdal_utils.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <span>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/checksum.hpp"
#include "io/gdal.hpp"
#include "io/geotiff_writer.hpp"
#include "io/safe_files.hpp"

namespace geostrip {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kFormats =
    "GTiff (.tif, .tiff), COG, or any GDAL driver that can create rasters (netCDF, Zarr, ENVI, HFA, ...)";

// The CRC-32 of what `fd` holds from its position on, read through in parts.
std::uint32_t crc32_of_file(int fd, const std::string& path) {
  std::uint32_t crc = 0;
  if (const int error = read_through(fd, [&](std::span<const std::byte> part) { crc = crc32_of(part, crc); }))
    throw Error(path + ": cannot read: " + std::strerror(error));
  return crc;
}

// OUTPUT's receipt, parsed; a discarded value when it is missing or not JSON.
json read_receipt(const std::string& output) {
  const std::string path = receipt_path(output);
  const auto fd = open_regular_file(path, O_RDONLY);
  if (!fd) return json(json::value_t::discarded);
  std::string text;
  if (const int error = read_all(fd->get(), text)) throw Error(path + ": cannot read: " + std::strerror(error));
  return json::parse(text, nullptr, false);
}

// gdal_translate ARGUMENTS FROM PATH ("" for a VRT in memory); null when GDAL fails.
GdalDataset gdal_translate(const std::string& path, GDALDataset* from, const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  GDALTranslateOptions* options = GDALTranslateOptionsNew(argv.data(), nullptr);
  GdalDataset made(GDALDataset::FromHandle(GDALTranslate(path.c_str(), GDALDataset::ToHandle(from), options, nullptr)));
  GDALTranslateOptionsFree(options);
  return made;
}

// GDAL's `driver` makes `made` from `from`. Throws Error.
void translate(GDALDataset* from, const fs::path& made, const std::string& driver) {
  CPLErrorReset();
  // The GeoTIFF's tile record describes the GeoTIFF alone (OUTPUT's receipt
  // records OUTPUT's files): what is converted is a view of it without.
  GdalDataset view = gdal_translate("", from, {"-of", "VRT"});
  if (!view) throw Error(gdal_error_or("GDAL failed"));
  view->SetMetadataItem(kTilesKey, nullptr);
  GdalDataset converted = gdal_translate(made.string(), view.get(), {"-of", driver});
  if (!converted) throw Error(gdal_error_or("GDAL failed"));
  // A driver that cannot hold the pixels' type converts them with a warning: never silently.
  const GDALDataType type = from->GetRasterBand(1)->GetRasterDataType(),
                     written = converted->GetRasterBand(1)->GetRasterDataType();
  if (written != type)
    throw Error(fmt::format("{} holds no {} pixels (GDAL would write {})", driver, GDALGetDataTypeName(type),
                            GDALGetDataTypeName(written)));
  converted.reset();  // closing writes the files
  if (CPLGetLastErrorType() >= CE_Failure) throw Error(gdal_error_or("GDAL failed"));
}

// OUTPUT's receipt in `stage`, synced: `fingerprint`, and every file there
// with its size and CRC-32, named from `stage` as from OUTPUT's directory;
// not GDAL's .aux.xml, which its readers rewrite (gdalinfo -stats adds
// statistics).
void write_receipt(const fs::path& stage, const std::string& output, const std::string& fingerprint) {
  json receipt{{"fingerprint", fingerprint}, {"files", json::array()}};
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(stage)) {
    if (!fs::is_regular_file(entry.symlink_status()) || entry.path().string().ends_with(".aux.xml")) continue;
    const auto fd = open_regular_file(entry.path(), O_RDONLY);
    if (!fd) throw Error(entry.path().string() + ": removed while it was recorded");
    const std::uint32_t crc = crc32_of_file(fd->get(), entry.path());
    receipt["files"].push_back(
        {{"path", entry.path().lexically_relative(stage).string()}, {"bytes", entry.file_size()}, {"crc32", crc}});
  }
  const std::string text = receipt.dump(1) + "\n";
  replace_file_content((stage / fs::path(receipt_path(output)).filename()).string(), text, "receipt");
}

// Renames everything in `stage` into OUTPUT's directory, OUTPUT itself last:
// once it is there, so is every file that goes with it. Nothing moves when
// one of their names is taken (unless `overwrite`).
void move_beside(const fs::path& stage, const std::string& output, bool overwrite) {
  const fs::path folder = fs::path(output).parent_path(), name = fs::path(output).filename();
  std::vector<fs::path> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(stage)) {
    names.push_back(entry.path().filename());
    check_writable_target((folder / names.back()).string(), overwrite, "output");
  }
  std::ranges::stable_partition(names, [&](const fs::path& each) { return each != name; });
  for (const fs::path& each : names) rename_into_place(stage / each, folder / each, overwrite);
}

// Runs `make` with OUTPUT's path in conversion_directory(), made anew: GDAL
// names a format's other files after the one it is given (ENVI's x.hdr for
// x.envi), so each is named there as gdal_translate names it. On an error
// removes the directory and throws naming OUTPUT and the driver, and OUTPUT
// where GDAL's message names its path in the directory.
void in_stage(const std::string& output, const std::string& driver, const std::function<void(const fs::path&)>& make) {
  const std::string stage = conversion_directory(output);
  const std::string made = (fs::path(stage) / fs::path(output).filename()).string();
  remove_leftover_directory(stage);
  if (::mkdir(stage.c_str(), 0777) != 0) throw Error(stage + ": cannot create: " + std::strerror(errno));
  try {
    make(made);
  } catch (const std::exception& error) {
    std::error_code ignored;
    fs::remove_all(stage, ignored);
    std::string what = error.what();
    for (std::size_t at = what.find(made); at != std::string::npos; at = what.find(made, at + output.size()))
      what.replace(at, made.size(), output);
    throw Error(output + ": converting to " + driver + " failed: " + what);
  }
}

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

void check_conversion(const std::string& output, const std::string& driver, PixelType type, int bands,
                      const Georeference& georef) {
  GdalDataset sample(GetGDALDriverManager()->GetDriverByName("MEM")->Create("", 1, 1, bands, to_gdal(type), nullptr));
  if (!sample) throw Error(gdal_error_or("GDAL cannot make a raster in memory"));
  if (georef.transform) {
    GeoTransform transform = *georef.transform;  // GDAL takes it non-const
    sample->SetGeoTransform(transform.data());
  }
  if (!georef.crs_wkt.empty()) sample->SetProjection(georef.crs_wkt.c_str());
  in_stage(output, driver, [&](const fs::path& made) { translate(sample.get(), made, driver); });
  std::error_code ignored;
  fs::remove_all(conversion_directory(output), ignored);
}

void convert_output(const std::string& source, const std::string& output, const std::string& driver,
                    const std::string& fingerprint, bool overwrite) {
  try {
    in_stage(output, driver, [&](const fs::path& made) {
      translate(open_raster(source).get(), made, driver);
      sync_tree(made.parent_path());
      write_receipt(made.parent_path(), output, fingerprint);
      move_beside(made.parent_path(), output, overwrite);
    });
  } catch (const Error&) {
    for (const std::string& file : {source, sidecar_path(source)}) ::unlink(file.c_str());
    throw;
  }
  ::rmdir(conversion_directory(output).c_str());
  ::unlink(source.c_str());
  ::unlink(sidecar_path(source).c_str());
}

std::string receipt_path(const std::string& output) { return output + ".geostrip.json"; }

std::optional<std::string> receipt_fingerprint(const std::string& output) {
  const json receipt = read_receipt(output);
  if (!receipt.is_object() || !receipt.contains("fingerprint") || !receipt["fingerprint"].is_string())
    return std::nullopt;
  return receipt["fingerprint"].get<std::string>();
}

std::optional<std::string> receipt_damage(const std::string& output, bool reread) {
  const json receipt = read_receipt(output);
  if (!receipt.is_object() || !receipt.contains("files") || !receipt["files"].is_array())
    return receipt_path(output) + " is not a receipt geostrip wrote";
  const fs::path folder = fs::path(output).parent_path();
  try {
    for (const json& file : receipt["files"]) {
      const std::string path = (folder / file.at("path").get<std::string>()).string();
      const auto fd = open_regular_file(path, O_RDONLY);
      if (!fd) return path + " is missing";
      struct stat status {};
      if (::fstat(fd->get(), &status) != 0) return path + " cannot be read";
      const auto bytes = file.at("bytes").get<std::uint64_t>();
      if (static_cast<std::uint64_t>(status.st_size) != bytes)
        return fmt::format("{} has {} bytes, not the {} it was written with", path, status.st_size, bytes);
      if (reread && crc32_of_file(fd->get(), path) != file.at("crc32").get<std::uint32_t>())
        return path + "'s bytes are not the ones it was written with";
    }
  } catch (const json::exception&) {
    return receipt_path(output) + " is not a receipt geostrip wrote";
  } catch (const Error& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

}  // namespace geostrip
