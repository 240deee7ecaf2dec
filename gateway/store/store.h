// The gateway's persistent state in SQLite: accounts (argon2id hashes), domains with their dyndns switch, update history.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dyndns::store {

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Domain {
    std::string name;    // lower-case, no trailing dot
    std::string account; // owner
    bool dyndns = false; // the control panel's checkbox
};

struct HistoryEntry {
    std::int64_t id = 0;                         // assigned by the store
    std::chrono::system_clock::time_point time{};
    std::string name;                            // the name that was set
    std::string domain;                          // the customer's domain it belongs to
    std::string type;                            // "A" or "AAAA"
    std::string old_address;                     // empty if none
    std::string new_address;
    std::string caller_address;
    std::string protocol;                        // "xmlrpc", "soap", "dyndns2", "panel"
    std::string user_agent;
    std::string outcome;                         // "changed", "unchanged", or the fault name, e.g. "DNS_REJECTED"
};

// Thread-safe. Several processes (the gateway and dyndnsctl) may open the same file at once.
class Store {
public:
    // Opens or creates the database at `path`, applies pending schema migrations, enables WAL.
    explicit Store(const std::string& path);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Accounts. Names: 1..64 characters of [a-z0-9._-] (lower-cased on input). Passwords: 1..1024 bytes.
    void add_account(const std::string& account, const std::string& password); // StoreError if it exists
    void set_password(const std::string& account, const std::string& password); // StoreError if missing
    void delete_account(const std::string& account);                            // also deletes its domains
    std::vector<std::string> list_accounts() const;
    bool account_exists(const std::string& account) const;

    // True when `password` is the account's. Unknown accounts cost the same time as wrong
    // passwords. A successful check is cached in memory for a short time under a keyed hash of
    // (account, password, stored hash), so a password change, here or from another process,
    // invalidates it; the password itself is never kept.
    bool verify_password(const std::string& account, const std::string& password);

    // Domains. A domain belongs to one account; names are lower-cased, trailing dot removed.
    void add_domain(const std::string& domain, const std::string& account); // StoreError if taken or account missing
    void delete_domain(const std::string& domain);                          // StoreError if missing
    void set_dyndns(const std::string& domain, bool enabled);               // StoreError if missing
    std::optional<Domain> find_domain(const std::string& domain) const;     // exact name
    std::vector<Domain> list_domains(const std::optional<std::string>& account = std::nullopt) const;

    // History, newest first.
    void append_history(const HistoryEntry& entry);
    std::vector<HistoryEntry> history(const std::optional<std::string>& domain = std::nullopt, std::size_t limit = 50,
                                      std::size_t offset = 0) const;

private:
    std::vector<Domain> list_where(const std::string& where, const std::string& value) const;

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace dyndns::store
