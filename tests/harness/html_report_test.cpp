// html_report_test.cpp: the HTML report's pure renderer, without a browser: escaping
// (element text, the data island), the CSP hashes matching the inline blocks they allow,
// determinism, transitions read back from their text, the commit notch of an ambiguous
// attempt tied to the segment its change started, and the Mermaid text (golden). The
// browser tests (tests/browser/) check the same pages as a user sees them.
#include <gtest/gtest.h>

#include <regex>

#include "contracts/crypto.h"
#include "harness/report/html_report.h"
#include "harness/report/html_text.h"
#include "harness/report/markdown_summary.h"
#include "harness/report/panels.h"

namespace ebsmock::harness::report {
namespace {

// A failing run's report, small and hand-made: an ambiguous Stop (applied, then 504), a
// retry with the same ClientToken replayed, then time finishing the stop.
Json ambiguous_report() {
  return Json::parse(R"({
    "client": "builtin:example", "seed": 3, "tests": 10, "max_commands": 5, "strict": false,
    "verdict": "fail", "exit_code": 1, "cases_passed": 0, "requests": 2, "notes": [],
    "server": {"embedded": true}, "steps": {"total": 1, "by_kind": {"Stop": 1}},
    "faults": {"armed_by_kind": {"RequestTimeout": 1, "Reset": 1}, "fired_by_kind": {"RequestTimeout": 1}},
    "effects": {"transitions": 1, "refusals": 0},
    "checks": [{"id": "C1", "title": "t", "kind": "client", "verdict": "fail", "evaluated": 1, "violations": 1}],
    "matrix": {"builtin:example": {"RequestTimeout": {"StopDiskReplicaPair": {"calls": 1, "fault_fired": 1,
      "attempts": {"2": 1}, "token": {"same": 1, "changed": 0}, "reported": {"ok": 1}, "took_effect": 1}}}},
    "matrix_axes": {"faults": ["none", "RequestTimeout"], "actions": ["StopDiskReplicaPair", "DescribeDiskReplicaPairs"]},
    "counterexample": {"first_size": 3, "shrink_tries": 4, "shrinks_accepted": 2, "rerun": "ebsmock contract",
      "scenario_toml": "[scenario]\nname = \"x\"\n\n[[replay]]\naction = \"StopDiskReplicaPair\"\n\n[[replay]]\naction = \"StopDiskReplicaPair\"\n",
      "violations": [{"check": "C1", "detail": "d"}],
      "steps": [{"index": 1, "step": "Stop pair#1", "action": "StopDiskReplicaPair",
        "params": {"RegionId": "cn-hangzhou", "ReplicaPairId": "pair-a"},
        "fault": {"rule": "contract-1", "fired": true, "kind": "RequestTimeout once, commit after"},
        "attempts": [
          {"seq": 4, "action": "StopDiskReplicaPair", "client_token": "tok-1", "status": 504, "code": "RequestTimeout",
           "effect_applied": true, "transition": "pair-a normal -> stopping", "idempotence": "executed",
           "fault": {"rule": "contract-1", "commit": "after", "transport": "none", "error": "RequestTimeout", "delay_ms": 0}},
          {"seq": 5, "action": "StopDiskReplicaPair", "client_token": "tok-1", "status": 200, "code": "",
           "effect_applied": false, "idempotence": "replayed"}],
        "progress": ["pair-a stopping -> stopped"],
        "reported": {"ok": true, "code": "", "attempts": 2},
        "violations": [{"check": "C1", "detail": "d"}]}]}
  })");
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const auto a = text.find(open);
  const auto b = text.find(close, a + open.size());
  return a == std::string::npos || b == std::string::npos ? "" : text.substr(a + open.size(), b - a - open.size());
}

int occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(HtmlText, EscapesMarkupAndReplacesInvalidUtf8) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("é中😀"), "é中😀");
  EXPECT_EQ(html_escape(std::string("a\xC3") + "b\xFF"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

TEST(HtmlText, TheDataIslandCannotEndItsScriptAndParsesBackToTheSameJson) {
  const Json j = {{"evil", "</script><!-- & \xE2\x80\xA8 \xE2\x80\xA9 \"'"}, {"n", 1}};
  const std::string text = script_json(j);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_EQ(text.find("\xE2\x80\xA8"), std::string::npos);
  EXPECT_EQ(text.find("\xE2\x80\xA9"), std::string::npos);
  EXPECT_EQ(Json::parse(text), j);
}

TEST(HtmlReport, TheCspAllowsExactlyTheInlineStyleAndScriptAndNothingElse) {
  const std::string html = render_html_report(ambiguous_report());
  const std::string csp = between(html, "http-equiv=\"Content-Security-Policy\" content=\"", "\"");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  const std::string css = between(html, "<style>", "</style>");
  const std::string js = between(html, "<script>", "</script>");
  ASSERT_FALSE(css.empty());
  ASSERT_FALSE(js.empty());
  EXPECT_NE(csp.find("style-src 'sha256-" + contracts::crypto::sha256_base64(css) + "'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'sha256-" + contracts::crypto::sha256_base64(js) + "'"), std::string::npos) << csp;
  EXPECT_EQ(html.find("style=\""), std::string::npos) << "a style attribute would be blocked by the CSP";
  EXPECT_FALSE(std::regex_search(html, std::regex("(src|href)=\"(https?:)?//"))) << "no network reference";
  EXPECT_EQ(html, render_html_report(ambiguous_report())) << "same JSON, same bytes";
}

TEST(HtmlReport, AnAmbiguousAttemptHasACommitNotchTiedToTheSegmentItsChangeStarted) {
  const std::string html = render_html_report(ambiguous_report());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(html, m, std::regex("class=\"commit-notch\" data-step=\"1\" data-attempt=\"1\" data-transition=\"(t[0-9]+)\"")))
      << html;
  const std::string id = m[1];
  EXPECT_NE(html.find("class=\"segment st-stopping\" data-status=\"stopping\" id=\"" + id + "\""), std::string::npos) << id;
  // The replayed retry made no change: one notch only, two attempt boxes.
  EXPECT_EQ(occurrences(html, "class=\"commit-notch\""), 1);
  EXPECT_EQ(occurrences(html, "<g class=\"attempt "), 2);
  EXPECT_NE(html.find("class=\"segment st-stopped\""), std::string::npos) << "time finished the stop";
}

TEST(HtmlReport, WarningsNameTheFaultThatNeverFiredFirst) {
  const auto warnings = verdict_warnings(ambiguous_report());
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0].find("fault Reset was armed 1 time(s) and never fired"), std::string::npos) << warnings[0];
}

