#include "kernels/rgb.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace geostrip {

namespace {
constexpr double kLargestTable = 65535;  // every UInt16 value
}  // namespace

RgbKernel::RgbKernel(RgbParams params) : params_(params) {
  spec_.inputs = {"red", "green", "blue"};
  spec_.input_type = PixelType::Float64;
  spec_.output_type = PixelType::Byte;
  spec_.output_bands = 4;
  spec_.color = ColorModel::RGBA;
  const double top = std::floor(std::min(params_.clamp, kLargestTable));
  for (double v = 0; v <= top; ++v) table_.push_back(display_value(v));
}

std::uint8_t RgbKernel::display_value(double v) const {
  const double unit = std::min(std::max(v, 0.0), params_.clamp) / params_.clamp;
  return static_cast<std::uint8_t>(std::round(255.0 * std::pow(unit, 1.0 / params_.gamma)));
}

std::unique_ptr<Kernel> RgbKernel::make(const KernelArgs& args) {
  args.require_inputs({"red", "green", "blue"});
  const RgbParams params{args.number("clamp", 10000), args.number("gamma", 2.2)};
  if (params.clamp <= 0) throw UsageError("--clamp must be greater than 0");
  if (params.gamma <= 0) throw UsageError("--gamma must be greater than 0");
  return std::make_unique<RgbKernel>(params);
}

void RgbKernel::compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const {
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

}  // namespace geostrip
