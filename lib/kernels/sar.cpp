#include "kernels/sar.hpp"

#include <charconv>
#include <limits>

#include "core/error.hpp"
#include "kernels/window_sums.hpp"

namespace geostrip {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

bool valid_sample(const KernelInput& input, std::complex<float> z) {
  return !input.is_nodata(z) && z != std::complex<float>(0);
}

}  // namespace

CoherenceKernel::CoherenceKernel(Window window) {
  spec_.inputs = {"ref", "sec"};
  spec_.input_type = PixelType::CFloat32;
  spec_.output_type = PixelType::Float32;
  spec_.output_bands = 2;
  spec_.window = window;
  spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
}

std::unique_ptr<Kernel> CoherenceKernel::make(const KernelArgs& args) {
  args.require_inputs({"ref", "sec"});
  const auto [rows, cols] = args.odd_window("window", "5x5");
  return std::make_unique<CoherenceKernel>(Window{rows, cols});
}

void CoherenceKernel::compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const {
  const auto r = in[0].pixels.band<std::complex<float>>(0);
  const auto s = in[1].pixels.band<std::complex<float>>(0);
  const auto n = static_cast<std::size_t>(r.rows * r.cols);
  std::vector<std::complex<double>> cross(n);
  std::vector<double> power_r(n), power_s(n);
  std::vector<bool> valid(n);
  for (std::size_t i = 0; i < n; ++i) {
    valid[i] = valid_sample(in[0], r.data[i]) && valid_sample(in[1], s.data[i]);
    const std::complex<double> a = valid[i] ? std::complex<double>(r.data[i]) : 0.0;
    const std::complex<double> b = valid[i] ? std::complex<double>(s.data[i]) : 0.0;
    cross[i] = a * std::conj(b);
    power_r[i] = std::norm(a);
    power_s[i] = std::norm(b);
  }
  const auto rows = out.rows().rows(), cols = out.cols();
  const auto m = static_cast<std::size_t>(rows * cols);
  std::vector<std::complex<double>> S(m);
  std::vector<double> Pr(m), Ps(m);
  const Halo halo = spec_.window.halo();
  window_sums<std::complex<double>>({cross.data(), r.rows, r.cols}, g.input_rows, g.raster, halo, out.rows(),
                                    {S.data(), rows, cols});
  window_sums<double>({power_r.data(), r.rows, r.cols}, g.input_rows, g.raster, halo, out.rows(), {Pr.data(), rows, cols});
  window_sums<double>({power_s.data(), r.rows, r.cols}, g.input_rows, g.raster, halo, out.rows(), {Ps.data(), rows, cols});
  float* magnitude = out.band<float>(0).data;
  float* phase = out.band<float>(1).data;
  const auto offset = static_cast<std::size_t>(trim_offset(g.input_rows, out.rows()) * cols);
  for (std::size_t i = 0; i < m; ++i) {
    const double denominator = std::sqrt(Pr[i] * Ps[i]);
    if (!valid[offset + i] || !(denominator > 0)) {
      magnitude[i] = phase[i] = kNaN;
      continue;
    }
    magnitude[i] = static_cast<float>(std::abs(S[i]) / denominator);
    phase[i] = static_cast<float>(std::arg(S[i]));
  }
}

MultilookKernel::MultilookKernel(Stride looks, PixelType input, bool power) : power_(power) {
  spec_.inputs = {"src"};
  spec_.input_type = is_complex(input) ? PixelType::CFloat32 : PixelType::Float64;
  spec_.output_type = is_complex(input) && !power ? PixelType::CFloat32 : PixelType::Float32;
  spec_.stride = looks;
  spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
}

std::unique_ptr<Kernel> MultilookKernel::make(const KernelArgs& args) {
  args.require_inputs({"src"});
  const std::string looks = args.text("looks", "");
  const auto x = looks.find('x');
  int az = 0, rg = 0;
  const bool parsed = x != std::string::npos &&
                      std::from_chars(looks.data(), looks.data() + x, az).ptr == looks.data() + x &&
                      std::from_chars(looks.data() + x + 1, looks.data() + looks.size(), rg).ptr ==
                          looks.data() + looks.size();
  if (!parsed || az < 1 || rg < 1)
    throw UsageError("multilook needs --looks AZxRG, e.g. --looks 4x2 (azimuth rows x range columns)");
  return std::make_unique<MultilookKernel>(Stride{az, rg}, args.type_of("src"), args.values.count("power") > 0);
}

void MultilookKernel::compute(std::span<const KernelInput> in, const BlockGeometry& g, BlockBuffer& out) const {
  const KernelInput& src = in[0];
  const Stride looks = spec_.stride;
  const std::int64_t first_row = out.rows().begin * looks.rows - g.input_rows.begin;
  // Each cell sums its pixels row by row: the same order wherever the block starts.
  const auto average = [&](auto sample, auto store) {
    for (std::int64_t r = 0; r < out.rows().rows(); ++r)
      for (std::int64_t c = 0; c < out.cols(); ++c) {
        using Sum = decltype(sample(0, 0).first);
        Sum sum{};
        int count = 0;
        for (int y = 0; y < looks.rows; ++y)
          for (int x = 0; x < looks.cols; ++x) {
            const auto [value, ok] = sample(first_row + r * looks.rows + y, c * looks.cols + x);
            if (ok) {
              sum += value;
              ++count;
            }
          }
        store(r * out.cols() + c, sum, count);
      }
  };
  if (is_complex(spec_.input_type)) {
    const auto z = src.pixels.band<std::complex<float>>(0);
    const auto sample = [&](std::int64_t y, std::int64_t x) {
      const std::complex<float> v = z.row(y)[x];
      return std::pair{power_ ? std::complex<double>(std::norm(std::complex<double>(v))) : std::complex<double>(v),
                       !src.is_nodata(v)};
    };
    if (power_) {
      float* o = out.band<float>(0).data;
      average(sample, [&](std::int64_t i, std::complex<double> sum, int n) {
        o[i] = n ? static_cast<float>(sum.real() / n) : kNaN;
      });
    } else {
      std::complex<float>* o = out.band<std::complex<float>>(0).data;
      average(sample, [&](std::int64_t i, std::complex<double> sum, int n) {
        o[i] = n ? std::complex<float>(sum / static_cast<double>(n)) : std::complex<float>(kNaN, kNaN);
      });
    }
  } else {
    const auto v = src.pixels.band<double>(0);
    const auto sample = [&](std::int64_t y, std::int64_t x) {
      const double value = v.row(y)[x];
      return std::pair{power_ ? value * value : value, !src.is_nodata(value)};
    };
    float* o = out.band<float>(0).data;
    average(sample, [&](std::int64_t i, double sum, int n) { o[i] = n ? static_cast<float>(sum / n) : kNaN; });
  }
}

}  // namespace geostrip
