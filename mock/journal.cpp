// journal.cpp: journal storage and its JSON form (served by GET /__admin/journal).
#include "mock/journal.h"

#include <algorithm>
#include <stdexcept>

namespace ebsmock::mock {

contracts::Params redact(const contracts::Params& params) {
  static constexpr std::string_view kSecret[] = {"Signature", "SecurityToken", "AccessKeySecret",
                                                 "BearerToken"};
  contracts::Params out = params;
  for (auto name : kSecret) {
    if (auto it = out.find(name); it != out.end()) it->second = "***";
  }
  return out;
}

nlohmann::json to_json(const JournalEntry& e) {
  nlohmann::json j = {{"seq", e.seq}, {"kind", e.kind}, {"time", e.time}};
  auto transition_json = [](const contracts::Transition& t) {
    return nlohmann::json{
        {std::string(contracts::to_string(t.kind)), t.id},
        {"from", t.from ? nlohmann::json(std::string(contracts::to_string(*t.from))) : nlohmann::json()},
        {"to", std::string(contracts::to_string(t.to))}};
  };
  if (e.kind == "request") {
    j["method"] = e.method;
    j["action"] = e.action;
    j["params"] = e.params;
    j["client_token"] = e.client_token;
    j["access_key_id"] = e.access_key_id;
    j["signature"] = {{"scheme", e.signature_scheme}, {"verdict", e.signature_verdict}};
    j["status"] = e.status;
    j["code"] = e.code;
    j["request_id"] = e.request_id;
    j["idempotence"] = e.idempotence;
    j["transition"] = e.transition ? transition_json(*e.transition) : nlohmann::json();
    j["fault"] = e.fault;
    if (!e.replay_mismatch.empty()) j["replay_mismatch"] = e.replay_mismatch;
  } else {
    j["transition"] = e.transition ? transition_json(*e.transition) : nlohmann::json();
    j["vanished"] = e.vanished;
  }
  return j;
}

std::uint64_t Journal::append(JournalEntry entry) {
  std::lock_guard lock(mu_);
  entry.seq = next_seq_++;
  if (entry.kind == "request") {
    std::string outcome = !entry.code.empty()                          ? entry.code
                          : entry.status == 0                           ? "no-answer"
                          : entry.status >= 200 && entry.status < 300   ? "ok"
                                                                        : "http-" + std::to_string(entry.status);
    ++(entry.fault.is_null() ? model_answers_ : fault_answers_)[outcome];
  }
  if (file_) {
    *file_ << to_json(entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    file_->flush();
  }
  entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_) {
    entries_.pop_front();
    ++dropped_;
  }
  return entries_.back().seq;
}

std::vector<JournalEntry> Journal::since(std::uint64_t since, std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<JournalEntry> out;
  // Sequence numbers are contiguous inside the ring, so the start is computable.
  auto first = entries_.empty() ? 0 : entries_.front().seq;
  std::size_t start = since < first ? 0 : static_cast<std::size_t>(since - first + 1);
  for (std::size_t i = start; i < entries_.size() && out.size() < limit; ++i) {
    out.push_back(entries_[i]);
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

void Journal::open_file(const std::string& path) {
  auto file = std::make_unique<std::ofstream>(path, std::ios::app | std::ios::binary);
  if (!*file) throw std::runtime_error("cannot open journal file " + path);
  std::lock_guard lock(mu_);
  file_ = std::move(file);
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
