// scenario_loader_fuzz.cpp: libFuzzer target (b): the scenario loader. The input is the
// text of a scenario file; it goes to lint_scenario_string and load_scenario_string, and
// a scenario that loads is turned into a running world (Service) and described, because
// "it loaded" must mean "the mock can serve it".
// Checked beyond "no crash": the documented contract between the two entry points
// (lint is empty exactly when load succeeds), that every diagnostic points somewhere, and
// the [[pair]] fast path's promise (pair_table_split.h): when it accepts and toml++ takes
// the rest, toml++ takes the whole text and agrees with the reassembled document.
// Thread-safety: single-threaded, no state kept between inputs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mock/admin_api.h"
#include "mock/service.h"
#include "scenarios/loader/pair_table_split.h"
#include "scenarios/loader/scenario_loader.h"

namespace {

void check_pair_table_split(std::string_view text) {
  auto split = ebsmock::scenarios::internal::split_pair_tables(text);
  if (!split) return;
  toml::table root;
  try {
    root = toml::parse(std::string_view(split->rest), std::string_view("rest.toml"));
  } catch (const toml::parse_error&) {
    return;  // the loader reads the whole text instead
  }
  if (root.contains("pair")) return;  // likewise
  root.insert("pair", std::move(split->pairs));
  try {
    if (!(toml::parse(text, std::string_view("whole.toml")) == root)) __builtin_trap();
  } catch (const toml::parse_error&) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ebsmock;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check_pair_table_split(text);
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
