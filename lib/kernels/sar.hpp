#pragma once
// SAR operations on complex images.
#include <memory>

#include "kernels/kernel.hpp"
#include "kernels/kernel_args.hpp"

namespace geostrip {

// Interferometric coherence of two co-registered SLCs over a window:
// band 1 abs(S)/sqrt(sum|r|^2 sum|s|^2), band 2 arg(S), S = sum r*conj(s) over
// the valid pixels (neither r nor s is 0 or NaN); NaN where the centre is invalid.
class CoherenceKernel final : public Kernel {
 public:
  explicit CoherenceKernel(Window window);
  static std::unique_ptr<Kernel> make(const KernelArgs& args);
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& geometry, BlockBuffer& out) const override;

 private:
  KernelSpec spec_;
};

// Mean of the valid pixels of each AZxRG cell (looks); --power averages |z|^2.
// Complex input gives complex output unless --power; real input gives Float32.
class MultilookKernel final : public Kernel {
 public:
  MultilookKernel(Stride looks, PixelType input, bool power);
  static std::unique_ptr<Kernel> make(const KernelArgs& args);
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& geometry, BlockBuffer& out) const override;

 private:
  bool power_;
  KernelSpec spec_;
};

}  // namespace geostrip
