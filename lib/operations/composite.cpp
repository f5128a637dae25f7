// composite: per pixel, a reduction over the valid values of any number of
// inputs (the dates of a stack): median, mean, min, max, count, std, pNN or
// dispersion (std/mean, the amplitude dispersion of persistent-scatterer
// selection). Complex inputs are reduced on abs(z).
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <complex>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "kernels/kernel_args.hpp"
#include "kernels/operation.hpp"
#include "kernels/selection_network.hpp"

namespace geostrip {

namespace {

enum class Reduce { Median, Mean, Min, Max, Count, Std, Percentile, Dispersion };

struct Reduction {
  Reduce kind = Reduce::Median;
  int percentile = 0;  // NN of pNN
};

Reduction parse_reduction(const std::string& text) {
  constexpr std::pair<std::string_view, Reduce> kNamed[] = {
      {"median", Reduce::Median}, {"mean", Reduce::Mean}, {"min", Reduce::Min},   {"max", Reduce::Max},
      {"count", Reduce::Count},   {"std", Reduce::Std},   {"dispersion", Reduce::Dispersion}};
  for (const auto& [name, kind] : kNamed)
    if (text == name) return {.kind = kind};
  int percentile = -1;
  const char* end = text.data() + text.size();
  if (text.size() > 1 && text[0] == 'p' && std::from_chars(text.data() + 1, end, percentile).ptr == end &&
      percentile >= 0 && percentile <= 100)
    return {.kind = Reduce::Percentile, .percentile = percentile};
  throw UsageError("--reduce " + text + ": not a reduction (median, mean, min, max, count, std, dispersion, or pNN "
                   "with NN a whole number from 0 to 100)");
}

// The 1-based rank that min, max, the lower median and pNN (nearest rank:
// ceil(NN/100 * n), in integers) pick among n values.
std::size_t picked_rank(Reduction reduction, std::size_t n) {
  switch (reduction.kind) {
    case Reduce::Min: return 1;
    case Reduce::Max: return n;
    case Reduce::Median: return (n + 1) / 2;
    default: return std::max<std::size_t>((static_cast<std::size_t>(reduction.percentile) * n + 99) / 100, 1);
  }
}

// The value of 1-based rank k among `values`, which it reorders.
double ranked(std::span<double> values, std::size_t k) {
  const auto kth = values.begin() + static_cast<std::ptrdiff_t>(k - 1);
  std::nth_element(values.begin(), kth, values.end());
  return *kth;
}

// Population standard deviation about `mean`, in two passes for accuracy.
double deviation(std::span<const double> values, double mean) {
  double squares = 0;
  for (const double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size()));
}

// The reduction of one pixel's valid values (at least one); NaN is nodata.
double reduce(std::span<double> values, Reduction reduction) {
  const std::size_t n = values.size();
  switch (reduction.kind) {
    case Reduce::Count: return static_cast<double>(n);
    case Reduce::Min: return *std::min_element(values.begin(), values.end());
    case Reduce::Max: return *std::max_element(values.begin(), values.end());
    case Reduce::Median:
    case Reduce::Percentile: return ranked(values, picked_rank(reduction, n));
    case Reduce::Mean:
    case Reduce::Std:
    case Reduce::Dispersion: break;
  }
  double sum = 0;
  for (const double v : values) sum += v;
  const double mean = sum / static_cast<double>(n);
  if (reduction.kind == Reduce::Mean) return mean;
  const double std = deviation(values, mean);
  if (reduction.kind == Reduce::Std) return std;
  return mean != 0 ? std / mean : std::numeric_limits<double>::quiet_NaN();
}

// The value a pixel contributes, NaN where it is not valid.
template <class T>
double sample(const KernelInput& input, std::size_t i) {
  const T v = input.pixels.band<T>(0).data[i];
  if (input.is_nodata(v)) return std::numeric_limits<double>::quiet_NaN();
  if constexpr (std::is_same_v<T, std::complex<float>>)
    return std::abs(std::complex<double>(v));
  else
    return static_cast<double>(v);
}

// An input's validity as KernelInput::is_nodata decides it, compared in T:
// its nodata is the value of T that equals it as a double, and a nodata
// no T holds (NaN included, which v != v catches) marks no pixel.
template <class T>
Validity<T> input_validity(std::optional<double> nodata) {
  if (!nodata || std::isnan(*nodata)) return {};
  const bool in_range = (*nodata >= static_cast<double>(std::numeric_limits<T>::lowest()) &&
                         *nodata <= static_cast<double>(std::numeric_limits<T>::max())) ||
                        (std::numeric_limits<T>::has_infinity && std::isinf(*nodata));
  if (!in_range) return {};
  const T stored = static_cast<T>(*nodata);
  if (static_cast<double>(stored) != *nodata) return {};
  return {.has_nodata = true, .nodata = stored};
}

class CompositeKernel final : public Kernel {
 public:
  explicit CompositeKernel(const KernelArgs& args) : reduction_(parse_reduction(args.text("reduce"))) {
    spec_.inputs = args.inputs();
    std::vector<PixelType> types;
    for (const std::string& name : spec_.inputs) types.push_back(args.type_of(name));
    const bool complex = std::any_of(types.begin(), types.end(), [](PixelType t) { return is_complex(t); });
    const bool integers = std::all_of(types.begin(), types.end(), [](PixelType t) { return is_integer(t); });
    spec_.input_type = complex ? PixelType::CFloat32 : exact_real_type(types);
    spec_.band_names = {args.text("reduce")};
    const Reduce kind = reduction_.kind;
    const bool picks = kind == Reduce::Min || kind == Reduce::Max || kind == Reduce::Median || kind == Reduce::Percentile;
    if (kind == Reduce::Count) {
      spec_.output_type = PixelType::UInt16;
      spec_.output_nodata = 0;  // no valid value
    } else if (picks && integers) {
      // A picked value is one of the inputs': their common type holds it, and
      // their common nodata (a valid value never equals it) marks where none is valid.
      spec_.output_type = common_integer_type(types);
      spec_.output_nodata = common_nodata(args);
      // Integers have one zero and no infinity: a network that sorts the
      // invalid values, made +infinity, last picks what nth_element does.
      network_ = sorting_network(static_cast<int>(spec_.inputs.size()));
      by_network_ = true;
      // Dates of one type are sorted as they are stored: not converted to
      // floats as they are read, and more lanes to a vector. Not painted
      // ones: the warper's values, stored in the kernel's type, would be
      // rounded before the pick (a value rounding to nodata lost) rather
      // than the pick rounded once.
      const bool painted = std::any_of(spec_.inputs.begin(), spec_.inputs.end(),
                                       [&](const std::string& name) { return args.painted(name); });
      if (!painted && std::adjacent_find(types.begin(), types.end(), std::not_equal_to<>()) == types.end())
        spec_.input_type = types.front();
    } else {
      spec_.output_type = PixelType::Float32;
      spec_.output_nodata = std::numeric_limits<double>::quiet_NaN();
    }
  }

