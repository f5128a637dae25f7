// multilook: the mean of the valid pixels of each AZxRG cell (looks); --power
// averages |z|^2. Complex input gives complex output unless --power; real
// input gives Float32.
#include <limits>

#include "kernels/cell_sums.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

class MultilookKernel final : public Kernel {
 public:
  explicit MultilookKernel(const KernelArgs& args) : power_(args.flag("power")) {
    spec_.inputs = args.inputs();
    const PixelType source = args.type_of(spec_.inputs.front());
    // Real pixels that Float32 holds exactly are read as they are (a quarter
    // or half of the bytes of doubles to convert and go through); the sums
    // are in doubles either way.
    spec_.input_type = !is_complex(source) && exact_real_type({source}) == PixelType::Float32
                           ? source
                           : real_or_complex_input(source);
    spec_.output_type = is_complex(spec_.input_type) && !power_ ? PixelType::CFloat32 : PixelType::Float32;
    spec_.stride = args.stride();
    spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
    spec_.band_names = {power_ ? "power" : "multilook"};
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const override {
    const KernelInput& src = in[0];
    const Stride looks = spec_.stride;
    const Region cells = out.region();
    if (is_complex(spec_.input_type)) {
      const auto z = src.pixels.band<std::complex<float>>(0);
      const auto sample = [&](std::int64_t y, std::int64_t x) {
        const std::complex<float> v = z.at(y, x);
        return std::pair{power_ ? std::complex<double>(std::norm(std::complex<double>(v))) : std::complex<double>(v),
                         !src.is_nodata(v)};
      };
      if (power_) {
        const auto o = out.band<float>(0);
        cell_sums(cells, looks, sample, [&](std::int64_t r, std::int64_t c, std::complex<double> sum, int n) {
          o.at(r, c) = n ? static_cast<float>(sum.real() / n) : kNaN;
        });
      } else {
        const auto o = out.band<std::complex<float>>(0);
        cell_sums(cells, looks, sample, [&](std::int64_t r, std::int64_t c, std::complex<double> sum, int n) {
          o.at(r, c) = n ? std::complex<float>(sum / static_cast<double>(n)) : std::complex<float>(kNaN, kNaN);
        });
      }
    } else {
      visit_real(spec_.input_type, [&](auto zero) {
        const auto v = src.pixels.band<decltype(zero)>(0);
        const auto sample = [&](std::int64_t y, std::int64_t x) {
          const auto value = static_cast<double>(v.at(y, x));
          return std::pair{power_ ? value * value : value, !src.is_nodata(value)};
        };
        const auto o = out.band<float>(0);
        cell_sums(cells, looks, sample, [&](std::int64_t r, std::int64_t c, double sum, int n) {
          o.at(r, c) = n ? static_cast<float>(sum / n) : kNaN;
        });
      });
    }
  }

 private:
  bool power_;
  KernelSpec spec_;
};

const OperationRegistration multilook{{
    .name = "multilook",
    .summary = "mean of the valid pixels of each AZxRG cell; output grid floor(rows/AZ) x floor(cols/RG)",
    .inputs = {"src"},
    .pixels = Pixels::RealOrComplex,
    .output = "Float32; complex64 for complex input without --power",
    .options = {{.name = "looks", .kind = OptionKind::Cells,
                 .help = "AZxRG: azimuth rows x range columns averaged into one output pixel, e.g. 4x2",
                 .required = true},
                {.name = "power", .kind = OptionKind::Flag, .help = "average |z|^2 (Float32) instead of z"}},
    .stride_option = "looks",
    .make = &construct<MultilookKernel>,
    .example = {{"looks", "4x2"}},
}};

}  // namespace

}  // namespace geostrip
