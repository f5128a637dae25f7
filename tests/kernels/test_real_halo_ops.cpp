// Halo and SAR operations on the real rasters in ../shared/data, against
// plain references: every window from scratch, gdaldem, and HDF5 read raw.
#include <catch2/catch.hpp>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <random>

#include "support/data_dir.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;

namespace {

const std::string kB04 = "/sentinel2_l2a/S2A_29RKH_20200219_0_L2A_B04.tif";
constexpr int kHole = 3410;  // a common B04 value, declared nodata to punch holes
const std::string kDem = "/copernicus_dem/Copernicus_DSM_COG_10_N00_00_E006_00_DEM.tif";
const std::string kAlos = "/uavsar_alos_hdf5/calib_RSLC_ALPSRP025826990_RIO_BRANCO_CR.h5";
const std::string kWinnipeg = "/uavsar_alos_hdf5/winnipeg.h5";
const std::string kS1Vv = "/sentinel1_grd/S1A_IW_GRDH_1SDV_20180716T004042_iw-vv.tiff";

struct Grid {
  std::vector<float> v;
  int rows = 0, cols = 0;
  float at(int r, int c) const { return v[static_cast<std::size_t>(r) * cols + c]; }
};

Grid read_grid(const std::string& path, int band = 1) {
  Dataset ds(path);
  return {read_band<float>(path, band), ds->GetRasterYSize(), ds->GetRasterXSize()};
}

// Sample positions: random ones plus every corner and edge midpoint.
std::vector<std::pair<int, int>> samples(int rows, int cols, int n) {
  std::mt19937 random(7);
  std::vector<std::pair<int, int>> out{{0, 0}, {0, cols - 1}, {rows - 1, 0}, {rows - 1, cols - 1},
                                       {rows / 2, 0}, {0, cols / 2}, {rows - 1, cols / 2}, {rows / 2, cols - 1}};
  for (int i = 0; i < n; ++i)
    out.emplace_back(static_cast<int>(random() % static_cast<unsigned>(rows)), static_cast<int>(random() % static_cast<unsigned>(cols)));
  return out;
}

// Pixels of a window cut at the raster edge whose value is not the hole.
std::vector<float> valid_window(const Grid& g, int r, int c, int hr, int hc) {
  std::vector<float> values;
  for (int y = std::max(0, r - hr); y <= std::min(g.rows - 1, r + hr); ++y)
    for (int x = std::max(0, c - hc); x <= std::min(g.cols - 1, c + hc); ++x)
      if (g.at(y, x) != kHole) values.push_back(g.at(y, x));
  return values;
}

std::string run_op(const TempDir& dir, const std::string& arguments, const std::string& output) {
  const auto result = run_geostrip("run " + arguments + " -o " + dir / output + " --block-rows 37 --overwrite");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return dir / output;
}

// A NISAR {r, i} float16 dataset decoded bit by bit, independently of HDF5's conversion.
std::vector<std::complex<double>> read_half_complex(const std::string& file, const std::string& dataset, int& rows,
                                                    int& cols) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  hsize_t dims[2];
  H5Sget_simple_extent_dims(space, dims, nullptr);
  rows = static_cast<int>(dims[0]);
  cols = static_cast<int>(dims[1]);
  const hid_t type = H5Dget_type(d);
  REQUIRE(H5Tget_size(type) == 4);  // two halves
  std::vector<std::uint16_t> raw(dims[0] * dims[1] * 2);
  REQUIRE(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) >= 0);
  H5Tclose(type);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  const auto half = [](std::uint16_t h) {
    const int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    const double sign = (h & 0x8000) ? -1 : 1;
    if (exponent == 0) return sign * std::ldexp(mantissa, -24);
    if (exponent == 31) return mantissa ? std::nan("") : sign * std::numeric_limits<double>::infinity();
    return sign * std::ldexp(1024 + mantissa, exponent - 25);
  };
  std::vector<std::complex<double>> z(dims[0] * dims[1]);
  for (std::size_t i = 0; i < z.size(); ++i) z[i] = {half(raw[2 * i]), half(raw[2 * i + 1])};
  return z;
}

}  // namespace

