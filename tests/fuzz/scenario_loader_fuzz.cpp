// scenario_loader_fuzz.cpp: libFuzzer target (b): the scenario loader. The input is the
// text of a scenario file; it goes to lint_scenario_string and load_scenario_string, and
// a scenario that loads is turned into a running world (Service) and described, because
// "it loaded" must mean "the mock can serve it".
// Checked beyond "no crash": the documented contract between the two entry points
// (lint is empty exactly when load succeeds) and that every diagnostic points somewhere.
// Thread-safety: single-threaded, no state kept between inputs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mock/admin_api.h"
#include "mock/service.h"
#include "scenarios/loader/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ebsmock;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto diagnostics = scenarios::lint_scenario_string(text, "fuzz.toml");
  for (const auto& d : diagnostics) {
    if (d.message.empty() || d.path != "fuzz.toml" || d.line < 0 || d.column < 0) __builtin_trap();
    (void)d.to_string();
  }
  bool loaded = false;
  try {
    scenarios::Scenario scenario = scenarios::load_scenario_string(text, "fuzz.toml");
    loaded = true;
    // A real clock would make runs depend on the time of day; the world must also accept
    // every loaded scenario on a virtual one.
    scenario.clock.mode = scenarios::ClockMode::Virtual;
    mock::ServiceOptions opts;
    opts.seed = 1;
    opts.journal_capacity = 16;
    mock::Service service(std::move(scenario), opts);
    mock::AdminApi admin(service);
    auto get = [&](const char* target) {
      (void)admin.handle({.method = "GET", .target = target, .remote_addr = "127.0.0.1"});
    };
    get("/__admin/pairs");
    get("/__admin/health");
    (void)service.advance_clock(std::chrono::hours(48));
    get("/__admin/pairs");
  } catch (const scenarios::ScenarioError& e) {
    if (e.diagnostics().empty()) __builtin_trap();
  }
  // lint_scenario_string is documented as "empty when it would load".
  if (loaded != diagnostics.empty()) __builtin_trap();
  return 0;
}
