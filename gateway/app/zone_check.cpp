// The probe name is read first: the delete goes out only where there is nothing to delete.
#include "app/zone_check.h"

#include <Poco/String.h>

namespace dyndns::app {
namespace {

constexpr const char* kProbeLabel = "_dyndns-gateway-probe";

bool refused(const dns::DnsOutcome& outcome) {
    return outcome.kind == dns::DnsOutcome::Kind::Rejected && outcome.rcode == dns::kRcodeRefused && outcome.tsig_error == 0;
}

bool not_served(const dns::DnsOutcome& outcome) {
    return outcome.kind == dns::DnsOutcome::Kind::Rejected && outcome.tsig_error == 0 &&
           (outcome.rcode == dns::kRcodeRefused || outcome.rcode == dns::kRcodeNotAuth || outcome.rcode == dns::kRcodeNoError);
}

} // namespace

std::vector<std::string> zone_problems(const dns::Primaries& primaries, const std::string& raw_zone) {
    std::string zone = Poco::toLower(raw_zone);
    if (!zone.empty() && zone.back() == '.') zone.pop_back();
    const dns::Rfc2136Client& primary = primaries.for_name(zone);
    const std::string& where = primaries.description_for(zone);

    const auto soa = primary.read(zone, dns::RRType::SOA);
    if (!soa.outcome.ok()) {
        if (not_served(soa.outcome))
            return {"zone " + zone + " is not served by " + where + " (" + dns::rcode_name(soa.outcome.rcode) +
                    (soa.outcome.rcode == dns::kRcodeNoError ? ", not authoritative)" : ")")};
        return {"zone " + zone + ": " + where + ": " + soa.outcome.message};
    }
    if (soa.rrset.rdata.empty())
        return {"zone " + zone + " is not a zone on " + where + ": it has no SOA of its own (a name inside another zone?)"};

    std::vector<std::string> problems;
    const std::string probe = std::string(kProbeLabel) + "." + zone;
    for (const dns::RRType type : kGatewayTypes) {
        const std::string type_name = dns::rr_type_name(type);
        const auto existing = primary.read(probe, type);
        if (!existing.outcome.ok()) {
            problems.push_back("zone " + zone + ": reading " + probe + " " + type_name + ": " + existing.outcome.message);
            continue;
        }
        if (!existing.rrset.rdata.empty()) {
            problems.push_back("zone " + zone + ": " + probe + " has " + type_name +
                               " records, so the probe cannot run; remove them");
            continue;
        }
        const auto outcome = primary.apply(dns::ZoneUpdate{zone, {dns::RRsetChange::remove(probe, type)}});
        if (outcome.ok()) continue;
        if (refused(outcome))
            problems.push_back("key " + primary.key_name() + " may not update " + type_name + " at " + zone + ": add \"grant " +
                               primary.key_name() + " zonesub A AAAA TXT;\" to the zone's update-policy on " + where);
        else
            problems.push_back("zone " + zone + ": a test UPDATE of " + type_name + " failed: " + outcome.message);
    }
    return problems;
}

} // namespace dyndns::app
