// Outputs people publish: Cloud-Optimized GeoTIFF with overviews and
// statistics made in the same pass, other formats through GDAL. The
// references are GDAL's own: its COG validator, its resampling of the full
// resolution, its statistics and its COG driver's overview sizes
// (tests/support/cog_reference.py).
#include <catch2/catch.hpp>
#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/median_job.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const std::string kCogReference = std::string(GEOSTRIP_SOURCE_DIR) + "/tests/support/cog_reference.py";

json gdal_view(const std::string& path, const std::string& method) {
  const auto result = run_command("/usr/bin/python3 " + kCogReference + " " + path + " " + method);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.output);
}

// A valid COG whose overviews are GDAL's sizes and, where a level divides the
// full size, GDAL's resampling of the full resolution; returns GDAL's view.
json check_cog(const std::string& path, const std::string& method, double tolerance) {
  const json view = gdal_view(path, method);
  INFO(view.dump(1));
  CHECK(view["validator"]["errors"].empty());
  CHECK(view["validator"]["warnings"].empty());
  REQUIRE(view["levels"].size() == view["cog_sizes"].size());
  int divides = 0;
  for (std::size_t i = 0; i < view["levels"].size(); ++i) {
    const json& level = view["levels"][i];
    CHECK(level["size"] == view["cog_sizes"][i]);
    for (std::size_t b = 0; b < view["bands"].size(); ++b) CHECK(level["nodata"][b] == view["bands"][b]["nodata"]);
    if (!level["divides"]) continue;
    ++divides;
    CHECK(level["max_difference"].get<double>() <= tolerance);
    CHECK(level["nodata_mismatch"] == 0);
  }
  CHECK(divides > 0);
  return view;
}

// Stored statistics as gdalinfo -stats computes them: min and max exactly, the rest to 1e-9.
void check_statistics(const json& band) {
  INFO(band.dump());
  REQUIRE(band["gdal"].is_object());
  const json &stored = band["stored"], &gdal = band["gdal"];
  CHECK(stored["minimum"] == gdal["minimum"]);
  CHECK(stored["maximum"] == gdal["maximum"]);
  for (const char* item : {"mean", "stddev", "valid_percent"})
    CHECK(stored[item].get<double>() == Approx(gdal[item].get<double>()).epsilon(1e-9));
}

struct Scene {
  TempDir dir;
  explicit Scene(const std::string& size) {
    REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size " + size).exit_code == 0);
  }
  std::string band(const std::string& name) const { return dir / ("s/" + name + ".tif"); }
  std::string ndi(const std::string& output) const {
    return "run ndi -i a=" + band("B08") + " -i b=" + band("B04") + " -o " + output + " --progress none";
  }
};

// The names of the files in `folder`, sorted.
std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("ndi --format COG of 4392x4392: valid COG, overviews and statistics equal GDAL's", "[cli]") {
  Scene scene("4392x4392");
  const std::string out = scene.dir / "ndvi.tif";
  const auto result = run_geostrip(scene.ndi(out) + " --format COG");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  // GDAL averages Float32 windows in single precision where its chunk has no nodata: 1e-6 of the band's magnitude.
  const json view = check_cog(out, "average", 1e-6);
  CHECK(view["levels"].size() == 4);
  CHECK(view["bands"][0]["description"] == "ndi");
  CHECK(view["bands"][0]["nodata"] == "nan");  // in every directory (check_cog)
  check_statistics(view["bands"][0]);
  for (const fs::directory_entry& entry : fs::directory_iterator(scene.dir.path()))
    CHECK_THAT(entry.path().string(), !Catch::Contains(".partial"));
}

