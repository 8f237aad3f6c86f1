// demo_command.cpp: placeholder until the reference client lands.
#include "harness/cli/commands.h"
namespace ebsmock::cli {
void add_demo_command(CLI::App&, int&) {}
}  // namespace ebsmock::cli
