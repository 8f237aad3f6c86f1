// main.cpp: the `ebsmock` command line.
#include <csignal>
#include <iostream>

#include "harness/cli/commands.h"
#include "mock/version.h"

int main(int argc, char** argv) {
  // A client that disappears mid-response must not kill the server with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"ebsmock: a local emulator of Alibaba Cloud EBS async replication (2021-07-30)"};
  app.set_version_flag("--version", std::string("ebsmock ") + std::string(ebsmock::version()),
                       "Print the version and exit");
  app.require_subcommand(1);
  int exit_code = 0;
  ebsmock::cli::add_serve_command(app, exit_code);
  ebsmock::cli::add_diagram_command(app, exit_code);
  ebsmock::cli::add_demo_command(app, exit_code);
  ebsmock::cli::add_lint_command(app, exit_code);
  ebsmock::cli::add_import_trace_command(app, exit_code);
  ebsmock::cli::add_contract_command(app, exit_code);
  ebsmock::cli::add_call_command(app, exit_code);
  ebsmock::cli::add_report_command(app, exit_code);
  ebsmock::cli::add_scenarios_command(app, exit_code);
  ebsmock::cli::add_record_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    // CLI11 answers --help with 0; every real usage error is exit 2.
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
