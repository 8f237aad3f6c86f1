// trace_import_fuzz.cpp: libFuzzer target: trace import. The first byte picks a format
// (or detection), the rest is the file's bytes. Checked beyond "no crash": every problem
// names the file and a non-negative position, and a scenario the importer writes lints
// clean. (Secrets are checked on constructed fixtures, tests/scenarios/trace_formats_test:
// a random input's "secret" may also be one of its ordinary values.)
// Thread-safety: single-threaded, no state kept between inputs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scenarios/loader/scenario_loader.h"
#include "scenarios/trace/trace_sources.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ebsmock::scenarios;
  if (size == 0) return 0;
  const auto names = trace_format_names();
  TraceInput input{.name = "fuzz.trace",
                   .bytes = std::string(reinterpret_cast<const char*>(data) + 1, size - 1)};
  if (data[0] < names.size()) input.format = parse_trace_format(names[data[0]]);
  TracesImportOptions options;
  options.skip_unreadable = (data[0] & 0x80) != 0;
  const auto result = import_traces({input}, options);
  for (const auto& p : result.problems) {
    if (p.message.empty() || p.path.empty() || p.line < 0 || p.column < 0) __builtin_trap();
  }
  if (result.ok()) {
    if (!lint_scenario_string(result.toml, "fuzz.toml").empty()) __builtin_trap();
  }
  return 0;
}
