// token_store.cpp: ClientToken records in a flat table, bounded with oldest-first eviction.
#include "mock/token_store.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "contracts/crypto.h"
#include "contracts/json_writer.h"
#include "contracts/random.h"
#include "contracts/world.h"

namespace ebsmock::mock {
namespace {

constexpr std::string_view kIdMember = "\"RequestId\":";
static_assert(kIdMember.substr(1, kIdMember.size() - 3) == std::string_view(contracts::kRequestIdMember));

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The mock's own RequestIds (contracts::RequestIds): 8-4-4-4-12 upper-case hex.
bool pack_request_id(std::string_view id, std::array<std::uint8_t, 16>& out) {
  if (id.size() != contracts::kRequestIdLength) return false;
  std::size_t nibble = 0;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (contracts::is_request_id_dash(i)) {
      if (id[i] != '-') return false;
      continue;
    }
    const int v = hex_value(id[i]);
    if (v < 0) return false;
    if (nibble % 2 == 0) out[nibble / 2] = static_cast<std::uint8_t>(v << 4);
    else out[nibble / 2] |= static_cast<std::uint8_t>(v);
    ++nibble;
  }
  return true;
}

// The id's JSON string contents, as the envelope writes it between the quotes: the id
// itself when it needs no escape (the mock's own ids always), else written into `storage`.
std::string_view json_contents(std::string_view id, std::string& storage) {
  if (contracts::json_string_needs_no_escape(id)) return id;
  contracts::append_json_string(storage, id);
  return std::string_view(storage).substr(1, storage.size() - 2);
}

// Where `body` has the member `"RequestId":"<contents>"`, first; npos when nowhere.
std::size_t find_id_member(std::string_view body, std::string_view contents) {
  for (std::size_t at = body.find(kIdMember); at != std::string_view::npos; at = body.find(kIdMember, at + 1)) {
    const std::string_view value = body.substr(at + kIdMember.size());
    if (value.size() >= contents.size() + 2 && value.front() == '"' && value.substr(1, contents.size()) == contents &&
        value[contents.size() + 1] == '"') {
      return at;
    }
  }
  return std::string_view::npos;
}

}  // namespace

TokenStore::TokenStore(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

TokenStore::Key::Key(std::string_view access_key_id, std::string_view client_token) {
  // Length-prefixed, so no (AccessKeyId, ClientToken) split of the same bytes collides.
  std::string text = std::to_string(access_key_id.size());
  text += ':';
  text += access_key_id;
  text += client_token;
  digest_ = contracts::request_digest(text);
}

std::uint64_t TokenStore::hash_of(const Digest& key) {
  std::uint64_t h;
  std::memcpy(&h, key.data(), sizeof h);  // a SHA-256 prefix: already uniform
  return h;
}

TokenStore::Slot TokenStore::lookup(const Digest& key) const {
  return index_.find(hash_of(key), [&](Slot s) { return records_[s].key == key; });
}

void TokenStore::index_insert(Slot slot) {
  if ((order_.size() + 1) * 4 > index_.buckets() * 3) index_.rehash(index_.buckets() * 2);
  index_.insert(slot, hash_of(records_[slot].key));
}

void TokenStore::index_erase(const Digest& key) {
  index_.erase(hash_of(key), [&](Slot s) { return records_[s].key == key; });
}

TokenStore::Slot TokenStore::touch(const Key& key, bool* existed) {
  const Digest& digest = key.digest();
  Slot slot = lookup(digest);
  if (existed) *existed = slot != kNoSlot;
  if (slot != kNoSlot) return slot;
  make_room();
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
    records_[slot] = Record{};
  } else {
    slot = static_cast<Slot>(records_.size());
    records_.emplace_back();
  }
  records_[slot].key = digest;
  index_insert(slot);
  order_.push_back(slot);
  return slot;
}

void TokenStore::make_room() {
  // Each step drops the oldest slot or moves an in-flight one to the back, at most one
  // lap: if every remembered token is in flight (more delayed requests than capacity),
  // the store goes over capacity for a while rather than forget an answer it owes.
  std::size_t moves_left = order_.size();
  while (order_.size() >= capacity_ && moves_left > 0) {
    const Slot slot = order_.front();
    order_.pop_front();
    Record& r = records_[slot];
    if (r.state == State::InFlight) {
      --moves_left;
      order_.push_back(slot);
      continue;
    }
    forget_answer(r);
    index_erase(r.key);
    free_.push_back(slot);
    ++evicted_;
  }
}

void TokenStore::forget_answer(Record& r) {
  if (r.state == State::Answered) {
    texts_.release(r.body);
    if (!r.packed_id) texts_.release(r.request_id);
  }
  r.state = State::Seen;
}

