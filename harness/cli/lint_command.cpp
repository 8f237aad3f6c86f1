// lint_command.cpp: `ebsmock lint [-q] [--allow-undeclared-pairs] FILE...` checks scenario
// files without serving them. It prints every finding of every file, one per line as
// `file:line:col: message` on stdout (so editors and CI annotate them), and "FILE: ok"
// for a clean file unless -q. Exit 0 when all files are clean, 1 when any has a finding
// (a file that cannot be read is a finding), 2 on a usage error.
// Not thread-safe (runs once, on the main thread).
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/cli/world_loading.h"
#include "mock/startup_arena.h"
#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::cli {
namespace {

struct LintCommandOptions {
  std::vector<std::string> files;
  bool quiet = false;
  bool allow_undeclared_pairs = false;
};

int lint(const LintCommandOptions& opts) {
  scenarios::LintOptions checks;
  // A fault on a pair the file never declares usually has a typo in the id and never
  // fires, so it is a finding unless the author says the pair is made at run time.
  checks.undeclared_pairs = !opts.allow_undeclared_pairs;
  bool any_finding = false;
  for (const std::string& file : opts.files) {
    std::optional<mock::StartupArena> arena;  // a large file's parse tables on 2 MB pages
    if (worth_a_startup_arena(file)) arena.emplace();
    const auto findings = scenarios::lint_scenario_file(file, checks);
    if (findings.empty()) {
      if (!opts.quiet) std::cout << file << ": ok\n";
      continue;
    }
    any_finding = true;
    for (const auto& d : findings) std::cout << d.to_string() << "\n";
  }
  std::cout.flush();
  return any_finding ? 1 : 0;
}

}  // namespace

void add_lint_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<LintCommandOptions>();
  auto* cmd = app.add_subcommand(
      "lint", "Check scenario files: print every problem as file:line:col: message");
  cmd->add_option("files", opts->files, "Scenario TOML files")->required();
  cmd->add_flag("-q,--quiet", opts->quiet, "Print nothing for clean files");
  cmd->add_flag("--allow-undeclared-pairs", opts->allow_undeclared_pairs,
                "Accept [[fault]] pair and group ids that no [[pair]] or [[group]] of the "
                "file declares (resources created at run time)");
  cmd->callback([opts, &exit_code] { exit_code = lint(*opts); });
}

}  // namespace ebsmock::cli
