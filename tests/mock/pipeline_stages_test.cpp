// pipeline_stages_test.cpp: each stage of the RPC pipeline (service.h) on its own,
// in-process, without sockets: admit, decide, the ClientToken gate, commit, render and
// record, each fed a hand-built Exchange; then the whole Service with a ManualClock wait
// clock, where an injected delay holds a call until the test releases it.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "contracts/time.h"
#include "contracts/world.h"
#include "mock/admission.h"
#include "mock/commit.h"
#include "mock/decide.h"
#include "mock/envelope.h"
#include "mock/idempotence_gate.h"
#include "mock/record.h"
#include "mock/render.h"
#include "mock/service.h"
#include "scenarios/loader/scenario_loader.h"

namespace ebsmock::mock {
namespace {

using namespace std::chrono_literals;
using contracts::AnswerSource;
using contracts::Status;
using contracts::TokenDecision;
using scenarios::Commit;
using scenarios::Transport;

constexpr const char* kPair = "pair-cn-stages0000000001";
const contracts::Instant kNow = contracts::Instant{} + 480000h;

RawRequest rpc(std::string query, std::string method = "POST") {
  RawRequest raw;
  raw.method = std::move(method);
  raw.target = "/?Version=2021-07-30&" + std::move(query);
  raw.headers = {{"Host", "ebs.test"}};
  raw.remote_addr = "127.0.0.1";
  return raw;
}

// An exchange as the Service begins it.
Exchange begun(const RawRequest& raw) {
  Exchange x;
  x.raw = &raw;
  x.host = "ebs.test";
  x.request_id = "11111111-2222-3333-4444-555555555555";
  x.time = *contracts::parse_iso8601("2024-01-01T00:00:00.000Z");
  return x;
}

// Signatures off: admission is about routing and validation here (auth_test covers V1/V3).
struct Gate {
  contracts::ErrorCatalogue errors;
  std::shared_ptr<ManualClock> wall = std::make_shared<ManualClock>(kNow);
  Authenticator auth{{}, /*verify=*/false, 15min, *wall, errors};
};

contracts::World world_with_pair(Status status) {
  contracts::World w;
  contracts::Pair p;
  p.id = kPair;
  p.status = status;
  p.source_region = p.primary_region = "cn-hangzhou";
  p.destination_region = p.standby_region = "cn-shanghai";
  w.add_pair(p, kNow);
  return w;
}

// --- admit ---

TEST(PipelineAdmit, RefusesInTheGatewaysOrderAndNothingElseRuns) {
  Gate g;
  struct Case {
    std::string query;
    std::string method;
    std::string code;
  } cases[] = {
      {"Action=StopDiskReplicaPair&RegionId=cn-hangzhou&ReplicaPairId=p", "PUT", "UnsupportedHTTPMethod"},
      {"RegionId=cn-hangzhou", "POST", "MissingParameter"},
      {"Action=NoSuchAction&RegionId=cn-hangzhou", "POST", "InvalidAction.NotFound"},
      {"Action=StopDiskReplicaPair&RegionId=cn-hangzhou", "POST", "MissingParameter"},  // ReplicaPairId
      {"Action=StopDiskReplicaPair&RegionId=cn-hangzhou&ReplicaPairId=p&ClientToken=%ZZ", "POST",
       "InvalidParameter"},  // malformed percent-encoding
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    RawRequest raw = rpc(c.query, c.method);
    Exchange x = begun(raw);
    EXPECT_FALSE(admit(x, g.errors, g.auth));
    ASSERT_TRUE(x.refusal);
    EXPECT_EQ(x.refusal->code, c.code);
    ASSERT_TRUE(x.service_answer);
    EXPECT_EQ(x.service_answer->code, c.code);
    EXPECT_EQ(x.service_answer->answer.status, x.refusal->http_status);
  }
}

TEST(PipelineAdmit, AnAdmittedCallIsRoutedAndKnowsItsToken) {
  Gate g;
  RawRequest raw = rpc(std::string("Action=StopDiskReplicaPair&RegionId=cn-hangzhou&ReplicaPairId=") + kPair +
                       "&ClientToken=tok-1");
  Exchange x = begun(raw);
  ASSERT_TRUE(admit(x, g.errors, g.auth));
  EXPECT_FALSE(x.refusal);
  EXPECT_FALSE(x.service_answer);
  EXPECT_EQ(x.op, contracts::Operation::StopDiskReplicaPair);
  EXPECT_EQ(x.client_token, "tok-1");
  EXPECT_EQ(x.auth.verdict, contracts::SignatureVerdict::Skipped);
}

// --- decide ---

Exchange admitted_stop(Gate& g, RawRequest& raw, std::string token = "tok-1") {
  raw = rpc(std::string("Action=StopDiskReplicaPair&RegionId=cn-hangzhou&ReplicaPairId=") + kPair +
            (token.empty() ? "" : "&ClientToken=" + token));
  Exchange x = begun(raw);
  EXPECT_TRUE(admit(x, g.errors, g.auth));
  return x;
}

scenarios::FaultSpec rule(std::string id, std::string error) {
  scenarios::FaultSpec f;
  f.id = std::move(id);
  f.error = std::move(error);
  return f;
}

TEST(PipelineDecide, AReplayStepAnswersFirstAndTheRulesDoNotCountThatCall) {
  Gate g;
  RawRequest raw;
  Exchange x = admitted_stop(g, raw);
  contracts::World world = world_with_pair(Status::Normal);
  TokenStore tokens;
  scenarios::ReplaySpec script;
  scenarios::ReplayStep step;
  step.action = "StopDiskReplicaPair";
  step.status = 504;
  step.code = "RequestTimeout";
  script.steps.push_back(step);
  ReplayEngine replay(script, g.errors);
  FaultEngine faults({rule("f1", "InternalError")}, 1, g.errors);
  CallContext call = call_context(x, world, tokens);
  EXPECT_EQ(call.target_status, Status::Normal);
  decide(x, call, {&replay, &faults});
  ASSERT_TRUE(x.fault);
  EXPECT_EQ(x.fault->rule_id, "replay:1");
  EXPECT_EQ(faults.to_json()["rules"][0]["matched"], 0);

  // The script is used up (lenient): the mismatch is noted and the rules decide.
  script.mode = scenarios::ReplayMode::Lenient;
  ReplayEngine finished(script, g.errors);
  Exchange x1 = admitted_stop(g, raw);
  decide(x1, call_context(x1, world, tokens), {&finished, &faults});
  Exchange x2 = admitted_stop(g, raw);
  decide(x2, call_context(x2, world, tokens), {&finished, &faults});
  ASSERT_TRUE(x2.fault);
  EXPECT_EQ(x2.fault->rule_id, "f1");
  EXPECT_NE(x2.replay_mismatch.find("finished"), std::string::npos) << x2.replay_mismatch;
}

TEST(PipelineDecide, TheContextNotesAReusedToken) {
  Gate g;
  RawRequest raw;
  contracts::World world = world_with_pair(Status::Normal);
  TokenStore tokens;
  Exchange a = admitted_stop(g, raw, "tok-r");
  EXPECT_FALSE(call_context(a, world, tokens).token_reused);
  Exchange b = admitted_stop(g, raw, "tok-r");
  EXPECT_TRUE(call_context(b, world, tokens).token_reused);
}

// The Service gathers the request's facts before its lock and the world's under it
// (service.cpp): so call_facts must not need the world, and observe must read it.
TEST(PipelineDecide, TheWorldsFactsAreReadWhenObservedNotWhenTheRequestsAreGathered) {
  Gate g;
  RawRequest raw;
  Exchange x = admitted_stop(g, raw, "tok-o");
  digest_token(x);
  ASSERT_TRUE(x.token);
  CallFacts facts = call_facts(x);
  EXPECT_EQ(facts.call.pair_id, kPair);
  EXPECT_EQ(facts.call.region, "cn-hangzhou");
  EXPECT_EQ(facts.call.client_token, "tok-o");
  EXPECT_FALSE(facts.call.target_status);

  contracts::World world = world_with_pair(Status::Normal);
  world.force(contracts::ResourceKind::Pair, kPair, Status::Stopped, kNow);  // after the facts
  TokenStore tokens;
  const CallContext& call = observe(facts, x, world, tokens);
  EXPECT_EQ(call.target_status, Status::Stopped);
  EXPECT_FALSE(call.token_reused);
  // observe noted the key digest_token made, the one open_token executes under.
  EXPECT_TRUE(tokens.note_seen(*x.token));
  EXPECT_EQ(*x.token, TokenStore::Key(x.auth.access_key_id, "tok-o"));
}

// --- the ClientToken gate ---

TEST(PipelineIdempotence, ExecuteThenReplayThenMismatchThenInFlight) {
  Gate g;
  RawRequest raw;
  TokenStore store;
  StoreTokenPolicy tokens(store);
  contracts::Policy contract;

  Exchange first = admitted_stop(g, raw, "tok-i");
  open_token(first, tokens, contract, kNow, g.errors);
  EXPECT_EQ(first.idempotence, TokenDecision::Execute);
  ASSERT_TRUE(first.token_key());
  // While it is in flight, the same token is refused.
  Exchange meanwhile = admitted_stop(g, raw, "tok-i");
  open_token(meanwhile, tokens, contract, kNow, g.errors);
  EXPECT_EQ(meanwhile.idempotence, TokenDecision::InFlight);
  EXPECT_EQ(meanwhile.service_answer->code, "LastTokenProcessing");
  // It succeeds: remembered.
  first.effect = Effect::Applied;
  first.service_answer = ServiceAnswer{success_answer(nlohmann::json::object(), first.request_id), ""};
  close_token(first, tokens);
  Exchange retry = admitted_stop(g, raw, "tok-i");
  retry.request_id = "99999999-2222-3333-4444-555555555555";
  open_token(retry, tokens, contract, kNow, g.errors);
  EXPECT_EQ(retry.idempotence, TokenDecision::Replay);
  ASSERT_TRUE(retry.service_answer);
  EXPECT_EQ(retry.service_answer->code, "");
  EXPECT_NE(retry.service_answer->answer.body.find(retry.request_id), std::string::npos) << "fresh RequestId";
  // Other parameters under the same token.
  RawRequest other = rpc("Action=StartDiskReplicaPair&RegionId=cn-hangzhou&ReplicaPairId=x&ClientToken=tok-i");
  Exchange mismatch = begun(other);
  ASSERT_TRUE(admit(mismatch, g.errors, g.auth));
  open_token(mismatch, tokens, contract, kNow, g.errors);
  EXPECT_EQ(mismatch.idempotence, TokenDecision::Mismatch);
  EXPECT_EQ(mismatch.service_answer->code, "IdempotentParameterMismatch");
}

TEST(PipelineIdempotence, AFailureIsForgottenAndAFaultThatStopsTheCallSkipsTheGate) {
  Gate g;
  RawRequest raw;
  TokenStore store;
  StoreTokenPolicy tokens(store);
  contracts::Policy contract;
  Exchange refused = admitted_stop(g, raw, "tok-f");
  open_token(refused, tokens, contract, kNow, g.errors);
  refused.effect = Effect::Applied;
  refused.service_answer = ServiceAnswer{Answer{403, "{}"}, "OperationDenied.InvalidStatus"};
  close_token(refused, tokens);
  Exchange again = admitted_stop(g, raw, "tok-f");
  open_token(again, tokens, contract, kNow, g.errors);
  EXPECT_EQ(again.idempotence, TokenDecision::Execute);

  Exchange stopped = admitted_stop(g, raw, "tok-g");
  stopped.fault = FaultDecision{};
  stopped.fault->error = g.errors.make("InternalError");  // commit before: never reaches the model
  open_token(stopped, tokens, contract, kNow, g.errors);
  EXPECT_FALSE(stopped.idempotence);
  EXPECT_FALSE(stopped.token_key());
}

// --- commit ---

TEST(PipelineCommit, RunsTheModelOnceAndOnlyWhenNothingAnsweredBefore) {
  Gate g;
  RawRequest raw;
  TokenStore store;
  StoreTokenPolicy tokens(store);
  WorldModel model;
  contracts::SeededRandom random(7);
  contracts::World world = world_with_pair(Status::Normal);

  Exchange answered = admitted_stop(g, raw, "");
  answered.service_answer = ServiceAnswer{Answer{403, "{}"}, "LastTokenProcessing"};
  commit(answered, model, world, tokens, random, kNow);
  EXPECT_EQ(answered.effect, Effect::NotRun);
  EXPECT_EQ(world.find(kPair)->status, Status::Normal);

  Exchange stop = admitted_stop(g, raw, "");
  commit(stop, model, world, tokens, random, kNow);
  EXPECT_EQ(stop.effect, Effect::Applied);
  ASSERT_TRUE(stop.transition);
  EXPECT_EQ(stop.transition->to, Status::Stopping);
  EXPECT_EQ(world.find(kPair)->status, Status::Stopping);
  EXPECT_EQ(stop.service_answer->answer.status, 200);
}

TEST(PipelineCommit, ATruncatedAnswerWithCommitBeforeRunsOnACopy) {
  Gate g;
  RawRequest raw;
  TokenStore store;
  StoreTokenPolicy tokens(store);
  WorldModel model;
  contracts::SeededRandom random(7);
  contracts::World world = world_with_pair(Status::Normal);
  Exchange x = admitted_stop(g, raw, "");
  x.fault = FaultDecision{};
  x.fault->transport = Transport::Truncate;  // commit before (the default)
  commit(x, model, world, tokens, random, kNow);
  EXPECT_EQ(x.effect, Effect::DryRun);
  EXPECT_FALSE(x.transition);
  EXPECT_EQ(world.find(kPair)->status, Status::Normal);
  ASSERT_TRUE(x.service_answer);
  EXPECT_EQ(x.service_answer->answer.status, 200) << "the answer that would have been sent";
}

// --- render ---

Exchange with_model_answer() {
  static Gate g;
  static RawRequest raw = rpc("Action=DescribeDiskReplicaPairs&RegionId=cn-hangzhou");
  Exchange x = begun(raw);
  EXPECT_TRUE(admit(x, g.errors, g.auth));
  x.service_answer = ServiceAnswer{success_answer({{"ReplicaPairs", nlohmann::json::array()}}, x.request_id), ""};
  return x;
}

TEST(PipelineRender, EachFaultBecomesOneConnectionAction) {
  contracts::ErrorCatalogue errors;
  {
    Exchange x = with_model_answer();
    render(x);
    ASSERT_TRUE(std::holds_alternative<Respond>(x.action));
    EXPECT_EQ(x.answer_source, AnswerSource::Model);
  }
  struct Case {
    Transport transport;
    int index;  // ConnectionAction alternative
    std::string code;
  } cases[] = {{Transport::None, 0, "InternalError"}, {Transport::Html, 0, ""},
               {Transport::MalformedJson, 0, ""},     {Transport::Truncate, 1, ""},
               {Transport::Reset, 2, ""},             {Transport::Close, 2, ""},
               {Transport::Hang, 3, ""}};
  for (const auto& c : cases) {
    SCOPED_TRACE(scenarios::to_string(c.transport));
    Exchange x = with_model_answer();
    x.fault = FaultDecision{};
    x.fault->rule_id = "f1";
    x.fault->transport = c.transport;
    if (c.transport == Transport::None) x.fault->error = errors.make("InternalError");
    x.fault->hang_cap = 7s;
    render(x);
    EXPECT_EQ(static_cast<int>(x.action.index()), c.index);
    EXPECT_EQ(x.code, c.code);
    EXPECT_EQ(x.answer_source, AnswerSource::Fault);
    if (c.transport == Transport::Reset) {
      EXPECT_TRUE(std::get<DropConnection>(x.action).reset);
    }
    if (c.transport == Transport::Close) {
      EXPECT_FALSE(std::get<DropConnection>(x.action).reset);
    }
    if (c.transport == Transport::Hang) {
      EXPECT_EQ(std::get<HoldThenDrop>(x.action).cap, 7s);
    }
    if (c.transport == Transport::Html) {
      EXPECT_EQ(std::get<Respond>(x.action).answer.status, 504);
      EXPECT_EQ(std::get<Respond>(x.action).answer.content_type, "text/html");
    }
  }
}

TEST(PipelineRender, AReplayStepIsTheReplaysAnswerAndARefusalBeatsAnyFault) {
  contracts::ErrorCatalogue errors;
  Exchange recorded = with_model_answer();
  recorded.fault = FaultDecision{};
  recorded.fault->rule_id = "replay:2";
  recorded.fault->status = 500;
  recorded.fault->body = R"({"RequestId":"CUSTOMER-RID","Code":"InternalError"})";
  render(recorded);
  EXPECT_EQ(recorded.answer_source, AnswerSource::Replay);
  EXPECT_EQ(contracts::header_value(std::get<Respond>(recorded.action).answer.headers, "x-acs-request-id"),
            "CUSTOMER-RID");

  Exchange refused = with_model_answer();
  refused.refusal = errors.make("ServiceUnavailable");
  refused.service_answer = ServiceAnswer{error_answer(*refused.refusal, refused.request_id, ""), "ServiceUnavailable"};
  refused.fault = FaultDecision{};
  refused.fault->transport = Transport::Reset;
  render(refused);
  ASSERT_TRUE(std::holds_alternative<Respond>(refused.action));
  EXPECT_EQ(refused.code, "ServiceUnavailable");
}

// --- envelope ---

TEST(PipelineEnvelope, ASuccessWithoutMembersIsTheDomsBytes) {
  // success_answer writes an empty body's answer without a DOM: the same bytes.
  const std::string id = "0AB1C2D3-4E5F-6A7B-8C9D-0E1F2A3B4C5D";
  const std::string dom = nlohmann::json{{"RequestId", id}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  EXPECT_EQ(success_answer(nlohmann::json::object(), id).body, dom);
  EXPECT_EQ(success_answer(nlohmann::json(), id).body, dom);
  // In one allocation of exactly its size (libstdc++ allocates what reserve() asks past
  // twice the short-string capacity): a count off by one either way shows.
  EXPECT_EQ(success_answer(nlohmann::json(), id).body.capacity(), dom.size());
  EXPECT_EQ(success_answer({{"ReplicaPairId", "pair-1"}}, id).body,
            nlohmann::json({{"ReplicaPairId", "pair-1"}, {"RequestId", id}}).dump());
}

// --- record ---

TEST(PipelineRecord, TheEntryStatesWhatHappened) {
  Exchange dropped = with_model_answer();
  dropped.fault = FaultDecision{};
  dropped.fault->rule_id = "f3";
  dropped.fault->transport = Transport::Reset;
  dropped.fault->commit = Commit::After;
  dropped.effect = Effect::Applied;
  render(dropped);
  JournalEntry e = journal_entry(std::move(dropped));
  EXPECT_EQ(e.status, 0) << "no HTTP answer";
  EXPECT_TRUE(e.effect_applied);
  EXPECT_EQ(e.answer_source, AnswerSource::Fault);
  ASSERT_TRUE(e.fault);
  EXPECT_EQ(e.fault->rule, "f3");
  EXPECT_EQ(e.fault->transport, "reset");
  EXPECT_EQ(e.fault->commit, "after");
  EXPECT_EQ(e.action, "DescribeDiskReplicaPairs");

  Exchange ok = with_model_answer();
  render(ok);
  const std::string id = ok.request_id;
  JournalEntry o = journal_entry(std::move(ok));
  EXPECT_EQ(o.status, 200);
  EXPECT_FALSE(o.effect_applied);
  EXPECT_EQ(o.request_id, id);

  // An answer that names another RequestId (a ClientToken replay, a recorded body) is
  // journaled with the id the client saw.
  Exchange replayed = with_model_answer();
  render(replayed);
  int named = 0;
  for (auto& [name, value] : std::get<Respond>(replayed.action).answer.headers) {
    if (name == "x-acs-request-id") value = "4E1C8B1A-0000-4000-8000-0000000000AA", ++named;
  }
  ASSERT_EQ(named, 1);
  EXPECT_EQ(journal_entry(std::move(replayed)).request_id, "4E1C8B1A-0000-4000-8000-0000000000AA");
  auto j = to_json(o);
  EXPECT_EQ(j["answer_source"], "model");
  EXPECT_EQ(j["effect_applied"], false);
  EXPECT_EQ(j["idempotence"], "");
}

// --- the whole Service, in-process ---

scenarios::Scenario delayed_world() {
  return scenarios::load_scenario_string(std::string(R"(
[auth]
verify_signatures = false
[clock]
mode = "virtual"
[[pair]]
id = ")") + kPair + R"("
region = "cn-hangzhou"
destination_region = "cn-shanghai"
status = "normal"
[[fault]]
action = "StopDiskReplicaPair"
calls = [1]
delay = "400ms"
)",
                                         "stages.toml");
}

TEST(PipelineService, ADelayedCallWaitsOnTheWaitClockOutsideTheLock) {
  auto wait = std::make_shared<ManualClock>();
  Service service(delayed_world(), {.seed = 3, .wait_clock = wait});
  RawRequest stop = rpc(std::string("Action=StopDiskReplicaPair&RegionId=cn-hangzhou&ReplicaPairId=") + kPair +
                        "&ClientToken=slow");
  std::atomic<bool> answered{false};
  ConnectionAction slow;
  std::thread first([&] {
    slow = service.handle_rpc(stop);
    answered = true;
  });
  ASSERT_TRUE(wait->wait_for_sleepers(1));
  // Held, and not holding the lock: other calls are answered meanwhile, and the same
  // token is in flight.
  EXPECT_FALSE(answered);
  auto meanwhile = service.handle_rpc(stop);
  EXPECT_EQ(std::get<Respond>(meanwhile).answer.status, 403);
  EXPECT_NE(std::get<Respond>(meanwhile).answer.body.find("LastTokenProcessing"), std::string::npos);
  RawRequest describe = rpc("Action=DescribeDiskReplicaPairs&RegionId=cn-hangzhou");
  EXPECT_EQ(std::get<Respond>(service.handle_rpc(describe)).answer.status, 200);
  EXPECT_FALSE(answered);
  wait->advance(400ms);
  first.join();
  EXPECT_EQ(std::get<Respond>(slow).answer.status, 200);
  // The world clock did not move with the delay (clock.h).
  EXPECT_EQ(service.inspect([](const WorldState& s) { return s.gate->world_clock->now(); }),
            scenarios::Scenario{}.clock.start);
  // The journal has the in-flight refusal and the Describe before the delayed Stop.
  auto entries = service.journal().since(0);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].code, "LastTokenProcessing");
  EXPECT_EQ(entries[1].action, "DescribeDiskReplicaPairs");
  EXPECT_EQ(entries[2].action, "StopDiskReplicaPair");
  EXPECT_EQ(entries[2].idempotence, TokenDecision::Execute);
}

TEST(PipelineService, AStopRequestCutsADelayShort) {
  auto wait = std::make_shared<ManualClock>();
  Service service(delayed_world(), {.seed = 3, .wait_clock = wait});
  RawRequest stop = rpc(std::string("Action=StopDiskReplicaPair&RegionId=cn-hangzhou&ReplicaPairId=") + kPair);
  std::stop_source stopping;
  ConnectionAction action;
  std::thread t([&] { action = service.handle_rpc(stop, stopping.get_token()); });
  ASSERT_TRUE(wait->wait_for_sleepers(1));
  stopping.request_stop();
  t.join();
  EXPECT_EQ(wait->now(), contracts::Instant{}) << "released by the stop, not by time";
  EXPECT_TRUE(std::holds_alternative<Respond>(action));
}

}  // namespace
}  // namespace ebsmock::mock
