// Tests for the key table: every row is parsed, checked against its bounds and documented; nothing else is accepted.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <yaml-cpp/yaml.h>

#include "config/config_docs.h"
#include "config/config_keys.h"
#include "config/gateway_config.h"
#include "support/temp_dir.h"

using dyndns::config::config_keys;
using dyndns::config::ConfigError;
using dyndns::config::GatewayConfig;
using dyndns::config::KeyRow;

namespace {

const std::string kKeyFile =
    "key \"dyndns-gateway\" {\n\talgorithm hmac-sha256;\n\tsecret \"c2VjcmV0LWZvci10ZXN0cy1vbmx5\";\n};\n";

class TempDir : public dyndns::test::TempDir {
public:
    TempDir() : dyndns::test::TempDir("dyndns-config-keys-test") { write("tsig.key", kKeyFile); }

    GatewayConfig parse(const std::string& yaml) const { return dyndns::config::parse_config(yaml, "gw.yaml", path().string()); }
};

// A file giving `value` (YAML flow text) to the key at `path`, and the key file everywhere else.
std::string file_with(std::string_view path, const std::string& value) {
    const auto dot = path.find('.');
    if (path == "dns.key_file") return "dns: {key_file: " + value + "}\n";
    if (dot == std::string_view::npos) return "dns: {key_file: tsig.key}\n" + std::string(path) + ": " + value + "\n";
    const std::string section(path.substr(0, dot));
    const std::string name(path.substr(dot + 1));
    if (section == "dns") return "dns: {key_file: tsig.key, " + name + ": " + value + "}\n";
    return "dns: {key_file: tsig.key}\n" + section + ": {" + name + ": " + value + "}\n";
}

std::optional<ConfigError> refusal(const TempDir& dir, const std::string& yaml) {
    try {
        dir.parse(yaml);
    } catch (const ConfigError& e) {
        return e;
    }
    return std::nullopt;
}

bool is_integer(const KeyRow& row) { return row.min != 0 || row.max != 0; }

// Leaf paths of a YAML mapping: "dns.port", "public_url".
void collect_paths(const YAML::Node& node, const std::string& prefix, std::set<std::string>& paths) {
    for (const auto& entry : node) {
        const std::string path = prefix + entry.first.Scalar();
        if (entry.second.IsMap())
            collect_paths(entry.second, path + ".", paths);
        else
            paths.insert(path);
    }
}

} // namespace

TEST_CASE("every key in the table is read by the parser, which names it when its value has the wrong shape") {
    TempDir dir;
    for (const KeyRow& row : config_keys()) {
        CAPTURE(row.path);
        const auto refused = refusal(dir, file_with(row.path, "{not: a value}"));
        REQUIRE(refused);
        CHECK(refused->key() == row.path);
        CHECK(refused->line() > 0);
    }
}

TEST_CASE("the parser accepts no key the table does not list, and names the table's keys when refusing one") {
    TempDir dir;
    std::set<std::string> sections{""};
    for (const KeyRow& row : config_keys())
        if (const auto dot = row.path.find('.'); dot != std::string_view::npos)
            sections.insert(std::string(row.path.substr(0, dot)));
    for (const std::string& section : sections) {
        CAPTURE(section);
        std::string known;
        for (const KeyRow& row : config_keys()) {
            const std::string prefix = section.empty() ? "" : section + ".";
            if (!row.path.starts_with(prefix)) continue;
            std::string name(row.path.substr(prefix.size()));
            name = name.substr(0, name.find('.'));
            if (known.find(name + ",") == std::string::npos && !known.ends_with(" " + name) && known != name)
                known += (known.empty() ? "" : ", ") + name;
        }
        const auto refused =
            refusal(dir, section.empty() ? "dns: {key_file: tsig.key}\nbogus: 1\n" : file_with(section + ".bogus", "1"));
        REQUIRE(refused);
        CHECK(refused->key() == (section.empty() ? "bogus" : section + ".bogus"));
        CHECK(std::string(refused->what()).find("unknown key (known here: " + known + ")") != std::string::npos);
    }
}

TEST_CASE("each integer key takes its bounds and refuses one past them, quoting the range") {
    TempDir dir;
    for (const KeyRow& row : config_keys()) {
        if (!is_integer(row)) continue;
        CAPTURE(row.path);
        CHECK_FALSE(refusal(dir, file_with(row.path, std::to_string(row.min))));
        CHECK_FALSE(refusal(dir, file_with(row.path, std::to_string(row.max))));
        const std::string range = std::to_string(row.min) + ".." + std::to_string(row.max);
        for (const long long outside : {row.min - 1, row.max + 1}) {
            const auto refused = refusal(dir, file_with(row.path, std::to_string(outside)));
            REQUIRE(refused);
            CHECK(refused->key() == row.path);
            CHECK(std::string(refused->what()).find(range) != std::string::npos);
        }
    }
}

TEST_CASE("the generated example lists every key of the table and nothing else, with the defaults the structs hold") {
    TempDir dir;
    const std::string example = dyndns::config::example_yaml();
    std::set<std::string> documented;
    collect_paths(YAML::Load(example), "", documented);
    std::set<std::string> table;
    for (const KeyRow& row : config_keys()) {
        // A commented example (store.postgresql) is documented, not set.
        if (row.example.starts_with("#")) {
            CHECK(example.find("# " + std::string(row.path.substr(row.path.find('.') + 1)) + ": ") != std::string::npos);
            continue;
        }
        table.insert(std::string(row.path));
    }
    CHECK(documented == table);

    const GatewayConfig read = dir.parse(example);
    const GatewayConfig defaults;
    for (const KeyRow& row : config_keys()) {
        // Shows a value of its own (tls paths, the key file), or one resolved against the directory.
        if (!row.example.empty() || row.type == "path") continue;
        CAPTURE(row.path);
        CHECK(dyndns::config::value_text(row, read) == dyndns::config::value_text(row, defaults));
    }
}

TEST_CASE("the committed example.yaml is the generated one, and the man page documents every key") {
    std::ifstream in(DYNDNS_CONFIG_EXAMPLE, std::ios::binary);
    REQUIRE(in);
    const std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(committed == dyndns::config::example_yaml());
    const std::string man = dyndns::config::man_keys_section();
    for (const KeyRow& row : config_keys()) {
        CAPTURE(row.path);
        CHECK(man.find(".B " + std::string(row.path) + "\n") != std::string::npos);
        CHECK_FALSE(row.doc.empty());
    }
}

TEST_CASE("a changed key is copied by a reload exactly when the table marks it applied on reload") {
    TempDir dir;
    const GatewayConfig running = dir.parse("dns: {key_file: tsig.key}\n");
    const GatewayConfig next = dir.parse("dns: {key_file: tsig.key, ttl: 120, port: 5353}\nlimits: {max_body_bytes: 2048}\n");
    GatewayConfig applied = running;
    for (const KeyRow& row : config_keys())
        if (row.reload == dyndns::config::Reload::OnSighup) dyndns::config::copy_key(row, next, applied);
    CHECK(applied.dns.ttl == 120);
    CHECK(applied.limits.max_body_bytes == 2048);
    CHECK(applied.dns.port == 53); // restart-only: stays as it runs
    CHECK(dyndns::config::config_key("dns.port").reload == dyndns::config::Reload::Restart);
}
