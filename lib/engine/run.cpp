#include "engine/run.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "core/error.hpp"
#include "engine/block_driver.hpp"
#include "engine/decomposition.hpp"
#include "io/raster_input.hpp"
#include "kernels/registry.hpp"
#include "parallel/resources.hpp"

namespace geostrip {

namespace {

// Inputs in the order the kernel declares them, with their nodata values resolved.
struct BoundInput {
  InputInfo info;
  std::optional<double> nodata;
};

std::vector<BoundInput> bind_inputs(const RunRequest& request, const KernelSpec& spec) {
  std::vector<BoundInput> bound;
  for (const std::string& name : spec.inputs) {
    const auto it = std::find_if(request.inputs.begin(), request.inputs.end(),
                                 [&](const InputSpec& s) { return s.name == name; });
    InputInfo info = describe_input(*it);
    if (info.complex)
      throw Error(info.spec.path + ": " + info.type_name + " is complex; " + request.args.operation +
                  " takes real pixels");
    std::optional<double> nodata = info.nodata;
    if (const auto o = request.nodata.find(name); o != request.nodata.end()) nodata = o->second;
    bound.push_back({std::move(info), nodata});
  }
  std::vector<InputInfo> infos;
  for (const auto& b : bound) infos.push_back(b.info);
  check_same_grid(infos);
  return bound;
}

void check_nodata_names(const RunRequest& request) {
  for (const auto& [name, value] : request.nodata)
    if (std::none_of(request.inputs.begin(), request.inputs.end(),
                     [&](const InputSpec& s) { return s.name == name; }))
      throw UsageError("--nodata " + name + "=...: no input named '" + name + "'");
}

void check_unique_names(const std::vector<InputSpec>& inputs) {
  for (std::size_t i = 0; i < inputs.size(); ++i)
    for (std::size_t j = i + 1; j < inputs.size(); ++j)
      if (inputs[i].name == inputs[j].name) throw UsageError("input '" + inputs[i].name + "' given twice");
}

}  // namespace

int resolve_threads(const EngineOptions& options) {
  return options.threads ? *options.threads : available_cores();
}

std::uint64_t resolve_memory(const EngineOptions& options) {
  return options.memory ? *options.memory : physical_memory() / 2;
}

RunSummary run(const RunRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  check_unique_names(request.inputs);
  KernelArgs args = request.args;
  args.input_names.clear();
  for (const auto& input : request.inputs) args.input_names.push_back(input.name);
  const std::unique_ptr<Kernel> kernel = find_operation(args.operation).make(args);
  const KernelSpec& spec = kernel->spec();
  check_nodata_names(request);
  const std::vector<BoundInput> inputs = bind_inputs(request, spec);

  const InputInfo& grid = inputs.front().info;
  const RasterSize out_size = output_size(grid.size, spec.stride);
  if (out_size.rows < 1 || out_size.cols < 1)
    throw Error(grid.spec.path + ": raster is smaller than one output cell");
  const Halo halo = spec.window.halo();
  const int threads = resolve_threads(request.engine);

  const std::uint64_t input_row_bytes =
      static_cast<std::uint64_t>(grid.size.cols) * size_of(spec.input_type) * inputs.size();
  const std::uint64_t output_row_bytes =
      static_cast<std::uint64_t>(out_size.cols) * size_of(spec.output_type) * static_cast<std::uint64_t>(spec.output_bands);
  const std::int64_t block_rows =
      request.engine.block_rows
          ? *request.engine.block_rows
          : auto_block_rows({out_size.rows, input_row_bytes * static_cast<std::uint64_t>(spec.stride.rows) + output_row_bytes,
                             threads, resolve_memory(request.engine), grid.tile_rows});
  const std::vector<RowBlock> blocks = split_rows(out_size.rows, block_rows);

  WriteOptions write = request.engine.write;
  write.threads = threads;
  GeoTiffWriter writer({request.output, out_size, scale(grid.georef, spec.stride), spec.output_type,
                        spec.output_bands, spec.color, spec.output_nodata},
                       write);

  // One GDAL handle per thread and input: handles are never shared between threads.
  std::vector<std::vector<std::unique_ptr<RowReader>>> readers(static_cast<std::size_t>(threads));
  const auto produce = [&](RowBlock rows, int thread) {
    auto& mine = readers[static_cast<std::size_t>(thread)];
    if (mine.empty())
      for (const auto& input : inputs) mine.push_back(std::make_unique<RowReader>(input.info));
    const RowBlock source = source_rows(rows, spec.stride, halo, grid.size.rows);
    std::vector<BlockBuffer> pixels;
    std::vector<KernelInput> kernel_inputs;
    pixels.reserve(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      pixels.emplace_back(spec.input_type, 1, source, grid.size.cols);
      mine[i]->read(source, pixels.back());
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) kernel_inputs.push_back({pixels[i], inputs[i].nodata});
    std::vector<BlockBuffer> out;
    out.emplace_back(spec.output_type, spec.output_bands, rows, out_size.cols);
    kernel->compute(kernel_inputs, out.front());
    return out;
  };
  run_blocks(blocks, threads, produce, [&](std::vector<BlockBuffer>&& out) { writer.write(std::move(out.front())); });
  writer.commit();

  return {out_size, threads, block_rows, blocks.size(), halo,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

}  // namespace geostrip
