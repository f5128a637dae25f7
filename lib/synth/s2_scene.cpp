#include "synth/s2_scene.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "synth/generate.hpp"
#include "synth/noise.hpp"

namespace geostrip::synth {

namespace {

using Spectrum = std::array<double, 4>;  // B02, B03, B04, B08 reflectance x 10000

constexpr Spectrum kWater{620, 540, 320, 160};
constexpr Spectrum kForest{240, 470, 260, 3100};
constexpr Spectrum kCrop{330, 700, 380, 4200};
constexpr Spectrum kGrass{480, 820, 760, 2900};
constexpr Spectrum kSoil{950, 1250, 1650, 2300};
constexpr Spectrum kUrban{1150, 1250, 1350, 1900};
constexpr Spectrum kCloud{7800, 7900, 8100, 8400};

Spectrum mix(const Spectrum& a, const Spectrum& b, double t) {
  Spectrum out;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = a[i] + t * (b[i] - a[i]);
  return out;
}

double smoothstep(double lo, double hi, double x) {
  const double t = std::clamp((x - lo) / (hi - lo), 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

// Agricultural parcels: a jittered grid of fields, each with its own cover and vigour.
Spectrum field_cover(double x, double y, std::uint64_t seed) {
  const auto fx = static_cast<std::int64_t>(std::floor(x / 72)), fy = static_cast<std::int64_t>(std::floor(y / 52));
  const double kind = lattice(fx, fy, seed + 11);
  const double vigour = 0.75 + 0.5 * lattice(fx, fy, seed + 12);
  Spectrum s = kind < 0.45 ? kCrop : kind < 0.7 ? kGrass : kSoil;
  if (kind < 0.7) s[3] *= vigour;  // near-infrared follows how green the field is
  return s;
}

}  // namespace

namespace {

// One pixel of one date: its reflectances and what the scene classifier would see.
struct S2Sample {
  std::array<std::uint16_t, 4> bands{};
  Spectrum ground{};  // without clouds
  double cloud = 0;   // cloud opacity, 0..1
  bool water = false;
};

// Each date has its own clouds; date 0 is the single scene's.
std::uint64_t cloud_seed(std::uint64_t seed, int date) { return seed + 8 + 1000 * static_cast<std::uint64_t>(date); }

S2Sample s2_sample(std::int64_t row, std::int64_t col, RasterSize size, std::uint64_t seed, int date) {
  // Outside the swath: the diagonal edge of a Sentinel-2 tile at the end of an orbit.
  const double edge = 0.93 - 0.22 * static_cast<double>(row) / static_cast<double>(std::max<std::int64_t>(1, size.rows));
  if (static_cast<double>(col) > edge * static_cast<double>(size.cols)) return {};

  const auto x = static_cast<double>(col), y = static_cast<double>(row);
  // Warped coordinates give organic field and shore outlines.
  const double wx = x + 30 * fbm(x / 250, y / 250, 2, seed + 1);
  const double wy = y + 30 * fbm(x / 250 + 17.3, y / 250, 2, seed + 2);
  const double terrain = fbm(wx / 800, wy / 800, 5, seed + 3);
  const double river = std::abs(fbm(wx / 1400, wy / 1400, 3, seed + 4));
  const double town = fbm(x / 400, y / 400, 3, seed + 5);

  Spectrum s = field_cover(wx, wy, seed);
  if (terrain > 0.25) s = mix(s, kForest, smoothstep(0.25, 0.35, terrain));
  if (town > 0.42) {
    // Blocks of buildings and streets: bright, rough texture.
    const double roof = lattice(static_cast<std::int64_t>(x / 3), static_cast<std::int64_t>(y / 3), seed + 6);
    s = mix(s, kUrban, smoothstep(0.42, 0.5, town));
    for (double& v : s) v *= 0.7 + 0.6 * roof;
  }
  S2Sample out;
  out.water = terrain < -0.32 || river < 0.012;
  if (out.water) s = kWater;

  const double grain = 1 + 0.07 * fbm(x / 5, y / 5, 2, seed + 7);
  // The dates of a stack are cloudier than the single scene: a third of each is under cloud.
  const double cloud_base = date == 0 ? 0.3 : 0.05;
  out.cloud = smoothstep(cloud_base, cloud_base + 0.3, fbm(x / 350, y / 350, 4, cloud_seed(seed, date)));
  for (std::size_t b = 0; b < out.bands.size(); ++b) {
    out.ground[b] = s[b] * grain;
    const double v = out.ground[b] + out.cloud * (kCloud[b] - out.ground[b]);
    out.bands[b] = static_cast<std::uint16_t>(std::clamp(std::lround(v), 1L, 65535L));
  }
  return out;
}

}  // namespace

std::array<std::uint16_t, 4> s2_pixel(std::int64_t row, std::int64_t col, RasterSize size, std::uint64_t seed,
                                      int date) {
  return s2_sample(row, col, size, seed, date).bands;
}

std::uint8_t s2_class(std::int64_t row, std::int64_t col, RasterSize size, std::uint64_t seed, int date) {
  const S2Sample p = s2_sample(row, col, size, seed, date);
  if (p.bands[0] == 0) return kSclNoData;
  if (p.cloud > 0.6) return kSclCloudHigh;
  if (p.cloud > 0.3) return kSclCloudMedium;
  if (p.water) return kSclWater;
  const double ndvi = (p.ground[3] - p.ground[2]) / (p.ground[3] + p.ground[2]);
  return ndvi > 0.4 ? kSclVegetation : kSclBare;
}

void write_s2_scene(const std::string& dir, RasterSize size, std::uint64_t seed, const EngineOptions& options,
                    const Team& team, int date) {
  SceneOutputs scene;
  std::vector<OutputSpec> specs;
  for (const char* band : kS2Bands) {
    specs.push_back(geotiff_spec(dir + "/" + band + ".tif", size, 10, PixelType::UInt16, 0));
    scene.encoders.push_back(std::make_unique<GeoTiffEncoder>(specs.back(), options.write));
  }
  scene.open = [&] {
    make_directory(dir);
    std::vector<std::unique_ptr<RowSink>> writers;
    for (const OutputSpec& spec : specs) writers.push_back(std::make_unique<GeoTiffWriter>(spec, options.write, OutputLock(spec.path)));
    return writers;
  };
  scene.make = [&](RowBlock rows) {
    std::vector<BlockBuffer> bands;
    for (std::size_t b = 0; b < kS2Bands.size(); ++b) bands.emplace_back(PixelType::UInt16, 1, rows, size.cols);
    for (std::int64_t r = rows.begin; r < rows.end; ++r)
      for (std::int64_t c = 0; c < size.cols; ++c) {
        const auto pixel = s2_pixel(r, c, size, seed, date);
        for (std::size_t b = 0; b < pixel.size(); ++b)
          bands[b].band<std::uint16_t>(0).row(r - rows.begin)[c] = pixel[b];
      }
    return bands;
  };
  scene.bytes_per_row = static_cast<std::uint64_t>(size.cols) * kS2Bands.size() * sizeof(std::uint16_t);
  generate(size, scene, options, team);
}

void write_s2_dates(const std::string& dir, RasterSize size, std::uint64_t seed, int dates, const EngineOptions& options,
                    const Team& team) {
  // SCL is made at 20 m, as Sentinel-2's: the class of each 20 m pixel's top-left 10 m pixel.
  const RasterSize scl_size{.rows = (size.rows + 1) / 2, .cols = (size.cols + 1) / 2};
  for (int date = 1; date <= dates; ++date) {
    const std::string date_dir = dir + "/" + date_name(date);
    write_s2_scene(date_dir, size, seed, options, team, date);
    const auto fill = [&](RowBlock rows, BlockBuffer& pixels) {
      for (std::int64_t r = rows.begin; r < rows.end; ++r)
        for (std::int64_t c = 0; c < scl_size.cols; ++c)
          pixels.band<std::uint8_t>(0).row(r - rows.begin)[c] = s2_class(2 * r, 2 * c, size, seed, date);
    };
    generate_band(date_dir, geotiff_spec(date_dir + "/SCL.tif", scl_size, 20, PixelType::Byte, kSclNoData), fill,
                  options, team);
  }
}

}  // namespace geostrip::synth
