#pragma once
#include <memory>

#include "kernels/kernel.hpp"
#include "kernels/kernel_args.hpp"

namespace geostrip {

// Normalized difference (a-b)/(a+b) of inputs mapped v*scale+offset.
struct NdiParams {
  double scale_a = 1, offset_a = 0, scale_b = 1, offset_b = 0;
};

class NdiKernel final : public Kernel {
 public:
  // Inputs are read as `input_type`, Float32 or Float64.
  NdiKernel(NdiParams params, PixelType input_type);
  static std::unique_ptr<Kernel> make(const KernelArgs& args);
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& geometry, BlockBuffer& out) const override;

 private:
  template <class T>
  void compute_as(std::span<const KernelInput> in, BlockBuffer& out) const;

  NdiParams params_;
  KernelSpec spec_;
};

}  // namespace geostrip
