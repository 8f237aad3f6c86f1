// coverage_panel.cpp: R7, state-machine coverage. The machines of contracts/ (pair, and
// group and drill when the run touched them) drawn as SVG with each edge's visits in this
// run: edge width grows with visits, unvisited edges are dashed red, edges the
// counterexample took are bold. Nodes are laid out in columns by their distance from
// "start" (breadth first over the edges), so the layout is fixed by the contract alone.
// Visits come from the report's "coverage": {"pair": {"from -> to": n}, ...}.
#include <map>
#include <set>
#include <sstream>

#include "contracts/diagram.h"
#include "harness/report/html_text.h"
#include "harness/report/panels.h"

namespace ebsmock::harness::report {
namespace {

struct Point {
  double x = 0, y = 0;
};

std::map<std::string, Point> layout(const std::vector<std::string>& nodes, const std::vector<contracts::DiagramEdge>& edges) {
  std::map<std::string, int> layer;
  layer["start"] = 0;
  std::vector<std::string> frontier = {"start"};
  while (!frontier.empty()) {
    std::vector<std::string> next;
    for (const auto& n : frontier) {
      for (const auto& e : edges) {
        if (e.from == n && !layer.contains(e.to)) {
          layer[e.to] = layer[n] + 1;
          next.push_back(e.to);
        }
      }
    }
    frontier = std::move(next);
  }
  int deepest = 0;
  for (const auto& [n, l] : layer) deepest = std::max(deepest, l);
  std::map<int, int> rows;
  std::map<std::string, Point> at;
  for (const auto& n : nodes) {  // contract order within a column
    const int l = layer.contains(n) ? layer[n] : deepest + 1;
    at[n] = {20.0 + l * 190.0, 70.0 + rows[l]++ * 56.0};
  }
  return at;
}

// "from -> to" of every transition the counterexample made, per machine kind.
std::set<std::string> counterexample_edges(const Json& report, const std::string& kind) {
  std::set<std::string> out;
  auto add = [&](const std::string& text) {
    auto t = parse_transition(text);
    if (t && t->kind == kind) out.insert((t->from.empty() ? "start" : t->from) + " -> " + t->to);
  };
  for (const auto& step : counterexample_steps(report)) {
    for (const auto& a : step.value("attempts", Json::array())) {
      if (a.contains("transition")) add(a["transition"].get<std::string>());
      for (const auto& m : a.value("member_transitions", Json::array())) add(m.get<std::string>());
    }
    for (const auto& p : step.value("progress", Json::array())) add(p.get<std::string>());
  }
  return out;
}

std::string machine_svg(const Json& report, contracts::Machine machine) {
  const std::string kind(contracts::to_string(machine));
  const auto nodes = contracts::state_machine_nodes(machine);
  const auto edges = contracts::state_machine_edges(machine);
  const auto at = layout(nodes, edges);
  const Json visits = report.value("coverage", Json::object()).value(kind, Json::object());
  const auto failing = counterexample_edges(report, kind);

  // One drawn edge per (from, to); its labels joined.
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> drawn;  // -> labels, style
  for (const auto& e : edges) {
    auto& [labels, style] = drawn[{e.from, e.to}];
    if (!e.label.empty()) labels += (labels.empty() ? "" : ", ") + e.label;
    if (style.empty() || e.style == "call") style = e.style;
  }
  double width = 0, height = 0;
  for (const auto& [n, p] : at) {
    width = std::max(width, p.x + 150);
    height = std::max(height, p.y + 40);
  }
  std::size_t visited = 0;
  std::ostringstream svg, edge_svg;
  for (const auto& [ends, info] : drawn) {
    const auto& [from, to] = ends;
    const std::string key = from + " -> " + to;
    const long n = visits.value(key, 0L);
    if (n > 0) ++visited;
    const Point a = at.at(from), b = at.at(to);
    const double x1 = a.x + 120, y1 = a.y + 12, x2 = b.x, y2 = b.y + 12;
    // Backward and same-column edges bend, so they do not run through the boxes.
    const double bend = x2 <= x1 ? 60 : 0;
    const double cx = (x1 + x2) / 2, cy = (y1 + y2) / 2 - bend;
    std::string cls = "edge " + info.second + (n == 0 ? " unvisited" : " visited");
    if (failing.contains(key)) cls += " in-counterexample";
    const int stroke = n == 0 ? 1 : n < 10 ? 2 : n < 100 ? 3 : 4;
    edge_svg << "<g class=\"" << cls << "\" data-from=\"" << html_escape(from) << "\" data-to=\"" << html_escape(to)
             << "\" data-visits=\"" << n << "\"><path d=\"M" << x1 << " " << y1 << " Q" << cx << " " << cy << " " << x2
             << " " << y2 << "\" stroke-width=\"" << stroke << "\" marker-end=\"url(#arrow-" << kind << ")\"/><text x=\""
             << cx << "\" y=\"" << cy - 2 << "\">" << n << "</text><title>" << html_escape(key)
             << (info.first.empty() ? "" : " (" + html_escape(info.first) + ")") << ": " << n << " visit"
             << (n == 1 ? "" : "s") << "</title></g>\n";
  }
  svg << "<h3>" << html_escape(kind) << " machine: " << visited << " of " << drawn.size()
      << " transitions visited</h3>\n<div class=\"scroll\"><svg class=\"coverage\" id=\"coverage-" << kind
      << "\" data-machine=\"" << kind << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
      << height << "\" viewBox=\"0 0 " << width << " " << height << "\" role=\"img\" aria-label=\"" << kind
      << " state machine coverage\">\n<defs><marker id=\"arrow-" << kind
      << "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\">"
         "<path d=\"M0 0 L10 5 L0 10 z\"/></marker></defs>\n"
      << edge_svg.str();
  for (const auto& n : nodes) {
    const Point p = at.at(n);
    const bool transient = n.ends_with("ing");
    svg << "<g class=\"node" << (transient ? " transient" : "") << "\" data-status=\"" << html_escape(n) << "\"><rect x=\""
        << p.x << "\" y=\"" << p.y << "\" width=\"120\" height=\"24\" rx=\"6\"/><text x=\"" << p.x + 6 << "\" y=\""
        << p.y + 16 << "\">" << html_escape(n) << "</text></g>\n";
  }
  svg << "</svg></div>\n";
  return svg.str();
}

}  // namespace

std::string coverage_panel(const Json& report) {
  const Json coverage = report.value("coverage", Json::object());
  std::ostringstream out;
  out << "<section id=\"coverage\"><h2>State-machine coverage</h2>\n<p>Each transition of the contract with how often "
         "this run made it. Dashed red: never visited; bold: taken by the counterexample.</p>\n";
  out << machine_svg(report, contracts::Machine::Pair);
  for (auto m : {contracts::Machine::Group, contracts::Machine::Drill}) {
    if (coverage.contains(std::string(contracts::to_string(m)))) out << machine_svg(report, m);
  }
  out << "</section>\n";
  return out.str();
}

}  // namespace ebsmock::harness::report
