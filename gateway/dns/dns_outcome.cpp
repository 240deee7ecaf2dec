// Names for RCODEs and outcome kinds, as operators read them in BIND's logs.
#include "dns/dns_outcome.h"

namespace dyndns::dns {

std::string rcode_name(std::uint16_t rcode) {
    switch (rcode) {
    case kRcodeNoError: return "NOERROR";
    case kRcodeFormErr: return "FORMERR";
    case kRcodeServFail: return "SERVFAIL";
    case kRcodeNxDomain: return "NXDOMAIN";
    case kRcodeNotImp: return "NOTIMP";
    case kRcodeRefused: return "REFUSED";
    case kRcodeYxDomain: return "YXDOMAIN";
    case kRcodeYxRrset: return "YXRRSET";
    case kRcodeNxRrset: return "NXRRSET";
    case kRcodeNotAuth: return "NOTAUTH";
    case kRcodeNotZone: return "NOTZONE";
    default: return "RCODE" + std::to_string(rcode);
    }
}

std::string kind_name(DnsOutcome::Kind kind) {
    switch (kind) {
    case DnsOutcome::Kind::Ok: return "ok";
    case DnsOutcome::Kind::Rejected: return "rejected";
    case DnsOutcome::Kind::Unavailable: return "unavailable";
    case DnsOutcome::Kind::NoAnswer: return "no answer";
    case DnsOutcome::Kind::BadReply: return "bad reply";
    case DnsOutcome::Kind::LocalFailure: return "local failure";
    }
    return "?";
}

} // namespace dyndns::dns
