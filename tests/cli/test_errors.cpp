// Bad input gets exit 1 and one clear line naming the file, rank and host;
// wrong usage gets exit 2; nothing ever appears at the output path.
#include <catch2/catch.hpp>
#include <algorithm>
#include <complex>
#include <filesystem>
#include <tuple>

#include "support/hdf5_file.hpp"
#include "support/test_support.hpp"

using namespace geostrip::test;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  TempDir dir;
  std::string b04, b08;
  Fixture() {
    REQUIRE(run_geostrip("synth s2 -o " + dir / "scene" + " --size 64x48").exit_code == 0);
    b04 = dir / "scene/B04.tif";
    b08 = dir / "scene/B08.tif";
  }
  std::string output() const { return dir / "out.tif"; }
  CommandResult ndi(const std::string& a, const std::string& b, const std::string& extra = "") const {
    return run_geostrip("run ndi -i a=" + a + " -i b=" + b + " -o " + output() + " " + extra);
  }
  bool nothing_at_output() const { return !fs::exists(output()) && !fs::exists(output() + ".partial"); }
  // A 600x300 scene of 64-pixel tiles whose B04 is cut in half: its scene directory.
  std::string scene_with_half_b04() const {
    const std::string scene = dir / "big";
    REQUIRE(run_geostrip("synth s2 -o " + scene + " --size 600x300 --tile 64 --compress none").exit_code == 0);
    fs::resize_file(scene + "/B04.tif", fs::file_size(scene + "/B04.tif") / 2);
    return scene;
  }
};

}  // namespace

TEST_CASE("a missing input file is named", "[cli]") {
  Fixture f;
  const std::string missing = f.dir / "nope.tif";
  check_one_line_error(f.ndi(f.b08, missing), {missing});
  CHECK(f.nothing_at_output());
}

TEST_CASE("a file that is not a raster is named", "[cli]") {
  Fixture f;
  const std::string text = f.dir / "notes.tif";
  REQUIRE(run_command("echo not a raster > " + text).exit_code == 0);
  check_one_line_error(f.ndi(f.b08, text), {text});
  CHECK(f.nothing_at_output());
}

TEST_CASE("a truncated GeoTIFF fails when its missing tiles are read, leaving no output", "[cli]") {
  Fixture f;
  const std::string scene = f.scene_with_half_b04(), cut = scene + "/B04.tif";
  const auto result = run_geostrip("run ndi -i a=" + scene + "/B08.tif -i b=" + cut + " -o " + f.output() +
                                   " --block-rows 50 --threads 2");
  check_one_line_error(result, {cut, "reading rows"});
  CHECK(f.nothing_at_output());
}

TEST_CASE("a format that refuses the output's name or pixels fails before any work, naming the output", "[cli]") {
  Fixture f;
  // A run that got to its work would fail reading the cut B04 (the test above); these fail first.
  const std::string scene = f.scene_with_half_b04(), cut = scene + "/B04.tif";
  const std::string png = f.dir / "ndvi.png", header = f.dir / "ndvi.hdr";
  for (const auto& [output, format, why] : {std::tuple{png, "PNG", "holds no Float32"},
                                            std::tuple{header, "ENVI", "the data file should be selected"}}) {
    const auto result = run_geostrip("run ndi -i a=" + scene + "/B08.tif -i b=" + cut + " -o " + output +
                                     " --format " + format + " --block-rows 50");
    check_one_line_error(result, {output, std::string("converting to ") + format + " failed", why});
    CHECK_THAT(result.output, !Catch::Contains("reading rows") && !Catch::Contains(".partial"));
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(f.dir.path()))
    CHECK_THAT(entry.path().filename().string(), !Catch::StartsWith("ndvi"));
}

TEST_CASE("inputs on grids that cannot be resampled are refused, naming the files and the property", "[cli]") {
  Fixture f;
  const std::string bigger = f.dir / "bigger";
  REQUIRE(run_geostrip("synth s2 -o " + bigger + " --size 65x48").exit_code == 0);
  const std::string plain = f.dir / "plain.tif", plain_b04 = f.dir / "plain_b04.tif";
  for (const auto& [from, to] : {std::pair{f.b08, plain}, {bigger + "/B04.tif", plain_b04}}) {
    REQUIRE(run_command("cp " + from + " " + to).exit_code == 0);
    REQUIRE(run_command("/usr/bin/python3 /usr/bin/gdal_edit.py -unsetgt -a_srs '' " + to).exit_code == 0);
  }
  // No georeference: nothing to resample through.
  check_one_line_error(f.ndi(plain, plain_b04), {plain, plain_b04, "size", "no geotransform and CRS"});
  check_one_line_error(f.ndi(f.b08, plain_b04), {plain_b04, "no transform"});
  // An input that does not meet the output grid is named.
  const std::string far = f.dir / "far.tif";
  REQUIRE(run_command("gdal_translate -q -a_ullr 900000 5300040 900480 5299400 " + f.b04 + " " + far).exit_code == 0);
  check_one_line_error(f.ndi(f.b08, far, "--extent 399960,5299400,400440,5300040"),
                       {"input b", far + " does not meet the output grid"});
  CHECK(f.nothing_at_output());
}

