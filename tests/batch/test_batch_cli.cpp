// geostrip batch in one process, run as a user would: manifests with good,
// bad and malformed lines, skips, conflicts, retries and defaults.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "support/batch_support.hpp"
#include "support/process.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using namespace geostrip::test;
namespace fs = std::filesystem;

namespace {

std::string in(const TempDir& dir, const std::string& command) { return "cd " + dir.path().string() + " && " + command; }

}  // namespace

TEST_CASE("the user guide's find|sed manifest runs every scene, and a second run skips them all", "[batch]") {
  TempDir dir;
  for (const char* scene : {"scenes/T33UVP", "scenes/T33UWP", "scenes/T32TQM"})
    REQUIRE(run_geostrip("synth s2 -o " + dir / scene + " --size 120x90").exit_code == 0);
  // The command of docs/user-guide.md, as written there.
  REQUIRE(run_command(in(dir, R"(find scenes -name B08.tif | sort | sed 's|\(.*\)/B08.tif$|ndi -i a=\1/B08.tif -i b=\1/B04.tif -o \1/ndvi.tif|' > ndvi.manifest)"))
              .exit_code == 0);
  const std::string batch = in(dir, std::string(GEOSTRIP_BINARY) + " batch ndvi.manifest --status status.jsonl");

  const auto first = run_command(batch);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.output, Catch::Contains("3 jobs in ") && Catch::Contains("3 done, 0 skipped, 0 failed"));
  CHECK_THAT(first.output, Catch::Contains("geostrip: 3/3 jobs (100%), "));  // progress, as a log line off a terminal
  auto records = read_status(dir / "status.jsonl");
  REQUIRE(records.size() == 3);
  for (const auto& [line, record] : records) {
    CHECK(record.status == JobStatus::Done);
    CHECK(record.attempts == 1);
    CHECK(record.seconds > 0);
    CHECK(record.error.empty());
  }
  const std::string ndvi = dir / "scenes/T33UWP/ndvi.tif";
  CHECK(records[2].output == "scenes/T33UVP/ndvi.tif");  // sorted: T32TQM, T33UVP, T33UWP
  CHECK(read_band<float>(ndvi).size() == 120u * 90u);
  const auto made = file_identity(ndvi);

  const auto second = run_command(batch);
  INFO(second.output);
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.output, Catch::Contains("0 done, 3 skipped, 0 failed"));
  records = read_status(dir / "status.jsonl");
  REQUIRE(records.size() == 3);
  for (const auto& [line, record] : records) CHECK(record.status == JobStatus::Skipped);
  CHECK(file_identity(ndvi) == made);

  // A changed input makes the output another job's: refused, then replaced with --overwrite.
  fs::last_write_time(dir / "scenes/T33UWP/B04.tif", fs::file_time_type::clock::now());
  const auto changed = run_command(batch);
  CHECK(changed.exit_code == 3);
  CHECK_THAT(read_status(dir / "status.jsonl")[3].error,
             Catch::Contains("scenes/T33UWP/ndvi.tif: exists and was made by another job") &&
                 Catch::Contains("--overwrite"));
  CHECK(file_identity(ndvi) == made);
  const auto replaced = run_command(batch + " --overwrite");
  INFO(replaced.output);
  CHECK(replaced.exit_code == 0);
  CHECK_THAT(replaced.output, Catch::Contains("1 done, 2 skipped, 0 failed"));
  CHECK(file_identity(ndvi) != made);
}

