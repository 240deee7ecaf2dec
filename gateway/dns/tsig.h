// TSIG (RFC 8945) signing of requests and full verification of replies on top of ldns.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "dns/ldns_include.h"

#include "dns/tsig_key.h"

namespace dyndns::dns {

// RFC 8945 5.2.3: BIND's default; the same window is applied to replies.
inline constexpr std::uint16_t kTsigFudgeSeconds = 300;

// TSIG error codes (RFC 8945 3, RFC 2845): the values BIND puts in the TSIG error field.
enum TsigError : std::uint16_t {
    kTsigNoError = 0,
    kTsigBadSig = 16,
    kTsigBadKey = 17,
    kTsigBadTime = 18,
    kTsigBadTrunc = 22,
};
// "BADSIG", "BADKEY", …; the number for codes without a name.
std::string tsig_error_name(std::uint16_t error);

// Signs `pkt` in place with `key` (time = now, fudge 300 s). `request_mac` is null for a
// request and the request's MAC when signing a reply. Throws std::runtime_error on failure.
void tsig_sign(ldns_pkt* pkt, const TsigKey& key, const ldns_rdf* request_mac = nullptr);

// The MAC field of the TSIG record on a signed packet, to pass as `request_mac` when verifying
// its reply. Owned by the packet.
const ldns_rdf* tsig_mac(const ldns_pkt* signed_pkt);

enum class TsigCheck {
    Ok, // signed by our key, MAC valid, time within the window, no error
    Unsigned, // no TSIG record at all
    WrongKeyName, // signed with a key of another name
    WrongAlgorithm, // signed with another algorithm than our key's
    ErrorField, // the signer reports a TSIG error (BADKEY, BADSIG, BADTIME…): see `error`
    BadMac, // the MAC does not verify with our secret
    BadTime, // time signed is outside now ± fudge
};

struct TsigVerification {
    TsigCheck check = TsigCheck::Unsigned;
    std::uint16_t error = kTsigNoError; // the TSIG error field when check == ErrorField
    std::string detail; // operator-readable, never contains the secret
    bool ok() const { return check == TsigCheck::Ok; }
};

// Verifies the TSIG on `reply`, whose bytes as received are `wire`, against `key` and the
// MAC of the request it answers. ldns checks only the MAC; the key name, algorithm, error
// field and time window are checked here. `now` is a parameter so tests can move the clock.
TsigVerification tsig_verify_reply(ldns_pkt* reply, std::span<const std::uint8_t> wire, const TsigKey& key,
                                   const ldns_rdf* request_mac,
                                   std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The same checks for a message after the first of a zone transfer (RFC 8945 5.3.1): its MAC
// covers the previous message's MAC, this message and the timers only. `prior_mac` is the MAC of
// the previous message of the stream.
TsigVerification tsig_verify_continuation(ldns_pkt* reply, std::span<const std::uint8_t> wire, const TsigKey& key,
                                          const ldns_rdf* prior_mac,
                                          std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

} // namespace dyndns::dns
