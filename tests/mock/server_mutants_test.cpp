// server_mutants_test.cpp: the planted server bugs of `ebsmock serve --mutant`
// (mock/server_mutants.h). Over real HTTP, each mutant changes behaviour in exactly the
// way its name says: one probe per mutant shows the bug on that mutant and not on the
// correct server nor on any other mutant (so each mutant is specific; the group mutants'
// probes build a normal group first). Then the details of each bug, the name list, the
// default (no mutant), and the `serve --mutant` command line (the PLANTED BUG warning,
// validation of the name).
// Each test owns its servers; servers run in-process on 127.0.0.1:0.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "mock/server_mutants.h"
#include "tests/support/command_line.h"
#include "tests/support/mock_server_fixture.h"
#include "tests/support/served_process.h"

namespace ebsmock::testing {
namespace {

using mock::ServerMutant;

constexpr const char* kNormal = "pair-cn-mutantnormal0001";
constexpr const char* kStopped = "pair-cn-mutantstopped001";
constexpr const char* kRegion = "cn-hangzhou";

// The fixture's MockServer with a planted bug, plus the calls the probes need
// (unsigned requests, virtual clock).
ServerOptions with_mutant(ServerMutant mutant) {
  ServerOptions o;
  o.mutant = mutant;
  return o;
}

class MutantServer {
 public:
  explicit MutantServer(ServerMutant mutant)
      : server_(world_toml(/*verify_signatures=*/false,
                           pair_toml(kNormal, "normal") + pair_toml(kStopped, "stopped") +
                               "[clock]\nmode = \"virtual\"\nstart = 2024-01-01T00:00:00Z\n"),
                with_mutant(mutant)) {}

  mock::Service& service() { return server_.service(); }
  const MockServer& server() const { return server_; }

  Response call(std::string_view action, const contracts::ParamList& params = {}) const {
    contracts::ParamList all{{"Action", std::string(action)},
                             {"Version", std::string(contracts::kApiVersion)}};
    all.insert(all.end(), params.begin(), params.end());
    SignOptions unsigned_request;
    unsigned_request.scheme = Scheme::None;
    WireRequest w = build_request(all, server_.host(), unsigned_request);
    return server_.raw_http(w.method, w.target, w.headers, w.body);
  }

  Response describe(const std::string& pair_id, const contracts::ParamList& extra = {}) const {
    contracts::ParamList params{{"RegionId", kRegion}, {"PairIds", pair_id}};
    params.insert(params.end(), extra.begin(), extra.end());
    return call("DescribeDiskReplicaPairs", params);
  }

  std::string status_of(const std::string& pair_id, const contracts::ParamList& extra = {}) const {
    auto r = describe(pair_id, extra);
    if (!r.json.is_object() || r.json["ReplicaPairs"].empty()) return "<absent>";
    return r.json["ReplicaPairs"][0].value("Status", "");
  }

  Response stop(const std::string& pair_id, const std::string& token = {}) const {
    contracts::ParamList params{{"RegionId", kRegion}, {"ReplicaPairId", pair_id}};
    if (!token.empty()) params.emplace_back("ClientToken", token);
    return call("StopDiskReplicaPair", params);
  }

  Response create(const std::string& token, const std::string& disk = "d-mutantsource01") const {
    return call("CreateDiskReplicaPair", {{"RegionId", kRegion},
                                          {"SourceZoneId", "cn-hangzhou-h"},
                                          {"DiskId", disk},
                                          {"DestinationRegionId", "cn-shanghai"},
                                          {"DestinationZoneId", "cn-shanghai-l"},
                                          {"DestinationDiskId", "d-mutantdest0001"},
                                          {"ClientToken", token}});
  }

