// server_runner.cpp: see server_runner.h.
#include "mock/server_runner.h"

#include <optional>
#include <thread>

#include "mock/server_mutants.h"
#include "mock/version.h"

namespace ebsmock::mock {

int run_until_stopped(ServeConfig config, std::stop_token stop, std::ostream& out, std::ostream& err) {
  const std::string name = config.scenario.name;
  const bool verifies = config.scenario.auth.verify_signatures;
  const bool virtual_clock = config.scenario.clock.mode == scenarios::ClockMode::Virtual;
  const ServerMutant mutant = config.server.service.mutant;
  std::optional<EmbeddedServer> server;
  try {
    server.emplace(std::move(config.scenario), std::move(config.server));
  } catch (const std::exception& e) {
    err << "ebsmock serve: " << e.what() << "\n";
    return 2;
  }
  out << "listening on " << server->endpoint() << std::endl;
  err << "ebsmock " << version() << ": scenario '" << name << "', seed " << server->service().seed() << ", clock "
      << (virtual_clock ? "virtual" : "real") << ", signatures " << (verifies ? "verified" : "not verified") << "\n";
  for (const auto& m : server_mutants()) {
    // Loud on purpose: nobody should mistake a mutant for the real emulator.
    if (m.mutant == mutant) {
      err << "ebsmock: PLANTED BUG " << m.name << " \u2014 this server is wrong on purpose (" << m.description << ")\n";
    }
  }
  if (config.started) config.started();
  bool clean;
  {
    std::stop_callback on_stop(stop, [&] { server->stop(); });
    // Declared after the callback so it is joined (its token fired) before the callback goes.
    std::jthread watcher;
    if (config.watch) watcher = std::jthread([&](std::stop_token t) { config.watch(*server, t); });
    clean = server->wait();
  }
  err << "ebsmock: stopped\n";
  if (!clean) return 2;
  return config.conclude ? config.conclude(*server, out, err) : 0;
}

}  // namespace ebsmock::mock
