// connection_action.h: what the HTTP layer must do with a connection once a request has
// been handled: the mock's one runtime type for it. Produced by the pipeline's render
// stage (faults included: a gateway HTML page or malformed JSON are plain answers) and by
// the admin API; carried out by HttpServer in one place. The scenario file's Transport
// enum is mapped onto it once, by the render stage, and goes no further.
// Plain value types.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "contracts/wire.h"
#include "contracts/time.h"

namespace ebsmock::mock {

inline constexpr std::string_view kJsonContentType = "application/json;charset=utf-8";

// An HTTP answer.
struct Answer {
  int status = 200;
  std::string body;
  std::string content_type{kJsonContentType};
  contracts::HeaderList headers;
};

// Write the answer.
struct Respond {
  Answer answer;
};
// Write the headers (with the full Content-Length) and half of the body, then close: a
// proxy or peer that died mid-answer.
struct RespondTruncated {
  Answer answer;
};
// Write nothing and release the connection: with an RST (`reset`), or a FIN.
struct DropConnection {
  bool reset = false;
};
// Write nothing; hold the connection until the peer gives up, `cap` passes on the wait
// clock, or the server stops; then close it (FIN).
struct HoldThenDrop {
  contracts::Duration cap{0};
};

using ConnectionAction = std::variant<Respond, RespondTruncated, DropConnection, HoldThenDrop>;

// Whether the client receives an HTTP status line at all (the journal records 0 if not).
inline bool answers(const ConnectionAction& a) {
  return std::holds_alternative<Respond>(a) || std::holds_alternative<RespondTruncated>(a);
}

}  // namespace ebsmock::mock
