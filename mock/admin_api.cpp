// admin_api.cpp: routes of the admin API. Errors are JSON {"error": "..."} with a 4xx
// status; they are the mock's own, not Alibaba-shaped.
#include "mock/admin_api.h"

#include "contracts/time.h"
#include "mock/drill_verdict.h"
#include "mock/envelope.h"
#include "mock/latency_probe.h"
#include "mock/version.h"
#include "scenarios/loader/fault_rules_text.h"
#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::mock {
namespace {

Answer json_response(int status, const nlohmann::json& body) {
  Answer r;
  r.status = status;
  // Journal parameters are client bytes, not necessarily UTF-8.
  r.body = json_text(body);
  return r;
}

Answer admin_error(int status, std::string message) {
  return json_response(status, {{"error", std::move(message)}});
}

}  // namespace

bool is_loopback(std::string_view addr) {
  return addr.starts_with("127.") || addr == "::1" || addr.starts_with("::ffff:127.");
}

namespace {

// Constant-time comparison: the token guards a control plane reachable from the network.
bool same_secret(std::string_view given, std::string_view token) {
  if (given.size() != token.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ token[i]);
  return diff == 0;
}

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    std::string_view item = header.substr(0, end);
    while (item.starts_with(' ')) item.remove_prefix(1);
    if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=') {
      return std::string(item.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace

AdminApi::AdminApi(Service& service, AdminOptions options)
    : service_(service),
      token_(std::move(options.token)),
      ui_page_(std::move(options.ui_page)),
      events_(options.events),
      render_report_(std::move(options.render_report)),
      journal_texts_(service.journal()),
      slots_(options.events.max_streams) {}

bool AdminApi::authorized(const RawRequest& raw) const {
  std::string given = contracts::header_value(raw.headers, "x-ebsmock-admin-token");
  if (given.empty()) {
    std::string auth = contracts::header_value(raw.headers, "authorization");
    if (auth.starts_with("Bearer ")) given = auth.substr(7);
  }
  if (given.empty()) given = cookie_value(contracts::header_value(raw.headers, "cookie"), kAdminCookie);
  return same_secret(given, token_);
}

std::optional<Answer> AdminApi::refusal(const RawRequest& raw) const {
  if (token_.empty() && !is_loopback(raw.remote_addr)) {
    return admin_error(403, "the admin API answers loopback peers only (start serve with --admin-token to allow others)");
  }
  if (!token_.empty() && !authorized(raw)) {
    return admin_error(401, "missing or wrong admin token (x-ebsmock-admin-token header)");
  }
  return std::nullopt;
}

nlohmann::json AdminApi::state_json() {
  nlohmann::json state = {{"health", health_json()},
                          {"faults", service_.inspect([](const WorldState& s) { return s.faults->to_json(); })},
                          {"pairs", pairs_json()},
                          {"groups", groups_json()},
                          {"drills", drills_json()}};
  if (auto drill = drill_json(service_, false); !drill.is_null()) {
    state["drill_verdict"] = {{"verdict", drill["verdict"]}, {"checks", drill["checks"]}, {"notes", drill["notes"]}};
  }
  return state;
}

nlohmann::json drill_json(Service& service, bool over) {
  auto [expect, facts] = service.inspect([&](const WorldState& s) {
    DrillFacts f{.scenario = s.scenario->name, .seed = service.seed()};
    f.fault_rules = s.faults->to_json()["rules"];
    return std::make_pair(s.scenario->expect, std::move(f));
  });
  if (!expect) return nullptr;
  for (const auto& e : service.journal().since(0)) facts.journal.push_back(to_json(e));
  facts.dropped = service.journal().dropped();
  return judge_drill(*expect, facts, over);
}

ConnectionAction AdminApi::serve(const RawRequest& raw) {
  std::string_view target = raw.target;
  std::string_view path = target.substr(0, target.find('?'));
  if (path.substr(kAdminPrefix.size()) != "events" || raw.method != "GET") return Respond{handle(raw)};
  if (auto refused = refusal(raw)) return Respond{std::move(*refused)};
  std::string since;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    if (auto parsed = contracts::parse_urlencoded(target.substr(q + 1))) {
      for (const auto& [k, v] : *parsed) {
        if (k == "since") since = v;
      }
    }
  }
  auto after = resume_point(raw, since);
  if (!after) return Respond{admin_error(400, "Last-Event-ID and since must be a non-negative integer (a journal seq)")};
  auto slot = slots_.try_acquire();
  if (!slot) {
    Answer busy = admin_error(503, "at most " + std::to_string(slots_.max()) +
                                       " event streams may be open at once (close a dashboard)");
    busy.headers.emplace_back("Retry-After", "5");
    return Respond{std::move(busy)};
  }
  Answer head;
  head.content_type = "text/event-stream";
  head.headers.emplace_back("Cache-Control", "no-store");
  auto source = std::make_shared<EventStream>(journal_texts_, [this] { return state_json(); }, *after, events_,
                                              service_.wait_clock(), std::move(slot));
  return StreamChunks{std::move(head), std::move(source)};
}

nlohmann::json AdminApi::health_json() {
  return service_.inspect([&](const WorldState& s) {
    const Journal::Summary journal = service_.journal().summary_locked();  // inspect holds its guard
    const TokenStore& tokens = service_.tokens();
    const SpinningMutex::Sleeps lock_sleeps = service_.lock_sleeps();
    nlohmann::json health{
        {"status", "ok"},
        {"version", std::string(version())},
        {"scenario", s.scenario->name},
        {"seed", service_.seed()},
        {"clock", {{"mode", s.virtual_clock ? "virtual" : "real"}, {"now", contracts::format_iso8601_millis(s.gate->world_clock->now())}}},
        {"pairs", s.world.pairs().size()},
        {"groups", s.world.groups().size()},
        {"drills", s.world.drills().size()},
        {"journal", {{"entries", journal.entries}, {"last_seq", journal.last_seq}, {"dropped", journal.dropped}}},
        {"answers", journal.answers},
        {"tokens", {{"remembered", tokens.size()}, {"capacity", tokens.capacity()}, {"evicted", tokens.evicted()}}},
        // Latency the mock's own lock added: waits that outlasted its spin (its holder was
        // descheduled inside it) and slept.
        {"service_lock", {{"sleeps", lock_sleeps.count}, {"slept_ms", std::chrono::duration<double, std::milli>(lock_sleeps.total).count()}}},
        {"verify_signatures", s.scenario->auth.verify_signatures},
        // Planted bug, so a client can tell it talks to a server that is wrong on purpose.
        {"mutant", std::string(to_string(service_.options().mutant))}};
    // Only in a build made for the benchmark (latency_probe.h).
    if constexpr (kLatencyProbe) health["latency_probe"] = latency_probe().json();
    return health;
  });
}

namespace {

nlohmann::json pending_json(const std::optional<contracts::PendingTransition>& pending) {
  if (!pending) return nullptr;
  return {{"to", std::string(contracts::to_string(pending->to))}, {"due", contracts::format_iso8601_millis(pending->due)}};
}

}  // namespace

// The resource views copy the resources out under the service lock and build their JSON
// after it: a dashboard asks for them four times a second per stream, and building JSON
// under the lock held every request behind it (RESULTS.md, "Live dashboard").
nlohmann::json AdminApi::groups_json() {
  const auto groups = service_.inspect([](const WorldState& s) { return s.world.groups(); });
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, g] : groups) {
    auto j = contracts::to_describe_json(g, "production");
    if (g.pending) j["_pending"] = pending_json(g.pending);
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json AdminApi::drills_json() {
  const auto drills = service_.inspect([](const WorldState& s) { return s.world.drills(); });
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, d] : drills) {
    auto j = contracts::to_describe_json(d);
    j["_target"] = {{std::string(contracts::to_string(d.target_kind)), d.target_id}};
    if (d.due) j["_due"] = contracts::format_iso8601_millis(*d.due);
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json AdminApi::pairs_json() {
  const auto pairs = service_.inspect([](const WorldState& s) { return s.world.pairs(); });
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, p] : pairs) {
    auto j = contracts::to_describe_json(p);
    if (p.pending) j["_pending"] = pending_json(p.pending);
    out.push_back(std::move(j));
  }
  return out;
}

