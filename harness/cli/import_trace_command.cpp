// import_trace_command.cpp: `ebsmock import-trace LOG.jsonl -o scenario.toml` turns a
// customer's request log into a replay scenario (scenarios/trace/trace_import.h); this
// file only maps flags and files to it. Bad lines are all reported as
// "LOG.jsonl:LINE: problem" and nothing is written. Runs once, on the main thread.
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <unistd.h>

#include "harness/cli/commands.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/trace/trace_import.h"

namespace ebsmock::cli {

namespace {

struct ImportTraceArgs {
  std::string input;
  std::string output;
  std::string name;
  bool strict = false;
  bool lenient = false;
  bool wildcard_created_ids = false;
};

// Reads at most the scenario limit plus one byte: the importer rejects anything larger,
// and a wrong path (a disk image) must not be read in full.
bool read_input(const std::string& path, std::string& text, std::string& error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "is a directory";
    return false;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = errno != 0 ? std::strerror(errno) : "cannot open";
    return false;
  }
  std::array<char, 64 * 1024> buffer;
  while (in && text.size() <= scenarios::kMaxScenarioBytes) {
    in.read(buffer.data(), buffer.size());
    text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    error = errno != 0 ? std::strerror(errno) : "read error";
    return false;
  }
  return true;
}

// Writes through a temporary file and a rename, so an existing scenario is never left
// half-written.
bool write_output(const std::string& path, const std::string& text, std::string& error) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = std::strerror(errno);
      return false;
    }
    out << text;
    out.flush();
    if (!out) {
      error = std::strerror(errno);
      std::filesystem::remove(tmp);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = ec.message();
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace

void add_import_trace_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "import-trace", "Turn a customer's request log (JSON lines) into a replay scenario");
  auto args = std::make_shared<ImportTraceArgs>();
  cmd->add_option("trace", args->input,
                  "The log: one JSON object per line (see scenarios/traces/)")
      ->required();
  cmd->add_option("-o,--output", args->output, "Scenario file to write; - for stdout")->required();
  cmd->add_option("--name", args->name, "Scenario name (default: the log's file name)");
  auto* strict = cmd->add_flag("--strict", args->strict,
                               "A request that is not the next step gets Mock.ReplayMismatch "
                               "(default)");
  auto* lenient = cmd->add_flag("--lenient", args->lenient,
                                "A request that is not the next step is answered by the model");
  strict->excludes(lenient);
  cmd->add_flag("--wildcard-created-ids", args->wildcard_created_ids,
                "Match the ids of pairs the trace creates with \"*\" (the mock gives them "
                "its own ids)");

  cmd->callback([args, &exit_code] {
    std::string text, error;
    if (!read_input(args->input, text, error)) {
      std::cerr << args->input << ": cannot read: " << error << "\n";
      exit_code = 2;
      return;
    }
    scenarios::TraceImportOptions options;
    options.source_name = args->input;
    options.name = args->name;
    options.mode = args->lenient ? scenarios::ReplayMode::Lenient : scenarios::ReplayMode::Strict;
    options.wildcard_created_ids = args->wildcard_created_ids;
    auto result = scenarios::import_trace(text, options);
    if (!result.ok()) {
      for (const auto& p : result.problems) std::cerr << p.to_string() << "\n";
      std::cerr << "nothing written\n";
      exit_code = 1;
      return;
    }
    for (const auto& w : result.warnings) std::cerr << "warning: " << w.to_string() << "\n";
    // The file is still worth writing if it does not load (it can be read and edited),
    // but the engineer must know before running it.
    for (const auto& d : scenarios::lint_scenario_string(result.toml, args->output)) {
      std::cerr << "warning: the generated scenario does not load: " << d.to_string() << "\n";
    }
    if (args->output == "-") {
      std::cout << result.toml;
    } else if (!write_output(args->output, result.toml, error)) {
      std::cerr << args->output << ": cannot write: " << error << "\n";
      exit_code = 2;
      return;
    } else {
      std::cerr << "wrote " << args->output << ": " << result.steps << " replay steps\n";
    }
    exit_code = 0;
  });
}

}  // namespace ebsmock::cli
