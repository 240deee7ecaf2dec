// Starts and stops named for integration tests, and reads its answers with dig (a client we did not write).
#include "support/local_bind.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "support/free_port.h"
#include "support/process.h"

namespace dyndns::test {
namespace {

const std::string kScript = std::string(DYNDNS_SOURCE_DIR) + "/scripts/local-bind";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

} // namespace

LocalBind::LocalBind() : temp_("dyndns-bind"), dir_(temp_.path().string()) {
    // A port found free can be taken before named binds it; a few fresh tries cover that race.
    ProcessResult started;
    for (int attempt = 0; attempt < 3; ++attempt) {
        port_ = free_loopback_port();
        started = run_process(kScript, {"start", dir_, std::to_string(port_)});
        if (started.exit_code == 0) return;
        run_process(kScript, {"stop", dir_});
    }
    throw std::runtime_error("scripts/local-bind start failed:\n" + started.output);
}

LocalBind::~LocalBind() { run_process(kScript, {"stop", dir_}); }

LocalBind& shared_bind() {
    static LocalBind instance;
    return instance;
}

void LocalBind::restart() {
    run_process(kScript, {"stop", dir_});
    const auto started = run_process(kScript, {"start", dir_, std::to_string(port_)});
    if (started.exit_code != 0) throw std::runtime_error("scripts/local-bind restart failed:\n" + started.output);
}

dns::TsigKey LocalBind::key() const { return dns::load_key(key_file(), "dyndns-gateway"); }

std::string LocalBind::dig(const std::vector<std::string>& extra) const {
    std::vector<std::string> args{"-p", std::to_string(port_), "+norec", "+time=2", "+tries=1"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ProcessResult result = run_process("dig", args);
    if (result.exit_code != 0) throw std::runtime_error("dig failed: " + result.output);
    return result.output;
}

std::string LocalBind::dig_short(const std::string& name, dns::RRType type, bool over_ipv6) const {
    auto lines = lines_of(dig({over_ipv6 ? "@::1" : "@127.0.0.1", "+short", name, dns::rr_type_name(type)}));
    std::sort(lines.begin(), lines.end());
    std::string joined;
    for (const auto& line : lines) joined += (joined.empty() ? "" : "\n") + line;
    return joined;
}

long LocalBind::dig_ttl(const std::string& name, dns::RRType type) const {
    const auto lines = lines_of(dig({"@127.0.0.1", "+noall", "+answer", name, dns::rr_type_name(type)}));
    if (lines.empty()) return -1;
    std::istringstream fields(lines.front());
    std::string owner;
    long ttl = -1;
    fields >> owner >> ttl;
    return ttl;
}

std::uint32_t LocalBind::serial(const std::string& zone) const {
    // +short SOA: "mname rname serial refresh retry expire minimum"
    std::istringstream fields(dig_short(zone, dns::RRType::SOA));
    std::string mname, rname;
    std::uint32_t value = 0;
    fields >> mname >> rname >> value;
    if (!fields) throw std::runtime_error("no SOA for " + zone);
    return value;
}

} // namespace dyndns::test
