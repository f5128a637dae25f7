#include "io/raster_input.hpp"

#include <fmt/core.h>
#include <ogr_spatialref.h>

#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "io/hdf5_input.hpp"
#include "io/tiff_tiles.hpp"

namespace geostrip {

namespace {

GDALRasterBand* band_of(GDALDataset& dataset, const FileSpec& file, const std::string& input) {
  if (file.band > dataset.GetRasterCount())
    throw Error(file.path + ": has " + std::to_string(dataset.GetRasterCount()) + " band(s), band " +
                std::to_string(file.band) + " was asked for (-i " + input + ")");
  return dataset.GetRasterBand(file.band);
}

std::string describe(const InputInfo& info) { return info.input + "=" + info.file.path; }

// GDAL before 3.7 has no Int8: signed bytes are Byte bands that say so.
bool signed_bytes(GDALRasterBand* band) {
  const char* pixel_type = band->GetMetadataItem("PIXELTYPE", "IMAGE_STRUCTURE");
  return band->GetRasterDataType() == GDT_Byte && pixel_type && std::string_view(pixel_type) == "SIGNEDBYTE";
}

// The pixel type geostrip computes a GDAL band's pixels in.
PixelType engine_type(GDALRasterBand* band, const std::string& path) {
  const GDALDataType type = band->GetRasterDataType();
  if (signed_bytes(band)) return PixelType::Int8;
  switch (type) {
    case GDT_Byte: return PixelType::Byte;
#if GDAL_VERSION_NUM >= GDAL_COMPUTE_VERSION(3, 7, 0)
    case GDT_Int8: return PixelType::Int8;
#endif
    case GDT_UInt16: return PixelType::UInt16;
    case GDT_Int16: return PixelType::Int16;
    case GDT_UInt32: return PixelType::UInt32;
    case GDT_Int32: return PixelType::Int32;
    case GDT_Float32: return PixelType::Float32;
    case GDT_Float64: return PixelType::Float64;
    case GDT_Int64:
    case GDT_UInt64:
      // Every operation computes in doubles at most, exact to 2^53 only.
      throw Error(path + ": " + GDALGetDataTypeName(type) +
                  " pixels are not supported (geostrip computes exactly only to 53 bits); convert them first, e.g. "
                  "gdal_translate -ot Float64 or -ot Int32 when the values fit");
    case GDT_CInt16:
    case GDT_CInt32:
    case GDT_CFloat32:
    case GDT_CFloat64: return PixelType::CFloat32;
    default: break;
  }
  throw Error(path + ": unsupported pixel type " + GDALGetDataTypeName(type));
}

InputInfo describe_gdal(const FileSpec& spec, const std::string& input) {
  GdalDataset dataset = open_raster(spec.path);
  GDALRasterBand* band = band_of(*dataset, spec, input);
  InputInfo info{.file = spec, .size = {dataset->GetRasterYSize(), dataset->GetRasterXSize()}};
  GeoTransform transform;
  if (dataset->GetGeoTransform(transform.data()) == CE_None) info.georef.transform = transform;
  if (const OGRSpatialReference* srs = dataset->GetSpatialRef()) {
    char* wkt = nullptr;
    srs->exportToWkt(&wkt);
    info.georef.crs_wkt = wkt ? wkt : "";
    CPLFree(wkt);
  }
  const GDAL_GCP* gcps = dataset->GetGCPs();
  for (int i = 0; i < dataset->GetGCPCount(); ++i)
    info.georef.gcps.push_back({.id = gcps[i].pszId ? gcps[i].pszId : "",
                                .info = gcps[i].pszInfo ? gcps[i].pszInfo : "",
                                .pixel = gcps[i].dfGCPPixel,
                                .line = gcps[i].dfGCPLine,
                                .x = gcps[i].dfGCPX,
                                .y = gcps[i].dfGCPY,
                                .z = gcps[i].dfGCPZ});
  if (const OGRSpatialReference* srs = dataset->GetGCPSpatialRef(); srs && !info.georef.gcps.empty()) {
    char* wkt = nullptr;
    srs->exportToWkt(&wkt);
    info.georef.gcp_crs_wkt = wkt ? wkt : "";
    CPLFree(wkt);
  }
  if (char** rpc = dataset->GetMetadata("RPC"))
    for (char** item = rpc; *item; ++item)
      if (const char* eq = std::strchr(*item, '=')) info.georef.rpc[std::string(static_cast<const char*>(*item), eq)] = eq + 1;
  info.type_name = signed_bytes(band) ? "Int8 (signed bytes)" : GDALGetDataTypeName(band->GetRasterDataType());
  info.type = engine_type(band, spec.path);
  int has_nodata = 0;
  const double nodata = band->GetNoDataValue(&has_nodata);
  if (has_nodata) info.nodata = nodata;
  info.categorical = band->GetColorTable() != nullptr || band->GetCategoryNames() != nullptr;
  info.gtiff = std::string_view(dataset->GetDriver()->GetDescription()) == "GTiff";
  int block_cols = 0, block_rows = 0;
  band->GetBlockSize(&block_cols, &block_rows);
  // GDAL decodes a whole internal block at a time, of every band when they
  // are interleaved by pixel; a damaged header can declare blocks of
  // gigabytes (found by tests/fuzz: 32769 bands).
  constexpr std::uint64_t kMaxBlockBytes = std::uint64_t{1} << 30;
  if (static_cast<std::uint64_t>(block_cols) * static_cast<std::uint64_t>(block_rows) *
          static_cast<std::uint64_t>(GDALGetDataTypeSizeBytes(band->GetRasterDataType())) *
          static_cast<std::uint64_t>(dataset->GetRasterCount()) >
      kMaxBlockBytes)
    throw Error(spec.path + ": its internal blocks of " + std::to_string(block_cols) + "x" +
                std::to_string(block_rows) + " pixels x " + std::to_string(dataset->GetRasterCount()) +
                " bands are over 1 GiB each; rewrite it tiled (gdal_translate -co TILED=YES) if the file is sound");
  info.tile_rows = block_rows > 0 ? block_rows : 1;
  info.tile_cols = block_cols > 0 ? block_cols : 1;
  return info;
}

}  // namespace

InputInfo describe_input(const std::string& input, const FileSpec& spec) {
  InputInfo info = spec.hdf5 ? describe_hdf5(spec, *spec.hdf5) : describe_gdal(spec, input);
  info.input = input;
  // GDAL's own limit for any raster, and so for every output geostrip writes.
  constexpr std::int64_t kMaxEdge = std::numeric_limits<int>::max();
  if (info.size.rows < 1 || info.size.cols < 1 || info.size.rows > kMaxEdge || info.size.cols > kMaxEdge)
    throw Error(fmt::format("{}: declares {}x{} pixels; geostrip reads rasters of 1 to {} rows and columns",
                            spec.path, info.size.rows, info.size.cols, kMaxEdge));
  return info;
}

std::optional<std::string> grid_difference(const InputInfo& first, const InputInfo& other) {
  const auto mismatch = [&](const std::string& property, const std::string& a, const std::string& b) {
    return "inputs differ in " + property + ": " + describe(first) + " has " + a + ", " + describe(other) + " has " + b;
  };
  const auto size = [](const InputInfo& in) {
    return std::to_string(in.size.rows) + "x" + std::to_string(in.size.cols) + " (rows x cols)";
  };
  if (first.size != other.size) return mismatch("size", size(first), size(other));
  const auto& ta = first.georef.transform;
  const auto& tb = other.georef.transform;
  const auto transform = [](const std::optional<GeoTransform>& t) {
    if (!t) return std::string("none");
    std::string s = "(";
    for (std::size_t k = 0; k < t->size(); ++k) s += (k ? ", " : "") + std::to_string((*t)[k]);
    return s + ")";
  };
  if (ta.has_value() != tb.has_value() || (ta && !same_transform(*ta, *tb)))
    return mismatch("geotransform", transform(ta), transform(tb));
  if (!same_crs(first.georef.crs_wkt, other.georef.crs_wkt))
    return mismatch("CRS", crs_name(first.georef.crs_wkt), crs_name(other.georef.crs_wkt));
  const std::size_t gcps = first.georef.gcps.size(), other_gcps = other.georef.gcps.size();
  if (!same_gcps(first.georef.gcps, other.georef.gcps) || !same_crs(first.georef.gcp_crs_wkt, other.georef.gcp_crs_wkt))
    return mismatch("ground control points", std::to_string(gcps) + " GCPs",
                    std::to_string(other_gcps) + " GCPs" + (gcps == other_gcps ? " at other places or in another CRS" : ""));
  if (first.georef.rpc != other.georef.rpc)
    return mismatch("RPCs", first.georef.rpc.empty() ? "none" : "an RPC model",
                    other.georef.rpc.empty() ? "none" : "another RPC model");
  return std::nullopt;
}

namespace {

// Reads straight from a GeoTIFF's tiles where TiffTiles decodes them, else
// through GDAL: GDAL then only reads what TiffTiles cannot, and its dataset
// is opened on the first such read.
class GdalRowReader final : public RowReader {
 public:
  GdalRowReader(const InputInfo& info, Halo overlap)
      : info_(info), tiles_(TiffTiles::open(info, overlap)), keep_tiles_(overlap != Halo{}) {
    if (!tiles_) open_dataset();
  }

