// `geostrip synth KIND`: realistic synthetic input scenes.
#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/parse.hpp"
#include "core/error.hpp"
#include "io/safe_files.hpp"
#include "parallel/collective.hpp"
#include "synth/dem_scene.hpp"
#include "synth/generate.hpp"
#include "synth/s2_scene.hpp"
#include "synth/s2_tiles.hpp"
#include "synth/slc_scene.hpp"

namespace geostrip {

namespace {

class SynthCommand final : public Command {
 public:
  void add_to(CLI::App& app) override {
    app_ = app.add_subcommand("synth", "write a realistic synthetic input scene");
    app_->add_option("kind", kind_,
                     "s2: Sentinel-2-like B02, B03, B04, B08 (UInt16, nodata 0); dem: dem.tif (Float32); "
                     "slc: reference.h5 and secondary.h5, a correlated NISAR-GSLC-like pair")
        ->required();
    app_->add_option("-o,--output", output_, "output directory")->required();
    app_->add_option("--size", size_, "ROWSxCOLS")->required();
    app_->add_option("--seed", seed_, "random seed")->capture_default_str();
    app_->add_option("--tiles", tiles_, "s2: also cut the scene into RxC tiles (DIR/tiles, DIR/BAND.tiles.txt)")
        ->type_name("RxC");
    app_->add_option("--overlap", overlap_, "s2 --tiles: pixels each tile reaches into its neighbours")
        ->check(CLI::Range(0, 100000))
        ->capture_default_str();
    app_->add_flag("--utm-split", utm_split_, "s2 --tiles: the eastern half of the tiles in UTM zone 34N");
    app_->add_option("--dates", dates_,
                     "s2: N cloudy dates of the scene (DIR/d01/{B02,B03,B04,B08,SCL}.tif, SCL at 20 m, ...); slc: a "
                     "stack of N SLCs (DIR/d01.h5, ...); each listed as NAME=SOURCE lines in DIR/BAND.inputs "
                     "(DIR/slc.inputs) for --inputs")
        ->check(CLI::Range(1, 99));
    launch_.add_to(*app_);
    out_.add_to(*app_);
    add_config_option(*app_);
  }

  int run(const Team* team, const Invocation& invocation) override {
    const RasterSize size = parse_raster_size("--size", size_);
    const EngineOptions options = out_.engine();
    const Console& console = invocation.console;
    if (dates_ && (kind_ == "dem" || !tiles_.empty()))
      throw UsageError("synth: --dates is for s2 and slc, without --tiles");
    if (kind_ == "s2" && dates_) {
      synth::write_s2_dates(output_, size, seed_, *dates_, options, *team);
      write_date_lists(*team, {"B02", "B03", "B04", "B08", "SCL"}, [&](const std::string& band, const std::string& date) {
        return fmt::format("{}/{}/{}.tif", output_, date, band);
      });
      console.out("wrote {0}/d01 ... {0}/d{1:02} ({{B02,B03,B04,B08}}.tif, {2} pixels; SCL.tif at 20 m), listed in "
                  "{0}/BAND.inputs\n",
                  output_, *dates_, size_);
    } else if (kind_ == "s2") {
      synth::write_s2_scene(output_, size, seed_, options, *team);
      console.out("wrote {}/{{B02,B03,B04,B08}}.tif ({} pixels)\n", output_, size_);
      if (!tiles_.empty()) {
        const synth::TileLayout layout{
            .tiles = parse_raster_size("--tiles", tiles_), .overlap = overlap_, .utm_split = utm_split_};
        collectively(team->comm, team->topology.me().host, [&] {
          if (team->comm.rank() == 0) synth::write_s2_tiles(output_, layout);
        });
        console.out("wrote {}/tiles/ ({} tiles a band{}), listed in {}/BAND.tiles.txt\n", output_, tiles_,
                    utm_split_ ? ", the eastern half in UTM zone 34N" : "", output_);
      }
    } else if (kind_ == "dem") {
      synth::write_dem(output_, size, seed_, options, *team);
      console.out("wrote {}/dem.tif ({} pixels)\n", output_, size_);
    } else if (kind_ == "slc" && dates_) {
      synth::write_slc_stack(output_, size, seed_, *dates_, options, *team);
      write_date_lists(*team, {"slc"}, [&](const std::string&, const std::string& date) {
        return fmt::format("{}/{}.h5:{}", output_, date, synth::kSlcDataset);
      });
      console.out("wrote {0}/d01.h5 ... {0}/d{1:02}.h5 ({2} pixels, dataset {3}), listed in {0}/slc.inputs\n", output_,
                  *dates_, size_, synth::kSlcDataset);
    } else if (kind_ == "slc") {
      synth::write_slc_pair(output_, size, seed_, options, *team);
      console.out("wrote {0}/reference.h5 and {0}/secondary.h5 ({1} pixels, dataset {2})\n", output_, size_,
                  synth::kSlcDataset);
    } else {
      throw UsageError("synth " + kind_ + ": unknown kind (s2, dem, slc)");
    }
    return kExitDone;
  }

 private:
  // DIR/LIST.inputs for each of `lists`: a line dNN=SOURCE a date, for --inputs.
  void write_date_lists(const Team& team, const std::vector<std::string>& lists,
                        const std::function<std::string(const std::string& list, const std::string& date)>& source) const {
    collectively(team.comm, team.topology.me().host, [&] {
      if (team.comm.rank() != 0) return;
      for (const std::string& list : lists) {
        std::string text;
        for (int date = 1; date <= *dates_; ++date)
          text += synth::date_name(date) + "=" + source(list, synth::date_name(date)) + "\n";
        replace_file_content(output_ + "/" + list + ".inputs", text, "list of dates");
      }
    });
  }

  std::string kind_;
  std::string output_;
  std::string size_;
  std::uint64_t seed_ = 1;
  std::string tiles_;
  std::int64_t overlap_ = 0;
  bool utm_split_ = false;
  std::optional<int> dates_;
  OutputArgs out_;
};

}  // namespace

std::unique_ptr<Command> make_synth_command() { return std::make_unique<SynthCommand>(); }

}  // namespace geostrip
