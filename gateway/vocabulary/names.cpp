// Host names checked label by label; lower case by Poco::toLower (ASCII only, as DNS compares).
#include "vocabulary/names.h"

#include <cctype>

#include <Poco/String.h>

namespace dyndns::core {

std::string lower(const std::string& text) { return Poco::toLower(text); }

std::optional<std::string> host_name(const std::string& raw) {
    std::string name = lower(raw);
    if (!name.empty() && name.back() == '.') name.pop_back();
    if (name.empty() || name.size() > kMaxNameLength) return std::nullopt;
    std::size_t label_start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '.') {
            const std::size_t length = i - label_start;
            if (length == 0 || length > kMaxLabelLength) return std::nullopt;
            // RFC 952/1123: a label neither starts nor ends with a hyphen (BIND refuses it).
            if (name[label_start] == '-' || name[i - 1] == '-') return std::nullopt;
            label_start = i + 1;
            continue;
        }
        if (!(std::isalnum(static_cast<unsigned char>(name[i])) || name[i] == '-')) return std::nullopt;
    }
    return name;
}

} // namespace dyndns::core