  void advance(const std::string& by) const {
    auto r = server_.raw_http("POST", "/__admin/clock/advance?by=" + by, {}, "");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // A group of `members` new pairs, synced and `normal`, plus `spare` new pairs in
  // `created` that could join it by direction. Empty ids when a step failed.
  struct NormalGroup {
    std::string id;
    std::vector<std::string> members;
    std::vector<std::string> spare;
  };
  NormalGroup normal_group(int members, int spare = 0) const {
    NormalGroup g;
    auto group = call("CreateDiskReplicaGroup", {{"RegionId", kRegion},
                                                 {"SourceZoneId", "cn-hangzhou-h"},
                                                 {"DestinationRegionId", "cn-shanghai"},
                                                 {"DestinationZoneId", "cn-shanghai-l"}});
    if (group.status != 200) return g;
    std::vector<std::string> pairs;
    for (int i = 0; i < members + spare; ++i) {
      auto pair = create("mutant-group-pair-" + std::to_string(i), "d-mutantgroup00" + std::to_string(i));
      if (pair.status != 200) return g;
      pairs.push_back(pair.json["ReplicaPairId"]);
    }
    advance("1m");
    for (int i = 0; i < members; ++i) {
      auto added = call("AddDiskReplicaPair", {{"RegionId", kRegion},
                                               {"ReplicaGroupId", group.json["ReplicaGroupId"]},
                                               {"ReplicaPairId", pairs[static_cast<std::size_t>(i)]}});
      if (added.status != 200) return g;
    }
    if (call("StartDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", group.json["ReplicaGroupId"]}})
            .status != 200) {
      return g;
    }
    advance("1m");
    g.id = group.json["ReplicaGroupId"];
    g.members.assign(pairs.begin(), pairs.begin() + members);
    std::sort(g.members.begin(), g.members.end());  // as the group lists them
    g.spare.assign(pairs.begin() + members, pairs.end());
    return g;
  }

  Response add_pair(const std::string& group, const std::string& pair) const {
    return call("AddDiskReplicaPair", {{"RegionId", kRegion}, {"ReplicaGroupId", group}, {"ReplicaPairId", pair}});
  }

 private:
  MockServer server_;
};

// ---------------------------------------------------------------------------------------
// One probe per mutant: true when the bug shows. Each runs on a fresh server.

bool stop_accepted_in_stopped(const MutantServer& s) {
  auto r = s.stop(kStopped);
  return r.status == 200 && s.status_of(kStopped) == "stopping";
}

bool client_token_ignored(const MutantServer& s) {
  auto first = s.create("mutant-token-1");
  auto second = s.create("mutant-token-1");
  return first.status == 200 && second.status == 200 &&
         first.json["ReplicaPairId"] != second.json["ReplicaPairId"];
}

bool invalid_status_answered_as_operation_denied_400(const MutantServer& s) {
  auto r = s.stop(kStopped);
  return r.status == 400 && r.code() == "OperationDenied";
}

bool transient_status_skipped(const MutantServer& s) {
  auto r = s.stop(kNormal);
  return r.status == 200 && s.status_of(kNormal) == "stopped";
}

bool describe_is_stale(const MutantServer& s) {
  if (s.status_of(kNormal) != "normal") return false;
  if (s.stop(kNormal).status != 200) return false;
  // The correct server says stopping (or stopped, when transitions are skipped).
  return s.status_of(kNormal) == "normal";
}

bool group_failover_leaves_a_member_behind(const MutantServer& s) {
  auto g = s.normal_group(2);
  if (g.id.empty()) return false;
  if (s.call("FailoverDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", g.id}}).status != 200) return false;
  // The correct server has both members failovering with their group.
  return s.status_of(g.members[0]) != s.status_of(g.members[1]);
}

bool add_accepted_while_group_normal(const MutantServer& s) {
  auto g = s.normal_group(1, 1);
  return !g.id.empty() && s.add_pair(g.id, g.spare[0]).status == 200;
}

struct Probe {
  ServerMutant mutant;
  bool (*shows_bug)(const MutantServer&);
};