TEST(HtmlReport, TransitionsReadBackFromTheirText) {
  auto p = parse_transition("pair-a normal -> stopping");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, "pair");
  EXPECT_EQ(p->id, "pair-a");
  EXPECT_EQ(p->from, "normal");
  EXPECT_EQ(p->to, "stopping");
  auto g = parse_transition("group pg-1 (new) -> creating");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->kind, "group");
  EXPECT_EQ(g->id, "pg-1");
  EXPECT_EQ(g->from, "");
  auto v = parse_transition("pair-b deleting -> deleted (vanished)");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->to, "deleted");
  EXPECT_FALSE(parse_transition("nonsense"));
}

TEST(HtmlReport, MermaidSequenceFramesTheRetriesOfOneToken) {
  EXPECT_EQ(mermaid_sequence(ambiguous_report()),
            "sequenceDiagram\n"
            "  participant C as client\n"
            "  participant M as ebsmock\n"
            "  rect rgb(240, 240, 255)\n"
            "  Note over C,M: ClientToken tok-1\n"
            "  C->>M: 1. StopDiskReplicaPair [tok-1]\n"
            "  M-->>C: 504 RequestTimeout\n"
            "  Note right of M: fault contract-1: RequestTimeout after commit, pair-a normal -> stopping applied\n"
            "  C->>M: 1. StopDiskReplicaPair [tok-1]\n"
            "  M-->>C: 200 OK (replayed)\n"
            "  end\n");
}

TEST(HtmlReport, TheScenarioTabShowsEachRequestsReplayTable) {
  const std::string html = render_html_report(ambiguous_report());
  const std::string tab = between(html, "data-tab=\"scenario\"><h4>Scenario lines</h4><pre>", "</pre>");
  EXPECT_EQ(tab, "[[replay]]\naction = &quot;StopDiskReplicaPair&quot;\n\n[[replay]]\naction = &quot;StopDiskReplicaPair&quot;\n");
}

TEST(MarkdownSummary, VerdictWarningsChecksMatrixAndTheMermaidCounterexample) {
  const std::string md = markdown_summary(ambiguous_report());
  EXPECT_EQ(md.rfind("## ebsmock contract: FAIL — `builtin:example`\n", 0), 0u) << md;
  EXPECT_NE(md.find("> ⚠ fault Reset was armed 1 time(s) and never fired"), std::string::npos) << md;
  EXPECT_NE(md.find("| C1 | fail | 1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| RequestTimeout | StopDiskReplicaPair | 1 | 1 | 1×2 | 0 | ok 1 | 1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("```mermaid\n" + mermaid_sequence(ambiguous_report()) + "```"), std::string::npos) << md;
  // A table cell cannot be broken by what a client said.
  Json evil = ambiguous_report();
  evil["checks"][0]["first_violation"] = "a|b\nc";
  EXPECT_NE(markdown_summary(evil).find("| a\\|b c |"), std::string::npos);
}

TEST(MarkdownSummary, AHugeReportIsCutUnderTheCap) {
  Json big = ambiguous_report();
  big["checks"][0]["first_violation"] = std::string(3'000'000, 'x');
  const std::string md = markdown_summary(big);
  EXPECT_LE(md.size(), kMaxSummaryBytes);
  EXPECT_NE(md.find("the JSON report has everything"), std::string::npos);
}

}  // namespace
}  // namespace ebsmock::harness::report
