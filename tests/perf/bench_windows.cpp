// Window kernels without I/O: mean's cost per pixel against window size
// (it should be flat), and median's throughput, on one thread over a
// Sentinel-2-like block. Prints a Markdown table.
//   geostrip_bench_windows [ROWS COLS]
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "core/malloc_policy.hpp"
#include "kernels/registry.hpp"
#include "synth/s2_scene.hpp"

using namespace geostrip;

namespace {

template <class T>
BlockBuffer s2_block(RasterSize size) {
  BlockBuffer block(pixel_type_of<T>(), 1, {0, size.rows}, size.cols);
  for (std::int64_t r = 0; r < size.rows; ++r)
    for (std::int64_t c = 0; c < size.cols; ++c)
      block.band<T>(0).row(r)[c] = static_cast<T>(synth::s2_pixel(r, c, size, 1)[2]);  // B04, nodata 0
  return block;
}

// Median seconds of `repeats` runs of the kernel over the whole block.
double seconds(const Kernel& kernel, const BlockBuffer& input, RasterSize size, int repeats) {
  const std::vector<KernelInput> in{{input, 0.0}};
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    BlockBuffer out(kernel.spec().output_type, 1, {0, size.rows}, size.cols);
    const auto start = std::chrono::steady_clock::now();
    kernel.compute(in, {size, {0, size.rows}}, out);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// The registered operation's kernel over one input of `type` with nodata 0.
std::unique_ptr<Kernel> window_kernel(const std::string& operation, int window, PixelType type) {
  const std::string side = std::to_string(window);
  return make_kernel({.operation = operation,
                      .input_names = {"src"},
                      .input_types = {type},
                      .input_nodata = {0.0},
                      .values = {{"window", {side + "x" + side}}}});
}

}  // namespace

int main(int argc, char** argv) {
  keep_block_buffers_in_heap();  // as geostrip runs its kernels
  const RasterSize size{argc > 2 ? std::atoll(argv[1]) : 1024, argc > 2 ? std::atoll(argv[2]) : 1024};
  const double mpixels = static_cast<double>(size.pixels()) / 1e6;
  const BlockBuffer as_double = s2_block<double>(size);
  const BlockBuffer as_uint16 = s2_block<std::uint16_t>(size);
  const BlockBuffer as_float = s2_block<float>(size);

  fmt::print("block {}x{}, one thread, median of 3 runs\n\n", size.rows, size.cols);
  fmt::print("| op | window | input | ns/pixel | Mpixel/s |\n|---|---|---|---|---|\n");
  for (const int w : {3, 5, 9, 15, 21, 31}) {
    // UInt16: exact running sums of the integers; Float32: window_sums() of doubles.
    for (const auto& [input, name] : {std::pair{&as_uint16, "UInt16"}, std::pair{&as_double, "Float32"}}) {
      const PixelType type = input == &as_uint16 ? PixelType::UInt16 : PixelType::Float32;
      const double s = seconds(*window_kernel("mean", w, type), *input, size, 3);
      fmt::print("| mean | {0}x{0} | {1} | {2:.1f} | {3:.1f} |\n", w, name, s / mpixels * 1e3, mpixels / s);
    }
  }
  for (const int w : {3, 5, 7, 9, 11, 15}) {
    for (const auto& [input, name] : {std::pair{&as_uint16, "UInt16"}, std::pair{&as_float, "Float32"}}) {
      const double s = seconds(*window_kernel("median", w, input->type()), *input, size, 3);
      fmt::print("| median | {0}x{0} | {1} | {2:.1f} | {3:.1f} |\n", w, name, s / mpixels * 1e3, mpixels / s);
    }
  }
}
