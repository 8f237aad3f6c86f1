// main.cpp: the `ebsmock` command line. Subcommands are registered by their own files.
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"ebsmock: a local emulator of Alibaba Cloud EBS async replication"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