constexpr std::array<Probe, 7> kProbes = {{
    {ServerMutant::StopFromStopped, stop_accepted_in_stopped},
    {ServerMutant::IgnoreClientToken, client_token_ignored},
    {ServerMutant::WrongErrorCode, invalid_status_answered_as_operation_denied_400},
    {ServerMutant::SkipTransition, transient_status_skipped},
    {ServerMutant::StaleDescribe, describe_is_stale},
    {ServerMutant::PartialGroupFailover, group_failover_leaves_a_member_behind},
    {ServerMutant::AddPairWhileNormal, add_accepted_while_group_normal},
}};

TEST(ServerMutants, EachProbeSeesItsBugAndOnlyItsBug) {
  // Every server, the concurrency mutants too: one sequential probe must see none of
  // them (their schedules are in concurrency_mutants_test.cpp).
  std::vector<ServerMutant> servers{ServerMutant::None};
  std::size_t sequential = 0;
  for (const auto& m : mock::server_mutants()) {
    servers.push_back(m.mutant);
    if (!m.concurrency) ++sequential;
  }
  ASSERT_EQ(kProbes.size(), sequential) << "a mutant without a probe";
  for (const Probe& probe : kProbes) {
    for (ServerMutant server_mutant : servers) {
      MutantServer s(server_mutant);
      EXPECT_EQ(probe.shows_bug(s), probe.mutant == server_mutant)
          << "probe for " << mock::to_string(probe.mutant) << " on a server with mutant "
          << mock::to_string(server_mutant);
    }
  }
}

TEST(ServerMutants, NoneByDefault) {
  mock::ServiceOptions defaults;
  EXPECT_EQ(defaults.mutant, ServerMutant::None);
  mock::Service service(scenarios::load_scenario_string(world_toml(false), "t.toml"));
  EXPECT_EQ(service.options().mutant, ServerMutant::None);
  mock::AdminApi admin(service);
  auto health = admin.handle({.method = "GET", .target = "/__admin/health", .remote_addr = "127.0.0.1"});
  EXPECT_EQ(Json::parse(health.body)["mutant"], "none");
}

TEST(ServerMutants, NamesParseAndAreListed) {
  std::vector<std::string> expected{"stop-from-stopped", "ignore-client-token", "wrong-error-code",
                                    "skip-transition", "stale-describe", "partial-group-failover",
                                    "add-pair-while-normal", "token-check-race", "status-check-race",
                                    "modify-lost-update", "torn-describe", "stale-background-write",
                                    "mismatch-check-race", "no-last-token-processing"};
  EXPECT_EQ(mock::server_mutant_names(), expected);
  for (const auto& m : mock::server_mutants()) {
    EXPECT_EQ(mock::parse_server_mutant(m.name), m.mutant);
    EXPECT_EQ(mock::to_string(m.mutant), m.name);
    EXPECT_FALSE(m.description.empty());
  }
  EXPECT_EQ(mock::parse_server_mutant("none"), ServerMutant::None);
  EXPECT_EQ(mock::to_string(ServerMutant::None), "none");
  EXPECT_FALSE(mock::parse_server_mutant("Stop-From-Stopped").has_value());
  EXPECT_FALSE(mock::parse_server_mutant("").has_value());
}

// ---------------------------------------------------------------------------------------
// Details of each bug.

TEST(ServerMutants, StopFromStoppedGoesStoppingThenStoppedAgain) {
  MutantServer s(ServerMutant::StopFromStopped);
  auto r = s.stop(kStopped);
  expect_success_envelope(r);
  EXPECT_EQ(s.status_of(kStopped), "stopping");
  s.advance("1m");
  EXPECT_EQ(s.status_of(kStopped), "stopped");
  // Only the status check is bypassed: an unknown pair is still unknown, and other
  // operations still refuse what they refuse.
  expect_error_envelope(s.stop("pair-cn-doesnotexist0001"), 404, "NoSuchResource");
  expect_error_envelope(s.call("ReprotectDiskReplicaPair", {{"RegionId", kRegion}, {"ReplicaPairId", kStopped}}),
                        403, "OperationDenied.InvalidStatus");
  bool saw_stopped_to_stopping = false;
  for (const auto& entry : s.service().journal().since(0)) {
    if (entry.kind == contracts::JournalKind::Request && entry.transition &&
        entry.transition->from == contracts::Status::Stopped &&
        entry.transition->to == contracts::Status::Stopping) {
      saw_stopped_to_stopping = true;
    }
  }
  EXPECT_TRUE(saw_stopped_to_stopping);
}

