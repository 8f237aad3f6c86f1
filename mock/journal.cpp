// journal.cpp: see journal.h.
#include "mock/journal.h"

#include <algorithm>
#include <stdexcept>

namespace ebsmock::mock {

namespace {

// Counts a request's answer under its outcome: the error Code, "ok", "no-answer", or
// "http-STATUS". Spelled only when it is a status without a Code, which is rare.
// Templates, because Counts is the journal's private Journal::AnswerCounts.
template <typename Counts>
void count_answer(Counts& counts, const JournalEntry& e) {
  std::string spelled;
  std::string_view outcome = e.code;
  if (outcome.empty()) {
    if (e.status == 0) {
      outcome = "no-answer";
    } else if (e.status >= 200 && e.status < 300) {
      ++counts.ok;
      return;
    } else {
      spelled = "http-" + std::to_string(e.status);
      outcome = spelled;
    }
  }
  auto it = counts.others.find(outcome);
  if (it == counts.others.end()) it = counts.others.emplace(std::string(outcome), 0).first;
  ++it->second;
}

template <typename Counts>
nlohmann::json answers_of(const Counts& counts) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [outcome, n] : counts.others) j[outcome] = n;
  if (counts.ok > 0) j["ok"] = counts.ok;
  return j;
}

}  // namespace

std::uint64_t Journal::append(const JournalEntry& entry) {
  PackedEntry packed(entry);  // before the lock
  std::lock_guard lock(mu_);
  return store_locked(std::move(packed), entry);
}

std::uint64_t Journal::append_locked(const JournalEntry& entry) { return store_locked(PackedEntry(entry), entry); }

std::uint64_t Journal::store_locked(PackedEntry packed, const JournalEntry& entry) {
  // The entry the ring drops is one block freed here: jemalloc frees a block without
  // reading it, so its being cold costs nothing.
  const std::uint64_t seq = next_seq_++;
  packed.stamp_seq(seq);
  if (entry.kind == contracts::JournalKind::Request) {
    count_answer(entry.fault ? fault_answers_ : model_answers_, entry);
  }
  if (has_file_.load(std::memory_order_relaxed)) unwritten_.push_back(packed.copy());  // set under mu_
  entries_.push_back(std::move(packed));
  while (entries_.size() > capacity_) {
    entries_.pop_front();
    ++dropped_;
  }
  return seq;
}

void Journal::settle() {
  // Without a file there is nothing to do, and no lock is taken: a request's answer waits
  // for this call.
  if (!has_file_.load(std::memory_order_acquire)) return;
  std::lock_guard file_lock(file_mu_);
  std::vector<PackedEntry> batch;
  {
    std::lock_guard lock(mu_);
    if (unwritten_.empty()) return;  // another caller wrote them first
    batch.swap(unwritten_);
  }
  // Batches are taken and written under file_mu_, and each is in seq order, so the file is.
  for (const auto& e : batch) {
    *file_ << to_json(e.unpack()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  file_->flush();
}

std::vector<JournalEntry> Journal::since(std::uint64_t since, std::size_t limit) const {
  std::vector<PackedEntry> packed;  // copied under the lock, unpacked after it: requests wait for the lock
  {
    std::lock_guard lock(mu_);
    // Sequence numbers are contiguous inside the ring, so the start is computable.
    auto first = entries_.empty() ? 0 : entries_.front().seq();
    std::size_t start = since < first ? 0 : static_cast<std::size_t>(since - first + 1);
    for (std::size_t i = start; i < entries_.size() && packed.size() < limit; ++i) packed.push_back(entries_[i].copy());
  }
  std::vector<JournalEntry> out;
  out.reserve(packed.size());
  for (const auto& e : packed) out.push_back(e.unpack());
  return out;
}

void Journal::clear_locked() {
  entries_.clear();
  dropped_ = 0;
  model_answers_ = {};
  fault_answers_ = {};
}

namespace {

// The seq of the file's last entry (0 for a new, empty or unreadable one). Reads
// backwards from the end, so a long history costs one entry's read.
std::uint64_t last_seq_in_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return 0;
  std::streamoff end = in.tellg();
  while (end > 0) {  // skip trailing newlines
    in.seekg(end - 1);
    if (in.get() != '\n') break;
    --end;
  }
  std::string line;
  std::streamoff pos = end;
  constexpr std::streamoff kChunk = 4096;
  while (pos > 0) {
    std::streamoff from = std::max<std::streamoff>(0, pos - kChunk);
    std::string chunk(static_cast<std::size_t>(pos - from), '\0');
    in.seekg(from);
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    line.insert(0, chunk);
    pos = from;
    if (auto nl = line.rfind('\n'); nl != std::string::npos) {
      line.erase(0, nl + 1);
      break;
    }
  }
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("seq") || !j["seq"].is_number_unsigned()) return 0;
  return j["seq"].get<std::uint64_t>();
}

}  // namespace

void Journal::open_file(const std::string& path) {
  const std::uint64_t earlier = last_seq_in_file(path);
  auto file = std::make_unique<std::ofstream>(path, std::ios::app | std::ios::binary);
  if (!*file) throw std::runtime_error("cannot open journal file " + path);
  std::lock_guard file_lock(file_mu_);
  std::lock_guard lock(mu_);
  file_ = std::move(file);
  has_file_.store(true, std::memory_order_release);
  // A server restarted on the same file goes on numbering after it, so seq stays unique
  // in the file and a reader (the dashboard's stream) resumes without repeating.
  if (entries_.empty() && earlier >= next_seq_) next_seq_ = earlier + 1;
}

nlohmann::json Journal::answers_json() const {
  std::lock_guard lock(mu_);
  return summary_locked().answers;
}

Journal::Summary Journal::summary_locked() const {
  nlohmann::json j = {{"model", answers_of(model_answers_)}, {"fault", answers_of(fault_answers_)}};
  return Summary{entries_.size(), next_seq_ - 1, dropped_, std::move(j)};
}

std::uint64_t Journal::last_seq() const {
  std::lock_guard lock(mu_);
  return next_seq_ - 1;
}

std::uint64_t Journal::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

}  // namespace ebsmock::mock