std::optional<contracts::TokenState> TokenStore::state_of(const Record& r, const Digest& params) const {
  if (r.state == State::Seen) return std::nullopt;
  return contracts::TokenState{r.state == State::InFlight,
                               contracts::Instant(contracts::Duration(r.first_seen_ms)), r.params == params};
}

bool TokenStore::note_seen(const Key& key) {
  bool existed = false;
  touch(key, &existed);
  return existed;
}

contracts::TokenDecision TokenStore::peek(const Key& key, const Digest& digest, contracts::Instant now,
                                          contracts::Duration ttl) const {
  const Slot slot = lookup(key.digest());
  const auto state = slot == kNoSlot ? std::nullopt : state_of(records_[slot], digest);
  return contracts::decide_token(state ? &*state : nullptr, now, ttl);
}

contracts::TokenDecision TokenStore::begin(const Key& key, const Digest& digest, contracts::Instant now,
                                           contracts::Duration ttl) {
  Record& r = records_[touch(key, nullptr)];
  const auto state = state_of(r, digest);
  const auto decision = contracts::decide_token(state ? &*state : nullptr, now, ttl);
  if (decision == contracts::TokenDecision::Execute) {
    forget_answer(r);
    r.state = State::InFlight;
    r.params = digest;
    r.first_seen_ms = now.time_since_epoch().count();
  }
  return decision;
}

void TokenStore::complete(const Key& key, int http_status, std::string_view body, std::string_view request_id) {
  const Slot slot = lookup(key.digest());
  if (slot == kNoSlot || records_[slot].state == State::Seen) return;
  Record& r = records_[slot];
  forget_answer(r);
  r.state = State::Answered;
  r.http_status = static_cast<std::int16_t>(http_status);
  r.packed_id = pack_request_id(request_id, r.packed_request_id);
  if (!r.packed_id) r.request_id = texts_.add(request_id);
  // The envelope writes `"RequestId":"<id>"` once, at the top level; a body without it
  // (a recorded one, carrying a customer's id) is kept whole.
  std::string escaped;
  const std::string_view contents = json_contents(request_id, escaped);
  const std::size_t at = find_id_member(body, contents);
  if (at == std::string_view::npos || at + kIdMember.size() + 1 >= kNoCut) {
    r.id_at = kNoCut;
    r.body = texts_.add(body);
    return;
  }
  // The body without the id's contents. Most are a few dozen bytes, and most shapes are
  // in the pool already ({"RequestId":""} for every Stop and Start): built on the stack,
  // so no allocation unless the shape is new or long.
  const std::size_t cut = at + kIdMember.size() + 1;
  const std::string_view before = body.substr(0, cut);
  const std::string_view after = body.substr(cut + contents.size());
  std::array<char, 512> small;
  std::string large;
  char* shape = small.data();
  if (before.size() + after.size() > small.size()) {
    large.resize(before.size() + after.size());
    shape = large.data();
  }
  std::memcpy(shape, before.data(), before.size());
  std::memcpy(shape + before.size(), after.data(), after.size());
  r.id_at = static_cast<std::uint16_t>(cut);
  r.body = texts_.add(std::string_view(shape, before.size() + after.size()));
}

void TokenStore::abandon(const Key& key) {
  const Slot slot = lookup(key.digest());
  if (slot != kNoSlot) forget_answer(records_[slot]);
}

std::optional<TokenStore::RecordedAnswer> TokenStore::answer(const Key& key,
                                                             std::optional<std::string_view> request_id) const {
  const Slot slot = lookup(key.digest());
  if (slot == kNoSlot || records_[slot].state != State::Answered) return std::nullopt;
  const Record& r = records_[slot];
  RecordedAnswer out;
  out.http_status = r.http_status;
  out.request_id = r.packed_id ? contracts::request_id_form(r.packed_request_id) : std::string(texts_.text(r.request_id));
  const std::string_view shape = texts_.text(r.body);
  if (r.id_at == kNoCut) {
    out.body = shape;
    return out;
  }
  std::string escaped;
  const std::string_view contents = json_contents(request_id ? *request_id : std::string_view(out.request_id), escaped);
  out.body.reserve(shape.size() + contents.size());
  out.body.append(shape.substr(0, r.id_at)).append(contents).append(shape.substr(r.id_at));
  out.request_id_replaced = request_id.has_value();
  return out;
}

void TokenStore::clear() {
  records_.clear();
  free_.clear();
  index_.reset(16);
  order_.clear();
  texts_.clear();
}

}  // namespace ebsmock::mock
