// The output-integrity promises of PRODUCT.md sections 5, 7 and 8, tried as an
// adversarial cluster user would (issue 15): one writer per output, resume
// that verifies, inputs that cannot change underfoot, nothing clobbered,
// sizes from headers bounded, signed bytes, and one clear line for each.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cpl_string.h>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/host.hpp"
#include "io/journal.hpp"
#include "support/median_job.hpp"

using namespace geostrip;
using namespace geostrip::test;
namespace fs = std::filesystem;

namespace {

void check_usage(const CommandResult& result, std::initializer_list<std::string> names) {
  INFO(result.output);
  CHECK(result.exit_code == 2);
  for (const auto& name : names) CHECK_THAT(result.output, Catch::Contains(name));
}

// A journal line with a right checksum of its own, whatever it says.
std::string signed_line(const std::string& payload) {
  const auto crc = crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08lx", crc);
  return payload + " " + hex + "\n";
}

}  // namespace

TEST_CASE("a second run for the same output stops at once naming the holder, and touches nothing", "[cli]") {
  MedianJob job;
  const std::string output = job.dir / "out.tif";
  const pid_t first = job.start_until_half(output, SIGSTOP);
  const std::string partial = file_text(output + ".partial"), journal = file_text(Journal::path_for(output));

  // Another job, and the same job again: both refused while the first holds the output.
  const auto other = run_geostrip("run mean -i src=" + job.dir / "s/B08.tif" + " -o " + output + " --overwrite");
  check_one_line_error(other, {output, "another run is writing it", "pid " + std::to_string(first), "host "});
  check_one_line_error(run_geostrip(job.arguments(output)), {"another run is writing it"});
  CHECK(file_text(output + ".partial") == partial);
  CHECK(file_text(Journal::path_for(output)) == journal);
  CHECK_FALSE(fs::exists(output));

  kill(first, SIGCONT);
  CHECK(wait_exit(first) == 0);
  CHECK(read_raw(output) == read_raw(job.reference));
  CHECK_FALSE(fs::exists(output + ".lock"));
  // The lock went with the run: the next one may write.
  CHECK(run_geostrip(job.arguments(output) + " --overwrite").exit_code == 0);
}

TEST_CASE("a run killed outright leaves a lock file nobody holds: the next run takes it and resumes", "[cli]") {
  MedianJob job;
  const std::string output = job.dir / "out.tif";
  const pid_t first = job.start_until_half(output, SIGSTOP);
  kill(first, SIGKILL);
  wait_exit(first);
  REQUIRE(fs::exists(output + ".lock"));
  const auto resumed = run_geostrip(job.arguments(output));
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Catch::Contains("resumed " + output));
  CHECK(read_raw(output) == read_raw(job.reference));
}

TEST_CASE("a partial output whose bytes no longer match its journal is discarded with one line", "[cli]") {
  MedianJob job;
  const std::string output = job.dir / "out.tif";
  REQUIRE(job.interrupt(output, SIGTERM).exit_code == 75);
  // A flipped byte in the second tile row's data.
  {
    std::fstream file(output + ".partial", std::ios::in | std::ios::out | std::ios::binary);
    const auto size = fs::file_size(output + ".partial");
    file.seekg(static_cast<std::streamoff>(size / 3));
    char byte = 0;
    file.read(&byte, 1);
    file.seekp(static_cast<std::streamoff>(size / 3));
    byte = static_cast<char>(~byte);
    file.write(&byte, 1);
  }
  const auto rerun = run_geostrip(job.arguments(output));
  INFO(rerun.output);
  REQUIRE(rerun.exit_code == 0);
  CHECK_THAT(rerun.output, Catch::Contains("warning: " + output + ".partial: not resumed, starting over: rows ") &&
                               Catch::Contains("do not match its journal"));
  CHECK_THAT(rerun.output, !Catch::Contains("resumed " + output));
  CHECK(read_raw(output) == read_raw(job.reference));
}

