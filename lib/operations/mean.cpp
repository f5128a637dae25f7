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
  const auto rows = out.rows().rows(), cols = out.cols();
  std::vector<double> sums(static_cast<std::size_t>(rows * cols)), totals(sums.size());
  const Halo halo = spec_.window.halo();
  window_sums<double>({values.data(), v.rows, v.cols}, g.input_rows, g.raster, halo, out.rows(),
                      {sums.data(), rows, cols});
  window_sums<double>({counts.data(), v.rows, v.cols}, g.input_rows, g.raster, halo, out.rows(),
                      {totals.data(), rows, cols});
  const auto result = out.band<float>(0);
  const std::int64_t offset = trim_offset(g.input_rows, out.rows()) * cols;
  for (std::size_t i = 0; i < sums.size(); ++i)
    result.data[i] = counts[static_cast<std::size_t>(offset) + i] == 0 ? std::numeric_limits<float>::quiet_NaN()
                                                                        : static_cast<float>(sums[i] / totals[i]);
}

const OperationRegistration mean{{
    .name = "mean",
    .summary = "Float32 mean of the valid pixels in the window; nodata where the centre is nodata",
    .inputs = {"src"},
    .output = "Float32",
    .options = {{.name = "window", .kind = OptionKind::OddWindow, .default_value = "3x3",
                 .help = "window ROWSxCOLS, both odd"}},
    .window_option = "window",
    .make = &construct<MeanKernel>,
    .example = {{"window", "5x3"}},
}};

}  // namespace

}  // namespace geostrip
