// The customer endpoints: JSON bodies checked by json_input, the update core's answers written with Poco::JSON.
#include <Poco/JSON/Array.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/NumberParser.h>

#include "api/api_calls.h"
#include "api/json_input.h"
#include "api/problem.h"
#include "vocabulary/utc_time.h"

namespace dyndns::api {
namespace {

Poco::JSON::Array array_of(const std::vector<std::string>& strings) {
    Poco::JSON::Array array;
    for (const auto& text : strings) array.add(text);
    return array;
}

Poco::JSON::Object host_change(const core::HostAddressesResult& result) {
    Poco::JSON::Object object;
    object.set("name", result.name);
    object.set("a", array_of(result.a));
    object.set("aaaa", array_of(result.aaaa));
    object.set("ttl", result.ttl);
    object.set("changed", result.changed);
    Poco::JSON::Object previous;
    previous.set("a", array_of(result.previous_a));
    previous.set("aaaa", array_of(result.previous_aaaa));
    object.set("previous", previous);
    return object;
}

// One host's sets from a body object ({"a": [...], "aaaa": [...]}, `with_name`: and "name").
std::variant<core::HostAddresses, std::string> host_sets(const Poco::JSON::Object& object, bool with_name) {
    const auto wrong =
        with_name ? check_members(
                        object, {{"name", JsonType::String, true}, {"a", JsonType::StringArray}, {"aaaa", JsonType::StringArray}})
                  : check_members(object, {{"a", JsonType::StringArray}, {"aaaa", JsonType::StringArray}});
    if (wrong) return *wrong;
    return core::HostAddresses{with_name ? *string_member(object, "name") : "", strings_member(object, "a"),
                               strings_member(object, "aaaa")};
}

http::HttpResponse set_hosts(core::UpdateService& core, const Caller& caller, std::vector<core::HostAddresses> hosts,
                             bool batch) {
    const auto outcome = core.set_host_addresses({caller.account, caller.password, std::move(hosts), caller.client});
    if (const auto* failed = std::get_if<core::UpdateError>(&outcome)) return problem(*failed);
    const auto& results = std::get<std::vector<core::HostAddressesResult>>(outcome);
    if (!batch) return json(200, host_change(results.front()));
    Poco::JSON::Array changes;
    for (const auto& result : results) changes.add(host_change(result));
    Poco::JSON::Object body;
    body.set("hosts", changes);
    return json(200, body);
}

} // namespace

http::HttpResponse list_hosts(core::UpdateService& core, const Caller& caller) {
    const auto outcome = core.list_hosts({caller.account, caller.password, caller.client});
    if (const auto* failed = std::get_if<core::UpdateError>(&outcome)) return problem(*failed);
    Poco::JSON::Array hosts;
    for (const auto& host : std::get<std::vector<core::HostSummary>>(outcome)) {
        Poco::JSON::Object object;
        object.set("name", host.name);
        object.set("domain", host.domain);
        object.set("dyndns", host.dyndns);
        hosts.add(object);
    }
    Poco::JSON::Object body;
    body.set("hosts", hosts);
    return json(200, body);
}

http::HttpResponse get_host(core::UpdateService& core, const Caller& caller, const std::string& name) {
    const auto outcome = core.get_addresses({caller.account, caller.password, name, caller.client});
    if (const auto* failed = std::get_if<core::UpdateError>(&outcome)) return problem(*failed);
    const auto& result = std::get<core::GetAddressesResult>(outcome);
    Poco::JSON::Object body;
    body.set("name", result.name);
    body.set("a", array_of(result.a));
    body.set("aaaa", array_of(result.aaaa));
    body.set("ttl", result.ttl);
    Poco::JSON::Array rules;
    for (const auto& rule : result.hosts) {
        Poco::JSON::Object object;
        object.set("name", rule.name);
        object.set("rule", rule.ipv6);
        rules.add(object);
    }
    body.set("rules", rules);
    return json(200, body);
}

http::HttpResponse put_host(core::UpdateService& core, const Caller& caller, const std::string& name, const std::string& body) {
    auto parsed = parse_object(body);
    if (const auto* why = std::get_if<std::string>(&parsed)) return bad_request(*why);
    auto sets = host_sets(*std::get<Poco::JSON::Object::Ptr>(parsed), false);
    if (const auto* why = std::get_if<std::string>(&sets)) return bad_request(*why);
    auto host = std::get<core::HostAddresses>(std::move(sets));
    host.name = name;
    return set_hosts(core, caller, {std::move(host)}, false);
}

http::HttpResponse delete_host(core::UpdateService& core, const Caller& caller, const std::string& name) {
    return set_hosts(core, caller, {core::HostAddresses{name, std::vector<std::string>{}, std::vector<std::string>{}}}, false);
}

http::HttpResponse batch_hosts(core::UpdateService& core, const Caller& caller, const std::string& body) {
    auto parsed = parse_body(body, {{"hosts", JsonType::ObjectArray, true}});
    if (const auto* why = std::get_if<std::string>(&parsed)) return bad_request(*why);
    const auto& object = *std::get<Poco::JSON::Object::Ptr>(parsed);
    std::vector<core::HostAddresses> hosts;
    for (const auto& entry : objects_member(object, "hosts")) {
        auto sets = host_sets(*entry, true);
        if (const auto* why = std::get_if<std::string>(&sets)) return bad_request("hosts: " + *why);
        hosts.push_back(std::get<core::HostAddresses>(std::move(sets)));
    }
    return set_hosts(core, caller, std::move(hosts), true);
}

http::HttpResponse put_prefix(core::UpdateService& core, const Caller& caller, const std::string& name, const std::string& body) {
    auto parsed = parse_body(body, {{"prefix", JsonType::String, true}});
    if (const auto* why = std::get_if<std::string>(&parsed)) return bad_request(*why);
    const auto& object = *std::get<Poco::JSON::Object::Ptr>(parsed);
    const auto outcome =
        core.set_prefix({caller.account, caller.password, name, *string_member(object, "prefix"), caller.client});
    if (const auto* failed = std::get_if<core::UpdateError>(&outcome)) return problem(*failed);
    const auto& result = std::get<core::SetPrefixResult>(outcome);
    Poco::JSON::Object answer;
    answer.set("domain", result.domain);
    answer.set("prefix", result.prefix);
    answer.set("changed", result.changed);
    Poco::JSON::Array hosts;
    for (const auto& host : result.hosts) {
        Poco::JSON::Object entry;
        entry.set("name", host.name);
        entry.set("rule", host.rule);
        entry.set("address", host.address);
        entry.set("changed", host.changed);
        hosts.add(entry);
    }
    answer.set("hosts", hosts);
    return json(200, answer);
}

http::HttpResponse host_history(core::UpdateService& core, const Caller& caller, const std::string& name,
                                const std::string& query) {
    std::size_t page = 0;
    if (!query.empty()) {
        Poco::Net::HTMLForm form;
        try {
            form.read(query);
        } catch (const Poco::Exception&) {
            return bad_request("the query cannot be decoded");
        }
        for (const auto& [key, value] : form)
            if (key != "page") return bad_request("unknown query parameter '" + key.substr(0, 32) + "'");
        unsigned parsed = 0;
        if (form.has("page") && !Poco::NumberParser::tryParseUnsigned(form.get("page"), parsed))
            return bad_request("page must be a whole number, 0 or more");
        page = parsed;
    }
    const auto outcome = core.host_history({caller.account, caller.password, name, page, caller.client});
    if (const auto* failed = std::get_if<core::UpdateError>(&outcome)) return problem(*failed);
    const auto& result = std::get<core::HostHistoryPage>(outcome);
    Poco::JSON::Array rows;
    for (const auto& entry : result.entries) {
        Poco::JSON::Object row;
        row.set("time", core::utc(entry.time, core::TimeStyle::Iso8601));
        row.set("name", entry.name);
        row.set("type", entry.type);
        row.set("old", entry.old_address);
        row.set("new", entry.new_address);
        row.set("outcome", entry.outcome);
        row.set("protocol", entry.protocol);
        row.set("caller", entry.caller_address);
        row.set("prefix", entry.prefix);
        row.set("calls", entry.calls);
        row.set("last", core::utc(entry.last_time, core::TimeStyle::Iso8601));
        rows.add(row);
    }
    Poco::JSON::Object body;
    body.set("history", rows);
    body.set("more", result.more);
    return json(200, body);
}

http::HttpResponse acme_challenge(core::UpdateService& core, const Caller& caller, const std::string& name,
                                  const std::string& body, bool set) {
    auto parsed = parse_body(body, {{"value", JsonType::String, true}});
    if (const auto* why = std::get_if<std::string>(&parsed)) return bad_request(*why);
    const auto& object = *std::get<Poco::JSON::Object::Ptr>(parsed);
    const core::AcmeChallengeRequest call{caller.account, caller.password, name, *string_member(object, "value"), caller.client};
    const auto outcome = set ? core.set_acme_challenge(call) : core.clear_acme_challenge(call);
    if (const auto* failed = std::get_if<core::UpdateError>(&outcome)) return problem(*failed);
    const auto& result = std::get<core::AcmeChallengeResult>(outcome);
    Poco::JSON::Object answer;
    answer.set("name", result.name);
    answer.set("values", array_of(result.values));
    answer.set("ttl", result.ttl);
    answer.set("changed", result.changed);
    return json(200, answer);
}

} // namespace dyndns::api