TEST_CASE("rgb --format COG: red, green, blue and alpha bands, nearest overviews identical to GDAL's", "[cli]") {
  Scene scene("1100x1200");
  const std::string out = scene.dir / "rgb.tif";
  const auto result = run_geostrip("run rgb -i red=" + scene.band("B04") + " -i green=" + scene.band("B03") +
                                   " -i blue=" + scene.band("B02") + " -o " + out + " --format COG --progress none");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const json view = check_cog(out, "nearest", 0);
  const std::vector<std::string> names{"red", "green", "blue", "alpha"}, colors{"Red", "Green", "Blue", "Alpha"};
  REQUIRE(view["bands"].size() == 4);
  for (std::size_t b = 0; b < 4; ++b) {
    CHECK(view["bands"][b]["description"] == names[b]);
    CHECK(view["bands"][b]["color"] == colors[b]);
    check_statistics(view["bands"][b]);
  }
}

TEST_CASE("a GeoTIFF takes --overviews, --overview-resampling and --stats, and without them has none", "[cli]") {
  Scene scene("700x650");
  const std::string plain = scene.dir / "plain.tif", full = scene.dir / "full.tif";
  REQUIRE(run_geostrip(scene.ndi(plain)).exit_code == 0);
  const json bare = gdal_view(plain, "average");
  CHECK(bare["levels"].empty());
  CHECK(bare["bands"][0]["stored"].empty());
  const auto result =
      run_geostrip(scene.ndi(full) + " --overviews auto --overview-resampling nearest --stats --block-rows 37");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const json view = check_cog(full, "nearest", 0);
  check_statistics(view["bands"][0]);
  CHECK(read_raw(full) == read_raw(plain));
  // 48 is no power of two; GDAL tiles no overview with 32 (it would take 128 and the index would not fit).
  for (const char* edge : {"48", "32"}) {
    const auto refused = run_geostrip(scene.ndi(scene.dir / "x.tif") + " --format COG --tile " + edge);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.output, Catch::Contains("power of two from 64"));
    CHECK_FALSE(std::filesystem::exists(scene.dir / "x.tif"));
  }
}

TEST_CASE("mode overviews of a class map equal GDAL's mode, whatever the threads and blocks", "[cli]") {
  Scene scene("1100x1200");
  const std::string classes = "run expr -i a=" + scene.band("B08") + " -i b=" + scene.band("B04") +
                              " --expr \"a > b * 2 ? 1 : (a > b ? 2 : 3)\" --type Byte --format COG"
                              " --overview-resampling mode --progress none -o ";
  const std::string two = scene.dir / "two.tif", one = scene.dir / "one.tif";
  for (const auto& [out, engine] : {std::pair{two, " --threads 2"}, std::pair{one, " --threads 1 --block-rows 37"}}) {
    const auto result = run_geostrip(classes + out + engine);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
  }
  const json a = check_cog(two, "mode", 0), b = gdal_view(one, "mode");
  CHECK(a["bands"][0]["nodata"] == "255.0");  // expr's Byte nodata, in every directory (check_cog)
  REQUIRE(a["levels"].size() == b["levels"].size());
  for (std::size_t i = 0; i < a["levels"].size(); ++i)
    CHECK(a["levels"][i]["pixels_md5"] == b["levels"][i]["pixels_md5"]);
  const auto refused = run_geostrip(scene.ndi(scene.dir / "x.tif") + " --format COG --overview-resampling cubic");
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.output, Catch::Contains("nearest, average, rms or mode"));
}

TEST_CASE("rms overviews of an SLC's amplitude equal GDAL's rms", "[cli]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth slc -o " + dir / "slc" + " --size 1024x1024").exit_code == 0);
  const std::string out = dir / "amplitude.tif";
  const auto result = run_geostrip("run amplitude -i src=" + dir / "slc/reference.h5" +
                                   ":/science/LSAR/GSLC/grids/frequencyA/HH --format COG --tile 256"
                                   " --overview-resampling rms --progress none -o " + out);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const json view = check_cog(out, "rms", 1e-6);
  CHECK(view["levels"].size() == 2);
}

