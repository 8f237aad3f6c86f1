// admin_client.cpp: admin API calls and journal parsing. Not thread-safe.
#include "harness/contract/admin_client.h"

#include <httplib.h>

#include <algorithm>

namespace ebsmock::harness {
namespace {

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<contracts::Transition> parse_transition(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  contracts::Transition t;
  // The id sits under the resource kind's name: {"pair": ...}, {"group": ...}, {"drill": ...}.
  bool named = false;
  for (auto kind : {contracts::ResourceKind::Pair, contracts::ResourceKind::Group, contracts::ResourceKind::Drill}) {
    if (auto it = j.find(std::string(contracts::to_string(kind))); it != j.end() && it->is_string()) {
      t.kind = kind;
      t.id = it->get<std::string>();
      named = true;
      break;
    }
  }
  if (!named) return std::nullopt;
  if (auto it = j.find("from"); it != j.end() && it->is_string()) {
    t.from = contracts::parse_status(it->get<std::string>());
  }
  auto to = contracts::parse_status(str(j, "to"));
  if (!to) return std::nullopt;
  t.to = *to;
  return t;
}

}  // namespace

nlohmann::json ObservedAttempt::to_json() const {
  nlohmann::json j = {{"seq", seq},
                      {"action", action},
                      {"client_token", client_token},
                      {"signature", std::string(contracts::to_string(signature_verdict))},
                      {"status", status},
                      {"code", code},
                      {"idempotence", idempotence ? std::string(contracts::to_string(*idempotence)) : std::string()},
                      {"effect_applied", effect_applied},
                      {"answer_source", std::string(contracts::to_string(answer_source))}};
  if (transition) j["transition"] = contracts::to_string(*transition);
  if (!member_transitions.empty()) {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& t : member_transitions) members.push_back(contracts::to_string(t));
    j["member_transitions"] = std::move(members);
  }
  if (fault) {
    j["fault"] = {{"rule", fault->rule},
                  {"commit", std::string(scenarios::to_string(fault->commit))},
                  {"transport", std::string(scenarios::to_string(fault->transport))},
                  {"error", fault->error}, {"delay_ms", fault->delay_ms}};
  }
  if (!call_id.empty()) j["call_id"] = call_id;
  return j;
}

std::optional<contracts::Instant> parse_world_time(std::string_view text) {
  std::string s(text);
  long long millis = 0;
  if (auto dot = s.find('.'); dot != std::string::npos) {
    auto z = s.find('Z', dot);
    if (z == std::string::npos) return std::nullopt;
    std::string frac = s.substr(dot + 1, z - dot - 1);
    while (frac.size() < 3) frac += '0';
    millis = std::stoll(frac.substr(0, 3));
    s.erase(dot, z - dot);
  }
  auto t = contracts::parse_iso8601(s);
  if (!t) return std::nullopt;
  return *t + std::chrono::milliseconds(millis);
}

AdminClient::AdminClient(const std::string& endpoint, std::chrono::milliseconds timeout)
    : endpoint_(endpoint), http_(std::make_unique<httplib::Client>(endpoint)) {
  http_->set_connection_timeout(timeout);
  http_->set_read_timeout(timeout);
  http_->set_write_timeout(timeout);
  http_->set_keep_alive(true);
  http_->set_tcp_nodelay(true);
}

AdminClient::~AdminClient() = default;

nlohmann::json AdminClient::request(const std::string& method, const std::string& path,
                                    const std::string& body, const std::string& content_type,
                                    std::initializer_list<int> ok_statuses, const std::string& call_id) {
  httplib::Headers headers;
  if (!call_id.empty()) headers.emplace(std::string(contracts::kCallIdHeader), call_id);
  httplib::Result res = method == "GET"      ? http_->Get(path, headers)
                        : method == "DELETE" ? http_->Delete(path, headers)
                                             : http_->Post(path, headers, body, content_type);
  if (!res) {
    throw SetupError("admin API " + method + " " + endpoint_ + path + ": " +
                     httplib::to_string(res.error()));
  }
  if (std::find(ok_statuses.begin(), ok_statuses.end(), res->status) == ok_statuses.end()) {
    throw SetupError("admin API " + method + " " + endpoint_ + path + " answered " +
                     std::to_string(res->status) + ": " + res->body.substr(0, 500));
  }
  auto j = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    throw SetupError("admin API " + method + " " + path + " did not answer JSON: " +
                     res->body.substr(0, 200));
  }
  return j;
}

nlohmann::json AdminClient::health() { return request("GET", "/__admin/health", "", "", {200}); }

void AdminClient::reset() { request("POST", "/__admin/reset", "", "text/plain", {200}); }

void AdminClient::load_scenario(const std::string& toml) {
  request("POST", "/__admin/scenario", toml, "application/toml", {200});
}

