#include "geometry/georeference.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/core.h>

namespace geostrip {

Georeference scale(const Georeference& georef, Stride stride) {
  Georeference out = georef;
  if (out.transform) {
    auto& t = *out.transform;
    t[1] *= stride.cols;
    t[4] *= stride.cols;
    t[2] *= stride.rows;
    t[5] *= stride.rows;
  }
  for (Gcp& gcp : out.gcps) {
    gcp.pixel /= stride.cols;
    gcp.line /= stride.rows;
  }
  // Centre-based c is corner-based c + 0.5, which scales by 1/s:
  // c' = (c + 0.5) / s - 0.5, so OFF' = OFF / s + 0.5 / s - 0.5 and SCALE' = SCALE / s.
  const auto rescale = [&](const char* offset, const char* scale, int s) {
    const auto o = out.rpc.find(offset), k = out.rpc.find(scale);
    if (s == 1 || o == out.rpc.end() || k == out.rpc.end()) return;
    o->second = fmt::format("{:.17g}", std::stod(o->second) / s + 0.5 / s - 0.5);
    k->second = fmt::format("{:.17g}", std::stod(k->second) / s);
  };
  rescale("LINE_OFF", "LINE_SCALE", stride.rows);
  rescale("SAMP_OFF", "SAMP_SCALE", stride.cols);
  return out;
}

bool same_transform(const GeoTransform& a, const GeoTransform& b) {
  const double pixel = std::max({std::abs(a[1]), std::abs(a[2]), std::abs(a[4]), std::abs(a[5])});
  const double tolerance = 1e-6 * (pixel > 0 ? pixel : 1.0);
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > tolerance) return false;
  return true;
}

bool same_gcps(const std::vector<Gcp>& a, const std::vector<Gcp>& b) {
  const auto near = [](double u, double v, double tolerance) { return std::abs(u - v) <= tolerance; };
  const auto ground = [&](double u, double v) { return near(u, v, 1e-9 * std::max(1.0, std::abs(u))); };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](const Gcp& p, const Gcp& q) {
           return near(p.pixel, q.pixel, 1e-6) && near(p.line, q.line, 1e-6) && ground(p.x, q.x) && ground(p.y, q.y) &&
                  ground(p.z, q.z);
         });
}

}  // namespace geostrip
