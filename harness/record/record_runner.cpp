// record_runner.cpp: see record_runner.h.
#include "harness/record/record_runner.h"

#include <optional>

#include "mock/version.h"

namespace ebsmock::harness::record {

int run_recorder(RecordConfig config, std::stop_token stop, std::ostream& out, std::ostream& err) {
  std::optional<TraceWriter> trace;
  try {
    trace.emplace(config.trace_file);
  } catch (const std::exception& e) {
    err << "ebsmock record: " << e.what() << "\n";
    return 2;
  }
  const std::string routes = config.proxy.routes.describe();
  const bool allow_write = config.proxy.allow_write;
  const std::string key_id = config.proxy.credentials.access_key_id;
  const std::string key_source = config.proxy.credentials.source;
  RecordingProxy proxy(std::move(config.proxy), *trace, err);
  mock::HttpServer server(proxy, config.http);
  const int port = server.bind(config.host, config.port);
  if (port < 0) {
    err << "ebsmock record: cannot listen on " << config.host << ":" << config.port << "\n";
    return 2;
  }
  out << "listening on http://" << config.host << ":" << port << std::endl;
  err << "ebsmock " << version() << " record: forwarding " << routes << "; signing as AccessKeyId " << key_id
      << " (from " << key_source << "); "
      << (allow_write ? "mutating calls ARE forwarded (--allow-write)" : "mutating calls are refused (read-only)")
      << "; trace " << (config.trace_file.empty() ? "not written (no --trace-file)" : config.trace_file) << "\n";
  bool clean;
  {
    // HttpServer::stop() is safe before run() starts, so no stop can be lost here.
    std::stop_callback on_stop(stop, [&] { server.stop(); });
    clean = server.run();
  }
  err << "ebsmock record: stopped after " << trace->written() << " calls\n";
  return clean ? 0 : 2;
}

}  // namespace ebsmock::harness::record
