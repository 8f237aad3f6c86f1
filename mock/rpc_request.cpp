// rpc_request.cpp: query/form decoding and merging.
#include "mock/rpc_request.h"

#include <algorithm>
#include <cctype>

namespace ebsmock::mock {
using contracts::header_value;
using contracts::iequals;

namespace {

bool is_form_content_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string_view mime = content_type.substr(0, semi);
  while (!mime.empty() && mime.back() == ' ') mime.remove_suffix(1);
  return iequals(mime, "application/x-www-form-urlencoded");
}

// Which parameter of `text` is malformed, for the error message.
std::string first_malformed_name(std::string_view text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t amp = text.find('&', start);
    if (amp == std::string_view::npos) amp = text.size();
    std::string_view seg = text.substr(start, amp - start);
    if (!contracts::percent_decode(seg, true)) {
      std::string_view name = seg.substr(0, seg.find('='));
      auto decoded = contracts::percent_decode(name, true);
      return decoded ? *decoded : std::string("(query)");
    }
    start = amp + 1;
  }
  return "(query)";
}

}  // namespace

std::variant<RpcRequest, contracts::ApiError> parse_rpc_request(
    const RawRequest& raw, const contracts::ErrorCatalogue& errors) {
  RpcRequest req;
  req.raw = &raw;
  req.method = raw.method;
  std::string_view target = raw.target;
  auto qmark = target.find('?');
  std::string_view raw_path = target.substr(0, qmark);
  std::string_view raw_query = qmark == std::string_view::npos ? "" : target.substr(qmark + 1);
  auto path = contracts::percent_decode(raw_path, false);
  if (!path) return errors.make(contracts::codes::kInvalidParameter, "(path)");
  req.path = path->empty() ? "/" : *path;

  auto query = contracts::parse_urlencoded(raw_query);
  if (!query) {
    return errors.make(contracts::codes::kInvalidParameter, first_malformed_name(raw_query));
  }
  req.query = std::move(*query);
  if (!raw.body.empty() && is_form_content_type(header_value(raw.headers, "content-type"))) {
    auto form = contracts::parse_urlencoded(raw.body);
    if (!form) {
      return errors.make(contracts::codes::kInvalidParameter, first_malformed_name(raw.body));
    }
    req.form = std::move(*form);
  }
  for (const auto* list : {&req.query, &req.form}) {
    for (const auto& [name, value] : *list) {
      // Choice: a parameter given twice is ambiguous (which value did the client sign?),
      // so it is refused rather than silently picking one.
      if (!req.params.emplace(name, value).second) {
        return errors.make(contracts::codes::kInvalidParameter, name,
                           "The parameter " + name + " is specified more than once.");
      }
    }
  }
  auto find = [&](std::string_view name) -> std::string {
    auto it = req.params.find(name);
    return it == req.params.end() ? std::string() : it->second;
  };
  req.action = find("Action");
  if (req.action.empty()) req.action = header_value(raw.headers, "x-acs-action");
  req.version = find("Version");
  if (req.version.empty()) req.version = header_value(raw.headers, "x-acs-version");
  return req;
}

}  // namespace ebsmock::mock
