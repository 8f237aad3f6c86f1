// envelope.cpp: see envelope.h.
#include "mock/envelope.h"

#include "contracts/world.h"

namespace ebsmock::mock {

std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Answer success_answer(nlohmann::json body, const std::string& request_id) {
  Answer a;
  a.status = 200;
  if (body.is_null() || (body.is_object() && body.empty())) {
    // Most writes answer with the RequestId alone: the same bytes without a DOM.
    // {"RequestId":"…"}: one allocation. The name's array counts its NUL, so the
    // punctuation's seven bytes are six more.
    a.body.reserve(sizeof(contracts::kRequestIdMember) + 6 + request_id.size());
    a.body = "{\"";
    a.body += contracts::kRequestIdMember;
    a.body += "\":";
    contracts::append_json_string(a.body, request_id);
    a.body += '}';
  } else {
    body[contracts::kRequestIdMember] = request_id;
    a.body = json_text(body);
  }
  a.headers.emplace_back("x-acs-request-id", request_id);
  return a;
}

std::pair<Answer, UnwrittenPage> success_answer_unwritten(contracts::PairPage page, const std::string& request_id) {
  std::pair<Answer, UnwrittenPage> out{Answer{}, UnwrittenPage{std::move(page), {}}};
  out.first.status = 200;
  out.first.headers.emplace_back("x-acs-request-id", request_id);
  contracts::append_json_string(out.second.request_id_json, request_id);
  return out;
}

void write_page_body(Answer& a, const UnwrittenPage& page) {
  a.body = page.page.write(contracts::kRequestIdMember).with_member(contracts::kRequestIdMember, page.request_id_json);
}

Answer error_answer(const contracts::ApiError& err, const std::string& request_id,
                    std::string_view host) {
  // Written directly, members in name order (the bytes a DOM would dump).
  contracts::JsonWriter w;
  w.begin_object();
  w.key("Code");
  w.value(std::string_view(err.code));
  w.key("HostId");
  w.value(host.empty() ? std::string_view("ebs.aliyuncs.com") : host);
  w.key("Message");
  w.value(std::string_view(err.message));
  w.key("Recommend");
  w.value("https://api.aliyun.com/troubleshoot?q=" + err.code + "&product=ebs&requestId=" + request_id);
  w.key(contracts::kRequestIdMember);
  w.value(std::string_view(request_id));
  w.end_object();
  Answer a;
  a.status = err.http_status;
  a.body = w.take();
  a.headers.emplace_back("x-acs-request-id", request_id);
  return a;
}

}  // namespace ebsmock::mock
