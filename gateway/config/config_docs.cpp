// Writes example.yaml and the man page's KEYS section from the key table, so neither restates a bound by hand.
#include "config/config_docs.h"

#include <sstream>

#include "config/config_keys.h"

namespace dyndns::config {
namespace {

constexpr std::size_t kWidth = 100;

constexpr const char* kExampleHeader =
    R"(# Example dyndns gateway configuration: every key, its default and what it does.
# Generated from gateway/config/config_keys.cpp by scripts/gen-config-docs: edit the table, not this file.
#
# Only dns.key_file is required; every other key may be left out to keep its default (shown
# here). A key with no value (`tls:` with its lines commented out) also means "the defaults".
# Unknown keys, wrong types and out-of-range values are errors naming the key and the line, e.g.
#   gateway.yaml:12: limits.max_bdy_bytes: unknown key (known here: max_body_bytes, ...)
# Relative paths (tls.*, dns.key_file, store.path) are taken relative to the directory of this
# file, not the directory the gateway is started from. "Needs a restart": a reload (SIGHUP)
# keeps the running value and logs that it changed. Check a file with
#   dyndns-gateway --check-config gateway.yaml
)";

std::string section_of(std::string_view path) {
    const auto dot = path.find('.');
    return dot == std::string_view::npos ? "" : std::string(path.substr(0, dot));
}

std::string name_of(std::string_view path) { return std::string(path.substr(path.find('.') + 1)); }

std::string_view section_doc(const std::string& name) {
    for (const SectionRow& section : config_sections())
        if (section.name == name) return section.doc;
    return {};
}

// "Integer, 1..65535. Default: 8192. Needs a restart."
std::string facts(const KeyRow& row) {
    std::string text(row.type);
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    if (row.min != 0 || row.max != 0) text += ", " + std::to_string(row.min) + ".." + std::to_string(row.max);
    text += ". ";
    if (row.required)
        text += "Required.";
    else
        text += "Default: " + (row.default_doc.empty() ? value_text(row, GatewayConfig{}) : std::string(row.default_doc)) + ".";
    text += row.reload == Reload::Restart ? " Needs a restart." : " Applied on reload (SIGHUP).";
    return text;
}

// Words of `text` as comment lines of at most kWidth columns.
std::string comment(const std::string& indent, const std::string& text) {
    std::istringstream words(text);
    std::string out, current, word;
    while (words >> word) {
        if (!current.empty() && indent.size() + 2 + current.size() + 1 + word.size() > kWidth) {
            out += indent + "# " + current + "\n";
            current.clear();
        }
        current += (current.empty() ? "" : " ") + word;
    }
    if (!current.empty()) out += indent + "# " + current + "\n";
    return out;
}

std::string example_value(const KeyRow& row, const std::string& indent, const std::string& name) {
    std::string example(row.example.empty() ? value_text(row, GatewayConfig{}) : std::string(row.example));
    std::string more;
    if (const auto newline = example.find('\n'); newline != std::string::npos) {
        std::istringstream lines(example.substr(newline + 1));
        for (std::string line; std::getline(lines, line);) more += indent + line + "\n";
        example.resize(newline);
    }
    if (example.starts_with("#")) return indent + "# " + name + ": " + example.substr(1) + "\n" + more;
    return indent + name + ": " + example + "\n" + more;
}

// Roff: a backslash is \e, and a line may not start with a control character.
std::string roff(const std::string& text) {
    std::string out;
    for (const char c : text) out += c == '\\' ? std::string("\\e") : std::string(1, c);
    if (out.starts_with(".") || out.starts_with("'")) out = "\\&" + out;
    return out;
}

} // namespace

std::string example_yaml() {
    std::string out = kExampleHeader;
    std::string open_section = "-";
    for (const KeyRow& row : config_keys()) {
        const std::string section = section_of(row.path);
        if (section.empty()) {
            out += "\n" + comment("", std::string(row.doc)) + comment("", facts(row)) +
                   example_value(row, "", std::string(row.path));
        } else {
            if (section != open_section) out += "\n" + comment("", std::string(section_doc(section))) + section + ":\n";
            out += comment("  ", std::string(row.doc)) + comment("  ", facts(row)) + example_value(row, "  ", name_of(row.path));
        }
        open_section = section;
    }
    return out;
}

std::string man_keys_section() {
    std::string out = ".\\\" Generated from gateway/config/config_keys.cpp by scripts/gen-config-docs.\n.SH KEYS\n";
    std::string open_section = "-";
    for (const KeyRow& row : config_keys()) {
        const std::string section = section_of(row.path);
        if (section != open_section) {
            out += ".SS " + (section.empty() ? std::string(row.path) : section) + "\n";
            if (!section.empty()) out += roff(std::string(section_doc(section))) + "\n";
        }
        open_section = section;
        out += ".TP\n.B " + std::string(row.path) + "\n" + roff(std::string(row.doc)) + "\n.br\n" + roff(facts(row)) + "\n";
    }
    return out;
}

} // namespace dyndns::config
