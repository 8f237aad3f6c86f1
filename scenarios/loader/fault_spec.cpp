// fault_spec.cpp: names of the fault enums (as written in scenario files).
#include "scenarios/loader/fault_spec.h"

namespace ebsmock::scenarios {

std::string_view to_string(Transport t) {
  switch (t) {
    case Transport::None: return "none";
    case Transport::Reset: return "reset";
    case Transport::Close: return "close";
    case Transport::Hang: return "hang";
    case Transport::Html: return "html";
    case Transport::MalformedJson: return "malformed-json";
    case Transport::Truncate: return "truncate";
  }
  return "";
}

std::string_view to_string(Commit c) { return c == Commit::After ? "after" : "before"; }

std::optional<Transport> parse_transport(std::string_view name) {
  for (Transport t : {Transport::Reset, Transport::Close, Transport::Hang, Transport::Html,
                      Transport::MalformedJson, Transport::Truncate}) {
    if (to_string(t) == name) return t;
  }
  return std::nullopt;
}

std::optional<Commit> parse_commit(std::string_view name) {
  for (Commit c : {Commit::Before, Commit::After}) {
    if (to_string(c) == name) return c;
  }
  return std::nullopt;
}

}  // namespace ebsmock::scenarios
