// hillshade and slope exactly as gdaldem (GDAL 3.6) computes them with the
// Horn algorithm and -compute_edges.
#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/error.hpp"
#include "geometry/georeference.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

namespace {

constexpr double kDegrees = 180.0 / std::numbers::pi;
constexpr double kRadians = std::numbers::pi / 180.0;

// gdaldem's test for nodata (ARE_REAL_EQUAL on floats); NaN is nodata too.
bool is_nodata(float v, std::optional<float> nodata) {
  if (std::isnan(v)) return true;
  if (!nodata) return false;
  return v == *nodata || std::abs(v - *nodata) < FLT_EPSILON * std::abs(v + *nodata) * 2;
}

// A hillshade value as gdaldem stores it in its Byte output.
// (std::clamp's comparisons as selects, which the compiler vectorizes.)
std::uint8_t to_byte(float value) {
  const float rounded = value + 0.5f;
  const float clamped = rounded < 0.0f ? 0.0f : (rounded > 255.0f ? 255.0f : rounded);
  return static_cast<std::uint8_t>(static_cast<int>(std::isnan(value) ? 0.0f : clamped));
}

// gdaldem -compute_edges: a neighbour outside the raster is extrapolated from
// the cell inside (a) and the one opposite it (b).
float extrapolate(float a, float b, std::optional<float> nodata) {
  if (is_nodata(a, nodata) || is_nodata(b, nodata)) return nodata ? *nodata : NAN;
  return 2 * a - b;
}

// Horn's west-minus-east and south-minus-north sums, in float as gdaldem adds them.
double horn_x(const float* w) { return static_cast<double>((w[0] + w[3] + w[3] + w[6]) - (w[2] + w[5] + w[5] + w[8])); }
double horn_y(const float* w) { return static_cast<double>((w[6] + w[7] + w[7] + w[8]) - (w[0] + w[1] + w[1] + w[2])); }

enum class Product { Hillshade, Slope };

struct TerrainParams {
  double z_factor = 0;
  double scale = 0;  // ratio of vertical to horizontal units
  double azimuth = 0;
  double altitude = 0;
};

class TerrainKernel final : public Kernel {
 public:
  TerrainKernel(Product product, const KernelArgs& args);
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& geometry, BlockBuffer& out) const override;

 private:
  float hillshade(const float* w) const;
  float slope(const float* w) const;

  // gdaldem's hillshade constants, computed once.
  struct Shading {
    double inv_ewres, inv_nsres;
    double square_z;
    double sin_alt_254, cos_az_cos_alt_z_254, sin_az_cos_alt_z_254;
  };
  static Shading shading(const TerrainParams& params, const GeoTransform& transform);

  Product product_;
  TerrainParams params_;
  GeoTransform transform_;
  Shading shading_;
  KernelSpec spec_;
};

TerrainKernel::TerrainKernel(Product product, const KernelArgs& args) : product_(product) {
  if (!args.transform)
    throw UsageError(args.operation + " needs a DEM with a geotransform (its pixel size gives the slope)");
  params_.scale = args.number("scale");
  if (product == Product::Hillshade)  // slope has no light
    params_ = {.z_factor = args.number("z-factor"),
               .scale = params_.scale,
               .azimuth = args.number("azimuth"),
               .altitude = args.number("altitude")};
  if (params_.scale <= 0) throw UsageError("--scale must be greater than 0");
  transform_ = *args.transform;
  shading_ = shading(params_, transform_);
  spec_.inputs = args.inputs();
  spec_.input_type = PixelType::Float32;  // gdaldem reads every DEM as Float32 (or exactly as integers)
  spec_.window = args.window();
  if (product == Product::Hillshade) {
    spec_.output_type = PixelType::Byte;
    spec_.output_nodata = 0;
  } else {
    spec_.output_type = PixelType::Float32;
    spec_.output_nodata = -9999;
  }
}

TerrainKernel::Shading TerrainKernel::shading(const TerrainParams& params, const GeoTransform& transform) {
  const double z_scaled = params.z_factor / (8 * params.scale);
  const double cos_alt_mul_z = std::cos(params.altitude * kRadians) * z_scaled;
  const double azimuth = params.azimuth * kRadians;
  return {1.0 / transform[1],
          1.0 / transform[5],
          z_scaled * z_scaled,
          254.0 * std::sin(params.altitude * kRadians),
          254.0 * (std::cos(azimuth) * cos_alt_mul_z),
          254.0 * (std::sin(azimuth) * cos_alt_mul_z)};
}