TEST(ServerMutants, IgnoreClientTokenExecutesEveryRequest) {
  MutantServer s(ServerMutant::IgnoreClientToken);
  // A retried Create makes a second pair.
  auto a = s.create("tok-ignored-1");
  auto b = s.create("tok-ignored-1");
  expect_success_envelope(a);
  expect_success_envelope(b);
  EXPECT_NE(a.json["ReplicaPairId"], b.json["ReplicaPairId"]);
  // The same token with other parameters is no IdempotentParameterMismatch.
  auto c = s.create("tok-ignored-1", "d-otherdisk00001");
  expect_success_envelope(c);
  // A retried Stop is no replay: the second one is refused (the pair is stopping now).
  expect_success_envelope(s.stop(kNormal, "tok-stop-1"));
  expect_error_envelope(s.stop(kNormal, "tok-stop-1"), 403, "OperationDenied.InvalidStatus");
}

TEST(ServerMutants, WrongErrorCodeChangesOnlyInvalidStatus) {
  MutantServer s(ServerMutant::WrongErrorCode);
  expect_error_envelope(s.stop(kStopped), 400, "OperationDenied");
  // Other errors keep their code and status.
  expect_error_envelope(s.stop("pair-cn-doesnotexist0001"), 404, "NoSuchResource");
  expect_success_envelope(s.stop(kNormal));
}

TEST(ServerMutants, SkipTransitionJumpsToTheFinalStatus) {
  MutantServer s(ServerMutant::SkipTransition);
  auto created = s.create("tok-skip-1");
  expect_success_envelope(created);
  const std::string id = created.json["ReplicaPairId"];
  EXPECT_EQ(s.status_of(id), "created");  // never `creating`
  expect_success_envelope(s.call("StartDiskReplicaPair", {{"RegionId", kRegion}, {"ReplicaPairId", id}}));
  EXPECT_EQ(s.status_of(id), "normal");  // never `initial_syncing`
  expect_success_envelope(s.stop(id));
  EXPECT_EQ(s.status_of(id), "stopped");  // never `stopping`
}

TEST(ServerMutants, StaleDescribeRepeatsTheFirstAnswerForTheSameParameters) {
  MutantServer s(ServerMutant::StaleDescribe);
  auto first = s.describe(kNormal);
  expect_success_envelope(first);
  expect_success_envelope(s.stop(kNormal));
  s.advance("1m");
  auto second = s.describe(kNormal);
  expect_success_envelope(second);
  EXPECT_EQ(second.without_request_id(), first.without_request_id());
  EXPECT_EQ(second.json["ReplicaPairs"][0]["Status"], "normal");
  // Only the data is stale: every answer has its own RequestId.
  EXPECT_NE(second.json["RequestId"], first.json["RequestId"]);
  // Other parameters are a cache miss, so they see the truth (once).
  EXPECT_EQ(s.status_of(kNormal, {{"PageSize", "10"}}), "stopped");
  // A reset forgets the cache.
  ASSERT_EQ(s.server().raw_http("POST", "/__admin/reset", {}, "").status, 200);
  expect_success_envelope(s.stop(kNormal));
  EXPECT_EQ(s.status_of(kNormal), "stopping");
}

