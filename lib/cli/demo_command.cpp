// `geostrip demo`: the main job on a built-in scene: a synthetic Sentinel-2
// scene, its RGB with a quicklook, and its NDVI with a run report.
#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/parse.hpp"
#include "cli/summary.hpp"
#include "io/quicklook.hpp"
#include "parallel/collective.hpp"
#include "synth/s2_scene.hpp"

namespace geostrip {

namespace {

constexpr int kQuicklookEdge = 1024;

class DemoCommand final : public Command {
 public:
  void add_to(CLI::App& app) override {
    app_ = app.add_subcommand("demo", "synthesize a Sentinel-2-like scene, then run rgb and ndi on it");
    app_->add_option("-o,--output", dir_, "directory for the scene and results")->capture_default_str();
    app_->add_option("--size", size_, "scene ROWSxCOLS")->capture_default_str();
    launch_.add_to(*app_);
    out_.add_to(*app_);
    add_config_option(*app_);
  }

  int run(const Team* team, const Invocation& invocation) override {
    const Console& console = invocation.console;
    EngineOptions options = out_.engine();
    options.write.overwrite = true;  // the demo owns its directory
    const std::string scene = dir_ + "/scene";
    console.out("synthesizing a {} Sentinel-2-like scene in {}/\n", size_, scene);
    synth::write_s2_scene(scene, parse_raster_size("--size", size_), 1, options, *team);

    RunRequest rgb{.args = {.operation = "rgb", .values = {{"clamp", {"3000"}}}},
                   .inputs = {{"red", scene + "/B04.tif", 1}, {"green", scene + "/B03.tif", 1},
                              {"blue", scene + "/B02.tif", 1}},
                   .output = dir_ + "/rgb.tif",
                   .engine = options};
    print_summary(console, rgb.output, geostrip::run(rgb, *team));
    const std::string quicklook = dir_ + "/rgb.png";
    collectively(team->comm, team->topology.me().host, [&] {
      if (team->comm.rank() == 0) write_quicklook(rgb.output, quicklook, kQuicklookEdge);
    });
    console.out("wrote {}, a quicklook of {}\n", quicklook, rgb.output);

    const RunRequest ndvi{.args = {.operation = "ndi"},
                          .inputs = {{"a", scene + "/B08.tif", 1}, {"b", scene + "/B04.tif", 1}},
                          .output = dir_ + "/ndvi.tif",
                          .engine = options};
    const RunSummary summary = geostrip::run(ndvi, *team);
    print_summary(console, ndvi.output, summary);
    const std::string report = dir_ + "/ndvi.report.json";
    write_run_report(report, summary, *team, "geostrip demo", ndvi.output);
    console.out("wrote {}, the run report of {}\n", report, ndvi.output);
    return kExitDone;
  }

 private:
  std::string dir_ = "geostrip-demo";
  std::string size_ = "4000x4000";
  OutputArgs out_;
};

}  // namespace

std::unique_ptr<Command> make_demo_command() { return std::make_unique<DemoCommand>(); }

}  // namespace geostrip
