// journal_terms.h: the words of the mock's journal, shared by the mock that writes it and
// the harness that reads it, so neither side compares free-form strings: what kind an
// entry is, how a request was signed and what its signature check concluded, what the
// ClientToken step decided, and who produced the answer the client saw. Each enum has
// one wire spelling (to_string) and its inverse (parse_*, nullopt for anything else).
// Pure lookups; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "contracts/idempotence.h"

namespace ebsmock::contracts {

enum class JournalKind {
  Request,   // one HTTP exchange, whatever became of it
  Progress,  // a status change the service made on its own as time passed
};

enum class SignatureScheme { None, V1, V3 };

enum class SignatureVerdict {
  Ok,
  Skipped,       // the world does not verify signatures
  Missing,       // no signature, or a mandatory signing parameter absent
  Malformed,     // an Authorization header that does not parse
  BadMethod,     // a signature method the gateway does not accept
  UnknownKey,    // AccessKeyId not among the world's credentials
  BadTime,       // timestamp malformed or outside the window
  BadSignature,  // the signature does not match
  NonceReused,   // SignatureNonce already used within the window
  NotChecked,    // refused before authentication (unparsable, unknown Action...)
};

// Whether a request with this verdict may go on to the model.
constexpr bool passes(SignatureVerdict v) {
  return v == SignatureVerdict::Ok || v == SignatureVerdict::Skipped;
}

// Who produced the bytes the client saw (or the absence of them).
enum class AnswerSource {
  Model,   // the emulated service itself: the contract model, the gateway's checks, or a
           // ClientToken replay of an earlier answer of the model
  Fault,   // a [[fault]] rule replaced or cut the answer
  Replay,  // a [[replay]] step's recorded answer
  Http,    // the HTTP layer refused the request before it became an RPC call (body too
           // large, unparsable request, a handler exception)
};

// How a hold_until fault ended (journal `released_by`: the releasing entry's seq for
// Released, else this word).
enum class HoldEnd {
  Released,  // the named request was journaled
  Budget,    // its budget passed first
  Reset,     // the world was reset or replaced
  Shutdown,  // the server is stopping
};

std::string_view to_string(JournalKind k);
std::string_view to_string(SignatureScheme s);
std::string_view to_string(SignatureVerdict v);
std::string_view to_string(AnswerSource s);
// "executed", "replayed", "mismatch", "in-flight": the idempotence verdict in the journal.
std::string_view to_string(TokenDecision d);
// "released", "budget", "reset", "shutdown".
std::string_view to_string(HoldEnd e);

std::optional<JournalKind> parse_journal_kind(std::string_view text);
std::optional<SignatureScheme> parse_signature_scheme(std::string_view text);
std::optional<SignatureVerdict> parse_signature_verdict(std::string_view text);
std::optional<AnswerSource> parse_answer_source(std::string_view text);
std::optional<TokenDecision> parse_token_decision(std::string_view text);
std::optional<HoldEnd> parse_hold_end(std::string_view text);

// The request header a client (or the concurrent harness) names one logical call with, so
// the journal entry of each HTTP attempt can be matched to it (journal `call_id`), fault
// rules can pick it (`call_id = "..."`) and a hold can wait for it (`hold_until`).
// Not part of the API: never signed unless the client chose to sign it.
inline constexpr std::string_view kCallIdHeader = "x-ebsmock-call-id";
// 1-64 printable ASCII characters without spaces (0x21-0x7e). A header value outside
// that is ignored (the call has no id), never refused: it is the test tool's, not the API's.
bool is_valid_call_id(std::string_view id);

}  // namespace ebsmock::contracts
