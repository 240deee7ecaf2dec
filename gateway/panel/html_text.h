// Text made safe for HTML element content and quoted attribute values, and the CSRF field every form carries.
#pragma once

#include <string>

namespace dyndns::panel {

// Escapes & < > " ' so the text can never end an element, an attribute or a comment.
std::string html(const std::string& text);

// The hidden field every POST form carries: the session's CSRF token.
std::string csrf_field(const std::string& csrf);

} // namespace dyndns::panel
