// envelope.h: the documented shapes of the emulated service's answers: a success is the
// operation's JSON body plus RequestId; an error has a non-2xx status and RequestId,
// HostId, Code, Message and Recommend, because pop-core ignores the status and the
// openapi cores ignore a Code inside a 2xx (sdk-wire.md §8.5). Every answer carries the
// x-acs-request-id header. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "contracts/error_catalogue.h"
#include "contracts/json_writer.h"
#include "mock/connection_action.h"

namespace ebsmock::mock {

Answer success_answer(nlohmann::json body, const std::string& request_id);
// The same for a body the model wrote as text (contracts::BodyForm::Text): RequestId
// fills the slot it kept in name order, so the bytes are those of the DOM form.
Answer success_answer_text(contracts::JsonObjectText body, const std::string& request_id);
Answer error_answer(const contracts::ApiError& err, const std::string& request_id,
                    std::string_view host);

// JSON text of a body that may hold client bytes (parameters need not be UTF-8):
// invalid sequences become U+FFFD instead of making dump() throw.
std::string json_text(const nlohmann::json& j);

}  // namespace ebsmock::mock