TEST_CASE("direct mode (--write direct) with blocks that are not whole tile rows is a usage error that writes nothing", "[cli]") {
  Fixture f;
  const auto result = f.ndi(f.b08, f.b04, "--write direct --block-rows 37");
  INFO(result.output);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.output, Catch::Contains("--write direct") && Catch::Contains("37 rows") &&
                                Catch::Contains("--tile 512"));
  CHECK_FALSE(fs::exists(f.output()));
  CHECK_FALSE(fs::exists(f.output() + ".partial"));
  const auto whole = f.ndi(f.b08, f.b04, "--write direct --block-rows 512");  // one process: its own tiles
  INFO(whole.output);
  CHECK(whole.exit_code == 0);
}

TEST_CASE("an output named for another format is a usage error that writes nothing", "[cli]") {
  Fixture f;
  for (const char* name : {"ndvi.png", "ndvi.nc", "ndvi.vrt", "ndvi"}) {
    const std::string out = f.dir / name;
    const auto result = run_geostrip("run ndi -i a=" + f.b08 + " -i b=" + f.b04 + " -o " + out);
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.output, Catch::Contains(out) && Catch::Contains("GeoTIFF (.tif or .tiff)") &&
                                  Catch::Contains("--format NAME") && Catch::Contains("COG") && Catch::Contains("netCDF"));
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(out + ".partial"));
    CHECK_FALSE(fs::exists(out + ".lock"));
  }
}

TEST_CASE("a band that does not exist is named with its file", "[cli]") {
  Fixture f;
  check_one_line_error(f.ndi(f.b08, f.b04 + "@2"), {f.b04, "band 2"});
}

TEST_CASE("an existing output is kept unless --overwrite", "[cli]") {
  Fixture f;
  REQUIRE(f.ndi(f.b08, f.b04).exit_code == 0);
  const auto written = fs::last_write_time(f.output());
  check_one_line_error(f.ndi(f.b04, f.b08), {f.output(), "--overwrite"});
  CHECK(fs::last_write_time(f.output()) == written);
  const auto before = read_band<float>(f.output());
  REQUIRE(f.ndi(f.b04, f.b08, "--overwrite").exit_code == 0);
  const auto after = read_band<float>(f.output());
  CHECK(after[1000] == -before[1000]);  // (b-a)/(b+a) replaced (a-b)/(a+b)
}

TEST_CASE("an unwritable output directory is named", "[cli]") {
  Fixture f;
  const std::string out = f.dir / "no/such/dir/out.tif";
  const auto result = run_geostrip("run ndi -i a=" + f.b08 + " -i b=" + f.b04 + " -o " + out);
  check_one_line_error(result, {out});
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("usage errors exit 2", "[cli]") {
  Fixture f;
  const auto expect_usage = [](const CommandResult& result, const std::string& says) {
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.output, Catch::Contains(says));
  };
  expect_usage(run_geostrip("run sharpen -i a=" + f.b08 + " -o " + f.output()), "unknown operation 'sharpen'");
  expect_usage(run_geostrip("run ndi -i a=" + f.b08 + " -o " + f.output()), "ndi takes inputs a, b");
  expect_usage(f.ndi(f.b08, f.b04, "--clamp 3000"), "--clamp does not apply to ndi");
  expect_usage(f.ndi(f.b08, f.b04, "--scale nir=2"), "no input named 'nir'");
  expect_usage(f.ndi(f.b08, f.b04, "--threads 0"), "--threads");
  expect_usage(f.ndi(f.b08, f.b04, "--compress jpeg"), "--compress jpeg");
  expect_usage(run_geostrip("run ndi -i a=" + f.b08 + " -i b=" + f.b04), "--output");
  expect_usage(run_geostrip("frobnicate"), "frobnicate");
  CHECK(f.nothing_at_output());
}

TEST_CASE("engine options can come from a TOML file", "[cli]") {
  Fixture f;
  const std::string config = f.dir / "geostrip.toml";
  REQUIRE(run_command("printf 'threads = 1\\nblock-rows = 7\\ncompress = \"zstd\"\\n' > " + config).exit_code == 0);
  const auto result = f.ndi(f.b08, f.b04, "--config " + config);
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Contains("blocks of 7 rows") && Catch::Contains("1 threads"));
  CHECK(metadata(f.output(), "COMPRESSION", "IMAGE_STRUCTURE") == "ZSTD");
}

