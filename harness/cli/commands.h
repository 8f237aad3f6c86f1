// commands.h: each `ebsmock` subcommand registers itself on the CLI11 app and reports
// its exit status through `exit_code` (0 ok, 1 findings/contract violated, 2 usage or
// set-up error). Not thread-safe (runs once, on the main thread).
#pragma once

#include <CLI/CLI.hpp>

namespace ebsmock::cli {

void add_serve_command(CLI::App& app, int& exit_code);
void add_diagram_command(CLI::App& app, int& exit_code);
void add_demo_command(CLI::App& app, int& exit_code);
void add_lint_command(CLI::App& app, int& exit_code);
void add_import_trace_command(CLI::App& app, int& exit_code);
void add_contract_command(CLI::App& app, int& exit_code);
void add_call_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);
void add_scenarios_command(CLI::App& app, int& exit_code);
void add_record_command(CLI::App& app, int& exit_code);

}  // namespace ebsmock::cli
