// connection_action.h: what the HTTP layer must do with a connection once a request has
// been handled: the mock's one runtime type for it. Produced by the pipeline's render
// stage (faults included: a gateway HTML page or malformed JSON are plain answers) and by
// the admin API; carried out by HttpServer in one place. The scenario file's Transport
// enum is mapped onto it once, by the render stage, and goes no further.
// Plain value types (a StreamChunks shares its source).
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
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

// Where a streamed answer's body comes from, one chunk at a time, on the worker that
// writes it. next() blocks until a chunk is ready and returns nullopt to end the answer;
// it must return soon once `stop` (the server stopping) is requested.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  virtual std::optional<std::string> next(std::stop_token stop) = 0;
};

// Write the answer's status and headers, then the source's chunks (chunked encoding)
// until it ends, the peer leaves or the server stops: the admin API's event stream.
struct StreamChunks {
  Answer head;  // status, content type, headers; its body is ignored
  std::shared_ptr<ChunkSource> source;
};

using ConnectionAction = std::variant<Respond, RespondTruncated, DropConnection, HoldThenDrop, StreamChunks>;

// Whether the client receives an HTTP status line at all (the journal records 0 if not).
inline bool answers(const ConnectionAction& a) {
  return std::holds_alternative<Respond>(a) || std::holds_alternative<RespondTruncated>(a) ||
         std::holds_alternative<StreamChunks>(a);
}

}  // namespace ebsmock::mock