TEST_CASE("overview tiles take --overview-level alone, by default 1 for wide samples and 4 for bytes", "[cli]") {
  Scene scene("1100x1200");
  const std::string fast = scene.dir / "fast.tif", small = scene.dir / "small.tif", plain = scene.dir / "plain.tif";
  const std::string report = scene.dir / "report.json";
  for (const auto& [out, options] : {std::pair{fast, std::string(" --overview-level 1")},
                                     std::pair{small, std::string(" --overview-level 12")},
                                     std::pair{plain, " --report " + report}}) {
    const auto result = run_geostrip(scene.ndi(out) + " --format COG" + options);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
  }
  const json a = gdal_view(fast, "average"), b = gdal_view(small, "average"), c = gdal_view(plain, "average");
  CHECK(a["validator"]["errors"].empty());
  CHECK(b["validator"]["errors"].empty());
  CHECK(a["tile_bytes"] == b["tile_bytes"]);  // the full resolution keeps --level's default
  REQUIRE(a["levels"].size() == b["levels"].size());
  REQUIRE(a["levels"].size() == c["levels"].size());
  long fast_bytes = 0, small_bytes = 0, default_bytes = 0;
  for (std::size_t i = 0; i < a["levels"].size(); ++i) {
    CHECK(a["levels"][i]["pixels_md5"] == b["levels"][i]["pixels_md5"]);
    fast_bytes += a["levels"][i]["tile_bytes"].get<long>();
    small_bytes += b["levels"][i]["tile_bytes"].get<long>();
    default_bytes += c["levels"][i]["tile_bytes"].get<long>();
  }
  CHECK(small_bytes < fast_bytes);
  // Float32: level 1 by default, as the report says.
  CHECK(json::parse(file_text(report))["output_format"]["overview_level"] == 1);
  CHECK(default_bytes == fast_bytes);

  // Byte: level 4 by default, fewer bytes than level 1.
  const std::string rgb = "run rgb -i red=" + scene.band("B04") + " -i green=" + scene.band("B03") +
                          " -i blue=" + scene.band("B02") + " --format COG --progress none -o ";
  const std::string rgb_default = scene.dir / "rgb.tif", rgb_fast = scene.dir / "rgb1.tif";
  const std::string rgb_report = scene.dir / "rgb.json";
  REQUIRE(run_geostrip(rgb + rgb_default + " --report " + rgb_report).exit_code == 0);
  REQUIRE(run_geostrip(rgb + rgb_fast + " --overview-level 1").exit_code == 0);
  CHECK(json::parse(file_text(rgb_report))["output_format"]["overview_level"] == 4);
  const json d = gdal_view(rgb_default, "nearest"), e = gdal_view(rgb_fast, "nearest");
  long rgb_default_bytes = 0, rgb_fast_bytes = 0;
  for (const json& level : d["levels"]) rgb_default_bytes += level["tile_bytes"].get<long>();
  for (const json& level : e["levels"]) rgb_fast_bytes += level["tile_bytes"].get<long>();
  CHECK(rgb_default_bytes < rgb_fast_bytes);
  for (const auto& [options, message] :
       {std::pair{" --overview-level 13", "--overview-level 13: deflate takes 1-12"},
        std::pair{" --compress lzw --overview-level 3", "--overview-level does not apply to --compress lzw"}}) {
    const auto refused = run_geostrip(scene.ndi(scene.dir / "refused.tif") + " --format COG" + options);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.output, Catch::Contains(message));
    CHECK_FALSE(fs::exists(scene.dir / "refused.tif"));
  }
}