TEST_CASE("a forged journal never crashes a run: what cannot be true is discarded and the run starts over", "[cli]") {
  MedianJob job;
  const std::string output = job.dir / "out.tif";
  REQUIRE(job.interrupt(output, SIGTERM).exit_code == 75);
  const std::string partial = output + ".partial", journal = Journal::path_for(output);
  const std::string kept = job.dir / "kept.partial", text = file_text(journal);
  fs::copy_file(partial, kept);
  const std::pair<std::string, std::string> forgeries[] = {
      {"rows -2944 00000000", "is not a record of rows"},
      {"rows abc 00000000", "is not a record of rows"},
      {"rows 3000 00000000", "-2999 do not match its journal"},  // rows never written
  };
  for (const auto& [record, says] : forgeries) {
    INFO(record);
    fs::copy_file(kept, partial, fs::copy_options::overwrite_existing);
    write_file(journal, text + signed_line(record));
    const auto rerun = run_geostrip(job.arguments(output) + " --overwrite");
    INFO(rerun.output);
    REQUIRE(rerun.exit_code == 0);
    CHECK_THAT(rerun.output, Catch::Contains("not resumed, starting over") && Catch::Contains(says));
    CHECK(read_raw(output) == read_raw(job.reference));
    // The next run is not stuck on it: nothing is left to discard.
    CHECK_FALSE(fs::exists(journal));
  }
}

TEST_CASE("a VRT whose source is replaced between an interrupt and the rerun starts over on the new pixels", "[cli]") {
  MedianJob job;
  const std::string vrt = job.dir / "band.vrt", source = job.dir / "source.tif", output = job.dir / "out.tif";
  fs::copy_file(job.source, source);
  REQUIRE(run_command("gdalbuildvrt -q " + vrt + " " + source).exit_code == 0);
  REQUIRE(job.interrupt(output, SIGTERM, vrt).exit_code == 75);
  // The same size, other pixels: only the VRT's source changes.
  fs::remove(source);
  fs::copy_file(job.dir / "s/B08.tif", source);
  const auto rerun = run_geostrip(job.arguments(output, vrt));
  INFO(rerun.output);
  REQUIRE(rerun.exit_code == 0);
  CHECK_THAT(rerun.output, Catch::Contains("not resumed, starting over") && Catch::Contains("another job"));
  const std::string fresh = job.dir / "fresh.tif";
  REQUIRE(run_geostrip(job.arguments(fresh, vrt)).exit_code == 0);
  CHECK(read_raw(output) == read_raw(fresh));
}

TEST_CASE("an input rewritten while a run reads it fails the run: no output, no partial file", "[cli]") {
  MedianJob job;
  // Uncompressed scenes of one layout: a rewrite moves no tile, and every read still succeeds.
  for (const char* seed : {"1", "2"})
    REQUIRE(run_geostrip("synth s2 -o " + job.dir / ("raw" + std::string(seed)) + " --size 3000x1500 --tile 256 " +
                         "--compress none --seed " + seed)
                .exit_code == 0);
  const std::string input = job.dir / "input.tif", output = job.dir / "out.tif";
  fs::copy_file(job.dir / "raw1/B04.tif", input);
  const pid_t pid = job.start_until_half(output, SIGSTOP, input);
  {  // rewritten in place, as a careless copy would
    const std::string other = file_text(job.dir / "raw2/B04.tif");
    std::ofstream(input, std::ios::binary | std::ios::trunc) << other;
  }
  kill(pid, SIGCONT);
  const CommandResult result{wait_exit(pid), file_text(output + ".log")};
  check_one_line_error(result, {input, "changed during the run", output + " not written"});
  CHECK_FALSE(fs::exists(output));
  CHECK_FALSE(fs::exists(output + ".partial"));
  CHECK_FALSE(fs::exists(Journal::path_for(output)));
}

