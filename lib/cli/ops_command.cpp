// `geostrip ops`: every operation, its inputs, output, halo and options, from their declarations.
#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "kernels/registry.hpp"

namespace geostrip {

namespace {

class OpsCommand final : public Command {
 public:
  void add_to(CLI::App& app) override {
    app_ = app.add_subcommand("ops", "list operations and their options (geostrip run OP --help shows one)");
  }
  const LaunchArgs* launch() const override { return nullptr; }

  int run(const Team*, const Invocation& invocation) override {
    const Console& console = invocation.console;
    for (const Operation* op : operations()) {
      console.out("{}\n  {}\n  inputs: {}{}; output: {}; halo: {}\n", op->name, op->summary, op->inputs_text(),
                  op->pixels == Pixels::Complex ? " (complex)" : "", op->output, op->halo_text());
      for (const OptionDecl& option : op->options)
        console.out("  --{}{}{}  {}{}\n", option.name, option.kind == OptionKind::Flag ? "" : " ", option.value_name(),
                    option.help,
                    option.default_value.empty() ? "" : " (default " + option.default_value + ")");
    }
    return kExitDone;
  }
};

}  // namespace

std::unique_ptr<Command> make_ops_command() { return std::make_unique<OpsCommand>(); }

}  // namespace geostrip
