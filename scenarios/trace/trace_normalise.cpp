// trace_normalise.cpp: one call normalised, then every source merged. Stateless.
#include "scenarios/trace/trace_normalise.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "contracts/api_schema.h"
#include "contracts/error_catalogue.h"
#include "contracts/operation.h"
#include "contracts/redaction.h"
#include "contracts/text.h"

namespace ebsmock::scenarios {

namespace {

using nlohmann::json;

constexpr std::string_view kApiVersion = "2021-07-30";

bool is_match_param(std::string_view name) {
  return std::find(kTraceMatchParams.begin(), kTraceMatchParams.end(), name) != kTraceMatchParams.end();
}

const contracts::ErrorCatalogue& catalogue() {
  static const contracts::ErrorCatalogue kCatalogue;
  return kCatalogue;
}

void mark_unknown(TraceRequest& r, SourceReport& report, const std::string& what, const std::string& detail) {
  r.unknown.push_back(what);
  if (!detail.empty()) r.notes.push_back(detail);
  ++report.unknown[what];
}

bool has_unknown(const TraceRequest& r, std::string_view field) {
  return std::any_of(r.unknown.begin(), r.unknown.end(),
                     [&](const std::string& u) { return u.starts_with(std::string(field) + ":"); });
}

void forget_unknown(TraceRequest& r, std::string_view field) {
  std::erase_if(r.unknown, [&](const std::string& u) { return u.starts_with(std::string(field) + ":"); });
}

// The body's secrets removed (counted); nullopt when it is not JSON.
std::optional<std::string> clean_body(const std::string& text, SourceReport& report) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  if (const int n = contracts::strip_secret_members(j); n > 0) report.redacted["secret members of a response body"] += n;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::optional<std::string> wire_value(const json& v, std::string& problem) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
      return std::to_string(static_cast<long long>(d));
    }
    return v.dump();
  }
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      if (!e.is_string()) {
        problem = std::string("must be a string or a list of strings, got a list holding ") + e.type_name();
        return std::nullopt;
      }
      if (!out.empty()) out += ',';
      out += e.get<std::string>();
    }
    return out;
  }
  problem = std::string("must be a string, number or boolean, got ") + v.type_name();
  return std::nullopt;
}

bool is_gateway_key(std::string_view name) {
  static constexpr std::string_view kKeys[] = {"AcsHost", "AcsProduct", "RequestId", "HostId", "charset",
                                               "AcceptLanguage", "Region", "ServiceCode"};
  return name.starts_with("stsToken") || std::find(std::begin(kKeys), std::end(kKeys), name) != std::end(kKeys);
}

