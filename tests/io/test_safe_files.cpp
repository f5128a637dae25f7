#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "io/safe_files.hpp"
#include "support/test_support.hpp"

using namespace geostrip;
using geostrip::test::file_text;
using geostrip::test::TempDir;
using geostrip::test::write_file;
namespace fs = std::filesystem;

TEST_CASE("a file's identity is the same by every path that names it", "[io]") {
  TempDir dir;
  fs::create_directory(dir / "real");
  fs::create_directory_symlink(dir / "real", dir / "alias");
  write_file(dir / "real/a.tif", "a");
  fs::create_hard_link(dir / "real/a.tif", dir / "hard.tif");
  CHECK(file_identity(dir / "real/a.tif") == file_identity(dir / "alias/a.tif"));
  CHECK(file_identity(dir / "real/a.tif") == file_identity(dir / "hard.tif"));
  // Not written yet: its directory and name.
  CHECK(file_identity(dir / "real/new.tif") == file_identity(dir / "alias/new.tif"));
  CHECK(file_identity(dir / "real/new.tif") != file_identity(dir / "real/other.tif"));
  CHECK(file_identity(dir / "real/new.tif")->name == "new.tif");
  CHECK_FALSE(file_identity(dir / "no/such/dir/x.tif"));
}

TEST_CASE("new files are made only where nothing is, and never through a link", "[io]") {
  TempDir dir;
  const std::string victim = dir / "victim.txt", link = dir / "link";
  write_file(victim, "precious");
  fs::create_symlink(victim, link);
  CHECK_THROWS_WITH(create_new_file(link), Catch::Contains(link) && Catch::Contains("cannot create"));
  CHECK_THROWS_WITH(create_new_file(victim), Catch::Contains("File exists"));
  CHECK(file_text(victim) == "precious");
  CHECK(create_new_file(dir / "fresh"));

  CHECK_FALSE(open_regular_file(dir / "missing", O_RDONLY));
  CHECK_THROWS_WITH(open_regular_file(link, O_RDWR), Catch::Contains("is a symbolic link"));
  CHECK_THROWS_WITH(open_regular_file(dir.path().string(), O_RDONLY), Catch::Contains("is a directory"));
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0644) == 0);
  CHECK_THROWS_WITH(open_regular_file(dir / "fifo", O_WRONLY), Catch::Contains("is a FIFO"));  // and does not block
  CHECK(open_regular_file(victim, O_RDONLY));

  CHECK_THROWS_WITH(remove_leftover(link), Catch::Contains("is a symbolic link"));
  CHECK(fs::is_symlink(link));
  remove_leftover(dir / "missing");
  remove_leftover(dir / "fresh");
  CHECK_FALSE(fs::exists(dir / "fresh"));
}

TEST_CASE("a rename into place replaces nothing without leave, and only a regular file with it", "[io]") {
  TempDir dir;
  const std::string target = dir / "out.tif";
  write_file(dir / "a", "a");
  write_file(target, "old");
  CHECK_THROWS_WITH(rename_into_place(dir / "a", target, false), Catch::Contains("--overwrite"));
  CHECK(file_text(target) == "old");
  rename_into_place(dir / "a", target, true);
  CHECK(file_text(target) == "a");
  write_file(dir / "b", "b");
  fs::remove(target);
  fs::create_symlink(dir / "nowhere", target);
  CHECK_THROWS_WITH(rename_into_place(dir / "b", target, true), Catch::Contains("is a symbolic link"));
  CHECK_THROWS_WITH(rename_into_place(dir / "b", target, false), Catch::Contains("--overwrite"));
  fs::remove(target);
  rename_into_place(dir / "b", target, false);
  CHECK(file_text(target) == "b");
}

TEST_CASE("a file's content is replaced whole, never through a link, and leaves no temporary behind", "[io]") {
  TempDir dir;
  const std::string report = dir / "report.json", victim = dir / "victim.txt";
  replace_file_content(report, std::string_view("{}\n"), "report");
  replace_file_content(report, std::string_view("{\"a\": 1}\n"), "report");
  CHECK(file_text(report) == "{\"a\": 1}\n");
  write_file(victim, "precious");
  fs::create_symlink(victim, dir / "link.json");
  CHECK_THROWS_WITH(replace_file_content(dir / "link.json", std::string_view("x"), "report"),
                    Catch::Contains("is a symbolic link"));
  CHECK(file_text(victim) == "precious");
  CHECK_THROWS_WITH(replace_file_content(dir / "no/dir/r.json", std::string_view("x"), "report"),
                    Catch::Contains("no/dir/r.json"));
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 3);
}

TEST_CASE("a side file may be neither a file the command uses nor unwritable", "[io]") {
  TempDir dir;
  write_file(dir / "in.tif", "in");
  const std::vector<RoleOfFile> taken{{"input a", dir / "in.tif"}, {"the output", dir / "out.tif"}};
  CHECK_THROWS_AS(check_side_file(dir / "in.tif", "report", taken), UsageError);
  CHECK_THROWS_WITH(check_side_file(dir / "out.tif", "report", taken),
                    Catch::Contains("the report would overwrite the output"));
  CHECK_THROWS_WITH(check_side_file(dir / "missing/r.json", "report", taken),
                    Catch::Contains("cannot write the report in"));
  check_side_file(dir / "r.json", "report", taken);
  CHECK_FALSE(fs::exists(dir / "r.json"));  // checked, not written
}
