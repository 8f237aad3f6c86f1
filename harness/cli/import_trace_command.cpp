// import_trace_command.cpp: `ebsmock import-trace FILE... -o scenario.toml` turns a
// customer's artefacts (traces.md: ActionTrail, HAR, SDK and Terraform logs, error text,
// ebsmock's journal and request log) into one replay scenario
// (scenarios/trace/trace_sources.h); this file only reads the files and maps flags. Every
// unreadable record is reported as "FILE:LINE[:COL]: problem" and, unless --lenient or
// --skip-unreadable, nothing is written. Runs once, on the main thread.
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
#include "scenarios/trace/trace_sources.h"
#include "scenarios/trace/trace_time.h"

namespace ebsmock::cli {

namespace {

struct ImportTraceArgs {
  std::vector<std::string> inputs;
  std::string output;
  std::string name;
  std::string format;
  std::string timezone;
  std::string base;
  bool strict = false;
  bool lenient = false;
  bool skip_unreadable = false;
  bool mask_account_ids = false;
  bool wildcard_created_ids = false;
  bool infer_commits = false;
};

// Reads at most the trace limit plus one byte: the importer rejects anything larger,
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
  while (in && text.size() <= scenarios::kMaxTraceBytes) {
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
      "import-trace",
      "Turn customer artefacts (ActionTrail, HAR, SDK/Terraform logs, error text, the journal) into a replay scenario");
  auto args = std::make_shared<ImportTraceArgs>();
  std::string formats;
  for (auto f : scenarios::trace_format_names()) formats += (formats.empty() ? "" : ", ") + std::string(f);
  cmd->add_option("traces", args->inputs,
                  "One or more artefacts, merged into one trace (joined on RequestId, then ClientToken); "
                  "gzip and zlib are read as such")
      ->required();
  cmd->add_option("-o,--output", args->output, "Scenario file to write; - for stdout")->required();
  cmd->add_option("--name", args->name, "Scenario name (default: the first file's name)");
  cmd->add_option("--format", args->format, "Read every file as this format instead of detecting it: " + formats);
  cmd->add_option("--timezone", args->timezone,
                  "Zone of times written without one (Go log prefixes), e.g. +08:00 or UTC");
  cmd->add_option("--base", args->base,
                  "Start the replay from this scenario's world (pairs, groups, timing, clock, seed), "
                  "e.g. the one the journal's mock served");
  auto* strict = cmd->add_flag("--strict", args->strict,
                               "A request that is not the next step gets Mock.ReplayMismatch "
                               "(default)");
  auto* lenient = cmd->add_flag("--lenient", args->lenient,
                                "A request that is not the next step is answered by the model; and "
                                "unreadable records are reported but do not stop the import");
  strict->excludes(lenient);
  cmd->add_flag("--skip-unreadable", args->skip_unreadable,
                "Report unreadable records but write the scenario anyway (exit 0)");
  cmd->add_flag("--mask-account-ids", args->mask_account_ids,
                "Mask account ids (ActionTrail userIdentity) wherever they appear in the scenario");
  cmd->add_flag("--wildcard-created-ids", args->wildcard_created_ids,
                "Match the ids of pairs the trace creates with \"*\" (the mock gives them "
                "its own ids)");
  cmd->add_flag("--infer-commits", args->infer_commits,
                "Apply a call that failed ambiguously (5xx, lost connection) when a later Describe "
                "shows its effect (default: only say so in the step's comment)");

  cmd->callback([args, &exit_code] {
    scenarios::TracesImportOptions options;
    std::optional<scenarios::TraceFormat> format;
    if (!args->format.empty()) {
      format = scenarios::parse_trace_format(args->format);
      if (!format) {
        std::cerr << "import-trace: unknown --format \"" << args->format << "\"\n";
        exit_code = 2;
        return;
      }
    }
    if (!args->timezone.empty()) {
      options.zone = scenarios::parse_timezone(args->timezone);
      if (!options.zone) {
        std::cerr << "import-trace: --timezone must be UTC or an offset such as +08:00, got \""
                  << args->timezone << "\"\n";
        exit_code = 2;
        return;
      }
    }
    std::optional<scenarios::Scenario> base;
    if (!args->base.empty()) {
      try {
        base = scenarios::load_scenario_file(args->base);
      } catch (const scenarios::ScenarioError& e) {
        for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << "\n";
        exit_code = 2;
        return;
      }
    }
    std::vector<scenarios::TraceInput> inputs;
    for (const auto& path : args->inputs) {
      std::string bytes, error;
      if (!read_input(path, bytes, error)) {
        std::cerr << path << ": cannot read: " << error << "\n";
        exit_code = 2;
        return;
      }
      inputs.push_back({.name = path, .bytes = std::move(bytes), .format = format});
    }
    options.scenario.source_name = args->inputs.front();
    options.scenario.name = args->name;
    options.scenario.mode = args->lenient ? scenarios::ReplayMode::Lenient : scenarios::ReplayMode::Strict;
    options.scenario.wildcard_created_ids = args->wildcard_created_ids;
    options.scenario.infer_commits = args->infer_commits;
    if (base) options.scenario.base = &*base;
    options.mask_account_ids = args->mask_account_ids;
    options.skip_unreadable = args->skip_unreadable || args->lenient;
    auto result = scenarios::import_traces(inputs, options);
    for (const auto& p : result.problems) std::cerr << p.to_string() << "\n";
    for (const auto& line : result.report) std::cerr << line << "\n";
    if (!result.ok()) {
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
    std::string error;
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
