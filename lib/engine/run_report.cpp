#include "engine/run_report.hpp"

#include <nlohmann/json.hpp>

#include <set>

#include "io/gdal.hpp"

namespace geostrip {

namespace {

using json = nlohmann::json;

json stages(const StageSeconds& s) {
  return {{"read", s.read}, {"compute", s.compute}, {"encode", s.encode}, {"gather", s.gather}, {"write", s.write}};
}

}  // namespace

std::string run_report(const RunSummary& summary, const Topology& topology, const std::string& command,
                       const std::string& output) {
  const RunPlan& plan = summary.plan;
  std::set<std::string> hosts;
  json per_rank = json::array();
  for (const RankFacts& r : topology.ranks) {
    hosts.insert(r.host);
    per_rank.push_back({{"rank", r.rank}, {"host", r.host}, {"threads", r.threads}, {"cores", r.usable_cores}});
  }
  // How each input reached the grid: read as it is, or painted from its files.
  json inputs = json::array();
  for (const InputPlan& input : plan.inputs)
    inputs.push_back({{"name", input.name},
                      {"files", input.files.size()},
                      {"resampling", input.resampling.empty() ? json() : json(input.resampling)},
                      {"nodata", input.nodata ? json(*input.nodata) : json()}});
  json ranks = json::array();
  for (const RankStats& r : summary.ranks)
    ranks.push_back({{"rank", r.rank},
                     {"host", r.host},
                     {"threads", r.threads},
                     {"blocks", r.blocks},
                     {"stage_seconds", stages(r.stages)},
                     {"peak_rss_bytes", r.peak_rss},
                     {"bytes_sent_to_rank_0", r.bytes_sent},
                     {"bytes_written", r.bytes_written}});
  json overview_sizes = json::array();
  for (const RasterSize& level : plan.summary.levels) overview_sizes.push_back({level.rows, level.cols});
  return json{{"command", command},
              {"version", GEOSTRIP_VERSION},
              {"output", output},
              {"topology",
               {{"nodes", topology.nodes},
                {"ranks", topology.ranks.size()},
                {"hosts", hosts},
                {"per_rank", per_rank}}},
              {"grid",
               {{"rows", plan.size.rows},
                {"cols", plan.size.cols},
                {"crs", crs_name(plan.georef.crs_wkt)},
                {"crs_wkt", plan.georef.crs_wkt},
                {"geotransform", plan.georef.transform ? json(*plan.georef.transform) : json()},
                {"gcps", plan.georef.gcps.size()},
                {"rpc", plan.georef.rpc},
                {"inputs", inputs}}},
              {"decomposition",
               {{"rows", plan.size.rows},
                {"cols", plan.size.cols},
                {"blocks", plan.blocks},
                {"block_rows", plan.block_rows},
                {"block_rows_auto", plan.block_rows_auto},
                {"halo", {{"rows", plan.halo.rows}, {"cols", plan.halo.cols}}},
                {"chunk_rows", plan.chunk_rows},
                {"chunk_cols", plan.chunk_cols},
                {"blocks_per_rank_per_round", plan.blocks_per_rank},
                {"rounds", plan.rounds},
                {"blocks_computed", summary.blocks},
                {"resumed_rows", summary.resumed_rows}}},
              {"output_format",
               {{"format", plan.format},
                {"overviews", overview_sizes},
                {"overview_resampling", plan.summary.levels.empty() ? json() : json(name_of(plan.summary.resampling))},
                {"overview_compress",
                 plan.summary.levels.empty() ? json() : json(codec_name(plan.overview_coding.codec))},
                {"overview_level", plan.summary.levels.empty() || !plan.overview_coding.level
                                       ? json()
                                       : json(*plan.overview_coding.level)},
                {"overview_levels_encoded_by_ranks", plan.levels_encoded_by_ranks()},
                {"statistics", plan.summary.stats},
                {"finish_seconds", summary.finish_seconds}}},
              {"seconds", summary.seconds},
              {"stage_seconds", stages(summary.total())},
              {"pixels_per_second", summary.pixels_per_second()},
              {"peak_rss_bytes", summary.peak_rss()},
              {"ranks", ranks}}
             .dump(2) +
         '\n';
}

}  // namespace geostrip
