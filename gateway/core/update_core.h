// The update core: authenticate, find the domain, check dyndns, pick and vet the address, compare with the primary, replace.
#pragma once

#include <atomic>
#include <memory>
#include <cstdint>
#include <vector>

#include "core/acme_challenges.h"
#include "vocabulary/api_token.h"
#include "vocabulary/cidr.h"
#include "core/call_rate_limit.h"
#include "core/history_writer.h"
#include "core/login_throttle.h"
#include "core/update_service.h"
#include "core/webhook_accounts.h"
#include "vocabulary/forwarding_header.h"
#include "core/zone_committer.h"
#include "dns/primaries.h"
#include "dns/rfc2136_client.h"
#include "dns/zone_follower.h"
#include "core/ports/store_ports.h"

namespace dyndns::core {

struct CoreSettings {
    std::uint32_t ttl = 60;
    bool allow_private_addresses = false;
    std::vector<Cidr> trusted_proxies;
    ForwardingHeader forwarding_header = ForwardingHeader::XForwardedFor; // where a trusted proxy names the client
    ThrottleSettings throttle;
    std::size_t max_batch = 64; // changes to one zone in one UPDATE message (group commit)
    unsigned calls_per_minute = 0; // per account; 0: no limit
    unsigned history_days = 0; // history kept this long; 0: forever
    std::uint32_t acme_ttl = 60; // of the _acme-challenge TXT records
    std::size_t webhook_max_pending = 1000; // per webhook: events beyond wait for none (docs/webhooks.md)
    bool webhook_allow_private = false; // webhooks.allow_private_addresses: registration's target check
};

// Knows nothing of HTTP or XML; front ends hand it one request and translate its one answer.
class UpdateCore final : public UpdateService {
public:
    // A store that fails mid-call (a database gone or locked away) answers fault 10: what the
    // caller can do is retry later, as with an unreachable primary. Nothing was changed: the
    // store is read before any UPDATE, and history after it is only queued. Logs the failure;
    // every front end that meets a store::DatabaseError outside the core answers with this.
    static UpdateError store_unavailable(const std::exception& failure);

    // With a `follower`, the current records of followed zones come from it, not from a read per
    // call; without one (or for a zone not in step) the primary is asked.
    UpdateCore(CoreSettings settings, StorePorts& store, dns::Primaries primaries,
               std::shared_ptr<dns::ZoneFollower> follower = nullptr);

    SetAddressOutcome set_address(const SetAddressRequest& request) override;
    // In update_core_hosts.cpp.
    SetAddressesOutcome set_addresses(const SetAddressesRequest& request) override;
    GetAddressesOutcome get_addresses(const GetAddressesRequest& request) override;
    std::optional<std::string> caller_address(const ClientInfo& client) const override;
    std::optional<UpdateError> check_address(const std::string& address) const override;
    // In update_core_acme.cpp.
    AcmeChallengeOutcome set_acme_challenge(const AcmeChallengeRequest& request) override;
    AcmeChallengeOutcome clear_acme_challenge(const AcmeChallengeRequest& request) override;
    // In update_core_prefixes.cpp.
    SetPrefixOutcome set_prefix(const SetPrefixRequest& request) override;
    HostRuleOutcome set_host_rule(const HostRuleRequest& request) override;
    // In update_core_host_sets.cpp.
    HostAddressesOutcome set_host_addresses(const HostAddressesRequest& request) override;
    // In update_core_host_reads.cpp.
    HostListOutcome list_hosts(const CallerRequest& request) override;
    HostHistoryOutcome host_history(const HostHistoryRequest& request) override;
    std::variant<std::string, UpdateError> account_caller(const CallerRequest& request) override;
    std::optional<UpdateError> check_provisioning_token(const std::string& secret, const ClientInfo& client) override;

    // History rows answered but not yet in the store.
    std::size_t history_queue_depth() { return history_.depth(); }

    // A reload: TTL, private addresses, trusted proxies, the call budget and history retention
    // take effect from the next call; the throttle's settings and max_batch stay as started.
    void update_settings(const CoreSettings& settings);

    // The RRset at `name` in `zone` as the primary has it now: from the followed zone when it is
    // in step (A, AAAA and TXT), else read from the primary. What the calls compare against and
    // what the control panel shows.
    dns::ReadResult published(const std::string& zone, const std::string& name, dns::RRType type, dns::Deadline deadline);

    // Returns once every history row of the calls answered so far is in the store.
    void flush_history() { history_.flush(); }

    // UPDATE messages sent and changes handed to them so far (their ratio is the batching).
    ZoneCommitter::Counters dns_counters() const { return committer_.counters(); }

