// amplitude: abs(z) of a complex (or real) image as Float32; --db gives
// 20*log10(abs(z)), nodata where z == 0.
#include <cmath>
#include <complex>
#include <limits>

#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

namespace {

class AmplitudeKernel final : public Kernel {
 public:
  explicit AmplitudeKernel(const KernelArgs& args) : db_(args.flag("db")) {
    spec_.inputs = args.inputs();
    spec_.input_type = real_or_complex_input(args.type_of(spec_.inputs.front()));
    spec_.output_type = PixelType::Float32;
    spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
    spec_.band_names = {db_ ? "amplitude (dB)" : "amplitude"};
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const override {
    const KernelInput& src = in[0];
    float* o = out.band<float>(0).data;
    const auto n = static_cast<std::size_t>(out.rows().rows() * out.cols());
    const auto store = [&](std::size_t i, bool nodata, double magnitude) {
      if (nodata || (db_ && magnitude == 0)) {
        o[i] = std::numeric_limits<float>::quiet_NaN();
        return;
      }
      o[i] = static_cast<float>(db_ ? 20 * std::log10(magnitude) : magnitude);
    };
    if (is_complex(spec_.input_type)) {
      const std::complex<float>* z = src.pixels.band<std::complex<float>>(0).data;
      for (std::size_t i = 0; i < n; ++i) store(i, src.is_nodata(z[i]), std::abs(std::complex<double>(z[i])));
    } else {
      const double* v = src.pixels.band<double>(0).data;
      for (std::size_t i = 0; i < n; ++i) store(i, src.is_nodata(v[i]), std::abs(v[i]));
    }
  }

 private:
  bool db_;
  KernelSpec spec_;
};

const OperationRegistration amplitude{{
    .name = "amplitude",
    .summary = "Float32 abs(z) (--db: 20*log10(abs(z)), nodata where z == 0); nodata where the input is",
    .inputs = {"src"},
    .pixels = Pixels::RealOrComplex,
    .output = "Float32",
    .options = {{.name = "db", .kind = OptionKind::Flag, .help = "20*log10(abs(z)) instead of abs(z)"}},
    .make = &construct<AmplitudeKernel>,
    .example = {{"db", ""}},
}};

}  // namespace

}  // namespace geostrip
