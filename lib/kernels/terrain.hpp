#pragma once
// hillshade and slope exactly as gdaldem (GDAL 3.6) computes them with the
// Horn algorithm and -compute_edges.
#include <memory>

#include "geometry/georeference.hpp"
#include "kernels/kernel.hpp"
#include "kernels/kernel_args.hpp"

namespace geostrip {

struct TerrainParams {
  double z_factor = 1;
  double scale = 1;  // ratio of vertical to horizontal units; 111120 for a DEM in degrees and metres
  double azimuth = 315;
  double altitude = 45;
};

class TerrainKernel final : public Kernel {
 public:
  enum class Product { Hillshade, Slope };
  TerrainKernel(Product product, TerrainParams params, GeoTransform transform);
  static std::unique_ptr<Kernel> make_hillshade(const KernelArgs& args);
  static std::unique_ptr<Kernel> make_slope(const KernelArgs& args);
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& geometry, BlockBuffer& out) const override;

 private:
  static std::unique_ptr<Kernel> make(Product product, const KernelArgs& args);
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

}  // namespace geostrip
