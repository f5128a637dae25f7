#pragma once
// The geostrip command line: parses arguments, runs the command, and turns
// errors into one line on stderr and the exit code (0 done, 1 failed, 2 usage).
namespace geostrip {

int main(int argc, char** argv);

}  // namespace geostrip
