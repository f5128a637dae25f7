#include "grid/mosaic.hpp"

#include <fmt/core.h>
#include <fmt/format.h>
#include <gdal_alg.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "io/gdal.hpp"

namespace geostrip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// GDAL rounds a kernel's scale near 1/N to exactly 1/N (gdalwarpkernel.cpp);
// so do we, once, for the whole file.
double snapped_scale(double scale) {
  if (scale >= 1.0) return scale;
  const double reciprocal = 1.0 / scale;
  const double whole = std::round(reciprocal);
  return std::abs(reciprocal - whole) < 0.05 ? 1.0 / whole : scale;
}

// What decides a file's transform onto the grid (the grid and the options
// are the run's): its georeference and its lattice step.
std::string geometry_of(const MosaicFile& file) {
  const Georeference& g = file.info.georef;
  std::string key = fmt::format("step {}{}|", file.lattice_step, file.exact_picks ? " exact picks" : "");
  if (g.transform) {
    key += fmt::format("gt {:a}", fmt::join(*g.transform, " ")) + "|" + g.crs_wkt;
  } else if (!g.gcps.empty()) {
    for (const Gcp& p : g.gcps) key += fmt::format("gcp {:a} {:a} {:a} {:a} {:a}|", p.pixel, p.line, p.x, p.y, p.z);
    key += g.gcp_crs_wkt;
  } else {
    for (const auto& [name, value] : g.rpc) key += name + "=" + value + "|";
  }
  return key;
}

// Where a file that is not on the grid's pixels may paint, and its scale:
// its outline transformed exactly onto the grid, grown by the resampling
// kernel's reach.
Region warped_footprint(MosaicFile& file, const Grid& grid, const GridRequest& request,
                        const ResamplingMethod& method) {
  const std::string& path = file.info.file.path;
  const GdalDataset dataset = open_raster(path);
  const GridTransformer transformer(*dataset, path, grid.georef.crs_wkt, grid.georef.transform, request);
  constexpr int kSteps = 64;
  const auto cols = static_cast<double>(file.info.size.cols), rows = static_cast<double>(file.info.size.rows);
  std::vector<double> x, y;
  for (int i = 0; i <= kSteps; ++i) {
    const double f = static_cast<double>(i) / kSteps;
    for (const auto& [px, py] : {std::pair{f * cols, 0.0}, {f * cols, rows}, {0.0, f * rows}, {cols, f * rows}}) {
      x.push_back(px);
      y.push_back(py);
    }
  }
  // One pixel's step along a row and down a column, from the middle: the scale.
  for (const auto& [px, py] : {std::pair{cols / 2, rows / 2}, {cols / 2 + 1, rows / 2}, {cols / 2, rows / 2 + 1}}) {
    x.push_back(px);
    y.push_back(py);
  }
  std::vector<double> z(x.size(), 0.0);
  std::vector<int> ok(x.size(), 0);
  GDALGenImgProjTransform(transformer.arg(), FALSE, static_cast<int>(x.size()), x.data(), y.data(), z.data(),
                          ok.data());
  const std::size_t centre = x.size() - 3;
  if (ok[centre] && ok[centre + 1] && ok[centre + 2])
    file.scale = {.x = snapped_scale(std::hypot(x[centre + 1] - x[centre], y[centre + 1] - y[centre])),
                  .y = snapped_scale(std::hypot(x[centre + 2] - x[centre], y[centre + 2] - y[centre]))};
  double xmin = std::numeric_limits<double>::infinity(), ymin = xmin, xmax = -xmin, ymax = -xmin;
  for (std::size_t i = 0; i < centre; ++i)
    if (ok[i] && std::isfinite(x[i]) && std::isfinite(y[i])) {
      xmin = std::min(xmin, x[i]);
      xmax = std::max(xmax, x[i]);
      ymin = std::min(ymin, y[i]);
      ymax = std::max(ymax, y[i]);
    }
  if (!(xmin <= xmax && ymin <= ymax)) return {};
  const double margin = std::ceil(method.radius * std::max({file.scale.x, file.scale.y, 1.0})) + 1;
  const auto clamp = [](double v, std::int64_t hi) {
    return static_cast<std::int64_t>(std::clamp(v, 0.0, static_cast<double>(hi)));
  };
  const Region footprint{
      .rows = {clamp(std::floor(ymin - margin), grid.size.rows), clamp(std::ceil(ymax + margin), grid.size.rows)},
      .cols = {clamp(std::floor(xmin - margin), grid.size.cols), clamp(std::ceil(xmax + margin), grid.size.cols)}};
  if (empty(footprint)) return {};
  if (request.transform_error > 0) {
    file.lattice_step = lattice_step(transformer.arg(), footprint, request.transform_error);
  } else if (method.algorithm == GRA_NearestNeighbour) {
    file.lattice_step = exact_picks_step(transformer.arg(), footprint);
    file.exact_picks = true;
  }
  file.geometry = geometry_of(file);
  return footprint;
}

