// journal_packing.cpp: see journal_packing.h.
#include "mock/journal_packing.h"

#include <cstring>
#include <type_traits>

namespace ebsmock::mock {

namespace {

// A text's length: one byte below 255, else 255 and four bytes. Most of an entry's texts
// (names, ids, times) are short, so this saves ~3 bytes on each of ~25 texts.
constexpr std::uint8_t kLongText = 255;

std::size_t length_size(std::size_t n) { return n < kLongText ? 1 : 1 + sizeof(std::uint32_t); }

// The three ways over the layout. kReads tells layout() which way the values flow.
struct Sizer {
  static constexpr bool kReads = false;
  std::size_t size = 0;
  void write(const void*, std::size_t n) { size += n; }
  void text(std::string_view s) { size += length_size(s.size()) + s.size(); }
};

struct Writer {
  static constexpr bool kReads = false;
  std::byte* at;
  void write(const void* from, std::size_t n) {
    std::memcpy(at, from, n);
    at += n;
  }
  void text(std::string_view s) {
    if (s.size() < kLongText) {
      const auto n = static_cast<std::uint8_t>(s.size());
      write(&n, 1);
    } else {
      const auto n = static_cast<std::uint32_t>(s.size());
      write(&kLongText, 1);
      write(&n, sizeof n);
    }
    write(s.data(), s.size());
  }
};

struct Reader {
  static constexpr bool kReads = true;
  const std::byte* at;
  void read(void* to, std::size_t n) {
    std::memcpy(to, at, n);
    at += n;
  }
  std::string_view view() {
    std::uint8_t short_size;
    read(&short_size, 1);
    std::size_t n = short_size;
    if (short_size == kLongText) {
      std::uint32_t long_size;
      read(&long_size, sizeof long_size);
      n = long_size;
    }
    std::string_view s(reinterpret_cast<const char*>(at), n);
    at += n;
    return s;
  }
};

// T: an integer, bool or enum, const when writing.
template <class Io, class T>
void scalar(Io& io, T& v) {
  static_assert(std::is_trivially_copyable_v<std::remove_const_t<T>>);
  if constexpr (Io::kReads) {
    io.read(&v, sizeof v);
  } else {
    io.write(&v, sizeof v);
  }
}

template <class Io, class S>
void text(Io& io, S& s) {
  if constexpr (Io::kReads) {
    s.assign(io.view());
  } else {
    io.text(s);
  }
}

template <class Io, class Opt, class Each>
void optional(Io& io, Opt& o, Each&& each) {
  bool present = o.has_value();
  scalar(io, present);
  if constexpr (Io::kReads) {
    if (present) each(o.emplace());
  } else {
    if (present) each(*o);
  }
}

template <class Io, class Vec, class Each>
void sequence(Io& io, Vec& v, Each&& each) {
  auto n = static_cast<std::uint32_t>(v.size());
  scalar(io, n);
  if constexpr (Io::kReads) v.resize(n);
  for (auto& x : v) each(x);
}

template <class Io, class Map>
void params(Io& io, Map& m) {
  auto n = static_cast<std::uint32_t>(m.size());
  scalar(io, n);
  if constexpr (Io::kReads) {
    for (std::uint32_t i = 0; i < n; ++i) {
      std::string name(io.view());
      m.emplace_hint(m.end(), std::move(name), std::string(io.view()));  // written in order
    }
  } else {
    for (const auto& [name, value] : m) {
      io.text(name);
      io.text(value);
    }
  }
}

template <class Io, class T>
void transition(Io& io, T& t) {
  text(io, t.id);
  optional(io, t.from, [&](auto& from) { scalar(io, from); });
  scalar(io, t.to);
  scalar(io, t.kind);
}

template <class Io, class F>
void fault(Io& io, F& f) {
  text(io, f.rule);
  scalar(io, f.delay_ms);
  text(io, f.commit);
  text(io, f.transport);
  text(io, f.error);
  optional(io, f.status, [&](auto& status) { scalar(io, status); });
}

template <class Io, class Ids>
void new_ids(Io& io, Ids& ids) {
  text(io, ids.pair_id);
  text(io, ids.order_id);
  text(io, ids.group_id);
  text(io, ids.drill_id);
  sequence(io, ids.drill_disk_ids, [&](auto& id) { text(io, id); });
}

// The layout: every member of JournalEntry, in this order. E is const JournalEntry when
// sizing or writing, JournalEntry when reading. The first four are read in place by
// PackedEntry's accessors (kSeqAt, kKindAt, kKeysAt below): keep them first.
template <class Io, class E>
void layout(Io& io, E& e) {
  scalar(io, e.seq);
  scalar(io, e.kind);
  text(io, e.call_id);
  text(io, e.client_token);
  text(io, e.time);
  text(io, e.method);
  text(io, e.action);
  params(io, e.params);
  text(io, e.access_key_id);
  scalar(io, e.signature_scheme);
  scalar(io, e.signature_verdict);
  scalar(io, e.status);
  text(io, e.code);
  text(io, e.request_id);
  optional(io, e.idempotence, [&](auto& d) { scalar(io, d); });
  scalar(io, e.effect_applied);
  scalar(io, e.answer_source);
  optional(io, e.transition, [&](auto& t) { transition(io, t); });
  sequence(io, e.member_transitions, [&](auto& t) { transition(io, t); });
  new_ids(io, e.new_ids);
  optional(io, e.fault, [&](auto& f) { fault(io, f); });
  text(io, e.replay_mismatch);
  optional(io, e.held_ms, [&](auto& ms) { scalar(io, ms); });
  optional(io, e.released_by, [&](auto& seq) { scalar(io, seq); });
  text(io, e.hold_end);
  scalar(io, e.vanished);
  text(io, e.event);
}

constexpr std::size_t kSeqAt = 0;
constexpr std::size_t kKindAt = kSeqAt + sizeof(JournalEntry::seq);
constexpr std::size_t kKeysAt = kKindAt + sizeof(JournalEntry::kind);

}  // namespace

PackedEntry::PackedEntry(const JournalEntry& entry) {
  Sizer sizer;
  layout(sizer, entry);
  size_ = sizer.size;
  bytes_ = std::make_unique_for_overwrite<std::byte[]>(size_);
  Writer writer{bytes_.get()};
  layout(writer, entry);
}

PackedEntry PackedEntry::copy() const {
  auto bytes = std::make_unique_for_overwrite<std::byte[]>(size_);
  std::memcpy(bytes.get(), bytes_.get(), size_);
  return PackedEntry(std::move(bytes), size_);
}

void PackedEntry::stamp_seq(std::uint64_t seq) { std::memcpy(bytes_.get() + kSeqAt, &seq, sizeof seq); }

std::uint64_t PackedEntry::seq() const {
  std::uint64_t seq;
  std::memcpy(&seq, bytes_.get() + kSeqAt, sizeof seq);
  return seq;
}

contracts::JournalKind PackedEntry::kind() const {
  contracts::JournalKind kind;
  std::memcpy(&kind, bytes_.get() + kKindAt, sizeof kind);
  return kind;
}

std::string_view PackedEntry::call_id() const { return Reader{bytes_.get() + kKeysAt}.view(); }

std::string_view PackedEntry::client_token() const {
  Reader reader{bytes_.get() + kKeysAt};
  reader.view();  // the call id
  return reader.view();
}

JournalEntry PackedEntry::unpack() const {
  JournalEntry entry;
  Reader reader{bytes_.get()};
  layout(reader, entry);
  return entry;
}

}  // namespace ebsmock::mock
