// timeline_panel.cpp: R3, the counterexample as SVG swimlanes over warped time: every
// HTTP attempt gets one slot, so order, not wall time, sets the x axis (as Porcupine and
// Knossos do). Lanes: Calls (a bracket per client call over its attempts), Attempts (a
// box per request, classed by answer), Faults (the rule that fired), Clock (advances),
// then one lane per resource the history touched with its status as segments. An
// ambiguous failure (applied, then the answer failed) gets a commit notch inside its
// attempt box, tied by data-transition to the segment that change started.
#include <map>
#include <sstream>

#include "harness/report/html_text.h"
#include "harness/report/panels.h"

namespace ebsmock::harness::report {
namespace {

constexpr int kLeft = 150;     // lane labels
constexpr int kSlot = 96;      // one attempt
constexpr int kGap = 18;       // between steps
constexpr int kLaneH = 34;
constexpr int kCallsY = 26, kAttemptsY = 60, kFaultsY = 94, kClockY = 128, kFirstResourceY = 162;

struct Segment {
  double x0 = 0, x1 = 0;
  std::string status;
  std::string transition_id;  // the change that started it ("" for the first)
};

struct Lane {
  std::string label;
  std::vector<Segment> segments;
};

// What fits in a box; the tooltip has the whole answer.
std::string box_label(const std::string& text) {
  constexpr std::size_t kFits = 15;
  if (text.size() <= kFits) return text;
  std::size_t cut = kFits - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 characters
  return text.substr(0, cut) + "…";
}

}  // namespace

std::string timeline_panel(const Json& report) {
  const Json& steps = counterexample_steps(report);
  if (steps.empty()) {
    return "<section id=\"timeline\"><h2>Counterexample</h2><p class=\"none\">No violation: there is no failing "
           "history to draw.</p></section>\n";
  }
  std::ostringstream calls, attempts, faults, clock, notches;
  std::map<std::string, Lane> lanes;  // "pair pair-x" -> lane
  std::vector<std::string> lane_order;
  int transition_counter = 0;
  double x = kLeft + 8;

  // A change to a resource at x: ends its running segment, starts one in `to`.
  auto change = [&](const std::string& text, double at) -> std::string {
    auto t = parse_transition(text);
    if (!t) return "";
    const std::string key = t->kind + " " + t->id;
    auto [it, fresh] = lanes.try_emplace(key, Lane{key, {}});
    if (fresh) lane_order.push_back(key);
    auto& segs = it->second.segments;
    if (!segs.empty()) {
      segs.back().x1 = at;
    } else if (!t->from.empty()) {
      segs.push_back({kLeft + 8.0, at, t->from, ""});  // what it was before the history's first change
    }
    const std::string id = "t" + std::to_string(++transition_counter);
    segs.push_back({at, 0, t->to, id});
    return id;
  };

  const StepWindow window = shown_steps(report);
  for (const auto& step : steps) {
    const int index = step.value("index", 0);
    if (!window.contains(index)) continue;
    const bool violation = !step.value("violations", Json::array()).empty();
    const Json atts = step.value("attempts", Json::array());
    const double x0 = x;
    const std::string label = step.value("step", "");
    if (atts.empty()) {
      // A clock move (or a step that sent nothing).
      clock << "<g class=\"clock-move\" data-step=\"" << index << "\"><line x1=\"" << x + 4 << "\" x2=\"" << x + 4
            << "\" y1=\"" << kClockY - 12 << "\" y2=\"" << kClockY + 12 << "\"/><text x=\"" << x + 8 << "\" y=\""
            << kClockY + 4 << "\">" << html_escape(label) << "</text><title>" << html_escape(label) << "</title></g>\n";
      x += kSlot / 2 + kGap;
      for (const auto& p : step.value("progress", Json::array())) change(p.get<std::string>(), x - kGap / 2);
      continue;
    }
    int n = 0;
    for (const auto& a : atts) {
      ++n;
      const double ax = x + (n - 1) * kSlot;
      const std::string cls = answer_class(a);
      const std::string token = a.value("client_token", "");
      const Json fault = a.value("fault", Json::object());
      const std::string answer = text_of(a, "status") + (a.value("code", "").empty() ? "" : " " + a.value("code", ""));
      attempts << "<g class=\"attempt " << cls << "\" data-step=\"" << index << "\" data-attempt=\"" << n
               << "\" data-seq=\"" << html_escape(text_of(a, "seq")) << "\" data-token=\"" << html_escape(token)
               << "\" data-rule=\"" << html_escape(fault.value("rule", "")) << "\"><rect x=\"" << ax << "\" y=\""
               << kAttemptsY - 12 << "\" width=\"" << kSlot - 6 << "\" height=\"24\" rx=\"3\"/><text x=\"" << ax + 4
               << "\" y=\"" << kAttemptsY + 4 << "\">" << html_escape(box_label(a.value("status", 0) == 0 ? "no answer" : answer))
               << "</text><title>request #" << html_escape(text_of(a, "seq")) << " " << html_escape(a.value("action", ""))
               << " → " << html_escape(answer) << "\nClientToken " << html_escape(token.empty() ? "(none)" : token)
               << (fault.empty() ? "" : "\nfault rule " + html_escape(fault.value("rule", "")) + ", commit " +
                                            html_escape(fault.value("commit", "")))
               << "</title></g>\n";
      if (!fault.empty()) {
        faults << "<g class=\"fault-fired\" data-step=\"" << index << "\" data-rule=\"" << html_escape(fault.value("rule", ""))
               << "\"><rect x=\"" << ax << "\" y=\"" << kFaultsY - 10 << "\" width=\"" << kSlot - 6
               << "\" height=\"20\" rx=\"3\"/><text x=\"" << ax + 4 << "\" y=\"" << kFaultsY + 4 << "\">"
               << html_escape(fault.value("rule", "") + " " + fault.value("error", fault.value("transport", "")))
               << "</text></g>\n";
      }
      // The resource changes this attempt made, at the attempt's middle (its commit).
      const double commit_x = ax + (kSlot - 6) / 2.0;
      std::string first_change;
      if (a.contains("transition")) first_change = change(a["transition"].get<std::string>(), commit_x);
      for (const auto& m : a.value("member_transitions", Json::array())) change(m.get<std::string>(), commit_x);
      if (is_ambiguous_commit(a)) {
        notches << "<line class=\"commit-notch\" data-step=\"" << index << "\" data-attempt=\"" << n
                << "\" data-transition=\"" << first_change << "\" x1=\"" << commit_x << "\" x2=\"" << commit_x
                << "\" y1=\"" << kAttemptsY - 14 << "\" y2=\"" << kAttemptsY + 14 << "\"><title>applied here, then "
                << html_escape(answer) << ": the change happened although the client saw an error</title></line>\n";
      }
    }
    x += n * kSlot;
    for (const auto& p : step.value("progress", Json::array())) change(p.get<std::string>(), x + kGap / 2.0);
    calls << "<g class=\"call step" << (violation ? " violation" : "") << "\" id=\"step-" << index << "\" data-step=\""
          << index << "\" tabindex=\"0\"><rect x=\"" << x0 - 3 << "\" y=\"" << kCallsY - 13 << "\" width=\""
          << x - x0 << "\" height=\"" << kAttemptsY - kCallsY + 28 << "\" rx=\"4\"/><text x=\"" << x0 + 2 << "\" y=\""
          << kCallsY + 3 << "\">" << index << ". " << html_escape(step.value("action", label)) << "</text><title>"
          << html_escape(label) << "</title></g>\n";
    x += kGap;
  }
  const double width = x + 20;
  std::ostringstream resources;
  int lane_index = 0;
  for (const auto& key : lane_order) {
    auto& segs = lanes[key].segments;
    if (!segs.empty() && segs.back().x1 == 0) segs.back().x1 = width - 20;
    const int y = kFirstResourceY + lane_index++ * kLaneH;
    resources << "<g class=\"resource-lane\" data-resource=\"" << html_escape(key) << "\"><text class=\"lane-label\" x=\"6\" y=\""
              << y + 4 << "\">" << html_escape(key) << "</text>\n";
    for (const auto& s : segs) {
      resources << "<g class=\"segment st-" << html_escape(s.status) << "\" data-status=\"" << html_escape(s.status) << "\"";
      if (!s.transition_id.empty()) resources << " id=\"" << s.transition_id << "\" data-transition=\"" << s.transition_id << "\"";
      resources << "><rect x=\"" << s.x0 << "\" y=\"" << y - 11 << "\" width=\"" << std::max(2.0, s.x1 - s.x0)
                << "\" height=\"22\"/><text x=\"" << s.x0 + 3 << "\" y=\"" << y + 4 << "\">" << html_escape(s.status)
                << "</text></g>\n";
    }
    resources << "</g>\n";
  }
  const int height = kFirstResourceY + lane_index * kLaneH + 10;

  std::ostringstream out;
  out << "<section id=\"timeline\"><h2>Counterexample timeline</h2>\n<p>";
  if (window.total > window.last - window.first + 1) {
    out << "<b id=\"window-note\">Steps " << window.first << "–" << window.last << " of " << window.total
        << " are drawn (around the first violation); every step is in the JSON report.</b> ";
  }
  out << steps.size() << " step(s), shrunk from " << html_escape(text_of(report["counterexample"], "first_size"))
      << ". One slot per HTTP attempt; a bar over a call's attempts; resources below. Click a call to inspect it.</p>\n"
      << "<div class=\"scroll\"><svg class=\"timeline\" id=\"timeline-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
      << width << "\" height=\"" << height << "\" viewBox=\"0 0 " << width << " " << height << "\" role=\"img\" "
      << "aria-label=\"counterexample timeline\">\n";
  for (auto [y, name] : {std::pair{kCallsY, "calls"}, {kAttemptsY, "attempts"}, {kFaultsY, "faults"}, {kClockY, "clock"}}) {
    out << "<text class=\"lane-label\" x=\"6\" y=\"" << y + 4 << "\">" << name << "</text>\n";
  }
  out << "<g class=\"calls\">\n" << calls.str() << "</g>\n<g class=\"attempts\">\n" << attempts.str()
      << "</g>\n<g class=\"faults\">\n" << faults.str() << "</g>\n<g class=\"clock\">\n" << clock.str()
      << "</g>\n<g class=\"resources\">\n" << resources.str() << "</g>\n<g class=\"notches\">\n" << notches.str()
      << "</g>\n</svg></div></section>\n";
  return out.str();
}

}  // namespace ebsmock::harness::report
