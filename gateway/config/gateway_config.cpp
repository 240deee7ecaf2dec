// Reads the gateway's YAML configuration by walking the key table (config_keys), then checks what spans keys.
#include "config/gateway_config.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "config/config_keys.h"
#include "config/yaml_values.h"

namespace dyndns::config {
namespace {

namespace fs = std::filesystem;

std::string resolve_path(const std::string& base_dir, const std::string& path) {
    if (path.empty() || base_dir.empty() || fs::path(path).is_absolute()) return path;
    return (fs::path(base_dir) / path).lexically_normal().string();
}

int key_line(const ParseState& state, const std::string& path) {
    const auto found = state.lines.find(path);
    return found == state.lines.end() ? 0 : found->second;
}

// The names one level below `prefix` ("" for the top, "dns." for the dns mapping), in table order.
std::vector<std::string> names_under(std::string_view prefix) {
    std::vector<std::string> names;
    for (const KeyRow& row : config_keys()) {
        if (!row.path.starts_with(prefix)) continue;
        const std::string_view rest = row.path.substr(prefix.size());
        const std::string name(rest.substr(0, rest.find('.')));
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    return names;
}

void read_level(const YAML::Node& node, const Where& where, const std::string& prefix, ParseState& state) {
    read_mapping(node, where, names_under(prefix), [&](const std::string& name, const YAML::Node& value, const Where& at) {
        const std::string path = prefix + name;
        const auto keys = config_keys();
        const auto row = std::find_if(keys.begin(), keys.end(), [&](const KeyRow& k) { return k.path == path; });
        if (row != keys.end()) return read_key(*row, value, at, state);
        state.lines[path] = at.line;
        read_level(value, at, path + ".", state);
    });
}

YAML::Node parse_document(const std::string& text, const std::string& origin) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError(origin, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "YAML syntax error: " + e.msg);
    }
    if (documents.empty()) return YAML::Node(YAML::NodeType::Null);
    if (documents.size() > 1)
        throw ConfigError(origin, line_of(documents[1]), "",
                          "more than one YAML document; the configuration is a single mapping");
    return documents.front();
}

void load_tsig_key(DnsConfig& out, const std::string& origin, const ParseState& state) {
    // load_key's messages name the key file and what is wrong in it, and never a secret.
    try {
        out.key = dns::load_key(out.key_file, out.key_name);
    } catch (const dns::KeyNotFoundError& e) {
        throw ConfigError(origin,
                          key_line(state, "dns.key_name") > 0 ? key_line(state, "dns.key_name") : key_line(state, "dns.key_file"),
                          "dns.key_name", e.what());
    } catch (const dns::KeyFileError& e) {
        throw ConfigError(origin, key_line(state, "dns.key_file"), "dns.key_file", e.what());
    }
}

std::string format_message(const std::string& file, int line, const std::string& key, const std::string& problem) {
    std::string message = file;
    if (line > 0) message += ":" + std::to_string(line);
    message += ": ";
    if (!key.empty()) message += key + ": ";
    return message + problem;
}

} // namespace

ConfigError::ConfigError(std::string file, int line, std::string key, const std::string& problem)
    : std::runtime_error(format_message(file, line, key, problem)), file_(std::move(file)), line_(line), key_(std::move(key)) {}

GatewayConfig parse_config(const std::string& yaml_text, const std::string& origin, const std::string& base_dir) {
    const YAML::Node root = parse_document(yaml_text, origin);
    GatewayConfig config;
    ParseState state{config, {}};
    read_level(root, Where{origin, "", line_of(root)}, "", state);

    if (state.lines.contains("store.path") && !config.store.postgresql.empty())
        throw ConfigError(origin, key_line(state, "store"), "store", "path and postgresql name two stores: give one");
    if (config.dns.key_file.empty())
        throw ConfigError(origin, key_line(state, "dns"), "dns.key_file",
                          "required: the BIND key file (tsig-keygen output) holding the gateway's TSIG key");
    // Half a TLS setup is a mistake, not a request for the default; whether the files exist and
    // match is checked by the server when it starts, since this also runs for --check-config on a
    // machine that may not hold them.
    if (config.tls.certificate.empty() != config.tls.private_key.empty())
        throw ConfigError(origin, key_line(state, "tls"), config.tls.certificate.empty() ? "tls.certificate" : "tls.private_key",
                          "required when tls." + std::string(config.tls.certificate.empty() ? "private_key" : "certificate") +
                              " is set");

    // Nobody could connect: refused here rather than found out from a silent service.
    if (config.listen.proxy_protocol && config.trusted_proxies.empty())
        throw ConfigError(origin, key_line(state, "listen.proxy_protocol"), "listen.proxy_protocol",
                          "needs trusted_proxies: only the proxies listed there may connect and name the client");

    // One source names the client (docs/contract.md "The caller's address"): behind the PROXY
    // protocol its header, and no HTTP header a client could have written.
    const bool header_given = state.lines.contains("trusted_proxy_header");
    if (config.listen.proxy_protocol) {
        if (header_given && config.trusted_proxy_header != "proxy-protocol")
            throw ConfigError(origin, key_line(state, "trusted_proxy_header"), "trusted_proxy_header",
                              "must be proxy-protocol (or left out) with listen.proxy_protocol: the PROXY header names "
                              "the client, and no HTTP header is believed");
        config.trusted_proxy_header = "proxy-protocol";
    } else if (config.trusted_proxy_header == "proxy-protocol") {
        throw ConfigError(origin, key_line(state, "trusted_proxy_header"), "trusted_proxy_header",
                          "proxy-protocol needs listen.proxy_protocol: true");
    }

    // Relative to the config file, not the working directory, so the gateway finds the same files
    // however it is started; defaults included.
    config.tls.certificate = resolve_path(base_dir, config.tls.certificate);
    config.tls.private_key = resolve_path(base_dir, config.tls.private_key);
    config.store.path = resolve_path(base_dir, config.store.path);
    config.webhooks.ca_file = resolve_path(base_dir, config.webhooks.ca_file);
    config.dns.key_file = resolve_path(base_dir, config.dns.key_file);

    load_tsig_key(config.dns, origin, state);
    for (std::size_t i = 0; i < config.dns.primaries.size(); ++i) {
        PrimaryConfig& primary = config.dns.primaries[i];
        const std::string key = "dns.primaries[" + std::to_string(i) + "]";
        primary.key_file = primary.key_file.empty() ? config.dns.key_file : resolve_path(base_dir, primary.key_file);
        if (primary.key_name.empty()) primary.key_name = config.dns.key_name;
        try {
            primary.key = dns::load_key(primary.key_file, primary.key_name);
        } catch (const dns::KeyNotFoundError& e) {
            throw ConfigError(origin, primary.line, key + ".key_name", e.what());
        } catch (const dns::KeyFileError& e) {
            throw ConfigError(origin, primary.line, key + ".key_file", e.what());
        }
    }
    return config;
}

GatewayConfig load_config(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw ConfigError(path, 0, "", "is a directory, not a configuration file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path, 0, "", "cannot open: " + std::error_code(errno, std::generic_category()).message());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw ConfigError(path, 0, "", "cannot read: " + std::error_code(errno, std::generic_category()).message());

    fs::path absolute = fs::absolute(path, ec);
    if (ec) absolute = path;
    return parse_config(text, path, absolute.parent_path().string());
}

} // namespace dyndns::config