// The file's nodata for the warper and for reading: --nodata, else the
// file's own, else NaN for floats (geostrip's rule).
std::optional<double> source_nodata(const Mosaic& mosaic, const InputInfo& info) {
  if (mosaic.nodata_override) return mosaic.nodata_override;
  if (info.nodata) return info.nodata;
  if (!is_integer(info.type)) return kNaN;
  return std::nullopt;
}

class MosaicReader final : public RowReader {
 public:
  MosaicReader(const Mosaic& mosaic, OpenFiles& open) : mosaic_(mosaic), open_(open) {}

  void read(BlockBuffer& into) override {
    const Region region = into.region();
    const auto cols = static_cast<std::size_t>(into.cols());
    std::vector<double> painted(static_cast<std::size_t>(region.rows.rows()) * cols, kNaN);
    std::vector<std::uint32_t> counts(mosaic_.rule == MosaicRule::Mean ? painted.size() : 0, 0);
    // "last" paints each file over the others as gdalwarp does, blending
    // where a resampled pixel is only partly covered by valid source pixels;
    // the other rules see each file's own pixels.
    const bool over = mosaic_.rule == MosaicRule::Last;
    std::vector<double> layer;
    for (const std::size_t i : mosaic_.footprints.meeting(region)) {
      const Region part = intersection(region, mosaic_.footprints[i]);
      const auto part_cols = static_cast<std::size_t>(part.cols.rows());
      const auto at = [&](std::int64_t r) {
        return static_cast<std::size_t>(r - region.rows.begin) * cols +
               static_cast<std::size_t>(part.cols.begin - region.cols.begin);
      };
      // Painted over, across whole rows: straight into them.
      if (over && part.cols == region.cols) {
        paint(i, part, painted.data() + at(part.rows.begin));
        continue;
      }
      layer.assign(static_cast<std::size_t>(part.rows.rows()) * part_cols, kNaN);
      for (std::int64_t r = part.rows.begin; over && r < part.rows.end; ++r)
        std::copy_n(painted.begin() + static_cast<std::ptrdiff_t>(at(r)), part_cols,
                    layer.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(r - part.rows.begin) * part_cols));
      paint(i, part, layer.data());
      for (std::int64_t r = part.rows.begin; r < part.rows.end; ++r) {
        const double* from = layer.data() + static_cast<std::size_t>(r - part.rows.begin) * part_cols;
        for (std::size_t c = 0; c < part_cols; ++c)
          if (!std::isnan(from[c]))
            combine(painted[at(r) + c], from[c], counts.empty() ? nullptr : &counts[at(r) + c]);
      }
    }
    if (!counts.empty())
      for (std::size_t k = 0; k < painted.size(); ++k)
        if (counts[k] > 0) painted[k] /= counts[k];
    store(painted, into);
  }

 private:
  void combine(double& value, double next, std::uint32_t* count) const {
    const bool empty = std::isnan(value);
    switch (mosaic_.rule) {
      case MosaicRule::Last: value = next; break;
      case MosaicRule::First: value = empty ? next : value; break;
      case MosaicRule::Min: value = empty ? next : std::min(value, next); break;
      case MosaicRule::Max: value = empty ? next : std::max(value, next); break;
      case MosaicRule::Mean:
        value = empty ? next : value + next;
        ++*count;
        break;
    }
  }

  // Paints file `i` onto `part` of the grid held in `layer` (NaN: no value
  // yet): its valid pixels replace, or blend into, what is there.
  void paint(std::size_t i, const Region& part, double* layer) const {
    const MosaicFile& file = mosaic_.files[i];
    OpenFiles::File& open = open_.get(mosaic_, i);
    const int cols = static_cast<int>(part.cols.rows()), rows = static_cast<int>(part.rows.rows());
    CPLErrorReset();
    CPLErr status = CE_None;
    if (file.offset) {
      const auto [row0, col0] = *file.offset;
      std::vector<double> pixels(static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows));
      status = open.dataset->GetRasterBand(file.info.file.band)
                   ->RasterIO(GF_Read, static_cast<int>(part.cols.begin - col0), static_cast<int>(part.rows.begin - row0),
                              cols, rows, pixels.data(), cols, rows, GDT_Float64, 0, 0, nullptr);
      const auto nodata = source_nodata(mosaic_, file.info);
      for (std::size_t k = 0; k < pixels.size(); ++k)
        if (!std::isnan(pixels[k]) && !(nodata && pixels[k] == *nodata)) layer[k] = pixels[k];
    } else {
      status = open.warp->WarpRegionToBuffer(static_cast<int>(part.cols.begin), static_cast<int>(part.rows.begin),
                                             cols, rows, layer, GDT_Float64);
    }
    if (status != CE_None)
      throw Error(fmt::format("{}: painting it onto rows {}-{} of the output grid failed: {}", file.info.file.path,
                              part.rows.begin, part.rows.end - 1, gdal_error_or("I/O error")));
  }

  void store(const std::vector<double>& painted, BlockBuffer& into) const {
    visit_real(into.type(), [&](auto zero) {
      using T = decltype(zero);
      T* out = reinterpret_cast<T*>(into.band_data(0));
      const T fill = nodata_pixel<T>(mosaic_.fill);
      for (std::size_t k = 0; k < painted.size(); ++k) out[k] = std::isnan(painted[k]) ? fill : to_pixel<T>(painted[k]);
    });
  }

  const Mosaic& mosaic_;
  OpenFiles& open_;
};

}  // namespace