TEST_CASE("mean and median of Sentinel-2 B04 with nodata holes match every window computed from scratch",
          "[real-data]") {
  TempDir dir;
  const std::string src = data_dir() + kB04;
  const Grid in = read_grid(src);
  for (const auto& [hr, hc] : {std::pair{1, 1}, std::pair{2, 3}, std::pair{7, 7}}) {
    const std::string window = std::to_string(2 * hr + 1) + "x" + std::to_string(2 * hc + 1);
    INFO("window " << window);
    const std::string common = "-i src=" + src + " --nodata src=" + std::to_string(kHole) + " --window " + window;
    const Grid mean = read_grid(run_op(dir, "mean " + common, "mean" + window + ".tif"));
    const Grid median = read_grid(run_op(dir, "median " + common, "median" + window + ".tif"));
    std::size_t holes = 0, mean_off = 0, median_off = 0;
    for (const auto& [r, c] : samples(in.rows, in.cols, 4000)) {
      if (in.at(r, c) == kHole) {
        ++holes;
        mean_off += !std::isnan(mean.at(r, c));
        median_off += median.at(r, c) != kHole;  // UInt16 output keeps the input's nodata
        continue;
      }
      std::vector<float> values = valid_window(in, r, c, hr, hc);
      double sum = 0;
      for (const float v : values) sum += double(v);
      mean_off += std::abs(double(mean.at(r, c)) - sum / static_cast<double>(values.size())) > 1e-3;
      std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>((values.size() - 1) / 2), values.end());
      median_off += median.at(r, c) != values[(values.size() - 1) / 2];
    }
    CHECK(holes > 0);
    CHECK(mean_off == 0);
    CHECK(median_off == 0);
  }
}

TEST_CASE("hillshade and slope of the Copernicus DEM match gdaldem -compute_edges", "[real-data]") {
  TempDir dir;
  const std::string dem = data_dir() + kDem;
  // The sea is 0: declaring it nodata exercises gdaldem's nodata rules too.
  const std::string with_sea = dir / "dem_sea_nodata.vrt";
  REQUIRE(run_command("gdal_translate -q -of VRT -a_nodata 0 " + dem + " " + with_sea).exit_code == 0);
  for (const std::string& input : {dem, with_sea}) {
    INFO(input);
    const std::string hs = run_op(dir, "hillshade -i dem=" + input + " --scale 111120 --z-factor 2 --azimuth 300 --altitude 40", "hs.tif");
    REQUIRE(run_command("gdaldem hillshade -q -compute_edges -s 111120 -z 2 -az 300 -alt 40 " + input + " " +
                        dir / "hs_ref.tif").exit_code == 0);
    const auto ours = read_band<unsigned char>(hs), theirs = read_band<unsigned char>(dir / "hs_ref.tif");
    REQUIRE(ours.size() == theirs.size());
    int worst = 0;
    for (std::size_t i = 0; i < ours.size(); ++i) worst = std::max(worst, std::abs(ours[i] - theirs[i]));
    CHECK(worst <= 1);

    const std::string sl = run_op(dir, "slope -i dem=" + input + " --scale 111120", "sl.tif");
    REQUIRE(run_command("gdaldem slope -q -compute_edges -s 111120 " + input + " " + dir / "sl_ref.tif").exit_code == 0);
    const auto a = read_band<float>(sl), b = read_band<float>(dir / "sl_ref.tif");
    double worst_degrees = 0;
    std::size_t nodata_mismatch = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      nodata_mismatch += (a[i] == -9999.0f) != (b[i] == -9999.0f);
      if (a[i] != -9999.0f && b[i] != -9999.0f) worst_degrees = std::max(worst_degrees, double(std::abs(a[i] - b[i])));
    }
    CHECK(nodata_mismatch == 0);
    CHECK(worst_degrees <= 0.001);
  }
}

