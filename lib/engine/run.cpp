#include "engine/run.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "core/error.hpp"
#include "engine/decomposition.hpp"
#include "engine/fingerprint.hpp"
#include "io/raster_input.hpp"
#include "kernels/registry.hpp"
#include "parallel/collective.hpp"
#include "parallel/interrupt.hpp"

namespace geostrip {

namespace {

// An input in the order the kernel declares it, with its nodata value resolved.
struct BoundInput {
  InputInfo info;
  std::optional<double> nodata;
};

std::optional<double> nodata_of(const RunRequest& request, const InputInfo& info) {
  const auto o = request.nodata.find(info.spec.name);
  return o != request.nodata.end() ? std::optional<double>(o->second) : info.nodata;
}

void check_input_names(const RunRequest& request) {
  const auto& inputs = request.inputs;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    for (std::size_t j = i + 1; j < inputs.size(); ++j)
      if (inputs[i].name == inputs[j].name) throw UsageError("input '" + inputs[i].name + "' given twice");
  for (const auto& override : request.nodata)
    if (const std::string& name = override.first;
        std::none_of(inputs.begin(), inputs.end(), [&](const InputSpec& s) { return s.name == name; }))
      throw UsageError("--nodata " + name + "=...: no input named '" + name + "'");
}

// The inputs in the order the kernel declares them, with nodata resolved, on one grid.
std::vector<BoundInput> bind_inputs(const RunRequest& request, const std::vector<InputInfo>& infos,
                                    const KernelSpec& spec) {
  std::vector<BoundInput> bound;
  for (const std::string& name : spec.inputs) {
    const auto it = std::find_if(infos.begin(), infos.end(), [&](const InputInfo& i) { return i.spec.name == name; });
    if (is_complex(it->type) && !is_complex(spec.input_type))
      throw Error(it->spec.path + ": " + it->type_name + " is complex; " + request.args.operation +
                  " takes real pixels");
    if (!is_complex(it->type) && is_complex(spec.input_type))
      throw Error(it->spec.path + ": " + it->type_name + " is real; " + request.args.operation +
                  " takes complex pixels");
    bound.push_back({*it, nodata_of(request, *it)});
  }
  std::vector<InputInfo> ordered;
  for (const auto& b : bound) ordered.push_back(b.info);
  check_same_grid(ordered);
  return bound;
}

}  // namespace

std::int64_t agreed_block_rows(const Job& job, std::int64_t output_rows, std::uint64_t input_bytes_per_row,
                               std::uint64_t output_bytes_per_row, std::int64_t input_tile_rows) {
  std::int64_t rows = output_rows;
  for (const RankFacts& r : job.topology.ranks)
    rows = std::min(rows, auto_block_rows({output_rows, input_bytes_per_row, output_bytes_per_row, r.threads,
                                           static_cast<int>(job.topology.ranks.size()), r.rank == 0,
                                           r.memory_budget, input_tile_rows}));
  return std::max<std::int64_t>(1, rows);
}

DriverOptions driver_options(const Job& job) {
  return {job.topology.me().threads, 2 * job.topology.max_threads()};
}

RunSummary run(const RunRequest& request, const Job& job) {
  const auto start = std::chrono::steady_clock::now();
  check_input_names(request);
  const Operation& operation = find_operation(request.args.operation);
  const RankFacts& me = job.topology.me();

  // Every rank opens the inputs (a file missing on one node fails there) and
  // builds the kernel, which may depend on the inputs' types; rank 0 also
  // creates the output. Any failure ends all ranks together.
  std::unique_ptr<Kernel> kernel;
  std::vector<BoundInput> inputs;
  std::optional<GeoTiffWriter> writer;
  RasterSize out_size;
  collectively(job.comm, me.host, [&] {
    KernelArgs args = request.args;
    std::vector<InputInfo> infos;
    for (const auto& input : request.inputs) {
      infos.push_back(describe_input(input));
      args.input_names.push_back(input.name);
      args.input_types.push_back(infos.back().type);
      args.input_nodata.push_back(nodata_of(request, infos.back()));
    }
    args.transform = infos.front().georef.transform;
    kernel = operation.make(args);
    const KernelSpec& spec = kernel->spec();
    inputs = bind_inputs(request, infos, spec);
    const InputInfo& grid = inputs.front().info;
    if (spec.window.rows > grid.size.rows || spec.window.cols > grid.size.cols)
      throw Error(fmt::format("{}: the {}x{} window of {} is larger than the raster ({}x{})", grid.spec.path,
                              spec.window.rows, spec.window.cols, request.args.operation, grid.size.rows,
                              grid.size.cols));
    out_size = output_size(grid.size, spec.stride);
    if (out_size.rows < 1 || out_size.cols < 1)
      throw Error(grid.spec.path + ": raster is smaller than one output cell");
    if (job.comm.rank() == 0) {
      WriteOptions write = request.engine.write;
      write.threads = me.threads;
      writer.emplace(OutputSpec{request.output, out_size, scale(grid.georef, spec.stride), spec.output_type,
                                spec.output_bands, spec.color, spec.output_nodata, job_fingerprint(request)},
                     write);
    }
  });

  const KernelSpec& spec = kernel->spec();
  const InputInfo& grid = inputs.front().info;
  const Halo halo = spec.window.halo();
  const std::uint64_t input_row_bytes = static_cast<std::uint64_t>(grid.size.cols) * size_of(spec.input_type) *
                                        inputs.size() * static_cast<std::uint64_t>(spec.stride.rows);
  const std::uint64_t output_row_bytes = static_cast<std::uint64_t>(out_size.cols) * size_of(spec.output_type) *
                                         static_cast<std::uint64_t>(spec.output_bands);
  const std::int64_t block_rows =
      request.engine.block_rows ? *request.engine.block_rows
                                : agreed_block_rows(job, out_size.rows, input_row_bytes, output_row_bytes, grid.tile_rows);
  // A resumed output has its first rows on disk already: only the rest is computed.
  const std::int64_t resumed_rows = job.comm.broadcast(writer ? writer->resumed_rows() : 0, 0);
  const std::vector<RowBlock> blocks = split_rows(RowBlock{resumed_rows, out_size.rows}, block_rows);

  // One GDAL handle per thread and input: handles are never shared between threads.
  std::vector<std::vector<std::unique_ptr<RowReader>>> readers(static_cast<std::size_t>(me.threads));
  const auto produce = [&](RowBlock rows, int thread) {
    auto& mine = readers[static_cast<std::size_t>(thread)];
    if (mine.empty())
      for (const auto& input : inputs) mine.push_back(open_reader(input.info));
    const RowBlock source = source_rows(rows, spec.stride, halo, grid.size.rows);
    std::vector<BlockBuffer> pixels;
    pixels.reserve(inputs.size());
    std::vector<KernelInput> kernel_inputs;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      pixels.emplace_back(spec.input_type, 1, source, grid.size.cols);
      mine[i]->read(source, pixels.back());
      kernel_inputs.push_back({pixels.back(), inputs[i].nodata});
    }
    std::vector<BlockBuffer> out;
    out.emplace_back(spec.output_type, spec.output_bands, rows, out_size.cols);
    kernel->compute(kernel_inputs, {grid.size, source}, out.front());
    return out;
  };
  const int signal = run_blocks(blocks, job.comm, driver_options(job), produce,
                                [&](std::vector<BlockBuffer>&& out) { writer->write(std::move(out.front())); });
  if (signal != 0) {
    const std::int64_t rows = writer ? writer->suspend() : 0;
    const std::string kept = rows > 0 ? fmt::format("rows 0-{} of {} are in {}", rows - 1, out_size.rows,
                                                    partial_path(request.output))
                                      : "no rows were written yet";
    throw Interrupted(fmt::format("interrupted by {}: {}; run the same command again to resume",
                                  signal_name(signal), kept),
                      signal);
  }
  if (writer) writer->commit();

  return {out_size,     job.comm.size(), me.threads,
          block_rows,   blocks.size(),   halo,
          resumed_rows, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

}  // namespace geostrip
