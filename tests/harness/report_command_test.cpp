// report_command_test.cpp: `ebsmock report render`, the binary, on what a CI artefact can
// be: a report (the page, same bytes as `contract --html`), a file that is not JSON
// (file:line:col, exit 2), JSON that is not a report (exit 2), a missing file (exit 2).
// Each test writes its own files in a fresh temporary folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/command_line.h"

namespace ebsmock::test {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("ebsmock-report-command-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(ReportCommand, RendersTheSamePageAsContractHtml) {
  const fs::path dir = fresh_dir("same");
  const auto run = run_ebsmock("contract --client builtin:new-token-on-retry --seed 7 --tests 40 --report '" +
                               (dir / "r.json").string() + "' --html '" + (dir / "a.html").string() + "'");
  ASSERT_EQ(run.exit_code, 1) << run.output;
  const auto rendered = run_ebsmock("report render '" + (dir / "r.json").string() + "' -o '" + (dir / "b.html").string() + "'");
  ASSERT_EQ(rendered.exit_code, 0) << rendered.output;
  EXPECT_EQ(read_text(dir / "a.html"), read_text(dir / "b.html"));
  fs::remove_all(dir);
}

TEST(ReportCommand, RendersAConcurrentReportAsContractHtmlDoes) {
  const fs::path dir = fresh_dir("concurrent");
  const auto run = run_ebsmock("contract --concurrent --client builtin:token-per-second --seed 3 --tests 40 --report '" +
                               (dir / "r.json").string() + "' --html '" + (dir / "a.html").string() + "'");
  ASSERT_EQ(run.exit_code, 1) << run.output;
  const auto rendered = run_ebsmock("report render '" + (dir / "r.json").string() + "' -o '" + (dir / "b.html").string() + "'");
  ASSERT_EQ(rendered.exit_code, 0) << rendered.output;
  EXPECT_EQ(read_text(dir / "a.html"), read_text(dir / "b.html"));
  EXPECT_NE(read_text(dir / "b.html").find("conc-timeline"), std::string::npos);
  fs::remove_all(dir);
}

TEST(ReportCommand, BadInputExitsTwoWithItsPosition) {
  const fs::path dir = fresh_dir("bad");
  std::ofstream(dir / "broken.json") << "{\n  \"verdict\": \"fail\",\n  \"checks\": [1, 2,]\n}\n";
  const auto broken = run_ebsmock("report render '" + (dir / "broken.json").string() + "'");
  EXPECT_EQ(broken.exit_code, 2) << broken.output;
  EXPECT_NE(broken.output.find((dir / "broken.json").string() + ":3:"), std::string::npos) << broken.output;
  EXPECT_NE(broken.output.find("not JSON"), std::string::npos) << broken.output;

  std::ofstream(dir / "other.json") << "{\"pairs\": []}\n";
  const auto other = run_ebsmock("report render '" + (dir / "other.json").string() + "'");
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("not an ebsmock contract report"), std::string::npos) << other.output;

  const auto missing = run_ebsmock("report render '" + (dir / "nope.json").string() + "'");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("cannot open"), std::string::npos) << missing.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ebsmock::test
