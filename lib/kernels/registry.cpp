#include "kernels/registry.hpp"

#include "core/error.hpp"
#include "kernels/expr.hpp"
#include "kernels/mean.hpp"
#include "kernels/median.hpp"
#include "kernels/ndi.hpp"
#include "kernels/rgb.hpp"
#include "kernels/sar.hpp"
#include "kernels/terrain.hpp"

namespace geostrip {

std::span<const Operation> operations() {
  static const std::vector<Operation> all{
      {"ndi", "a, b", "Float32", "0",
       "normalized difference (a-b)/(a+b) as Float32; nodata where an input is nodata or a+b == 0",
       {{"scale", "map input NAME to v*S+offset before the difference", true},
        {"offset", "map input NAME to v*scale+O before the difference", true}},
       &NdiKernel::make},
      {"rgb", "red, green, blue", "4 x Byte (RGBA)", "0",
       "8-bit RGB + alpha: round(255*(min(max(v,0),C)/C)^(1/gamma)); alpha 0 where any input is nodata",
       {{"clamp", "reflectance C that maps to 255 (default 10000)", false},
        {"gamma", "display gamma G (default 2.2)", false}},
       &RgbKernel::make},
      {"mean", "src", "Float32", "R/2 x C/2 of --window RxC (1 x 1 at the default 3x3)",
       "Float32 mean of the valid pixels in the window; nodata where the centre is nodata",
       {{"window", "window ROWSxCOLS, both odd (default 3x3)", false}},
       &MeanKernel::make},
      {"median", "src", "the input's type", "R/2 x C/2 of --window RxC (1 x 1 at the default 3x3)",
       "lower median of the valid pixels in the window, in the input's type; nodata where the centre is nodata",
       {{"window", "window ROWSxCOLS, both odd (default 3x3)", false}},
       &MedianKernel::make},
      {"expr", "any names", "--type (default Float32)", "0",
       "muparser expression over the input names, rounded and clamped to --type; nodata where any input is",
       {{"expr", "the expression, e.g. \"(nir-red)/(nir+red)\"", false},
        {"type", "output type: Byte, Int8, UInt16, Int16, UInt32, Int32, Float32 (default), Float64", false}},
       &ExprKernel::make},
      {"hillshade", "dem", "Byte", "1 x 1",
       "Byte shaded relief as gdaldem hillshade -compute_edges (Horn); nodata 0",
       {{"z-factor", "vertical exaggeration (default 1)", false},
        {"scale", "ratio of vertical to horizontal units (111120 for degrees and metres; default 1)", false},
        {"azimuth", "light direction, degrees clockwise from north (default 315)", false},
        {"altitude", "light altitude, degrees above the horizon (default 45)", false}},
       &TerrainKernel::make_hillshade},
      {"slope", "dem", "Float32", "1 x 1",
       "Float32 slope in degrees as gdaldem slope -compute_edges (Horn); nodata -9999",
       {{"scale", "ratio of vertical to horizontal units (111120 for degrees and metres; default 1)", false}},
       &TerrainKernel::make_slope},
      {"coherence", "ref, sec (complex)", "2 x Float32", "R/2 x C/2 of --window RxC (2 x 2 at the default 5x5)",
       "2 x Float32: coherence abs(S)/sqrt(sum|r|^2 sum|s|^2) and phase arg(S), S = sum r*conj(s) over the window",
       {{"window", "window ROWSxCOLS, both odd (default 5x5)", false}},
       &CoherenceKernel::make},
      {"multilook", "src (real or complex)", "Float32; complex64 for complex input without --power",
       "0 (blocks aligned to AZ)",
       "mean of the valid pixels of each AZxRG cell; output grid floor(rows/AZ) x floor(cols/RG)",
       {{"looks", "looks AZxRG: azimuth rows x range columns per output pixel", false},
        {"power", "average |z|^2 (Float32) instead of z", false, true}},
       &MultilookKernel::make},
  };
  return all;
}

const Operation& find_operation(std::string_view name) {
  std::string names;
  for (const Operation& op : operations()) {
    if (op.name == name) return op;
    names += (names.empty() ? "" : ", ") + op.name;
  }
  throw UsageError("unknown operation '" + std::string(name) + "' (operations: " + names + ")");
}

}  // namespace geostrip
