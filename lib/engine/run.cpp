#include "engine/run.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "engine/decomposition.hpp"
#include "engine/fingerprint.hpp"
#include "grid/cutline.hpp"
#include "grid/mosaic.hpp"
#include "grid/output_grid.hpp"
#include "io/journal.hpp"
#include "io/output_formats.hpp"
#include "io/output_lock.hpp"
#include "io/raster_input.hpp"
#include "io/safe_files.hpp"
#include "kernels/registry.hpp"
#include "parallel/collective.hpp"
#include "parallel/interrupt.hpp"
#include "parallel/resources.hpp"

namespace geostrip {

namespace {

using json = nlohmann::json;

// An input in the order the kernel takes it: its files, the nodata value
// the kernel sees, and, unless its one file lies on the output grid and is
// read as it is, the mosaic that paints it onto the grid.
struct BoundInput {
  std::string name;
  std::vector<InputInfo> files;
  std::optional<double> nodata;
  std::optional<Mosaic> mosaic;
};

std::optional<double> nodata_override(const RunRequest& request, const std::string& input) {
  const auto o = request.nodata.find(input);
  return o != request.nodata.end() ? std::optional<double>(o->second) : std::nullopt;
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
  for (const auto& per_input : request.grid.resampling_of)
    if (const std::string& name = per_input.first;
        std::none_of(inputs.begin(), inputs.end(), [&](const InputSpec& s) { return s.name == name; }))
      throw UsageError("--resampling " + name + "=...: no input named '" + name + "'");
}

// Throws Error naming the file of an input whose pixels the operation does not take.
void check_pixels(const Operation& operation, const InputInfo& info) {
  if (is_complex(info.type) && operation.pixels == Pixels::Real)
    throw Error(info.file.path + ": " + info.type_name + " is complex; " + operation.name + " takes real pixels");
  if (!is_complex(info.type) && operation.pixels == Pixels::Complex)
    throw Error(info.file.path + ": " + info.type_name + " is real; " + operation.name + " takes complex pixels");
}

// Binds an input's files to the grid: read as it is when its one file lies
// on it, else painted onto it. An input painted or cut has pixels of no file:
// its nodata is --nodata, else its first file's, else 0 for integers (NaN
// for floats).
BoundInput bind_input(const RunRequest& request, const std::string& name, std::vector<InputInfo> files,
                      const Grid& grid) {
  const std::optional<double> override = nodata_override(request, name);
  BoundInput bound{.name = name, .files = {}, .nodata = override ? override : files.front().nodata, .mosaic = {}};
  const bool as_it_is = files.size() == 1 && on_grid(files.front(), grid);
  if (!bound.nodata && is_integer(files.front().type) && (!as_it_is || !request.grid.cutline.empty()))
    bound.nodata = 0.0;
  if (as_it_is) {
    bound.files = std::move(files);
    return bound;
  }
  bound.mosaic = make_mosaic(name, files, grid, request.grid, override, bound.nodata);
  bound.files = std::move(files);
  return bound;
}

// Every rank's pixel buffers must fit its budget before anything is
// allocated. Every rank reaches the same verdict from the same facts.
void check_memory(const RunPlan& plan, const Team& team, const std::string& output) {
  for (const RankFacts& r : team.topology.ranks) {
    const std::uint64_t needed = plan.pixel_memory[static_cast<std::size_t>(r.rank)];
    if (needed <= r.memory_budget) continue;
    const std::string rows = fmt::format("{} row{}", plan.block_rows, plan.block_rows == 1 ? "" : "s");
    throw JobError(
        fmt::format("{}: blocks of {} of {} columns need about {} of memory on this rank ({} thread(s)), more than "
                    "its budget of {}. Fix: --memory {}MiB or more{}{}",
                    output, rows, plan.input_size.cols, format_bytes(needed), r.threads,
                    format_bytes(r.memory_budget), (needed + (1 << 20) - 1) >> 20,
                    r.threads > 1 ? ", fewer --threads" : "",
                    plan.block_rows > 1 ? ", fewer --block-rows" : ", or a narrower raster"),
        r.rank, r.host);
  }
}

}  // namespace

namespace {

// An operation bound to its inputs: the kernel, the output grid and the
// inputs on it, in the kernel's order.
struct BoundRun {
  std::unique_ptr<Kernel> kernel;
  Grid grid;
  std::vector<BoundInput> inputs;
  std::optional<PolygonMask> cutline;
};

// What every rank knows before the first block: the bound run and how its
// output is split.
struct Prepared {
  BoundRun bound;
  RunPlan plan;
};

// Every rank opens the inputs (a file missing on one node fails there),
// settles the output grid and builds the kernel, which may depend on the
// inputs' types. Any failure ends all ranks together.
BoundRun bind_run(const RunRequest& request, const Team& team) {
  check_input_names(request);
  KernelArgs args = request.args;
  for (const InputSpec& input : request.inputs) args.input_names.push_back(input.name);
  check_args(args);  // a usage error before any file is opened
  const Operation& operation = args.declaration();
  BoundRun bound;
  collectively(team.comm, team.topology.me().host, [&] {
    std::map<std::string, std::vector<InputInfo>> described;
    for (const InputSpec& input : request.inputs)
      for (const FileSpec& file : input.files) {
        described[input.name].push_back(describe_input(input.name, file));
        check_pixels(operation, described[input.name].back());
      }
    std::vector<std::vector<InputInfo>> ordered;
    for (const std::string& name : args.inputs()) ordered.push_back(described.at(name));
    bound.grid = choose_grid(ordered, request.grid);
    if (!request.grid.cutline.empty()) bound.cutline = load_cutline(request.grid.cutline, bound.grid);
    for (std::size_t i = 0; i < ordered.size(); ++i)
      bound.inputs.push_back(bind_input(request, args.inputs()[i], std::move(ordered[i]), bound.grid));
    for (const InputSpec& input : request.inputs) {
      const auto& in = *std::find_if(bound.inputs.begin(), bound.inputs.end(),
                                     [&](const BoundInput& b) { return b.name == input.name; });
      args.input_types.push_back(in.files.front().type);
      args.input_nodata.push_back(in.nodata);
      args.input_painted.push_back(in.mosaic.has_value());
    }
    args.transform = bound.grid.georef.transform;
    bound.kernel = make_kernel(args);
    const KernelSpec& spec = bound.kernel->spec();
    const RasterSize grid = bound.grid.size;
    const std::string& first = bound.inputs.front().files.front().file.path;
    if (spec.window.rows > grid.rows || spec.window.cols > grid.cols)
      throw Error(fmt::format("{}: the {}x{} window of {} is larger than the raster ({}x{})", first, spec.window.rows,
                              spec.window.cols, request.args.operation, grid.rows, grid.cols));
    const RasterSize size = output_size(grid, spec.stride);
    if (size.rows < 1 || size.cols < 1) throw Error(first + ": raster is smaller than one output cell");
  });
  return bound;
}

// The rows and columns of the internal tiles an input is read in: its file's
// when read as it is; a painted input has none of its own.
std::array<std::int64_t, 2> read_tile(const BoundInput& input) {
  if (input.mosaic) return {1, 1};
  return {input.files.front().tile_rows, input.files.front().tile_cols};
}

// Colours and classes are never averaged into colours or classes that are not there.
OverviewResampling overview_default(const BoundRun& bound) {
  const KernelSpec& spec = bound.kernel->spec();
  const bool integer_output = spec.output_type != PixelType::Float32 && spec.output_type != PixelType::Float64 &&
                              spec.output_type != PixelType::CFloat32;
  const bool classes = integer_output && bound.inputs.front().files.front().categorical;
  return spec.color == ColorModel::RGBA || classes ? OverviewResampling::Nearest : OverviewResampling::Average;
}

// Blocks of 2^j tile rows make the first j overview levels' tile rows whole,
// so the ranks encode them; rank 0 encodes the levels below on its writer
// thread, 4^-j / 3 of the full resolution's pixels, which keeps pace with
// 3 x 4^j threads in all. j is the smallest that keeps that pace (0 up to 3
// threads, 1 up to 12, 2 up to 48, else 3), as every doubling of the rows
// doubles a block's memory, and at least 1 with several ranks, so that every
// rank encodes its own overview tiles. Smaller where the raster gives a rank
// fewer than two such blocks or a rank's memory budget cannot hold them
// (`shape`, of blocks of `tile_rows`). A rank's threads make such a block
// together (RunPlan::in_strips()).
std::int64_t overview_alignment(const SummarySpec& summary, const BlockRowsRequest& shape, const Team& team) {
  const std::int64_t ranks = team.comm.size(), threads = std::int64_t{team.topology.max_threads()} * ranks;
  int paced = ranks > 1 ? 1 : 0;
  while (paced < 3 && threads > (std::int64_t{3} << (2 * paced))) ++paced;
  for (int j = std::min(summary.tile_levels(), paced); j > 0; --j) {
    BlockRowsRequest aligned = shape;
    aligned.tile_rows = shape.tile_rows << j;
    if (shape.output_rows / aligned.tile_rows >= 2 * ranks && agreed_block_rows(team, aligned) >= aligned.tile_rows)
      return std::int64_t{1} << j;
  }
  return 1;
}

// How the output of a bound run is split into blocks and rounds, and the
// pixel memory that takes on each rank: from the team's facts alone, the same
// on every rank.
RunPlan plan_blocks(const BoundRun& bound, const EngineOptions& engine, const Team& team) {
  const std::array<std::int64_t, 2> first_tile = read_tile(bound.inputs.front());
  const KernelSpec& spec = bound.kernel->spec();
  const RasterSize grid = bound.grid.size;
  std::vector<InputPlan> inputs;
  for (const BoundInput& input : bound.inputs) {
    std::vector<std::string> files;
    for (const InputInfo& file : input.files) files.push_back(file.file.path);
    inputs.push_back({.name = input.name,
                      .files = std::move(files),
                      .resampling = input.mosaic ? input.mosaic->resampling : "",
                      .nodata = input.nodata});
  }
  RunPlan plan{.input_size = grid,
               .size = output_size(grid, spec.stride),
               .georef = scale(bound.grid.georef, spec.stride),
               .inputs = std::move(inputs),
               .output_type = spec.output_type,
               .output_bands = spec.output_bands,
               .halo = spec.window.halo(),
               .block_rows_auto = !engine.block_rows,
               .input_tile_rows = first_tile[0],
               .ranks = team.comm.size(),
               .blocks_per_rank = driver_options(team).blocks_per_rank};
  plan.format = engine.write.cog ? "COG" : engine.convert_to.empty() ? "GTiff" : engine.convert_to;
  plan.summary = summary_spec({.path = {},
                               .size = plan.size,
                               .georef = {},
                               .type = spec.output_type,
                               .bands = spec.output_bands,
                               .color = spec.color,
                               .nodata = spec.output_nodata,
                               .band_names = {},
                               .fingerprint = {},
                               .overview_default = overview_default(bound)},
                              engine.write);
  plan.strips = plan.halo != Halo{} || !plan.summary.levels.empty();
  // In strips every thread makes its strip of each block: one block a
  // round keeps them all busy, and half as many encoded blocks in memory.
  if (plan.in_strips()) plan.blocks_per_rank = 1;
  const bool painted = std::any_of(bound.inputs.begin(), bound.inputs.end(),
                                   [](const BoundInput& input) { return input.mosaic.has_value(); });
  // A painted input is made in doubles: what is painted, a file's part, and
  // the warper's source window (about one of each at a time).
  constexpr std::uint64_t kPaintingBytesPerPixel = 4 * sizeof(double);
  plan.chunk_cols = column_chunk(spec.stride, plan.size.cols, engine.write.tile, first_tile[1]);
  plan.chunk_unit = column_unit(spec.stride, plan.size.cols, engine.write.tile, first_tile[1]);
  // A thread holds one column chunk of the inputs at a time, with its halo columns.
  const std::int64_t chunk_input_cols = std::min(grid.cols, plan.chunk_cols * spec.stride.cols + 2 * plan.halo.cols);
  const std::uint64_t input_row_bytes =
      static_cast<std::uint64_t>(chunk_input_cols) *
      (size_of(spec.input_type) * bound.inputs.size() + (painted ? kPaintingBytesPerPixel : 0));
  // With a halo, the threads keep decoded what the next reads take again
  // (io/chunk_assembly.hpp): the tiles of a column chunk's last columns,
  // and across the raster the overlap rows, or the rest of the tiles a read
  // stopped inside (about a row of them) where blocks are not whole tile
  // rows of a GeoTIFF, or for HDF5 chunks (those shuffled are decoded whole).
  const auto kept_tiles = [&](std::int64_t block_rows) {
    std::uint64_t bytes = 0;
    if (plan.halo != Halo{})
      for (const BoundInput& input : bound.inputs)
        if (!input.mosaic) {
          const InputInfo& file = input.files.front();
          const bool overlap_only = !file.file.hdf5 && block_rows % file.tile_rows == 0;
          const std::int64_t rows = std::min(overlap_only ? 2 * plan.halo.rows : file.tile_rows, grid.rows);
          bytes += static_cast<std::uint64_t>(rows * grid.cols + file.tile_rows * 2 * file.tile_cols) *
                   size_of(file.type);
        }
    return bytes;
  };
  plan.overview_coding = overview_coding(engine.write, spec.output_type);
  // Whole output tile rows that are whole input tile rows too: a thread's rows at once.
  const std::int64_t tile_rows = block_alignment(engine.write.tile, plan.input_tile_rows);
  const std::uint64_t row_bytes = static_cast<std::uint64_t>(plan.size.cols) * size_of(spec.output_type) *
                                  static_cast<std::uint64_t>(spec.output_bands);
  // A block's overview rows are a third of its own, at most (1/4 + 1/16 + ...).
  const std::uint64_t overview_row_bytes = plan.summary.levels.empty() ? 0 : row_bytes / 3;
  BlockRowsRequest shape{
      .output_rows = plan.size.rows,
      .input_bytes_per_row = input_row_bytes * static_cast<std::uint64_t>(spec.stride.rows),
      .output_bytes_per_row = row_bytes + overview_row_bytes,
      .tile_rows = tile_rows,
      .chunk_rows = tile_rows,
      .halo_bytes = input_row_bytes * static_cast<std::uint64_t>(2 * plan.halo.rows),
      .halo_rows = plan.halo.rows,
      .thread_bytes = painted ? kTransformCacheBytes : 0,
      .rank_bytes = kept_tiles(tile_rows),
      .strips = plan.in_strips(),
      // --write direct: the ranks write their own tiles; rank 0 receives their overview rows only.
      .gathered_bytes_per_row = engine.write_direct ? std::optional(overview_row_bytes) : std::nullopt};
  if (!plan.summary.levels.empty()) shape.tile_rows *= overview_alignment(plan.summary, shape, team);
  plan.block_rows = plan.block_rows_auto ? agreed_block_rows(team, shape)
                                         : std::min(*engine.block_rows, plan.size.rows);
  plan.chunk_rows = std::min(plan.block_rows, shape.chunk_rows);
  shape.rank_bytes = kept_tiles(plan.block_rows);
  plan.blocks = split_rows(plan.size.rows, plan.block_rows).size();
  const std::size_t round = static_cast<std::size_t>(plan.ranks) * static_cast<std::size_t>(plan.blocks_per_rank);
  plan.rounds = (plan.blocks + round - 1) / round;
  for (const BlockRowsRequest& rank : rank_requests(team, shape))
    plan.pixel_memory.push_back(pixel_memory(rank, plan.block_rows));
  return plan;
}

Prepared prepare(const RunRequest& request, const Team& team) {
  BoundRun bound = bind_run(request, team);
  RunPlan plan = plan_blocks(bound, request.engine, team);
  // Each rank writes whole tile rows; rows cut from a tile row would need rank 0 to assemble them.
  if (request.engine.write_direct && !plan.blocks_are_tile_rows())
    throw UsageError(fmt::format("--write direct: blocks must be whole tile rows, and {} rows are not a multiple of "
                                 "--tile {} (give --block-rows a multiple of it{})",
                                 plan.block_rows, plan.summary.tile, plan.block_rows_auto ? ", or more --memory" : ""));
  check_memory(plan, team, request.output);
  return {.bound = std::move(bound), .plan = std::move(plan)};
}

// What one thread needs to make blocks: its own readers and open files (GDAL
// handles are never shared between threads), and the seconds it spent in
// each stage.
struct ThreadWork {
  OpenFiles open_files;
  std::vector<std::unique_ptr<RowReader>> readers;
  StageSeconds stages;
  std::size_t blocks = 0;
};

// One chunk of a block: read the inputs' source region, compute the kernel,
// encode the result into the block.
void make_chunk(const Prepared& prepared, const RowEncoder& encoder, const Region& cells, ThreadWork& work,
                EncodedRows& block) {
  const Kernel& kernel = *prepared.bound.kernel;
  const std::vector<BoundInput>& bound_inputs = prepared.bound.inputs;
  const KernelSpec& spec = kernel.spec();
  const RasterSize raster = prepared.bound.grid.size;
  const Region source = source_region(cells, spec.stride, prepared.plan.halo, raster);
  const auto read_start = std::chrono::steady_clock::now();
  std::vector<BlockBuffer> pixels;
  std::vector<KernelInput> inputs;
  pixels.reserve(bound_inputs.size());
  for (std::size_t i = 0; i < bound_inputs.size(); ++i) {
    work.readers[i]->read(pixels.emplace_back(spec.input_type, 1, source));
    inputs.push_back({pixels.back(), bound_inputs[i].nodata});
  }
  const auto compute_start = std::chrono::steady_clock::now();
  BlockBuffer result(spec.output_type, spec.output_bands, cells);
  kernel.compute(inputs, {.raster = raster, .input = source}, result);
  inputs.clear();  // the inputs are done with: free them before encoding
  pixels.clear();
  const auto encode_start = std::chrono::steady_clock::now();
  encoder.encode(result, block);
  work.stages.read += std::chrono::duration<double>(compute_start - read_start).count();
  work.stages.compute += std::chrono::duration<double>(encode_start - compute_start).count();
  work.stages.encode += seconds_since(encode_start);
}

// A block is made in chunks of whole tile rows (plan.chunk_rows), each in
// the column chunks of the threads' strips (column_chunks()), so a thread's
// pixels do not grow with the block or the raster. Chunk i of a block is
// row chunk i / across, column chunk i % across.
std::size_t chunk_count(const RunPlan& plan, RowBlock rows, std::size_t across) {
  return static_cast<std::size_t>((rows.rows() + plan.chunk_rows - 1) / plan.chunk_rows) * across;
}

Region chunk_cells(const RunPlan& plan, RowBlock rows, const std::vector<ColumnChunk>& columns, std::size_t chunk) {
  const std::int64_t first_row = rows.begin + static_cast<std::int64_t>(chunk / columns.size()) * plan.chunk_rows;
  return {.rows = {first_row, std::min(first_row + plan.chunk_rows, rows.end)}, .cols = columns[chunk % columns.size()].cols};
}

// The thread's readers, opened at its first chunk.
void open_readers(const Prepared& prepared, ThreadWork& work) {
  if (!work.readers.empty()) return;
  for (const BoundInput& input : prepared.bound.inputs) {
    std::unique_ptr<RowReader> reader = input.mosaic ? open_mosaic_reader(*input.mosaic, work.open_files)
                                                     : open_reader(input.files.front(), {.rows = 2 * prepared.plan.halo.rows,
                                                                                         .cols = 2 * prepared.plan.halo.cols});
    const auto& cutline = prepared.bound.cutline;
    work.readers.push_back(cutline ? cut_reader(std::move(reader), *cutline, input.nodata) : std::move(reader));
  }
}

// Every rank's stats, on every rank.
std::vector<RankStats> gather_stats(const Communicator& comm, const RankStats& mine) {
  const json text{{"host", mine.host},      {"threads", mine.threads},
                  {"blocks", mine.blocks},  {"read", mine.stages.read},
                  {"compute", mine.stages.compute}, {"encode", mine.stages.encode},
                  {"gather", mine.stages.gather},
                  {"write", mine.stages.write},     {"peak_rss", mine.peak_rss},
                  {"bytes_sent", mine.bytes_sent},  {"bytes_written", mine.bytes_written}};
  std::vector<RankStats> all;
  int rank = 0;
  for (const std::string& line : comm.allgather(text.dump())) {
    const json r = json::parse(line);
    all.push_back({.rank = rank++,
                   .host = r["host"],
                   .threads = r["threads"],
                   .blocks = r["blocks"],
                   .stages = {.read = r["read"],
                              .compute = r["compute"],
                              .encode = r["encode"],
                              .gather = r["gather"],
                              .write = r["write"]},
                   .peak_rss = r["peak_rss"],
                   .bytes_sent = r["bytes_sent"],
                   .bytes_written = r["bytes_written"]});
  }
  return all;
}

}  // namespace

int RunPlan::levels_encoded_by_ranks() const {
  int levels = 0;
  while (levels < summary.tile_levels() && blocks_make_tile_rows(levels + 1)) ++levels;
  return levels;
}

StageSeconds& StageSeconds::operator+=(const StageSeconds& other) {
  read += other.read;
  compute += other.compute;
  encode += other.encode;
  gather += other.gather;
  write += other.write;
  return *this;
}

StageSeconds RunSummary::total() const {
  StageSeconds sum;
  for (const RankStats& r : ranks) sum += r.stages;
  return sum;
}

std::uint64_t RunSummary::peak_rss() const {
  std::uint64_t peak = 0;
  for (const RankStats& r : ranks) peak = std::max(peak, r.peak_rss);
  return peak;
}

double RunSummary::pixels_per_second() const {
  const auto pixels = static_cast<double>((plan.size.rows - resumed_rows) * plan.size.cols);
  return seconds > 0 ? pixels / seconds : 0;
}

std::vector<BlockRowsRequest> rank_requests(const Team& team, const BlockRowsRequest& shape) {
  std::vector<BlockRowsRequest> requests;
  for (const RankFacts& r : team.topology.ranks) {
    BlockRowsRequest request = shape;
    request.threads = r.threads;
    request.ranks = static_cast<int>(team.topology.ranks.size());
    request.gathers = r.rank == 0;
    request.memory_budget = r.memory_budget;
    requests.push_back(request);
  }
  return requests;
}

std::int64_t agreed_block_rows(const Team& team, const BlockRowsRequest& shape) {
  std::int64_t rows = shape.output_rows;
  for (const BlockRowsRequest& request : rank_requests(team, shape)) rows = std::min(rows, auto_block_rows(request));
  return std::max<std::int64_t>(1, rows);
}

DriverOptions driver_options(const Team& team) {
  std::vector<std::string> hosts;
  for (const RankFacts& r : team.topology.ranks) hosts.push_back(r.host);
  return {.threads = team.topology.me().threads,
          .blocks_per_rank = team.topology.max_threads(),
          .max_message = max_message_bytes(),
          .stall_timeout = team.stall_timeout,
          .hosts = std::move(hosts)};
}

std::vector<RoleOfFile> files_of_run(const RunRequest& request) {
  std::vector<RoleOfFile> files;
  for (const InputSpec& input : request.inputs)
    for (const FileSpec& file : input.files) files.push_back({"input " + input.name, file.file()});
  if (!request.grid.grid_file.empty()) files.push_back({"the --grid file", request.grid.grid_file});
  if (!request.grid.cutline.empty()) files.push_back({"the --cutline file", request.grid.cutline});
  files.push_back({"the output", request.output});
  files.push_back({"the output's partial file", partial_path(request.output)});
  files.push_back({"the output's copy in COG's order", cog_copy_path(request.output)});
  files.push_back({"the output's overview tiles", overview_store_path(request.output)});
  files.push_back({"the output's sidecar", sidecar_path(request.output)});
  if (!request.engine.convert_to.empty()) {
    const std::string source = conversion_source_path(request.output);
    files.push_back({"the GeoTIFF converted into the output", source});
    files.push_back({"its partial file", partial_path(source)});
    files.push_back({"its journal", Journal::path_for(source)});
    files.push_back({"the directory the output is converted in", conversion_directory(request.output)});
    files.push_back({"the output's receipt", receipt_path(request.output)});
  }
  files.push_back({"the output's journal", Journal::path_for(request.output)});
  files.push_back({"the output's lock", OutputLock::path_for(request.output)});
  return files;
}


RunPlan plan(const RunRequest& request, const Team& team) { return prepare(request, team).plan; }

RunSummary run(const RunRequest& request, const Team& team) {
  const auto start = std::chrono::steady_clock::now();
  const RankFacts& me = team.topology.me();
  const bool root = team.comm.rank() == 0;
  // Before any work: what is at OUTPUT may be replaced, and no other run writes it.
  std::optional<OutputLock> lock;
  collectively(team.comm, me.host, [&] {
    if (!root) return;
    check_writable_target(request.output, request.engine.write.overwrite, "output");
    lock.emplace(request.output);
  });
  const Prepared prepared = prepare(request, team);
  const RunPlan& plan = prepared.plan;
  const KernelSpec& spec = prepared.bound.kernel->spec();

  // Every rank encodes; only rank 0 writes, so only it needs the fingerprint
  // (which stats every file the inputs read).
  const std::vector<InputFile> files = root ? input_files(request) : std::vector<InputFile>();
  // The GeoTIFF itself, or the one rank 0 converts into another format at the end.
  const bool converts = !request.engine.convert_to.empty();
  const OutputSpec output{.path = converts ? conversion_source_path(request.output) : request.output,
                          .size = plan.size,
                          .georef = plan.georef,
                          .type = spec.output_type,
                          .bands = spec.output_bands,
                          .color = spec.color,
                          .nodata = spec.output_nodata,
                          .band_names = spec.band_names.empty()
                                            ? std::vector<std::string>(static_cast<std::size_t>(spec.output_bands),
                                                                       request.args.operation)
                                            : spec.band_names,
                          .fingerprint = root ? job_fingerprint(request, files) : std::string(),
                          .overview_default = plan.summary.resampling};
  const GeoTiffEncoder encoder(output, request.engine.write);
  std::optional<GeoTiffWriter> writer;
  collectively(team.comm, me.host, [&] {
    if (!root) return;
    // A format that refuses OUTPUT's name or pixels fails now, not after the work.
    if (converts) check_conversion(request.output, request.engine.convert_to, output.type, output.bands, output.georef);
    WriteOptions write = request.engine.write;
    write.overwrite = write.overwrite || converts;  // the converted GeoTIFF is this run's own
    write.encode_threads = me.threads;  // idle while the writer encodes the last rows
    writer.emplace(output, write, std::move(*lock));
  });
  if (writer && !writer->discarded().empty()) fmt::print(stderr, "geostrip: warning: {}\n", writer->discarded());
  // A resumed output has its first rows on disk already: only the rest is computed.
  const std::int64_t resumed_rows = team.comm.broadcast(writer ? writer->resumed_rows() : 0, 0);
  const RowBlocks blocks = split_rows(RowBlock{resumed_rows, plan.size.rows}, plan.block_rows);

  std::vector<ThreadWork> threads(static_cast<std::size_t>(me.threads));
  const std::vector<ColumnChunk> columns = plan.columns(me.threads);
  const BlockMaker maker{
      .parts = [&](RowBlock rows) { return chunk_count(plan, rows, columns.size()); },
      .owner =
          [&](RowBlock rows, std::size_t chunk) {
            return plan.in_strips() ? columns[chunk % columns.size()].thread
                                    : static_cast<int>(rows.begin / plan.block_rows);
          },
      .start =
          [&](RowBlock rows) {
            std::vector<EncodedRows> outputs{{.rows = rows, .pieces = {}, .crcs = {}, .summaries = {}, .overviews = {}}};
            encoder.start(outputs.front());
            return outputs;
          },
      .make_part =
          [&](RowBlock rows, std::size_t chunk, int thread, std::vector<EncodedRows>& outputs) {
            ThreadWork& work = threads[static_cast<std::size_t>(thread)];
            open_readers(prepared, work);
            make_chunk(prepared, encoder, chunk_cells(plan, rows, columns, chunk), work, outputs.front());
          },
      .finish_parts = [&](RowBlock, std::vector<EncodedRows>& outputs) { return encoder.finish_parts(outputs.front()); },
      .finish_part =
          [&](RowBlock, std::size_t part, int thread, std::vector<EncodedRows>& outputs) {
            const auto encode_start = std::chrono::steady_clock::now();
            encoder.finish_part(outputs.front(), part);
            threads[static_cast<std::size_t>(thread)].stages.encode += seconds_since(encode_start);
          },
      .finish =
          [&](RowBlock, int thread, std::vector<EncodedRows>& outputs) {
            encoder.finish(outputs.front());
            ++threads[static_cast<std::size_t>(thread)].blocks;
          }};
  // --write direct: every rank writes its own tiles into the partial file rank 0 made.
  DriverOptions driving = driver_options(team);
  driving.blocks_per_rank = plan.blocks_per_rank;
  std::optional<DirectTiles> own_tiles;
  DirectWrite direct;
  if (request.engine.write_direct) {
    const FileIdentity partial = writer ? writer->partial_identity() : FileIdentity{};
    const FileIdentity made{.device = static_cast<dev_t>(team.comm.broadcast(std::int64_t(partial.device), 0)),
                            .inode = static_cast<ino_t>(team.comm.broadcast(std::int64_t(partial.inode), 0)),
                            .name = {}};
    collectively(team.comm, me.host, [&] { own_tiles.emplace(output.path, made, encoder.format()); });
    direct = {.reserve = [&](RowBlock rows, const std::vector<std::uint64_t>& sizes) {
                return writer->reserve(rows, sizes);
              },
              .write = [&](EncodedRows& block, const std::vector<std::uint64_t>& starts) {
                own_tiles->write(block, starts);
              },
              .sync = [&] { own_tiles->sync(); }};
    driving.direct = &direct;
  }
  Progress progress("blocks", blocks.size(), team.comm.rank() == 0 ? request.engine.progress : ProgressMode::None);
  std::size_t written = 0;
  const DriverResult result =
      run_blocks(blocks, team.comm, driving, maker, [&](std::vector<EncodedRows>&& out) {
        writer->place(std::move(out.front()));
        progress.update(++written, 0);
      });
  progress.finish();
  if (result.signal != 0) {
    const std::int64_t rows = writer ? writer->suspend() : 0;
    const std::string kept = rows > 0 ? fmt::format("rows 0-{} of {} are in {}", rows - 1, plan.size.rows,
                                                    partial_path(output.path))
                                      : "no rows were written yet";
    throw Interrupted(fmt::format("interrupted by {}: {}; run the same command again to resume",
                                  signal_name(result.signal), kept),
                      result.signal);
  }
  const auto write_start = std::chrono::steady_clock::now();
  // The inputs must be as they were when the run began, or the pixels may mix two versions of them.
  collectively(team.comm, me.host, [&] {
    if (!writer) return;
    if (const auto changed = changed_input(files)) throw Error(*changed + "; " + request.output + " not written");
    writer->commit();
    if (converts)
      convert_output(output.path, request.output, request.engine.convert_to, output.fingerprint,
                     request.engine.write.overwrite);
  });

  RankStats mine{.rank = team.comm.rank(), .host = me.host, .threads = me.threads};
  for (const ThreadWork& thread : threads) {
    mine.stages += thread.stages;
    mine.blocks += thread.blocks;
  }
  mine.stages.gather = result.gather_seconds;
  const double finish_seconds = writer ? seconds_since(write_start) : 0;
  mine.stages.write = result.write_seconds + finish_seconds;
  mine.peak_rss = peak_rss_bytes();
  mine.bytes_sent = result.bytes_sent;
  std::uint64_t output_bytes = 0;
  if (writer) {
    std::error_code gone;  // only if someone removed it already: then nothing to count
    const std::uintmax_t size = std::filesystem::file_size(request.output, gone);
    output_bytes = gone ? 0 : size;
  }
  mine.bytes_written = own_tiles ? own_tiles->bytes_written() : output_bytes;
  std::vector<RankStats> ranks = gather_stats(team.comm, mine);
  if (own_tiles && writer) {  // rank 0 wrote the rest: header, index, overviews
    std::uint64_t others = 0;
    for (std::size_t r = 1; r < ranks.size(); ++r) others += ranks[r].bytes_written;
    ranks.front().bytes_written = output_bytes - std::min(others, output_bytes);
  }
  return {.plan = plan,
          .blocks = blocks.size(),
          .resumed_rows = resumed_rows,
          .seconds = seconds_since(start),
          .finish_seconds = finish_seconds,
          .ranks = std::move(ranks)};
}

}  // namespace geostrip
