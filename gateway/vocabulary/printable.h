// Text from callers made safe to print: control characters (C0, DEL, C1) and bytes that are not UTF-8 become visible escapes.
#pragma once

#include <string>
#include <string_view>

namespace dyndns::core {

// `text` with every C0 control (tab and line ends included), DEL, C1 control (U+0080..U+009F) and
// byte that is not part of valid UTF-8 written as \xNN (a C1 as its code point, \u0080..\u009F),
// and the backslash itself as \\, so what is printed can neither move a terminal's cursor nor
// forge a line, and escaped text cannot pass for an escape. Everything else is kept as it is.
std::string printable(std::string_view text);

} // namespace dyndns::core
