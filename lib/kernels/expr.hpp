#pragma once
#include <memory>
#include <string>

#include "kernels/kernel.hpp"
#include "kernels/kernel_args.hpp"

namespace geostrip {

// A muparser expression over the input names, e.g. "(nir-red)/(nir+red)",
// rounded and clamped to --type; nodata where any input is nodata.
class ExprKernel final : public Kernel {
 public:
  ExprKernel(std::string expression, std::vector<std::string> inputs, PixelType type);
  static std::unique_ptr<Kernel> make(const KernelArgs& args);
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& geometry, BlockBuffer& out) const override;

 private:
  std::string expression_;
  KernelSpec spec_;
};

// The nodata value of an output of `type`: NaN for floats, else gdal_calc.py's default.
double default_nodata(PixelType type);

}  // namespace geostrip
