#include "cli/summary.hpp"

#include <fmt/ranges.h>

#include <algorithm>

#include "engine/run_report.hpp"
#include "io/gdal.hpp"
#include "parallel/collective.hpp"
#include "parallel/resources.hpp"
#include "report/report_file.hpp"

namespace geostrip {

namespace {

int most_threads(const RunSummary& s) {
  int threads = 1;
  for (const RankStats& r : s.ranks) threads = std::max(threads, r.threads);
  return threads;
}

// ", encoded with zstd at level 3", or without the level for codecs that have none.
std::string encoded_as(const OverviewCoding& coding) {
  if (coding.codec == Codec::None) return ", uncompressed";
  return fmt::format(", encoded with {}{}", codec_name(coding.codec),
                     coding.level ? fmt::format(" at level {}", *coding.level) : std::string());
}

}  // namespace

void print_summary(const Console& console, const std::string& output, const RunSummary& s) {
  const RunPlan& plan = s.plan;
  if (s.resumed_rows > 0)
    console.out("resumed {}: rows 0-{} were written by an interrupted run\n", output, s.resumed_rows - 1);
  console.out("wrote {} ({}x{} pixels, {} blocks of {} rows, halo {}, {} rank(s) x {} threads) in {:.2f} s, "
              "{:.1f} Mpixel/s\n",
              output, plan.size.rows, plan.size.cols, s.blocks, plan.block_rows, plan.halo.rows, plan.ranks,
              most_threads(s), s.seconds, s.pixels_per_second() / 1e6);
  const StageSeconds t = s.total();
  console.out("  stages: read {:.2f} s, compute {:.2f} s and encode {:.2f} s (summed over threads), gather {:.2f} s, "
              "write {:.2f} s; peak memory {} per rank at most\n",
              t.read, t.compute, t.encode, t.gather, t.write, format_bytes(s.peak_rss()));
}

void print_plan(const Console& console, const RunRequest& request, const RunPlan& plan, const Topology& topology) {
  console.out("plan for {} -> {} (nothing is written)\n", request.args.operation, request.output);
  console.out("  input grid {}x{} (tile height {}); output {}x{}, {} band(s) of {}\n", plan.input_size.rows,
              plan.input_size.cols, plan.input_tile_rows, plan.size.rows, plan.size.cols, plan.output_bands,
              name_of(plan.output_type));
  const Georeference& georef = plan.georef;
  if (georef.transform)
    console.out("  output grid: CRS {}, geotransform ({})\n", crs_name(georef.crs_wkt),
                fmt::join(*georef.transform, ", "));
  else if (!georef.gcps.empty())
    console.out("  output grid: the input's raster geometry, with its {} GCPs (CRS {})\n", georef.gcps.size(),
                crs_name(georef.gcp_crs_wkt));
  else if (!georef.rpc.empty())
    console.out("  output grid: the input's raster geometry, with its RPCs\n");
  else
    console.out("  output grid: no georeference (radar geometry)\n");
  for (const InputPlan& input : plan.inputs) {
    const std::string nodata = input.nodata ? fmt::format("{}", *input.nodata) : "NaN";
    constexpr std::size_t kNamed = 3;
    const std::size_t named = std::min(input.files.size(), kNamed);
    const std::string files =
        fmt::format("{}{}", fmt::join(input.files.begin(), input.files.begin() + static_cast<std::ptrdiff_t>(named), ", "),
                    input.files.size() > named ? fmt::format(" and {} more", input.files.size() - named) : "");
    if (input.resampling.empty())
      console.out("  input {}: {}, read as it is (nodata {})\n", input.name, files, nodata);
    else
      console.out("  input {}: {} painted onto the grid, resampling {}, mosaic {} (nodata {})\n", input.name, files,
                  input.resampling, mosaic_rule_name(request.grid.mosaic), nodata);
  }
  std::vector<std::string> levels;
  for (const RasterSize& level : plan.summary.levels) levels.push_back(fmt::format("{}x{}", level.rows, level.cols));
  const int by_ranks = plan.levels_encoded_by_ranks();
  const std::string encoded_where =
      by_ranks == static_cast<int>(levels.size()) ? "every level encoded by the rank that computes it"
      : by_ranks == 0                             ? "every level encoded by rank 0"
      : by_ranks == 1 ? "level 1 encoded by the rank that computes it, the rest by rank 0"
                      : fmt::format("levels 1-{} encoded by the rank that computes them, the rest by rank 0", by_ranks);
  console.out("  output: {}{}{}\n", plan.format,
              levels.empty() ? std::string(", no overviews")
                             : fmt::format(", {} overview levels ({}) by {}{}, made from each tile as it is computed, {}; "
                                           "at the end room made for them after the header (or the file copied)",
                                           levels.size(), fmt::join(levels, ", "), name_of(plan.summary.resampling),
                                           encoded_as(plan.overview_coding),
                                           encoded_where),
              plan.summary.stats ? ", statistics of every band" : "");
  console.out("  halo: {} rows, {} columns read beyond each block\n", plan.halo.rows, plan.halo.cols);
  console.out("  blocks: {} of {} rows{}\n", plan.blocks, plan.block_rows,
              !plan.block_rows_auto         ? ""
              : plan.blocks_are_tile_rows() ? " (auto: whole output tile rows, from the halo, the threads and --memory)"
                                            : " (auto: less than a tile row, all that --memory holds; rank 0 "
                                              "assembles the tile rows)");
  const int threads = topology.max_threads();
  std::int64_t widest = 0;
  for (const ColumnChunk& chunk : plan.columns(threads)) widest = std::max(widest, chunk.cols.rows());
  console.out("  chunks: a thread computes {} rows of {} at once{}\n", plan.chunk_rows,
              widest >= plan.size.cols ? std::string("the whole width") : fmt::format("{} columns", widest),
              plan.in_strips() && threads > 1 ? ", each thread in its own column strip of every block" : "");
  console.out("  rounds: {} of {} rank(s) x {} block{}; {}\n", plan.rounds, plan.ranks, plan.blocks_per_rank,
              plan.blocks_per_rank == 1 ? "" : "s",
              request.engine.write_direct ? "every rank writes its own tiles (--write direct)"
                                          : "rank 0 gathers the tiles and writes them");
  for (const RankFacts& r : topology.ranks) {
    const auto ranks = static_cast<std::size_t>(plan.ranks), rank = static_cast<std::size_t>(r.rank);
    const std::size_t blocks = plan.blocks / ranks + (rank < plan.blocks % ranks ? 1 : 0);
    console.out("  rank {} on {}: {} blocks on {} threads, pixel buffers about {}{}\n", r.rank, r.host, blocks,
                r.threads, format_bytes(plan.pixel_memory[rank]),
                r.rank == 0 && !request.engine.write_direct ? " (with the gathered rounds it writes)" : "");
  }
}

void write_run_report(const std::string& path, const RunSummary& summary, const Team& team,
                      const std::string& command, const std::string& output) {
  collectively(team.comm, team.topology.me().host, [&] {
    if (team.comm.rank() == 0) write_report(path, run_report(summary, team.topology, command, output));
  });
}

}  // namespace geostrip
