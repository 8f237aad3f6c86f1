// service.cpp: the RPC pipeline as a script of stages (see service.h for the order and
// the files), plus the lifecycle of the world state.
#include "mock/service.h"

#include "mock/admission.h"
#include "mock/commit.h"
#include "mock/decide.h"
#include "mock/envelope.h"
#include "mock/record.h"
#include "mock/render.h"
#include "mock/seed.h"
#include "scenarios/loader/initial_world.h"

namespace ebsmock::mock {
namespace codes = contracts::codes;

std::string iso_millis(contracts::Instant t) {
  std::string s = contracts::format_iso8601(t);
  auto ms = t.time_since_epoch().count() % 1000;
  char buf[8];
  std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(ms < 0 ? ms + 1000 : ms));
  s.insert(s.size() - 1, buf);
  return s;
}

Service::Service(scenarios::Scenario scenario, ServiceOptions options)
    : scenario_(std::move(scenario)),
      options_(std::move(options)),
      tokens_(options_.token_capacity),
      journal_(options_.journal_capacity) {
  if (!options_.journal_file.empty()) journal_.open_file(options_.journal_file);
  seed_ = options_.seed ? *options_.seed : scenario_.seed ? *scenario_.seed : fresh_seed();
  wall_clock_ = options_.wall_clock ? options_.wall_clock : make_real_clock();
  wait_clock_ = options_.wait_clock ? options_.wait_clock : make_real_clock();
  std::lock_guard lock(mu_);
  reset_locked();
}

void Service::reset_locked() {
  WorldState s;
  s.scenario = &scenario_;
  s.errors = std::make_shared<const contracts::ErrorCatalogue>(scenario_.policy.errors);
  if (scenario_.clock.mode == scenarios::ClockMode::Virtual) {
    auto manual = std::make_shared<ManualClock>(scenario_.clock.start);
    s.virtual_clock = manual.get();
    s.world_clock = std::move(manual);
  } else {
    s.world_clock = make_real_clock();
  }
  s.random = std::make_unique<contracts::SeededRandom>(seed_);
  s.auth = std::make_shared<Authenticator>(scenario_.credentials, scenario_.auth.verify_signatures,
                                           scenario_.policy.timestamp_window, *wall_clock_, *s.errors);
  const auto now = s.world_clock->now();
  s.world = scenarios::initial_world(scenario_, now);
  s.start = now;
  s.faults = std::make_unique<FaultEngine>(scenario_.faults, seed_, *s.errors);
  s.replay = std::make_unique<ReplayEngine>(scenario_.replay, *s.errors, seed_);
  s.model = make_model(options_.mutant);
  tokens_.clear();
  s.token_policy = make_token_policy(options_.mutant, tokens_);
  s.generation = state_.generation + 1;
  state_ = std::move(s);
  journal_.clear();
}

void Service::reset() {
  std::lock_guard lock(mu_);
  reset_locked();
}

void Service::load(scenarios::Scenario scenario) {
  std::lock_guard lock(mu_);
  scenario_ = std::move(scenario);
  if (!options_.seed && scenario_.seed) seed_ = *scenario_.seed;
  reset_locked();
}

Service::AddFaultsResult Service::add_faults(std::vector<scenarios::FaultSpec> rules) {
  std::lock_guard lock(mu_);
  AddFaultsResult result;
  for (auto& rule : rules) {
    std::string wanted = rule.id;
    auto id = state_.faults->add(std::move(rule));
    if (!id) {
      for (const auto& a : result.added) state_.faults->remove(a);
      return AddFaultsResult{{}, wanted};
    }
    result.added.push_back(*id);
  }
  return result;
}

bool Service::remove_fault(std::string_view id) {
  std::lock_guard lock(mu_);
  return state_.faults->remove(id);
}

bool Service::advance_clock(contracts::Duration by) {
  std::lock_guard lock(mu_);
  if (!state_.virtual_clock || !state_.virtual_clock->advance(by)) return false;
  catch_up_locked();
  return true;
}

contracts::Instant Service::catch_up_locked() {
  const auto now = state_.world_clock->now();
  const auto& events = scenario_.events;  // sorted by `at`
  while (state_.next_event < events.size() && state_.start + events[state_.next_event].at <= now) {
    const auto& event = events[state_.next_event++];
    const auto at = state_.start + event.at;
    journal_progress_locked(state_.world.advance(at));
    apply_event_locked(event, at);
  }
  journal_progress_locked(state_.world.advance(now));
  return now;
}