TEST_CASE("malformed lines and failing jobs are recorded with their line, the others are done", "[batch]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 64x48").exit_code == 0);
  write_file(dir / "corrupt.tif", "II*\0 this is no TIFF");
  write_file(dir / "jobs.txt",
             "# line 1: a comment\n"
             "ndi -i a=s/B08.tif -i b=s/B04.tif -o good.tif\n"
             "ndi -i a=s/B08.tif -i b=s/B04.tif -o typo.tif --scael a=2\n"
             "expr -i a=s/B08.tif --expr \"a * 2 -o unbalanced.tif\n"
             "\n"
             "mean -i src=s/B04.tif -o good.tif\n"
             "mean -i src=s/B04.tif -o threads.tif --threads 4\n"
             "ndi -i a=s/B08.tif -i b=missing.tif -o missing.tif\n"
             "median -i src=corrupt.tif -o corrupt_out.tif\n"
             "expr -i a=s/B08.tif --expr \"a * 2\" -o expr.tif\n");
  const auto result = run_command(in(dir, std::string(GEOSTRIP_BINARY) + " batch jobs.txt --status status.jsonl"));
  INFO(result.output);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.output, Catch::Contains("8 jobs in ") && Catch::Contains("2 done, 0 skipped, 6 failed"));

  auto records = read_status(dir / "status.jsonl");
  REQUIRE(records.size() == 8);
  CHECK(records[2].status == JobStatus::Done);
  CHECK(records[10].status == JobStatus::Done);
  const std::map<int, std::string> errors{{3, "--scael"},
                                          {4, "unbalanced quotes"},
                                          {6, "good.tif is also the output of line 2"},
                                          {7, "--threads is set for the whole batch"},
                                          {8, "missing.tif: cannot open as a raster: No such file or directory"},
                                          {9, "corrupt.tif: cannot open as a raster"}};
  for (const auto& [line, error] : errors) {
    INFO("line " << line);
    CHECK(records[line].status == JobStatus::Failed);
    CHECK_THAT(records[line].error, Catch::Contains(error));
    CHECK_THAT(result.output, Catch::Contains("line " + std::to_string(line) + " failed (rank 0 on "));
  }
  // Malformed lines are never tried; a failing job is tried once more (--retries 1).
  CHECK(records[3].attempts == 0);
  CHECK(records[8].attempts == 2);
  CHECK(records[9].attempts == 2);
  for (const char* name : {"missing.tif", "corrupt_out.tif", "typo.tif", "threads.tif"}) {
    CHECK_FALSE(fs::exists(dir / name));
    CHECK_FALSE(fs::exists(dir / (std::string(name) + ".partial")));
  }
  CHECK(read_band<float>(dir / "expr.tif").size() == 64u * 48u);
}

TEST_CASE("a failing job is tried once plus --retries times", "[batch]") {
  TempDir dir;
  write_file(dir / "jobs.txt", "ndi -i a=gone.tif -i b=gone2.tif -o out.tif\n");
  for (const auto& [retries, attempts] : {std::pair{0, 1}, std::pair{2, 3}}) {
    const auto result = run_command(in(dir, std::string(GEOSTRIP_BINARY) + " batch jobs.txt --status s.jsonl --retries " +
                                                std::to_string(retries)));
    CHECK(result.exit_code == 3);
    CHECK(read_status(dir / "s.jsonl")[1].attempts == attempts);
  }
}

TEST_CASE("the batch's output options are every job's defaults, a job's own win", "[batch]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 64x48").exit_code == 0);
  write_file(dir / "jobs.txt",
             "ndi -i a=s/B08.tif -i b=s/B04.tif -o zstd.tif\n"
             "ndi -i a=s/B08.tif -i b=s/B04.tif -o lzw.tif --compress lzw\n");
  const auto result = run_command(in(dir, std::string(GEOSTRIP_BINARY) + " batch jobs.txt --compress zstd --tile 32"));
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(metadata(dir / "zstd.tif", "COMPRESSION", "IMAGE_STRUCTURE") == "ZSTD");
  CHECK(metadata(dir / "lzw.tif", "COMPRESSION", "IMAGE_STRUCTURE") == "LZW");
  int block_cols = 0, block_rows = 0;
  Dataset(dir / "lzw.tif")->GetRasterBand(1)->GetBlockSize(&block_cols, &block_rows);
  CHECK(block_cols == 32);
}