TEST_CASE("geostrip writes through no symbolic link, and replaces only a regular file", "[cli]") {
  MedianJob job;
  const std::string output = job.dir / "out.tif", victim = job.dir / "victim.txt";
  write_file(victim, "precious");
  for (const std::string& planted : {output + ".partial", Journal::path_for(output), output + ".lock"}) {
    INFO("a link planted at " << planted);
    fs::create_symlink(victim, planted);
    check_one_line_error(run_geostrip(job.arguments(output)), {planted, "symbolic link"});
    CHECK(file_text(victim) == "precious");
    CHECK_FALSE(fs::exists(output));
    fs::remove(planted);
  }
  // A dangling link at the output path is something there, with --overwrite or without.
  fs::create_symlink(job.dir / "nowhere.tif", output);
  check_one_line_error(run_geostrip(job.arguments(output)), {output, "symbolic link"});
  check_one_line_error(run_geostrip(job.arguments(output) + " --overwrite"), {output, "symbolic link"});
  CHECK(fs::is_symlink(output));
  fs::remove(output);
  REQUIRE(::mkfifo(output.c_str(), 0644) == 0);
  check_one_line_error(run_geostrip(job.arguments(output) + " --overwrite"), {output, "FIFO"});
  CHECK(fs::is_fifo(output));
  fs::remove(output);
  // A directory at the output path is found before any work: nothing is computed or left.
  fs::create_directory(output);
  check_one_line_error(run_geostrip(job.arguments(output) + " --overwrite"), {output, "directory"});
  CHECK(fs::is_empty(output));
  CHECK_FALSE(fs::exists(output + ".partial"));
}

TEST_CASE("a report onto an input or the output is refused before any work, an unwritable one is found first",
          "[cli]") {
  MedianJob job;
  const std::string output = job.dir / "out.tif";
  const auto before = file_text(job.source);
  check_usage(run_geostrip(job.arguments(output) + " --report " + job.source), {job.source, "input src"});
  // Through a hard link too.
  fs::create_hard_link(job.source, job.dir / "alias.tif");
  check_usage(run_geostrip(job.arguments(output) + " --report " + job.dir / "alias.tif"), {"input src"});
  check_usage(run_geostrip(job.arguments(output) + " --report " + output), {"the output"});
  check_usage(run_geostrip(job.arguments(output) + " --report " + output + ".partial"), {"partial file"});
  CHECK(file_text(job.source) == before);
  CHECK_FALSE(fs::exists(output));
  const std::string nowhere = job.dir / "no/such/dir/report.json";
  check_one_line_error(run_geostrip(job.arguments(output) + " --report " + nowhere), {nowhere, "cannot write the report"});
  CHECK_FALSE(fs::exists(output));
  CHECK_FALSE(fs::exists(output + ".partial"));
}