TEST(ServerMutants, PartialGroupFailoverLeavesTheLastMemberBehindUntilTheGroupArrives) {
  MutantServer s(ServerMutant::PartialGroupFailover);
  auto g = s.normal_group(3);
  ASSERT_FALSE(g.id.empty());
  expect_success_envelope(s.call("FailoverDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", g.id}}));
  EXPECT_EQ(s.status_of(g.members[0]), "failovering");
  EXPECT_EQ(s.status_of(g.members[1]), "failovering");
  EXPECT_EQ(s.status_of(g.members[2]), "normal");  // the last in id order
  // The journal shows only the members that moved, as the buggy server believes.
  const auto entries = s.service().journal().since(0);
  auto failover = std::find_if(entries.rbegin(), entries.rend(),
                               [](const auto& e) { return e.action == "FailoverDiskReplicaGroup"; });
  ASSERT_NE(failover, entries.rend());
  EXPECT_EQ(failover->member_transitions.size(), 2u);
  // When the group's failover completes, every member is failovered.
  s.advance("1m");
  for (const auto& id : g.members) EXPECT_EQ(s.status_of(id), "failovered") << id;
  // Other group calls move every member.
  expect_success_envelope(s.call("ReprotectDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", g.id}}));
  for (const auto& id : g.members) EXPECT_EQ(s.status_of(id), "reprotecting") << id;
}

TEST(ServerMutants, AddPairWhileNormalJoinsThePairOnlyInANormalGroup) {
  MutantServer s(ServerMutant::AddPairWhileNormal);
  auto g = s.normal_group(1, 2);
  ASSERT_FALSE(g.id.empty());
  expect_success_envelope(s.add_pair(g.id, g.spare[0]));
  auto groups = s.call("DescribeDiskReplicaGroups", {{"RegionId", kRegion}, {"GroupIds", g.id}});
  ASSERT_EQ(groups.status, 200) << groups.body;
  EXPECT_EQ(groups.json["ReplicaGroups"][0]["PairIds"].size(), 2u) << groups.body;
  EXPECT_EQ(groups.json["ReplicaGroups"][0]["Status"], "normal") << groups.body;
  EXPECT_EQ(s.status_of(g.spare[0]), "normal");  // it took the group's status
  // Only `normal` is bypassed: a failovering group still refuses.
  expect_success_envelope(s.call("FailoverDiskReplicaGroup", {{"RegionId", kRegion}, {"ReplicaGroupId", g.id}}));
  expect_error_envelope(s.add_pair(g.id, g.spare[1]), 403, "OperationDenied.GroupStatusCannotAddPair");
}

// ---------------------------------------------------------------------------------------
// The command line.

TEST(ServeMutantFlag, UnknownNameIsAUsageError) {
  if (!std::filesystem::exists(EBSMOCK_BINARY)) GTEST_SKIP() << "ebsmock binary not built";
  const test::CommandRun run = test::run_ebsmock("serve --port 0 --mutant no-such-bug");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("no-such-bug"), std::string::npos) << run.output;
  const test::CommandRun help = test::run_ebsmock("serve --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const auto& name : mock::server_mutant_names()) {
    EXPECT_NE(help.output.find(name), std::string::npos) << name << " missing from --help";
  }
}

TEST(ServeMutantFlag, PlantedBugIsAnnouncedAndActive) {
  if (!std::filesystem::exists(EBSMOCK_BINARY)) GTEST_SKIP() << "ebsmock binary not built";
  ServedProcess served({"serve", "--port", "0", "--mutant", "wrong-error-code"});
  const int port = served.port();
  const std::string line = served.first_line();
  std::string health;
  if (port > 0) {
    httplib::Client cli("127.0.0.1", port);
    if (auto res = cli.Get("/__admin/health")) health = res->body;
  }
  int status = 0;
  served.signal_and_wait(SIGTERM, std::chrono::seconds(30), &status);
  const std::string stderr_text = served.stderr_text();

  ASSERT_GT(port, 0) << "no 'listening on' line: " << line << stderr_text;
  EXPECT_NE(stderr_text.find("ebsmock: PLANTED BUG wrong-error-code \xE2\x80\x94 this server is wrong on purpose"),
            std::string::npos)
      << stderr_text;
  EXPECT_EQ(Json::parse(health, nullptr, false).value("mutant", ""), "wrong-error-code") << health;
}

}  // namespace
}  // namespace ebsmock::testing
