#include "grid/grid_request.hpp"

#include "core/error.hpp"

namespace geostrip {

namespace {
constexpr ResamplingMethod kMethods[] = {
    {"near", GRA_NearestNeighbour, 1}, {"bilinear", GRA_Bilinear, 1}, {"cubic", GRA_Cubic, 2},
    {"cubicspline", GRA_CubicSpline, 2}, {"lanczos", GRA_Lanczos, 3}, {"average", GRA_Average, 1},
    {"rms", GRA_RMS, 1},     {"mode", GRA_Mode, 1}, {"max", GRA_Max, 1}, {"min", GRA_Min, 1},
    {"med", GRA_Med, 1},     {"q1", GRA_Q1, 1},     {"q3", GRA_Q3, 1},   {"sum", GRA_Sum, 1}};
}  // namespace

const ResamplingMethod& resampling_method(const std::string& name) {
  for (const ResamplingMethod& m : kMethods)
    if (name == m.name) return m;
  std::string names;
  for (const ResamplingMethod& m : kMethods) names += (names.empty() ? "" : ", ") + std::string(m.name);
  throw UsageError("--resampling " + name + ": not a method (" + names + ")");
}

MosaicRule parse_mosaic_rule(const std::string& text) {
  for (const MosaicRule rule : {MosaicRule::Last, MosaicRule::First, MosaicRule::Min, MosaicRule::Max,
                                MosaicRule::Mean})
    if (text == mosaic_rule_name(rule)) return rule;
  throw UsageError("--mosaic " + text + ": expected last, first, min, max or mean");
}

const char* mosaic_rule_name(MosaicRule rule) {
  switch (rule) {
    case MosaicRule::Last: return "last";
    case MosaicRule::First: return "first";
    case MosaicRule::Min: return "min";
    case MosaicRule::Max: return "max";
    case MosaicRule::Mean: return "mean";
  }
  return "last";
}

}  // namespace geostrip