TEST_CASE("synth stopped by a signal exits 75 and leaves no file that looks whole", "[cli]") {
  TempDir dir;
  for (const auto& [kind, signal] : {std::pair{"slc", SIGTERM}, {"s2", SIGUSR1}, {"dem", SIGINT}}) {
    INFO(kind);
    const std::string out = dir / kind;
    const pid_t pid = spawn(std::string(GEOSTRIP_BINARY) + " synth " + kind + " -o " + out + " --size 6000x3000",
                            dir / "synth.log");
    REQUIRE(wait_until([&] {
      return fs::exists(out) && std::any_of(fs::directory_iterator(out), fs::directory_iterator(), [](const auto& f) {
               return f.path().extension() == ".partial";
             });
    }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(pid, signal);
    const int code = wait_exit(pid);
    const std::string log = file_text(dir / "synth.log");
    INFO(log);
    CHECK(code == 75);
    CHECK_THAT(log, Catch::Contains("interrupted by SIG"));
    CHECK(fs::is_empty(out));  // no scene file, no partial, no lock
  }
}

TEST_CASE("sizes a header declares are checked against --memory before anything is allocated", "[cli]") {
  TempDir dir;
  // 1e9 x 1e9 complex pixels in a 200 KB file: chunked, nothing written. Chunks
  // 1023 columns wide line up with no column chunk, so blocks hold whole rows.
  const std::string huge = dir / "huge.h5";
  {
    const hid_t file = H5Fcreate(huge.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t complex = H5Tcreate(H5T_COMPOUND, 8);
    H5Tinsert(complex, "r", 0, H5T_IEEE_F32LE);
    H5Tinsert(complex, "i", 4, H5T_IEEE_F32LE);
    const hsize_t dims[2] = {1'000'000'000, 1'000'000'000}, chunk[2] = {1024, 1023};
    const hid_t space = H5Screate_simple(2, dims, nullptr), create = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(create, 2, chunk);
    const hid_t grid = H5Dcreate2(file, "HH", complex, space, H5P_DEFAULT, create, H5P_DEFAULT);
    const hsize_t n = dims[0], vector_chunk = 4096;
    const hid_t line = H5Screate_simple(1, &n, nullptr), vector_create = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(vector_create, 1, &vector_chunk);
    for (const char* name : {"xCoordinates", "yCoordinates"})
      H5Dclose(H5Dcreate2(file, name, H5T_IEEE_F64LE, line, H5P_DEFAULT, vector_create, H5P_DEFAULT));
    H5Dclose(grid);
    for (const hid_t id : {create, vector_create}) H5Pclose(id);
    for (const hid_t id : {space, line}) H5Sclose(id);
    H5Tclose(complex);
    H5Fclose(file);
  }
  REQUIRE(fs::file_size(huge) < 1'000'000);
  const std::string output = dir / "ml.tif";
  const pid_t pid = spawn(std::string(GEOSTRIP_BINARY) + " run multilook -i src=" + huge + ":/HH --looks 2x2 -o " +
                              output + " --memory 1GiB --threads 2",
                          dir / "huge.log");
  int status = 0;
  rusage usage{};
  REQUIRE(wait4(pid, &status, 0, &usage) == pid);
  const CommandResult result{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                             file_text(dir / "huge.log")};
  check_one_line_error(result, {output, "need about", "more than its budget of 1.0 GiB", "--memory"});
  CHECK(usage.ru_maxrss < 200 * 1024);  // KiB
  CHECK_FALSE(fs::exists(output));
  CHECK_FALSE(fs::exists(output + ".partial"));
  // Told it may use 100 TB, the run tries: the allocation that fails is named, in one line.
  // (In the sanitizer build AddressSanitizer must answer as malloc does, and says so in a
  // line of its own, which is not geostrip's.)
  CommandResult out_of_memory =
      run_command("ASAN_OPTIONS=allocator_may_return_null=1 " + std::string(GEOSTRIP_BINARY) + " run multilook -i src=" +
                  huge + ":/HH --looks 1000x1000 -o " + output +
                  " --memory 100TB --block-rows 1 --threads 1 --oversubscription-check off");
  const auto sanitizer_line = out_of_memory.output.find("==WARNING: AddressSanitizer failed to allocate");
  if (sanitizer_line != std::string::npos)
    out_of_memory.output.erase(out_of_memory.output.rfind('\n', sanitizer_line) + 1,
                               out_of_memory.output.find('\n', sanitizer_line) + 1);
  check_one_line_error(out_of_memory, {"out of memory for the pixels of rows 0-999", "1000 x 1000000000"});
  CHECK_FALSE(fs::exists(output));

  // A GeoTIFF declaring 2e9 rows of 64 columns: planned quickly, in no memory to speak of.
  const std::string tall = dir / "tall.tif";
  {
    GDALAllRegister();
    CPLStringList options;
    options.SetNameValue("BLOCKYSIZE", "65536");
    options.SetNameValue("SPARSE_OK", "TRUE");
    std::unique_ptr<GDALDataset> ds(GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
        tall.c_str(), 64, 2'000'000'000, 1, GDT_Float64, options.List()));
    REQUIRE(ds);
  }
  const auto plan = run_geostrip("plan mean -i src=" + tall + " -o " + dir / "mean.tif" + " --memory 1GiB");
  INFO(plan.output);
  CHECK((plan.exit_code == 0 || plan.exit_code == 1));
  CHECK_THAT(plan.output, !Catch::Contains("bad_alloc") && !Catch::Contains("internal error"));

  // Absurd engine options are usage errors, found before any input is opened.
  check_usage(run_geostrip("run mean -i src=" + tall + " -o " + output + " --tile 100000"),
              {"--tile 100000", "at most 4096"});
  check_usage(run_geostrip("run mean -i src=" + tall + " -o " + output + " --threads 99999999999"),
              {"--threads 99999999999", "at most 4096"});
}

TEST_CASE("signed bytes read as signed in every operation, 64-bit integers are refused with one line", "[cli]") {
  TempDir dir;
  const std::string path = dir / "int8.tif";
  const int rows = 40, cols = 30;
  std::vector<std::int8_t> values(static_cast<std::size_t>(rows * cols));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::int8_t>(static_cast<int>(i % 256) - 128);
  {
    GDALAllRegister();
    CPLStringList options;
    options.SetNameValue("PIXELTYPE", "SIGNEDBYTE");
    std::unique_ptr<GDALDataset> ds(
        GetGDALDriverManager()->GetDriverByName("GTiff")->Create(path.c_str(), cols, rows, 1, GDT_Byte, options.List()));
    REQUIRE(ds);
    REQUIRE(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, cols, rows, values.data(), cols, rows, GDT_Byte, 0, 0) ==
            CE_None);
  }
  // expr sees -5 as -5; median 1x1 keeps the signed bytes as they are.
  const auto expr = run_geostrip("run expr -i v=" + path + " --expr \"v\" --type Int16 -o " + dir / "expr.tif");
  INFO(expr.output);
  REQUIRE(expr.exit_code == 0);
  std::vector<std::int16_t> as_int16(values.size());
  REQUIRE(Dataset(dir / "expr.tif")->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, cols, rows, as_int16.data(), cols, rows,
                                                                 GDT_Int16, 0, 0) == CE_None);
  for (std::size_t i = 0; i < values.size(); ++i) REQUIRE(as_int16[i] == values[i]);
  const auto median = run_geostrip("run median -i src=" + path + " --window 1x1 -o " + dir / "median.tif");
  INFO(median.output);
  REQUIRE(median.exit_code == 0);
  const Dataset signed_median(dir / "median.tif");
  const char* pixel_type = signed_median->GetRasterBand(1)->GetMetadataItem("PIXELTYPE", "IMAGE_STRUCTURE");
  CHECK(std::string(pixel_type ? pixel_type : "") == "SIGNEDBYTE");
  const auto bytes = read_band<std::uint8_t>(dir / "median.tif");
  for (std::size_t i = 0; i < values.size(); ++i) REQUIRE(static_cast<std::int8_t>(bytes[i]) == values[i]);

  const std::string wide = dir / "int64.tif";
  {
    std::unique_ptr<GDALDataset> ds(
        GetGDALDriverManager()->GetDriverByName("GTiff")->Create(wide.c_str(), 4, 4, 1, GDT_Int64, nullptr));
    REQUIRE(ds);
  }
  check_one_line_error(run_geostrip("run median -i src=" + wide + " -o " + dir / "wide.tif"),
               {wide, "Int64 pixels are not supported"});
}

TEST_CASE("messages: a complex input to median names its file, --config of another file echoes none of it",
          "[cli]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth slc -o " + dir / "slc" + " --size 60x40").exit_code == 0);
  const std::string slc = dir / "slc/reference.h5";
  check_one_line_error(run_geostrip("run median -i src=" + slc + ":/science/LSAR/GSLC/grids/frequencyA/HH -o " +
                            dir / "m.tif"),
               {slc, "is complex; median takes real pixels"});
  const std::string secret = dir / "secret.txt";
  write_file(secret, "hunter2\nroot:x:0:0:root:/root:/bin/bash\n");
  const auto config = run_geostrip("check --config " + secret);
  check_usage(config, {secret, "line 1", "is not an option"});
  CHECK_THAT(config.output, !Catch::Contains("hunter2") && !Catch::Contains("root:x"));
}

