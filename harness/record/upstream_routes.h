// upstream_routes.h: where `ebsmock record` forwards a call. `--upstream URL` sends every
// call there; otherwise a `--region-endpoint REGION=URL` for the call's RegionId; otherwise
// Alibaba's regional endpoint https://ebs.<RegionId>.aliyuncs.com (traces.md §5.3). A call
// without RegionId has no route unless --upstream is given.
// Immutable after construction; thread-safe for reading.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ebsmock::harness::record {

class UpstreamRoutes {
 public:
  // `upstream` "" = none. Throws std::invalid_argument for a URL that is not http(s)://host.
  UpstreamRoutes(std::string upstream, std::map<std::string, std::string, std::less<>> per_region);

  // Parses "REGION=URL"; nullopt with `error` set when it is not that.
  static std::optional<std::pair<std::string, std::string>> parse_region_endpoint(std::string_view text,
                                                                                   std::string& error);
  // "" when the URL is fine, else why not.
  static std::string check_url(std::string_view url);

  // The base URL ("https://ebs.cn-hangzhou.aliyuncs.com") for a call in `region`
  // ("" when the call has none); nullopt when there is no route.
  std::optional<std::string> resolve(std::string_view region) const;
  // One line for the banner.
  std::string describe() const;

 private:
  std::string upstream_;
  std::map<std::string, std::string, std::less<>> per_region_;
};

}  // namespace ebsmock::harness::record
