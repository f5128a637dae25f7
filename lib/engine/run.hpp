#pragma once
// One operation over one set of inputs, written to one output, by every rank
// of a job together.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/block_driver.hpp"
#include "io/geotiff_writer.hpp"
#include "io/input_spec.hpp"
#include "kernels/kernel_args.hpp"
#include "parallel/mpi.hpp"
#include "parallel/topology.hpp"

namespace geostrip {

struct EngineOptions {
  std::optional<std::int64_t> block_rows;  // default: agreed_block_rows()
  WriteOptions write;
};

// The job a run belongs to: its ranks and what each may use.
struct Job {
  const Communicator& comm;
  const Topology& topology;
};

struct RunRequest {
  KernelArgs args;  // operation name and options
  std::vector<InputSpec> inputs;
  std::map<std::string, double> nodata;  // --nodata NAME=V overrides
  std::string output;
  EngineOptions engine;
};

struct RunSummary {
  RasterSize size;
  int ranks = 1;
  int threads = 0;
  std::int64_t block_rows = 0;
  std::size_t blocks = 0;  // computed by this run
  Halo halo;
  std::int64_t resumed_rows = 0;  // on disk from an interrupted run
  double seconds = 0;
};

// Collective over the job's ranks. Throws Interrupted (on every rank) when a
// signal stopped it; the partial output and its journal are then kept.
RunSummary run(const RunRequest& request, const Job& job);

// How this rank runs the job's blocks: its own threads, and rounds of two
// blocks per thread of the busiest rank (the same on every rank).
DriverOptions driver_options(const Job& job);

// Block rows every rank agrees on: the smallest any rank's budget allows.
std::int64_t agreed_block_rows(const Job& job, std::int64_t output_rows, std::uint64_t input_bytes_per_row,
                               std::uint64_t output_bytes_per_row, std::int64_t input_tile_rows);

}  // namespace geostrip