  const KernelSpec& spec() const override { return spec_; }

  void compute(std::span<const KernelInput> in, const BlockGeometry&, BlockBuffer& out) const override {
    const auto n = static_cast<std::size_t>(out.rows().rows() * out.cols());
    std::vector<double> results(n);
    if (spec_.input_type == PixelType::CFloat32)
      reduce_pixels<std::complex<float>>(in, results);
    else
      visit_real(spec_.input_type, [&](auto zero) { reduce_pixels<decltype(zero)>(in, results); });
    visit_real(spec_.output_type, [&](auto zero) {
      using T = decltype(zero);
      T* o = out.band<T>(0).data;
      const T nodata = nodata_pixel<T>(spec_.output_nodata);
      for (std::size_t i = 0; i < n; ++i) o[i] = std::isnan(results[i]) ? nodata : to_pixel<T>(results[i]);
    });
  }

 private:
  template <class T>
  void reduce_pixels(std::span<const KernelInput> in, std::vector<double>& results) const {
    if constexpr (!std::is_same_v<T, std::complex<float>>)
      if (by_network_) return pick_by_network<T>(in, results);
    std::vector<double> values;
    values.reserve(in.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      values.clear();
      for (const KernelInput& input : in)
        if (const double v = sample<T>(input, i); !std::isnan(v)) values.push_back(v);
      results[i] = values.empty() ? std::numeric_limits<double>::quiet_NaN() : reduce(values, reduction_);
    }
  }

