// html_text.h: the two ways text enters the HTML report. Everything a client, a driver or
// a scenario said goes through html_escape (element text and quoted attribute values);
// the JSON report goes into its data island through script_json, which keeps `</script>`,
// `<!--`, and U+2028/U+2029 from ending or confusing the script element while staying the
// same JSON. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ebsmock::harness::report {

// & < > " ' as entities; invalid UTF-8 bytes as U+FFFD.
std::string html_escape(std::string_view text);

// `j` as JSON text that is safe inside <script type="application/json">: '<', '>', '&',
// U+2028 and U+2029 as \u escapes (JSON.parse gives back exactly `j`).
std::string script_json(const nlohmann::json& j);

}  // namespace ebsmock::harness::report
