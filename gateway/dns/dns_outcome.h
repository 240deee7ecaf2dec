// The typed result of talking to the DNS primary, with a message an operator can act on.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace dyndns::dns {

// DNS RCODEs the primary answers an UPDATE with (RFC 1035 4.1.1, RFC 2136 2.2).
enum Rcode : std::uint16_t {
    kRcodeNoError = 0,
    kRcodeFormErr = 1,
    kRcodeServFail = 2,
    kRcodeNxDomain = 3,
    kRcodeNotImp = 4,
    kRcodeRefused = 5,
    kRcodeYxDomain = 6,
    kRcodeYxRrset = 7,
    kRcodeNxRrset = 8,
    kRcodeNotAuth = 9,
    kRcodeNotZone = 10,
};
std::string rcode_name(std::uint16_t rcode);

// When the exchanges made for one caller's request must be over.
using Deadline = std::chrono::steady_clock::time_point;

struct DnsOutcome {
    enum class Kind {
        Ok, // the primary confirmed with a verified signature
        Rejected, // the primary answered with an error: `rcode` and `tsig_error` say which
        Unavailable, // nothing was sent (connection refused or not made, the deadline spent): nothing changed
        NoAnswer, // the request was sent and no answer came in time: the change may or may not have been applied
        BadReply, // an answer that cannot be trusted (unsigned success, bad MAC, wrong id):
        // the change may or may not have been applied
        LocalFailure, // the gateway failed before sending (could not build the message): the primary saw nothing
    };
    Kind kind = Kind::Ok;
    std::uint16_t rcode = kRcodeNoError;
    std::uint16_t tsig_error = 0;
    std::string message; // for operators; never contains a secret

    bool ok() const { return kind == Kind::Ok; }
    // The primary answered SERVFAIL (a zone still loading, a journal it cannot write): it did
    // nothing, and a later try may work.
    bool server_failure() const { return kind == Kind::Rejected && rcode == kRcodeServFail && tsig_error == 0; }
    // What the primary may have done: nothing is certain after a request without a trusted answer.
    bool may_have_applied() const { return kind == Kind::NoAnswer || kind == Kind::BadReply; }
    static DnsOutcome success() { return {}; }
};

std::string kind_name(DnsOutcome::Kind kind);

} // namespace dyndns::dns
