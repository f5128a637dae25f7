#include "grid/cutline.hpp"

#include <ogrsf_frmts.h>

#include "core/error.hpp"
#include "io/gdal.hpp"

namespace geostrip {

namespace {

struct FeatureDeleter {
  void operator()(OGRFeature* feature) const { OGRFeature::DestroyFeature(feature); }
};

class CutReader final : public RowReader {
 public:
  CutReader(std::unique_ptr<RowReader> reader, const PolygonMask& mask, std::optional<double> nodata)
      : reader_(std::move(reader)), mask_(mask), nodata_(nodata) {}

  void read(BlockBuffer& into) override {
    reader_->read(into);
    const RowBlock cols = into.region().cols;
    std::vector<std::uint8_t> inside;
    visit_real(into.type(), [&](auto zero) {
      using T = decltype(zero);
      const T fill = nodata_pixel<T>(nodata_);
      for (std::int64_t r = into.rows().begin; r < into.rows().end; ++r) {
        mask_.inside(r, cols, inside);
        T* row = reinterpret_cast<T*>(into.band_data(0)) + static_cast<std::size_t>(r - into.rows().begin) *
                                                               static_cast<std::size_t>(cols.rows());
        for (std::size_t c = 0; c < inside.size(); ++c)
          if (!inside[c]) row[c] = fill;
      }
    });
  }

 private:
  std::unique_ptr<RowReader> reader_;
  const PolygonMask& mask_;
  std::optional<double> nodata_;
};

// A ring's points, from the file's CRS into grid pixels.
Ring pixel_ring(const OGRLinearRing& ring, const GeoTransform& t) {
  const double det = t[1] * t[5] - t[2] * t[4];
  Ring out;
  for (int i = 0; i < ring.getNumPoints(); ++i) {
    const double dx = ring.getX(i) - t[0], dy = ring.getY(i) - t[3];
    out.push_back({.x = (t[5] * dx - t[2] * dy) / det, .y = (t[1] * dy - t[4] * dx) / det});
  }
  return out;
}

void add_polygon(const OGRPolygon& polygon, const GeoTransform& t, std::vector<Polygon>& out) {
  Polygon p;
  for (const OGRLinearRing* ring : polygon) p.rings.push_back(pixel_ring(*ring, t));
  out.push_back(std::move(p));
}

}  // namespace

PolygonMask load_cutline(const std::string& path, const Grid& grid) {
  init_gdal();
  if (!grid.georef.transform)
    throw Error("--cutline " + path + ": the output grid has no geotransform to place polygons on (give --crs)");
  CPLErrorReset();
  const GdalDataset dataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR));
  if (!dataset) throw Error(path + ": cannot open as a vector file (--cutline): " + gdal_error_or("unknown format"));
  OGRSpatialReference grid_srs;
  if (!grid.georef.crs_wkt.empty()) grid_srs.importFromWkt(grid.georef.crs_wkt.c_str());
  grid_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::vector<Polygon> polygons;
  for (OGRLayer* layer : dataset->GetLayers()) {
    layer->ResetReading();
    while (std::unique_ptr<OGRFeature, FeatureDeleter> feature{layer->GetNextFeature()}) {
      OGRGeometry* geometry = feature->GetGeometryRef();
      if (!geometry) continue;
      if (geometry->getSpatialReference() && !grid.georef.crs_wkt.empty() &&
          geometry->transformTo(&grid_srs) != OGRERR_NONE)
        throw Error(path + ": its polygons cannot be transformed to " + crs_name(grid.georef.crs_wkt) + " (--cutline)");
      const OGRwkbGeometryType type = wkbFlatten(geometry->getGeometryType());
      if (type == wkbPolygon) add_polygon(*geometry->toPolygon(), *grid.georef.transform, polygons);
      if (type == wkbMultiPolygon)
        for (const OGRPolygon* polygon : *geometry->toMultiPolygon())
          add_polygon(*polygon, *grid.georef.transform, polygons);
    }
  }
  if (polygons.empty()) throw Error(path + ": has no polygons (--cutline)");
  return PolygonMask(std::move(polygons));
}

std::unique_ptr<RowReader> cut_reader(std::unique_ptr<RowReader> reader, const PolygonMask& mask,
                                      std::optional<double> nodata) {
  return std::make_unique<CutReader>(std::move(reader), mask, nodata);
}

}  // namespace geostrip
