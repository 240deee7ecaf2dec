// Reads requests out of a connection's received bytes, no socket: a head (Poco parses it) and a Content-Length body, or a refusal.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "http/http_types.h"
#include "http/request_head.h"

namespace dyndns::http {

// What one step() found in the bytes received so far.
enum class ReadStep {
    NeedMore, // nothing whole yet: read at most room() more bytes into input(), then step() again
    Head, // a head passed every framing rule: head() holds it; its body may still be coming
    Request, // the current head's body is whole: take_request()
    Refused, // the head broke a rule (refusal() says which answer); the connection must close
};

// One connection's requests, one at a time. The caller calls step() while it reads, and after
// Head decides whether to go on (a router may refuse the head before its body is read). Once a
// request is taken its head stays current (its version frames the answer) until finish_request().
// Bytes after a request are the next one's (pipelining); nothing beyond room() is ever asked for.
class RequestReader {
public:
    explicit RequestReader(HeadLimits limits) : limits_(limits) {}

    // The limits of the heads read from now on.
    void set_limits(const HeadLimits& limits) { limits_ = limits; }

    // Where received bytes are appended.
    std::string& input() { return in_; }
    bool has_input() const { return !in_.empty(); }
    // How many more bytes may be read now: a head up to its limit, a body up to its length plus
    // the start of a pipelined head. At least 1, so that the peer closing is still seen.
    std::size_t room() const;

    ReadStep step();
    // A request has begun: a head is current or bytes of one have come (blank lines excluded).
    bool begun() const { return current_.has_value() || !in_.empty(); }

    // The head being read, run or answered; null between requests and after a refusal.
    const RequestHead* head() const { return current_ ? &*current_ : nullptr; }
    // After Refused: the answer's status and text.
    const HeadRefusal& refusal() const { return refusal_; }
    // After Head or Request with the body whole: the request with its body (no peer yet).
    HttpRequest take_request();
    // The answer to the current request is out: the next bytes begin a new head. Releases the
    // buffer's capacity when nothing is pending (an idle connection keeps no memory).
    void finish_request();

private:
    enum class State { Head, Body, Taken, Refused };

    ReadStep refuse(int status, std::string reason);

    HeadLimits limits_;
    State state_ = State::Head;
    std::string in_; // received, not yet consumed
    std::optional<RequestHead> current_;
    HeadRefusal refusal_;
};

} // namespace dyndns::http
