// terraform_log_reader.cpp: a Terraform TF_LOG=DEBUG log with the alicloud provider's
// DEBUG=terraform blocks (traces.md §4.1-§4.4): "*************** ACTION Response
// ***************", the response JSON (null on error) glued to "Domain:, Version:...",
// "***************  Request ***************", the request JSON as a Go-quoted string,
// then the final "[ERROR] ... Failed!!!" text with the Tea SDKError. A block is logged
// once per operation after all its retries: one final outcome, attempts unknown; and
// Delete's logged ClientToken was never sent. Stateless.
#include <nlohmann/json.hpp>

#include "scenarios/trace/log_text.h"
#include "scenarios/trace/sdk_error_text.h"
#include "scenarios/trace/trace_normalise.h"
#include "scenarios/trace/trace_readers.h"

namespace ebsmock::scenarios {

namespace {

using nlohmann::json;

struct Block {
  TraceCall call;
  bool response_seen = false;
  bool success = false;
  bool errored = false;
};

std::string trim(std::string s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

}  // namespace

ReadResult read_terraform_log(std::string_view text, std::string_view source, const ReaderOptions& o) {
  ReadResult out;
  const auto [messages, times, numbers] = stripped_log_lines(text, source, out);

  std::vector<Block> blocks;
  enum class Expect { Nothing, Response, Request } expect = Expect::Nothing;
  for (std::size_t i = 0; i < messages.size();) {
    const std::string m = trim(messages[i]);
    if (m.starts_with("*************** ") && m.ends_with(" Response ***************")) {
      Block b;
      b.call.line = numbers[i];
      b.call.action = trim(m.substr(16, m.size() - 16 - 25));
      set_call_time(b.call, times[i], o);
      b.call.final_outcome_only = true;
      b.call.client_token_unsent = b.call.action.starts_with("Delete");
      b.call.notes.push_back("a Terraform debug block: logged once after all retries, so the attempts are unknown");
      b.call.unknown.push_back("attempts: a Terraform block is one final outcome; one step");
      blocks.push_back(std::move(b));
      expect = Expect::Response;
      ++i;
      continue;
    }
    if (!blocks.empty() && expect == Expect::Response && !m.empty()) {
      // "<response JSON>Domain:, Version:, ActionName:, ..."
      const auto domain = m.find("Domain:");
      const std::string response = trim(m.substr(0, domain));
      auto& b = blocks.back();
      b.response_seen = true;
      if (!response.empty() && response != "null") {
        b.success = true;
        json j = json::parse(response, nullptr, false);
        if (j.is_object() && j.contains("RequestId") && j["RequestId"].is_string()) {
          b.call.request_id = j["RequestId"].get<std::string>();
        }
      }
      expect = Expect::Nothing;
      ++i;
      continue;
    }
    if (!blocks.empty() && m == "***************  Request ***************") {
      expect = Expect::Request;
      ++i;
      continue;
    }
    if (!blocks.empty() && expect == Expect::Request && !m.empty()) {
      expect = Expect::Nothing;
      auto unquoted = go_unquote(m);
      json j = json::parse(unquoted ? *unquoted : m, nullptr, false);
      if (!j.is_object()) {
        add_problem(out, source, numbers[i], 0, "the block's request is not a quoted JSON object");
      } else {
        for (const auto& [k, v] : j.items()) {
          std::string problem;
          auto value = wire_value(v, problem);
          blocks.back().call.params.emplace_back(k, value ? *value : v.dump());
        }
      }
      ++i;
      continue;
    }
    if (starts_sdk_error(m)) {
      const std::size_t start = i;
      SdkErrorText e = read_sdk_error(messages, numbers, i);
      if (i == start) ++i;
      // The error belongs to the last block of its action that has no outcome yet.
      Block* owner = nullptr;
      for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) {
        if (it->call.action == e.action && !it->success && !it->errored) {
          owner = &*it;
          break;
        }
      }
      if (!owner) {
        if (e.action.empty()) {
          add_problem(out, source, e.first_line, 0, "an SDK error that names no action");
          continue;
        }
        Block b;
        b.call.line = e.first_line;
        b.call.action = e.action;
        set_call_time(b.call, times[start], o);
        b.call.final_outcome_only = true;
        b.call.notes.push_back("the final error only (no debug block for it): attempts unknown");
        b.call.unknown.push_back("attempts: the error text shows the last outcome only; one step");
        if (e.resource.starts_with("pair-")) b.call.params.emplace_back("ReplicaPairId", e.resource);
        blocks.push_back(std::move(b));
        owner = &blocks.back();
      }
      owner->errored = true;
      owner->call.status = e.status;
      owner->call.code = e.code;
      owner->call.message = e.message;
      owner->call.request_id = e.request_id;
      owner->call.body = e.data;
      continue;
    }
    ++i;
  }
  for (auto& b : blocks) {
    if (!b.success && !b.errored) {
      ++out.report.dropped["Terraform block with a null response and no error text (outcome unknown)"];
      continue;
    }
    if (b.success) b.call.status = 200;
    out.calls.push_back(std::move(b.call));
  }
  return out;
}

}  // namespace ebsmock::scenarios
