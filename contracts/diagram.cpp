// diagram.cpp: DOT and Mermaid renderings of the rule tables. Solid edges are calls
// (labelled with the operation), dashed edges are the service finishing a transient
// status on its own, dotted edges lead to documented failure statuses.
#include "contracts/diagram.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>
#include <vector>

#include "contracts/transitions.h"

namespace ebsmock::contracts {
namespace {

struct Edge {
  std::string from, to, label, style;  // style: "call", "auto", "fail"
  bool operator<(const Edge& o) const {
    return std::tie(from, to, label, style) < std::tie(o.from, o.to, o.label, o.style);
  }
};

std::string short_name(Operation op, std::string_view variant) {
  std::string name(to_string(op));
  // "StopDiskReplicaPair" -> "Stop", "StopDiskReplicaGroup" -> "Stop",
  // "StartReplicaGroupDrill" -> "StartDrill".
  for (std::string_view suffix : {"DiskReplicaPair", "DiskReplicaGroup", "ReplicaGroup", "Pair"}) {
    if (auto pos = name.find(suffix); pos != std::string::npos) {
      name.erase(pos, suffix.size());
      break;
    }
  }
  if (!variant.empty()) name += "(" + std::string(variant) + ")";
  return name;
}

std::string name_of(Status s) { return std::string(to_string(s)); }

std::set<Edge> status_machine_edges(ResourceKind kind) {
  std::set<Edge> out;
  for (const auto& r : transition_rules()) {
    if (!r.transient || r.kind != kind) continue;
    std::string label = short_name(r.op, r.variant);
    if (r.allowed_from.empty()) out.insert({"start", name_of(*r.transient), label, "call"});
    for (Status from : r.allowed_from) {
      if (is_no_op(r, from)) continue;
      out.insert({name_of(from), name_of(*r.transient), label, "call"});
      if (r.transient_if_synced) {
        out.insert({name_of(from), name_of(*r.transient_if_synced), label + " (after a sync)", "call"});
      }
    }
    if (r.failure_status) out.insert({name_of(*r.transient), name_of(*r.failure_status), "fails", "fail"});
  }
  for (Status s : kAllStatuses) {
    if (auto next = natural_successor(s)) out.insert({name_of(s), name_of(next->to), "", "auto"});
  }
  out.insert({"deleted", "gone", "vanishes from Describe", "auto"});
  if (kind == ResourceKind::Group) {
    // §5.2 #5: a member pair becoming invalid makes the group invalid; it returns once no
    // invalid member is left (drawn from normal, the usual case).
    out.insert({"normal", "invalid", "a member pair becomes invalid", "auto"});
  }
  return out;
}

std::set<Edge> drill_machine_edges() {
  std::set<Edge> out;
  for (const auto& r : drill_rules()) {
    std::string label = short_name(r.op, "");
    if (r.allowed_from.empty()) out.insert({"start", name_of(r.transient), label, "call"});
    for (Status from : r.allowed_from) {
      if (std::find(r.no_op_from.begin(), r.no_op_from.end(), from) != r.no_op_from.end()) continue;
      out.insert({name_of(from), name_of(r.transient), label, "call"});
    }
    out.insert({name_of(r.transient), name_of(r.failure_status), "fails", "fail"});
    if (r.final_status) {
      out.insert({name_of(r.transient), name_of(*r.final_status), "", "auto"});
    } else {
      out.insert({name_of(r.transient), "gone", "vanishes from Describe", "auto"});
    }
  }
  return out;
}

std::set<Edge> edges(Machine m) {
  switch (m) {
    case Machine::Pair: return status_machine_edges(ResourceKind::Pair);
    case Machine::Group: return status_machine_edges(ResourceKind::Group);
    case Machine::Drill: return drill_machine_edges();
  }
  return {};
}

std::vector<Status> nodes(Machine m) {
  if (m == Machine::Drill) return {kDrillStatuses.begin(), kDrillStatuses.end()};
  return {kAllStatuses.begin(), kAllStatuses.end()};
}

std::string_view graph_name(Machine m) {
  switch (m) {
    case Machine::Pair: return "replica_pair";
    case Machine::Group: return "replica_group";
    case Machine::Drill: return "drill";
  }
  return "";
}

// The generation note names the command that prints this machine.
std::string command_of(Machine m, bool mermaid) {
  std::string cmd = "ebsmock diagram";
  if (mermaid) cmd += " --format mermaid";
  if (m != Machine::Pair) cmd += " --machine " + std::string(to_string(m));
  return cmd;
}

}  // namespace

std::string_view to_string(Machine m) {
  switch (m) {
    case Machine::Pair: return "pair";
    case Machine::Group: return "group";
    case Machine::Drill: return "drill";
  }
  return "pair";
}

std::optional<Machine> parse_machine(std::string_view text) {
  for (Machine m : {Machine::Pair, Machine::Group, Machine::Drill}) {
    if (to_string(m) == text) return m;
  }
  return std::nullopt;
}

std::vector<std::string> state_machine_nodes(Machine machine) {
  std::vector<std::string> out = {"start"};
  for (Status s : nodes(machine)) out.push_back(name_of(s));
  out.push_back("gone");
  return out;
}

std::vector<DiagramEdge> state_machine_edges(Machine machine) {
  std::vector<DiagramEdge> out;
  for (const auto& e : edges(machine)) out.push_back({e.from, e.to, e.label, e.style});
  return out;
}

std::string state_machine_dot(Machine machine) {
  std::ostringstream os;
  os << "// Generated by `" << command_of(machine, false) << "` from contracts/transitions.cpp.\n"
     << "digraph " << graph_name(machine) << " {\n"
     << "  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
     << "  start [shape=point];\n  gone [shape=doublecircle, label=\"\"];\n";
  for (Status s : nodes(machine)) {
    os << "  " << to_string(s) << (is_transient(s) ? " [style=\"rounded,dashed\"]" : "") << ";\n";
  }
  for (const auto& e : edges(machine)) {
    os << "  " << e.from << " -> " << e.to;
    if (e.style == "call") os << " [label=\"" << e.label << "\"]";
    if (e.style == "auto") {
      os << " [style=dashed" << (e.label.empty() ? "" : ", label=\"" + e.label + "\"") << "]";
    }
    if (e.style == "fail") os << " [style=dotted, label=\"fails\"]";
    os << ";\n";
  }
  os << "}\n";
  return os.str();
}

std::string state_machine_mermaid(Machine machine) {
  std::ostringstream os;
  os << "%% Generated by `" << command_of(machine, true) << "` from contracts/transitions.cpp.\n"
     << "stateDiagram-v2\n";
  for (const auto& e : edges(machine)) {
    auto node = [](const std::string& n) {
      return n == "start" || n == "gone" ? std::string("[*]") : n;
    };
    os << "  " << node(e.from) << " --> " << node(e.to);
    if (!e.label.empty()) os << " : " << e.label;
    else if (e.style == "auto") os << " : (service)";
    os << "\n";
  }
  return os.str();
}

}  // namespace ebsmock::contracts
