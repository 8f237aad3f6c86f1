// import_trace_command_test.cpp: `ebsmock import-trace`, the command line over
// scenarios/trace/trace_import.h (tested in tests/scenarios/trace_import_test.cpp): the
// scenario is written, bad input writes nothing and exits 1, usage errors exit 2.
// Tests are independent; each starts its own process and uses its own directory.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <toml++/toml.h>

#include "tests/support/command_line.h"

namespace ebsmock::harness {
namespace {

using test::kExampleTracePath;
using test::read_text;

test::CommandRun run(const std::string& args) { return test::run_ebsmock(args); }

class TraceImportCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(EBSMOCK_BINARY)) GTEST_SKIP() << "ebsmock binary not built";
    dir_ = std::filesystem::temp_directory_path() /
           ("ebsmock-trace-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(TraceImportCommand, WritesTheScenario) {
  const std::string out = path("scenario.toml");
  auto r = run("import-trace " + kExampleTracePath + " -o " + out + " --name case-4711 --lenient");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("8 replay steps"), std::string::npos) << r.output;
  auto t = toml::parse(read_text(out));
  EXPECT_EQ(t["scenario"]["name"].value_or(std::string()), "case-4711");
  EXPECT_EQ(t["scenario"]["replay_mode"].value_or(std::string()), "lenient");
  EXPECT_EQ(t["replay"].as_array()->size(), 8u);
}

TEST_F(TraceImportCommand, BadInputWritesNothing) {
  const std::string in = path("bad.jsonl");
  std::ofstream(in) << R"({"action":"StopDiskReplicaPair","status":200})" "\nnot json\n"
                    << R"({"action":"Nope","status":200})" "\n";
  const std::string out = path("out.toml");
  auto r = run("import-trace " + in + " -o " + out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(in + ":2: not JSON"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(in + ":3: unknown action \"Nope\""), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));

  std::ofstream(path("empty.jsonl")).flush();
  EXPECT_EQ(run("import-trace " + path("empty.jsonl") + " -o " + out).exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(run("import-trace " + path("missing.jsonl") + " -o " + out).exit_code, 2);
  EXPECT_EQ(run("import-trace " + kExampleTracePath + " -o " + out + " --strict --lenient").exit_code, 2);
}

}  // namespace
}  // namespace ebsmock::harness