void Service::journal_progress_locked(std::vector<contracts::TimedTransition> changes, std::string_view event) {
  for (auto& change : changes) {
    JournalEntry e;
    e.kind = contracts::JournalKind::Progress;
    e.time = iso_millis(change.at);
    e.transition = std::move(change.transition);
    e.vanished = change.vanished;
    e.event = std::string(event);
    journal_.append(std::move(e));
  }
}

void Service::apply_event_locked(const scenarios::ScheduledEvent& event, contracts::Instant at) {
  auto& world = state_.world;
  // A deleted pair or group kept for its retention is gone to the user: nothing to break.
  const auto* pair = event.kind == contracts::ResourceKind::Pair ? world.find(event.target_id) : nullptr;
  const auto* group = event.kind == contracts::ResourceKind::Group ? world.find_group(event.target_id) : nullptr;
  if ((pair && pair->status == contracts::Status::Deleted) || (group && group->status == contracts::Status::Deleted)) {
    return;
  }
  std::vector<contracts::TimedTransition> changes;
  for (auto& t : world.force(event.kind, event.target_id, event.status, at)) changes.push_back({std::move(t), at});
  journal_progress_locked(std::move(changes),
                          event.description.empty() ? event.source : event.source + ": " + event.description);
}

Exchange Service::begin(const RawRequest& raw, std::shared_ptr<const contracts::ErrorCatalogue>* errors,
                        std::shared_ptr<Authenticator>* auth) {
  Exchange x;
  x.raw = &raw;
  x.host = contracts::header_value(raw.headers, "host");
  std::lock_guard lock(mu_);
  x.request_id = state_.random->request_id();
  x.time = iso_millis(state_.world_clock->now());
  *errors = state_.errors;
  if (auth) *auth = state_.auth;
  return x;
}

ConnectionAction Service::finish(Exchange& x, std::unique_lock<std::mutex>* held) {
  render(x);
  journal_.append(journal_entry(x));  // under the commit's lock: seq is the commit order
  if (held) held->unlock();
  journal_.flush_file();
  return std::move(x.action);
}

ConnectionAction Service::handle_rpc(const RawRequest& raw, std::stop_token stop) {
  std::shared_ptr<const contracts::ErrorCatalogue> errors;
  std::shared_ptr<Authenticator> auth;
  Exchange x = begin(raw, &errors, &auth);
  if (!admit(x, *errors, *auth)) return finish(x, nullptr);

  std::unique_lock lock(mu_);
  const std::uint64_t generation = state_.generation;
  auto now = catch_up_locked();
  decide(x, call_context(x, state_.world, tokens_), {state_.replay.get(), state_.faults.get()});
  open_token(x, *state_.token_policy, state_.world.policy(), now, *errors);

  if (x.delay().count() > 0) {
    lock.unlock();
    wait_clock_->sleep_for(x.delay(), stop);  // cut short when the server stops
    lock.lock();
    if (generation != state_.generation) {
      // The world was reset or replaced meanwhile: the call must not act on the new one.
      // Answer as a gateway whose backend went away.
      x.refusal = errors->make(codes::kServiceUnavailable);
      x.service_answer = ServiceAnswer{error_answer(*x.refusal, x.request_id, x.host), x.refusal->code};
      x.idempotence.reset();
      return finish(x, &lock);
    }
    now = catch_up_locked();
  }
  x.time = iso_millis(now);
  commit(x, *state_.model, state_.world, *state_.token_policy, *state_.random, now);
  return finish(x, &lock);
}

Answer Service::answer_http_failure(HttpFailure failure, int status, std::string_view detail,
                                    const RawRequest& raw) {
  std::shared_ptr<const contracts::ErrorCatalogue> errors;
  Exchange x = begin(raw, &errors, nullptr);
  switch (failure) {
    case HttpFailure::BodyTooLarge:
      x.refusal = errors->make(codes::kRequestBodyTooLarge, detail);
      break;
    case HttpFailure::Malformed:
      x.refusal = errors->make(codes::kInvalidParameter, "", "The HTTP request is malformed.");
      break;
    case HttpFailure::HandlerException:
      // A bug of ours, not the client's: answer like the real service's unknown failure.
      x.refusal = errors->make(codes::kInternalError);
      break;
  }
  x.refusal->http_status = status;
  x.service_answer = ServiceAnswer{error_answer(*x.refusal, x.request_id, x.host), x.refusal->code};
  render(x);
  x.answer_source = contracts::AnswerSource::Http;
  journal_.append(journal_entry(x));
  journal_.flush_file();
  return std::move(std::get<Respond>(x.action).answer);
}

}  // namespace ebsmock::mock
