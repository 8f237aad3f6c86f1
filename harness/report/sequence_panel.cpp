// sequence_panel.cpp: R5, the counterexample as a sequence diagram: one request arrow
// and one reply arrow (or a lost reply) per attempt between the client and ebsmock, a
// note where a fault fired (and whether the change was applied first), and the attempts
// of one call that share a ClientToken framed and labelled with it. The same content as
// Mermaid text, for pasting into an issue; both come from one walk over the steps.
#include <sstream>

#include "harness/report/html_text.h"
#include "harness/report/panels.h"

namespace ebsmock::harness::report {
namespace {

struct Message {
  int step = 0;
  bool request = true;  // client -> ebsmock; else the reply
  std::string text;
  std::string note;  // fault note after a reply
  bool lost = false;  // no HTTP answer
};

struct Frame {
  std::string token;
  std::size_t first = 0, last = 0;  // message indexes
};

std::string reply_text(const Json& a) {
  if (a.value("status", 0) == 0) return "no answer (" + a.value("fault", Json::object()).value("transport", "lost") + ")";
  return text_of(a, "status") + (a.value("code", "").empty() ? " OK" : " " + a.value("code", "")) +
         (a.value("idempotence", "") == "replayed" ? " (replayed)" : "");
}

std::string fault_note(const Json& a) {
  const Json f = a.value("fault", Json::object());
  if (f.empty()) return "";
  std::string note = "fault " + f.value("rule", "") + ": " + f.value("error", f.value("transport", ""));
  if (is_ambiguous_commit(a)) note += " after commit, " + text_of(a, "transition") + " applied";
  return note;
}

void walk(const Json& report, std::vector<Message>& messages, std::vector<Frame>& frames) {
  const StepWindow window = shown_steps(report);
  for (const auto& step : counterexample_steps(report)) {
    const int index = step.value("index", 0);
    if (!window.contains(index)) continue;
    const Json atts = step.value("attempts", Json::array());
    std::string frame_token;
    std::size_t frame_start = messages.size();
    for (const auto& a : atts) {
      const std::string token = a.value("client_token", "");
      if (token != frame_token) {
        if (!frame_token.empty() && messages.size() - frame_start > 2) frames.push_back({frame_token, frame_start, messages.size() - 1});
        frame_token = token;
        frame_start = messages.size();
      }
      messages.push_back({index, true, a.value("action", "") + (token.empty() ? "" : " [" + token.substr(0, 8) + "]"), "", false});
      messages.push_back({index, false, reply_text(a), fault_note(a), a.value("status", 0) == 0});
    }
    if (!frame_token.empty() && messages.size() - frame_start > 2) frames.push_back({frame_token, frame_start, messages.size() - 1});
  }
}

}  // namespace

std::string mermaid_sequence(const Json& report) {
  std::vector<Message> messages;
  std::vector<Frame> frames;
  walk(report, messages, frames);
  std::ostringstream out;
  out << "sequenceDiagram\n  participant C as client\n  participant M as ebsmock\n";
  std::size_t next_frame = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (next_frame < frames.size() && frames[next_frame].first == i) out << "  rect rgb(240, 240, 255)\n  Note over C,M: ClientToken " << frames[next_frame].token << "\n";
    const auto& m = messages[i];
    // Mermaid reads ';' and '#' specially; the texts are ours (actions, codes, ids).
    std::string text = m.text;
    for (char& c : text) c = c == ';' || c == '#' ? ',' : c;
    if (m.request) out << "  C->>M: " << m.step << ". " << text << "\n";
    else out << "  M" << (m.lost ? "--x" : "-->>") << "C: " << text << "\n";
    if (!m.note.empty()) out << "  Note right of M: " << m.note << "\n";
    if (next_frame < frames.size() && frames[next_frame].last == i) {
      out << "  end\n";
      ++next_frame;
    }
  }
  return out.str();
}

std::string sequence_panel(const Json& report) {
  std::vector<Message> messages;
  std::vector<Frame> frames;
  walk(report, messages, frames);
  if (messages.empty()) return "";
  constexpr int kClientX = 120, kMockX = 620, kTop = 50, kRow = 34;
  const int height = kTop + static_cast<int>(messages.size()) * kRow + 20;
  std::ostringstream svg;
  svg << "<svg class=\"sequence\" id=\"sequence-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"" << height
      << "\" viewBox=\"0 0 900 " << height << "\" role=\"img\" aria-label=\"sequence diagram\">\n"
      << "<text class=\"actor\" x=\"" << kClientX - 20 << "\" y=\"20\">client</text><text class=\"actor\" x=\"" << kMockX - 30
      << "\" y=\"20\">ebsmock</text>\n<line class=\"lifeline\" x1=\"" << kClientX << "\" x2=\"" << kClientX << "\" y1=\"30\" y2=\""
      << height << "\"/><line class=\"lifeline\" x1=\"" << kMockX << "\" x2=\"" << kMockX << "\" y1=\"30\" y2=\"" << height << "\"/>\n";
  for (const auto& f : frames) {
    const int y0 = kTop + static_cast<int>(f.first) * kRow - 18, y1 = kTop + static_cast<int>(f.last) * kRow + 10;
    svg << "<g class=\"token-frame\" data-token=\"" << html_escape(f.token) << "\"><rect x=\"" << kClientX - 40 << "\" y=\"" << y0
        << "\" width=\"" << kMockX - kClientX + 80 << "\" height=\"" << y1 - y0 << "\"/><text class=\"frame-label\" x=\""
        << kClientX - 36 << "\" y=\"" << y0 + 12 << "\">ClientToken " << html_escape(f.token) << "</text></g>\n";
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    const int y = kTop + static_cast<int>(i) * kRow;
    const int from = m.request ? kClientX : kMockX, to = m.request ? kMockX : kClientX;
    svg << "<g class=\"message " << (m.request ? "request" : m.lost ? "reply lost" : "reply") << "\" data-step=\"" << m.step
        << "\"><line x1=\"" << from << "\" x2=\"" << (m.lost ? (from + to) / 2 : to) << "\" y1=\"" << y << "\" y2=\"" << y
        << "\"/><text x=\"" << std::min(from, to) + 14 << "\" y=\"" << y - 5 << "\">" << html_escape(std::to_string(m.step) + ". " + m.text)
        << "</text></g>\n";
    if (!m.note.empty()) {
      svg << "<text class=\"note\" x=\"" << kMockX + 10 << "\" y=\"" << y + 4 << "\">" << html_escape(m.note) << "</text>\n";
    }
  }
  svg << "</svg>";
  std::ostringstream out;
  out << "<section id=\"sequence\"><h2>Sequence</h2>\n<div class=\"scroll\">" << svg.str()
      << "</div>\n<p><button type=\"button\" class=\"copy\" data-copy=\"mermaid\">Copy as Mermaid</button></p>\n"
      << "<pre id=\"mermaid\" class=\"mermaid-text\">" << html_escape(mermaid_sequence(report)) << "</pre></section>\n";
  return out.str();
}

}  // namespace ebsmock::harness::report
