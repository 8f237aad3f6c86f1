// replay_engine.cpp: step matching, the recorded answer, and the mismatch record.
// Not thread-safe (see the header).
#include "mock/replay_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <utility>

namespace ebsmock::mock {

namespace {

// Values in reasons come from the client and end up in a JSON error body and the admin
// API. Both are dumped by nlohmann::json, which throws on invalid UTF-8, and a 13 KB
// PairIds would drown the message: keep valid UTF-8 as is, show anything else as \xNN,
// control characters escaped, and cut long values.
std::string printable(std::string_view s, std::size_t max_chars = 120) {
  std::string out;
  std::size_t chars = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    if (chars == max_chars) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    // Overlong forms and surrogates are rejected by the JSON dumper too.
    if (valid && len == 2) valid = c >= 0xC2;
    if (valid && len == 3) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      valid = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
    }
    if (valid && len == 4) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      valid = c <= 0xF4 && !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    char buf[8];
    if (!valid) {
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
      i += 1;
    } else if (len == 1 && (c < 0x20 || c == 0x7F)) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\r') {
        out += "\\r";
      } else {
        std::snprintf(buf, sizeof buf, "\\x%02X", c);
        out += buf;
      }
      i += 1;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
    ++chars;
  }
  return out;
}

std::string_view mode_name(scenarios::ReplayMode m) {
  return m == scenarios::ReplayMode::Strict ? "strict" : "lenient";
}

bool is_2xx(int status) { return status >= 200 && status < 300; }

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
                     ") but got " + printable(call.action);
  if (call.action != step.action) return head;
  static const contracts::Params kNoParams;
  const contracts::Params& got = call.params ? *call.params : kNoParams;
  std::string diffs;
  for (const auto& [name, expected] : step.params) {
    auto it = got.find(name);
    if (it == got.end()) {
      diffs += "; param " + name + " expected '" + printable(expected) + "' but it is missing";
    } else if (expected != "*" && it->second != expected) {
      diffs += "; param " + name + " expected '" + printable(expected) + "' got '" +
               printable(it->second) + "'";
    }
  }
  return diffs.empty() ? std::string() : head + diffs;
}

contracts::Duration ReplayEngine::sample_delay(const scenarios::DelaySpec& d) {
  using Kind = scenarios::DelaySpec::Kind;
  switch (d.kind) {
    case Kind::None:
      return contracts::Duration{0};
    case Kind::Fixed:
      return d.fixed;
    case Kind::Uniform: {
      // Inclusive [low, high]; a reversed range is read as the same range.
      const auto lo = std::min(d.low, d.high).count();
      const auto hi = std::max(d.low, d.high).count();
      const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
      return contracts::Duration{lo + static_cast<std::int64_t>(random_->below(span))};
    }
    case Kind::LogNormal: {
      if (d.median.count() <= 0) return contracts::Duration{0};
      // Box-Muller; 1 - unit() is in (0, 1], so the log is finite and |z| < 8.6.
      const double u1 = 1.0 - random_->unit();
      const double u2 = random_->unit();
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
      const double ms = static_cast<double>(d.median.count()) * std::exp(d.sigma * z);
      // A huge sigma must not overflow the cast; a day is longer than any client waits.
      constexpr double kCapMs = 24.0 * 3600 * 1000;
      return contracts::Duration{static_cast<std::int64_t>(std::llround(std::min(ms, kCapMs)))};
    }
  }
  return contracts::Duration{0};
}

FaultDecision ReplayEngine::decision_for(std::size_t index) {
  const auto& step = steps_[index];
  FaultDecision d;
  d.rule_id = "replay:" + std::to_string(index + 1);
  d.delay = sample_delay(step.delay);
  d.commit = step.commit;
  d.transport = step.transport;
  d.status = step.status;
  d.body = step.body;
  d.headers = step.headers;
  d.error = step_errors_[index];
  // A recorded success without a body runs the model, so ids and statuses it creates
  // line up with the steps that follow.
  d.answer_from_model = is_2xx(step.status) && !step.body && step.code.empty() && step.transport == scenarios::Transport::None;
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
  m.got = printable(call.action);
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
