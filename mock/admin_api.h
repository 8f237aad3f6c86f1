// admin_api.h: the control plane under /__admin/ on the mock's own port: health, reset,
// the journal, the pairs, groups and drills (with their pending transitions), the virtual
// clock, fault rules, the replay script and the
// scenario; the dashboard's page (GET /__admin/ui, given by whoever builds the server:
// the mock only serves it) and its event stream (GET /__admin/events, event_stream.h).
// It owns the admin JSON views of the Service's state. Answers loopback peers only
// (tests and drills run on the same machine; the journal is not for the network) unless
// a token is set, which every caller must then present: as the x-ebsmock-admin-token
// header, a Bearer token, or the cookie that GET /__admin/ui?token=T sets (a browser's
// EventSource cannot send headers).
// Thread-safe (delegates to the Service; the stream bound is atomic).
#pragma once

#include <string>

#include <functional>
#include <optional>

#include "mock/connection_action.h"
#include "mock/event_stream.h"
#include "mock/rpc_request.h"
#include "mock/service.h"

namespace ebsmock::mock {

inline constexpr std::string_view kAdminPrefix = "/__admin/";

inline constexpr std::string_view kAdminCookie = "ebsmock_admin";

bool is_loopback(std::string_view remote_addr);

// The drill's verdict over the service's journal so far (drill_verdict.h); null when the
// scenario has no [expect]. `over`: the drill has ended, so what has not happened yet
// has failed.
nlohmann::json drill_json(Service& service, bool over);

struct AdminOptions {
  // Required on admin calls when set; then any peer may call (see above).
  std::string token;
  // GET /__admin/ui; 404 when absent (the mock has no page of its own).
  std::optional<Answer> ui_page;
  EventStreamOptions events;
  // Draws a drill's verdict JSON (drill_verdict.h) as a one-file HTML page, for GET
  // /__admin/drill/report; 404 when absent (the renderer lives in the harness).
  std::function<std::string(const nlohmann::json&)> render_report;
};

class AdminApi {
 public:
  explicit AdminApi(Service& service, AdminOptions options = {});
  explicit AdminApi(Service& service, std::string token) : AdminApi(service, AdminOptions{.token = std::move(token)}) {}
  // Every admin route but the event stream.
  Answer handle(const RawRequest& raw);
  // Every admin route: the event stream as a StreamChunks, the rest as handle() answers.
  ConnectionAction serve(const RawRequest& raw);
  // What a `state` event carries: {"health", "faults", "pairs", "groups", "drills"}, and
  // "drill_verdict" ({"verdict", "checks"}) when the scenario has [expect].
  nlohmann::json state_json();
  std::size_t open_streams() const { return slots_.open(); }

 private:
  std::optional<Answer> refusal(const RawRequest& raw) const;
  bool authorized(const RawRequest& raw) const;
  nlohmann::json health_json();
  nlohmann::json pairs_json();
  nlohmann::json groups_json();
  nlohmann::json drills_json();

  Service& service_;
  std::string token_;
  std::optional<Answer> ui_page_;
  EventStreamOptions events_;
  std::function<std::string(const nlohmann::json&)> render_report_;
  JournalTexts journal_texts_;
  StreamSlots slots_;
};

}  // namespace ebsmock::mock
