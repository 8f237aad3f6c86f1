// trace_format.h: which artefact a file is (traces.md §0): each format's name for
// --format, and detection from the content alone (file names lie: an OSS export is
// ".gz" whatever it holds). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebsmock::scenarios {

enum class TraceFormat {
  JsonLines,    // ebsmock's own request log (scenarios/traces/)
  Journal,      // ebsmock's journal: --journal-file lines or GET /__admin/journal
  ActionTrail,  // a bare event, a LookupEvents envelope, an SLS array, NDJSON, CloudEvents
  Har,          // HAR 1.2
  NodeHttpx,    // Node SDKs with DEBUG=httpx:*
  GoSdk,        // Go SDK / aliyun CLI with DEBUG=sdk (and Go Tea's DEBUG=tea)
  PythonSdk,    // Python SDKs with DEBUG=sdk
  Terraform,    // TF_LOG=DEBUG with DEBUG=terraform
  ErrorText,    // the final Terraform / aliyun CLI / Tea SDK error text
};

std::string_view to_string(TraceFormat f);
std::optional<TraceFormat> parse_trace_format(std::string_view name);
// Every name, for usage text.
std::vector<std::string_view> trace_format_names();

// The format of decompressed `text`, or nullopt with `why` set.
std::optional<TraceFormat> detect_trace_format(std::string_view text, std::string& why);

}  // namespace ebsmock::scenarios
