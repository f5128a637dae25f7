#include "kernels/mean.hpp"

#include <limits>

#include "kernels/window_sums.hpp"

namespace geostrip {

MeanKernel::MeanKernel(Window window) {
  spec_.inputs = {"src"};
  spec_.input_type = PixelType::Float64;
  spec_.output_type = PixelType::Float32;
  spec_.window = window;
  spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
}

std::unique_ptr<Kernel> MeanKernel::make(const KernelArgs& args) {
  args.require_inputs({"src"});
  const auto [rows, cols] = args.odd_window("window", "3x3");
  return std::make_unique<MeanKernel>(Window{rows, cols});
}

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

}  // namespace geostrip
