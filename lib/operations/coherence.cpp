// coherence: the interferometric coherence of two co-registered SLCs over a
// window: band 1 abs(S)/sqrt(sum|r|^2 sum|s|^2), band 2 arg(S), S = sum
// r*conj(s) over the valid pixels (neither r nor s is 0 or NaN); NaN where the
// centre is invalid.
#include <limits>
#include <vector>

#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"
#include "kernels/window_sums.hpp"

namespace geostrip {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

bool valid_sample(const KernelInput& input, std::complex<float> z) {
  return !input.is_nodata(z) && z != std::complex<float>(0);
}

class CoherenceKernel final : public Kernel {
 public:
  explicit CoherenceKernel(const KernelArgs& args) {
    spec_.inputs = args.inputs();
    spec_.input_type = PixelType::CFloat32;
    spec_.output_type = PixelType::Float32;
    spec_.output_bands = 2;
    spec_.window = args.window();
    spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const override {
    const auto r = in[0].pixels.band<std::complex<float>>(0);
    const auto s = in[1].pixels.band<std::complex<float>>(0);
    const auto n = static_cast<std::size_t>(r.rows * r.cols);
    std::vector<std::complex<double>> cross(n);
    std::vector<double> power_r(n), power_s(n);
    std::vector<bool> valid(n);
    for (std::size_t i = 0; i < n; ++i) {
      valid[i] = valid_sample(in[0], r.data[i]) && valid_sample(in[1], s.data[i]);
      const std::complex<double> a = valid[i] ? std::complex<double>(r.data[i]) : 0.0;
      const std::complex<double> b = valid[i] ? std::complex<double>(s.data[i]) : 0.0;
      cross[i] = a * std::conj(b);
      power_r[i] = std::norm(a);
      power_s[i] = std::norm(b);
    }
    const auto rows = out.rows().rows(), cols = out.cols();
    const auto m = static_cast<std::size_t>(rows * cols);
    std::vector<std::complex<double>> S(m);
    std::vector<double> Pr(m), Ps(m);
    const Halo halo = spec_.window.halo();
    window_sums<std::complex<double>>({cross.data(), r.rows, r.cols}, g.input_rows, g.raster, halo, out.rows(),
                                      {S.data(), rows, cols});
    window_sums<double>({power_r.data(), r.rows, r.cols}, g.input_rows, g.raster, halo, out.rows(), {Pr.data(), rows, cols});
    window_sums<double>({power_s.data(), r.rows, r.cols}, g.input_rows, g.raster, halo, out.rows(), {Ps.data(), rows, cols});
    float* magnitude = out.band<float>(0).data;
    float* phase = out.band<float>(1).data;
    const auto offset = static_cast<std::size_t>(trim_offset(g.input_rows, out.rows()) * cols);
    for (std::size_t i = 0; i < m; ++i) {
      const double denominator = std::sqrt(Pr[i] * Ps[i]);
      if (!valid[offset + i] || !(denominator > 0)) {
        magnitude[i] = phase[i] = kNaN;
        continue;
      }
      magnitude[i] = static_cast<float>(std::abs(S[i]) / denominator);
      phase[i] = static_cast<float>(std::arg(S[i]));
    }
  }

 private:
  KernelSpec spec_;
};

const OperationRegistration coherence{{
    .name = "coherence",
    .summary = "2 x Float32: coherence abs(S)/sqrt(sum|r|^2 sum|s|^2) and phase arg(S), S = sum r*conj(s) over the window",
    .inputs = {"ref", "sec"},
    .pixels = Pixels::Complex,
    .output = "2 x Float32",
    .options = {{.name = "window", .kind = OptionKind::OddWindow, .default_value = "5x5",
                 .help = "window ROWSxCOLS, both odd"}},
    .window_option = "window",
    .make = &construct<CoherenceKernel>,
    .example = {{"window", "7x5"}},
}};

}  // namespace

}  // namespace geostrip
