#pragma once
// Every registered operation, run as its declaration's example on synthetic
// inputs of the kinds it takes: the list the every-operation tests iterate.
#include <catch2/catch.hpp>
#include <gdal_priv.h>

#include <cmath>
#include <complex>
#include <filesystem>
#include <string>
#include <vector>

#include "kernels/registry.hpp"
#include "support/test_support.hpp"

namespace geostrip::test {

constexpr int kRows = 45, kCols = 2100;  // wider than a column chunk, so pointwise operations are chunked
constexpr float kNodata = -9999;
// A nodata patch, away from the edges.
constexpr int kPatchRow = 20, kPatchCol = 1000, kPatch = 9;

inline bool in_patch(int r, int c) {
  return r >= kPatchRow && r < kPatchRow + kPatch && c >= kPatchCol && c < kPatchCol + kPatch;
}

// A tiled GeoTIFF of kRows x kCols with the nodata patch: real Float32 with
// nodata -9999, or complex with NaN. `seed` makes each input differ.
inline std::string write_input(const std::string& path, bool complex, int seed) {
  GDALAllRegister();
  char** options = nullptr;
  options = CSLSetNameValue(options, "TILED", "YES");
  options = CSLSetNameValue(options, "BLOCKXSIZE", "256");
  options = CSLSetNameValue(options, "BLOCKYSIZE", "16");
  const std::unique_ptr<GDALDataset> ds(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
      path.c_str(), kCols, kRows, 1, complex ? GDT_CFloat32 : GDT_Float32, options));
  CSLDestroy(options);
  REQUIRE(ds);
  double transform[6] = {500000, 10, 0, 4000000, 0, -10};
  ds->SetGeoTransform(transform);
  OGRSpatialReference utm;
  utm.importFromEPSG(32633);
  ds->SetSpatialRef(&utm);
  GDALRasterBand* band = ds->GetRasterBand(1);
  std::vector<std::complex<float>> z;
  std::vector<float> v;
  for (int r = 0; r < kRows; ++r)
    for (int c = 0; c < kCols; ++c) {
      const double smooth = 1000 + 300 * std::sin(r / 7.0 + seed) * std::cos(c / 11.0);
      const double speckle = (r * 131 + c * 71 + seed * 37) % 97;
      if (complex) {
        const float nan = std::nanf("");
        z.push_back(in_patch(r, c) ? std::complex<float>(nan, nan)
                                   : std::polar(static_cast<float>(smooth / 100 + speckle / 50),
                                                static_cast<float>(0.01 * c + 0.3 * r + seed)));
      } else {
        v.push_back(in_patch(r, c) ? kNodata : static_cast<float>(smooth + speckle));
      }
    }
  if (!complex) band->SetNoDataValue(kNodata);
  REQUIRE(band->RasterIO(GF_Write, 0, 0, kCols, kRows, complex ? static_cast<void*>(z.data()) : v.data(), kCols,
                         kRows, complex ? GDT_CFloat32 : GDT_Float32, 0, 0) == CE_None);
  return path;
}

// One way to run an operation: its example, on inputs of one kind.
struct Case {
  const Operation* operation;
  bool complex;
  std::string arguments;  // after `geostrip run`, without -o
  KernelArgs args;        // the same options, for the window and stride
};

inline std::vector<Case> operation_cases(const TempDir& dir) {
  std::vector<Case> all;
  for (const Operation* op : operations()) {
    INFO(op->name);
    std::vector<bool> kinds;
    if (op->pixels != Pixels::Complex) kinds.push_back(false);
    if (op->pixels != Pixels::Real) kinds.push_back(true);
    for (const bool complex : kinds) {
      Case c{.operation = op, .complex = complex, .arguments = op->name, .args = {.operation = op->name}};
      int seed = 0;
      for (const std::string& name : op->example_input_names()) {
        const std::string file = dir / (name + (complex ? ".complex.tif" : ".real.tif"));
        if (!std::filesystem::exists(file)) write_input(file, complex, seed);
        ++seed;
        c.arguments += " -i " + name + "=" + file;
        c.args.input_names.push_back(name);
      }
      for (const auto& [option, value] : op->example) {
        c.arguments += " --" + option + (value.empty() ? "" : " '" + value + "'");
        c.args.values[option] = {value};
      }
      for (const OptionDecl& decl : op->options)
        if (decl.required) CHECK(c.args.values.count(decl.name) == 1);  // the example must give it
      all.push_back(std::move(c));
    }
  }
  return all;
}

}  // namespace geostrip::test
