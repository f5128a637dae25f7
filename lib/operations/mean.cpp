// mean: the Float32 mean of the valid pixels in a window.
#include <cstdint>
#include <limits>

#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"
#include "kernels/window_sums.hpp"

namespace geostrip {

namespace {

class MeanKernel final : public Kernel {
 public:
  explicit MeanKernel(const KernelArgs& args) : exact_(small_integers(args.type_of(args.inputs().front()))) {
    spec_.inputs = args.inputs();
    spec_.input_type = PixelType::Float64;
    spec_.output_type = PixelType::Float32;
    spec_.window = args.window();
    spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
  }
  const KernelSpec& spec() const override { return spec_; }
  void compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const override;

 private:
  // Pixels of at most 16 bits: every window sum is an integer far below 2^53,
  // so window_sums() gives it exactly, in any order, and so do running sums
  // in integers, which cost a fraction.
  static bool small_integers(PixelType type) { return is_integer(type) && size_of(type) <= 2; }
  void compute_exact(const KernelInput& src, const BlockGeometry& g, BlockBuffer& out) const;

  bool exact_;
  KernelSpec spec_;
};

void MeanKernel::compute_exact(const KernelInput& src, const BlockGeometry& g, BlockBuffer& out) const {
  const auto v = src.pixels.band<double>(0);
  const auto result = out.band<float>(0);
  const Halo halo = spec_.window.halo();
  const auto cols = static_cast<std::size_t>(result.cols);
  // Along each row: the valid values' sum and count over each output column's window, from prefix sums.
  std::vector<std::int64_t> sums(static_cast<std::size_t>(v.rows + 1) * cols), counts(sums.size());
  std::vector<std::int64_t> row_sum(static_cast<std::size_t>(v.cols) + 1), row_count(row_sum.size());
  for (std::int64_t r = 0; r < v.rows; ++r) {
    const double* values = v.row(r);
    for (std::int64_t k = 0; k < v.cols; ++k) {
      const bool valid = !src.is_nodata(values[k]);
      row_sum[k + 1] = row_sum[k] + (valid ? static_cast<std::int64_t>(values[k]) : 0);
      row_count[k + 1] = row_count[k] + valid;
    }
    // Row r + 1 of the down-the-columns prefix sums: rows [0, r] of these.
    const std::size_t above = static_cast<std::size_t>(r) * cols, here = above + cols;
    for (std::size_t i = 0; i < cols; ++i) {
      const std::int64_t c = result.col0 + static_cast<std::int64_t>(i);
      const std::int64_t a = std::max<std::int64_t>(0, c - halo.cols) - v.col0;
      const std::int64_t b = std::min(g.raster.cols - 1, c + halo.cols) - v.col0 + 1;
      sums[here + i] = sums[above + i] + row_sum[b] - row_sum[a];
      counts[here + i] = counts[above + i] + row_count[b] - row_count[a];
    }
  }
  for (std::int64_t r = result.row0; r < result.row0 + result.rows; ++r) {
    const auto a = static_cast<std::size_t>(std::max<std::int64_t>(0, r - halo.rows) - v.row0) * cols;
    const auto b = static_cast<std::size_t>(std::min(g.raster.rows - 1, r + halo.rows) - v.row0 + 1) * cols;
    const double* centre = v.row(r - v.row0) + (result.col0 - v.col0);
    float* o = result.row(r - result.row0);
    for (std::size_t i = 0; i < cols; ++i)
      o[i] = src.is_nodata(centre[i]) ? std::numeric_limits<float>::quiet_NaN()
                                      : static_cast<float>(static_cast<double>(sums[b + i] - sums[a + i]) /
                                                           static_cast<double>(counts[b + i] - counts[a + i]));
  }
}

void MeanKernel::compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const {
  const KernelInput& src = in[0];
  if (exact_) {
    compute_exact(src, g, out);
    return;
  }
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
