#pragma once
#include <memory>

#include "kernels/kernel.hpp"
#include "kernels/kernel_args.hpp"

namespace geostrip {

// Float32 mean of the valid pixels in a window; nodata (NaN) where the centre is nodata.
class MeanKernel final : public Kernel {
 public:
  explicit MeanKernel(Window window);
  static std::unique_ptr<Kernel> make(const KernelArgs& args);
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& geometry, BlockBuffer& out) const override;

 private:
  KernelSpec spec_;
};

}  // namespace geostrip