  void read(BlockBuffer& into) override {
    if (tiles_ && tiles_->read(into)) return;
    if (!dataset_) open_dataset();
    CPLErrorReset();
    const RowBlock rows = into.rows();
    const int cols = static_cast<int>(into.cols());
    // GDAL converts a Byte band as unsigned: signed bytes are read as they are
    // and converted here.
    const bool convert = signed_bytes_ && into.type() != PixelType::Int8;
    BlockBuffer bytes = convert ? BlockBuffer(PixelType::Int8, 1, into.region()) : BlockBuffer();
    BlockBuffer& target = convert ? bytes : into;
    CPLErr status = band_->RasterIO(GF_Read, static_cast<int>(into.first_col()), static_cast<int>(rows.begin), cols,
                                    static_cast<int>(rows.rows()), target.band_data(0), cols,
                                    static_cast<int>(rows.rows()), to_gdal(target.type()), 0, 0, nullptr);
    if (status == CE_None && convert) convert_pixels(bytes, into);
    if (status == CE_None && !keep_tiles_) status = band_->FlushCache(false);
    if (status != CE_None)
      throw Error(info_.file.path + ": reading rows " + std::to_string(rows.begin) + "-" +
                  std::to_string(rows.end - 1) + " failed: " + gdal_error_or("I/O error"));
  }

 private:
  void open_dataset() {
    dataset_ = open_raster(info_.file.path);
    band_ = band_of(*dataset_, info_.file, info_.input);
    signed_bytes_ = signed_bytes(band_);
  }

  InputInfo info_;
  std::unique_ptr<TiffTiles> tiles_;
  GdalDataset dataset_;
  GDALRasterBand* band_ = nullptr;
  bool signed_bytes_ = false;  // a Byte band with PIXELTYPE=SIGNEDBYTE
  bool keep_tiles_;
};

}  // namespace

std::unique_ptr<RowReader> open_reader(const InputInfo& info, Halo overlap) {
  if (info.file.hdf5) return std::make_unique<Hdf5RowReader>(info, *info.file.hdf5, overlap);
  return std::make_unique<GdalRowReader>(info, overlap);
}

}  // namespace geostrip
