// Shortening caller-supplied text for messages and history without splitting a UTF-8 character.
#pragma once

#include <string>

namespace dyndns::core {

// At most `limit` bytes of `text`, cut before a UTF-8 continuation byte never inside a character
// (a split character makes an XML writer refuse the whole document).
inline std::string utf8_prefix(const std::string& text, std::size_t limit) {
    if (text.size() <= limit) return text;
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut);
}

} // namespace dyndns::core
