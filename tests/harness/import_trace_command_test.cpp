// import_trace_command_test.cpp: `ebsmock import-trace`, the command line over
// scenarios/trace/trace_import.h (tested in tests/scenarios/trace_import_test.cpp): the
// scenario is written, bad input writes nothing and exits 1, usage errors exit 2.
// Tests are independent; each starts its own process and uses its own directory.
#include <gtest/gtest.h>


#include <filesystem>
#include <fstream>
#include <string>

#include <toml++/toml.h>

#include "tests/support/command_line.h"
#include "tests/support/temp_path.h"

namespace ebsmock::harness {
namespace {

using test::kExampleTracePath;
using test::read_text;

test::CommandRun run(const std::string& args) { return test::run_ebsmock(args); }

class TraceImportCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(EBSMOCK_BINARY)) GTEST_SKIP() << "ebsmock binary not built";
    dir_ = ebsmock::testing::unique_temp_path("trace-test", "dir");
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

const std::string kFixtures = std::string(EBSMOCK_SOURCE_DIR) + "/tests/scenarios/trace_fixtures/";

// Every artefact kind at once: merged into one scenario that lints clean, the report
// printed, and none of the fixtures' credentials in the file.
TEST_F(TraceImportCommand, MergesEveryArtefactKind) {
  const std::string out = path("all.toml");
  std::string files;
  for (const char* f : {"at-bare.json", "har-mitmproxy.har", "node-httpx.log", "go-sdk.log", "python-sdk.log",
                        "terraform-debug.log", "cli-error.txt", "journal.jsonl"}) {
    files += " " + kFixtures + f;
  }
  auto r = run("import-trace" + files + " -o " + out + " --timezone +08:00 --mask-account-ids");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Import report"), std::string::npos);
  EXPECT_NE(r.output.find("(har): 3 calls read"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("removed 2: header authorization"), std::string::npos) << r.output;
  auto lint = run("lint " + out);
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
  const std::string text = read_text(out);
  for (const char* secret : {"LTAI5tFIXTURE", "FIXTURENodeSig", "FIXTUREGoSig", "FIXTUREPYSIGNATURE",
                             "FIXTURESECURITYTOKENHAR", "FIXTURECOOKIEHAR", "FIXTURECLISECRET", "1234567890123456"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
}

TEST_F(TraceImportCommand, FormatTimezoneAndUsage) {
  const std::string out = path("f.toml");
  // Forced: an ActionTrail file read as a HAR is not a HAR.
  auto r = run("import-trace " + kFixtures + "at-bare.json --format har -o " + out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("at-bare.json:1:1: not a HAR file: no log.entries array"), std::string::npos) << r.output;
  EXPECT_EQ(run("import-trace " + kFixtures + "at-bare.json --format pcap -o " + out).exit_code, 2);
  EXPECT_EQ(run("import-trace " + kFixtures + "at-bare.json --timezone Mars/Base -o " + out).exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(out));
}

// Unreadable records: all listed with their positions, exit 1 and nothing written,
// unless --skip-unreadable (or --lenient).
TEST_F(TraceImportCommand, UnreadableRecordsStopTheImportUnlessSkipped) {
  const std::string in = path("node.log");
  std::string log = read_text(kFixtures + "node-httpx.log");
  log.insert(0, std::string("\x00\x01\x02 junk\n", 9));
  std::ofstream(in, std::ios::binary) << log;
  const std::string out = path("n.toml");
  auto r = run("import-trace " + in + " -o " + out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(in + ":1: binary or non-UTF-8 data, not a log line"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  r = run("import-trace " + in + " -o " + out + " --skip-unreadable");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(read_text(out).find(in + ":1: binary"), std::string::npos);
}

// A 100 MB file on disk: refused at the line that is wrong, quickly, with no crash.
TEST_F(TraceImportCommand, HundredMegabyteFile) {
  const std::string in = path("huge.jsonl");
  {
    std::ofstream f(in, std::ios::binary);
    f << R"({"eventId":"X","eventType":"ApiCall","eventName":"StopDiskReplicaPair","eventTime":"2026-11-20T02:15:07Z"})"
      << "\n";
    const std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 100; ++i) f << chunk;
    f << "\n";
  }
  ASSERT_GE(std::filesystem::file_size(in), 100u << 20);
  auto r = run("import-trace " + in + " -o " + path("h.toml"));
  EXPECT_EQ(r.exit_code, 1) << r.output.substr(0, 2000);
  EXPECT_NE(r.output.find(in + ":2:"), std::string::npos) << r.output.substr(0, 2000);
  EXPECT_LT(r.output.size(), 10000u);  // the position and why, not the line
}

}  // namespace
}  // namespace ebsmock::harness
