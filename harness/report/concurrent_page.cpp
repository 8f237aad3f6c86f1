// concurrent_page.cpp: the HTML page of a `contract --concurrent` report: the verdict, and
// for a counterexample (or an Unknown) the failing run as timelines (concurrency.md §8.4):
// a panel per pair, a row per client (branch), each call a bar from its invocation to its
// response on the harness's steady clock, its HTTP attempts (from the journal) inside it,
// an ambiguous call open and hatched to the panel's right edge; a server row with the
// journaled requests in journal (seq) order: commit ticks, injected faults, hold releases
// (the mock's clock is frozen during the branches, so seq, not time, orders them); the
// checker's longest partial linearization as numbered points with the model state after
// each in the tooltip, and the first call that cannot be placed in red with the reason.
// Then the shrunk program and the checker's text. SVG presentation attributes only (no
// inline style: the page's CSP allows only the compiled-in stylesheet).
// Pure functions; thread-safe.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "contracts/crypto.h"
#include "harness/report/html_report.h"
#include "harness/report/html_text.h"
#include "harness/report/report_assets.h"

namespace ebsmock::harness::report {
namespace {

using Json = nlohmann::json;

constexpr int kLeft = 120;    // row labels
constexpr int kWidth = 900;   // the time axis
constexpr int kRight = 40;    // the open end of ambiguous calls
constexpr int kRowH = 34;
constexpr int kBarH = 20;

std::string fill_of(const std::string& outcome) {
  if (outcome == "ok") return "#cfe0fb";
  if (outcome == "error") return "#f8cfe0";
  if (outcome == "ambiguous") return "url(#ambiguous)";
  return "#dfe1e5";
}

std::string fmt(double v) {
  std::ostringstream os;
  os.precision(1);
  os << std::fixed << v;
  return os.str();
}

// The model state after a point, short: each pair's status (and name/description).
std::string state_text(const Json& state) {
  std::string out;
  if (state.is_object() && state.contains("pairs")) {
    for (const auto& [id, p] : state["pairs"].items()) {
      out += id + ": " + p.value("Status", "?");
      if (!p.value("PairName", "").empty()) out += " PairName=" + p.value("PairName", "");
      if (!p.value("Description", "").empty()) out += " Description=" + p.value("Description", "");
      out += "\n";
    }
  }
  return out.empty() ? state.dump() : out;
}

std::string panel(const Json& run, const std::string& pair, bool failing) {
  const Json& calls = run["calls"];
  std::vector<const Json*> mine;
  for (const auto& c : calls) {
    if (c.value("pair", "") == pair) mine.push_back(&c);
  }
  if (mine.empty()) return "";
  std::int64_t t0 = INT64_MAX, t1 = 0;
  for (const auto* c : mine) {
    t0 = std::min<std::int64_t>(t0, (*c)["invoke_ns"].get<std::int64_t>());
    t1 = std::max<std::int64_t>(t1, (*c)["response_ns"].get<std::int64_t>());
  }
  if (t1 <= t0) t1 = t0 + 1;
  auto x_of = [&](std::int64_t t) { return kLeft + (static_cast<double>(t - t0) / static_cast<double>(t1 - t0)) * kWidth; };

  std::set<int> branches;
  std::set<int> closing_rows;
  for (const auto* c : mine) {
    branches.insert((*c)["branch"].get<int>());
    if (c->value("closing_read", false)) closing_rows.insert((*c)["branch"].get<int>());
  }
  std::map<int, int> row_of;
  for (int b : branches) row_of[b] = static_cast<int>(row_of.size());
  const int server_row = static_cast<int>(row_of.size());
  const int height = (server_row + 1) * kRowH + 30;

  // The checker's view: placement numbers and the stuck call.
  std::map<int, int> placed;  // history index -> 1-based point
  std::map<int, std::string> placed_state;
  int stuck = -1;
  std::string stuck_reason;
  std::vector<std::string> candidates;
  for (const auto& part : run["parts"]) {
    int k = 0;
    for (const auto& p : part["longest"]) {
      placed[p["op"].get<int>()] = ++k;
      placed_state[p["op"].get<int>()] = state_text(p["state_after"]);
    }
    if (part.contains("stuck")) {
      stuck = part["stuck"]["op"].get<int>();
      stuck_reason = "model: " + part["stuck"].value("expected", "") + "; client saw: " +
                     part["stuck"].value("observed", "") + ". " + part["stuck"].value("reason", "");
      for (const auto& c : part["candidates"]) {
        candidates.push_back("c" + std::to_string(c["call"].get<int>()) + ": model " + c.value("expected", "") +
                             ", saw " + c.value("observed", "") + " (" + c.value("reason", "") + ")");
      }
    }
  }

  std::ostringstream svg;
  svg << "<div class=\"conc-panel" << (failing ? " failing" : "") << "\"><h3>Pair " << html_escape(pair)
      << "</h3>\n<svg class=\"conc-timeline\" width=\"" << kLeft + kWidth + kRight + 10 << "\" height=\"" << height
      << "\" role=\"img\" aria-label=\"timeline of pair " << html_escape(pair) << "\">\n"
      << "<defs><pattern id=\"ambiguous\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#fde7c8\"/><line x1=\"0\" y1=\"0\" "
         "x2=\"0\" y2=\"8\" stroke=\"#d08a00\" stroke-width=\"3\"/></pattern></defs>\n";
  for (const auto& [b, row] : row_of) {
    svg << "<text class=\"lane-label\" x=\"4\" y=\"" << row * kRowH + 24 << "\">"
        << (closing_rows.count(b) ? std::string("closing reads") : "client " + std::to_string(b + 1)) << "</text>\n";
  }
  svg << "<text class=\"lane-label\" x=\"4\" y=\"" << server_row * kRowH + 24 << "\">server (seq)</text>\n";

  std::map<std::uint64_t, std::pair<double, const Json*>> server_ticks;  // seq -> x, attempt
  for (const auto* cp : mine) {
    const Json& c = *cp;
    const int index = c["index"].get<int>();
    const int y = row_of[c["branch"].get<int>()] * kRowH + 8;
    const std::string outcome = c.value("outcome", "");
    const double x0 = x_of(c["invoke_ns"].get<std::int64_t>());
    const double x1 = outcome == "ambiguous" ? kLeft + kWidth + kRight : std::max(x0 + 3, x_of(c["response_ns"].get<std::int64_t>()));
    const bool is_stuck = index == stuck;
    std::string tip = c.value("label", "") + "\nclient saw: " + c.value("observed", "") + "\ntoken: " +
                      c.value("client_token", "");
    if (placed.count(index)) tip += "\nplaced " + std::to_string(placed[index]) + "; model after:\n" + placed_state[index];
    if (is_stuck) tip += "\ncannot be placed: " + stuck_reason;
    svg << "<g class=\"conc-call\"><title>" << html_escape(tip) << "</title><rect x=\"" << fmt(x0) << "\" y=\"" << y
        << "\" width=\"" << fmt(x1 - x0) << "\" height=\"" << kBarH << "\" fill=\"" << fill_of(outcome)
        << "\" stroke=\"" << (is_stuck ? "#c62828" : "#8b95a3") << "\" stroke-width=\"" << (is_stuck ? 3 : 1) << "\"/>";
    // Attempts inside the bar, in order (their times on this axis are not known: the
    // mock's clock is frozen; the split only shows how many and how each ended).
    const Json& attempts = c["attempts"];
    const double inner_end = outcome == "ambiguous" ? std::max(x0 + 30, x_of(c["response_ns"].get<std::int64_t>())) : x1;
    const std::size_t n = attempts.size();
    for (std::size_t a = 0; a < n; ++a) {
      const double ax0 = x0 + (inner_end - x0) * static_cast<double>(a) / static_cast<double>(n);
      const double ax1 = x0 + (inner_end - x0) * static_cast<double>(a + 1) / static_cast<double>(n);
      const Json& at = attempts[a];
      const bool fault = at.contains("fault");
      svg << "<rect x=\"" << fmt(ax0 + 1) << "\" y=\"" << y + 4 << "\" width=\"" << fmt(std::max(1.0, ax1 - ax0 - 2))
          << "\" height=\"" << kBarH - 8 << "\" fill=\"" << (fault ? "#f9d9b5" : "#ffffff") << "\" stroke=\""
          << (at.value("effect_applied", false) ? "#2e7d32" : "#9aa3ad") << "\"/>";
      server_ticks[at.value("seq", std::uint64_t{0})] = {(ax0 + ax1) / 2, &at};
    }
    svg << "<text x=\"" << fmt(x0 + 3) << "\" y=\"" << y + kBarH + 10 << "\">" << html_escape(c.value("call_id", ""))
        << " " << html_escape(c.value("action", "").substr(0, c.value("action", "").find("DiskReplica")))
        << (outcome == "ambiguous" ? " (ambiguous)" : "") << "</text>";
    if (placed.count(index)) {
      svg << "<circle cx=\"" << fmt(x0 + 10) << "\" cy=\"" << y + kBarH / 2 << "\" r=\"8\" fill=\"#1d2228\"/><text x=\""
          << fmt(x0 + 6) << "\" y=\"" << y + kBarH / 2 + 4 << "\" fill=\"#ffffff\">" << placed[index] << "</text>";
    }
    svg << "</g>\n";
  }
  // The server row: every request of this pair's calls, by seq.
  int k = 0;
  const double step = server_ticks.empty() ? 0 : static_cast<double>(kWidth) / static_cast<double>(server_ticks.size());
  for (const auto& [seq, v] : server_ticks) {
    const Json& at = *v.second;
    const double x = kLeft + step * (k++ + 0.5);
    std::string tip = "#" + std::to_string(seq) + " " + at.value("action", "") + " -> " +
                      std::to_string(at.value("status", 0)) + " " + at.value("code", "") +
                      (at.value("effect_applied", false) ? " (ran on the world)" : "") + " idempotence " +
                      at.value("idempotence", "");
    if (at.contains("fault")) tip += "\nfault " + at["fault"].value("rule", "") + " commit " + at["fault"].value("commit", "");
    if (at.contains("held_ms")) tip += "\nheld " + at["held_ms"].dump() + " ms";
    if (at.contains("released_by")) tip += ", released by " + at["released_by"].dump();
    const int y = server_row * kRowH + 8;
    svg << "<g><title>" << html_escape(tip) << "</title><line x1=\"" << fmt(x) << "\" y1=\"" << y << "\" x2=\"" << fmt(x)
        << "\" y2=\"" << y + kBarH << "\" stroke=\"" << (at.contains("fault") ? "#d08a00" : at.value("effect_applied", false) ? "#2e7d32" : "#9aa3ad")
        << "\" stroke-width=\"3\"/><text x=\"" << fmt(x - 6) << "\" y=\"" << y + kBarH + 10 << "\">" << seq
        << (at.contains("released_by") ? "h" : "") << "</text></g>\n";
  }
  svg << "</svg>\n";
  const bool stuck_here = stuck >= 0 && std::any_of(mine.begin(), mine.end(), [&](const Json* c) {
    return (*c)["index"].get<int>() == stuck;
  });
  if (failing && stuck_here) {
    svg << "<p class=\"conc-stuck\">Cannot place " << html_escape(calls[static_cast<std::size_t>(stuck)].value("call_id", ""))
        << " after point " << placed.size() << ": " << html_escape(stuck_reason) << "</p>\n";
    if (!candidates.empty()) {
      svg << "<ul class=\"conc-candidates\">";
      for (const auto& c : candidates) svg << "<li>" << html_escape(c) << "</li>";
      svg << "</ul>\n";
    }
  }
  svg << "</div>\n";
  return svg.str();
}

}  // namespace

// The failing run as one panel per pair, the failing pair first.
std::string concurrent_timeline_panel(const Json& run) {
  std::vector<std::string> pairs;
  for (const auto& c : run["calls"]) {
    const std::string p = c.value("pair", "");
    if (std::find(pairs.begin(), pairs.end(), p) == pairs.end()) pairs.push_back(p);
  }
  std::set<std::string> failing;
  for (const auto& part : run["parts"]) {
    if (part.value("verdict", "") == "Linearizable") continue;
    for (const auto& i : part["ops"]) failing.insert(run["calls"][i.get<std::size_t>()].value("pair", ""));
  }
  for (const auto& v : run["invariants"]) {
    for (const auto& i : v["ops"]) failing.insert(run["calls"][i.get<std::size_t>()].value("pair", ""));
  }
  std::stable_partition(pairs.begin(), pairs.end(), [&](const std::string& p) { return failing.count(p) > 0; });
  std::ostringstream out;
  out << "<section id=\"timeline\" class=\"conc\"><h2>Failing run " << run.value("run", 0) << " as timelines</h2>\n";
  for (const auto& p : pairs) out << panel(run, p, failing.count(p) > 0);
  out << "</section>\n";
  return out.str();
}

std::string render_concurrent_html(const Json& report) {
  const std::string css(report_css());
  const std::string js(report_js());
  const std::string verdict = report.value("verdict", "error");
  const bool pass = verdict == "holds";
  std::ostringstream out;
  out << "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'sha256-"
      << contracts::crypto::sha256_base64(css) << "'; script-src 'sha256-" << contracts::crypto::sha256_base64(js)
      << "'; base-uri 'none'; form-action 'none'\">\n"
      << "<meta name=\"generator\" content=\"ebsmock\">\n<title>ebsmock contract --concurrent: "
      << html_escape(report.value("client", "")) << ": " << html_escape(verdict) << "</title>\n<style>" << css
      << "</style>\n</head>\n<body>\n"
      << "<header class=\"verdict " << (pass ? "pass" : verdict == "setup-error" ? "error" : "fail")
      << "\"><h1><span class=\"verdict-word\">" << html_escape(verdict) << "</span> (concurrent)</h1><p class=\"facts\">client "
      << html_escape(report.value("client", "")) << ", " << html_escape(report.value("direction", "")) << " direction, seed "
      << report.value("seed", std::uint64_t{0}) << ", " << report.value("cases_passed", 0) << " cases linearizable, "
      << report.value("cases_unknown", 0) << " unknown, each run up to " << report.value("runs", 0)
      << " times, hold_until " << (report.value("hold_until", false) ? "on" : "off") << "</p></header>\n<main>\n";
  const Json* run = nullptr;
  if (report.contains("counterexample")) run = &report["counterexample"]["run"];
  else if (report.contains("unknown")) run = &report["unknown"];
  if (run) {
    out << concurrent_timeline_panel(*run);
    if (report.contains("counterexample")) {
      out << "<section id=\"program\"><h2>Shrunk program</h2><pre>"
          << html_escape(report["counterexample"].value("program_text", "")) << "</pre></section>\n";
    }
    out << "<section id=\"checker\"><h2>Checker</h2><pre>" << html_escape(run->value("text", "")) << "</pre></section>\n";
  } else {
    out << "<section id=\"timeline\"><h2>Timeline</h2><p class=\"none\">No failing run to draw.</p></section>\n";
  }
  out << "<footer><p>Rerun: <code>" << html_escape(report.value("rerun", "")) << "</code></p></footer>\n</main>\n"
      << "<script type=\"application/json\" id=\"ebsmock-report\">" << script_json(report) << "</script>\n"
      << "<script>" << js << "</script>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace ebsmock::harness::report
