// Reads a connection string with libpq's own parser and writes it back in the one form Poco 1.11's connector reads.
#include "store/postgres_conninfo.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>

#include <libpq-fe.h>

#include "store/store.h"
#include "vocabulary/free_deleter.h"

namespace dyndns::store {
namespace {

using Options = std::unique_ptr<PQconninfoOption, Free<&PQconninfoFree>>;

// A call never waits longer than this for a connection, nor for the server to acknowledge what
// was sent; keepalives probe an idle wait for an answer, so a host that vanished mid-statement is
// found out within about tcp_user_timeout too (the kernel's default is two hours). The server
// bounds each statement itself (the store sets statement_timeout). An operator's own values win.
constexpr const char* kConnectTimeoutSeconds = "3";
constexpr const char* kTcpUserTimeoutMs = "10000";
constexpr const char* kKeepaliveIdleSeconds = "5";
constexpr const char* kKeepaliveIntervalSeconds = "2";
constexpr const char* kKeepaliveCount = "3";

// libpq's unquoted value syntax: a backslash escapes the next character.
std::string escaped(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
    }
    return out;
}

} // namespace

PostgresTarget postgres_target(const std::string& conninfo) {
    char* error = nullptr;
    Options options(PQconninfoParse(conninfo.c_str(), &error));
    // libpq's message may quote a piece of the string, and the string may hold a password.
    PQfreemem(error);
    if (!options) throw StoreError("store.postgresql is not a libpq connection string (key=value pairs or a postgresql:// URI)");
    std::map<std::string, std::string> values;
    for (const PQconninfoOption* option = options.get(); option->keyword; ++option)
        if (option->val && *option->val) values[option->keyword] = option->val;
    values.try_emplace("connect_timeout", kConnectTimeoutSeconds);
    values.try_emplace("tcp_user_timeout", kTcpUserTimeoutMs);
    values.try_emplace("keepalives_idle", kKeepaliveIdleSeconds);
    values.try_emplace("keepalives_interval", kKeepaliveIntervalSeconds);
    values.try_emplace("keepalives_count", kKeepaliveCount);

    PostgresTarget target;
    for (const auto& [key, value] : values) {
        if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); }))
            throw StoreError("store.postgresql: the value of " + key +
                             " holds a space or control character, which Poco's "
                             "PostgreSQL connector cannot pass on");
        if (!target.connection.empty()) target.connection += ' ';
        target.connection += key + '=' + escaped(value);
    }
    const auto value_of = [&](const char* key, const char* otherwise) {
        const auto it = values.find(key);
        return it == values.end() ? std::string(otherwise) : it->second;
    };
    const std::string host = values.count("host") ? values["host"] : value_of("hostaddr", "(local socket)");
    target.description = "host=" + host + " port=" + value_of("port", "5432") + " dbname=" + value_of("dbname", "(user name)");
    return target;
}

bool postgres_answers(const std::string& connection) { return PQping(connection.c_str()) == PQPING_OK; }

} // namespace dyndns::store
