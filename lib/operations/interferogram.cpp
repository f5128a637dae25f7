// interferogram: r*conj(s) of two co-registered SLCs as complex64; with
// --looks AZxRG the mean over each cell of its valid pixels (as multilook);
// --phase gives Float32 arg instead. A pixel is invalid where r or s is 0 or
// NaN; NaN where a cell has no valid pixel.
#include <limits>

#include "kernels/cell_sums.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

class InterferogramKernel final : public Kernel {
 public:
  explicit InterferogramKernel(const KernelArgs& args) : phase_(args.flag("phase")) {
    spec_.inputs = args.inputs();
    spec_.input_type = PixelType::CFloat32;
    spec_.output_type = phase_ ? PixelType::Float32 : PixelType::CFloat32;
    spec_.stride = args.stride();
    spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
    spec_.band_names = {phase_ ? "phase" : "interferogram"};
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const override {
    const auto r = in[0].pixels.band<std::complex<float>>(0), s = in[1].pixels.band<std::complex<float>>(0);
    const auto sample = [&](std::int64_t y, std::int64_t x) {
      const std::complex<float> a = r.at(y, x), b = s.at(y, x);
      const bool valid = in[0].has_signal(a) && in[1].has_signal(b);
      return std::pair{valid ? std::complex<double>(a) * std::conj(std::complex<double>(b)) : std::complex<double>(),
                       valid};
    };
    if (phase_) {
      const auto o = out.band<float>(0);
      cell_sums(out.region(), spec_.stride, sample, [&](std::int64_t y, std::int64_t x, std::complex<double> sum, int n) {
        o.at(y, x) = n ? static_cast<float>(std::arg(sum)) : kNaN;
      });
    } else {
      const auto o = out.band<std::complex<float>>(0);
      cell_sums(out.region(), spec_.stride, sample, [&](std::int64_t y, std::int64_t x, std::complex<double> sum, int n) {
        o.at(y, x) = n ? std::complex<float>(sum / static_cast<double>(n)) : std::complex<float>(kNaN, kNaN);
      });
    }
  }

 private:
  bool phase_;
  KernelSpec spec_;
};

const OperationRegistration interferogram{{
    .name = "interferogram",
    .summary = "complex64 r*conj(s), averaged over --looks cells of valid pixels; --phase: Float32 arg; invalid "
               "where r or s is 0 or NaN",
    .inputs = {"ref", "sec"},
    .pixels = Pixels::Complex,
    .output = "complex64; Float32 with --phase",
    .options = {{.name = "looks", .kind = OptionKind::Cells, .default_value = "1x1",
                 .help = "AZxRG: azimuth rows x range columns averaged into one output pixel"},
                {.name = "phase", .kind = OptionKind::Flag, .help = "the phase arg(r*conj(s)) (Float32) instead"}},
    .stride_option = "looks",
    .make = &construct<InterferogramKernel>,
    .example = {{"looks", "2x2"}},
}};

}  // namespace

}  // namespace geostrip
