// trace_sources.cpp: decompress, detect, read, normalise, merge, render, mask. Stateless.
#include "scenarios/trace/trace_sources.h"

#include <algorithm>
#include <filesystem>

#include "scenarios/loader/scenario_loader.h"
#include "scenarios/trace/decompress.h"
#include "scenarios/trace/trace_normalise.h"
#include "scenarios/trace/trace_readers.h"

namespace ebsmock::scenarios {

namespace {

std::string plural(int n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// Every occurrence of each id with all but its last four characters masked.
void mask_ids(std::string& text, std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& id : ids) {
    if (id.size() < 6) continue;
    const std::string masked = std::string(id.size() - 4, '*') + id.substr(id.size() - 4);
    for (auto pos = text.find(id); pos != std::string::npos; pos = text.find(id, pos + masked.size())) {
      text.replace(pos, id.size(), masked);
    }
  }
}

}  // namespace

std::vector<std::string> render_import_report(const std::vector<SourceReport>& reports,
                                              const std::vector<std::string>& notes) {
  std::vector<std::string> out = {"Import report"};
  for (const auto& r : reports) {
    int dropped = 0;
    for (const auto& [why, n] : r.dropped) dropped += n;
    out.push_back("  " + r.name + " (" + (r.format.empty() ? "?" : r.format) + "): " + plural(r.read, "call") +
                  " read, " + std::to_string(r.imported) + " imported, " + std::to_string(r.merged) +
                  " merged into another source's, " + std::to_string(dropped) + " dropped");
    for (const auto& [why, n] : r.dropped) out.push_back("    dropped " + std::to_string(n) + ": " + why);
    for (const auto& [what, n] : r.redacted) out.push_back("    removed " + std::to_string(n) + ": " + what);
    for (const auto& [what, n] : r.unknown) out.push_back("    unknown in " + std::to_string(n) + ": " + what);
    for (const auto& note : r.notes) out.push_back("    " + note);
  }
  for (const auto& n : notes) out.push_back("  " + n);
  return out;
}

TracesImportResult import_traces(const std::vector<TraceInput>& inputs, const TracesImportOptions& o) {
  TracesImportResult out;
  std::vector<std::vector<TraceRequest>> per_source;
  std::vector<std::string> account_ids, notes;
  for (const auto& input : inputs) {
    SourceReport report;
    report.name = input.name;
    std::vector<TraceRequest> requests;
    const Container container = sniff_container(input.bytes);
    Decompressed text = decompress(input.bytes, container, kMaxTraceBytes);
    if (!text.error.empty()) {
      out.problems.push_back({.path = input.name, .message = text.error});
    } else if (text.text.size() > kMaxTraceBytes) {
      out.problems.push_back({.path = input.name, .message = "larger than " + std::to_string(kMaxTraceBytes >> 20) +
                                                             " MiB: cut it down to the time of the case"});
    } else {
      std::string why;
      auto format = input.format ? input.format : detect_trace_format(text.text, why);
      if (!format) {
        out.problems.push_back({.path = input.name, .line = 1, .message = why});
      } else {
        report.format = std::string(to_string(*format));
        if (container != Container::Plain) report.notes.push_back(container == Container::Gzip ? "gzip" : "zlib");
        ReaderOptions ro{.zone = o.zone};
        ReadResult read = read_trace(*format, text.text, input.name, ro);
        for (auto& p : read.problems) out.problems.push_back(std::move(p));
        if (read.unlisted_problems > 0) {
          out.problems.push_back({.path = input.name,
                                  .message = std::to_string(read.unlisted_problems) + " more problems not shown"});
        }
        report.dropped = std::move(read.report.dropped);
        report.redacted = std::move(read.report.redacted);
        report.unknown = std::move(read.report.unknown);
        report.notes.insert(report.notes.end(), read.report.notes.begin(), read.report.notes.end());
        int dropped_by_reader = 0;
        for (const auto& [why_dropped, n] : report.dropped) dropped_by_reader += n;
        report.read = static_cast<int>(read.calls.size()) + dropped_by_reader;
        account_ids.insert(account_ids.end(), read.account_ids.begin(), read.account_ids.end());
        for (auto& call : read.calls) {
          if (auto r = normalise_call(std::move(call), input.name, report)) requests.push_back(std::move(*r));
        }
      }
    }
    out.reports.push_back(std::move(report));
    per_source.push_back(std::move(requests));
  }
  std::vector<TraceRequest> requests = merge_sources(std::move(per_source), out.reports, notes);
  if (!account_ids.empty()) {
    notes.push_back(o.mask_account_ids ? "account ids masked (--mask-account-ids)"
                                       : "account ids seen; --mask-account-ids masks them");
  }
  out.report = render_import_report(out.reports, notes);
  if (!out.problems.empty() && !o.skip_unreadable) return out;
  if (requests.empty()) {
    out.problems.push_back({.path = inputs.empty() ? std::string("import-trace") : inputs.front().name,
                            .message = "no EBS 2021-07-30 call to replay in " +
                                       plural(static_cast<int>(inputs.size()), "file") +
                                       " (see the import report)"});
    return out;
  }
  TraceImportOptions so = o.scenario;
  if (so.source_name == TraceImportOptions{}.source_name && !inputs.empty()) so.source_name = inputs.front().name;
  if (inputs.size() > 1 && so.name.empty()) so.name = std::filesystem::path(inputs.front().name).stem().string();
  so.report_lines = out.report;
  if (!out.problems.empty()) {
    so.report_lines.push_back("  unreadable records skipped (--skip-unreadable):");
    for (const auto& p : out.problems) so.report_lines.push_back("    " + p.to_string());
  }
  out.toml = render_replay_scenario(requests, so, out.warnings, &out.scenario);
  out.steps = static_cast<int>(requests.size());
  if (o.mask_account_ids) mask_ids(out.toml, account_ids);
  if (out.toml.size() > kMaxScenarioBytes) {
    out.problems.push_back({.path = so.source_name,
                            .message = "the scenario would be larger than 16 MiB, the limit of a scenario file; "
                                       "import only the calls of the case"});
    out.toml.clear();
  }
  return out;
}

}  // namespace ebsmock::scenarios