Mosaic make_mosaic(const std::string& input, std::vector<InputInfo> files, const Grid& grid,
                   const GridRequest& request, std::optional<double> nodata_override, std::optional<double> fill) {
  const std::string& resampling = request.resampling_for(input);
  const ResamplingMethod& method = resampling_method(resampling);
  std::vector<MosaicFile> painted;
  std::vector<Region> footprints;
  const RowBlock all_rows{0, grid.size.rows}, all_cols{0, grid.size.cols};
  for (InputInfo& info : files) {
    if (is_complex(info.type) || info.file.hdf5)
      throw Error(info.file.path + ": " + (info.file.hdf5 ? "HDF5 datasets" : info.type_name + " pixels") +
                  " are read only on their own grid (input " + input + " needs resampling or a mosaic)");
    MosaicFile file{.info = std::move(info)};
    const auto& t = file.info.georef.transform;
    if (t && same_crs(file.info.georef.crs_wkt, grid.georef.crs_wkt))
      file.offset = offset_on(*t, *grid.georef.transform);
    Region footprint;
    if (file.offset) {
      const auto [row0, col0] = *file.offset;
      footprint = intersection({.rows = {row0, row0 + file.info.size.rows}, .cols = {col0, col0 + file.info.size.cols}},
                               {.rows = all_rows, .cols = all_cols});
    } else {
      footprint = warped_footprint(file, grid, request, method);
    }
    footprints.push_back(empty(footprint) ? Region{} : footprint);
    painted.push_back(std::move(file));
  }
  if (std::all_of(footprints.begin(), footprints.end(), [](const Region& r) { return empty(r); }))
    throw Error(fmt::format("input {}: {} the output grid ({}x{} pixels in {})", input,
                            painted.size() == 1 ? painted.front().info.file.path + " does not meet"
                                                : fmt::format("none of its {} files meets", painted.size()),
                            grid.size.rows, grid.size.cols, crs_name(grid.georef.crs_wkt)));
  return {.input = input,
          .grid = grid,
          .files = std::move(painted),
          .footprints = FootprintIndex(std::move(footprints)),
          .resampling = resampling,
          .algorithm = method.algorithm,
          .rule = request.mosaic,
          .nodata_override = nodata_override,
          .fill = fill,
          .transform = request};
}