// Window w: 0 1 2 / 3 4 5 / 6 7 8, row 0 north. Horn's sums in float, as gdaldem.
[[gnu::always_inline]] inline float TerrainKernel::hillshade(const float* w) const {
  const Shading& s = shading_;
  const double x = horn_x(w) * s.inv_ewres;
  const double y = horn_y(w) * s.inv_nsres;
  const double lit = s.sin_alt_254 - (y * s.cos_az_cos_alt_z_254 - x * s.sin_az_cos_alt_z_254);
  const double shade = lit / std::sqrt(1 + s.square_z * (x * x + y * y));
  return static_cast<float>(shade <= 0.0 ? 1.0 : 1.0 + shade);
}

[[gnu::always_inline]] inline float TerrainKernel::slope(const float* w) const {
  const double dx = horn_x(w) / transform_[1];
  const double dy = horn_y(w) / transform_[5];
  return static_cast<float>(std::atan(std::sqrt(dx * dx + dy * dy) / (8 * params_.scale)) * kDegrees);
}

void TerrainKernel::compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const {
  const KernelInput& dem = in[0];
  const auto z = dem.pixels.band<float>(0);
  const std::optional<float> nodata =
      dem.nodata ? std::optional<float>(static_cast<float>(*dem.nodata)) : std::nullopt;
  const std::int64_t rows = g.raster.rows, cols = g.raster.cols;
  const auto at = [&](std::int64_t r, std::int64_t c) { return z.at(r, c); };
  const bool hillshade_product = product_ == Product::Hillshade;
  const auto store = [&](std::int64_t r, std::int64_t c, float value) {
    if (hillshade_product)
      out.band<std::uint8_t>(0).at(r, c) = to_byte(value);
    else
      out.band<float>(0).at(r, c) = value;
  };
  // Nodata neighbours take the centre's value (gdaldem -compute_edges).
  const auto shade_or_slope = [&](float* w) {
    for (int k = 0; k < 9; ++k)
      if (is_nodata(w[k], nodata)) w[k] = w[4];
    return hillshade_product ? hillshade(w) : slope(w);
  };
  const float no_value = static_cast<float>(*spec_.output_nodata);

  // A pixel on the raster's edge: its missing neighbours extrapolated.
  const auto edge_pixel = [&](std::int64_t r, std::int64_t c) {
    if (rows < 2 || cols < 2 || is_nodata(at(r, c), nodata)) return no_value;
    float w[9];
    if (r == 0 || r == rows - 1) {
      // gdaldem clamps the columns at a corner rather than extrapolating them.
      const std::int64_t cs[3] = {c == 0 ? c : c - 1, c, c == cols - 1 ? c : c + 1};
      const std::int64_t inner = r == 0 ? 1 : rows - 2;
      for (int k = 0; k < 3; ++k) {
        const float edge = extrapolate(at(r, cs[k]), at(inner, cs[k]), nodata);
        w[k] = r == 0 ? edge : at(r - 1, cs[k]);
        w[3 + k] = at(r, cs[k]);
        w[6 + k] = r == 0 ? at(r + 1, cs[k]) : edge;
      }
    } else {
      for (int k = 0; k < 3; ++k) {
        const std::int64_t y = r - 1 + k;
        if (c == 0) {
          w[3 * k] = extrapolate(at(y, 0), at(y, 1), nodata);
          w[3 * k + 1] = at(y, 0);
          w[3 * k + 2] = at(y, 1);
        } else {
          w[3 * k] = at(y, c - 1);
          w[3 * k + 1] = at(y, c);
          w[3 * k + 2] = extrapolate(at(y, c), at(y, c - 1), nodata);
        }
      }
    }
    return shade_or_slope(w);
  };

  const Region region = out.region();
  std::vector<unsigned char> dirty;  // by column of a row, from first - 1 to end
  for (std::int64_t r = region.rows.begin; r < region.rows.end; ++r) {
    const bool inner_row = r > 0 && r < rows - 1 && cols >= 2;
    // Inside the raster, the window's rows as they are, from the rows' pointers.
    const std::int64_t first = inner_row ? std::max<std::int64_t>(region.cols.begin, 1) : region.cols.end;
    const std::int64_t end = inner_row ? std::min(region.cols.end, cols - 1) : region.cols.end;
    for (std::int64_t c = region.cols.begin; c < std::min(first, region.cols.end); ++c) store(r, c, edge_pixel(r, c));
    if (first < end) {
      const float* above = z.row(r - 1 - z.row0);
      const float* here = z.row(r - z.row0);
      const float* below = z.row(r + 1 - z.row0);
      // The 3x3 window around the rows' column x: 0 1 2 / 3 4 5 / 6 7 8.
      const auto window = [&](std::int64_t x) {
        return std::array<float, 9>{above[x - 1], above[x], above[x + 1], here[x - 1], here[x],
                                    here[x + 1],  below[x - 1], below[x], below[x + 1]};
      };
      // Columns with nodata in any of the three rows; a window none of whose
      // columns has any takes the same arithmetic without tests, in runs the
      // compiler vectorizes.
      dirty.assign(static_cast<std::size_t>(end - first + 2), 0);
      for (std::int64_t c = first - 1; c <= end; ++c) {
        const std::int64_t x = c - z.col0;
        dirty[static_cast<std::size_t>(c - first + 1)] =
            is_nodata(above[x], nodata) || is_nodata(here[x], nodata) || is_nodata(below[x], nodata);
      }
      const auto clean = [&](std::int64_t c) {
        const auto i = static_cast<std::size_t>(c - first + 1);
        return !(dirty[i - 1] | dirty[i] | dirty[i + 1]);
      };
      for (std::int64_t c = first; c < end;) {
        if (!clean(c)) {
          const std::int64_t x = c - z.col0;
          if (is_nodata(here[x], nodata)) {
            store(r, c, no_value);
          } else {
            std::array<float, 9> w = window(x);
            store(r, c, shade_or_slope(w.data()));
          }
          ++c;
          continue;
        }
        std::int64_t run_end = c + 1;
        while (run_end < end && clean(run_end)) ++run_end;
        const std::int64_t x0 = c - z.col0, x1 = run_end - z.col0;  // the windows' centres in the rows
        if (hillshade_product) {
          std::uint8_t* shades = &out.band<std::uint8_t>(0).at(r, c);
          for (std::int64_t x = x0; x < x1; ++x) shades[x - x0] = to_byte(hillshade(window(x).data()));
        } else {
          float* slopes = &out.band<float>(0).at(r, c);
          for (std::int64_t x = x0; x < x1; ++x) slopes[x - x0] = slope(window(x).data());
        }
        c = run_end;
      }
    }
    for (std::int64_t c = std::max(first, end); c < region.cols.end; ++c) store(r, c, edge_pixel(r, c));
  }
}