TEST_CASE("one TOML file serves run, plan, batch and check, and the command line wins over it", "[cli]") {
  Fixture f;
  const std::string config = f.dir / "site.toml";
  // Keys of every command: engine, output, operation (window) and batch (retries) options.
  write_file(config,
             "threads = 1\nblock-rows = 7\ncompress = \"zstd\"\nlevel = 19\nwindow = \"5x5\"\nretries = 2\n"
             "oversubscription-check = \"warn\"\n");
  const auto check = run_geostrip("check --config " + config);
  INFO(check.output);
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.output, Catch::Contains("no findings") || Catch::Contains("finding(s)"));

  const auto plan = run_geostrip("plan mean -i src=" + f.b04 + " -o " + f.output() + " --config " + config);
  INFO(plan.output);
  CHECK(plan.exit_code == 0);
  CHECK_THAT(plan.output, Catch::Contains("halo: 2 rows, 2 columns") && Catch::Contains("of 7 rows"));

  // ndi takes no --window: the key is another command's, and ignored.
  const auto zstd = f.ndi(f.b08, f.b04, "--config " + config);
  INFO(zstd.output);
  REQUIRE(zstd.exit_code == 0);
  CHECK(metadata(f.output(), "COMPRESSION", "IMAGE_STRUCTURE") == "ZSTD");

  // --compress lzw on the command line drops the config's level, which was for zstd.
  const std::string lzw = f.dir / "lzw.tif";
  const auto over = run_geostrip("run ndi -i a=" + f.b08 + " -i b=" + f.b04 + " -o " + lzw + " --config " + config +
                                 " --compress lzw --block-rows 13");
  INFO(over.output);
  REQUIRE(over.exit_code == 0);
  CHECK_THAT(over.output, Catch::Contains("blocks of 13 rows"));
  CHECK(metadata(lzw, "COMPRESSION", "IMAGE_STRUCTURE") == "LZW");

  const std::string manifest = f.dir / "jobs.txt";
  write_file(manifest, "mean -i src=" + f.b04 + " -o " + (f.dir / "mean.tif") + "\n");
  const auto batch = run_geostrip("batch " + manifest + " --config " + config);
  INFO(batch.output);
  CHECK(batch.exit_code == 0);
  CHECK(metadata(f.dir / "mean.tif", "COMPRESSION", "IMAGE_STRUCTURE") == "ZSTD");

  // A key no command takes is still refused, naming its line.
  write_file(config, "threads = 1\nthraeds = 2\n");
  const auto typo = run_geostrip("check --config " + config);
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.output, Catch::Contains("line 2 is not an option of any geostrip command"));
}

TEST_CASE("GDAL complex rasters (CInt16) are complex inputs", "[cli]") {
  TempDir dir;
  const std::string path = dir / "slc.tif";
  {
    GDALAllRegister();
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    std::unique_ptr<GDALDataset> ds(gtiff->Create(path.c_str(), 6, 8, 1, GDT_CInt16, nullptr));
    std::vector<std::int16_t> iq(2 * 6 * 8);
    for (std::size_t i = 0; i < iq.size(); ++i) iq[i] = static_cast<std::int16_t>(static_cast<int>(i) - 40);
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 6, 8, iq.data(), 6, 8, GDT_CInt16, 0, 0) == CE_None);
  }
  const auto looks = run_geostrip("run multilook -i src=" + path + " --looks 2x3 -o " + dir / "ml.tif");
  INFO(looks.output);
  REQUIRE(looks.exit_code == 0);
  Dataset ml(dir / "ml.tif");
  CHECK(ml->GetRasterBand(1)->GetRasterDataType() == GDT_CFloat32);
  CHECK(ml->GetRasterXSize() == 2);
  CHECK(ml->GetRasterYSize() == 4);
  std::complex<float> first;
  REQUIRE(ml->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, 1, 1, &first, 1, 1, GDT_CFloat32, 0, 0) == CE_None);
  // Pixels (0,0..2) and (1,0..2): I = 2k-40, Q = 2k-39 for k = 0,1,2,6,7,8.
  CHECK(first == std::complex<float>((-40 - 38 - 36 - 28 - 26 - 24) / 6.0f, (-39 - 37 - 35 - 27 - 25 - 23) / 6.0f));
  const auto refused = run_geostrip("run mean -i src=" + path + " -o " + dir / "mean.tif");
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.output, Catch::Contains("CInt16 is complex; mean takes real pixels"));
}

