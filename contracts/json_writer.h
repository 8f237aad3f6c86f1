// json_writer.h: compact JSON text written straight into a string, for answers whose
// shape is fixed (a Describe listing), without building an nlohmann::json DOM first.
// The bytes are exactly what nlohmann's dump(-1, ' ', false, replace) gives for the same
// values when the caller writes object members in name (byte) order, as a DOM's
// std::map keeps them: tests compare the two. The caller keeps the order; the writer only
// places commas and escapes. Not thread-safe (one writer per answer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ebsmock::contracts {

// A member name known when the program is compiled, checked then to need no escape:
// the writer copies it with its quotes and colon in one append, where computed_key() scans and
// measures a name at run time. A Describe item is 29 such names.
class JsonName {
 public:
  template <std::size_t N>
  consteval JsonName(const char (&name)[N]) : name_(name, N - 1) {  // NOLINT: implicit on purpose
    for (const char c : name_) {
      const auto u = static_cast<unsigned char>(c);
      // Not a constant expression, so a name that would need escaping fails to compile.
      if (u < 0x20 || c == '"' || c == '\\' || u >= 0x80) throw "JsonName: the name needs escaping";
    }
  }
  std::string_view view() const { return name_; }

 private:
  std::string_view name_;
};

// A JSON object's text with a place kept, in name order, for one more member whose value
// is known only later (JsonWriter::mark_slot): the model writes a Describe body, and the
// envelope adds the exchange's RequestId. Adding it moves only the members after the
// place, without a reallocation when the writer reserved room for it.
struct JsonObjectText {
  std::string text;            // the whole object, "{...}"; empty: there is none
  std::size_t slot = 0;        // the offset where the member goes
  bool member_before = false;  // a member precedes the slot, so the new one follows a comma

  bool empty() const { return text.empty(); }
  // The text with `"name":value_text` at the slot (`value_text`: the value's JSON text);
  // `{"name":value_text}` when there is no text.
  std::string with_member(std::string_view name, std::string_view value_text) &&;
};

class JsonWriter {
 public:
  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // The name of the next member; the value follows with value() or begin_*().
  void key(JsonName name);
  // The same for a name computed at run time (escaped when it needs to be).
  void computed_key(std::string_view name);
  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(std::int64_t n);
  void value(std::uint64_t n);
  void value(bool b);
  // key(name) then value(v), written in one append when the value needs no escape: a
  // Describe item is some thirty members, each two appends otherwise.
  void member(JsonName name, std::string_view s);
  void member(JsonName name, std::int64_t n);
  void member(JsonName name, bool b);

  // Keeps the place of one more member, where its name falls in the name order of the
  // object being written (the outermost one, which the text must end with).
  void mark_slot();

  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }
  // The object written, with the place mark_slot() kept. Throws std::logic_error when
  // mark_slot() was never called: the slot would be nowhere in the object.
  JsonObjectText take_object();

 private:
  void separate();
  void open(char c);
  void close(char c);
  // `"name":` then `text` (a value's JSON text, written as is), after a comma if needed.
  void plain_member(std::string_view name, std::string_view text, bool quoted);

  std::string out_;
  bool comma_ = false;  // a value was written at this level: the next one needs a comma
  std::optional<std::size_t> slot_;
  bool slot_after_member_ = false;
};

// Whether `s` goes between quotes as it is: printable ASCII without '"' or '\\'.
bool json_string_needs_no_escape(std::string_view s);

// `s` as a JSON string literal, appended to `out` (quotes included).
void append_json_string(std::string& out, std::string_view s);

}  // namespace ebsmock::contracts
