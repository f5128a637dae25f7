#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/kernel.hpp"
#include "kernels/kernel_args.hpp"

namespace geostrip {

// 8-bit RGB + alpha: round(255 * (min(max(v,0),C)/C)^(1/gamma)).
struct RgbParams {
  double clamp = 10000;
  double gamma = 2.2;
};

class RgbKernel final : public Kernel {
 public:
  explicit RgbKernel(RgbParams params);
  static std::unique_ptr<Kernel> make(const KernelArgs& args);
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& geometry, BlockBuffer& out) const override;

 private:
  std::uint8_t display_value(double v) const;

  RgbParams params_;
  KernelSpec spec_;
  // display_value() of every whole value 0..clamp: reflectances are stored as
  // integers, so most pixels take a lookup instead of a pow, with the same result.
  std::vector<std::uint8_t> table_;
};

}  // namespace geostrip
