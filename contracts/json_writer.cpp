// json_writer.cpp: see json_writer.h.
#include "contracts/json_writer.h"

#include <charconv>
#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace ebsmock::contracts {

namespace {

// [,]"s"[:] in one resize: the usual key and value (ids, names, statuses) need no escape,
// and a Describe item is some sixty of them, so per-character appends added up.
void append_plain(std::string& out, bool comma, std::string_view s, bool colon) {
  const std::size_t at = out.size();
  out.resize(at + comma + s.size() + 2 + colon);
  char* p = out.data() + at;
  if (comma) *p++ = ',';
  *p++ = '"';
  std::memcpy(p, s.data(), s.size());
  p += s.size();
  *p++ = '"';
  if (colon) *p = ':';
}

}  // namespace

// Printable ASCII without '"' or '\\': written as is, between quotes. Eight bytes at a
// time (every string value of a Describe answer passes here): a byte is < 0x20, '"',
// '\\' or >= 0x80 exactly when one of these word tests is non-zero (the "haszero" and
// "hasless" tests are exact as yes/no answers; only where they point may be off).
bool json_string_needs_no_escape(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;
    if ((x & kHighs) | below_space | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\'))) return false;
  }
  for (; n > 0; ++p, --n) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return false;
  }
  return true;
}

void append_json_string(std::string& out, std::string_view s) {
  if (json_string_needs_no_escape(s)) return append_plain(out, false, s, false);
  // Bytes >= 0x80 (UTF-8, or not): nlohmann decides, so that invalid sequences become
  // U+FFFD exactly as its dump does. ASCII, the usual case, is escaped here by its rules,
  // runs that need no escape appended whole.
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c >= 0x80) {
          out.resize(start);
          out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
          return;
        }
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0x0F];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

std::string JsonObjectText::with_member(std::string_view name, std::string_view value_text) && {
  if (text.empty()) {  // no object: an empty one
    text = "{}";
    slot = 1;
    member_before = false;
  }
  const bool member_after = text.size() > slot + 1;  // more than the closing brace follows
  std::string member;
  member.reserve(name.size() + value_text.size() + 4);
  if (member_before) member += ',';
  append_json_string(member, name);
  member += ':';
  member += value_text;
  if (!member_before && member_after) member += ',';
  text.insert(slot, member);
  return std::move(text);
}

void JsonWriter::mark_slot() {
  // A member written next puts its comma before itself, so the slot is here either way;
  // only whether a member came before it decides on which side the new member's comma goes.
  slot_ = out_.size();
  slot_after_member_ = comma_;
}

JsonObjectText JsonWriter::take_object() {
  if (!slot_) throw std::logic_error("JsonWriter::take_object: no slot was marked (mark_slot)");
  return JsonObjectText{std::move(out_), *slot_, slot_after_member_};
}

void JsonWriter::separate() {
  if (comma_) out_ += ',';
}

void JsonWriter::open(char c) {
  separate();
  out_ += c;
  comma_ = false;
}

void JsonWriter::close(char c) {
  out_ += c;
  comma_ = true;
}

void JsonWriter::computed_key(std::string_view name) {
  if (json_string_needs_no_escape(name)) {
    append_plain(out_, comma_, name, true);
  } else {
    separate();
    append_json_string(out_, name);
    out_ += ':';
  }
  comma_ = false;
}

void JsonWriter::key(JsonName name) {
  append_plain(out_, comma_, name.view(), true);
  comma_ = false;
}

void JsonWriter::value(std::string_view s) {
  if (json_string_needs_no_escape(s)) {
    append_plain(out_, comma_, s, false);
  } else {
    separate();
    append_json_string(out_, s);
  }
  comma_ = true;
}

void JsonWriter::value(std::int64_t n) {
  separate();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
  comma_ = true;
}

void JsonWriter::value(std::uint64_t n) {
  separate();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
  comma_ = true;
}

void JsonWriter::plain_member(std::string_view name, std::string_view text, bool quoted) {
  const std::size_t at = out_.size();
  out_.resize(at + comma_ + name.size() + 3 + text.size() + 2 * quoted);
  char* p = out_.data() + at;
  if (comma_) *p++ = ',';
  *p++ = '"';
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  *p++ = '"';
  *p++ = ':';
  if (quoted) *p++ = '"';
  std::memcpy(p, text.data(), text.size());
  p += text.size();
  if (quoted) *p = '"';
  comma_ = true;
}

void JsonWriter::member(JsonName name, std::string_view s) {
  if (!json_string_needs_no_escape(s)) {
    key(name);
    value(s);
    return;
  }
  plain_member(name.view(), s, /*quoted=*/true);
}

void JsonWriter::member(JsonName name, std::int64_t n) {
  char buf[24];
  plain_member(name.view(), std::string_view(buf, std::to_chars(buf, buf + sizeof buf, n).ptr), /*quoted=*/false);
}

void JsonWriter::member(JsonName name, bool b) {
  plain_member(name.view(), b ? std::string_view("true") : std::string_view("false"), /*quoted=*/false);
}

void JsonWriter::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  comma_ = true;
}

}  // namespace ebsmock::contracts
