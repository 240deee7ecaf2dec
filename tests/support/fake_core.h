// An update core that answers what a test tells it and records what the front end asked: for the protocol front ends' tests.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/update_service.h"

namespace dyndns::test {

class FakeCore : public core::UpdateService {
public:
    // set_address answers: `answers` by name, else `set_answer`, else (cleared) a success that
    // echoes the request (the caller's address "198.51.100.1" when it gave none).
    std::map<std::string, core::SetAddressOutcome> answers;
    std::optional<core::SetAddressOutcome> set_answer = core::SetAddressResult{"example.test", "192.0.2.1", "A", 60, true};
    core::GetAddressesOutcome get_answer =
        core::GetAddressesResult{"example.test", {"192.0.2.1"}, {"2001:db8::1", "2001:db8::2"}, 60, {}};
    std::vector<core::SetAddressRequest> set_calls;
    // set_acme_challenge / clear_acme_challenge answers: `acme_answer` when set, else a success
    // echoing the value. Calls are recorded with `acme_ops` saying "set" or "clear".
    std::optional<core::AcmeChallengeOutcome> acme_answer;
    std::vector<core::AcmeChallengeRequest> acme_calls;
    std::vector<std::string> acme_ops;

    core::SetAddressOutcome set_address(const core::SetAddressRequest& request) override {
        set_calls.push_back(request);
        if (const auto it = answers.find(request.name); it != answers.end()) return it->second;
        if (set_answer) return *set_answer;
        return core::SetAddressResult{request.name, request.address.empty() ? "198.51.100.1" : request.address,
                                      request.address.find(':') != std::string::npos ? "AAAA" : "A", 60, true};
    }
    // As the real core: the addresses vetted first, then each name set to each address (through
    // set_address, so set_calls shows them); a login, budget or store fault answers the request.
    core::SetAddressesOutcome set_addresses(const core::SetAddressesRequest& request) override {
        ++set_many_calls;
        for (const auto& address : request.addresses)
            if (!address.empty())
                if (auto refused = check_address(address)) return *refused;
        std::vector<core::NameOutcome> outcomes;
        for (const auto& name : request.names) {
            std::vector<core::SetAddressResult> results;
            std::optional<core::UpdateError> failure;
            for (const auto& address : request.addresses) {
                auto outcome = set_address({request.account, request.password, name, address, request.client});
                if (auto* error = std::get_if<core::UpdateError>(&outcome)) {
                    failure = *error;
                    break;
                }
                results.push_back(std::get<core::SetAddressResult>(outcome));
            }
            if (failure && (failure->fault == core::Fault::AuthFailed || failure->fault == core::Fault::RateLimited ||
                            failure->fault == core::Fault::ServiceUnavailable))
                return *failure;
            outcomes.push_back({name, failure ? decltype(core::NameOutcome::outcome){*failure} : results, "", false});
        }
        return outcomes;
    }
    int set_many_calls = 0;
    core::GetAddressesOutcome get_addresses(const core::GetAddressesRequest&) override { return get_answer; }
    std::optional<std::string> caller_address(const core::ClientInfo& client) const override { return client.peer_address; }
    core::AcmeChallengeOutcome set_acme_challenge(const core::AcmeChallengeRequest& request) override {
        return acme("set", request);
    }
    core::AcmeChallengeOutcome clear_acme_challenge(const core::AcmeChallengeRequest& request) override {
        return acme("clear", request);
    }
    core::AcmeChallengeOutcome acme(const std::string& op, const core::AcmeChallengeRequest& request) {
        acme_calls.push_back(request);
        acme_ops.push_back(op);
        if (acme_answer) return *acme_answer;
        return core::AcmeChallengeResult{"_acme-challenge." + request.name, {request.value}, 60, true};
    }
    // set_prefix answers `prefix_answer` when set, else a success echoing the prefix; calls are recorded.
    std::optional<core::SetPrefixOutcome> prefix_answer;
    std::vector<core::SetPrefixRequest> prefix_calls;
    core::SetPrefixOutcome set_prefix(const core::SetPrefixRequest& request) override {
        prefix_calls.push_back(request);
        if (prefix_answer) return *prefix_answer;
        return core::SetPrefixResult{
            request.name, request.prefix, {{"nas." + request.name, "::1", "2001:db8::1", true}}, 60, true};
    }
    std::vector<core::HostRuleRequest> host_rule_calls;
    core::HostRuleOutcome set_host_rule(const core::HostRuleRequest& request) override {
        host_rule_calls.push_back(request);
        return core::HostRuleResult{request.name, request.rule};
    }
    // The JSON API's host calls: each name echoed as changed to what was asked; calls recorded.
    std::vector<core::HostAddressesRequest> host_set_calls;
    std::optional<core::UpdateError> host_answer; // when set, every host call and the provisioning check answer it
    core::HostAddressesOutcome set_host_addresses(const core::HostAddressesRequest& request) override {
        host_set_calls.push_back(request);
        if (host_answer) return *host_answer;
        std::vector<core::HostAddressesResult> results;
        for (const auto& host : request.hosts)
            results.push_back({host.name,
                               host.a.value_or(std::vector<std::string>{}),
                               host.aaaa.value_or(std::vector<std::string>{}),
                               {},
                               {},
                               60,
                               true});
        return results;
    }
    std::variant<std::string, core::UpdateError> account_caller(const core::CallerRequest& request) override {
        return request.account;
    }
    core::HostListOutcome list_hosts(const core::CallerRequest&) override {
        if (host_answer) return *host_answer;
        return std::vector<core::HostSummary>{{"example.test", "example.test", true},
                                              {"home.example.test", "example.test", true}};
    }
    core::HostHistoryOutcome host_history(const core::HostHistoryRequest&) override {
        if (host_answer) return *host_answer;
        return core::HostHistoryPage{};
    }
    std::vector<std::string> provisioning_checks; // the secrets asked about
    std::optional<core::UpdateError> check_provisioning_token(const std::string& secret, const core::ClientInfo&) override {
        provisioning_checks.push_back(secret);
        return host_answer;
    }
    // "bad" and anything starting with "fd" (a ULA) are refused as private.
    std::optional<core::UpdateError> check_address(const std::string& address) const override {
        if (address == "bad" || address.rfind("fd", 0) == 0) return core::UpdateError{core::Fault::PrivateAddress, "private", 0};
        return std::nullopt;
    }
};

} // namespace dyndns::test
