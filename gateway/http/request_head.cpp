// Framing is where request smuggling lives, so every length rule is here, and Poco parses the head itself.
#include "http/request_head.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <sstream>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/String.h>

namespace dyndns::http {
namespace {

// RFC 9110 §8.6: Content-Length = 1*DIGIT. A sign, spaces inside, hexadecimal or a list
// ("5, 5") is refused; 18 digits already exceed any body limit this server can be given.
std::optional<std::size_t> plain_decimal(const std::string& value) {
    if (value.empty() || value.size() > 18) return std::nullopt;
    if (!std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) return std::nullopt;
    std::size_t parsed = 0;
    std::from_chars(value.data(), value.data() + value.size(), parsed);
    return parsed;
}

// RFC 9110 §5.6.2: a field name is a token. Catches "Content-Length : 5" (a space before the colon),
// which RFC 9112 §5.1 says a server must refuse, since proxies disagree on what it means.
bool is_token(const std::string& name) {
    static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || kSymbols.find(static_cast<char>(c)) != std::string_view::npos;
    });
}

// A CR or LF anywhere but in a CRLF pair. Poco ends a line at a bare LF too, and a proxy in
// front may not: such a head could be framed differently on each side.
bool has_bare_line_break(std::string_view head) {
    for (std::size_t i = 0; i < head.size(); ++i) {
        if (head[i] == '\r' && (i + 1 == head.size() || head[i + 1] != '\n')) return true;
        if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) return true;
    }
    return false;
}

// The header lines as sent, between the request line and the blank line.
std::vector<std::string_view> header_lines(std::string_view head) {
    std::vector<std::string_view> lines;
    std::size_t start = head.find("\r\n") + 2;
    for (std::size_t end = head.find("\r\n", start); end != std::string_view::npos && end > start;
         end = head.find("\r\n", start)) {
        lines.push_back(head.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

// Content-Length as sent. Poco decodes every header value as RFC 2047 words, so
// "=?UTF-8?B?NQ==?=" would reach the digit check as "5"; the bytes on the wire must be digits.
bool raw_lengths_are_digits(const std::vector<std::string_view>& lines) {
    for (std::string_view line : lines) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || Poco::icompare(std::string(line.substr(0, colon)), "Content-Length") != 0)
            continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        if (value.empty() || !std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
            return false;
    }
    return true;
}

HeadRefusal refusal(int status, std::string reason) { return HeadRefusal{status, std::move(reason), ""}; }

} // namespace

std::size_t max_head_bytes(const HeadLimits& limits) {
    // The request line is the URI plus a method and a version; 64 bytes cover those and the line ends.
    return limits.max_uri_bytes + limits.max_header_bytes + 64;
}

std::size_t head_end(std::string_view received) {
    const auto end = received.find("\r\n\r\n");
    return end == std::string_view::npos ? end : end + 4;
}

std::variant<RequestHead, HeadRefusal> read_request_head(std::string_view head, const HeadLimits& limits) {
    const auto line_end = head.find("\r\n");
    if (head.size() - line_end - 2 > limits.max_header_bytes + 2) return refusal(431, "request header fields too large\n");
    if (has_bare_line_break(head)) return refusal(400, "a line ends without CRLF\n");
    const auto lines = header_lines(head);
    if (!raw_lengths_are_digits(lines)) return refusal(400, "Content-Length must be plain decimal digits\n");

    Poco::Net::HTTPRequest parsed;
    try {
        std::istringstream in{std::string(head)};
        parsed.read(in);
    } catch (const Poco::Exception&) {
        return refusal(400, "malformed request head\n");
    }
    const std::string& version = parsed.getVersion();
    if (version != Poco::Net::HTTPMessage::HTTP_1_1 && version != Poco::Net::HTTPMessage::HTTP_1_0)
        return refusal(505, "HTTP/1.1 or HTTP/1.0 only\n");
    const std::string& uri = parsed.getURI();
    if (uri.size() > limits.max_uri_bytes) return refusal(414, "URI too long\n");
    if (uri.empty() || uri.front() != '/') return refusal(400, "request target must be a path\n");
    // From here on a refusal names the path: its route may answer it in its own format.
    const std::string path = uri.substr(0, uri.find('?'));
    const auto refused_at = [&path](int status, std::string reason) { return HeadRefusal{status, std::move(reason), path}; };

    // Each line must be one field: Poco skips a line without a colon and joins folded lines.
    if (static_cast<std::size_t>(std::distance(parsed.begin(), parsed.end())) != lines.size())
        return refused_at(400, "malformed header line\n");
    std::size_t lengths = 0;
    std::string length_text;
    for (const auto& [name, value] : parsed) {
        if (!is_token(name)) return refused_at(400, "malformed header field name\n");
        // Transfer-Encoding in any form, chunked or not, would frame the body another way than
        // Content-Length: refusing it outright leaves one framing to agree on.
        if (Poco::icompare(name, "Transfer-Encoding") == 0) return refused_at(400, "Transfer-Encoding is not accepted\n");
        if (Poco::icompare(name, "Content-Length") == 0) {
            ++lengths;
            length_text = value;
        }
    }
    if (lengths > 1) return refused_at(400, "more than one Content-Length\n");

    RequestHead result;
    if (lengths == 1) {
        const auto length = plain_decimal(length_text);
        if (!length) return refused_at(400, "Content-Length must be plain decimal digits\n");
        if (*length > limits.max_body_bytes)
            return refused_at(413, "request body larger than " + std::to_string(limits.max_body_bytes) + " bytes\n");
        result.content_length = *length;
    } else if (parsed.getMethod() == Poco::Net::HTTPRequest::HTTP_POST ||
               parsed.getMethod() == Poco::Net::HTTPRequest::HTTP_PUT) {
        return refused_at(411, "Content-Length required\n");
    }

    const std::string expect = parsed.get("Expect", "");
    if (!expect.empty()) {
        if (Poco::icompare(expect, "100-continue") != 0) return refused_at(417, "only Expect: 100-continue is understood\n");
        result.expects_continue = result.content_length > 0 && version == Poco::Net::HTTPMessage::HTTP_1_1;
    }

    result.http11 = version == Poco::Net::HTTPMessage::HTTP_1_1;
    result.keep_alive = parsed.getKeepAlive();
    HttpRequest& request = result.request;
    request.method = parsed.getMethod();
    const auto query = uri.find('?');
    request.path = path;
    if (query != std::string::npos) request.query = uri.substr(query + 1);
    request.content_type = parsed.get("Content-Type", "");
    for (const auto& header : parsed) request.headers.emplace_back(header.first, header.second);
    return result;
}

} // namespace dyndns::http
