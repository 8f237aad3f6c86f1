// contract_command.cpp: `ebsmock contract`, the contract harness: property-based
// (RapidCheck state machine) testing of an EBS client against the mock, judged from the
// mock's journal (harness/contract/). Progress goes to stderr, the summary to stdout.
// Exit 0 when the contract holds, 1 when it is violated, 2 on usage or set-up errors.
#include <fstream>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/contract/client_spec.h"
#include "harness/contract/concurrent_run.h"
#include "harness/contract/contract_run.h"
#include "harness/contract/counterexample.h"
#include "harness/contract/report.h"
#include "harness/report/html_report.h"
#include "harness/report/markdown_summary.h"
#include "mock/seed.h"

namespace ebsmock::cli {
namespace {

struct ContractCliOptions {
  harness::ContractOptions run;
  std::optional<std::uint64_t> seed;
  std::string junit;
  std::string report;
  std::string save_counterexample;
  std::string html;
  std::string summary_md;
  bool list_clients = false;
  int call_timeout_ms = static_cast<int>(harness::kDefaultCallTimeout.count());
};

bool write_file(const std::string& path, const std::string& text, const char* what) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "ebsmock contract: cannot write the " << what << " to " << path << "\n";
    return false;
  }
  std::cerr << "ebsmock contract: wrote the " << what << " to " << path << "\n";
  return true;
}

// --concurrent: parallel programs, linearizability (harness/contract/concurrent_run.h).
int run_concurrent(ContractCliOptions& opts) {
  harness::ContractOptions& o = opts.run;
  std::cerr << "ebsmock contract --concurrent: client " << o.client_spec << " against "
            << (o.endpoint.empty() ? std::string("an embedded mock") : o.endpoint);
  if (o.replay_path.empty()) {
    std::cerr << ", " << o.tests << " programs, each run " << o.runs << " times, seed " << *o.seed
              << (o.holds ? ", hold_until on" : "") << "\n";
  } else {
    std::cerr << ", replaying " << o.replay_path << "\n";
  }
  const harness::ConcurrentResult result = harness::run_concurrent_contract(o);
  std::cout << harness::concurrent_summary_text(result) << std::flush;
  bool written = true;
  const nlohmann::json report = harness::concurrent_report_json(result);
  if (!opts.report.empty()) written = write_file(opts.report, report.dump(2) + "\n", "JSON report") && written;
  if (!opts.html.empty()) {
    written = write_file(opts.html, harness::report::render_concurrent_html(report), "HTML report") && written;
  }
  if (!opts.junit.empty() || !opts.summary_md.empty()) {
    std::cerr << "ebsmock contract: --junit and --summary-md are not written in --concurrent mode\n";
  }
  if (!opts.save_counterexample.empty()) {
    if (result.counterexample) {
      written = write_file(opts.save_counterexample, harness::concurrent_counterexample_toml(result), "counterexample") &&
                written;
    } else {
      std::cerr << "ebsmock contract: no counterexample to save; " << opts.save_counterexample << " not written\n";
    }
  }
  if (!written && result.exit_code == 0) return 2;
  return result.exit_code;
}

