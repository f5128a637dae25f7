// rgb: 8-bit RGB + alpha, round(255 * (min(max(v,0),C)/C)^(1/gamma)).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"

namespace geostrip {

namespace {

constexpr double kLargestTable = 65535;  // every UInt16 value

class RgbKernel final : public Kernel {
 public:
  explicit RgbKernel(const KernelArgs& args) : clamp_(args.number("clamp")), gamma_(args.number("gamma")) {
    if (clamp_ <= 0) throw UsageError("--clamp must be greater than 0");
    if (gamma_ <= 0) throw UsageError("--gamma must be greater than 0");
    spec_.inputs = args.inputs();
    spec_.input_type = PixelType::Float64;
    spec_.output_type = PixelType::Byte;
    spec_.output_bands = 4;
    spec_.color = ColorModel::RGBA;
    spec_.band_names = {"red", "green", "blue", "alpha"};
    const double top = std::floor(std::min(clamp_, kLargestTable));
    for (double v = 0; v <= top; ++v) table_.push_back(display_value(v));
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const override {
    const auto alpha = out.band<std::uint8_t>(3);
    const std::int64_t n = alpha.rows * alpha.cols;
    for (std::int64_t i = 0; i < n; ++i) {
      bool valid = true;
      for (const KernelInput& input : in) valid = valid && !input.is_nodata(input.pixels.band<double>(0).data[i]);
      alpha.data[i] = valid ? 255 : 0;
    }
    const auto table_size = static_cast<double>(table_.size());
    for (int c = 0; c < 3; ++c) {
      const double* v = in[c].pixels.band<double>(0).data;
      std::uint8_t* dn = out.band<std::uint8_t>(c).data;
      for (std::int64_t i = 0; i < n; ++i) {
        const bool whole = v[i] >= 0 && v[i] < table_size && v[i] == std::trunc(v[i]);
        dn[i] = !alpha.data[i] ? 0 : whole ? table_[static_cast<std::size_t>(v[i])] : display_value(v[i]);
      }
    }
  }

 private:
  std::uint8_t display_value(double v) const {
    const double unit = std::min(std::max(v, 0.0), clamp_) / clamp_;
    return static_cast<std::uint8_t>(std::round(255.0 * std::pow(unit, 1.0 / gamma_)));
  }

  double clamp_, gamma_;
  KernelSpec spec_;
  // display_value() of every whole value 0..clamp: reflectances are stored as
  // integers, so most pixels take a lookup instead of a pow, with the same result.
  std::vector<std::uint8_t> table_;
};

const OperationRegistration rgb{{
    .name = "rgb",
    .summary = "8-bit RGB + alpha: round(255*(min(max(v,0),C)/C)^(1/gamma)); alpha 0 where any input is nodata",
    .inputs = {"red", "green", "blue"},
    .output = "4 x Byte (RGBA)",
    .options = {{.name = "clamp", .kind = OptionKind::Number, .default_value = "10000",
                 .help = "reflectance C that maps to 255"},
                {.name = "gamma", .kind = OptionKind::Number, .default_value = "2.2", .help = "display gamma"}},
    .make = &construct<RgbKernel>,
    .example = {{"clamp", "3000"}},
}};

}  // namespace

}  // namespace geostrip
