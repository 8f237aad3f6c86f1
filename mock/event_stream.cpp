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

std::vector<std::pair<std::uint64_t, std::string>> JournalTexts::after(std::uint64_t after, std::size_t max) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  std::lock_guard lock(mu_);
  std::uint64_t end = base_ + texts_.size();  // the first seq not cached
  if (after + 1 < base_ || texts_.empty() || after + 1 > end) {
    // Outside what is cached: start the cache over at the reader (readers move together).
    texts_.clear();
    base_ = after + 1;
    end = base_;
  }
  if (after + max >= end) {
    for (const auto& e : journal_.since(end - 1, after + max + 1 - end)) {
      if (e.seq != base_ + texts_.size()) {  // the ring moved past the cache: restart there
        texts_.clear();
        base_ = e.seq;
      }
      texts_.push_back(json_text(to_json(e)));
    }
  }
  const std::uint64_t first = std::max(after + 1, base_);
  for (std::uint64_t seq = first; seq < base_ + texts_.size() && out.size() < max; ++seq) {
    out.emplace_back(seq, texts_[seq - base_]);
  }
  // Trimmed after this reader took its share, so a reader asking for more than the
  // capacity still gets everything after its seq.
  while (texts_.size() > capacity_) {
    texts_.pop_front();
    ++base_;
  }
  return out;
}

EventStream::EventStream(JournalTexts& journal, StateView state, std::uint64_t after, EventStreamOptions options,
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
  if (!backlog) {
    const std::uint64_t last = journal_.last_seq();
    if (last > after_ + options_.max_lag) {
      const std::uint64_t next = last - options_.max_batch + 1;
      append_event(out, "gap", nlohmann::json{{"after", after_}, {"next", next}}.dump(), std::nullopt);
      after_ = next - 1;
    }
  }
  for (;;) {
    auto entries = journal_.after(after_, options_.max_batch);
    if (entries.empty()) break;
    if (entries.front().first != after_ + 1) {
      append_event(out, "gap", nlohmann::json{{"after", after_}, {"next", entries.front().first}}.dump(), std::nullopt);
    }
    std::string batch = "[";
    for (const auto& [seq, text] : entries) {
      if (batch.size() > 1) batch += ',';
      batch += text;
    }
    batch += ']';
    after_ = entries.back().first;
    append_event(out, "journal", batch, after_);
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
