// serve_command.cpp: `ebsmock serve`: flags onto mock::ServeConfig, and SIGTERM/SIGINT
// onto a stop request; the lifecycle itself is mock::run_until_stopped (server_runner.h).
// `--mutant NAME` plants a server bug (mock/server_mutants.h) so the harness's server
// direction can be shown to catch it. The dashboard page (harness/dashboard/) and the
// drill report's renderer are handed to the mock here; `--until-verdict` runs a drill
// (drill_run.h). Runs once, on the main thread.
#include <iostream>
#include <optional>

#include "harness/cli/commands.h"
#include "harness/cli/listen_address.h"
#include "harness/cli/stop_signals.h"
#include "harness/cli/world_loading.h"
#include "harness/dashboard/dashboard_page.h"
#include "harness/dashboard/drill_run.h"
#include "harness/report/html_report.h"
#include "mock/server_mutants.h"
#include "mock/server_runner.h"
#include "mock/startup_arena.h"

namespace ebsmock::cli {
namespace {

struct ServeOptions {
  std::string scenario;
  ListenAddress listen;
  std::optional<std::uint64_t> seed;
  std::size_t max_body_bytes = mock::HttpServerOptions{}.max_body_bytes;
  std::string admin_token;
  std::string mutant = "none";
  long long race_window_ms = mock::ServiceOptions{}.race_window.count();
  std::size_t journal_capacity = mock::ServiceOptions{}.journal_capacity;
  std::string journal_file;
  std::size_t token_capacity = mock::ServiceOptions{}.token_capacity;
  std::size_t keep_alive_requests = mock::HttpServerOptions{}.keep_alive_max_requests;
  int keep_alive_timeout = mock::HttpServerOptions{}.keep_alive_seconds;
  int worker_nice = mock::HttpServerOptions{}.worker_nice;
  bool until_verdict = false;
  std::string drill_report = "drill-report.html";
  std::size_t max_event_streams = mock::EventStreamOptions{}.max_streams;
};

int serve(const ServeOptions& opts) {
  // A large world is loaded and built on 2 MB pages, until the server listens.
  std::optional<mock::StartupArena> startup_arena;
  if (worth_a_startup_arena(opts.scenario)) startup_arena.emplace();
  auto scenario = load_world_or_report(opts.scenario);
  if (!scenario) return 2;
  mock::ServeConfig config{std::move(*scenario), {}};
  config.started = [&startup_arena] {
    if (startup_arena) startup_arena->release();
  };
  config.server.host = opts.listen.host;
  config.server.port = opts.listen.port;
  config.server.admin_token = opts.admin_token;
  config.server.admin_ui = harness::dashboard::dashboard_answer({.scenario_file = opts.scenario});
  config.server.render_report = [](const nlohmann::json& drill) { return harness::report::render_html_report(drill); };
  config.server.events.max_streams = opts.max_event_streams;
  config.server.service.seed = opts.seed;
  config.server.service.journal_capacity = opts.journal_capacity;
  config.server.service.journal_file = opts.journal_file;
  config.server.service.token_capacity = opts.token_capacity;
  // Validated by CLI11 against the same list, so the lookup cannot fail here.
  config.server.service.mutant = mock::parse_server_mutant(opts.mutant).value_or(mock::ServerMutant::None);
  config.server.service.race_window = contracts::Duration{opts.race_window_ms};
  config.server.http.max_body_bytes = opts.max_body_bytes;
  config.server.http.keep_alive_max_requests = opts.keep_alive_requests;
  config.server.http.keep_alive_seconds = opts.keep_alive_timeout;
  config.server.http.worker_nice = opts.worker_nice;
  if (opts.until_verdict && !harness::dashboard::run_until_verdict(config, opts.drill_report, std::cerr)) return 2;

  return run_until_signalled([&](std::stop_token stop) {
    return mock::run_until_stopped(std::move(config), stop, std::cout, std::cerr);
  });
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run the mock server");
  add_scenario_option(cmd, opts->scenario);
  add_listen_options(cmd, opts->listen);
  cmd->add_option("--seed", opts->seed, "Seed for ids and random faults (overrides the scenario)");
  cmd->add_option("--max-body-bytes", opts->max_body_bytes, "Largest request body accepted")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--admin-token", opts->admin_token,
                  "Require this token on admin calls (x-ebsmock-admin-token); allows non-loopback admin");
  std::string mutant_help = "Plant a server bug, to show the harness catches it:";
  for (const auto& m : mock::server_mutants()) {
    mutant_help += "\n  " + std::string(m.name) + ": " + std::string(m.description);
  }
  auto mutant_names = mock::server_mutant_names();
  mutant_names.insert(mutant_names.begin(), "none");
  cmd->add_option("--journal-capacity", opts->journal_capacity,
                  "Journal entries kept in memory for GET /__admin/journal (the oldest go first)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  cmd->add_option("--journal-file", opts->journal_file,
                  "Also append every journal entry to this file as JSON lines (flushed per entry)");
  cmd->add_option("--token-capacity", opts->token_capacity,
                  "ClientTokens remembered for idempotence (the oldest are forgotten first; "
                  "health counts them)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))
      ->capture_default_str();
  cmd->add_option("--keep-alive-requests", opts->keep_alive_requests,
                  "Requests answered on one keep-alive connection before it is closed")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000'000}))
      ->capture_default_str();
  cmd->add_option("--keep-alive-timeout", opts->keep_alive_timeout,
                  "Seconds an idle keep-alive connection is kept open")
      ->check(CLI::Range(1, 86'400))
      ->capture_default_str();
  cmd->add_option("--worker-nice", opts->worker_nice,
                  "Nice steps the request workers run below ebsmock itself, so a client on the same "
                  "cores gets its CPU first (0: the same priority)")
      ->check(CLI::Range(0, 19))
      ->capture_default_str();
  cmd->add_flag("--until-verdict", opts->until_verdict,
               "Run the scenario's drill unattended: serve until its [expect] requests or duration, "
               "write the report, exit 0 on PASS, 1 on FAIL or INCONCLUSIVE");
  cmd->add_option("--drill-report", opts->drill_report,
                  "Where --until-verdict writes the drill's HTML report (its JSON goes beside it)")
      ->capture_default_str();
  cmd->add_option("--max-event-streams", opts->max_event_streams,
                  "Dashboards (GET /__admin/events streams) open at once; each holds a worker thread")
      ->check(CLI::Range(std::size_t{1}, std::size_t{64}))
      ->capture_default_str();
  cmd->add_option("--mutant", opts->mutant, mutant_help)
      ->check(CLI::IsMember(mutant_names))
      ->capture_default_str();
  cmd->add_option("--race-window-ms", opts->race_window_ms,
                  "How long a concurrency mutant (token-check-race, ...) waits between its check and "
                  "its act; a hold_until fault on the call waits there instead")
      ->check(CLI::Range(0LL, 60'000LL))
      ->capture_default_str();
  cmd->callback([opts, &exit_code] { exit_code = serve(*opts); });
}

}  // namespace ebsmock::cli