TEST_CASE("coherence of the ALOS half-precision RSLC HH vs VV matches a reference to 1e-4", "[real-data]") {
  TempDir dir;
  const std::string file = data_dir() + kAlos, swath = "/science/LSAR/RSLC/swaths/frequencyA/";
  const std::string out = run_op(dir, "coherence -i ref=" + file + ":" + swath + "HH -i sec=" + file + ":" + swath +
                                          "VV --window 5x3", "coherence.tif");
  CHECK(std::string(Dataset(out)->GetRasterBand(1)->GetDescription()) == "coherence");
  CHECK(std::string(Dataset(out)->GetRasterBand(2)->GetDescription()) == "phase");
  int rows = 0, cols = 0;
  const auto hh = read_half_complex(file, swath + "HH", rows, cols);
  const auto vv = read_half_complex(file, swath + "VV", rows, cols);
  const auto magnitude = read_band<float>(out, 1), phase = read_band<float>(out, 2);
  const auto valid = [](std::complex<double> z) { return !std::isnan(z.real()) && !std::isnan(z.imag()) && z != 0.0; };
  std::size_t checked = 0, off = 0;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * cols + c;
      if (!valid(hh[i]) || !valid(vv[i])) {
        off += !std::isnan(magnitude[i]);
        continue;
      }
      std::complex<double> S = 0;
      double pr = 0, ps = 0;
      for (int y = std::max(0, r - 2); y <= std::min(rows - 1, r + 2); ++y)
        for (int x = std::max(0, c - 1); x <= std::min(cols - 1, c + 1); ++x) {
          const std::size_t j = static_cast<std::size_t>(y) * cols + x;
          if (!valid(hh[j]) || !valid(vv[j])) continue;
          S += hh[j] * std::conj(vv[j]);
          pr += std::norm(hh[j]);
          ps += std::norm(vv[j]);
        }
      ++checked;
      const double expected = std::abs(S) / std::sqrt(pr * ps);
      const double phase_error = std::abs(std::remainder(double(phase[i]) - std::arg(S), 2 * M_PI));
      if (std::abs(double(magnitude[i]) - expected) > 1e-4 || (expected > 0.05 && phase_error > 1e-4)) ++off;
    }
  CHECK(checked > 4000);
  CHECK(off == 0);
}

TEST_CASE("amplitude (linear and dB) and phase of the ALOS half-precision RSLC HH match a bit-level decode",
          "[real-data]") {
  TempDir dir;
  const std::string file = data_dir() + kAlos, hh = "/science/LSAR/RSLC/swaths/frequencyA/HH";
  const std::string source = "-i src=" + file + ":" + hh;
  const auto linear = read_band<float>(run_op(dir, "amplitude " + source, "amplitude.tif"));
  const auto db = read_band<float>(run_op(dir, "amplitude --db " + source, "db.tif"));
  const auto phase = read_band<float>(run_op(dir, "phase " + source, "phase.tif"));
  int rows = 0, cols = 0;
  const auto z = read_half_complex(file, hh, rows, cols);
  REQUIRE(linear.size() == z.size());
  std::size_t off = 0, zeros = 0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    if (std::isnan(z[i].real()) || std::isnan(z[i].imag())) {
      off += !std::isnan(linear[i]) + !std::isnan(db[i]) + !std::isnan(phase[i]);
      continue;
    }
    const double magnitude = std::abs(z[i]);
    off += linear[i] != static_cast<float>(magnitude);
    off += phase[i] != static_cast<float>(std::arg(z[i]));
    if (magnitude == 0) {
      ++zeros;
      off += !std::isnan(db[i]);
    } else {
      off += std::abs(static_cast<double>(db[i]) - 20 * std::log10(magnitude)) > 1e-4;
    }
  }
  CHECK(z.size() > 4000);
  CHECK(off == 0);
  INFO(zeros << " zero samples");
}

