#pragma once
// Which format an output is written in, and the conversion of a finished
// GeoTIFF into any other format GDAL can create (PRODUCT.md section 6).
#include <optional>
#include <string>

#include "core/pixel_type.hpp"
#include "geometry/georeference.hpp"

namespace geostrip {

struct OutputFormat {
  bool cog = false;    // GeoTIFF in COG's layout
  std::string driver;  // another GDAL driver, as GDAL names it; empty for GeoTIFF
};

// --format NAME (any case): GTiff, COG or a GDAL driver that can create
// rasters; empty: GeoTIFF. Throws UsageError naming what is possible.
OutputFormat parse_output_format(const std::string& name);

// An OUTPUT without --format must be a GeoTIFF's (.tif, .tiff): never a
// GeoTIFF under another format's name. Throws UsageError.
void check_output_extension(const std::string& output, const std::string& format);

// Where the GeoTIFF that is converted into OUTPUT is written.
std::string conversion_source_path(const std::string& output);

// Where the conversion is made: OUTPUT.partial.d, a directory beside OUTPUT.
std::string conversion_directory(const std::string& output);

// Rank 0, before any work: whether GDAL's `driver` takes OUTPUT's name and
// a raster of `type` and `bands` with that georeference, as convert_output()
// will give it, tried on a 1x1 raster in conversion_directory(), then
// removed. Throws Error as convert_output() does: a name the driver refuses
// (ENVI's x.hdr), a type it cannot hold (PNG's Float32).
void check_conversion(const std::string& output, const std::string& driver, PixelType type, int bands,
                      const Georeference& georef);

// Rank 0, at the end: converts the finished GeoTIFF `source` into OUTPUT with
// GDAL's `driver`, under OUTPUT's name in conversion_directory(), so that
// every file the driver makes is named as gdal_translate names it (ENVI's
// x.hdr beside x.envi, a Zarr directory); records them with the job's
// `fingerprint` in OUTPUT's receipt; syncs them all and renames them into
// OUTPUT's directory, OUTPUT last, then removes `source`. Throws Error,
// leaving neither the directory nor `source` behind.
void convert_output(const std::string& source, const std::string& output, const std::string& driver,
                    const std::string& fingerprint, bool overwrite);

// A converted OUTPUT's receipt, OUTPUT.geostrip.json, renamed with it: the
// job's fingerprint, which a format's own metadata may not keep (netCDF
// drops its quotes, ISIS3 all of it), and every file the conversion made
// but GDAL's .aux.xml, with its size and CRC-32.
std::string receipt_path(const std::string& output);

// The job fingerprint OUTPUT's receipt holds; nullopt without a receipt.
std::optional<std::string> receipt_fingerprint(const std::string& output);

// Why a converted OUTPUT is no longer as its receipt says (a file missing or
// of another size, or, with `reread`, other bytes); nullopt when whole.
std::optional<std::string> receipt_damage(const std::string& output, bool reread);

}  // namespace geostrip
