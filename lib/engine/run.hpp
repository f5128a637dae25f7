#pragma once
// One operation over one set of inputs, written to one output, by every rank
// of a team together.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/block_driver.hpp"
#include "engine/decomposition.hpp"
#include "grid/grid_request.hpp"
#include "io/geotiff_writer.hpp"
#include "io/input_spec.hpp"
#include "io/safe_files.hpp"
#include "kernels/kernel_args.hpp"
#include "parallel/mpi.hpp"
#include "parallel/topology.hpp"
#include "report/progress.hpp"

namespace geostrip {

struct EngineOptions {
  std::optional<std::int64_t> block_rows;  // default: agreed_block_rows()
  WriteOptions write;
  // A GDAL driver that rank 0 converts the finished GeoTIFF with; empty: the GeoTIFF is the output.
  std::string convert_to;
  // --write direct: every rank writes its own tiles into the file; rank 0 gets their sizes only.
  bool write_direct = false;
  ProgressMode progress = ProgressMode::None;  // blocks written, on rank 0
};

// The ranks that run a command together, and what each may use. A batch
// runs each of its jobs on a team of one rank.
struct Team {
  const Communicator& comm;
  const Topology& topology;
  // A rank that makes no progress this long ends the command on every rank (0: never).
  std::chrono::duration<double> stall_timeout = std::chrono::minutes(10);
};

struct RunRequest {
  KernelArgs args;  // operation name and options
  std::vector<InputSpec> inputs;
  std::map<std::string, double> nodata;  // --nodata NAME=V overrides
  GridRequest grid;                      // the output grid, resampling, mosaics, clipping
  std::string output;
  EngineOptions engine;
};

// How one input reaches the grid: read as it is, or painted from its files.
struct InputPlan {
  std::string name;
  std::vector<std::string> files;  // as given
  std::string resampling;  // empty when read as it is
  std::optional<double> nodata;
};

// How a run splits its output, known from the inputs' metadata alone.
struct RunPlan {
  RasterSize input_size;  // the grid the inputs are read on
  RasterSize size;        // the output's
  Georeference georef;    // the output's: the grid, scaled by the stride
  std::vector<InputPlan> inputs;  // in the kernel's order
  PixelType output_type = PixelType::Float32;
  int output_bands = 1;
  Halo halo;
  std::int64_t block_rows = 0;
  bool block_rows_auto = true;
  std::int64_t input_tile_rows = 1;
  std::int64_t chunk_rows = 0;  // output rows a thread computes at once: whole tile rows of a block
  std::int64_t chunk_cols = 0;  // output columns a thread computes at once (column_chunk())
  std::int64_t chunk_unit = 0;  // the columns whole chunks are made of (column_unit()): threads' strips are too
  std::size_t blocks = 0;  // the whole output's
  int ranks = 1;
  int blocks_per_rank = 1;  // in each round: one a thread, or in strips one (all threads make it)
  bool strips = false;      // in_strips()
  std::size_t rounds = 0;
  std::vector<std::uint64_t> pixel_memory;  // estimated, by rank (rank 0 also holds gathered rounds)
  std::string format = "GTiff";  // GTiff, COG, or the GDAL driver the GeoTIFF is converted into
  SummarySpec summary;           // the output's overview levels, their resampling, and statistics
  OverviewCoding overview_coding;  // of overview tiles (level none: the codec has no levels)

  // Every block makes whole tile rows (summary.tile) of overview level
  // `level`, 0 the full resolution, so the ranks encode them; else rank 0
  // assembles those tile rows from raw rows.
  bool blocks_make_tile_rows(int level) const {
    return block_rows % (std::int64_t{summary.tile} << level) == 0 || block_rows >= size.rows;
  }
  bool blocks_are_tile_rows() const { return blocks_make_tile_rows(0); }
  // In strips each of a rank's threads makes its own column strip of every
  // block, one block a rank at a time; else a thread makes whole blocks
  // (ndi: 1.87 s in strips, 1.72 s in blocks). In strips with a halo, so
  // that the halo a thread reads lies in tiles it decoded itself (hillshade
  // of 77 Mpixel at 2 threads: read 2.89 -> 1.44 CPU-s); with overviews, so
  // that a block of the 2^j tile rows that make its overview tile rows whole
  // is one a rank, whatever its threads (overview_alignment()).
  bool in_strips() const { return strips; }
  // The overview levels 1..n whose tile rows every block makes whole
  // (blocks_make_tile_rows()); rank 0 encodes the rest.
  int levels_encoded_by_ranks() const;
  // A block's column chunks for a rank of `threads` threads (column_chunks()).
  std::vector<ColumnChunk> columns(int threads) const {
    return column_chunks(size.cols, chunk_cols, chunk_unit, in_strips() ? threads : 1);
  }
};

// Seconds in each stage. Read, compute and encode (compressing tiles) are
// summed over a rank's threads; gather is the main thread's; write is rank
// 0's writer thread's (placing tiles, encoding those blocks that are not
// whole tile rows and the overview rows no block has whole, and at the end
// COG's order and any conversion).
struct StageSeconds {
  double read = 0, compute = 0, encode = 0, gather = 0, write = 0;
  StageSeconds& operator+=(const StageSeconds& other);
};

struct RankStats {
  int rank = 0;
  std::string host;
  int threads = 1;
  std::size_t blocks = 0;  // computed by this rank
  StageSeconds stages;
  std::uint64_t peak_rss = 0;  // bytes, the process's high-water mark
  std::uint64_t bytes_sent = 0;     // to rank 0 in the gathers
  std::uint64_t bytes_written = 0;  // into the output (rank 0: the whole file)
};

struct RunSummary {
  RunPlan plan;
  std::size_t blocks = 0;         // computed by this run
  std::int64_t resumed_rows = 0;  // on disk from an interrupted run
  double seconds = 0;
  // Rank 0's (0 elsewhere) at the end, after the last block: deep overview
  // levels, COG's order, any conversion, the rename (part of its write stage).
  double finish_seconds = 0;
  std::vector<RankStats> ranks;  // every rank's, by rank
  StageSeconds total() const;
  double pixels_per_second() const;  // output pixels this run computed
  std::uint64_t peak_rss() const;    // the largest rank's
};

// The files a run reads (each input's file) and writes (the output, its
// partial file, journal and lock), by role.
std::vector<RoleOfFile> files_of_run(const RunRequest& request);

// Collective; reads the inputs' metadata only and writes nothing.
RunPlan plan(const RunRequest& request, const Team& team);

// Collective over the team's ranks. Throws Interrupted (on every rank) when a
// signal stopped it; the partial output and its journal are then kept.
RunSummary run(const RunRequest& request, const Team& team);

// How this rank runs the team's blocks: its own threads, and rounds of one
// block per thread of the busiest rank (the same on every rank): a round's
// finished blocks wait for its end, so a round is kept small.
DriverOptions driver_options(const Team& team);

// `shape` for every rank: its threads and budget, rank 0 gathering.
std::vector<BlockRowsRequest> rank_requests(const Team& team, const BlockRowsRequest& shape);
// Block rows every rank agrees on: the smallest any rank's budget allows.
std::int64_t agreed_block_rows(const Team& team, const BlockRowsRequest& shape);

}  // namespace geostrip