const OptionDecl kScale{.name = "scale", .kind = OptionKind::Number, .default_value = "1",
                        .help = "ratio of vertical to horizontal units (111120 for a DEM in degrees and metres)"};

const OperationRegistration hillshade{{
    .name = "hillshade",
    .summary = "Byte shaded relief as gdaldem hillshade -compute_edges (Horn); nodata 0",
    .inputs = {"dem"},
    .output = "Byte",
    .options = {{.name = "z-factor", .kind = OptionKind::Number, .default_value = "1", .help = "vertical exaggeration"},
                kScale,
                {.name = "azimuth", .kind = OptionKind::Number, .default_value = "315",
                 .help = "light direction, degrees clockwise from north"},
                {.name = "altitude", .kind = OptionKind::Number, .default_value = "45",
                 .help = "light altitude, degrees above the horizon"}},
    .window = {3, 3},
    .make = [](const KernelArgs& args) -> std::unique_ptr<Kernel> {
      return std::make_unique<TerrainKernel>(Product::Hillshade, args);
    },
    .example = {{"z-factor", "2"}, {"scale", "111120"}},
}};

const OperationRegistration slope{{
    .name = "slope",
    .summary = "Float32 slope in degrees as gdaldem slope -compute_edges (Horn); nodata -9999",
    .inputs = {"dem"},
    .output = "Float32",
    .options = {kScale},
    .window = {3, 3},
    .make = [](const KernelArgs& args) -> std::unique_ptr<Kernel> {
      return std::make_unique<TerrainKernel>(Product::Slope, args);
    },
    .example = {{"scale", "111120"}},
}};

}  // namespace

}  // namespace geostrip