TEST_CASE("overview tiles take their own codec with --overview-compress, and their pixels stay the same", "[cli]") {
  Scene scene("1100x1200");
  const std::string zstd = scene.dir / "zstd.tif", deflate = scene.dir / "deflate.tif";
  const std::string bare = scene.dir / "bare.tif", report = scene.dir / "report.json";
  for (const auto& [out, options] : {std::pair{zstd, " --overview-compress zstd --report " + report},
                                     std::pair{deflate, std::string()},
                                     std::pair{bare, std::string(" --compress none --overview-compress deflate")}}) {
    const auto result = run_geostrip(scene.ndi(out) + " --format COG" + options);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
  }
  const json ours = gdal_view(zstd, "average"), reference = gdal_view(deflate, "average");
  const json uncompressed = gdal_view(bare, "average");  // predictor 3 in the overviews alone
  CHECK(uncompressed["validator"]["errors"].empty());
  CHECK(uncompressed["compression"] == nullptr);
  CHECK(ours["validator"]["errors"].empty());
  CHECK(ours["validator"]["warnings"].empty());
  CHECK(ours["compression"] == "DEFLATE");
  CHECK(ours["tile_bytes"] == reference["tile_bytes"]);  // the same full resolution
  REQUIRE(ours["levels"].size() == reference["levels"].size());
  for (std::size_t i = 0; i < ours["levels"].size(); ++i) {
    CHECK(ours["levels"][i]["compression"] == "ZSTD");
    CHECK(reference["levels"][i]["compression"] == "DEFLATE");
    CHECK(ours["levels"][i]["pixels_md5"] == reference["levels"][i]["pixels_md5"]);
    CHECK(uncompressed["levels"][i]["compression"] == "DEFLATE");
    CHECK(uncompressed["levels"][i]["pixels_md5"] == reference["levels"][i]["pixels_md5"]);
  }
  // The level is ZSTD's fast end, not --level's (a deflate level).
  const json format = json::parse(file_text(report))["output_format"];
  CHECK(format["overview_compress"] == "zstd");
  CHECK(format["overview_level"] == 3);
  for (const auto& [options, message] :
       {std::pair{" --overview-compress jpeg", "--overview-compress jpeg: expected deflate, zstd, lzw or none"},
        std::pair{" --overview-compress lzw --overview-level 3", "--overview-level does not apply to --overview-compress lzw"},
        std::pair{" --overview-compress zstd --overview-level 23", "--overview-level 23: zstd takes 1-22"}}) {
    const auto refused = run_geostrip(scene.ndi(scene.dir / "refused.tif") + " --format COG" + options);
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.output, Catch::Contains(message));
    CHECK_FALSE(fs::exists(scene.dir / "refused.tif"));
  }
}

TEST_CASE("classes are never averaged: overviews of a colour-tabled input default to nearest", "[cli]") {
  TempDir dir;
  const std::string classes = dir / "classes.tif";
  {
    GDALAllRegister();
    GDALDataset* made = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(classes.c_str(), 1100, 1000, 1,
                                                                                 GDT_Byte, nullptr);
    REQUIRE(made != nullptr);
    GDALColorTable table;
    for (short c = 0; c < 12; ++c) {
      const GDALColorEntry entry{.c1 = static_cast<short>(20 * c), .c2 = 40, .c3 = 60, .c4 = 255};
      table.SetColorEntry(c, &entry);
    }
    made->GetRasterBand(1)->SetColorTable(&table);
    std::vector<GByte> values(1100 * 1000);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<GByte>((i / 7 + i / 1100 / 5) % 12);
    REQUIRE(made->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 1100, 1000, values.data(), 1100, 1000, GDT_Byte, 0, 0) ==
            CE_None);
    GDALClose(made);
  }
  const std::string median = "median -i src=" + classes + " --window 3x3 --overviews auto -o " + dir / "m.tif";
  const auto plan = run_geostrip("plan " + median);
  INFO(plan.output);
  REQUIRE(plan.exit_code == 0);
  CHECK_THAT(plan.output, Catch::Contains("overview levels (500x550, 250x275) by nearest"));
  REQUIRE(run_geostrip("run " + median + " --progress none").exit_code == 0);
  check_cog(dir / "m.tif", "nearest", 0);
  const auto mean = run_geostrip("plan mean -i src=" + classes + " --overviews auto -o " + dir / "x.tif");
  CHECK_THAT(mean.output, Catch::Contains("by average"));  // Float32 means are measurements
}

