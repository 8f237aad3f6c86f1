// event_stream.cpp: see event_stream.h.
#include "mock/event_stream.h"

#include "contracts/api_schema.h"
#include "contracts/wire.h"
#include "mock/envelope.h"

namespace ebsmock::mock {
namespace {

// One SSE event. `data` is one line of JSON (json_text escapes newlines inside strings).
void append_event(std::string& out, std::string_view name, const std::string& data, std::optional<std::uint64_t> id) {
  out += "event: ";
  out += name;
  out += '\n';
  if (id) out += "id: " + std::to_string(*id) + "\n";
  out += "data: ";
  out += data;
  out += "\n\n";
}

}  // namespace

std::optional<StreamSlots::Slot> StreamSlots::try_acquire() {
  std::size_t n = open_.load();
  while (n < max_) {
    if (open_.compare_exchange_weak(n, n + 1)) return Slot(&open_);
  }
  return std::nullopt;
}

EventStream::EventStream(const Journal& journal, StateView state, std::uint64_t after, EventStreamOptions options,
                         std::shared_ptr<Clock> wait_clock, std::optional<StreamSlots::Slot> slot)
    : journal_(journal),
      state_(std::move(state)),
      after_(after),
      options_(options),
      clock_(std::move(wait_clock)),
      slot_(std::move(slot)) {}

std::string EventStream::poll(contracts::Instant now) {
  std::string out;
  const bool started_before = started_;
  if (!started_) {
    // How long EventSource waits before reconnecting after the stream drops.
    out += "retry: 1000\n\n";
    started_ = true;
  } else if (last_sent_ && now - *last_sent_ < options_.min_interval) {
    return out;
  }
  // The state goes first, so a page that reads a journal entry already knows the rules
  // and resources it names.
  std::string state = json_text(state_());
  if (state != last_state_) {
    append_event(out, "state", state, std::nullopt);
    last_state_ = std::move(state);
  }
  // The first update sends the whole backlog; later ones one batch each, so a stream
  // that cannot keep up with the journal lags (and catches up when the load drops)
  // rather than taking CPU from the request path.
  const bool backlog = !started_before;
  for (;;) {
    auto entries = journal_.since(after_, options_.max_batch);
    if (entries.empty()) break;
    if (entries.front().seq != after_ + 1) {
      append_event(out, "gap", nlohmann::json{{"after", after_}, {"next", entries.front().seq}}.dump(), std::nullopt);
    }
    nlohmann::json batch = nlohmann::json::array();
    for (const auto& e : entries) batch.push_back(to_json(e));
    after_ = entries.back().seq;
    append_event(out, "journal", json_text(batch), after_);
    if (!backlog || entries.size() < options_.max_batch) break;
  }
  if (out.empty() && last_sent_ && now - *last_sent_ >= options_.heartbeat) out = ": keep-alive\n\n";
  if (!out.empty()) last_sent_ = now;
  return out;
}

std::optional<std::string> EventStream::next(std::stop_token stop) {
  for (;;) {
    if (stop.stop_requested()) return std::nullopt;
    if (std::string chunk = poll(clock_->now()); !chunk.empty()) return chunk;
    if (!clock_->sleep_for(options_.min_interval, stop)) return std::nullopt;
  }
}

std::optional<std::uint64_t> resume_point(const RawRequest& raw, std::string_view since_arg) {
  std::string given = contracts::header_value(raw.headers, "last-event-id");
  if (given.empty()) given = std::string(since_arg);
  if (given.empty()) return 0;
  auto n = contracts::parse_int(given);
  if (!n || *n < 0) return std::nullopt;
  return static_cast<std::uint64_t>(*n);
}

}  // namespace ebsmock::mock