TEST_CASE("a batch that cannot start fails with one line naming the file", "[batch]") {
  TempDir dir;
  const auto missing = run_geostrip("batch " + dir / "no-such.manifest");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Catch::StartsWith("geostrip: error (rank 0 on ") &&
                                 Catch::Contains("no-such.manifest: cannot read the manifest"));
  write_file(dir / "jobs.txt", "ndi -i a=x.tif -i b=y.tif -o z.tif\n");
  const auto status = run_geostrip("batch " + dir / "jobs.txt" + " --status " + dir / "no-dir/status.jsonl");
  CHECK(status.exit_code == 1);
  CHECK_THAT(status.output, Catch::Contains("no-dir/status.jsonl: cannot write the status file in"));
  CHECK(run_geostrip("batch " + dir / "jobs.txt" + " --retries -1").exit_code == 2);
}

TEST_CASE("two lines whose outputs are one file by different paths are refused, through links too", "[batch]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 64x48").exit_code == 0);
  fs::create_directory(dir / "real");
  fs::create_directory_symlink(dir / "real", dir / "alias");
  REQUIRE(run_geostrip("run ndi -i a=" + dir / "s/B08.tif" + " -i b=" + dir / "s/B04.tif" + " -o " + dir / "real/linked.tif")
              .exit_code == 0);
  fs::create_hard_link(dir / "real/linked.tif", dir / "hard.tif");
  write_file(dir / "jobs.txt",
             "ndi -i a=s/B08.tif -i b=s/B04.tif -o real/o.tif\n"
             "ndi -i a=s/B04.tif -i b=s/B08.tif -o alias/o.tif\n"
             "ndi -i a=s/B08.tif -i b=s/B04.tif -o real/linked.tif\n"
             "ndi -i a=s/B04.tif -i b=s/B08.tif -o hard.tif\n");
  const auto result = run_command(in(dir, std::string(GEOSTRIP_BINARY) + " batch jobs.txt --status status.jsonl"));
  INFO(result.output);
  CHECK(result.exit_code == 3);
  auto records = read_status(dir / "status.jsonl");
  CHECK(records[1].status == JobStatus::Done);
  for (const auto& [line, first] : {std::pair{2, 1}, std::pair{4, 3}}) {
    INFO("line " << line);
    CHECK(records[line].status == JobStatus::Failed);
    CHECK_THAT(records[line].error, Catch::Contains("the same file as") &&
                                        Catch::Contains("the output of line " + std::to_string(first)));
  }
}

TEST_CASE("a done output no longer whole is not skipped: truncated, or (with --verify) a changed byte", "[batch]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 700x500 --tile 64").exit_code == 0);
  write_file(dir / "jobs.txt", "ndi -i a=s/B08.tif -i b=s/B04.tif -o ndvi.tif --tile 64\n");
  const std::string batch = in(dir, std::string(GEOSTRIP_BINARY) + " batch jobs.txt --status status.jsonl");
  REQUIRE(run_command(batch).exit_code == 0);
  const std::string ndvi = dir / "ndvi.tif", reference = dir / "reference.tif";
  fs::copy_file(ndvi, reference);
  // Its record: the size and tiles' checksum it was written with, as gdalinfo shows.
  CHECK_THAT(metadata(ndvi, "GEOSTRIP_TILES", nullptr),
             Catch::Matches("size 0*" + std::to_string(fs::file_size(ndvi)) + " crc32 [0-9a-f]{8}"));
  REQUIRE_THAT(run_command(batch).output, Catch::Contains("0 done, 1 skipped"));

  fs::resize_file(ndvi, fs::file_size(ndvi) - 5000);  // a copy cut short
  const auto truncated = run_command(batch);
  CHECK(truncated.exit_code == 3);
  CHECK_THAT(read_status(dir / "status.jsonl")[1].error,
             Catch::Contains("ndvi.tif: exists but is no longer as this job wrote it") &&
                 Catch::Contains("bytes, not the") && Catch::Contains("--overwrite"));
  const auto redone = run_command(batch + " --overwrite");
  INFO(redone.output);
  CHECK_THAT(redone.output, Catch::Contains("1 done, 0 skipped"));
  CHECK(read_raw(ndvi) == read_raw(reference));

  {  // one flipped byte inside a tile: the size and index are still whole
    std::fstream file(ndvi, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(fs::file_size(ndvi) / 2));
    char byte = 0;
    file.read(&byte, 1);
    file.seekp(static_cast<std::streamoff>(fs::file_size(ndvi) / 2));
    byte = static_cast<char>(byte ^ 0x10);
    file.write(&byte, 1);
  }
  CHECK_THAT(run_command(batch).output, Catch::Contains("0 done, 1 skipped"));
  const auto verified = run_command(batch + " --verify");
  CHECK(verified.exit_code == 3);
  CHECK_THAT(read_status(dir / "status.jsonl")[1].error, Catch::Contains("checksum does not match"));
}