Answer AdminApi::handle(const RawRequest& raw) {
  std::string_view target = raw.target;
  std::string_view path_only = target.substr(0, target.find('?'));
  // The dashboard's way in with a token: a link carrying ?token= trades it for an
  // HttpOnly cookie and drops it from the address bar, so EventSource and the page's
  // own calls are authorised from then on.
  if (path_only.substr(kAdminPrefix.size()) == "ui" && raw.method == "GET" && !token_.empty() &&
      target.find('?') != std::string_view::npos) {
    if (auto parsed = contracts::parse_urlencoded(target.substr(target.find('?') + 1))) {
      for (const auto& [k, v] : *parsed) {
        if (k != "token") continue;
        if (!same_secret(v, token_)) return admin_error(401, "wrong admin token");
        Answer to_page;
        to_page.status = 303;
        to_page.content_type = "text/plain";
        to_page.headers.emplace_back("Location", std::string(kAdminPrefix) + "ui");
        to_page.headers.emplace_back("Set-Cookie", std::string(kAdminCookie) + "=" + token_ +
                                                       "; Path=/__admin/; HttpOnly; SameSite=Strict");
        return to_page;
      }
    }
  }
  if (auto refused = refusal(raw)) return std::move(*refused);
  std::string_view path = target.substr(0, target.find('?'));
  contracts::ParamList query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    auto parsed = contracts::parse_urlencoded(target.substr(q + 1));
    if (!parsed) return admin_error(400, "malformed query string");
    query = std::move(*parsed);
  }
  auto arg = [&](std::string_view name) -> std::string {
    for (const auto& [k, v] : query) {
      if (k == name) return v;
    }
    return {};
  };
  const std::string& method = raw.method;
  std::string_view route = path.substr(kAdminPrefix.size());

  if (route == "health" && method == "GET") return json_response(200, health_json());
  if (route == "ui" && method == "GET") {
    if (!ui_page_) return admin_error(404, "this server was built without the dashboard");
    return *ui_page_;
  }
  if (route == "state" && method == "GET") return json_response(200, state_json());
  if ((route == "drill" || route == "drill/report") && method == "GET") {
    auto drill = drill_json(service_, arg("over") == "1");
    if (drill.is_null()) return admin_error(404, "the scenario has no [expect] section, so there is no drill to judge");
    if (route == "drill") return json_response(200, drill);
    if (!render_report_) return admin_error(404, "this server was built without the report renderer");
    Answer page;
    page.content_type = "text/html;charset=utf-8";
    page.body = render_report_(drill);
    page.headers.emplace_back("Content-Disposition", "attachment; filename=\"ebsmock-drill-report.html\"");
    return page;
  }
  if (route == "reset" && method == "POST") {
    service_.reset();
    return json_response(200, {{"status", "reset"}});
  }
  if (route == "pairs" && method == "GET") return json_response(200, {{"pairs", pairs_json()}});
  if (route == "groups" && method == "GET") return json_response(200, {{"groups", groups_json()}});
  if (route == "drills" && method == "GET") return json_response(200, {{"drills", drills_json()}});
  if (route == "journal" && method == "GET") {
    std::uint64_t since = 0;
    std::size_t limit = SIZE_MAX;
    if (auto s = arg("since"); !s.empty()) {
      auto n = contracts::parse_int(s);
      if (!n || *n < 0) return admin_error(400, "since must be a non-negative integer");
      since = static_cast<std::uint64_t>(*n);
    }
    if (auto s = arg("limit"); !s.empty()) {
      auto n = contracts::parse_int(s);
      if (!n || *n < 1) return admin_error(400, "limit must be a positive integer");
      limit = static_cast<std::size_t>(*n);
    }
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : service_.journal().since(since, limit)) entries.push_back(to_json(e));
    return json_response(200, {{"entries", entries},
                               {"last_seq", service_.journal().last_seq()},
                               {"dropped", service_.journal().dropped()}});
  }
  if (route == "clock/advance" && method == "POST") {
    auto by = contracts::parse_duration(arg("by"));
    if (!by) return admin_error(400, "by must be a duration such as 30s, 250ms or 5m");
    // A hold_until rule naming this call id may park the advance (Service::advance_clock).
    std::string call_id = contracts::header_value(raw.headers, contracts::kCallIdHeader);
    if (!contracts::is_valid_call_id(call_id)) call_id.clear();
    if (!service_.advance_clock(*by, call_id)) {
      return admin_error(409, "the clock is real; set [clock] mode = \"virtual\" to advance it");
    }
    return json_response(200, {{"now", service_.inspect([](const WorldState& s) {
                                  return contracts::format_iso8601(s.gate->world_clock->now());
                                })}});
  }
  auto diagnostics_error = [](const scenarios::ScenarioError& e) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : e.diagnostics()) list.push_back(d.to_string());
    return json_response(400, {{"error", "invalid scenario or fault rule"}, {"diagnostics", list}});
  };
  if (route == "faults" && method == "GET") {
    return json_response(200, service_.inspect([](const WorldState& s) { return s.faults->to_json(); }));
  }
  if (route == "faults" && method == "POST") {
    bool is_json = contracts::header_value(raw.headers, "content-type").starts_with("application/json");
    try {
      auto rules = scenarios::parse_fault_rules(raw.body, is_json, "POST /__admin/faults");
      // The loader's positional default ("f1", ...) would clash with the running rules'
      // own defaults: let the engine number the rule instead.
      for (auto& rule : rules) {
        if (rule.id_is_default) rule.id.clear();
      }
      // All or nothing: a batch with a taken id adds none of its rules, and no request
      // sees part of a batch.
      auto result = service_.add_faults(std::move(rules));
      if (!result.taken.empty()) {
        return admin_error(409, "a fault rule with id '" + result.taken + "' already exists");
      }
      return json_response(201, {{"added", result.added}});
    } catch (const scenarios::ScenarioError& e) {
      return diagnostics_error(e);
    }
  }
  if (route.starts_with("faults/") && method == "DELETE") {
    std::string id(route.substr(7));
    if (!service_.remove_fault(id)) return admin_error(404, "no fault rule '" + id + "'");
    return json_response(200, {{"removed", id}});
  }
  if (route == "replay" && method == "GET") {
    return json_response(200, service_.inspect([](const WorldState& s) { return s.replay->status_json(); }));
  }
  if (route == "scenario" && method == "POST") {
    try {
      service_.load(scenarios::load_scenario_string(raw.body, "POST /__admin/scenario"));
      return json_response(200, health_json());
    } catch (const scenarios::ScenarioError& e) {
      return diagnostics_error(e);
    }
  }
  return admin_error(404, "no admin route " + method + " " + std::string(path));
}

}  // namespace ebsmock::mock