TEST_CASE("netCDF by --format has the GeoTIFF's pixels, and an unknown format is a usage error", "[cli]") {
  Scene scene("300x260");
  const std::string tif = scene.dir / "ndvi.tif", nc = scene.dir / "ndvi.nc";
  REQUIRE(run_geostrip(scene.ndi(tif)).exit_code == 0);
  const auto result = run_geostrip(scene.ndi(nc) + " --format netCDF");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(Dataset(nc)->GetDriver()->GetDescription() == std::string("netCDF"));
  CHECK(read_raw(nc) == read_raw(tif));
  // The job's fingerprint travels; the GeoTIFF's record of its own tiles does not.
  const Dataset converted(nc);
  std::string metadata;
  for (char** item = converted->GetMetadata(); item && *item; ++item) metadata += std::string(*item) + "\n";
  INFO(metadata);
  CHECK_THAT(metadata, Catch::Contains("GEOSTRIP_FINGERPRINT=") && !Catch::Contains("GEOSTRIP_TILES"));
  for (const fs::directory_entry& entry : fs::directory_iterator(scene.dir.path()))
    CHECK_THAT(entry.path().string(), !Catch::Contains(".partial"));
  // PNG holds no Float32 (GDAL would write Byte, with a warning): the conversion fails, and nothing stays behind.
  const std::string png = scene.dir / "ndvi.png";
  check_one_line_error(run_geostrip(scene.ndi(png) + " --format PNG"),
                       {png, "converting to PNG failed", "holds no Float32"});
  CHECK_FALSE(fs::exists(png));
  for (const fs::directory_entry& entry : fs::directory_iterator(scene.dir.path()))
    CHECK_THAT(entry.path().string(), !Catch::Contains("ndvi.png"));
  const auto unknown = run_geostrip(scene.ndi(scene.dir / "x.abc") + " --format NoSuchDriver");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.output, Catch::Contains("NoSuchDriver") && Catch::Contains("COG"));
  CHECK_FALSE(fs::exists(scene.dir / "x.abc"));
}

TEST_CASE("formats of several files are named as gdal_translate names them, and a file in the way stops the run",
          "[cli]") {
  Scene scene("300x260");
  const std::string tif = scene.dir / "ndvi.tif";
  REQUIRE(run_geostrip(scene.ndi(tif)).exit_code == 0);
  // ENVI and EHdr name their headers after the data file (x.hdr for x.envi;
  // EHdr also y.prj, which holds the CRS); Zarr writes a directory.
  for (const auto& [driver, name] :
       {std::pair{"ENVI", "x.envi"}, std::pair{"EHdr", "y.bil"}, std::pair{"Zarr", "z.zarr"}}) {
    INFO(driver);
    const fs::path ours = scene.dir.path() / (std::string(driver) + "-geostrip"),
                   gdal = scene.dir.path() / (std::string(driver) + "-gdal");
    fs::create_directory(ours);
    fs::create_directory(gdal);
    const auto result = run_geostrip(scene.ndi((ours / name).string()) + " --format " + driver);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    REQUIRE(run_command("gdal_translate -q -of " + std::string(driver) + " " + tif + " " + (gdal / name).string())
                .exit_code == 0);
    // And geostrip's receipt of them; nothing else: no partial file or directory stays behind.
    std::vector<std::string> expected = names_in(gdal);
    expected.push_back(std::string(name) + ".geostrip.json");
    std::sort(expected.begin(), expected.end());
    CHECK(names_in(ours) == expected);
    CHECK(read_raw(ours / name) == read_raw(tif));
    const Dataset reference(gdal / name);
    REQUIRE(reference->GetSpatialRef());
    CHECK(Dataset(ours / name)->GetSpatialRef()->IsSame(reference->GetSpatialRef()));
  }
  // A file the conversion would need to replace is left as it was, and so is the folder.
  const fs::path folder = scene.dir.path() / "taken";
  fs::create_directory(folder);
  write_file(folder / "q.hdr", "a header of another dataset");
  check_one_line_error(run_geostrip(scene.ndi((folder / "q.envi").string()) + " --format ENVI"),
                       {"q.hdr", "exists", "--overwrite"});
  CHECK(names_in(folder) == std::vector<std::string>{"q.hdr"});
  CHECK(file_text(folder / "q.hdr") == "a header of another dataset");
}

