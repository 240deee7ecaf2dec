// Escaping for terminals and logs: Poco's UTF-8 decoder says what is a character, this says which ones may be shown.
#include "vocabulary/printable.h"

#include <algorithm>
#include <cstdio>

#include <Poco/UTF8Encoding.h>

namespace dyndns::core {
namespace {

void append_escape(std::string& out, const char* format, unsigned value) {
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, format, value);
    out += escaped;
}

} // namespace

std::string printable(std::string_view text) {
    static const Poco::UTF8Encoding utf8;
    std::string out;
    out.reserve(text.size());
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t at = 0; at < text.size();) {
        const unsigned char first = bytes[at];
        if (first < 0x80) {
            if (first < 0x20 || first == 0x7F)
                append_escape(out, "\\x%02X", first);
            else if (first == '\\')
                out += "\\\\";
            else
                out += static_cast<char>(first);
            ++at;
            continue;
        }
        // Poco's decoder: the sequence's length, then its code point (-1 when malformed or overlong).
        const int remaining = static_cast<int>(std::min<std::size_t>(text.size() - at, 8));
        const int length = utf8.sequenceLength(bytes + at, remaining);
        const int code = length > 0 ? utf8.queryConvert(bytes + at, length) : -1;
        if (code < 0) {
            append_escape(out, "\\x%02X", first);
            ++at;
            continue;
        }
        if (code >= 0x80 && code <= 0x9F)
            append_escape(out, "\\u%04X", static_cast<unsigned>(code));
        else
            out.append(text.substr(at, static_cast<std::size_t>(length)));
        at += static_cast<std::size_t>(length);
    }
    return out;
}

} // namespace dyndns::core
