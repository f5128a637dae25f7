#pragma once
// The kernel interface. A kernel declares what it reads and writes and the
// window it looks at; the engine derives the halo from the window, reads the
// padded rows and hands them over. Kernels know nothing of MPI, threads or files.
#include <cmath>
#include <complex>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/block_buffer.hpp"
#include "core/pixel_type.hpp"
#include "geometry/row_block.hpp"

namespace geostrip {

struct KernelSpec {
  std::vector<std::string> inputs;  // input names, in the order compute() receives them
  PixelType input_type = PixelType::Float64;  // the engine converts every input to it
  PixelType output_type = PixelType::Float32;
  int output_bands = 1;
  ColorModel color = ColorModel::Gray;
  Window window;  // neighbourhood of one output pixel, in input pixels
  Stride stride;  // input pixels per output pixel
  std::optional<double> output_nodata;
  // Each output band's description; empty: every band is named after the operation.
  std::vector<std::string> band_names;
};

// What a kernel that takes real or complex pixels reads `type` as: complex64
// for complex pixels, Float64 (exact for every real type it reads) otherwise.
inline PixelType real_or_complex_input(PixelType type) {
  return is_complex(type) ? PixelType::CFloat32 : PixelType::Float64;
}

// One input as a kernel sees it: the block's region padded by the halo (cut
// at the raster edge), in raster coordinates (pixels.band<T>(0).at(row, col)),
// and its nodata value. NaN is nodata too, for every input.
struct KernelInput {
  const BlockBuffer& pixels;
  std::optional<double> nodata;

  bool is_nodata(double v) const { return std::isnan(v) || (nodata && v == *nodata); }
  bool is_nodata(std::complex<float> z) const {
    return std::isnan(z.real()) || std::isnan(z.imag()) || (nodata && z == std::complex<float>(static_cast<float>(*nodata)));
  }
  // A SAR sample that carries signal: neither nodata nor 0 (a focused SLC's fill).
  bool has_signal(std::complex<float> z) const { return !is_nodata(z) && z != std::complex<float>(0); }
};

// Where a block sits: the whole input raster's size (a window is cut at its
// edges) and the region of it the kernel was given (the block's source region,
// padded by the halo, cut at the edge). The engine may split a block into
// regions of fewer columns; a kernel indexing in raster coordinates cannot tell.
struct BlockGeometry {
  RasterSize raster;
  Region input;
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual const KernelSpec& spec() const = 0;
  // Fills every band of `out` (the block's output region, out.region()) from
  // `in`, one entry per spec().inputs, each holding `geometry.input`.
  virtual void compute(std::span<const KernelInput> in, const BlockGeometry& geometry, BlockBuffer& out) const = 0;
};

}  // namespace geostrip
