// replay_engine.cpp: step matching, the recorded answer, and the mismatch record.
// Not thread-safe (see the header).
#include "mock/replay_engine.h"

#include "contracts/text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <utility>

namespace ebsmock::mock {

namespace {

std::string_view mode_name(scenarios::ReplayMode m) {
  return m == scenarios::ReplayMode::Strict ? "strict" : "lenient";
}

}  // namespace

ReplayEngine::ReplayEngine(scenarios::ReplaySpec spec, const contracts::ErrorCatalogue& errors,
                           std::uint64_t seed)
    : mode_(spec.mode), steps_(std::move(spec.steps)),
      random_(std::make_unique<contracts::SeededRandom>(seed)) {
  step_errors_.reserve(steps_.size());
  for (const auto& step : steps_) {
    // A recorded body is the whole answer; a code without one is rendered the way the
    // Service renders every error, with the recorded status (not the catalogue's: the
    // customer's region may differ) and the catalogue message unless one was recorded.
    if (step.code.empty() || step.body) {
      step_errors_.emplace_back();
      continue;
    }
    contracts::ApiError err = errors.make(step.code, {}, step.message);
    err.http_status = step.status;
    step_errors_.emplace_back(std::move(err));
  }
}

std::string ReplayEngine::compare(std::size_t index, const CallContext& call) const {
  const auto& step = steps_[index];
  std::string head = "ebsmock replay: expected " + step.action + " (step " +
                     std::to_string(index + 1) + " of " + std::to_string(steps_.size()) +
                     ") but got " + contracts::printable(call.action);
  if (call.action != step.action) return head;
  static const contracts::Params kNoParams;
  const contracts::Params& got = call.params ? *call.params : kNoParams;
  std::string diffs;
  for (const auto& [name, expected] : step.params) {
    auto it = got.find(name);
    if (it == got.end()) {
      diffs += "; param " + name + " expected '" + contracts::printable(expected) + "' but it is missing";
    } else if (expected != "*" && it->second != expected) {
      diffs += "; param " + name + " expected '" + contracts::printable(expected) + "' got '" +
               contracts::printable(it->second) + "'";
    }
  }
  return diffs.empty() ? std::string() : head + diffs;
}

FaultDecision ReplayEngine::decision_for(std::size_t index) {
  const auto& step = steps_[index];
  FaultDecision d;
  d.rule_id = "replay:" + std::to_string(index + 1);
  d.delay = scenarios::sample_delay(step.delay, *random_);
  d.commit = step.commit;
  d.transport = step.transport;
  d.status = step.status;
  d.body = step.body;
  d.headers = step.headers;
  d.error = step_errors_[index];
  // A recorded success without a body runs the model, so ids and statuses it creates
  // line up with the steps that follow.
  d.answer_from_model = contracts::is_2xx(step.status) && !step.body && step.code.empty() && step.transport == scenarios::Transport::None;
  return d;
}

void ReplayEngine::record(Mismatch m) {
  if (mismatches_.size() < kMaxRecordedMismatches) {
    mismatches_.push_back(std::move(m));
  } else {
    ++mismatches_dropped_;
  }
}

ReplayEngine::Result ReplayEngine::next(const CallContext& call) {
  if (steps_.empty()) return {};
  Result r;
  Mismatch m;
  m.got = contracts::printable(call.action);
  if (finished()) {
    m.reason = "ebsmock replay: got " + m.got + " but the replay finished after " +
               std::to_string(steps_.size()) + " steps";
  } else {
    m.step = static_cast<int>(consumed_) + 1;
    m.expected = steps_[consumed_].action;
    m.reason = compare(consumed_, call);
    if (m.reason.empty()) {
      r.step = m.step;
      r.decision = decision_for(consumed_);
      ++consumed_;
      return r;
    }
  }
  r.mismatch = true;
  r.mismatch_reason = m.reason;
  // Strict: the step stays next, so the client can retry with the right request.
  if (mode_ == scenarios::ReplayMode::Strict) {
    FaultDecision d;
    d.rule_id = "replay:mismatch";  // not "replay:N": no step was answered
    d.error = contracts::ApiError{std::string(kReplayMismatchCode), kReplayMismatchStatus,
                                  m.reason};
    r.decision = std::move(d);
  }
  record(std::move(m));
  return r;
}

nlohmann::json ReplayEngine::status_json() const {
  nlohmann::json mismatches = nlohmann::json::array();
  for (const auto& m : mismatches_) {
    mismatches.push_back({{"step", m.step},
                          {"expected", m.expected.empty() ? nlohmann::json() : nlohmann::json(m.expected)},
                          {"got", m.got},
                          {"reason", m.reason}});
  }
  nlohmann::json next = nullptr;
  if (!finished()) {
    next = {{"step", consumed_ + 1}, {"action", steps_[consumed_].action}};
  }
  return {{"mode", mode_name(mode_)},
          {"steps", steps_.size()},
          {"consumed", consumed_},
          {"finished", finished()},
          {"next", std::move(next)},
          {"mismatches", std::move(mismatches)},
          {"mismatches_dropped", mismatches_dropped_}};
}

}  // namespace ebsmock::mock
