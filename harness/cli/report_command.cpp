// report_command.cpp: `ebsmock report render REPORT.json [-o REPORT.html]`: the HTML page
// of a contract run from its JSON report (a CI artefact), the same bytes `contract --html`
// writes for that run. A file that is not a JSON report is an error with its position.
// Exit 0 written, 2 on bad input. Runs once, on the main thread.
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/report/html_report.h"
#include "scenarios/trace/log_text.h"
#include "scenarios/trace/trace_readers.h"

namespace ebsmock::cli {
namespace {

struct RenderOptions {
  std::string input;
  std::string output;
};

int render(const RenderOptions& opts) {
  std::ifstream in(opts.input, std::ios::binary);
  if (!in) {
    std::cerr << "ebsmock report render: " << opts.input << ": cannot open\n";
    return 2;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const auto [line, col] = scenarios::line_col(text, e.byte > 0 ? e.byte - 1 : 0);
    std::cerr << opts.input << ":" << line << ":" << col << ": not JSON: " << scenarios::json_error_text(e) << "\n";
    return 2;
  }
  // A `contract --concurrent` report has its own page (mode "concurrent", no checks table).
  const bool concurrent = report.is_object() && report.value("mode", "") == "concurrent" && report.contains("verdict");
  if (!concurrent &&
      (!report.is_object() || !report.contains("verdict") || !report.contains("checks") || !report["checks"].is_array())) {
    std::cerr << opts.input << ":1:1: not an ebsmock contract report (no \"verdict\" and \"checks\"); write one with "
              << "`ebsmock contract ... --report FILE`\n";
    return 2;
  }
  std::string html;
  try {
    html = concurrent ? harness::report::render_concurrent_html(report) : harness::report::render_html_report(report);
  } catch (const nlohmann::json::exception& e) {
    std::cerr << opts.input << ": a member of the report has the wrong type: " << e.what() << "\n";
    return 2;
  }
  if (opts.output.empty() || opts.output == "-") {
    std::cout << html;
    return 0;
  }
  std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
  out << html;
  out.close();
  if (!out) {
    std::cerr << "ebsmock report render: cannot write " << opts.output << "\n";
    return 2;
  }
  std::cerr << "ebsmock report render: wrote " << opts.output << "\n";
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("report", "Work with contract reports");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<RenderOptions>();
  auto* render_cmd = cmd->add_subcommand("render", "Turn a contract run's JSON report into its one-file HTML page");
  render_cmd->add_option("report", opts->input, "The JSON report (ebsmock contract --report FILE)")->required();
  render_cmd->add_option("-o,--output", opts->output, "Where to write the page (default: stdout)");
  render_cmd->callback([opts, &exit_code] { exit_code = render(*opts); });
}

}  // namespace ebsmock::cli