    // One call of `account`'s budget spent on something other than a call (a panel page that reads
    // the primary): fault 6 with the wait when the budget is spent.
    std::optional<UpdateError> spend_call(const std::string& account) { return charge(account); }
    // Whether a webhook may target a private address (webhooks.allow_private_addresses), for registration.
    bool webhooks_may_target_private() const { return settings()->webhook_allow_private; }
    // A webhook of `account` (lower-case) was stored through this gateway: its events start now.
    void webhook_added(const std::string& account) { webhook_accounts_.added(account); }

    // An account's own login (the control panel): the same throttle and faults as every call,
    // per-host tokens not accepted, and one call of the account's budget (fault 6 when spent).
    // CodeNeeded: the password was right and the account has TOTP on; the login is not complete
    // (nor counted as one by the throttle) until second_factor() takes a code.
    enum class LoginStep { Done, CodeNeeded };
    std::variant<LoginStep, UpdateError> login(const std::string& account, const std::string& password, const ClientInfo& client);

    // The second factor (update_core_totp.cpp): a current TOTP code, or an unused recovery code,
    // of an account with TOTP on. Counted by the login throttle as a password is: a wrong code
    // is a failed login (fault 1), a right one a login. A code's step, once taken, is never taken
    // again. Nothing on success.
    std::optional<UpdateError> second_factor(const std::string& account, const std::string& code, const ClientInfo& client);
    // Enrolment's end: `code` must be the current code of the account's waiting secret (counted
    // as second_factor's are). TOTP is then on; the new recovery codes are returned, once.
    std::variant<std::vector<std::string>, UpdateError> enable_totp(const std::string& account, const std::string& code,
                                                                    const ClientInfo& client);

private:
    struct Identity {
        std::string account; // lower-case
        std::optional<Token> token; // set when a per-host token logged in
        std::optional<ApiToken> api = std::nullopt; // set when an API token logged in: its scope bounds every name
        bool code_needed = false; // a panel login whose password was right: its TOTP code must follow
    };
    // Login and authorization, in update_core_login.cpp.
    std::variant<Identity, UpdateError> authenticate(const std::string& account, const std::string& password,
                                                     const ClientInfo& client, bool tokens_allowed);
    // An API token's login (docs/api.md): a token of the `expected` kind used from one of its networks.
    std::variant<ApiToken, UpdateError> verify_api_token(const std::string& secret, const ClientInfo& client,
                                                         const std::string& source, ApiToken::Kind expected);
    // authenticate() past its bounds check; a store error escapes it.
    std::variant<Identity, UpdateError> verify_login(const std::string& account, const std::string& password,
                                                     const ClientInfo& client, bool tokens_allowed);
    // A code of `account`'s TOTP (on, or waiting for enrolment when `enrolling`) through the login
    // throttle: the step it was taken at (0 for a recovery code), or the fault.
    std::variant<std::int64_t, UpdateError> check_code(const std::string& account, const std::string& code,
                                                       const ClientInfo& client, bool enrolling);
    struct Authorized {
        std::string name; // normalized name asked for
        Domain domain;
        bool by_token = false; // a per-host token: `name` and nothing else is the caller's
    };
    // A challenge at `_acme-challenge.S` also proves control of `*.S` to a CA: refused when a name
    // below S is not the caller's (another account's domain, a name another token holds).
    bool wildcard_reaches_others(const Authorized& who) const;
    // `need`: what an API token's scope must allow (other credentials reach all their names).
    std::variant<Authorized, UpdateError> authorize(const std::string& account, const std::string& password,
                                                    const std::string& name, const ClientInfo& client, Need need);
    // The call budget's charge for one request of `account`; the fault when it is spent.
    std::optional<UpdateError> charge(const std::string& account, unsigned calls = 1);
    // Whether the logged-in `identity` may do `need` to `name`.
    std::variant<Authorized, UpdateError> authorize_name(const Identity& identity, const std::string& name, Need need);
    // The address a request asks for: `text`, or the caller's when empty; vetted.
    std::variant<Poco::Net::IPAddress, UpdateError> requested_address(const std::string& text, const ClientInfo& client) const;

