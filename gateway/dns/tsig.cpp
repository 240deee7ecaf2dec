// TSIG signing and reply verification: key name, algorithm, error field, MAC and time (RFC 8945 5.3–5.4).
#include "dns/tsig.h"

#include <stdexcept>

#include "dns/ldns_handles.h"

namespace dyndns::dns {
namespace {

RdfPtr dname(const std::string& text) {
    RdfPtr rdf(ldns_dname_new_frm_str(text.c_str()));
    if (!rdf) throw std::runtime_error("invalid domain name '" + text + "'");
    return rdf;
}

std::string dname_text(const ldns_rdf* rdf) {
    CStringPtr s(ldns_rdf2str(rdf));
    return s ? s.get() : "?";
}

// TIME SIGNED is a 48-bit count of seconds (RFC 8945 4.2).
std::uint64_t time_signed(const ldns_rr* tsig) {
    const ldns_rdf* rdf = ldns_rr_rdf(tsig, 1);
    if (!rdf || ldns_rdf_size(rdf) != 6) return 0;
    const std::uint8_t* b = ldns_rdf_data(rdf);
    std::uint64_t t = 0;
    for (int i = 0; i < 6; ++i) t = (t << 8) | b[i];
    return t;
}

} // namespace

std::string tsig_error_name(std::uint16_t error) {
    switch (error) {
    case kTsigNoError: return "NOERROR";
    case kTsigBadSig: return "BADSIG";
    case kTsigBadKey: return "BADKEY";
    case kTsigBadTime: return "BADTIME";
    case 19: return "BADMODE";
    case 20: return "BADNAME";
    case 21: return "BADALG";
    case kTsigBadTrunc: return "BADTRUNC";
    case 23: return "BADCOOKIE";
    default: return "TSIG error " + std::to_string(error);
    }
}

void tsig_sign(ldns_pkt* pkt, const TsigKey& key, const ldns_rdf* request_mac) {
    const ldns_status status = ldns_pkt_tsig_sign(pkt, key.name.c_str(), key.secret_base64.c_str(), kTsigFudgeSeconds,
                                                  algorithm_wire_name(key.algorithm).c_str(), request_mac);
    if (status != LDNS_STATUS_OK || !ldns_pkt_tsig(pkt))
        throw std::runtime_error("cannot sign the DNS message with TSIG key '" + key.name +
                                 "': " + ldns_get_errorstr_by_id(status));
}

const ldns_rdf* tsig_mac(const ldns_pkt* signed_pkt) {
    const ldns_rr* tsig = ldns_pkt_tsig(signed_pkt);
    return tsig ? ldns_rr_rdf(tsig, 3) : nullptr;
}

namespace {

TsigVerification verify(ldns_pkt* reply, std::span<const std::uint8_t> wire, const TsigKey& key, const ldns_rdf* prior_mac,
                        bool timers_only, std::chrono::system_clock::time_point now) {
    const ldns_rr* tsig = ldns_pkt_tsig(reply);
    if (!tsig || ldns_rr_rd_count(tsig) < 7) return {TsigCheck::Unsigned, kTsigNoError, "the reply is not TSIG-signed"};

    // Names compare case-insensitively (RFC 8945 4.3.3 uses the canonical, lower-case form).
    const RdfPtr our_name = dname(key.name);
    if (ldns_dname_compare(ldns_rr_owner(tsig), our_name.get()) != 0)
        return {TsigCheck::WrongKeyName, kTsigNoError,
                "the reply is signed with key '" + dname_text(ldns_rr_owner(tsig)) + "', not '" + key.name + "'"};

    const RdfPtr our_algorithm = dname(algorithm_wire_name(key.algorithm));
    if (ldns_dname_compare(ldns_rr_rdf(tsig, 0), our_algorithm.get()) != 0)
        return {TsigCheck::WrongAlgorithm, kTsigNoError,
                "the reply is signed with algorithm '" + dname_text(ldns_rr_rdf(tsig, 0)) + "', not '" +
                    algorithm_name(key.algorithm) + "'"};

    // A BADKEY or BADSIG answer carries no MAC (RFC 8945 5.3.2), so the error is read before
    // the MAC is checked; such an answer is reported, never trusted as a success.
    const std::uint16_t error = ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5));
    if (error != kTsigNoError) return {TsigCheck::ErrorField, error, "the DNS server reports " + tsig_error_name(error)};

    // The key name and algorithm were checked above, so ldns can only fail on the MAC itself.
    if (!ldns_pkt_tsig_verify_next(reply, wire.data(), wire.size(), key.name.c_str(), key.secret_base64.c_str(), prior_mac,
                                   timers_only ? 1 : 0))
        return {TsigCheck::BadMac, kTsigNoError, "the reply's TSIG MAC does not verify with key '" + key.name + "'"};

    // RFC 8945 5.4.2: the time is checked after the MAC, against the fudge the signer gave.
    const std::uint64_t signed_at = time_signed(tsig);
    const std::uint16_t fudge = ldns_rdf2native_int16(ldns_rr_rdf(tsig, 2));
    const auto now_s =
        static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    const std::int64_t skew = now_s - static_cast<std::int64_t>(signed_at);
    if (skew > fudge || -skew > fudge)
        return {TsigCheck::BadTime, kTsigNoError,
                "the reply was signed " + std::to_string(skew < 0 ? -skew : skew) + " s " + (skew < 0 ? "in the future" : "ago") +
                    ", outside the " + std::to_string(fudge) + " s window: check both clocks"};

    return {TsigCheck::Ok, kTsigNoError, ""};
}

} // namespace

TsigVerification tsig_verify_reply(ldns_pkt* reply, std::span<const std::uint8_t> wire, const TsigKey& key,
                                   const ldns_rdf* request_mac, std::chrono::system_clock::time_point now) {
    return verify(reply, wire, key, request_mac, false, now);
}

TsigVerification tsig_verify_continuation(ldns_pkt* reply, std::span<const std::uint8_t> wire, const TsigKey& key,
                                          const ldns_rdf* prior_mac, std::chrono::system_clock::time_point now) {
    return verify(reply, wire, key, prior_mac, true, now);
}

} // namespace dyndns::dns
