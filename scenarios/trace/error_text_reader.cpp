// error_text_reader.cpp: what nearly every customer has, the final error text of
// Terraform (with its "│ " gutter and ANSI colours) or the aliyun CLI (traces.md §4.3).
// It names no parameters and, from the CLI, no status and no action: the action comes
// from Terraform's "Failed!!!" line or from an `aliyun ebs ACTION --Name value` command
// line in the same file, else the error is reported at its line. Every error is one
// final outcome of an unknown number of attempts. Stateless.
#include <cctype>
#include <sstream>

#include "scenarios/trace/log_text.h"
#include "scenarios/trace/sdk_error_text.h"
#include "scenarios/trace/trace_readers.h"

namespace ebsmock::scenarios {

namespace {

// "aliyun ebs StopDiskReplicaPair --RegionId cn-hangzhou --ReplicaPairId pair-..." ->
// the action and params.
std::optional<std::pair<std::string, contracts::ParamList>> cli_command(const std::string& line) {
  const auto at = line.find("aliyun ebs ");
  if (at == std::string::npos) return std::nullopt;
  std::istringstream words(line.substr(at + 11));
  std::string action, word;
  words >> action;
  if (action.empty() || action.starts_with("-")) return std::nullopt;
  contracts::ParamList params;
  while (words >> word) {
    if (!word.starts_with("--")) continue;
    std::string name = word.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else {
      words >> value;
    }
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    // The CLI's own flags (--access-key-id, --region, --profile) are lower case with
    // dashes; API parameters are CamelCase. The former never reach the trace.
    if (name.empty() || !std::isupper(static_cast<unsigned char>(name.front()))) continue;
    params.emplace_back(name, value);
  }
  return std::make_pair(action, params);
}

}  // namespace

ReadResult read_error_text(std::string_view text, std::string_view source, const ReaderOptions& o) {
  ReadResult out;
  const auto [messages, times, numbers] = stripped_log_lines(text, source, out);

  std::optional<std::pair<std::string, contracts::ParamList>> command;
  for (std::size_t i = 0; i < messages.size();) {
    if (auto c = cli_command(messages[i])) {
      command = c;
      ++i;
      continue;
    }
    if (!starts_sdk_error(messages[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    SdkErrorText e = read_sdk_error(messages, numbers, i);
    if (i == start) ++i;
    TraceCall c;
    c.line = e.first_line;
    c.action = e.action;
    if (c.action.empty() && command) {
      c.action = command->first;
      c.params = command->second;
    }
    if (c.action.empty()) {
      add_problem(out, source, e.first_line, 0,
                  "the error text does not say which call failed: put the command line "
                  "(aliyun ebs ACTION --Name value ...) before it, or import the log it came from");
      continue;
    }
    if (e.resource.starts_with("pair-")) c.params.emplace_back("ReplicaPairId", e.resource);
    if (e.code.empty() && !e.status) {
      add_problem(out, source, e.first_line, 0, "error text without a Code or StatusCode");
      continue;
    }
    c.status = e.status;
    c.code = e.code;
    c.message = e.message;
    c.request_id = e.request_id;
    c.body = e.data;
    c.final_outcome_only = true;
    c.notes.push_back("the final error only: how many attempts led to it is unknown");
    c.unknown.push_back("attempts: the error text shows the last outcome only; one step");
    if (c.params.empty()) c.unknown.push_back("params: the error text has none");
    set_call_time(c, start < times.size() ? times[start] : std::string(), o);
    out.calls.push_back(std::move(c));
  }
  return out;
}

}  // namespace ebsmock::scenarios
