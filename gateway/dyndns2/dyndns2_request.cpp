// The dyndns2 query's rules: comma lists, "YES" for an absent hostname, prefixes dropped from addresses.
#include "dyndns2/dyndns2_request.h"

#include <set>

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>

namespace dyndns::dyndns2 {
namespace {

std::vector<std::string> comma_list(const std::string& value) {
    std::vector<std::string> items;
    const Poco::StringTokenizer tokens(value, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& token : tokens) items.push_back(token);
    return items;
}

// "192.0.2.1/32" and "2001:db8::1/64" publish the address; routers append the prefix they hold.
std::string without_prefix(const std::string& address) { return address.substr(0, address.find('/')); }

// A router with no value for a field of its URL template may send the placeholder itself.
bool is_placeholder(const std::string& value) { return value.size() >= 2 && value.front() == '<' && value.back() == '>'; }

std::vector<std::string> given(std::vector<std::string> values) {
    std::erase_if(values, is_placeholder);
    return values;
}

bool is_v6(const std::string& address) { return address.find(':') != std::string::npos; }

// myipv6 names the AAAA: an IPv4-mapped form (::ffff:a.b.c.d) would be published as an A.
bool is_plain_ipv6(const std::string& address) {
    Poco::Net::IPAddress parsed;
    return Poco::Net::IPAddress::tryParse(address, parsed) && parsed.family() == Poco::Net::IPAddress::IPv6 &&
           !parsed.isIPv4Mapped();
}

} // namespace

std::variant<UpdateParameters, ParameterError> read_update_parameters(const std::string& raw_query) {
    Poco::URI::QueryParameters parameters;
    try {
        Poco::URI uri;
        uri.setRawQuery(raw_query);
        parameters = uri.getQueryParameters();
    } catch (const Poco::Exception&) {
        return ParameterError{"notfqdn"}; // a query that cannot be decoded names no host
    }

    UpdateParameters result;
    std::optional<std::string> v4, v6;
    bool caller_asked = false; // an empty myip=: the caller's address, as before prefixes existed
    const auto take = [&](const std::string& address) {
        const std::string bare = without_prefix(address);
        (is_v6(bare) ? v6 : v4) = bare;
    };
    for (const auto& [key, value] : parameters) {
        const std::string name = Poco::toLower(key);
        if (name == "hostname") {
            for (const auto& host : comma_list(value))
                if (Poco::icompare(host, "YES") != 0) result.hosts.push_back(host);
        } else if (name == "myip") {
            const auto listed = comma_list(value);
            if (listed.size() > 2) return ParameterError{"dnserr"};
            if (listed.empty()) caller_asked = true;
            for (const auto& address : given(listed)) take(address);
        } else if (name == "myipv6") {
            const auto listed = comma_list(value);
            if (listed.empty()) caller_asked = true;
            for (const auto& address : given(listed)) {
                if (!is_plain_ipv6(without_prefix(address))) return ParameterError{"dnserr"};
                take(address);
            }
        } else if (name == "ip6lanprefix" || name == "ipv6prefix") {
            const std::string prefix = Poco::trim(value);
            if (prefix.empty() || is_placeholder(prefix)) continue;
            if (!result.prefix.empty() && result.prefix != prefix) return ParameterError{"dnserr"}; // two different prefixes
            result.prefix = prefix;
        }
    }
    if (result.hosts.size() > kMaxHosts) return ParameterError{"numhost"};
    // A name given twice is refused as Dyn refused it ("numhost"): each copy would be another
    // history row and another charge, for nothing.
    std::set<std::string> seen;
    for (const auto& host : result.hosts) {
        std::string name = Poco::toLower(host);
        if (!name.empty() && name.back() == '.') name.pop_back();
        if (!seen.insert(name).second) return ParameterError{"numhost"};
    }
    if (v4) result.addresses.push_back(*v4);
    if (v6) result.addresses.push_back(*v6);
    if (result.addresses.empty() && (result.prefix.empty() || caller_asked)) result.addresses.emplace_back();
    return result;
}

} // namespace dyndns::dyndns2
