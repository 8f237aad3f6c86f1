// diagram_command_test.cpp: `ebsmock diagram [--machine pair|group|drill] [--format
// dot|mermaid]` prints exactly what contracts/diagram.h renders for that machine (so the
// command cannot drift from the model), the pair machine by default, and refuses a
// machine it does not know.
#include <gtest/gtest.h>

#include <string>

#include "contracts/diagram.h"
#include "tests/support/command_line.h"

namespace ebsmock::test {
namespace {

using contracts::Machine;

TEST(DiagramCommand, EachMachineInEachFormatIsTheModelsRendering) {
  for (Machine m : {Machine::Pair, Machine::Group, Machine::Drill}) {
    const std::string name(contracts::to_string(m));
    SCOPED_TRACE(name);
    auto dot = run_ebsmock("diagram --machine " + name);
    EXPECT_EQ(dot.exit_code, 0) << dot.output;
    EXPECT_EQ(dot.output, contracts::state_machine_dot(m));
    auto mermaid = run_ebsmock("diagram --machine " + name + " --format mermaid");
    EXPECT_EQ(mermaid.exit_code, 0) << mermaid.output;
    EXPECT_EQ(mermaid.output, contracts::state_machine_mermaid(m));
  }
  // The three are different pictures: the group machine has group-only moves, the drill
  // machine drill statuses.
  EXPECT_NE(run_ebsmock("diagram --machine group").output.find("stop_failed -> stopping"), std::string::npos);
  EXPECT_NE(run_ebsmock("diagram --machine drill").output.find("executing"), std::string::npos);
  EXPECT_EQ(run_ebsmock("diagram --machine pair").output.find("executing"), std::string::npos);
}

TEST(DiagramCommand, PairMachineByDefault) {
  auto plain = run_ebsmock("diagram");
  EXPECT_EQ(plain.exit_code, 0);
  EXPECT_EQ(plain.output, contracts::state_machine_dot(Machine::Pair));
  EXPECT_EQ(run_ebsmock("diagram --format mermaid").output, contracts::state_machine_mermaid(Machine::Pair));
}

TEST(DiagramCommand, UnknownMachineIsAUsageError) {
  auto run = run_ebsmock("diagram --machine groups");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("groups"), std::string::npos) << run.output;
  auto help = run_ebsmock("diagram --help");
  EXPECT_NE(help.output.find("pair,group,drill"), std::string::npos) << help.output;
}

}  // namespace
}  // namespace ebsmock::test