TEST_CASE("a Sentinel-1 GRD keeps its GCPs and their CRS, at scaled pixel and line after multilook",
          "[real-data]") {
  TempDir dir;
  const std::string input = data_dir() + kS1Vv;
  const std::string mean = run_op(dir, "mean -i src=" + input, "mean.tif");
  const std::string looks = run_op(dir, "multilook --looks 4x2 -i src=" + input, "looks.tif");
  Dataset in(input), out(mean), ml(looks);
  REQUIRE(in->GetGCPCount() == 210);
  REQUIRE(out->GetGCPCount() == in->GetGCPCount());
  REQUIRE(ml->GetGCPCount() == in->GetGCPCount());
  CHECK(out->GetGCPSpatialRef()->IsSame(in->GetGCPSpatialRef()));
  CHECK(ml->GetGCPSpatialRef()->IsSame(in->GetGCPSpatialRef()));
  double unused[6];
  CHECK(out->GetGeoTransform(unused) != CE_None);  // raster geometry, as the input
  for (int i = 0; i < in->GetGCPCount(); ++i) {
    const GDAL_GCP &a = in->GetGCPs()[i], &b = out->GetGCPs()[i], &c = ml->GetGCPs()[i];
    INFO("GCP " << i);
    CHECK(std::string(b.pszId) == a.pszId);
    CHECK((b.dfGCPPixel == a.dfGCPPixel && b.dfGCPLine == a.dfGCPLine));
    CHECK((b.dfGCPX == a.dfGCPX && b.dfGCPY == a.dfGCPY && b.dfGCPZ == a.dfGCPZ));
    CHECK(c.dfGCPPixel == Approx(a.dfGCPPixel / 2).epsilon(1e-12));
    CHECK(c.dfGCPLine == Approx(a.dfGCPLine / 4).epsilon(1e-12));
    CHECK((c.dfGCPX == a.dfGCPX && c.dfGCPY == a.dfGCPY));
  }
}

TEST_CASE("multilook 4x2 of UAVSAR winnipeg HH matches a plain mean to 1e-4 relative, on a scaled grid",
          "[real-data]") {
  TempDir dir;
  const std::string dataset = data_dir() + kWinnipeg + ":/science/LSAR/SLC/swaths/frequencyA/HH";
  const std::string out = run_op(dir, "multilook -i src=" + dataset + " --looks 4x2", "ml.tif");
  const std::string power = run_op(dir, "multilook -i src=" + dataset + " --looks 4x2 --power", "power.tif");
  const hid_t f = H5Fopen((data_dir() + kWinnipeg).c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, "/science/LSAR/SLC/swaths/frequencyA/HH", H5P_DEFAULT);
  const hid_t complex = H5Tcreate(H5T_COMPOUND, 8);
  H5Tinsert(complex, "r", 0, H5T_NATIVE_FLOAT);
  H5Tinsert(complex, "i", 4, H5T_NATIVE_FLOAT);
  std::vector<std::complex<float>> z(250 * 250);
  REQUIRE(H5Dread(d, complex, H5S_ALL, H5S_ALL, H5P_DEFAULT, z.data()) >= 0);
  H5Tclose(complex);
  H5Dclose(d);
  H5Fclose(f);

  Dataset ds(out);
  REQUIRE(ds->GetRasterYSize() == 250 / 4);
  REQUIRE(ds->GetRasterXSize() == 250 / 2);
  const int out_cols = 125;
  std::vector<std::complex<float>> looks(static_cast<std::size_t>(62 * out_cols));
  REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, out_cols, 62, looks.data(), out_cols, 62, GDT_CFloat32, 0, 0) == CE_None);
  const auto powers = read_band<float>(power);
  std::size_t off = 0;
  for (int r = 0; r < 62; ++r)
    for (int c = 0; c < out_cols; ++c) {
      std::complex<double> sum = 0;
      double energy = 0;
      int n = 0;
      for (int y = 4 * r; y < 4 * r + 4; ++y)
        for (int x = 2 * c; x < 2 * c + 2; ++x) {
          const std::complex<double> v = z[static_cast<std::size_t>(y) * 250 + x];
          if (std::isnan(v.real()) || std::isnan(v.imag())) continue;
          sum += v;
          energy += std::norm(v);
          ++n;
        }
      const std::size_t i = static_cast<std::size_t>(r) * out_cols + c;
      const std::complex<double> mean = sum / double(n);
      off += std::abs(std::complex<double>(looks[i]) - mean) > 1e-4 * std::max(std::abs(mean), 1e-12);
      off += std::abs(double(powers[i]) - energy / n) > 1e-4 * energy / n;
    }
  CHECK(off == 0);
}