TEST_CASE("corrupt HDF5 chunks read on several threads give one line, not HDF5's diagnostics", "[cli]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth slc -o " + dir / "slc" + " --size 2000x600").exit_code == 0);
  const std::string slc = dir / "slc/reference.h5";
  {  // Garbage over the middle of the file: its deflated chunks.
    std::fstream file(slc, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(slc) / 2));
    const std::string garbage(20000, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const auto result = run_geostrip("run multilook -i src=" + slc + ":/science/LSAR/GSLC/grids/frequencyA/HH " +
                                   "--looks 2x2 --threads 2 --block-rows 16 -o " + dir / "ml.tif");
  check_one_line_error(result, {slc, "corrupt"});
  CHECK_THAT(result.output, !Catch::Contains("HDF5-DIAG"));
}

TEST_CASE("an HDF5 file another process has locked is named as locked, not as corrupt", "[cli]") {
  TempDir dir;
  REQUIRE(run_geostrip("synth slc -o " + dir / "slc" + " --size 60x40").exit_code == 0);
  const std::string slc = dir / "slc/reference.h5";
  // This process holds it open for writing, with HDF5's file locking on, as a writer would.
  ::setenv("HDF5_USE_FILE_LOCKING", "TRUE", 1);
  const hid_t writer = H5Fopen(slc.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(writer >= 0);
  const auto result = run_command("HDF5_USE_FILE_LOCKING=TRUE " + std::string(GEOSTRIP_BINARY) +
                                  " run multilook -i src=" + slc + ":/science/LSAR/GSLC/grids/frequencyA/HH " +
                                  "--looks 2x2 -o " + dir / "ml.tif");
  H5Fclose(writer);
  ::unsetenv("HDF5_USE_FILE_LOCKING");
  check_one_line_error(result, {slc, "locked by another process", "HDF5_USE_FILE_LOCKING=FALSE"});
}

TEST_CASE("a plain run keeps Open MPI's session files in a directory of its own, and removes it", "[cli]") {
  // Isolated singletons share TMPDIR/ompi.HOST.UID/jf.0, and one that ends removes it under the
  // others: plain runs started together failed in MPI_Init now and then.
  MedianJob job;
  const std::string tmp = job.dir / "tmp", output = job.dir / "out.tif";
  fs::create_directory(tmp);
  // What a killed run left (a process that is gone), and a live run's.
  pid_t gone = 4'000'000;
  while (kill(gone, 0) == 0 || errno != ESRCH) --gone;
  const std::string prefix = "geostrip-mpi-" + host_name() + "-";
  const std::string abandoned = tmp + "/" + prefix + std::to_string(gone) + "-Abc123";
  const std::string live = tmp + "/" + prefix + std::to_string(getpid()) + "-Xyz789";
  fs::create_directories(abandoned + "/ompi." + host_name() + ".0/jf.0");
  fs::create_directory(live);

  const pid_t pid = spawn("env TMPDIR=" + tmp + " " + GEOSTRIP_BINARY + " " + job.arguments(output), output + ".log");
  REQUIRE(wait_until([&] { return file_text(Journal::path_for(output)).find("\nrows 256 ") != std::string::npos; }));
  kill(pid, SIGSTOP);
  std::vector<std::string> sessions;
  for (const auto& entry : fs::directory_iterator(tmp)) sessions.push_back(entry.path().filename());
  kill(pid, SIGCONT);
  CHECK(wait_exit(pid) == 0);
  // The live run's and the run's own; the abandoned one is gone.
  REQUIRE(sessions.size() == 2);
  const std::string live_name = fs::path(live).filename();
  const std::string own = sessions[0] == live_name ? sessions[1] : sessions[0];
  CHECK(std::count(sessions.begin(), sessions.end(), live_name) == 1);
  CHECK_THAT(own, Catch::StartsWith(prefix + std::to_string(pid) + "-"));
  CHECK_FALSE(fs::exists(abandoned));
  CHECK(fs::exists(live));
  fs::remove(live);
  CHECK(fs::is_empty(tmp));
}
