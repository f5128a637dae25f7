// phase: arg(z) of a complex (or real) image as Float32 radians in [-pi, pi].
#include <complex>
#include <limits>

#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

namespace {

class PhaseKernel final : public Kernel {
 public:
  explicit PhaseKernel(const KernelArgs& args) {
    spec_.inputs = args.inputs();
    spec_.input_type = real_or_complex_input(args.type_of(spec_.inputs.front()));
    spec_.output_type = PixelType::Float32;
    spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const override {
    const KernelInput& src = in[0];
    float* o = out.band<float>(0).data;
    const auto n = static_cast<std::size_t>(out.rows().rows() * out.cols());
    constexpr float nodata = std::numeric_limits<float>::quiet_NaN();
    if (is_complex(spec_.input_type)) {
      const std::complex<float>* z = src.pixels.band<std::complex<float>>(0).data;
      for (std::size_t i = 0; i < n; ++i)
        o[i] = src.is_nodata(z[i]) ? nodata : static_cast<float>(std::arg(std::complex<double>(z[i])));
    } else {
      const double* v = src.pixels.band<double>(0).data;
      for (std::size_t i = 0; i < n; ++i) o[i] = src.is_nodata(v[i]) ? nodata : static_cast<float>(std::arg(v[i]));
    }
  }

 private:
  KernelSpec spec_;
};

const OperationRegistration phase{{
    .name = "phase",
    .summary = "Float32 arg(z), radians in [-pi, pi]; nodata where the input is",
    .inputs = {"src"},
    .pixels = Pixels::RealOrComplex,
    .output = "Float32",
    .make = &construct<PhaseKernel>,
}};

}  // namespace

}  // namespace geostrip