TEST_CASE("outputs converted into other formats are skipped when rerun, and found damaged as a GeoTIFF is", "[batch]") {
  // netCDF keeps no quotes in its metadata (so not the job's fingerprint),
  // ENVI's header is a file of its own, Zarr writes a directory: each output's
  // receipt holds the fingerprint and every file with its size and checksum.
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 300x200").exit_code == 0);
  const std::string job = "ndi -i a=s/B08.tif -i b=s/B04.tif -o ";
  write_file(dir / "jobs.txt", job + "x.envi --format ENVI\n" + job + "y.nc --format netCDF\n" + job +
                                   "z.zarr --format Zarr\n");
  const std::string batch = in(dir, std::string(GEOSTRIP_BINARY) + " batch jobs.txt --status status.jsonl");
  const auto first = run_command(batch);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const auto rerun = run_command(batch);
  INFO(rerun.output);
  CHECK(rerun.exit_code == 0);
  CHECK_THAT(rerun.output, Catch::Contains("0 done, 3 skipped, 0 failed"));
  // A reader that stores statistics in GDAL's .aux.xml changes nothing the job wrote.
  REQUIRE(run_command("gdalinfo -stats " + dir / "x.envi").exit_code == 0);
  CHECK_THAT(run_command(batch).output, Catch::Contains("0 done, 3 skipped, 0 failed"));

  fs::resize_file(dir / "x.envi", 1000);  // a copy cut short
  fs::remove(dir / "z.zarr/.zgroup");     // a file of the directory lost
  {  // one changed byte in the netCDF: its size stays
    std::fstream file(dir / "y.nc", std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(dir / "y.nc") / 2));
    file.put('\x5a');
  }
  const auto damaged = run_command(batch);
  CHECK(damaged.exit_code == 3);
  auto records = read_status(dir / "status.jsonl");
  CHECK_THAT(records[1].error, Catch::Contains("x.envi: exists but is no longer as this job wrote it") &&
                                   Catch::Contains("1000 bytes, not the"));
  CHECK(records[2].status == JobStatus::Skipped);  // without --verify a file of the right size passes
  CHECK_THAT(records[3].error, Catch::Contains("z.zarr/.zgroup is missing"));
  const auto verified = run_command(batch + " --verify");
  CHECK(verified.exit_code == 3);
  CHECK_THAT(read_status(dir / "status.jsonl")[2].error,
             Catch::Contains("y.nc's bytes are not the ones it was written with"));
}

TEST_CASE("batches sharing one --status file append whole records, and a rerun adds to the record", "[batch]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 32x32").exit_code == 0);
  constexpr int kJobs = 40;
  for (const char* name : {"a", "b"}) {
    std::ofstream lines(dir / (std::string(name) + ".txt"));
    for (int j = 0; j < kJobs; ++j)
      lines << "ndi -i a=" << dir / "s/B08.tif" << " -i b=" << dir / "s/B04.tif" << " -o " << dir / name << j << ".tif\n";
  }
  const std::string status = dir / "status.jsonl";
  const auto batch = [&](const char* name) {
    return std::string(GEOSTRIP_BINARY) + " batch " + dir / name + ".txt --status " + status + " --threads 1";
  };
  const pid_t a = spawn(batch("a"), dir / "a.log"), b = spawn(batch("b"), dir / "b.log");
  CHECK(wait_exit(a) == 0);
  CHECK(wait_exit(b) == 0);
  const auto count_records = [&] {
    std::ifstream file(status);
    int records = 0;
    for (std::string line; std::getline(file, line); ++records) {
      INFO(line);
      CHECK_NOTHROW(record_from_json(line));
    }
    return records;
  };
  CHECK(count_records() == 2 * kJobs);
  REQUIRE(run_command(batch("a")).exit_code == 0);  // every job skipped, and recorded again
  CHECK(count_records() == 3 * kJobs);
}

