// The five characters HTML gives meaning to, replaced by their character references.
#include "panel/html_text.h"

namespace dyndns::panel {

std::string html(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string csrf_field(const std::string& csrf) { return "<input type=\"hidden\" name=\"csrf\" value=\"" + html(csrf) + "\">"; }

} // namespace dyndns::panel
