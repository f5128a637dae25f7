#pragma once
#include <memory>

#include "kernels/kernel.hpp"
#include "kernels/kernel_args.hpp"

namespace geostrip {

// Lower median of the valid pixels in a window, in the input's type; nodata
// where the centre is nodata.
class MedianKernel final : public Kernel {
 public:
  MedianKernel(Window window, PixelType type, std::optional<double> nodata);
  static std::unique_ptr<Kernel> make(const KernelArgs& args);
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& geometry, BlockBuffer& out) const override;

 private:
  KernelSpec spec_;
};

}  // namespace geostrip