TEST_CASE("corrupt and truncated HDF5 files are named", "[cli]") {
  Fixture f;
  const std::string garbage = f.dir / "garbage.h5";
  REQUIRE(run_command("head -c 4096 /dev/urandom > " + garbage).exit_code == 0);
  const auto corrupt = run_geostrip("run multilook -i src=" + garbage + ":/science/HH --looks 2x2 -o " + f.output());
  check_one_line_error(corrupt, {garbage, "not an HDF5 file"});

  const std::string slc = f.dir / "slc";
  REQUIRE(run_geostrip("synth slc -o " + slc + " --size 300x200").exit_code == 0);
  const std::string cut = slc + "/reference.h5";
  fs::resize_file(cut, fs::file_size(cut) / 2);
  const auto truncated = run_geostrip("run multilook -i src=" + cut +
                                      ":/science/LSAR/GSLC/grids/frequencyA/HH --looks 2x2 -o " + f.output());
  check_one_line_error(truncated, {cut});
  CHECK(f.nothing_at_output());
}

TEST_CASE("an HDF5 path to a group or a 3-D dataset lists the 2-D datasets", "[cli]") {
  Fixture f;
  const std::string file = make_gslc_file(f.dir);
  check_one_line_error(run_geostrip("run multilook -i src=" + file + ":/grid --looks 2x1 -o " + f.output()),
                       {file, "is a group", "/grid/HH"});
  check_one_line_error(run_geostrip("run multilook -i src=" + file + ":/cube --looks 2x1 -o " + f.output()),
                       {file, "is 3-D", "/grid/HH"});
  CHECK(f.nothing_at_output());
}

TEST_CASE("complex pixels into a real operation are refused, naming the file", "[cli]") {
  Fixture f;
  const std::string file = make_gslc_file(f.dir) + ":/grid/HH";
  check_one_line_error(f.ndi(file, file), {"gslc.h5", "is complex; ndi takes real pixels"});
  CHECK(f.nothing_at_output());
}

TEST_CASE("a window larger than the raster is refused, an even one is a usage error", "[cli]") {
  Fixture f;  // 64x48
  check_one_line_error(run_geostrip("run mean -i src=" + f.b04 + " --window 65x3 -o " + f.output()),
                       {f.b04, "65x3 window of mean is larger than the raster (64x48)"});
  check_one_line_error(run_geostrip("run median -i src=" + f.b04 + " --window 3x49 -o " + f.output()),
                       {f.b04, "larger than the raster"});
  const auto even = run_geostrip("run mean -i src=" + f.b04 + " --window 4x4 -o " + f.output());
  CHECK(even.exit_code == 2);
  CHECK_THAT(even.output, Catch::Contains("--window 4x4") && Catch::Contains("odd"));
  CHECK(f.nothing_at_output());
}

TEST_CASE("an output directory that cannot be written is named", "[cli]") {
  Fixture f;
  const std::string out = "/proc/geostrip-test-out.tif";  // not writable, even by root
  check_one_line_error(run_geostrip("run ndi -i a=" + f.b08 + " -i b=" + f.b04 + " -o " + out), {out});
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("a full disk fails the run with one line, leaving no output, partial file or journal", "[cli]") {
  Fixture f;
  const std::string big = f.dir / "big";
  REQUIRE(run_geostrip("synth s2 -o " + big + " --size 1500x1500 --compress none").exit_code == 0);
  // A 2 MiB tmpfs when this machine lets us mount one, else an 8 MiB file-size limit (the
  // 9 MB output exceeds it; Open MPI itself needs a few MiB of files to start).
  const std::string small = f.dir / "small";
  fs::create_directory(small);
  const bool mounted = run_command("mount -t tmpfs -o size=2m tmpfs " + small).exit_code == 0;
  const std::string output = small + "/mean.tif";
  const std::string command = std::string(mounted ? "" : "ulimit -f 8192; ") + GEOSTRIP_BINARY + " run mean -i src=" +
                              big + "/B04.tif -o " + output + " --compress none --threads 2";
  const auto full = run_command(command);
  CHECK_THAT(full.output, Catch::Contains(mounted ? "no space left on the device" : "file size limit"));
  if (mounted) {
    CHECK(fs::is_empty(small));
    run_command("umount " + small);
  }
  INFO("tmpfs mounted: " << mounted);
  check_one_line_error(full, {output});
  CHECK_FALSE(fs::exists(output));
  CHECK_FALSE(fs::exists(output + ".partial"));
  CHECK_FALSE(fs::exists(output + ".journal"));
}

TEST_CASE("a failed run never replaces an existing output, even with --overwrite", "[cli]") {
  Fixture f;
  REQUIRE(f.ndi(f.b08, f.b04).exit_code == 0);
  const auto before = read_raw(f.output());
  const std::string cut = f.dir / "cut.tif";
  REQUIRE(run_geostrip("synth s2 -o " + f.dir / "c" + " --size 64x48 --tile 16 --compress none").exit_code == 0);
  fs::copy_file(f.dir / "c/B04.tif", cut);
  fs::resize_file(cut, fs::file_size(cut) / 2);
  check_one_line_error(f.ndi(f.b08, cut, "--overwrite"), {cut});
  CHECK(read_raw(f.output()) == before);
}
