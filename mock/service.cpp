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

namespace {
// Process-wide, so that no two gates, of any Service, ever share an epoch: a thread's
// cached gate (Service::current_gate) is never mistaken for another Service's.
std::atomic<std::uint64_t> next_gate_epoch{1};
}  // namespace

// One call's waits (or one admin clock advance's): the wait stage's delay and hold, and
// the race window a planted bug may open (race_window.h). A hold_until fault is waited
// once: in the window when the call opens one there, else at the wait stage. Lives on the
// call's thread; `lock` is the call's hold on the Service's mutex.
class CallWindow final : public RaceWindow {
 public:
  CallWindow(Service& service, std::unique_lock<SpinningMutex>& lock, std::optional<scenarios::HoldSpec> hold,
             std::optional<HoldOutcome>& outcome, std::stop_token stop)
      : service_(service), lock_(lock), hold_(std::move(hold)), outcome_(outcome), stop_(std::move(stop)),
        generation_(service.state_.generation) {}

  bool hold_pending() const { return hold_ && !outcome_; }
  // True once a wait or race window has let the lock go and taken it again.
  bool let_go() const { return let_go_; }

  void open() override {
    lock_.unlock();
    if (hold_pending()) {
      hold_now();
    } else {
      service_.wait_clock_->sleep_for(service_.options_.race_window, stop_);
    }
    relock();
  }

  // The wait stage: the injected delay, then the hold unless `hold` is false (a race
  // window will take it). Nothing to wait: returns without letting the lock go.
  void wait(contracts::Duration delay, bool hold) {
    hold = hold && hold_pending();
    if (delay.count() <= 0 && !hold) return;
    lock_.unlock();
    if (delay.count() > 0) service_.wait_clock_->sleep_for(delay, stop_);  // cut short when the server stops
    if (hold) hold_now();
    relock();
  }

 private:
  void hold_now() { outcome_ = service_.holds_.hold(*hold_, service_.journal_, *service_.wait_clock_, stop_); }
  void relock() {
    let_go_ = true;
    lock_.lock();
    if (generation_ != service_.state_.generation) throw WorldReplaced();
  }

  Service& service_;
  std::unique_lock<SpinningMutex>& lock_;
  std::optional<scenarios::HoldSpec> hold_;
  std::optional<HoldOutcome>& outcome_;
  bool let_go_ = false;
  std::stop_token stop_;
  std::uint64_t generation_;
};

