// trace_writer.cpp: see trace_writer.h.
#include "harness/record/trace_writer.h"

#include <stdexcept>

namespace ebsmock::harness::record {

TraceWriter::TraceWriter(const std::string& path) {
  if (path.empty()) return;
  file_.open(path, std::ios::app | std::ios::binary);
  if (!file_) throw std::runtime_error("cannot open trace file " + path);
  has_file_ = true;
}

void TraceWriter::write(mock::JournalEntry entry, const nlohmann::json& extra) {
  std::lock_guard lock(mu_);
  entry.seq = next_seq_++;
  if (!has_file_) return;
  nlohmann::json j = mock::to_json(entry);
  for (const auto& [k, v] : extra.items()) j[k] = v;
  // Parameters are client bytes and need not be UTF-8: replace, never throw mid-call.
  file_ << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  file_.flush();
}

std::uint64_t TraceWriter::written() const {
  std::lock_guard lock(mu_);
  return next_seq_ - 1;
}

}  // namespace ebsmock::harness::record