int run(ContractCliOptions& opts) {
  if (opts.list_clients) {
    for (const auto& c : harness::builtin_clients()) {
      std::cout << "builtin:" << c.name << "\n    " << c.description << "\n";
      if (!c.caught_by.empty()) std::cout << "    caught by " << c.caught_by << "\n";
    }
    std::cout << "exec:'COMMAND LINE'\n    an external driver speaking the JSON-lines driver protocol\n";
    return 0;
  }
  harness::ContractOptions& o = opts.run;
  o.call_timeout = std::chrono::milliseconds(opts.call_timeout_ms);
  // Chosen here, not inside the run, so that it is printed before anything can go wrong.
  if (o.replay_path.empty()) o.seed = opts.seed ? *opts.seed : mock::fresh_seed();
  else o.seed = opts.seed;
  o.progress = &std::cerr;
  if (o.concurrent) return run_concurrent(opts);
  std::cerr << "ebsmock contract: client " << o.client_spec << " against "
            << (o.endpoint.empty() ? std::string("an embedded mock") : o.endpoint);
  if (o.replay_path.empty()) {
    std::cerr << ", " << o.tests << " cases of up to " << o.max_commands << " commands, seed " << *o.seed
              << (o.groups ? ", groups" : "") << (o.strict ? ", strict" : "") << "\n";
  } else {
    std::cerr << ", replaying " << o.replay_path << "\n";
  }

  const harness::ContractResult result = harness::run_contract(o);
  std::cout << harness::summary_text(result) << std::flush;

  bool written = true;
  // The JSON, the Markdown summary and the page are all drawn from one report.
  const nlohmann::json report = harness::report_json(result);
  if (!opts.report.empty()) written = write_file(opts.report, report.dump(2) + "\n", "JSON report") && written;
  if (!opts.junit.empty()) written = write_file(opts.junit, harness::junit_xml(result), "JUnit report") && written;
  if (!opts.summary_md.empty()) {
    written = write_file(opts.summary_md, harness::report::markdown_summary(report), "Markdown summary") && written;
  }
  if (!opts.html.empty()) {
    written = write_file(opts.html, harness::report::render_html_report(report), "HTML report") && written;
  }
  if (!opts.save_counterexample.empty()) {
    if (result.counterexample) {
      written = write_file(opts.save_counterexample, harness::counterexample_toml(result), "counterexample") && written;
    } else {
      std::cerr << "ebsmock contract: no counterexample to save (" << (result.exit_code == 0 ? "the contract holds" : "set-up error")
                << "); " << opts.save_counterexample << " not written\n";
    }
  }
  if (!written && result.exit_code == 0) return 2;
  return result.exit_code;
}

}  // namespace

void add_contract_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ContractCliOptions>();
  auto* cmd = app.add_subcommand(
      "contract", "Property-based contract testing of an EBS client (or, with --endpoint, of a server)");
  cmd->add_option("--client", opts->run.client_spec,
                  "Client under test: builtin:NAME (see --list-clients) or exec:'COMMAND LINE'")
      ->capture_default_str();
  cmd->add_option("--endpoint", opts->run.endpoint,
                  "Test this server (http://HOST:PORT, admin API reachable) instead of an embedded mock");
  cmd->add_option("--scenario", opts->run.scenario_path, "World to start every case from (default: the built-in world)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tests", opts->run.tests, "Number of cases (histories) to run")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--max-commands", opts->run.max_commands, "Longest history generated")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Seed of the run (RapidCheck, mock and client); default: fresh, printed");
  cmd->add_option("--junit", opts->junit, "Write JUnit XML here (one testcase per check)");
  cmd->add_option("--report", opts->report, "Write the JSON report here (with the fault x operation matrix)");
  cmd->add_option("--html", opts->html,
                  "Write the report as one self-contained HTML page here (verdict, checks, matrix, "
                  "counterexample timeline, step inspector, sequence diagram)");
  cmd->add_option("--summary-md", opts->summary_md,
                  "Write a short Markdown summary here for a CI job summary (verdict, checks, matrix, "
                  "the counterexample as a Mermaid sequence)");
  cmd->add_option("--save-counterexample", opts->save_counterexample,
                  "Write the shrunk failing history here as a scenario TOML with [[replay]] steps");
  cmd->add_flag("--strict", opts->run.strict, "Advisories (A1-A3) fail the run too");
  cmd->add_flag("--groups", opts->run.groups,
                "Histories also use replication groups and DR drills (create, add/remove pairs, start, "
                "stop, fail over, reprotect, delete, drills); the built-in world gains three pairs ready to join");
  cmd->add_option("--replay", opts->run.replay_path, "Rerun the history saved by --save-counterexample")
      ->check(CLI::ExistingFile);
  cmd->add_option("--call-timeout", opts->call_timeout_ms,
                  "Milliseconds an exec: driver may take for one call before it counts as hung (exit 2)")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
  cmd->add_flag("--concurrent", opts->run.concurrent,
                "Concurrent mode: each case is a sequential prefix plus 2-4 branches of calls run at once, one "
                "client per branch, checked for linearizability (and, against the embedded mock, the journal's "
                "token invariants)");
  cmd->add_option("--runs", opts->run.runs, "--concurrent: times each program runs (races fire by chance)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_flag("--hold", opts->run.holds,
                "--concurrent: arm hold_until schedules between branches (the server parks a call until "
                "another named call has been journaled)");
  cmd->add_flag("--list-clients", opts->list_clients, "List the builtin clients and exit");
  cmd->callback([opts, &exit_code] { exit_code = run(*opts); });
}

}  // namespace ebsmock::cli
