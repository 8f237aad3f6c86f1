// journal.cpp: journal storage and its JSON form (served by GET /__admin/journal).
#include "mock/journal.h"

#include <algorithm>
#include <stdexcept>

namespace ebsmock::mock {

namespace {

nlohmann::json transition_json(const std::optional<contracts::Transition>& t) {
  if (!t) return nullptr;
  return {{std::string(contracts::to_string(t->kind)), t->id},
          {"from", t->from ? nlohmann::json(std::string(contracts::to_string(*t->from))) : nlohmann::json()},
          {"to", std::string(contracts::to_string(t->to))}};
}

nlohmann::json fault_json(const std::optional<FaultSummary>& f) {
  if (!f) return nullptr;
  nlohmann::json j = {{"rule", f->rule}, {"delay_ms", f->delay_ms}, {"commit", f->commit}, {"transport", f->transport}};
  if (!f->error.empty()) j["error"] = f->error;
  if (f->status) j["status"] = *f->status;
  return j;
}

std::string outcome_of(const JournalEntry& e) {
  if (!e.code.empty()) return e.code;
  if (e.status == 0) return "no-answer";
  if (e.status >= 200 && e.status < 300) return "ok";
  return "http-" + std::to_string(e.status);
}

}  // namespace

nlohmann::json to_json(const JournalEntry& e) {
  nlohmann::json j = {{"seq", e.seq}, {"kind", std::string(contracts::to_string(e.kind))}, {"time", e.time}};
  if (e.kind == contracts::JournalKind::Progress) {
    j["transition"] = transition_json(e.transition);
    j["vanished"] = e.vanished;
    if (!e.event.empty()) j["event"] = e.event;
    return j;
  }
  j["method"] = e.method;
  j["action"] = e.action;
  j["params"] = e.params;
  j["client_token"] = e.client_token;
  if (!e.call_id.empty()) j["call_id"] = e.call_id;
  j["access_key_id"] = e.access_key_id;
  j["signature"] = {{"scheme", std::string(contracts::to_string(e.signature_scheme))},
                    {"verdict", std::string(contracts::to_string(e.signature_verdict))}};
  j["status"] = e.status;
  j["code"] = e.code;
  j["request_id"] = e.request_id;
  j["idempotence"] = e.idempotence ? std::string(contracts::to_string(*e.idempotence)) : std::string();
  j["effect_applied"] = e.effect_applied;
  j["answer_source"] = std::string(contracts::to_string(e.answer_source));
  j["transition"] = transition_json(e.transition);
  nlohmann::json members = nlohmann::json::array();
  for (const auto& t : e.member_transitions) members.push_back(transition_json(t));
  j["member_transitions"] = std::move(members);
  if (auto ids = contracts::to_json(e.new_ids); !ids.empty()) j["new_ids"] = std::move(ids);
  j["fault"] = fault_json(e.fault);
  if (!e.replay_mismatch.empty()) j["replay_mismatch"] = e.replay_mismatch;
  if (e.held_ms) {
    j["held_ms"] = *e.held_ms;
    // A seq is a number, as everywhere else in the journal; the other endings are words.
    j["released_by"] = e.released_by ? nlohmann::json(*e.released_by) : nlohmann::json(e.hold_end);
  }
  return j;
}

std::uint64_t Journal::append(JournalEntry entry) {
  // Built before the lock: the ring and the file's batch share one immutable copy, and
  // dropping the oldest moves a pointer, not a ~700-byte entry out of a cold slot.
  const bool is_request = entry.kind == contracts::JournalKind::Request;
  const bool by_fault = entry.fault.has_value();
  const std::string outcome = is_request ? outcome_of(entry) : std::string();
  auto shared = std::make_shared<JournalEntry>(std::move(entry));
  std::lock_guard lock(mu_);
  shared->seq = next_seq_++;
  if (is_request) ++(by_fault ? fault_answers_ : model_answers_)[outcome];
  if (has_file_) unwritten_.push_back(shared);
  entries_.push_back(std::move(shared));
  while (entries_.size() > capacity_) {
    dropped_entries_.push_back(std::move(entries_.front()));
    entries_.pop_front();
    ++dropped_;
  }
  return next_seq_ - 1;
}

void Journal::settle() {
  std::vector<EntryPtr> dropped;  // freed on return, outside mu_
  {
    std::lock_guard lock(mu_);
    dropped.swap(dropped_entries_);
    if (!has_file_ || unwritten_.empty()) return;
  }
  std::lock_guard file_lock(file_mu_);
  std::vector<EntryPtr> batch;
  {
    std::lock_guard lock(mu_);
    if (unwritten_.empty()) return;  // another caller wrote them first
    batch.swap(unwritten_);
  }
  // Batches are taken and written under file_mu_, and each is in seq order, so the file is.
  for (const auto& e : batch) {
    *file_ << to_json(*e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  file_->flush();
}

std::vector<JournalEntry> Journal::since(std::uint64_t since, std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<JournalEntry> out;
  // Sequence numbers are contiguous inside the ring, so the start is computable.
  auto first = entries_.empty() ? 0 : entries_.front()->seq;
  std::size_t start = since < first ? 0 : static_cast<std::size_t>(since - first + 1);
  for (std::size_t i = start; i < entries_.size() && out.size() < limit; ++i) {
    out.push_back(*entries_[i]);
  }
  return out;
}

void Journal::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  dropped_ = 0;
  model_answers_.clear();
  fault_answers_.clear();
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
  has_file_ = true;
  // A server restarted on the same file goes on numbering after it, so seq stays unique
  // in the file and a reader (the dashboard's stream) resumes without repeating.
  if (entries_.empty() && earlier >= next_seq_) next_seq_ = earlier + 1;
}

nlohmann::json Journal::answers_json() const {
  std::lock_guard lock(mu_);
  nlohmann::json j = {{"model", nlohmann::json::object()}, {"fault", nlohmann::json::object()}};
  for (const auto& [outcome, n] : model_answers_) j["model"][outcome] = n;
  for (const auto& [outcome, n] : fault_answers_) j["fault"][outcome] = n;
  return j;
}

std::uint64_t Journal::last_seq() const {
  std::lock_guard lock(mu_);
  return next_seq_ - 1;
}

std::size_t Journal::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::uint64_t Journal::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

}  // namespace ebsmock::mock
