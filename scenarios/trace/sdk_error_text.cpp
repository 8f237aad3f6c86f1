// sdk_error_text.cpp: key/value error blocks. Stateless.
#include "scenarios/trace/sdk_error_text.h"

#include <nlohmann/json.hpp>

namespace ebsmock::scenarios {

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

// "code: 403, The operation ... request id: 5D2A..." -> the message and the request id.
void tea_message(const std::string& text, SdkErrorText& e) {
  std::string m = text;
  if (m.starts_with("code: ")) {
    const auto comma = m.find(", ");
    if (comma != std::string::npos) m = m.substr(comma + 2);
  }
  if (const auto rid = m.rfind(" request id: "); rid != std::string::npos) {
    if (e.request_id.empty()) e.request_id = trim(m.substr(rid + 13));
    m.resize(rid);
  }
  e.message = trim(m);
}

}  // namespace

bool starts_sdk_error(const std::string& m) {
  return m.find("Failed!!!") != std::string::npos || m.starts_with("ERROR: SDK.ServerError") ||
         m == "SDKError:" || m.starts_with("Error: SDK.ServerError");
}

SdkErrorText read_sdk_error(const std::vector<std::string>& messages, const std::vector<int>& numbers,
                            std::size_t& i) {
  SdkErrorText e;
  e.first_line = numbers[i];
  const std::string& head = messages[i];
  if (const auto failed = head.find(" Failed!!!"); failed != std::string::npos) {
    // "... Resource <id|type> <Action> Failed!!! [SDK ...]:"
    const std::string before = head.substr(0, failed);
    const auto action_start = before.rfind(' ');
    e.action = before.substr(action_start + 1);
    const auto res = before.rfind("Resource ", action_start);
    if (res != std::string::npos) e.resource = trim(before.substr(res + 9, action_start - res - 9));
  }
  ++i;
  for (; i < messages.size(); ++i) {
    const std::string line = trim(messages[i]);
    if (line.empty() || line == "SDKError:" || line == "SDK.ServerError" || line.starts_with("ERROR: SDK.")) {
      if (line.empty() && e.code.empty() && e.message.empty()) continue;
      if (line.empty()) break;
      continue;
    }
    const auto colon = line.find(": ");
    if (colon == std::string::npos) break;
    const std::string key = line.substr(0, colon);
    const std::string value = trim(line.substr(colon + 2));
    if (key == "StatusCode") {
      try {
        e.status = std::stoi(value);
      } catch (...) {
      }
    } else if (key == "Code" || key == "ErrorCode") {
      e.code = value;
    } else if (key == "Message") {
      tea_message(value, e);
    } else if (key == "RequestId") {
      e.request_id = value;
    } else if (key == "Data") {
      const auto j = nlohmann::json::parse(value, nullptr, false);
      if (j.is_object()) {
        e.data = j.dump();
        if (j.contains("Message") && j["Message"].is_string()) e.message = j["Message"].get<std::string>();
        if (j.contains("RequestId") && j["RequestId"].is_string()) e.request_id = j["RequestId"].get<std::string>();
      }
    } else if (key == "Recommend") {
      // the troubleshooting link: nothing a replay needs
    } else {
      break;
    }
  }
  return e;
}

}  // namespace ebsmock::scenarios
