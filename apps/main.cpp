#include "cli/cli.hpp"

int main(int argc, char** argv) { return geostrip::main(argc, argv); }