std::optional<TraceRequest> normalise_call(TraceCall c, const std::string& source, SourceReport& report) {
  auto param = [&](std::string_view name) -> std::string {
    for (const auto& [k, v] : c.params) {
      if (k == name) return v;
    }
    return {};
  };
  for (const auto& [name, value] : c.headers) {
    if (contracts::is_secret_header(name)) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
      ++report.redacted["header " + lower];
    }
  }
  for (const auto& [name, value] : c.params) {
    if (contracts::is_secret_parameter(name) || name == "AccessKeyId") ++report.redacted[name];
  }
  // V1 names the action in the params, V3 only in x-acs-action (traces.md §2.3).
  std::string action = c.action;
  if (action.empty()) action = param("Action");
  if (action.empty()) action = contracts::header_value(c.headers, "x-acs-action");
  if (action.empty()) {
    ++report.dropped["no Action (not an RPC call)"];
    return std::nullopt;
  }
  std::string version = param("Version");
  if (version.empty()) version = contracts::header_value(c.headers, "x-acs-version");
  if (!version.empty() && version != kApiVersion) {
    ++report.dropped["another API version than " + std::string(kApiVersion)];
    return std::nullopt;
  }
  if (!contracts::parse_operation(action)) {
    ++report.dropped["not an EBS " + std::string(kApiVersion) + " operation"];
    return std::nullopt;
  }

  TraceRequest r;
  r.line = c.line;
  r.source = source;
  r.time = contracts::sanitize_utf8(c.time);
  r.instant = c.instant;
  r.action = action;
  r.request_id = contracts::sanitize_utf8(c.request_id);
  r.event_id = c.event_id;
  r.final_outcome_only = c.final_outcome_only;
  r.commit_after = c.commit_after;
  r.notes = std::move(c.notes);
  for (const auto& u : c.unknown) {
    r.unknown.push_back(u);
    ++report.unknown[u];
  }

  for (auto& [name, value] : c.params) {
    if (contracts::is_secret_parameter(name) || contracts::is_protocol_parameter(name)) continue;
    if (c.gateway_params && is_gateway_key(name)) continue;
    if (name == "ClientToken") {
      if (c.client_token_unsent) {
        r.notes.push_back("the logged ClientToken was never sent (the provider makes a new one after each attempt)");
      } else {
        r.client_token = contracts::sanitize_utf8(value);
      }
      r.dropped_params.push_back(name);
      continue;
    }
    if (is_match_param(name)) {
      r.params.emplace(name, contracts::sanitize_utf8(value));
    } else {
      r.dropped_params.push_back(contracts::sanitize_utf8(name));
    }
  }
  std::sort(r.dropped_params.begin(), r.dropped_params.end());
  r.dropped_params.erase(std::unique(r.dropped_params.begin(), r.dropped_params.end()), r.dropped_params.end());

  r.code = contracts::sanitize_utf8(c.code);
  r.message = contracts::sanitize_utf8(c.message);
  if (c.body) {
    if (auto body = clean_body(*c.body, report)) {
      r.body = std::move(body);
      // The answer's own Code, Message and RequestId, when the reader did not pick them
      // out (SDK logs print the body whole). A 2xx's Code stays in the body only.
      const json j = json::parse(*r.body, nullptr, false);
      if (j.is_object()) {
        auto member = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
        if (r.code.empty() && !(c.status && contracts::is_2xx(*c.status))) r.code = member("Code");
        if (r.message.empty() && !r.code.empty()) r.message = member("Message");
        if (r.request_id.empty()) r.request_id = member("RequestId");
      }
    } else if (!c.transport.empty()) {
      // the transport says it all
    } else if (c.status && *c.status >= 500 && r.code.empty()) {
      c.transport = "html";  // a gateway page instead of JSON (traces.md §2, sdk-wire.md §6c)
    } else {
      mark_unknown(r, report, "body: not JSON; not replayed", "");
    }
  }
  if (!c.transport.empty()) {
    const auto t = parse_transport(c.transport);
    r.transport = t ? *t : Transport::Reset;
    if (r.transport == Transport::Html) r.status = 504;
    r.status = r.transport == Transport::Html ? 504 : (c.status ? *c.status : 0);
    if (r.transport != Transport::Truncate) {
      r.body.reset();
      r.code.clear();
    }
  } else if (c.status && *c.status >= 100 && *c.status <= 599) {
    r.status = *c.status;
  } else if (!r.code.empty()) {
    if (const auto* def = catalogue().find(r.code)) {
      r.status = def->http_status;
      mark_unknown(r, report, "status: not in the source; taken from the error catalogue",
                   "status " + std::to_string(r.status) + " is the catalogue's for " + r.code);
    } else {
      r.status = 400;
      mark_unknown(r, report, "status: not in the source, code not in the catalogue; 400 chosen",
                   "status 400 is a guess: " + r.code + " is not in ebsmock's error catalogue");
    }
  } else {
    r.status = 200;
    mark_unknown(r, report, "status: not in the source; 200 (no error code)", "");
  }
  if (r.transport == Transport::None && contracts::is_2xx(r.status) && !r.code.empty()) {
    // A 2xx carrying a Code (pop-core reads it as an error): only a body can say that (a
    // step's `code` needs an error status). A recorded body (Terraform's "StatusCode: 200"
    // with Data) is answered as it was; without one, the body is made from the code.
    if (!r.body) {
      json body = {{"RequestId", r.request_id}, {"Code", r.code}};
      if (!r.message.empty()) body["Message"] = r.message;
      r.body = body.dump();
    }
    r.code.clear();
    r.message.clear();
  }
  if (r.transport == Transport::None && !contracts::is_2xx(r.status) && r.code.empty() && !r.body) {
    // Tea SDK logs have the status but no body: answer what is known, never a made-up code.
    r.body = json{{"RequestId", r.request_id}}.dump();
    mark_unknown(r, report, "code: not in the source (no response body); the step's body has no Code",
                 "the error code is unknown: the step answers status " + std::to_string(r.status) +
                     " with a body that has only the RequestId");
  }
  if (r.code.empty() && !r.message.empty()) {
    // A message whose code was not found (a mangled error text): a step's `message` only
    // goes with a `code`, and no code is made up.
    r.message.clear();
    r.notes.push_back("the source has an error message but no code: the message is not replayed");
  }
  if (c.latency_ms) {
    if (*c.latency_ms >= 0 && *c.latency_ms <= kMaxDelay.count()) {
      r.latency_ms = c.latency_ms;
    } else {
      mark_unknown(r, report, "latency: out of range; no delay", "");
    }
  } else if (r.transport == Transport::None) {
    // ActionTrail, Terraform, the Go and Python logs time no call (traces.md §6).
    mark_unknown(r, report, "latency: not in the source; answered without delay", "");
  }
  return r;
}

namespace {

// Fills what `into` lacks from `from` (the same call seen by another source).
void merge_into(TraceRequest& into, const TraceRequest& from) {
  if (has_unknown(into, "status") && !has_unknown(from, "status")) {
    into.status = from.status;
    into.transport = from.transport;
    forget_unknown(into, "status");
  }
  if ((into.code.empty() || has_unknown(into, "code")) && !from.code.empty()) {
    into.code = from.code;
    if (has_unknown(into, "code")) into.body.reset();
    forget_unknown(into, "code");
  }
  if (into.message.empty()) into.message = from.message;
  if (!into.body && from.body) into.body = from.body;
  if (!into.instant && from.instant) {
    into.instant = from.instant;
    into.time = from.time;
    forget_unknown(into, "time");
  }
  if (!into.latency_ms && from.latency_ms) {
    into.latency_ms = from.latency_ms;
    forget_unknown(into, "latency");
  }
  if (into.client_token.empty()) into.client_token = from.client_token;
  for (const auto& [k, v] : from.params) into.params.emplace(k, v);
  if (into.event_id.empty()) into.event_id = from.event_id;
  into.notes.push_back("merged with " + from.source + ":" + std::to_string(from.line));
}

}  // namespace

