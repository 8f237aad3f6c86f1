// sdk_error_text.h: the error text every Alibaba tool prints when a call fails, read into
// its fields: Terraform's "Resource ID ACTION Failed!!! [SDK ...]:" followed by the Tea
// "SDKError:" block (StatusCode, Code, Message, Data) and the Go V1 core / aliyun CLI
// "ERROR: SDK.ServerError" block (ErrorCode, RequestId, Message; no status) (traces.md
// §3.1, §4.3). Used by the Terraform log and the error-text readers. Stateless.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ebsmock::scenarios {

struct SdkErrorText {
  int first_line = 0;          // 1-based line where the error starts
  std::string action;          // from "... ACTION Failed!!!"; "" when the text has none
  std::string resource;        // Terraform's resource id or type before the action
  std::optional<int> status;   // Tea's StatusCode; the CLI prints none
  std::string code, message, request_id;
  std::optional<std::string> data;  // Tea's Data: the response body
};

// Whether a (prefix-stripped) line starts an error text.
bool starts_sdk_error(const std::string& message);

// Reads the error starting at messages[i] (line numbers in `numbers`), advancing i past
// its last line.
SdkErrorText read_sdk_error(const std::vector<std::string>& messages, const std::vector<int>& numbers,
                            std::size_t& i);

}  // namespace ebsmock::scenarios