TEST_CASE("a COG's overview tile rows are encoded by the ranks as threads grow", "[cli]") {
  // Blocks of 2^j tile rows, one a rank at a time made by all its threads,
  // make levels 1..j whole; rank 0's writer encodes the rest, which keeps
  // pace with 3 x 4^j threads: j is 0 up to 3 threads, 1 up to 12, 2 up to
  // 48, 3 beyond (with one block a thread, 16 threads once left every level
  // to rank 0's writer thread), and a budget that holds fewer rows gets
  // fewer levels.
  Scene scene("8200x300");
  const std::string plan = "plan" + scene.ndi(scene.dir / "planned.tif").substr(3) +
                           " --format COG --oversubscription-check off";
  const std::string rest = ", the rest by rank 0";
  for (const auto& [options, levels, blocks] :
       {std::tuple{" --threads 1", std::string("every level encoded by rank 0"), "blocks: 17 of 512 rows"},
        std::tuple{" --threads 4", "level 1 encoded by the rank that computes it" + rest, "blocks: 9 of 1024 rows"},
        std::tuple{" --threads 16", "levels 1-2 encoded by the rank that computes them" + rest, "blocks: 5 of 2048 rows"},
        std::tuple{" --threads 64", "levels 1-3 encoded by the rank that computes them" + rest, "blocks: 3 of 4096 rows"},
        std::tuple{" --threads 16 --memory 60MiB", "level 1 encoded by the rank that computes it" + rest,
                   "blocks: 9 of 1024 rows"}}) {
    const auto planned = run_geostrip(plan + options);
    INFO(planned.output);
    REQUIRE(planned.exit_code == 0);
    CHECK_THAT(planned.output, Catch::Contains(levels));
    CHECK_THAT(planned.output, Catch::Contains(blocks));
    CHECK_THAT(planned.output, Catch::Contains("rank(s) x 1 block;"));  // one a rank, whatever the threads
  }
  const std::string one = scene.dir / "one.tif";
  const auto single = run_geostrip(scene.ndi(one) + " --format COG --threads 1");
  INFO(single.output);
  REQUIRE(single.exit_code == 0);
  check_cog(one, "average", 1e-6);
  for (const auto& [threads, by_ranks] : {std::pair{4, 1}, std::pair{16, 2}}) {
    const std::string count = std::to_string(threads);
    const std::string out = scene.dir / ("threads" + count + ".tif"), report = scene.dir / "report.json";
    const auto result = run_geostrip(scene.ndi(out) + " --format COG --threads " + count +
                                     " --oversubscription-check off --report " + report);
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    CHECK(json::parse(file_text(report))["output_format"]["overview_levels_encoded_by_ranks"] == by_ranks);
    CHECK(file_text(out) == file_text(one));
  }
}

TEST_CASE("a COG is the same file where the filesystem inserts room for its overviews and where it is copied",
          "[cli]") {
  // ext4 and XFS insert room (FALLOC_FL_INSERT_RANGE); tmpfs does not, so there the file is copied.
  if (!fs::is_directory("/dev/shm")) {
    WARN("no /dev/shm here: nothing to compare");
    return;
  }
  Scene scene("1500x1300");
  const std::string here = scene.dir / "here.tif";
  const std::string shm = "/dev/shm/geostrip-test-" + std::to_string(::getpid()) + ".tif";
  for (const std::string& out : {here, shm}) {
    const auto result = run_geostrip(scene.ndi(out) + " --format COG");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
  }
  CHECK(file_text(shm) == file_text(here));
  check_cog(shm, "average", 1e-6);
  fs::remove(shm);
  for (const fs::directory_entry& entry : fs::directory_iterator("/dev/shm"))
    CHECK_THAT(entry.path().string(), !Catch::Contains("geostrip-test-" + std::to_string(::getpid())));
}

TEST_CASE("a COG interrupted at half-time resumes to the bytes of an uninterrupted run", "[cli]") {
  MedianJob job("--format COG");
  const std::string output = job.dir / "out.tif";
  const auto interrupted = job.interrupt(output, SIGTERM);
  INFO(interrupted.output);
  REQUIRE(interrupted.exit_code == 75);
  const auto resumed = run_geostrip(job.arguments(output));
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Catch::Contains("resumed " + output));
  CHECK(file_text(output) == file_text(job.reference));
  check_cog(output, "average", 1e-6);
}