JournalBatch AdminClient::journal_since(std::uint64_t seq) {
  auto j = request("GET", "/__admin/journal?since=" + std::to_string(seq), "", "", {200});
  JournalBatch batch;
  batch.last_seq = j.value("last_seq", seq);
  batch.dropped = j.value("dropped", std::uint64_t{0});
  for (const auto& e : j.value("entries", nlohmann::json::array())) {
    const auto entry_seq = e.value("seq", std::uint64_t{0});
    if (contracts::parse_journal_kind(str(e, "kind")) == contracts::JournalKind::Progress) {
      auto t = parse_transition(e.value("transition", nlohmann::json()));
      if (!t) continue;
      batch.progress.push_back({entry_seq, str(e, "time"), *t, e.value("vanished", false)});
      continue;
    }
    ObservedAttempt a;
    a.seq = entry_seq;
    a.time = str(e, "time");
    a.action = str(e, "action");
    if (auto p = e.find("params"); p != e.end() && p->is_object()) {
      for (const auto& [k, v] : p->items()) {
        if (v.is_string()) a.params[k] = v.get<std::string>();
      }
    }
    a.client_token = str(e, "client_token");
    a.access_key_id = str(e, "access_key_id");
    if (auto s = e.find("signature"); s != e.end() && s->is_object()) {
      a.signature_scheme = contracts::parse_signature_scheme(str(*s, "scheme")).value_or(contracts::SignatureScheme::None);
      a.signature_verdict =
          contracts::parse_signature_verdict(str(*s, "verdict")).value_or(contracts::SignatureVerdict::NotChecked);
    }
    a.status = e.value("status", 0);
    a.code = str(e, "code");
    a.request_id = str(e, "request_id");
    a.call_id = str(e, "call_id");
    a.idempotence = contracts::parse_token_decision(str(e, "idempotence"));
    a.effect_applied = e.value("effect_applied", false);
    a.answer_source = contracts::parse_answer_source(str(e, "answer_source")).value_or(contracts::AnswerSource::Model);
    a.transition = parse_transition(e.value("transition", nlohmann::json()));
    if (auto m = e.find("member_transitions"); m != e.end() && m->is_array()) {
      for (const auto& t : *m) {
        if (auto parsed = parse_transition(t)) a.member_transitions.push_back(std::move(*parsed));
      }
    }
    if (auto ids = e.find("new_ids"); ids != e.end() && ids->is_object()) {
      a.new_ids.pair_id = str(*ids, "pair_id");
      a.new_ids.order_id = str(*ids, "order_id");
      a.new_ids.group_id = str(*ids, "group_id");
      a.new_ids.drill_id = str(*ids, "drill_id");
      for (const auto& d : ids->value("drill_disk_ids", nlohmann::json::array())) {
        if (d.is_string()) a.new_ids.drill_disk_ids.push_back(d.get<std::string>());
      }
    }
    if (auto f = e.find("fault"); f != e.end() && f->is_object()) {
      FaultRecord r;
      r.rule = str(*f, "rule");
      r.delay_ms = f->value("delay_ms", 0LL);
      r.commit = scenarios::parse_commit(str(*f, "commit")).value_or(scenarios::Commit::Before);
      // A transport name this harness does not know (a server that is not ebsmock) still
      // left the client without a usable answer: read it as a close.
      const std::string transport = str(*f, "transport");
      r.transport = transport.empty() || transport == "none"
                        ? scenarios::Transport::None
                        : scenarios::parse_transport(transport).value_or(scenarios::Transport::Close);
      r.error = str(*f, "error");
      if (auto st = f->find("status"); st != f->end() && st->is_number_integer()) r.status = st->get<int>();
      a.fault = std::move(r);
    }
    a.replay_mismatch = str(e, "replay_mismatch");
    batch.attempts.push_back(std::move(a));
  }
  return batch;
}

contracts::Instant AdminClient::advance(contracts::Duration by, const std::string& call_id) {
  auto j = request("POST", "/__admin/clock/advance?by=" + contracts::format_duration(by), "",
                   "text/plain", {200}, call_id);
  auto now = parse_world_time(str(j, "now"));
  if (!now) throw SetupError("admin API clock/advance answered no readable time: " + j.dump());
  return *now;
}

void AdminClient::add_fault(const nlohmann::json& rule) {
  request("POST", "/__admin/faults", rule.dump(), "application/json", {201});
}

void AdminClient::remove_fault(const std::string& id) {
  request("DELETE", "/__admin/faults/" + id, "", "", {200, 404});
}

nlohmann::json AdminClient::replay_status() {
  return request("GET", "/__admin/replay", "", "", {200});
}

}  // namespace ebsmock::harness