  // Each pixel's pick among its valid dates (integers, as stored or read as
  // floats): the dates of kLanes pixels sorted at once by the network, the
  // invalid ones made +infinity (or the type's largest value, which the
  // valid ones can only equal) so that they sort last.
  template <class T>
  void pick_by_network(std::span<const KernelInput> in, std::vector<double>& results) const {
    constexpr T kLast = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                                             : std::numeric_limits<T>::max();
    std::vector<T> lanes(in.size() * kLanes);
    std::array<std::uint32_t, kLanes> valid;
    std::vector<Validity<T>> validity;
    for (const KernelInput& input : in) validity.push_back(input_validity<T>(input.nodata));
    for (std::size_t first = 0; first < results.size(); first += kLanes) {
      const std::size_t count = std::min<std::size_t>(kLanes, results.size() - first);
      valid.fill(0);
      for (std::size_t k = 0; k < in.size(); ++k) {
        const T* v = in[k].pixels.band<T>(0).data + first;
        const Validity<T> is_valid = validity[k];
        T* lane = lanes.data() + k * kLanes;
        for (std::size_t j = 0; j < count; ++j) {  // compared in T, without branches, so that it vectorizes
          const bool invalid = !is_valid(v[j]);
          lane[j] = invalid ? kLast : v[j];
          valid[j] += !invalid;
        }
      }
      run_network(network_, lanes.data());
      for (std::size_t j = 0; j < count; ++j)
        results[first + j] = valid[j] == 0 ? std::numeric_limits<double>::quiet_NaN()
                                           : static_cast<double>(lanes[(picked_rank(reduction_, valid[j]) - 1) * kLanes + j]);
    }
  }

  // The nodata every integer input declares; inputs that declare different
  // ones would make a valid value of one read as nodata of the output.
  static std::optional<double> common_nodata(const KernelArgs& args) {
    std::optional<double> common;
    std::string first;
    for (const std::string& name : args.inputs()) {
      const std::optional<double> nodata = args.nodata_of(name);
      if (!nodata) continue;
      if (common && *common != *nodata)
        throw UsageError(fmt::format("composite: inputs {} and {} declare different nodata ({} and {}); give them "
                                     "one with --nodata NAME=V",
                                     first, name, *common, *nodata));
      if (!common) first = name;
      common = nodata;
    }
    return common;
  }

  Reduction reduction_;
  KernelSpec spec_;
  // Min, max, median and pNN of integer inputs: one sorting network over
  // kLanes pixels at once, each pixel's pick by its count of valid values.
  bool by_network_ = false;
  std::vector<Comparator> network_;
};

const OperationRegistration composite{{
    .name = "composite",
    .summary = "per pixel, a reduction over the inputs' valid values (nodata where none is valid); complex inputs "
               "are reduced on abs(z)",
    .pixels = Pixels::RealOrComplex,
    .output = "Float32; count: UInt16; min, max, median, pNN of integer inputs: their common type",
    .options = {{.name = "reduce", .kind = OptionKind::Text, .default_value = "median",
                 .help = "median (lower), mean, min, max, count, std (population), pNN (NN-th percentile, nearest "
                         "rank) or dispersion (std/mean)"}},
    .make = &construct<CompositeKernel>,
    .example = {{"reduce", "median"}},
    .example_inputs = {"d1", "d2", "d3"},
}};

}  // namespace

}  // namespace geostrip
