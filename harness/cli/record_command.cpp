// record_command.cpp: `ebsmock record`: flags and environment onto record::RecordConfig,
// checked before anything listens (exit 2 with the reason); the lifecycle itself is
// record::run_recorder (harness/record/record_runner.h). Runs once, on the main thread.
#include <iostream>
#include <map>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/cli/listen_address.h"
#include "harness/cli/stop_signals.h"
#include "harness/record/record_runner.h"

namespace ebsmock::cli {
namespace {

struct RecordFlags {
  std::string upstream;
  ListenAddress listen;
  std::string trace_file;
  bool allow_write = false;
  std::vector<std::string> region_endpoints;
};

int record(const RecordFlags& flags) {
  auto credentials = harness::record::credentials_from_environment();
  if (!credentials) {
    std::cerr << "ebsmock record: no credentials to re-sign with: set ALIBABA_CLOUD_ACCESS_KEY_ID and "
                 "ALIBABA_CLOUD_ACCESS_KEY_SECRET (or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY)\n";
    return 2;
  }
  std::map<std::string, std::string, std::less<>> per_region;
  for (const auto& text : flags.region_endpoints) {
    std::string error;
    auto parsed = harness::record::UpstreamRoutes::parse_region_endpoint(text, error);
    if (!parsed) {
      std::cerr << "ebsmock record: " << error << "\n";
      return 2;
    }
    per_region[parsed->first] = parsed->second;
  }
  if (!flags.upstream.empty()) {
    if (auto why = harness::record::UpstreamRoutes::check_url(flags.upstream); !why.empty()) {
      std::cerr << "ebsmock record: --upstream " << why << "\n";
      return 2;
    }
  }
  harness::record::RecordConfig config{
      .host = flags.listen.host,
      .port = flags.listen.port,
      .trace_file = flags.trace_file,
      .proxy = {.routes = harness::record::UpstreamRoutes(flags.upstream, std::move(per_region)),
                .credentials = std::move(*credentials),
                .allow_write = flags.allow_write}};
  return run_until_signalled([&](std::stop_token stop) {
    return harness::record::run_recorder(std::move(config), stop, std::cout, std::cerr);
  });
}

}  // namespace

void add_record_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<RecordFlags>();
  auto* cmd = app.add_subcommand(
      "record",
      "Record a client's calls against a real endpoint: a proxy that re-signs every attempt with "
      "ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET (or ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY, optional "
      "*_SECURITY_TOKEN), forwards it once and traces it as journal JSON lines for import-trace; "
      "mutating calls are refused unless --allow-write");
  cmd->add_option("--upstream", flags->upstream,
                  "Forward every call to this URL (default: https://ebs.<RegionId>.aliyuncs.com per call)");
  cmd->add_option("--region-endpoint", flags->region_endpoints,
                  "REGION=URL: forward calls of this region there (repeatable; --upstream wins)");
  add_listen_options(cmd, flags->listen);
  cmd->add_option("--trace-file", flags->trace_file,
                  "Append every exchange to this file as journal JSON lines, flushed per entry");
  cmd->add_flag("--allow-write", flags->allow_write,
                "Forward mutating calls too (they change the real service's state)");
  cmd->callback([flags, &exit_code] { exit_code = record(*flags); });
}

}  // namespace ebsmock::cli
