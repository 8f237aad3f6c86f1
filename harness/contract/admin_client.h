// admin_client.h: the harness's side of the mock's admin API (/__admin/...) over HTTP:
// reset, load a scenario, health, the journal since a sequence number (parsed into
// attempts and progress events), the virtual clock, and fault rules. The journal is the
// harness's ground truth for what a client really did (attempts, tokens, signatures) and
// what really happened (faults fired, transitions).
// Not thread-safe: one keep-alive connection; use one AdminClient per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contracts/api_schema.h"
#include "contracts/journal_terms.h"
#include "contracts/time.h"
#include "contracts/world.h"
#include "scenarios/loader/fault_spec.h"

namespace httplib {
class Client;
}

namespace ebsmock::harness {

// The harness cannot run (endpoint down, admin API refused, bad file): exit status 2.
class SetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The journal's "fault" object: the rule (or replay step) that decided a request.
struct FaultRecord {
  std::string rule;            // "contract-3", "f1", "replay:2"
  long long delay_ms = 0;
  scenarios::Commit commit = scenarios::Commit::Before;
  scenarios::Transport transport = scenarios::Transport::None;
  std::string error;           // the error code answered, "" when none
  std::optional<int> status;   // an explicit answer status (replay steps)
};

// One request as the mock journaled it.
struct ObservedAttempt {
  std::uint64_t seq = 0;
  std::string time;  // world time, ISO 8601 with milliseconds
  std::string action;
  contracts::Params params;
  std::string client_token;
  std::string access_key_id;
  contracts::SignatureScheme signature_scheme = contracts::SignatureScheme::None;
  // An unknown verdict (a server that is not ebsmock) reads as NotChecked: not passing.
  contracts::SignatureVerdict signature_verdict = contracts::SignatureVerdict::NotChecked;
  int status = 0;  // 0: no HTTP answer (reset, close, hang)
  std::string code;
  std::string request_id;
  // The x-ebsmock-call-id the request carried (the logical call it belongs to), "" when
  // none or when the server does not journal it.
  std::string call_id;
  // What the server's ClientToken step decided; nullopt when it did not apply.
  std::optional<contracts::TokenDecision> idempotence;
  // The server's own conclusions (mock/journal.h): whether the call ran on its world, and
  // who produced the answer the client saw.
  bool effect_applied = false;
  contracts::AnswerSource answer_source = contracts::AnswerSource::Model;
  std::optional<contracts::Transition> transition;
  // A group operation's member pairs, moved with the group in the same step.
  std::vector<contracts::Transition> member_transitions;
  // The ids the server drew for a call that succeeded (what a replay of it needs).
  contracts::NewIds new_ids;
  std::optional<FaultRecord> fault;
  std::string replay_mismatch;

  nlohmann::json to_json() const;
};

// A status change the service made as time passed.
struct ObservedProgress {
  std::uint64_t seq = 0;
  std::string time;
  contracts::Transition transition;
  bool vanished = false;
};

struct JournalBatch {
  std::vector<ObservedAttempt> attempts;
  std::vector<ObservedProgress> progress;
  std::uint64_t last_seq = 0;
  std::uint64_t dropped = 0;
};

// "2024-01-01T00:00:05.250Z" (the journal's and health's format) or without millis.
std::optional<contracts::Instant> parse_world_time(std::string_view text);

class AdminClient {
 public:
  // `endpoint`: "http://host:port". Admin calls are quick; `timeout` bounds each.
  explicit AdminClient(const std::string& endpoint,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  nlohmann::json health();
  void reset();
  // Replaces the server's world (POST /__admin/scenario), then it is reset.
  void load_scenario(const std::string& toml);
  JournalBatch journal_since(std::uint64_t seq);
  // Advances the virtual clock; returns the new world time. With a `call_id` the request
  // carries it as x-ebsmock-call-id, so a hold_until rule naming it can park the advance.
  contracts::Instant advance(contracts::Duration by, const std::string& call_id = "");
  void add_fault(const nlohmann::json& rule);
  // Removes a rule; a rule that is already gone is fine.
  void remove_fault(const std::string& id);
  nlohmann::json replay_status();
  const std::string& endpoint() const { return endpoint_; }

 private:
  nlohmann::json request(const std::string& method, const std::string& path,
                         const std::string& body, const std::string& content_type,
                         std::initializer_list<int> ok_statuses, const std::string& call_id = "");

  std::string endpoint_;
  std::unique_ptr<httplib::Client> http_;
};

}  // namespace ebsmock::harness
