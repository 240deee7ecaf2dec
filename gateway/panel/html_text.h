// Text made safe for HTML element content and quoted attribute values.
#pragma once

#include <string>

namespace dyndns::panel {

// Escapes & < > " ' so the text can never end an element, an attribute or a comment.
std::string html(const std::string& text);

} // namespace dyndns::panel
