// demo_command.cpp: `ebsmock demo`, the main job for now. Starts an embedded mock on the
// default world (virtual clock unless --real-clock), then walks one pair through
// create -> start -> stop -> describe with the bundled reference client, printing every
// exchange and status change. Talks to the mock only over HTTP (RPC and admin API).
// Exit 0 when every step behaved as documented, 1 otherwise, 2 on set-up errors.
#include <httplib.h>

#include <iomanip>
#include <iostream>
#include <optional>
#include <thread>

#include "harness/cli/commands.h"
#include "harness/cli/world_loading.h"
#include "harness/client/reference_client.h"
#include "mock/embedded_server.h"

namespace ebsmock::cli {
namespace {

struct DemoOptions {
  std::string scenario;
  std::uint64_t seed = 1;
  bool real_clock = false;
};

class Demo {
 public:
  Demo(harness::ApiClient& client, httplib::Client& admin, bool virtual_clock)
      : client_(client), admin_(admin), virtual_clock_(virtual_clock) {}

  harness::CallResult call(const std::string& action, contracts::Params params) {
    std::cout << "-> " << action;
    for (const auto& [k, v] : params) std::cout << " " << k << "=" << v;
    std::cout << "\n";
    auto r = client_.call(action, params);
    if (r.ok) {
      nlohmann::json shown = r.body;
      shown.erase("RequestId");
      if (shown.contains("ReplicaPairs")) shown = summarize(shown);
      std::cout << "<- " << r.http_status.value_or(200) << " " << shown.dump() << "  [RequestId "
                << r.body.value("RequestId", "") << ", attempts " << r.attempts << "]\n";
    } else {
      std::cout << "<- " << (r.http_status ? std::to_string(*r.http_status) : std::string("(no response)"))
                << " " << r.code << ": " << r.message << "\n";
    }
    return r;
  }

  // Polls Describe until the pair reaches `want` (and LastRecoverPoint if asked), moving
  // the virtual clock one second at a time. Returns false after 120 polls.
  bool wait_for(const std::string& region, const std::string& id, const std::string& want,
                bool need_recover_point = false) {
    std::string last;
    for (int poll = 0; poll < 120; ++poll) {
      auto r = client_.call("DescribeDiskReplicaPairs", {{"RegionId", region}, {"PairIds", id}});
      if (!r.ok) {
        std::cout << "   describe failed: " << r.code << "\n";
        return false;
      }
      const auto& pairs = r.body["ReplicaPairs"];
      std::string status = pairs.empty() ? "(gone)" : pairs[0].value("Status", "");
      bool recover_ok = !need_recover_point || (!pairs.empty() && pairs[0].contains("LastRecoverPoint"));
      if (status != last) {
        std::cout << "   status " << status;
        if (!pairs.empty() && pairs[0].contains("LastRecoverPoint")) {
          std::cout << " (LastRecoverPoint " << pairs[0]["LastRecoverPoint"] << ")";
        }
        std::cout << "  after " << elapsed_ << "s\n";
        last = status;
      }
      if (status == want && recover_ok) return true;
      tick();
    }
    std::cout << "   gave up waiting for " << want << "\n";
    return false;
  }

 private:
  static nlohmann::json summarize(const nlohmann::json& body) {
    nlohmann::json out = {{"TotalCount", body.value("TotalCount", 0)}};
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& p : body["ReplicaPairs"]) {
      pairs.push_back({{"ReplicaPairId", p["ReplicaPairId"]}, {"Status", p["Status"]}});
    }
    out["ReplicaPairs"] = pairs;
    return out;
  }

