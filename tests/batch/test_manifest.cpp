#include <catch2/catch.hpp>
#include <cstdlib>

#include "batch/manifest.hpp"
#include "batch/status.hpp"
#include "core/error.hpp"

using namespace geostrip;

TEST_CASE("a manifest's job lines keep their line numbers, blanks and comments are left out", "[batch]") {
  const auto lines = job_lines("# NDVI of every scene\n\nndi -i a=x -o y\r\n   # indented comment\n\t\nmean -i src=z -o w");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].number == 3);
  CHECK(lines[0].text == "ndi -i a=x -o y");
  CHECK(lines[1].number == 6);
  CHECK(lines[1].text == "mean -i src=z -o w");
  CHECK(job_lines("").empty());
  CHECK(job_lines("\n# only a comment\n").empty());
}

TEST_CASE("job lines split into arguments as a shell would", "[batch]") {
  CHECK(split_arguments("ndi -i a=B08.tif -o out.tif") ==
        std::vector<std::string>{"ndi", "-i", "a=B08.tif", "-o", "out.tif"});
  CHECK(split_arguments(R"(expr -i a=x.tif --expr "(a - 1) * 2" -o 'my out.tif')") ==
        std::vector<std::string>{"expr", "-i", "a=x.tif", "--expr", "(a - 1) * 2", "-o", "my out.tif"});
  CHECK(split_arguments(R"(run -o my\ out.tif)") == std::vector<std::string>{"run", "-o", "my out.tif"});
  setenv("GEOSTRIP_TEST_SCENES", "/data/s2", 1);
  CHECK(split_arguments("mean -i src=$GEOSTRIP_TEST_SCENES/B04.tif") ==
        std::vector<std::string>{"mean", "-i", "src=/data/s2/B04.tif"});
}

TEST_CASE("malformed job lines are usage errors that say what is wrong", "[batch]") {
  CHECK_THROWS_WITH(split_arguments(R"(ndi -o "out.tif)"), Catch::Contains("unbalanced quotes"));
  CHECK_THROWS_WITH(split_arguments("expr --expr (a+b) -o x.tif"), Catch::Contains("quote"));
  CHECK_THROWS_WITH(split_arguments("ndi -o $(rm -rf /).tif"), Catch::Contains("command substitution"));
  CHECK_THROWS_WITH(split_arguments("ndi -o $GEOSTRIP_TEST_UNSET_VARIABLE.tif"), Catch::Contains("undefined"));
  CHECK_THROWS_AS(split_arguments("ndi -o a.tif; rm x"), UsageError);
}

TEST_CASE("a job record survives its JSON status line", "[batch]") {
  const JobRecord record{7, "out/ndvi \"1\".tif", JobStatus::Failed, 2, 1.25, "in.tif: cannot open", 3, "node-7"};
  const std::string line = to_json_line(record);
  CHECK(line.find('\n') == std::string::npos);
  CHECK_THAT(line, Catch::Contains(R"("status":"failed")"));
  const JobRecord back = record_from_json(line);
  CHECK(back.job == 7);
  CHECK(back.output == record.output);
  CHECK(back.status == JobStatus::Failed);
  CHECK(back.attempts == 2);
  CHECK(back.seconds == 1.25);
  CHECK(back.error == record.error);
  CHECK(back.rank == 3);
  CHECK(back.host == "node-7");
}
