// call_gate_test.cpp: a call begins from its Service's current world, though each thread
// keeps the gate it last used (Service::current_gate): after a reset the same thread
// gets the new world's RequestIds, and one thread alternating between two Services gets
// each one's own. Single-threaded, which is where a stale per-thread gate would show.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "contracts/random.h"
#include "mock/service.h"
#include "scenarios/loader/scenario_loader.h"
#include "tests/support/mock_server_fixture.h"

namespace ebsmock::testing {
namespace {

mock::Service make_service(std::uint64_t seed) {
  return mock::Service(scenarios::load_scenario_string(world_toml(false, {}, seed), "test.toml"));
}

// The RequestId of an unsigned Describe answered by `service` on this thread.
std::string request_id_of_a_call(mock::Service& service) {
  mock::RawRequest raw{.method = "GET",
                       .target = "/?Action=DescribeDiskReplicaPairs&Version=2021-07-30&RegionId=cn-hangzhou",
                       .remote_addr = "127.0.0.1"};
  const auto action = service.handle_rpc(raw);
  const auto* respond = std::get_if<mock::Respond>(&action);
  if (!respond) return "(no answer)";
  return Json::parse(respond->answer.body).value("RequestId", "(none)");
}

TEST(CallGate, AfterAResetTheSameThreadBeginsFromTheNewWorld) {
  auto service = make_service(11);
  EXPECT_EQ(request_id_of_a_call(service), contracts::RequestIds::at(11, 0));
  EXPECT_EQ(request_id_of_a_call(service), contracts::RequestIds::at(11, 1));
  service.reset();  // a new world: its RequestIds start again
  EXPECT_EQ(request_id_of_a_call(service), contracts::RequestIds::at(11, 0));
  service.load(scenarios::load_scenario_string(world_toml(false, {}, 12), "test.toml"));
  EXPECT_EQ(request_id_of_a_call(service), contracts::RequestIds::at(12, 0));
}

TEST(CallGate, OneThreadServingTwoServicesGetsEachOnesOwnWorld) {
  auto first = make_service(21);
  auto second = make_service(22);
  for (std::uint64_t n = 0; n < 3; ++n) {
    EXPECT_EQ(request_id_of_a_call(first), contracts::RequestIds::at(21, n));
    EXPECT_EQ(request_id_of_a_call(second), contracts::RequestIds::at(22, n));
  }
}

}  // namespace
}  // namespace ebsmock::testing
