// report.cpp: text, JSON and JUnit renderings of a contract run. Pure.
#include "harness/contract/report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "harness/contract/counterexample.h"

namespace ebsmock::harness {
namespace {

const std::vector<Violation>& counterexample_failures(const ContractResult& r) {
  static const std::vector<Violation> kNone;
  return r.counterexample ? r.counterexample->failures : kNone;
}

std::string verdict_word(const ContractResult& r) {
  switch (r.exit_code) {
    case 0: return "PASS";
    case 1: return "FAIL";
    default: return "ERROR";
  }
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string join_counts(const std::map<std::string, std::uint64_t>& counts,
                        const std::map<std::string, std::uint64_t>* fired = nullptr) {
  std::string out;
  for (const auto& [k, v] : counts) {
    if (!out.empty()) out += ", ";
    out += k + " " + std::to_string(v);
    if (fired) {
      auto it = fired->find(k);
      out += " (fired " + std::to_string(it == fired->end() ? 0 : it->second) + ")";
    }
  }
  return out.empty() ? "none" : out;
}

std::string params_text(const contracts::Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += " ";
    const bool plain = v.find_first_of(" \"") == std::string::npos;
    out += k + "=" + (plain ? v : nlohmann::json(v).dump());
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

// The matrix's rows and columns: every fault kind the generator can put on a call and
// every operation it can call (plus any the run met beyond those), so the cells a run
// could have reached and did not are visible as such.
nlohmann::json matrix_axes(const RunStats& s) {
  std::vector<std::string> faults = {"none"};
  for (FaultKind k : kAllFaultKinds) faults.emplace_back(to_string(k));
  std::vector<std::string> actions;
  auto add = [&](const std::string& a) {
    if (!a.empty() && std::find(actions.begin(), actions.end(), a) == actions.end()) actions.push_back(a);
  };
  for (StepKind k : kAllStepKinds) {
    if (k != StepKind::AdvanceClock) add(std::string(action_of(k)));
  }
  for (const auto& [fault, row] : s.matrix) {
    for (const auto& [action, cell] : row) add(action);
  }
  return {{"faults", faults}, {"actions", actions}};
}

std::string server_text(const ContractResult& r) {
  std::string out = r.embedded ? "embedded mock " + r.endpoint : r.endpoint;
  return out + " (virtual clock, seed " + std::to_string(r.seed) + ")";
}

}  // namespace

std::string counterexample_text(const ContractResult& r) {
  if (!r.counterexample) return "";
  const Counterexample& cx = *r.counterexample;
  std::ostringstream out;
  std::size_t steps = 0;
  for (const auto& rec : cx.records) steps += rec.final_describe ? 0 : 1;
  if (r.replay_path.empty()) {
    out << "Counterexample: " << steps << " step(s), shrunk from " << cx.first_size << " in "
        << fixed(cx.shrink_seconds, 1) << " s (" << cx.shrinks_accepted << " shrinks accepted of "
        << cx.shrink_tries << " tried)\n";
  } else {
    out << "Replayed history (" << steps << " step(s)) from " << r.replay_path << "\n";
  }
  for (const auto& rec : cx.records) {
    out << "  step " << rec.index << ": "
        << (!rec.final_describe ? describe(rec.step)
            : rec.step.kind == StepKind::Describe ? std::string("closing DescribeDiskReplicaPairs (all pairs)")
                                                  : "closing " + closing_label(rec))
        << "\n";
    if (rec.step.kind == StepKind::AdvanceClock) {
      for (const auto& p : rec.progress) {
        out << "      progress: " << p.transition << (p.vanished ? " (vanished from Describe)" : "") << "\n";
      }
    } else {
      out << "      request: " << rec.action << " " << params_text(rec.params) << "\n";
      int i = 0;
      for (const auto& a : rec.attempts) {
        const auto& o = a.attempt;
        out << "      attempt " << ++i << ": request #" << o.seq;
        if (!o.client_token.empty()) out << " token " << o.client_token;
        const auto verdict = contracts::to_string(o.signature_verdict);
        out << " signature " << (verdict.empty() ? "-" : verdict) << " -> ";
        if (o.status == 0) {
          out << "no answer";
        } else {
          out << o.status << (o.code.empty() ? "" : " " + o.code);
        }
        if (o.fault) {
          out << " [fault " << o.fault->rule;
          if (!o.fault->error.empty()) out << ": " << o.fault->error;
          if (o.fault->transport != scenarios::Transport::None) out << ": " << scenarios::to_string(o.fault->transport);
          if (o.fault->delay_ms > 0) out << ", delay " << o.fault->delay_ms << " ms";
          out << ", commit " << scenarios::to_string(o.fault->commit) << "]";
        }
        if (o.idempotence) out << " (" << contracts::to_string(*o.idempotence) << ")";
        if (o.transition) out << "; " << *o.transition;
        out << "\n";
      }
      if (rec.attempts.empty()) out << "      (no request reached the server)\n";
      if (!rec.waits.empty()) {
        out << "      waits before retries:";
        for (auto w : rec.waits) out << " " << w.count() << " ms";
        out << "\n";
      }
      if (rec.has_result) {
        out << "      client reported: "
            << (rec.result.ok ? std::string("success") : rec.result.code + (rec.result.message.empty() ? "" : " (" + rec.result.message.substr(0, 120) + ")"))
            << ", " << rec.result.attempts << " attempt(s)\n";
      }
      if (!rec.expected.empty()) out << "      contract expected: " << rec.expected << "\n";
    }
    for (const auto& v : rec.violations) {
      out << "      " << (is_advisory(v.check) && !r.strict ? "ADVISORY " : "VIOLATED ") << to_string(v.check)
          << " (" << title(v.check) << "): " << v.detail << "\n";
    }
  }
  return out.str();
}

std::string summary_text(const ContractResult& r) {
  std::ostringstream out;
  out << "\nebsmock contract: client " << r.client << ": " << verdict_word(r);
  if (r.exit_code == 0) out << " (the contract holds)";
  if (r.exit_code == 1) out << " (the contract is violated)";
  out << "\n";
  for (const auto& n : r.notes) out << "  note: " << n << "\n";
  if (r.exit_code == 2) {
    out << "  set-up error: " << r.setup_error << "\n";
    return out.str();
  }
  out << "  server: " << server_text(r) << "\n";
  const auto& s = r.stats;
  const int cases = r.cases_passed + (r.counterexample && r.replay_path.empty() ? 1 : 0);
  if (r.replay_path.empty()) {
    out << "  " << cases << " case(s) of up to " << r.max_commands << " commands (" << r.tests << " requested) in "
        << fixed(r.seconds, 1) << " s";
    if (r.seconds > 0) out << " (" << fixed(cases / r.seconds, 1) << " cases/s)";
  } else {
    out << "  replayed " << r.replay_path << " in " << fixed(r.seconds, 1) << " s";
  }
  out << "; " << s.steps << " steps, " << s.attempts << " requests\n";
  out << "  steps by kind: " << join_counts(s.steps_by_kind) << "\n";
  out << "  faults by kind: " << join_counts(s.faults_by_kind, &s.faults_fired_by_kind) << "\n";
  out << "  effects: " << s.transitions << " status transitions, " << s.refusals << " refusals by the model\n";
  out << "  checks:\n";
  for (CheckId id : kAllChecks) {
    const auto& e = s.tally.at(id);
    const std::string v = effective_verdict(s.tally, id, r.strict, counterexample_failures(r));
    char line[256];
    std::snprintf(line, sizeof line, "    %-3s %-13s %8llu evaluated  ", std::string(to_string(id)).c_str(), v.c_str(),
                  static_cast<unsigned long long>(e.evaluated));
    out << line << title(id) << "\n";
    if (v == "advisory" && !e.first_detail.empty()) out << "          e.g. " << e.first_detail << "\n";
  }
  if (r.counterexample) {
    out << "\n" << counterexample_text(r);
    out << "\n  rerun: " << r.rerun_command() << "\n";
  }
  return out.str();
}

nlohmann::json report_json(const ContractResult& r) {
  nlohmann::json j;
  j["client"] = r.client;
  // An embedded mock's port is chosen per run: leaving it out keeps the JSON a function of
  // the client, the options and the seed (the HTML report embeds it byte for byte).
  j["server"] = r.embedded ? nlohmann::json{{"embedded", true}} : nlohmann::json{{"endpoint", r.endpoint}, {"embedded", false}};
  j["seed"] = r.seed;
  j["tests"] = r.tests;
  j["max_commands"] = r.max_commands;
  j["strict"] = r.strict;
  j["verdict"] = r.exit_code == 0 ? "pass" : r.exit_code == 1 ? "fail" : "error";
  j["exit_code"] = r.exit_code;
  if (!r.setup_error.empty()) j["setup_error"] = r.setup_error;
  j["notes"] = r.notes;
  j["cases_passed"] = r.cases_passed;
  if (!r.replay_path.empty()) j["replay"] = r.replay_path;
  const auto& s = r.stats;
  j["steps"] = {{"total", s.steps}, {"by_kind", s.steps_by_kind}};
  j["requests"] = s.attempts;
  j["faults"] = {{"armed_by_kind", s.faults_by_kind}, {"fired_by_kind", s.faults_fired_by_kind}};
  j["effects"] = {{"transitions", s.transitions}, {"refusals", s.refusals}, {"model_outcomes", s.outcomes}};
  nlohmann::json checks = nlohmann::json::array();
  for (CheckId id : kAllChecks) {
    const auto& e = s.tally.at(id);
    const std::string v = effective_verdict(s.tally, id, r.strict, counterexample_failures(r));
    nlohmann::json c = {{"id", std::string(to_string(id))},
                        {"title", std::string(title(id))},
                        {"kind", is_advisory(id) ? "advisory" : id == CheckId::S1 ? "server" : "client"},
                        {"verdict", v},
                        {"evaluated", e.evaluated},
                        {"violations", e.violated}};
    if (!e.first_detail.empty()) c["first_violation"] = e.first_detail;
    checks.push_back(std::move(c));
  }
  j["checks"] = checks;
  // Fault kind x operation -> what the client did: attempts, token reuse, what it said.
  j["matrix"] = {{r.client, s.matrix_json()}};
  j["matrix_axes"] = matrix_axes(s);
  j["coverage"] = s.coverage;
  if (r.counterexample) {
    const auto& cx = *r.counterexample;
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& rec : cx.records) steps.push_back(rec.to_json());
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& f : cx.failures) failures.push_back({{"check", std::string(to_string(f.check))}, {"detail", f.detail}});
    j["counterexample"] = {{"steps", steps},
                           {"violations", failures},
                           {"first_size", cx.first_size},
                           {"shrink_tries", cx.shrink_tries},
                           {"shrinks_accepted", cx.shrinks_accepted},
                           {"rerun", r.rerun_command()},
                           {"scenario_toml", counterexample_toml(r)}};
  }
  return j;
}

std::string junit_xml(const ContractResult& r) {
  std::ostringstream out;
  int failures = 0, skipped = 0;
  struct Case {
    CheckId id;
    std::string verdict;
  };
  std::vector<Case> cases;
  for (CheckId id : kAllChecks) {
    std::string v = effective_verdict(r.stats.tally, id, r.strict, counterexample_failures(r));
    if (r.exit_code == 2) v = "error";
    if (v == "fail" || v == "error") ++failures;
    if (v == "not exercised" || v == "n/a") ++skipped;
    cases.push_back({id, v});
  }
  const std::string suite = "ebsmock contract " + r.client;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"ebsmock contract\" tests=\"" << cases.size() << "\" failures=\"" << failures
      << "\" time=\"" << fixed(r.seconds, 3) << "\">\n";
  out << "  <testsuite name=\"" << xml_escape(suite) << "\" tests=\"" << cases.size() << "\" failures=\""
      << failures << "\" skipped=\"" << skipped << "\" time=\"" << fixed(r.seconds, 3) << "\">\n";
  out << "    <properties>\n      <property name=\"seed\" value=\"" << r.seed << "\"/>\n"
      << "      <property name=\"rerun\" value=\"" << xml_escape(r.rerun_command()) << "\"/>\n    </properties>\n";
  for (const auto& c : cases) {
    const std::string name = std::string(to_string(c.id)) + " " + std::string(title(c.id));
    out << "    <testcase classname=\"" << xml_escape("contract." + r.client) << "\" name=\"" << xml_escape(name)
        << "\" time=\"0\">";
    const auto& e = r.stats.tally.at(c.id);
    if (c.verdict == "fail") {
      const std::string detail = first_violation(r.stats.tally, c.id, counterexample_failures(r));
      out << "\n      <failure message=\"" << xml_escape(detail) << "\" type=\"ContractViolation\">"
          << xml_escape(counterexample_text(r) + "\nrerun: " + r.rerun_command()) << "</failure>\n    ";
    } else if (c.verdict == "error") {
      out << "\n      <error message=\"" << xml_escape(r.setup_error) << "\" type=\"SetupError\"/>\n    ";
    } else if (c.verdict == "not exercised" || c.verdict == "n/a") {
      out << "\n      <skipped message=\"" << xml_escape(c.verdict) << "\"/>\n    ";
    } else if (c.verdict == "advisory") {
      out << "\n      <system-out>" << xml_escape("advisory (not a failure without --strict): " + e.first_detail)
          << "</system-out>\n    ";
    }
    out << "</testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace ebsmock::harness
