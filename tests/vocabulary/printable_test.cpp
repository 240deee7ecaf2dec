// printable(): what reaches a terminal or a log can neither steer the terminal nor forge a line, and plain text is untouched.
#include <doctest/doctest.h>

#include "vocabulary/printable.h"

using dyndns::core::printable;

TEST_CASE("plain ASCII and UTF-8 text is kept as it is") {
    CHECK(printable("ddclient/3.10.0 (+https://example.test)") == "ddclient/3.10.0 (+https://example.test)");
    CHECK(printable("Fritz!Box Zürich 日本") == "Fritz!Box Zürich 日本");
    CHECK(printable("") == "");
}

TEST_CASE("C0 controls and DEL are escaped so no line can be forged and no terminal steered") {
    CHECK(printable("a\r\nforged line") == "a\\x0D\\x0Aforged line");
    CHECK(printable("\x1b[31mred") == "\\x1B[31mred");
    CHECK(printable(std::string("nul\0here", 8)) == "nul\\x00here");
    CHECK(printable("tab\there\x7f") == "tab\\x09here\\x7F");
}

TEST_CASE("C1 controls are escaped by code point (a CSI in UTF-8 steers some terminals too)") {
    CHECK(printable("\xc2\x9b"
                    "31m") == "\\u009B31m");
    CHECK(printable("\xc2\x85") == "\\u0085");
    CHECK(printable("\xc2\xa0") == "\xc2\xa0"); // U+00A0 is a character, not a control
}

TEST_CASE("bytes that are not UTF-8 are escaped one by one") {
    CHECK(printable("\xff\xfe") == "\\xFF\\xFE");
    CHECK(printable("\x80") == "\\x80");
    CHECK(printable("cut \xe6\x97") == "cut \\xE6\\x97");
    CHECK(printable("\xc0\xaf") == "\\xC0\\xAF"); // an overlong '/'
}

TEST_CASE("a backslash is doubled so escaped text cannot pass for an escape") { CHECK(printable("\\x1B") == "\\\\x1B"); }
