// upstream_routes.cpp: see upstream_routes.h.
#include "harness/record/upstream_routes.h"

#include <stdexcept>

namespace ebsmock::harness::record {
namespace {

std::string without_trailing_slash(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

// Region ids are lower-case letters, digits and '-' ("cn-hangzhou", "ap-southeast-1"):
// anything else would let a parameter steer the proxy to another host.
bool plausible_region(std::string_view region) {
  if (region.empty() || region.size() > 64) return false;
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

std::string UpstreamRoutes::check_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return "'" + std::string(url) + "' is not an http:// or https:// URL";
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') return "'" + std::string(url) + "' has no host";
  if (auto slash = rest.find('/'); slash != std::string_view::npos && rest.substr(slash) != "/") {
    return "'" + std::string(url) + "' has a path; RPC calls always go to /";
  }
  return "";
}

std::optional<std::pair<std::string, std::string>> UpstreamRoutes::parse_region_endpoint(std::string_view text,
                                                                                          std::string& error) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    error = "--region-endpoint wants REGION=URL, got '" + std::string(text) + "'";
    return std::nullopt;
  }
  std::string region(text.substr(0, eq));
  std::string url(text.substr(eq + 1));
  if (!plausible_region(region)) {
    error = "--region-endpoint: '" + region + "' is not a region id (like cn-hangzhou)";
    return std::nullopt;
  }
  if (auto why = check_url(url); !why.empty()) {
    error = "--region-endpoint " + region + ": " + why;
    return std::nullopt;
  }
  return std::pair{region, without_trailing_slash(url)};
}

UpstreamRoutes::UpstreamRoutes(std::string upstream, std::map<std::string, std::string, std::less<>> per_region)
    : upstream_(without_trailing_slash(std::move(upstream))), per_region_(std::move(per_region)) {
  if (!upstream_.empty()) {
    if (auto why = check_url(upstream_); !why.empty()) throw std::invalid_argument("--upstream: " + why);
  }
}

std::optional<std::string> UpstreamRoutes::resolve(std::string_view region) const {
  if (!upstream_.empty()) return upstream_;
  if (auto it = per_region_.find(region); it != per_region_.end()) return it->second;
  if (!plausible_region(region)) return std::nullopt;
  return "https://ebs." + std::string(region) + ".aliyuncs.com";
}

std::string UpstreamRoutes::describe() const {
  if (!upstream_.empty()) return "every call to " + upstream_;
  std::string out;
  for (const auto& [region, url] : per_region_) out += region + " to " + url + ", ";
  return out + "other regions to https://ebs.<RegionId>.aliyuncs.com";
}

}  // namespace ebsmock::harness::record
