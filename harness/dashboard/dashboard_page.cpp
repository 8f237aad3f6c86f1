// dashboard_page.cpp: see dashboard_page.h. The page is a skeleton of empty panels whose
// ids and classes dashboard.js fills; only the state machines are drawn here, by the
// report's coverage panel, so both pages show the same diagram.
#include "harness/dashboard/dashboard_page.h"

#include <sstream>

#include "contracts/crypto.h"
#include "harness/dashboard/dashboard_assets.h"
#include "harness/report/html_text.h"
#include "harness/report/panels.h"
#include "harness/report/report_assets.h"

namespace ebsmock::harness::dashboard {
namespace {

std::string styles() { return std::string(report::report_css()) + std::string(dashboard_css()); }

std::string machines() {
  // Every machine drawn, each edge unvisited until the journal says otherwise.
  const nlohmann::json empty = {{"coverage", {{"pair", nlohmann::json::object()},
                                              {"group", nlohmann::json::object()},
                                              {"drill", nlohmann::json::object()}}}};
  return report::coverage_panel(empty);
}

}  // namespace

std::string dashboard_csp() {
  return "default-src 'none'; connect-src 'self'; img-src data:; style-src 'sha256-" +
         contracts::crypto::sha256_base64(styles()) + "'; script-src 'sha256-" +
         contracts::crypto::sha256_base64(std::string(dashboard_js())) +
         "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

std::string dashboard_html(const DashboardInfo& info) {
  std::ostringstream out;
  out << "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"ebsmock\">\n<title>ebsmock dashboard</title>\n<style>" << styles()
      << "</style>\n</head>\n<body class=\"dashboard\">\n"
      << "<header class=\"verdict\" id=\"status\" data-scenario-file=\"" << report::html_escape(info.scenario_file)
      << "\">\n<h1>ebsmock <span id=\"scenario\"></span> <span class=\"chip\" id=\"stream-state\">connecting</span>"
         " <span class=\"chip\" id=\"drill-verdict\" hidden></span></h1>\n"
         "<p class=\"facts\">seed <code id=\"seed\"></code> \u00b7 clock <code id=\"clock\"></code> "
         "<button type=\"button\" data-advance=\"1s\">+1 s</button> <button type=\"button\" data-advance=\"30s\">+30 s"
         "</button> <button type=\"button\" id=\"advance-next\">next transition</button> \u00b7 <span id=\"req-rate\">"
         "0</span> req/s \u00b7 answers: <span id=\"answers\"></span> \u00b7 journal <span id=\"journal-use\"></span> "
         "<button type=\"button\" id=\"follow\" aria-pressed=\"true\">pause</button> "
         "<button type=\"button\" id=\"save-report\">save report</button></p>\n"
         "<p class=\"warnings\" id=\"notice\" hidden></p>\n</header>\n<main>\n"
         "<section id=\"pairs\"><h2>Pairs and groups</h2><div class=\"cards\" id=\"pair-cards\"></div>"
         "<div class=\"cards\" id=\"group-cards\"></div></section>\n"
         "<section id=\"journal\"><h2>Live journal <small id=\"journal-summary\" data-entries=\"0\" data-rows=\"0\">"
         "</small></h2>\n<form class=\"filters\" id=\"filters\">"
         "<label>action <input name=\"action\" id=\"filter-action\"></label> "
         "<label>pair <input name=\"pair\" id=\"filter-pair\"></label> "
         "<label>group <input name=\"group\" id=\"filter-group\"></label> "
         "<label>status <input name=\"status\" id=\"filter-status\"></label> "
         "<label>rule <input name=\"rule\" id=\"filter-rule\"></label> "
         "<label>token <input name=\"token\" id=\"filter-token\"></label></form>\n"
         "<div class=\"journal-head\"><span>seq</span><span>time</span><span>action</span><span>resource</span>"
         "<span>answer</span><span>fault</span><span>token</span></div>\n"
         "<div class=\"journal-view\" id=\"journal-view\"><div class=\"journal-spacer\" id=\"journal-spacer\"></div>"
         "</div>\n<div class=\"details\" id=\"details\" hidden><h3 id=\"details-title\"></h3>"
         "<button type=\"button\" id=\"copy-curl\">copy as curl</button> <button type=\"button\" id=\"close-details\">"
         "close</button><pre id=\"details-curl\"></pre><pre id=\"details-body\"></pre></div>\n</section>\n"
         "<section id=\"faults\"><h2>Fault rules</h2>\n<table class=\"rules\"><thead><tr><th>id</th><th>match</th>"
         "<th>does</th><th>matched</th><th>fired</th><th>fired over time</th><th></th></tr></thead>"
         "<tbody id=\"rule-rows\"></tbody></table>\n<h3>Add rules</h3><p>Paste <code>[[fault]]</code> TOML (as in a "
         "scenario); nothing is applied unless all of it is valid.</p>\n<textarea id=\"rule-toml\" rows=\"6\" "
         "cols=\"70\" spellcheck=\"false\"></textarea><br><button type=\"button\" id=\"add-rule\">add</button>\n"
         "<pre class=\"lint\" id=\"rule-errors\" hidden></pre>\n</section>\n"
         "<section id=\"outcomes\"><h2>Outcomes over time</h2><p>Answers per virtual second by outcome; shaded: "
         "a fault rule fired; ticks: the clock was moved.</p><div class=\"scroll\"><svg id=\"outcome-chart\" "
         "xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"180\" role=\"img\" aria-label=\"outcomes over "
         "time\"></svg></div></section>\n"
      << machines()
      << "</main>\n<script>" << dashboard_js() << "</script>\n</body>\n</html>\n";
  return out.str();
}

mock::Answer dashboard_answer(const DashboardInfo& info) {
  mock::Answer a;
  a.status = 200;
  a.content_type = "text/html;charset=utf-8";
  a.body = dashboard_html(info);
  a.headers.emplace_back("Content-Security-Policy", dashboard_csp());
  a.headers.emplace_back("Cache-Control", "no-store");
  a.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return a;
}

}  // namespace ebsmock::harness::dashboard