OpenFiles::File& OpenFiles::get(const Mosaic& mosaic, std::size_t index) {
  const auto it = std::find_if(files_.begin(), files_.end(),
                               [&](const Entry& e) { return e.mosaic == &mosaic && e.file == index; });
  if (it != files_.end()) {
    files_.splice(files_.begin(), files_, it);
    return files_.front().open;
  }
  while (!files_.empty() && files_.size() >= capacity_) files_.pop_back();
  const MosaicFile& file = mosaic.files[index];
  const std::string& path = file.info.file.path;
  File open{.dataset = open_raster(path), .transformer = nullptr, .lattice = nullptr, .warp = nullptr};
  if (!file.offset) {
    open.transformer = std::make_unique<GridTransformer>(*open.dataset, path, mosaic.grid.georef.crs_wkt,
                                                         mosaic.grid.georef.transform, mosaic.transform);
    GDALWarpOptions* options = GDALCreateWarpOptions();
    options->hSrcDS = GDALDataset::ToHandle(open.dataset.get());
    options->nBandCount = 1;
    options->panSrcBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    options->panSrcBands[0] = file.info.file.band;
    options->panDstBands = static_cast<int*>(CPLMalloc(sizeof(int)));
    options->panDstBands[0] = 1;
    options->eWorkingDataType = GDT_Float64;
    options->eResampleAlg = mosaic.algorithm;
    open.lattice = std::make_unique<LatticeTransform>(LatticeTransform{.exact = open.transformer->arg(),
                                                                       .step = file.lattice_step,
                                                                       .exact_picks = file.exact_picks,
                                                                       .cache = &transforms_,
                                                                       .geometry = file.geometry});
    options->pfnTransformer = lattice_transform;
    options->pTransformerArg = open.lattice.get();
    const auto one = [](double value) {
      auto* p = static_cast<double*>(CPLMalloc(sizeof(double)));
      *p = value;
      return p;
    };
    if (const auto nodata = source_nodata(mosaic, file.info)) {
      options->padfSrcNoDataReal = one(*nodata);
      options->padfSrcNoDataImag = one(0);
    }
    options->padfDstNoDataReal = one(kNaN);
    options->padfDstNoDataImag = one(0);
    char** warp_options = options->papszWarpOptions;
    warp_options = CSLSetNameValue(warp_options, "XSCALE", fmt::format("{:.17g}", file.scale.x).c_str());
    warp_options = CSLSetNameValue(warp_options, "YSCALE", fmt::format("{:.17g}", file.scale.y).c_str());
    warp_options = CSLSetNameValue(warp_options, "SAMPLE_GRID", "YES");
    warp_options = CSLSetNameValue(warp_options, "INIT_DEST", "NO_DATA");  // required by the next; we fill ourselves
    warp_options = CSLSetNameValue(warp_options, "ERROR_OUT_IF_EMPTY_SOURCE_WINDOW", "NO");
    options->papszWarpOptions = warp_options;
    open.warp = std::make_unique<GDALWarpOperation>();
    CPLErrorReset();
    const CPLErr status = open.warp->Initialize(options);
    GDALDestroyWarpOptions(options);
    if (status != CE_None) throw Error(path + ": cannot set up GDAL's warper: " + gdal_error_or("unknown reason"));
  }
  files_.push_front({.mosaic = &mosaic, .file = index, .open = std::move(open)});
  return files_.front().open;
}

std::unique_ptr<RowReader> open_mosaic_reader(const Mosaic& mosaic, OpenFiles& open) {
  return std::make_unique<MosaicReader>(mosaic, open);
}

}  // namespace geostrip
