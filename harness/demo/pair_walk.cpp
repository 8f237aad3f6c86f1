// pair_walk.cpp: see pair_walk.h.
#include "harness/demo/pair_walk.h"

#include <algorithm>
#include <iomanip>
#include <thread>
#include <variant>

namespace ebsmock::harness {
namespace {

class Walk {
 public:
  Walk(ApiClient& client, AdminClient& admin, const PairWalkOptions& options, std::ostream& out)
      : client_(client), admin_(admin), options_(options), out_(out) {}

  CallResult call(const std::string& action, const contracts::Params& params) {
    out_ << "-> " << action;
    for (const auto& [k, v] : params) out_ << " " << k << "=" << v;
    out_ << "\n";
    auto r = client_.call(action, params);
    if (r.ok) {
      nlohmann::json shown = r.body;
      shown.erase("RequestId");
      if (shown.contains("ReplicaPairs")) shown = summarize(shown);
      out_ << "<- " << r.http_status.value_or(200) << " " << shown.dump() << "  [RequestId "
           << r.body.value("RequestId", "") << ", attempts " << r.attempts << "]\n";
    } else {
      out_ << "<- " << (r.http_status ? std::to_string(*r.http_status) : std::string("(no response)")) << " "
           << r.code << ": " << r.message << "\n";
    }
    return r;
  }

  // Polls Describe until the pair reaches `want` (and LastRecoverPoint if asked), moving
  // the clock one second at a time. False after 120 polls.
  bool wait_for(const std::string& id, const std::string& want, bool need_recover_point = false) {
    std::string last;
    for (int poll = 0; poll < 120; ++poll) {
      auto r = client_.call("DescribeDiskReplicaPairs", {{"RegionId", options_.region}, {"PairIds", id}});
      if (!r.ok) {
        out_ << "   describe failed: " << r.code << "\n";
        return false;
      }
      const auto& pairs = r.body["ReplicaPairs"];
      const std::string status = pairs.empty() ? "(gone)" : pairs[0].value("Status", "");
      const bool has_point = !pairs.empty() && pairs[0].contains("LastRecoverPoint");
      if (status != last) {
        out_ << "   status " << status;
        if (has_point) out_ << " (LastRecoverPoint " << pairs[0]["LastRecoverPoint"] << ")";
        out_ << "  after " << elapsed_ << "s\n";
        last = status;
      }
      if (status == want && (!need_recover_point || has_point)) return true;
      tick();
    }
    out_ << "   gave up waiting for " << want << "\n";
    return false;
  }

 private:
  static nlohmann::json summarize(const nlohmann::json& body) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& p : body["ReplicaPairs"]) {
      pairs.push_back({{"ReplicaPairId", p["ReplicaPairId"]}, {"Status", p["Status"]}});
    }
    return {{"TotalCount", body.value("TotalCount", 0)}, {"ReplicaPairs", pairs}};
  }

  void tick() {
    if (options_.virtual_clock) {
      admin_.advance(std::chrono::seconds(1));
    } else {
      std::this_thread::sleep_for(std::chrono::seconds(1));  // a person watching a real clock
    }
    ++elapsed_;
  }

  ApiClient& client_;
  AdminClient& admin_;
  const PairWalkOptions& options_;
  std::ostream& out_;
  int elapsed_ = 0;
};

// The journal, in order, as the mock saw the walk: the calls that changed a status and
// the changes the service made on its own.
void print_journal(AdminClient& admin, std::ostream& out) {
  JournalBatch batch = admin.journal_since(0);
  struct Line {
    std::uint64_t seq;
    std::string text;
  };
  std::vector<Line> lines;
  int transitions = 0;
  for (const auto& a : batch.attempts) {
    if (!a.transition) continue;
    ++transitions;
    lines.push_back({a.seq, a.action + " -> " + std::to_string(a.status) + ", " + contracts::to_string(*a.transition) +
                                ", signature " + std::string(contracts::to_string(a.signature_verdict)) + ", token " +
                                a.client_token});
  }
  for (const auto& p : batch.progress) {
    lines.push_back({p.seq, "(service) " + contracts::to_string(p.transition) + " at " + p.time});
  }
  std::sort(lines.begin(), lines.end(), [](const Line& x, const Line& y) { return x.seq < y.seq; });
  out << "\nJournal (what the mock saw):\n";
  for (const auto& l : lines) out << "  #" << std::setw(3) << l.seq << " " << l.text << "\n";
  out << "  " << batch.attempts.size() << " requests, " << transitions << " of them changed a status\n\n";
}

}  // namespace

bool walk_one_pair(ApiClient& client, AdminClient& admin, const PairWalkOptions& options, std::ostream& out) {
  Walk walk(client, admin, options, out);
  const std::string& region = options.region;
  std::string pair_id;
  auto created = walk.call("CreateDiskReplicaPair", {{"RegionId", region},
                                                    {"SourceZoneId", "cn-hangzhou-h"},
                                                    {"DiskId", "d-bp1demo000000000001"},
                                                    {"DestinationRegionId", "cn-shanghai"},
                                                    {"DestinationZoneId", "cn-shanghai-e"},
                                                    {"DestinationDiskId", "d-uf6demo000000000001"},
                                                    {"PairName", "demo-pair"},
                                                    {"Description", "created by ebsmock demo"}});
  bool ok = created.ok;
  if (ok) pair_id = created.body.value("ReplicaPairId", "");
  const contracts::Params pair{{"RegionId", region}, {"ReplicaPairId", pair_id}};
  ok = ok && walk.wait_for(pair_id, "created");
  ok = ok && walk.call("StartDiskReplicaPair", pair).ok;
  ok = ok && walk.wait_for(pair_id, "normal", /*need_recover_point=*/true);
  ok = ok && walk.call("StopDiskReplicaPair", pair).ok;
  ok = ok && walk.wait_for(pair_id, "stopped");
  // Stop is not allowed from `stopped`: show the documented refusal, answered once.
  if (ok) {
    auto again = walk.call("StopDiskReplicaPair", pair);
    ok = !again.ok && again.code == "OperationDenied.InvalidStatus" && again.attempts == 1;
  }
  if (ok) ok = walk.call("DescribeDiskReplicaPairs", {{"RegionId", region}, {"PairIds", pair_id}}).ok;
  print_journal(admin, out);
  out << (ok ? "demo: every step behaved as documented\n" : "demo: a step did NOT behave as documented\n");
  return ok;
}

}  // namespace ebsmock::harness