TEST_CASE("a status or report file onto the manifest, an input or an output is refused before any work", "[batch]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "s" + " --size 32x32").exit_code == 0);
  write_file(dir / "jobs.txt", "ndi -i a=s/B08.tif -i b=s/B04.tif -o out.tif\n");
  const auto before = file_text(dir / "s/B04.tif");
  const auto refused = [&](const std::string& options, const std::string& says) {
    const auto result = run_command(in(dir, std::string(GEOSTRIP_BINARY) + " batch jobs.txt " + options));
    INFO(result.output);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.output, Catch::Contains(says));
  };
  refused("--status jobs.txt", "would overwrite the manifest");
  refused("--status s/B04.tif", "would overwrite input b of line 1");
  refused("--report out.tif", "would overwrite the output of line 1");
  refused("--status r.json --report r.json", "would overwrite the report");
  CHECK(file_text(dir / "jobs.txt") == "ndi -i a=s/B08.tif -i b=s/B04.tif -o out.tif\n");
  CHECK(file_text(dir / "s/B04.tif") == before);
  CHECK_FALSE(fs::exists(dir / "out.tif"));

  // A directory is no manifest; --help is no job.
  fs::create_directory(dir / "jobs.d");
  const auto directory = run_geostrip("batch " + dir / "jobs.d");
  CHECK(directory.exit_code == 1);
  CHECK_THAT(directory.output, Catch::Contains("jobs.d: cannot read the manifest: Is a directory"));
  write_file(dir / "help.txt", "ndi --help\n");
  const auto help = run_command(in(dir, std::string(GEOSTRIP_BINARY) + " batch help.txt --status help.jsonl"));
  CHECK(help.exit_code == 3);
  CHECK_THAT(read_status(dir / "help.jsonl")[1].error, Catch::Contains("--help and --version are not jobs"));
}

TEST_CASE("batch jobs may mosaic and resample, a rerun skips them, and a touched tile makes its job another", "[batch]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth s2 -o " + dir / "scene" + " --size 160x200 --tiles 2x2 --overlap 4 --utm-split")
              .exit_code == 0);
  write_file(dir / "rgb.inputs", "red=@scene/B04.tiles.txt\ngreen=@scene/B03.tiles.txt\nblue=@scene/B02.tiles.txt\n");
  write_file(dir / "grid.manifest",
             "ndi -i a=@scene/B08.tiles.txt -i b=@scene/B04.tiles.txt --resampling bilinear -o ndvi.tif\n"
             "rgb --inputs rgb.inputs --resampling cubic --transform-error 0.1 --clamp 3000 -o rgb.tif\n");
  const std::string batch = in(dir, std::string(GEOSTRIP_BINARY) + " batch grid.manifest");
  const auto first = run_command(batch);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.output, Catch::Contains("2 done, 0 skipped, 0 failed"));
  CHECK(Dataset(dir / "rgb.tif")->GetRasterCount() == 4);
  const auto second = run_command(batch);
  CHECK_THAT(second.output, Catch::Contains("0 done, 2 skipped, 0 failed"));
  // The fingerprint covers every tile of a mosaic.
  fs::last_write_time(dir / "scene/tiles/B08_1_1.tif", fs::file_time_type::clock::now());
  const auto touched = run_command(batch);
  INFO(touched.output);
  CHECK(touched.exit_code == 3);
  CHECK_THAT(touched.output, Catch::Contains("0 done, 1 skipped, 1 failed"));
}