Service::Service(scenarios::Scenario scenario, ServiceOptions options)
    : scenario_(std::move(scenario)),
      options_(std::move(options)),
      tokens_(options_.token_capacity),
      journal_(options_.journal_capacity, &mu_) {
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
  auto errors = std::make_shared<const contracts::ErrorCatalogue>(scenario_.policy.errors);
  std::shared_ptr<Clock> world_clock;
  if (scenario_.clock.mode == scenarios::ClockMode::Virtual) {
    auto manual = std::make_shared<ManualClock>(scenario_.clock.start);
    s.virtual_clock = manual.get();
    world_clock = std::move(manual);
  } else {
    world_clock = make_real_clock();
  }
  auto auth = std::make_shared<Authenticator>(scenario_.credentials, scenario_.auth.verify_signatures,
                                              scenario_.policy.timestamp_window, *wall_clock_, *errors);
  const auto now = world_clock->now();
  s.world = scenarios::initial_world(scenario_, now);
  s.start = now;
  s.faults = std::make_unique<FaultEngine>(scenario_.faults, seed_, *errors);
  s.replay = std::make_unique<ReplayEngine>(scenario_.replay, *errors, seed_);
  s.gate = std::make_shared<const CallGate>(CallGate{std::move(errors), std::move(auth), std::move(world_clock),
                                                     std::make_shared<contracts::SeededRandom>(seed_),
                                                     std::make_shared<contracts::RequestIds>(seed_)});
  s.model = make_model(options_.mutant);
  tokens_.clear();
  holds_.reset();  // a held call must not act on the new world: it wakes and sees the generation
  s.token_policy = make_token_policy(options_.mutant, tokens_);
  s.generation = state_.generation + 1;
  state_ = std::move(s);
  {
    std::lock_guard lock(gate_mu_);
    gate_ = state_.gate;
    gate_epoch_.store(next_gate_epoch.fetch_add(1, std::memory_order_relaxed), std::memory_order_release);
  }
  journal_.clear_locked();
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

bool Service::advance_clock(contracts::Duration by, std::string_view call_id, std::stop_token stop) {
  std::unique_lock lock(mu_);
  if (!state_.virtual_clock || by.count() < 0) return false;
  std::optional<HoldOutcome> held;
  CallWindow window(*this, lock, call_id.empty() ? std::nullopt : state_.faults->hold_for_clock_advance(call_id),
                    held, stop);
  try {
    window.wait(contracts::Duration{0}, !state_.model->opens_race_window_on_advance());
    const contracts::Instant to = state_.virtual_clock->now() + by;
    std::vector<contracts::TimedTransition> own;
    for (auto& t : state_.model->before_advance(state_.world, to, window)) own.push_back({std::move(t), to});
    journal_progress_locked(std::move(own));
  } catch (const WorldReplaced&) {
    return true;  // overtaken by a reset: the new world starts at its own time
  }
  state_.virtual_clock->advance(by);
  catch_up_locked();
  lock.unlock();
  journal_.settle();  // an advance may journal thousands of progress entries
  return true;
}

contracts::Instant Service::catch_up_locked() {
  const auto now = state_.gate->world_clock->now();
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
    e.time = contracts::format_iso8601_millis(change.at);
    e.transition = std::move(change.transition);
    e.vanished = change.vanished;
    e.event = std::string(event);
    journal_.append_locked(e);
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

const CallGate& Service::current_gate() const {
  // Each thread keeps the gate it last used, with its epoch. Only a new world's gate
  // (a reset or load) sends it to gate_mu_; every other call reads one atomic. Without
  // this, every call took gate_mu_ and moved the shared_ptr's count between the cores.
  struct Cached {
    std::uint64_t epoch = 0;  // never a gate's: epochs start at 1
    std::shared_ptr<const CallGate> gate;
  };
  thread_local Cached cached;
  if (cached.epoch != gate_epoch_.load(std::memory_order_acquire)) {
    std::lock_guard lock(gate_mu_);
    cached.gate = gate_;
    cached.epoch = gate_epoch_.load(std::memory_order_relaxed);
  }
  return *cached.gate;
}

Exchange Service::begin(const RawRequest& raw, const CallGate*& gate) {
  Exchange x;
  x.raw = &raw;
  x.host = contracts::header_value(raw.headers, "host");
  if (auto id = contracts::header_value(raw.headers, contracts::kCallIdHeader); contracts::is_valid_call_id(id)) {
    x.call_id = std::move(id);
  }
  gate = &current_gate();
  x.request_id = gate->request_ids->next();
  x.time = gate->world_clock->now();
  return x;
}

ConnectionAction Service::finish(Exchange& x, std::unique_lock<SpinningMutex>* held, LatencySpan* hold) {
  render(x);
  const JournalEntry entry = journal_entry(std::move(x));  // freed after the lock
  // Under the commit's lock (the journal's guard too): seq is the commit order.
  const std::uint64_t seq = held ? journal_.append_locked(entry) : journal_.append(entry);
  holds_.journaled(seq, x.call_id, x.client_token);
  if (held) held->unlock();
  if (hold) hold->stop();
  // A Describe's page was copied under the lock; its text is written here, without it.
  if (x.service_answer && x.service_answer->unwritten_page) {
    if (Answer* sent = sent_service_answer(x)) write_page_body(*sent, *x.service_answer->unwritten_page);
  }
  journal_.settle();
  return std::move(x.action);
}

ConnectionAction Service::handle_rpc(const RawRequest& raw, std::stop_token stop) {
  const CallGate* gate = nullptr;
  Exchange x = begin(raw, gate);
  const contracts::ErrorCatalogue& errors = *gate->errors;
  if (!admit(x, errors, *gate->auth)) return finish(x, nullptr);
  digest_token(x);
  if (x.token) tokens_.prefetch(*x.token);
  CallFacts facts = call_facts(x);

  LatencySpan lock_wait(latency_probe().world_lock_wait);
  std::unique_lock lock(mu_);
  lock_wait.stop();
  LatencySpan lock_hold(latency_probe().world_lock_hold);
  auto now = catch_up_locked();
  decide(x, observe(facts, x, state_.world, tokens_), {state_.replay.get(), state_.faults.get()});
  CallWindow window(*this, lock, x.fault ? x.fault->hold : std::nullopt, x.hold, stop);
  try {
    open_token(x, *state_.token_policy, state_.world.policy(), now, errors, &window);
    // A hold is waited here unless the model will open its race window for this call.
    const bool model_runs = !x.service_answer && x.reaches_model();
    const bool hold_here = !(model_runs && state_.model->opens_race_window(*x.op));
    if (x.delay().count() > 0 || (hold_here && window.hold_pending())) {
      window.wait(x.delay(), hold_here);
      now = catch_up_locked();
    }
    x.time = now;
    commit(x, *state_.model, state_.world, *state_.token_policy, *state_.gate->random, now, &window);
  } catch (const WorldReplaced&) {
    refuse_replaced(x, errors);
  }
  if (window.let_go()) lock_hold.cancel();  // not one hold, but two or more
  return finish(x, &lock, &lock_hold);
}

void Service::refuse_replaced(Exchange& x, const contracts::ErrorCatalogue& errors) {
  // Answer as a gateway whose backend went away.
  x.refusal = errors.make(codes::kServiceUnavailable);
  x.service_answer = ServiceAnswer{error_answer(*x.refusal, x.request_id, x.host), x.refusal->code};
  x.idempotence.reset();  // and so x.token_key(): the new world has no such token
  x.effect = Effect::NotRun;
  x.transition.reset();
  x.member_transitions.clear();
  x.new_ids = {};
}

Answer Service::answer_http_failure(HttpFailure failure, int status, std::string_view detail,
                                    const RawRequest& raw) {
  const CallGate* gate = nullptr;
  Exchange x = begin(raw, gate);
  const contracts::ErrorCatalogue& errors = *gate->errors;
  switch (failure) {
    case HttpFailure::BodyTooLarge:
      x.refusal = errors.make(codes::kRequestBodyTooLarge, detail);
      break;
    case HttpFailure::Malformed:
      x.refusal = errors.make(codes::kInvalidParameter, "", "The HTTP request is malformed.");
      break;
    case HttpFailure::HandlerException:
      // A bug of ours, not the client's: answer like the real service's unknown failure.
      x.refusal = errors.make(codes::kInternalError);
      break;
  }
  x.refusal->http_status = status;
  x.service_answer = ServiceAnswer{error_answer(*x.refusal, x.request_id, x.host), x.refusal->code};
  render(x);
  x.answer_source = contracts::AnswerSource::Http;
  holds_.journaled(journal_.append(journal_entry(std::move(x))), x.call_id, x.client_token);
  journal_.settle();
  return std::move(std::get<Respond>(x.action).answer);
}

}  // namespace ebsmock::mock
