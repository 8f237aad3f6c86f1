// demo_command.cpp: `ebsmock demo`: an embedded mock on the default world (virtual clock
// unless --real-clock) and the bundled reference client, handed to the pair walk
// (harness/demo/pair_walk.h). Exit 0 when every step behaved as documented, 1 otherwise,
// 2 on set-up errors. Runs once, on the main thread.
#include <iostream>
#include <optional>

#include "harness/cli/commands.h"
#include "harness/cli/world_loading.h"
#include "harness/client/reference_client.h"
#include "harness/demo/pair_walk.h"
#include "mock/embedded_server.h"

namespace ebsmock::cli {
namespace {

struct DemoOptions {
  std::string scenario;
  std::uint64_t seed = 1;
  bool real_clock = false;
};

int run_demo(const DemoOptions& opts) {
  auto scenario = load_world_or_report(opts.scenario);
  if (!scenario) return 2;
  if (scenario->credentials.empty()) {
    std::cerr << "ebsmock demo: the world has no [[credential]] to sign with\n";
    return 2;
  }
  if (!opts.real_clock) scenario->clock.mode = scenarios::ClockMode::Virtual;
  auto credential = scenario->credentials.front();

  const std::string world_name = scenario->name;
  mock::EmbeddedServerOptions server_options;
  server_options.service.seed = opts.seed;
  std::optional<mock::EmbeddedServer> server;
  try {
    server.emplace(std::move(*scenario), server_options);
  } catch (const std::exception& e) {
    std::cerr << "ebsmock demo: " << e.what() << "\n";
    return 2;
  }
  const std::string endpoint = server->endpoint();
  std::cout << "ebsmock demo: mock on " << endpoint << " (" << world_name
            << " world, " << (opts.real_clock ? "real" : "virtual") << " clock, seed " << opts.seed
            << "), reference client signing V3 as " << credential.access_key_id << "\n\n";

  contracts::SeededRandom client_random(contracts::client_seed(opts.seed));
  harness::ReferenceClient client({.endpoint = endpoint,
                                   .access_key_id = credential.access_key_id,
                                   .access_key_secret = credential.access_key_secret},
                                  client_random);
  harness::AdminClient admin(endpoint);
  const bool ok = harness::walk_one_pair(client, admin, {.virtual_clock = !opts.real_clock}, std::cout);
  return ok ? 0 : 1;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<DemoOptions>();
  auto* cmd = app.add_subcommand("demo", "Walk a pair through create/start/stop/describe against an embedded mock");
  add_scenario_option(cmd, opts->scenario);
  cmd->add_option("--seed", opts->seed, "Seed for ids, tokens and nonces")->capture_default_str();
  cmd->add_flag("--real-clock", opts->real_clock, "Wait for real time instead of advancing a virtual clock");
  cmd->callback([opts, &exit_code] { exit_code = run_demo(*opts); });
}

}  // namespace ebsmock::cli
