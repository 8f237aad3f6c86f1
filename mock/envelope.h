// envelope.h: the documented shapes of the emulated service's answers: a success is the
// operation's JSON body plus RequestId; an error has a non-2xx status and RequestId,
// HostId, Code, Message and Recommend, because pop-core ignores the status and the
// openapi cores ignore a Code inside a 2xx (sdk-wire.md §8.5). Every answer carries the
// x-acs-request-id header. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "contracts/error_catalogue.h"
#include "contracts/json_writer.h"
#include "contracts/pair_page.h"
#include "mock/connection_action.h"

namespace ebsmock::mock {

Answer success_answer(nlohmann::json body, const std::string& request_id);

// A success whose body is a page of pairs (contracts::BodyForm::Page), written when the
// caller likes: the Service writes it after letting go of its lock. What the writing needs.
struct UnwrittenPage {
  contracts::PairPage page;
  std::string request_id_json;  // the RequestId as a JSON string literal
};
// The answer to `page` without its body yet, and the page with what its body needs.
std::pair<Answer, UnwrittenPage> success_answer_unwritten(contracts::PairPage page, const std::string& request_id);
// Writes the page into `a`'s body: RequestId fills the slot the page's text keeps in name
// order, so the bytes are those of the DOM form with RequestId added.
void write_page_body(Answer& a, const UnwrittenPage& page);
Answer error_answer(const contracts::ApiError& err, const std::string& request_id,
                    std::string_view host);

// JSON text of a body that may hold client bytes (parameters need not be UTF-8):
// invalid sequences become U+FFFD instead of making dump() throw.
std::string json_text(const nlohmann::json& j);

}  // namespace ebsmock::mock
