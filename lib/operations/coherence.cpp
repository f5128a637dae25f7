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

class CoherenceKernel final : public Kernel {
 public:
  explicit CoherenceKernel(const KernelArgs& args) {
    spec_.inputs = args.inputs();
    spec_.input_type = PixelType::CFloat32;
    spec_.output_type = PixelType::Float32;
    spec_.output_bands = 2;
    spec_.band_names = {"coherence", "phase"};
    spec_.window = args.window();
    spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const override {
    const auto r = in[0].pixels.band<std::complex<float>>(0);
    const auto s = in[1].pixels.band<std::complex<float>>(0);
    const auto magnitude = out.band<float>(0), phase = out.band<float>(1);
    // A strip of rows at a time: its planes of sums take 100 bytes a pixel.
    Planes planes;
    for_row_strips(magnitude.held_rows(), r.held_rows(), spec_.window.halo(), [&](RowBlock rows, RowBlock reach) {
      compute_strip(in, g.raster, r.rows_of(reach), s.rows_of(reach), magnitude.rows_of(rows), phase.rows_of(rows),
                    planes);
    });
  }

 private:
  // A strip's planes, kept from strip to strip.
  struct Planes {
    std::vector<std::complex<double>> cross, S;
    std::vector<double> power_r, power_s, Pr, Ps;
    std::vector<unsigned char> valid;
  };

  void compute_strip(std::span<const KernelInput> in, RasterSize raster, Plane<const std::complex<float>> r,
                     Plane<const std::complex<float>> s, Plane<float> magnitude, Plane<float> phase,
                     Planes& p) const {
    const auto n = static_cast<std::size_t>(r.rows * r.cols);
    p.cross.resize(n);
    p.power_r.resize(n);
    p.power_s.resize(n);
    p.valid.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      p.valid[i] = in[0].has_signal(r.data[i]) && in[1].has_signal(s.data[i]);
      const std::complex<double> a = p.valid[i] ? std::complex<double>(r.data[i]) : 0.0;
      const std::complex<double> b = p.valid[i] ? std::complex<double>(s.data[i]) : 0.0;
      p.cross[i] = a * std::conj(b);
      p.power_r[i] = std::norm(a);
      p.power_s[i] = std::norm(b);
    }
    const auto m = static_cast<std::size_t>(magnitude.rows * magnitude.cols);
    p.S.resize(m);
    p.Pr.resize(m);
    p.Ps.resize(m);
    const Plane<std::complex<double>> S = magnitude.over(p.S.data());
    const Plane<double> Pr = magnitude.over(p.Pr.data()), Ps = magnitude.over(p.Ps.data());
    const Plane<const unsigned char> centre_valid = r.over<const unsigned char>(p.valid.data());
    const Halo halo = spec_.window.halo();
    window_sums<std::complex<double>>(r.over<const std::complex<double>>(p.cross.data()), raster, halo, S);
    window_sums<double>(r.over<const double>(p.power_r.data()), raster, halo, Pr);
    window_sums<double>(r.over<const double>(p.power_s.data()), raster, halo, Ps);
    for (std::int64_t y = magnitude.row0; y < magnitude.row0 + magnitude.rows; ++y)
      for (std::int64_t x = magnitude.col0; x < magnitude.col0 + magnitude.cols; ++x) {
        const double denominator = std::sqrt(Pr.at(y, x) * Ps.at(y, x));
        if (!centre_valid.at(y, x) || !(denominator > 0)) {
          magnitude.at(y, x) = phase.at(y, x) = kNaN;
          continue;
        }
        magnitude.at(y, x) = static_cast<float>(std::abs(S.at(y, x)) / denominator);
        phase.at(y, x) = static_cast<float>(std::arg(S.at(y, x)));
      }
  }

  KernelSpec spec_;
};

const OperationRegistration coherence{{
    .name = "coherence",
    .summary = "2 x Float32: coherence abs(S)/sqrt(sum|r|^2 sum|s|^2) and phase arg(S), S = sum r*conj(s) over the window",
    .inputs = {"ref", "sec"},
    .pixels = Pixels::Complex,
    .output = "2 x Float32",
    .options = {odd_window_option("5x5")},
    .window_option = "window",
    .make = &construct<CoherenceKernel>,
    .example = {{"window", "7x5"}},
}};

}  // namespace

}  // namespace geostrip
