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
  explicit MeanKernel(const KernelArgs& args) {
    const PixelType source = args.type_of(args.inputs().front());
    exact_ = small_integers(source);
    spec_.inputs = args.inputs();
    spec_.input_type = exact_ ? source : PixelType::Float64;  // small integers read as they are
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
  template <class T>
  void compute_exact(const KernelInput& src, const BlockGeometry& g, BlockBuffer& out) const;

  bool exact_ = false;
  KernelSpec spec_;
};

// Slides the window down the rows: the running sums of the valid values and
// their count over the window's rows of each output column, adding the row
// that enters and subtracting the one that leaves. Each is the sum of the
// rows' sums along their window of columns (from prefix sums of the row).
template <class T>
void MeanKernel::compute_exact(const KernelInput& src, const BlockGeometry& g, BlockBuffer& out) const {
  const auto v = src.pixels.band<T>(0);
  const auto result = out.band<float>(0);
  const Halo halo = spec_.window.halo();
  const auto cols = static_cast<std::size_t>(result.cols);
  // A nodata value T cannot hold is no pixel's.
  const bool has_nodata = src.nodata && *src.nodata >= std::numeric_limits<T>::lowest() &&
                          *src.nodata <= std::numeric_limits<T>::max() &&
                          static_cast<double>(static_cast<T>(*src.nodata)) == *src.nodata;
  const T nodata = has_nodata ? static_cast<T>(*src.nodata) : T{};
  const auto valid = [&](T value) { return !has_nodata || value != nodata; };

  std::vector<std::int64_t> row_sum(static_cast<std::size_t>(v.cols) + 1), row_count(row_sum.size());
  std::vector<std::int64_t> sum(cols), count(cols);  // over the window's rows so far
  // The last window-rows rows' sums along the columns, to subtract as they leave.
  const auto ring_rows = static_cast<std::size_t>(spec_.window.rows);
  std::vector<std::int64_t> ring_sum(ring_rows * cols), ring_count(ring_sum.size());
  const auto leave = [&](std::int64_t row) {
    const std::size_t slot = static_cast<std::size_t>(row - v.row0) % ring_rows * cols;
    for (std::size_t i = 0; i < cols; ++i) {
      sum[i] -= ring_sum[slot + i];
      count[i] -= ring_count[slot + i];
    }
  };
  const auto emit = [&](std::int64_t r) {
    const T* centre = v.row(r - v.row0) + (result.col0 - v.col0);
    float* o = result.row(r - result.row0);
    for (std::size_t i = 0; i < cols; ++i)
      o[i] = !valid(centre[i]) ? std::numeric_limits<float>::quiet_NaN()
                               : static_cast<float>(static_cast<double>(sum[i]) / static_cast<double>(count[i]));
  };
  const std::int64_t last = v.row0 + v.rows - 1;  // the input's last row: the raster's, or the halo's
  for (std::int64_t row = v.row0; row <= last; ++row) {
    const T* values = v.row(row - v.row0);
    for (std::int64_t k = 0; k < v.cols; ++k) {
      const bool ok = valid(values[k]);
      row_sum[k + 1] = row_sum[k] + (ok ? static_cast<std::int64_t>(values[k]) : 0);
      row_count[k + 1] = row_count[k] + ok;
    }
    if (row - v.row0 >= spec_.window.rows) leave(row - spec_.window.rows);
    const std::size_t slot = static_cast<std::size_t>(row - v.row0) % ring_rows * cols;
    for (std::size_t i = 0; i < cols; ++i) {
      const std::int64_t c = result.col0 + static_cast<std::int64_t>(i);
      const std::int64_t a = std::max<std::int64_t>(0, c - halo.cols) - v.col0;
      const std::int64_t b = std::min(g.raster.cols - 1, c + halo.cols) - v.col0 + 1;
      ring_sum[slot + i] = row_sum[b] - row_sum[a];
      ring_count[slot + i] = row_count[b] - row_count[a];
      sum[i] += ring_sum[slot + i];
      count[i] += ring_count[slot + i];
    }
    // The window of row - halo ends here (its rows [row - 2 halo, row], cut at the raster's top).
    if (const std::int64_t r = row - halo.rows; r >= result.row0 && r < result.row0 + result.rows) emit(r);
  }
  // The last rows' windows are cut at the raster's bottom: the rows above leave one by one.
  for (std::int64_t r = std::max(result.row0, last - halo.rows + 1); r < result.row0 + result.rows; ++r) {
    if (r - halo.rows - 1 >= v.row0) leave(r - halo.rows - 1);
    emit(r);
  }
}

void MeanKernel::compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const {
  const KernelInput& src = in[0];
  if (exact_) {
    switch (spec_.input_type) {
      case PixelType::Byte: return compute_exact<std::uint8_t>(src, g, out);
      case PixelType::Int8: return compute_exact<std::int8_t>(src, g, out);
      case PixelType::UInt16: return compute_exact<std::uint16_t>(src, g, out);
      default: return compute_exact<std::int16_t>(src, g, out);
    }
  }
  const auto v = src.pixels.band<double>(0);
  const auto result = out.band<float>(0);
  const Halo halo = spec_.window.halo();
  // A strip of rows at a time: its planes of sums take 64 bytes a pixel.
  std::vector<double> values, counts, sum_pixels, total_pixels;
  for_row_strips(result.held_rows(), v.held_rows(), halo, [&](RowBlock rows, RowBlock reach) {
    const Plane<const double> pixels = v.rows_of(reach);
    const Plane<float> means = result.rows_of(rows);
    // Valid values and valid counts, summed over every window.
    values.resize(static_cast<std::size_t>(pixels.rows * pixels.cols));
    counts.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      const bool valid = !src.is_nodata(pixels.data[i]);
      values[i] = valid ? pixels.data[i] : 0.0;
      counts[i] = valid ? 1.0 : 0.0;
    }
    sum_pixels.resize(static_cast<std::size_t>(means.rows * means.cols));
    total_pixels.resize(sum_pixels.size());
    const Plane<double> sums = means.over(sum_pixels.data()), totals = means.over(total_pixels.data());
    window_sums<double>(pixels.over<const double>(values.data()), g.raster, halo, sums);
    window_sums<double>(pixels.over<const double>(counts.data()), g.raster, halo, totals);
    const Plane<const double> valid = pixels.over<const double>(counts.data());
    for (std::int64_t r = means.row0; r < means.row0 + means.rows; ++r)
      for (std::int64_t c = means.col0; c < means.col0 + means.cols; ++c)
        means.at(r, c) = valid.at(r, c) == 0 ? std::numeric_limits<float>::quiet_NaN()
                                             : static_cast<float>(sums.at(r, c) / totals.at(r, c));
  });
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