    // One name's address: answered already (unchanged, or refused), or a change to send.
    struct AddressPlan {
        std::optional<SetAddressOutcome> answered;
        dns::RRsetChange change;
        std::string type; // "A" or "AAAA"
        std::string text; // the address, canonical
        std::string old_address; // what the primary held
        std::string prefix; // the router's prefix that moves this name, for the history; empty for an address call
    };
    AddressPlan plan_address(const Authorized& who, const SetAddressRequest& request, const Poco::Net::IPAddress& address,
                             dns::Deadline deadline);
    SetAddressOutcome finish_address(const Authorized& who, const SetAddressRequest& request, const AddressPlan& plan,
                                     const dns::DnsOutcome& applied, dns::Deadline deadline);
    // The follower learns each outcome of the gateway's own UPDATEs.
    void tell_follower(const std::string& zone, const dns::RRsetChange& change, const dns::DnsOutcome& outcome);
    // The RRset at the caller's name as the primary has it now: from the followed zone when it is
    // in step, else read from the primary.
    dns::ReadResult current_rrset(const Authorized& who, dns::RRType type, dns::Deadline deadline);
    // Sends `change` with the other changes to its zone (group commit) and tells the follower.
    dns::DnsOutcome commit(const Authorized& who, const dns::RRsetChange& change, dns::Deadline deadline);
    SetAddressOutcome apply_set_address(const SetAddressRequest& request);
    GetAddressesOutcome read_addresses(const GetAddressesRequest& request);
    AcmeChallengeOutcome observed_acme_challenge(const AcmeChallengeRequest& request, bool set);
    AcmeChallengeOutcome apply_acme_challenge(const AcmeChallengeRequest& request, bool set);
    void observe(const ClientInfo& client, const char* method, const std::string& name, const std::string& outcome,
                 const std::string& address, std::chrono::steady_clock::time_point started) const;
    static std::string outcome_word(const UpdateError& error);
    template <class Outcome, class Call>
    static Outcome with_store(Call call) {
        try {
            return call();
        } catch (const store::DatabaseError& failure) {
            return store_unavailable(failure);
        }
    }
    // The private-address rule (docs/contract.md "Private addresses"): the fault when `address` may not be published.
    std::optional<UpdateError> refuse_private(const Poco::Net::IPAddress& address) const;
    void record(const Authorized& who, const SetAddressRequest& request, const std::string& type, const std::string& old_address,
                const std::string& new_address, const std::string& outcome, const std::string& prefix = "");

    // A router's prefix applied to one domain: each host's plan, nothing sent yet (update_core_prefixes.cpp).
    struct PrefixPlan {
        std::string applied; // the prefix as applied, or "-"
        struct Host {
            Authorized who;
            DerivedHost result; // answered as it is unless `plan.answered` is empty (a change to send)
            AddressPlan plan;
        };
        std::vector<Host> hosts;
    };
    // Refuses (fault 4/5/7, nothing sent) or plans every host with a rule in `domain`'s domain
    // but those in `skip` (names this request gives their own IPv6 address).
    std::variant<PrefixPlan, UpdateError> plan_prefix(const Authorized& domain, const std::string& prefix,
                                                      const std::vector<std::string>& skip, dns::Deadline deadline);
    // Each planned host's answer after `applied` (the outcomes of its changes, in order); the first failure, if any.
    std::optional<UpdateError> finish_prefix(PrefixPlan& plan, const SetAddressRequest& request,
                                             const std::vector<dns::DnsOutcome>& applied, dns::Deadline deadline);
    SetPrefixOutcome apply_set_prefix(const SetPrefixRequest& request);

    // Webhook events of changes that reached the primary (update_core_webhooks.cpp): one per
    // address change, one per router prefix that moved names.
    void announce(const Authorized& who, const SetAddressRequest& request, const std::string& type,
                  const std::string& old_address, const std::string& new_address);
    void announce_prefix(const PrefixPlan& plan, const SetAddressRequest& request);

    // One name's sets checked (update_core_host_sets.cpp): its authorization and its addresses, parsed.
    struct HostSetPlan {
        Authorized who;
        std::optional<std::optional<Poco::Net::IPAddress>> a; // absent: untouched; nullopt inside: removed
        std::optional<std::optional<Poco::Net::IPAddress>> aaaa;
    };
    std::variant<HostSetPlan, UpdateError> check_host_set(const Identity& identity, const HostAddresses& host);
    HostAddressesOutcome apply_host_addresses(const HostAddressesRequest& request);

    // Read whole by each use (a snapshot), replaced whole by update_settings.
    std::shared_ptr<const CoreSettings> settings() const { return settings_.load(); }

    std::atomic<std::shared_ptr<const CoreSettings>> settings_;
    StorePorts& store_;
    const dns::Primaries primaries_;
    LoginThrottle throttle_;
    CallRateLimit calls_;
    ZoneCommitter committer_;
    ChallengeOrder challenge_order_;
    std::shared_ptr<dns::ZoneFollower> follower_;
    WebhookAccounts webhook_accounts_{store_};
    HistoryWriter history_; // last: stopped (and drained) first
};

} // namespace dyndns::core
