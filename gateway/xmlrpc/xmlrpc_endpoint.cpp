// Method table, parameter checks and the one translation of core results and faults into XML-RPC.
#include "xmlrpc/xmlrpc_endpoint.h"

#include <algorithm>
#include <functional>

#include "vocabulary/utf8_prefix.h"
#include "xmlrpc/xmlrpc_writer.h"

namespace dyndns::xmlrpc {
namespace {

struct MethodInfo {
    std::string name;
    std::vector<std::string> parameters; // names, all strings
    std::string result_type;
    std::string help;
};

const std::vector<MethodInfo>& methods() {
    static const std::vector<MethodInfo> table = {
        {"SetDyndnsIp",
         {"account", "password", "domain", "ip"},
         "struct",
         "Sets the A (IPv4) or AAAA (IPv6) record of domain, or of a name under it, with the short TTL the "
         "gateway is configured with (dns.ttl; by default a 60 s TTL). An empty ip "
         "means the address this call came from. Returns {domain, ip, type, ttl, changed}. Faults: 1 wrong account "
         "or password, 2 unknown domain, 3 dyndns off, 4 not an address, 5 private address, 6 rate limited, 7 DNS "
         "primary unreachable, 8 DNS primary refused, 9 malformed call, 10 the gateway's store is unavailable."},
        {"GetDyndnsIp",
         {"account", "password", "domain"},
         "struct",
         "Reads the A and AAAA records of domain live from the DNS primary. Returns {domain, a, aaaa, ttl, hosts}: hosts "
         "lists the interface-identifier rules of domain and the names under it, each {name, rule}."},
        {"SetDyndnsPrefix",
         {"account", "password", "domain", "prefix"},
         "struct",
         "A router's delegated IPv6 prefix (a CIDR such as 2a00:1450:1:200::/56, or - to remove): every host of the "
         "domain with an interface-identifier rule gets prefix + identifier, in one UPDATE. Returns {domain, prefix, "
         "changed, ttl, hosts}, hosts each {name, rule, ip, changed}. Faults as SetDyndnsIp; 4: not a prefix or a length "
         "the domain does not take; 5: not global unicast, or a host would get a non-public address."},
        {"SetDyndnsHost",
         {"account", "password", "name", "rule"},
         "struct",
         "Sets the interface-identifier rule of name (the domain or a name under it): ::a:b:c:d, a MAC address "
         "(EUI-64) or preserve; an empty rule removes it. Returns {name, rule}. Faults: 4 not a rule, 9 more than 64 "
         "rules in the domain; per-host tokens may not set rules."},
        {"SetAcmeChallenge",
         {"account", "password", "name", "value"},
         "struct",
         "Publishes an ACME DNS-01 challenge value (the 43-character base64url key-authorization digest) as a TXT "
         "record at _acme-challenge.name, for a name the caller may set the address of (name may also be given as "
         "*.name or _acme-challenge.name). At most two values per name: a third drops the oldest. Returns {name, "
         "values, ttl, changed}. Faults as SetDyndnsIp; 4: not a key-authorization digest."},
        {"ClearAcmeChallenge",
         {"account", "password", "name", "value"},
         "struct",
         "Removes an ACME DNS-01 challenge value from _acme-challenge.name; the last one removed, the TXT record goes. "
         "Returns {name, values, ttl, changed}."},
        {"system.listMethods", {}, "array", "Lists the methods this server offers."},
        {"system.methodHelp", {"method"}, "string", "Describes a method."},
        {"system.methodSignature", {"method"}, "array", "Returns the method's signatures: [[result type, parameter types…]]."},
    };
    return table;
}

const MethodInfo* find_method(const std::string& name) {
    const auto& table = methods();
    const auto it = std::find_if(table.begin(), table.end(), [&](const MethodInfo& m) { return m.name == name; });
    return it == table.end() ? nullptr : &*it;
}

http::HttpResponse document(std::string body) {
    return http::HttpResponse{200, "text/xml; charset=utf-8", std::move(body), {}, false};
}

http::HttpResponse fault(core::Fault code, const std::string& message) {
    return document(fault_document(static_cast<int>(code), message));
}

http::HttpResponse bad_request(const std::string& message) { return fault(core::Fault::BadRequest, message); }

// The parameters as strings, or the fault that says which one is wrong.
std::variant<std::vector<std::string>, http::HttpResponse> string_parameters(const MethodInfo& method, const MethodCall& call) {
    if (call.params.size() != method.parameters.size()) {
        std::string names;
        for (const auto& p : method.parameters) names += (names.empty() ? "" : ", ") + p;
        return bad_request(method.name + " takes " + std::to_string(method.parameters.size()) + " parameters (" + names +
                           "), got " + std::to_string(call.params.size()));
    }
    std::vector<std::string> values;
    for (std::size_t i = 0; i < call.params.size(); ++i) {
        const std::string* text = call.params[i].string();
        if (!text)
            return bad_request(method.name + ": parameter " + std::to_string(i + 1) + " (" + method.parameters[i] +
                               ") must be a string, got " + call.params[i].type_name());
        values.push_back(*text);
    }
    return values;
}

Value strings(const std::vector<std::string>& items) {
    Array array;
    for (const auto& item : items) array.emplace_back(item);
    return Value(std::move(array));
}

Value host_rules(const std::vector<core::HostRule>& rules) {
    Array array;
    for (const auto& rule : rules) array.emplace_back(Struct{{"name", Value(rule.name)}, {"rule", Value(rule.ipv6)}});
    return Value(std::move(array));
}

} // namespace

XmlRpcAnswer XmlRpcEndpoint::handle(const std::string& body, core::ClientInfo client) const {
    client.protocol = "xmlrpc";
    auto parsed = parse_method_call(body, limits_);
    if (const auto* error = std::get_if<ParseError>(&parsed)) {
        return XmlRpcAnswer{bad_request("malformed XML-RPC call: " + error->message), error->other_root};
    }
    const MethodCall& call = std::get<MethodCall>(parsed);

    const MethodInfo* method = find_method(call.method);
    if (!method) return bad_request("unknown method '" + core::utf8_prefix(call.method, 64) + "'");
    auto checked = string_parameters(*method, call);
    if (auto* refused = std::get_if<http::HttpResponse>(&checked)) return *refused;
    const auto& p = std::get<std::vector<std::string>>(checked);

    if (method->name == "SetDyndnsIp") {
        const auto outcome = core_.set_address({p[0], p[1], p[2], p[3], client});
        if (const auto* error = std::get_if<core::UpdateError>(&outcome)) return fault(error->fault, error->message);
        const auto& r = std::get<core::SetAddressResult>(outcome);
        return document(response_document(Value(Struct{{"domain", Value(r.name)},
                                                       {"ip", Value(r.address)},
                                                       {"type", Value(r.type)},
                                                       {"ttl", Value(static_cast<std::int64_t>(r.ttl))},
                                                       {"changed", Value(r.changed)}})));
    }
    if (method->name == "GetDyndnsIp") {
        const auto outcome = core_.get_addresses({p[0], p[1], p[2], client});
        if (const auto* error = std::get_if<core::UpdateError>(&outcome)) return fault(error->fault, error->message);
        const auto& r = std::get<core::GetAddressesResult>(outcome);
        return document(response_document(Value(Struct{{"domain", Value(r.name)},
                                                       {"a", strings(r.a)},
                                                       {"aaaa", strings(r.aaaa)},
                                                       {"ttl", Value(static_cast<std::int64_t>(r.ttl))},
                                                       {"hosts", host_rules(r.hosts)}})));
    }
    if (method->name == "SetDyndnsPrefix") {
        const auto outcome = core_.set_prefix({p[0], p[1], p[2], p[3], client});
        if (const auto* error = std::get_if<core::UpdateError>(&outcome)) return fault(error->fault, error->message);
        const auto& r = std::get<core::SetPrefixResult>(outcome);
        Array hosts;
        for (const auto& host : r.hosts)
            hosts.emplace_back(Struct{{"name", Value(host.name)},
                                      {"rule", Value(host.rule)},
                                      {"ip", Value(host.address)},
                                      {"changed", Value(host.changed)}});
        return document(response_document(Value(Struct{{"domain", Value(r.domain)},
                                                       {"prefix", Value(r.prefix)},
                                                       {"changed", Value(r.changed)},
                                                       {"ttl", Value(static_cast<std::int64_t>(r.ttl))},
                                                       {"hosts", Value(std::move(hosts))}})));
    }
    if (method->name == "SetDyndnsHost") {
        const auto outcome = core_.set_host_rule({p[0], p[1], p[2], p[3], client});
        if (const auto* error = std::get_if<core::UpdateError>(&outcome)) return fault(error->fault, error->message);
        const auto& r = std::get<core::HostRuleResult>(outcome);
        return document(response_document(Value(Struct{{"name", Value(r.name)}, {"rule", Value(r.rule)}})));
    }
    if (method->name == "SetAcmeChallenge" || method->name == "ClearAcmeChallenge") {
        const core::AcmeChallengeRequest request{p[0], p[1], p[2], p[3], client};
        const auto outcome =
            method->name == "SetAcmeChallenge" ? core_.set_acme_challenge(request) : core_.clear_acme_challenge(request);
        if (const auto* error = std::get_if<core::UpdateError>(&outcome)) return fault(error->fault, error->message);
        const auto& r = std::get<core::AcmeChallengeResult>(outcome);
        return document(response_document(Value(Struct{{"name", Value(r.name)},
                                                       {"values", strings(r.values)},
                                                       {"ttl", Value(static_cast<std::int64_t>(r.ttl))},
                                                       {"changed", Value(r.changed)}})));
    }
    if (method->name == "system.listMethods") {
        std::vector<std::string> names;
        for (const auto& m : methods()) names.push_back(m.name);
        return document(response_document(strings(names)));
    }
    const MethodInfo* about = find_method(p[0]);
    if (!about) return bad_request("unknown method '" + core::utf8_prefix(p[0], 64) + "'");
    if (method->name == "system.methodHelp") return document(response_document(Value(about->help)));
    std::vector<std::string> signature{about->result_type};
    signature.insert(signature.end(), about->parameters.size(), "string");
    return document(response_document(Value(Array{strings(signature)})));
}

} // namespace dyndns::xmlrpc
