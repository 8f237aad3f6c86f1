// event_stream.h: the dashboard's live feed, GET /__admin/events, as Server-Sent Events
// (visual.md §6.3). One EventStream per open connection sends:
//   event: journal  id: <last seq of the batch>  data: [journal entries, oldest first]
//   event: gap      data: {"after": A, "next": B}  entries A+1..B-1 are no longer in memory
//                   (pushed out of the ring, or written by an earlier run of the same
//                   --journal-file, whose numbering the journal continues)
//   event: state    data: the snapshot the admin API gives (health, faults, pairs, groups)
//   ": keep-alive"  a comment when nothing else was sent for `heartbeat`
// Updates are throttled: at most one batch of `max_batch` entries per `min_interval` of
// the wait clock, however fast the journal grows (a stream that falls behind lags, and
// says `gap` if the ring moves past it), so a dashboard costs the request path a few
// journal and state reads a second and never a wait. A stream resumes after the seq the client names
// (Last-Event-ID, which EventSource sends on reconnect), so it neither repeats nor skips.
// The number of open streams is bounded (StreamSlots): each one holds a server worker.
// Thread-safety: an EventStream is used by one thread (its connection's worker);
// StreamSlots is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "mock/clock.h"
#include "mock/connection_action.h"
#include "mock/journal.h"
#include "mock/rpc_request.h"

namespace ebsmock::mock {

struct EventStreamOptions {
  std::size_t max_streams = 4;
  contracts::Duration min_interval = std::chrono::milliseconds(250);
  contracts::Duration heartbeat = std::chrono::seconds(5);
  // Journal entries per `journal` event, and per update after the first (which sends the
  // whole backlog, in events of this size): a bound on what a stream costs per second.
  // 100 every 250 ms (400 rows a second, more than a person reads): at 500 four streams
  // cost the request path ~10% of its throughput (RESULTS.md, "Live dashboard").
  std::size_t max_batch = 100;
  // A stream this many entries behind the journal (the mock answers faster than a page
  // could show) skips to the newest `max_batch` entries and says `gap`: a live view, not
  // an archive (that is GET /__admin/journal and --journal-file).
  std::size_t max_lag = 5000;
};

// The journal's entries as JSON text, each serialized once however many streams send it:
// the streams of all dashboards read the same recent entries. Keeps the newest
// `capacity` texts, contiguous by seq. Thread-safe.
class JournalTexts {
 public:
  explicit JournalTexts(const Journal& journal, std::size_t capacity = 8192) : journal_(journal), capacity_(capacity) {}
  // Up to `max` entries with seq > after, oldest first: {seq, JSON text}.
  std::vector<std::pair<std::uint64_t, std::string>> after(std::uint64_t after, std::size_t max);
  std::uint64_t last_seq() const { return journal_.last_seq(); }

 private:
  const Journal& journal_;
  std::size_t capacity_;
  std::mutex mu_;
  std::uint64_t base_ = 0;  // seq of texts_.front()
  std::deque<std::string> texts_;
};

// Open streams against the bound. A slot is released when its holder is destroyed.
class StreamSlots {
 public:
  explicit StreamSlots(std::size_t max) : max_(max) {}
  class Slot {
   public:
    explicit Slot(std::atomic<std::size_t>* open) : open_(open) {}
    ~Slot() { if (open_) open_->fetch_sub(1); }
    Slot(Slot&& o) noexcept : open_(std::exchange(o.open_, nullptr)) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
   private:
    std::atomic<std::size_t>* open_;
  };
  // A slot, or nullopt when `max` streams are open already.
  std::optional<Slot> try_acquire();
  std::size_t open() const { return open_.load(); }
  std::size_t max() const { return max_; }

 private:
  std::size_t max_;
  std::atomic<std::size_t> open_{0};
};

class EventStream final : public ChunkSource {
 public:
  using StateView = std::function<nlohmann::json()>;
  // Sends the journal after seq `after` (0: everything still in memory).
  EventStream(JournalTexts& journal, StateView state, std::uint64_t after, EventStreamOptions options,
              std::shared_ptr<Clock> wait_clock, std::optional<StreamSlots::Slot> slot = std::nullopt);

  // What is due at `now`: the SSE text of the new journal entries and of a changed
  // state, a keep-alive, or "" when nothing is (throttled, or nothing changed).
  std::string poll(contracts::Instant now);
  // Waits on the wait clock until poll has something; nullopt once `stop` is requested.
  std::optional<std::string> next(std::stop_token stop) override;

  std::uint64_t last_sent_seq() const { return after_; }

 private:
  JournalTexts& journal_;
  StateView state_;
  std::uint64_t after_;
  EventStreamOptions options_;
  std::shared_ptr<Clock> clock_;
  std::optional<StreamSlots::Slot> slot_;
  std::optional<contracts::Instant> last_sent_;
  std::string last_state_;
  bool started_ = false;
};

// The seq to resume after: the Last-Event-ID header, else `?since=`, else 0. nullopt when
// one is given and is not a non-negative integer.
std::optional<std::uint64_t> resume_point(const RawRequest& raw, std::string_view since_arg);

}  // namespace ebsmock::mock
