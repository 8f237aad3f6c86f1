// serve_command.cpp: `ebsmock serve` runs the mock until SIGTERM/SIGINT. The first line
// of stdout is "listening on http://HOST:PORT" (scripts wait for it); everything else
// goes to stderr. `--mutant NAME` plants a server bug (mock/server_mutants.h) so the
// harness's server direction can be shown to catch it; serve then warns loudly on stderr.
#include <pthread.h>

#include <csignal>
#include <optional>
#include <iostream>
#include <thread>

#include "harness/cli/commands.h"
#include "harness/cli/world_loading.h"
#include "mock/http_server.h"
#include "mock/server_mutants.h"

namespace ebsmock::cli {
namespace {

struct ServeOptions {
  std::string scenario;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::optional<std::uint64_t> seed;
  std::size_t max_body_bytes = 1 << 20;
  std::string admin_token;
  std::string mutant = "none";
  std::size_t journal_capacity = mock::ServiceOptions{}.journal_capacity;
  std::string journal_file;
  std::size_t token_capacity = mock::ServiceOptions{}.token_capacity;
  std::size_t keep_alive_requests = mock::HttpServerOptions{}.keep_alive_max_requests;
};

int serve(const ServeOptions& opts) {
  auto scenario = load_world_or_report(opts.scenario);
  if (!scenario) return 2;

  // Block the stop signals in every thread; one thread waits for them with sigwait, so
  // shutdown runs in a normal context instead of inside a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  mock::ServiceOptions service_options;
  service_options.seed = opts.seed;
  service_options.journal_capacity = opts.journal_capacity;
  service_options.journal_file = opts.journal_file;
  service_options.token_capacity = opts.token_capacity;
  // Validated by CLI11 against the same list, so the lookup cannot fail here.
  service_options.mutant = mock::parse_server_mutant(opts.mutant).value_or(mock::ServerMutant::None);
  std::optional<mock::Service> service_holder;
  try {
    service_holder.emplace(std::move(*scenario), service_options);
  } catch (const std::exception& e) {
    std::cerr << "ebsmock serve: " << e.what() << "\n";
    return 2;
  }
  mock::Service& service = *service_holder;
  mock::HttpServerOptions http_options;
  http_options.max_body_bytes = opts.max_body_bytes;
  http_options.admin_token = opts.admin_token;
  http_options.keep_alive_max_requests = opts.keep_alive_requests;
  mock::HttpServer server(service, http_options);
  int port = server.bind(opts.host, opts.port);
  if (port < 0) {
    std::cerr << "ebsmock serve: cannot listen on " << opts.host << ":" << opts.port << "\n";
    return 2;
  }
  std::cout << "listening on http://" << opts.host << ":" << port << std::endl;
  auto health = service.health_json();
  std::cerr << "ebsmock: scenario '" << health["scenario"].get<std::string>() << "', seed "
            << service.seed() << ", clock " << health["clock"]["mode"].get<std::string>()
            << ", signatures " << (health["verify_signatures"].get<bool>() ? "verified" : "not verified")
            << "\n";
  if (service_options.mutant != mock::ServerMutant::None) {
    // Loud on purpose: nobody should mistake a mutant for the real emulator.
    for (const auto& m : mock::server_mutants()) {
      if (m.mutant != service_options.mutant) continue;
      std::cerr << "ebsmock: PLANTED BUG " << m.name << " \u2014 this server is wrong on purpose ("
                << m.description << ")\n";
    }
  }

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  });
  bool ok = server.run();
  // If run() ended for another reason, wake the waiter so it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::cerr << "ebsmock: stopped\n";
  return ok ? 0 : 2;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run the mock server");
  cmd->add_option("--scenario", opts->scenario, "Scenario TOML file (default: the built-in world)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--host", opts->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", opts->port, "Port to listen on; 0 picks a free port")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
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
  cmd->add_option("--mutant", opts->mutant, mutant_help)
      ->check(CLI::IsMember(mutant_names))
      ->capture_default_str();
  cmd->callback([opts, &exit_code] { exit_code = serve(*opts); });
}

}  // namespace ebsmock::cli
