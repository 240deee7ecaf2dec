// What a route handler sees of an HTTP request and what it answers: plain values, no Poco types.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dyndns::http {

struct BasicCredentials {
    std::string user;
    std::string password;
};

// Decoded name=value fields, in the order they came (a name may repeat).
struct FormFields {
    std::vector<std::pair<std::string, std::string>> fields;
    bool malformed = false; // some part could not be decoded (its fields are left out)

    // The first value of `name` (exact match), or `otherwise`.
    std::string get(const std::string& name, const std::string& otherwise = "") const;
};

struct HttpRequest {
    std::string method;
    std::string path; // without the query, not percent-decoded
    std::string query; // after '?', raw
    std::string content_type; // raw header value
    std::string body; // complete, within the configured limit
    std::string peer_address; // the TCP peer, e.g. "127.0.0.1" or "::1"; behind PROXY protocol, the client its header named
    bool via_proxy_protocol = false; // came on a listen.proxy_protocol listener
    std::vector<std::pair<std::string, std::string>> headers; // as received
    // The event loop began this call and spent its budget before something had to wait: the
    // worker finishing it spends none (vocabulary/no_wait.h).
    bool precharged = false;

    // The first header with this name (case-insensitive), or "".
    std::string header(const std::string& name) const;
    // Every line of a list header joined with ", " in the order received (RFC 9110 5.3): what a
    // proxy appended in a line of its own is then the last entry, not lost behind the client's line.
    std::string header_list(const std::string& name) const;
    // HTTP Basic credentials (Poco decodes them); nothing when absent, not Basic, or either half empty.
    std::optional<BasicCredentials> basic_credentials() const;
    // The value of one cookie, or "".
    std::string cookie(const std::string& name) const;
    // For a POST of application/x-www-form-urlencoded the body's fields, then the query's;
    // at most kMaxFormFields, percent-decoding by Poco. A form that cannot be decoded has no fields.
    FormFields form() const;
};

constexpr std::size_t kMaxFormFields = 32;

// True when `content_type` parses (Poco) as type/subtype; parameters such as charset are ignored.
bool media_type_is(const std::string& content_type, const char* type, const char* subtype);

// The same from a raw Authorization header value.
std::optional<BasicCredentials> basic_credentials(const std::string& authorization);

struct HttpResponse {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool close_connection = false; // the server closes the connection after this answer

    static HttpResponse text(int status, std::string body);
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// One entry of the server's route table: an exact path, or every path under it, and the methods it answers.
struct Route {
    std::string path;
    std::vector<std::string> methods;
    Handler handler;
    bool prefix = false; // `path` ends with '/' and the route answers every path below it
    // How this route words an answer the server gives before its handler runs (404, 405, 413,
    // …): a status and a reason. Empty: plain text.
    std::function<HttpResponse(int status, const std::string& reason)> refuse = nullptr;
    // The handler may run on the event loop, answering from memory when nothing has to wait; it
    // then throws core::WouldBlock at the first thing that would, and a worker runs it again.
    bool answers_from_memory = false;
};

} // namespace dyndns::http