std::vector<TraceRequest> merge_sources(std::vector<std::vector<TraceRequest>> sources,
                                        std::vector<SourceReport>& reports, std::vector<std::string>& notes) {
  struct Item {
    TraceRequest r;
    std::size_t src;
  };
  std::vector<Item> out;
  std::map<std::string, std::size_t> by_request_id, by_event_id;
  // (action, token) -> indexes in `out`, per source, for the ClientToken join.
  std::map<std::pair<std::string, std::string>, std::map<std::size_t, std::vector<std::size_t>>> by_token;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    for (auto& r : sources[s]) {
      if (!r.event_id.empty()) {
        if (auto it = by_event_id.find(r.event_id); it != by_event_id.end()) {
          ++reports[s].dropped["duplicate eventId"];
          continue;
        }
      }
      if (!r.request_id.empty()) {
        if (auto it = by_request_id.find(r.request_id); it != by_request_id.end()) {
          if (out[it->second].src == s) {
            ++reports[s].dropped["duplicate RequestId (overlapping export)"];
          } else {
            merge_into(out[it->second].r, r);
            ++reports[s].merged;
          }
          continue;
        }
      }
      // ClientToken join: only one call with this action and token on each side, so
      // retries (which share a token) are never folded together.
      if (!r.client_token.empty()) {
        const auto key = std::make_pair(r.action, r.client_token);
        const auto& per_source = by_token[key];
        std::optional<std::size_t> target;
        int candidates = 0;
        for (const auto& [other, indexes] : per_source) {
          if (other == s) continue;
          candidates += static_cast<int>(indexes.size());
          if (indexes.size() == 1) target = indexes.front();
        }
        const auto same_source = std::count_if(sources[s].begin(), sources[s].end(), [&](const TraceRequest& x) {
          return x.action == r.action && x.client_token == r.client_token;
        });
        if (candidates == 1 && target && same_source == 1 &&
            (r.request_id.empty() || out[*target].r.request_id.empty())) {
          merge_into(out[*target].r, r);
          if (!r.request_id.empty()) {
            out[*target].r.request_id = r.request_id;
            by_request_id[r.request_id] = *target;
          }
          ++reports[s].merged;
          continue;
        }
      }
      const std::size_t index = out.size();
      if (!r.request_id.empty()) by_request_id[r.request_id] = index;
      if (!r.event_id.empty()) by_event_id[r.event_id] = index;
      if (!r.client_token.empty()) by_token[{r.action, r.client_token}][s].push_back(index);
      out.push_back({std::move(r), s});
    }
  }
  const bool all_timed = std::all_of(out.begin(), out.end(), [](const Item& i) { return i.r.instant.has_value(); });
  if (all_timed) {
    // Stable: ties (ActionTrail's 1 s resolution) keep source order.
    std::stable_sort(out.begin(), out.end(), [](const Item& a, const Item& b) { return *a.r.instant < *b.r.instant; });
  } else if (sources.size() > 1 && !out.empty()) {
    notes.push_back("some calls have no time: the sources are kept in file order, one after another");
  }
  std::vector<TraceRequest> result;
  for (auto& i : out) {
    ++reports[i.src].imported;
    result.push_back(std::move(i.r));
  }

  // Retries: the same action and ClientToken (Tea cores, Go auto-retry, Terraform
  // Create/Modify/Start) is one call attempted again, which is what idempotence replays.
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < result.size(); ++i) {
    if (!result[i].client_token.empty()) groups[{result[i].action, result[i].client_token}].push_back(i);
  }
  for (const auto& [key, indexes] : groups) {
    if (indexes.size() < 2) continue;
    for (std::size_t k = 0; k < indexes.size(); ++k) {
      result[indexes[k]].notes.push_back("attempt " + std::to_string(k + 1) + " of " +
                                         std::to_string(indexes.size()) + " with ClientToken " +
                                         contracts::sanitize_utf8(key.second) +
                                         " (a retry: the same token, so one effect at most)");
    }
  }
  // Terraform's Delete makes a new token per attempt (TF-DeleteDiskReplicaPair-...).
  for (std::size_t i = 1; i < result.size(); ++i) {
    const auto& a = result[i - 1];
    const auto& b = result[i];
    if (a.action == b.action && a.client_token != b.client_token && a.client_token.starts_with("TF-") &&
        b.client_token.starts_with("TF-") && a.params == b.params) {
      result[i].notes.push_back("a retry of the step before with a fresh ClientToken: Terraform's " + b.action +
                                " makes a new token per attempt, so idempotence cannot protect it");
    }
  }
  return result;
}

}  // namespace ebsmock::scenarios