  void tick() {
    if (virtual_clock_) {
      auto res = admin_.Post("/__admin/clock/advance?by=1s", "", "text/plain");
      if (!res || res->status != 200) std::cout << "   (could not advance the clock)\n";
    } else {
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    ++elapsed_;
  }

  harness::ApiClient& client_;
  httplib::Client& admin_;
  bool virtual_clock_;
  int elapsed_ = 0;
};

int run_demo(const DemoOptions& opts) {
  auto scenario = load_world_or_report(opts.scenario);
  if (!scenario) return 2;
  if (scenario->credentials.empty()) {
    std::cerr << "ebsmock demo: the world has no [[credential]] to sign with\n";
    return 2;
  }
  if (!opts.real_clock) scenario->clock.mode = scenarios::ClockMode::Virtual;
  auto credential = scenario->credentials.front();

  const std::string world_name = scenario->name;
  mock::EmbeddedServerOptions server_options;
  server_options.service.seed = opts.seed;
  std::optional<mock::EmbeddedServer> server;
  try {
    server.emplace(std::move(*scenario), server_options);
  } catch (const std::exception& e) {
    std::cerr << "ebsmock demo: " << e.what() << "\n";
    return 2;
  }
  const std::string endpoint = server->endpoint();
  std::cout << "ebsmock demo: mock on " << endpoint << " (" << world_name
            << " world, " << (opts.real_clock ? "real" : "virtual") << " clock, seed " << opts.seed
            << "), reference client signing V3 as " << credential.access_key_id << "\n\n";

  contracts::SeededRandom client_random(contracts::client_seed(opts.seed));
  harness::ReferenceClient client({.endpoint = endpoint,
                                   .access_key_id = credential.access_key_id,
                                   .access_key_secret = credential.access_key_secret},
                                  client_random);
  httplib::Client admin("127.0.0.1", server->port());
  Demo demo(client, admin, !opts.real_clock);

  const std::string region = "cn-hangzhou";
  bool ok = true;
  std::string pair_id;
  {
    auto r = demo.call("CreateDiskReplicaPair", {{"RegionId", region},
                                                 {"SourceZoneId", "cn-hangzhou-h"},
                                                 {"DiskId", "d-bp1demo000000000001"},
                                                 {"DestinationRegionId", "cn-shanghai"},
                                                 {"DestinationZoneId", "cn-shanghai-e"},
                                                 {"DestinationDiskId", "d-uf6demo000000000001"},
                                                 {"PairName", "demo-pair"},
                                                 {"Description", "created by ebsmock demo"}});
    ok = r.ok;
    if (ok) pair_id = r.body.value("ReplicaPairId", "");
  }
  ok = ok && demo.wait_for(region, pair_id, "created");
  ok = ok && demo.call("StartDiskReplicaPair", {{"RegionId", region}, {"ReplicaPairId", pair_id}}).ok;
  ok = ok && demo.wait_for(region, pair_id, "normal", /*need_recover_point=*/true);
  ok = ok && demo.call("StopDiskReplicaPair", {{"RegionId", region}, {"ReplicaPairId", pair_id}}).ok;
  ok = ok && demo.wait_for(region, pair_id, "stopped");
  // Stop is not allowed from `stopped`: show the documented refusal, answered once.
  if (ok) {
    auto again = demo.call("StopDiskReplicaPair", {{"RegionId", region}, {"ReplicaPairId", pair_id}});
    ok = !again.ok && again.code == "OperationDenied.InvalidStatus" && again.attempts == 1;
  }
  if (ok) ok = demo.call("DescribeDiskReplicaPairs", {{"RegionId", region}, {"PairIds", pair_id}}).ok;

  auto journal = nlohmann::json::parse(admin.Get("/__admin/journal")->body);
  int requests = 0, transitions = 0;
  std::cout << "\nJournal (what the mock saw):\n";
  for (const auto& e : journal["entries"]) {
    if (e["kind"] == "request") {
      ++requests;
      if (!e["transition"].is_null()) {
        ++transitions;
        std::cout << "  #" << std::setw(3) << e["seq"].get<int>() << " " << e["action"].get<std::string>()
                  << " -> " << e["status"].get<int>() << ", " << (e["transition"]["from"].is_null() ? "(new)" : e["transition"]["from"].get<std::string>())
                  << " -> " << e["transition"]["to"].get<std::string>() << ", signature "
                  << e["signature"]["verdict"].get<std::string>() << ", token " << e["client_token"].get<std::string>() << "\n";
      }
    } else if (!e["transition"].is_null()) {
      std::cout << "  #" << std::setw(3) << e["seq"].get<int>() << " (service) "
                << e["transition"]["from"].get<std::string>() << " -> " << e["transition"]["to"].get<std::string>()
                << " at " << e["time"].get<std::string>() << "\n";
    }
  }
  std::cout << "  " << requests << " requests, " << transitions << " of them changed a status\n\n";
  std::cout << (ok ? "demo: every step behaved as documented\n" : "demo: a step did NOT behave as documented\n");
  return ok ? 0 : 1;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<DemoOptions>();
  auto* cmd = app.add_subcommand("demo", "Walk a pair through create/start/stop/describe against an embedded mock");
  cmd->add_option("--scenario", opts->scenario, "Scenario TOML file (default: the built-in world)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--seed", opts->seed, "Seed for ids, tokens and nonces")->capture_default_str();
  cmd->add_flag("--real-clock", opts->real_clock, "Wait for real time instead of advancing a virtual clock");
  cmd->callback([opts, &exit_code] { exit_code = run_demo(*opts); });
}

}  // namespace ebsmock::cli
