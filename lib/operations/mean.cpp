// mean: the Float32 mean of the valid pixels in a window.
#include <limits>

#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"
#include "kernels/window_sums.hpp"

namespace geostrip {

namespace {

class MeanKernel final : public Kernel {
 public:
  explicit MeanKernel(const KernelArgs& args) {
    spec_.inputs = args.inputs();
    spec_.input_type = PixelType::Float64;
    spec_.output_type = PixelType::Float32;
    spec_.window = args.window();
    spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
  }
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const override;

 private:
  KernelSpec spec_;
};

void MeanKernel::compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const {
  const KernelInput& src = in[0];
  const auto v = src.pixels.band<double>(0);
  // Valid values and valid counts, summed over every window.
  std::vector<double> values(static_cast<std::size_t>(v.rows * v.cols)), counts(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const bool valid = !src.is_nodata(v.data[i]);
    values[i] = valid ? v.data[i] : 0.0;
    counts[i] = valid ? 1.0 : 0.0;
  }
  const auto result = out.band<float>(0);
  std::vector<double> sum_pixels(static_cast<std::size_t>(result.rows * result.cols)), total_pixels(sum_pixels.size());
  const Plane<double> sums = result.over(sum_pixels.data()), totals = result.over(total_pixels.data());
  const Halo halo = spec_.window.halo();
  window_sums<double>(v.over<const double>(values.data()), g.raster, halo, sums);
  window_sums<double>(v.over<const double>(counts.data()), g.raster, halo, totals);
  const Plane<const double> valid = v.over<const double>(counts.data());
  for (std::int64_t r = result.row0; r < result.row0 + result.rows; ++r)
    for (std::int64_t c = result.col0; c < result.col0 + result.cols; ++c)
      result.at(r, c) = valid.at(r, c) == 0 ? std::numeric_limits<float>::quiet_NaN()
                                            : static_cast<float>(sums.at(r, c) / totals.at(r, c));
}

const OperationRegistration mean{{
    .name = "mean",
    .summary = "Float32 mean of the valid pixels in the window; nodata where the centre is nodata",
    .inputs = {"src"},
    .output = "Float32",
    .options = {odd_window_option("3x3")},
    .window_option = "window",
    .make = &construct<MeanKernel>,
    .example = {{"window", "5x3"}},
}};

}  // namespace

}  // namespace geostrip
