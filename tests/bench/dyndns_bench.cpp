// dyndns-bench: N concurrent clients for S seconds, one mode at a time; prints calls/s, p50, p99 and faults on one line.
// Modes: raw (one-change TSIG-signed UPDATEs straight to the primary), query (signed RD=0 reads of the
// names, what a gateway that reads before every write pays the primary), seed (one raw UPDATE per name
// to its starting address, then stop), xmlrpc, dyndns2, soap (keep-alive HTTPS to the gateway).
// Names: 1,000 under one zone (--domain), or home.ZONE for each zone of --zones-file (one zone a line).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include <Poco/Base64Encoder.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "dns/rfc2136_client.h"
#include "dns/tsig_key.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kNamesInOneZone = 1000; // without --zones-file: each call sets one of this many names under --domain

struct Options {
    std::string mode;
    unsigned clients = 32;
    double seconds = 10;
    double unchanged = 0; // the share of calls that send the address the name already has
    std::string url, ca, account, password, domain = "example.test", zones_file;
    std::string server = "127.0.0.1", key_file;
    std::uint16_t port = 53;
};

// A dyndns name and the zone it is in.
struct Target {
    std::string zone, name;
};

std::vector<Target> load_targets(const Options& o) {
    std::vector<Target> targets;
    if (o.zones_file.empty()) {
        for (int n = 0; n < kNamesInOneZone; ++n) {
            std::string name = "b"; // appended piecewise: GCC 12's -Wrestrict misreads "b" + std::string
            name += std::to_string(n);
            name += '.';
            name += o.domain;
            targets.push_back({o.domain, name});
        }
        return targets;
    }
    std::ifstream in(o.zones_file);
    if (!in) throw std::runtime_error("cannot read " + o.zones_file);
    for (std::string zone; std::getline(in, zone);)
        if (!zone.empty()) targets.push_back({zone, "home." + zone});
    if (targets.empty()) throw std::runtime_error(o.zones_file + " names no zone");
    return targets;
}

std::string dotted(std::uint32_t first_octet, std::uint32_t n) {
    return std::to_string(first_octet) + "." + std::to_string((n >> 16) & 0xff) + "." + std::to_string((n >> 8) & 0xff) + "." +
           std::to_string(n & 0xff);
}

// A new public address for every call (11.0.0.0/8 is ordinary unicast space).
std::string next_address(std::atomic<std::uint32_t>& counter) { return dotted(11, ++counter); }

// The address `seed` gives target i, which unchanged calls then repeat (12.0.0.0/8: never a new address's).
std::string seed_address(std::size_t i) { return dotted(12, static_cast<std::uint32_t>(i)); }

struct Tally {
    std::vector<double> latencies_ms;
    std::size_t faults = 0, changed = 0;
    std::string first_fault;
};

struct CallResult {
    bool ok = false;
    bool changed = false; // the gateway (or the primary) says the address was new
    std::string why; // for a fault or an error
};

// One client of the gateway over one keep-alive TLS connection (re-opened if the server closes it).
class HttpsClient {
public:
    HttpsClient(const Options& o) : uri_(o.url) {
        context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", o.ca, Poco::Net::Context::VERIFY_STRICT);
        session_ = std::make_unique<Poco::Net::HTTPSClientSession>(uri_.getHost(), uri_.getPort(), context_);
        session_->setKeepAlive(true);
        session_->setTimeout(Poco::Timespan(30, 0));
    }

    // Returns the status and fills `reply`.
    int exchange(Poco::Net::HTTPRequest& request, const std::string& body, std::string& reply) {
        request.setKeepAlive(true);
        if (!body.empty() || request.getMethod() == "POST") request.setContentLength(static_cast<std::streamsize>(body.size()));
        session_->sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session_->receiveResponse(response);
        reply.clear();
        Poco::StreamCopier::copyToString(in, reply);
        return response.getStatus();
    }
    const Poco::URI& uri() const { return uri_; }

private:
    Poco::URI uri_;
    Poco::Net::Context::Ptr context_;
    std::unique_ptr<Poco::Net::HTTPSClientSession> session_;
};

std::string basic_auth(const std::string& user, const std::string& password) {
    std::ostringstream text;
    Poco::Base64Encoder encoder(text);
    encoder.rdbuf()->setLineLength(0);
    encoder << user << ':' << password;
    encoder.close();
    return "Basic " + text.str();
}

// One call of the chosen mode.
using Call = std::function<CallResult(const Target& target, const std::string& address)>;

CallResult failed_unless(bool ok, int status, const std::string& reply) {
    CallResult result;
    result.ok = ok;
    if (!ok) result.why = std::to_string(status) + " " + reply.substr(0, 300);
    return result;
}

Call make_call(const Options& o) {
    if (o.mode == "raw" || o.mode == "seed" || o.mode == "query") {
        auto key = std::make_shared<dyndns::dns::TsigKey>(dyndns::dns::load_key(o.key_file, "dyndns-gateway"));
        auto client =
            std::make_shared<dyndns::dns::Rfc2136Client>(dyndns::dns::ClientSettings{*key, std::chrono::milliseconds(5000), 1},
                                                         std::make_shared<dyndns::dns::TcpTransport>(o.server, o.port));
        if (o.mode == "query")
            return [client](const Target& target, const std::string&) {
                const auto read = client->read(target.name, dyndns::dns::RRType::A);
                return CallResult{read.outcome.ok(), false, read.outcome.ok() ? "" : read.outcome.message};
            };
        return [client](const Target& target, const std::string& address) {
            const auto outcome = client->apply(
                {target.zone, {dyndns::dns::RRsetChange::replace(target.name, dyndns::dns::RRType::A, 60, {address})}});
            return CallResult{outcome.ok(), outcome.ok(), outcome.ok() ? "" : outcome.message};
        };
    }
    auto http = std::make_shared<HttpsClient>(o);
    if (o.mode == "xmlrpc") {
        return [http, o](const Target& target, const std::string& address) {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, http->uri().getPath(),
                                           Poco::Net::HTTPMessage::HTTP_1_1);
            request.setContentType("text/xml");
            const std::string body = "<?xml version=\"1.0\"?><methodCall><methodName>SetDyndnsIp</methodName><params>"
                                     "<param><value><string>" +
                                     o.account +
                                     "</string></value></param>"
                                     "<param><value><string>" +
                                     o.password +
                                     "</string></value></param>"
                                     "<param><value><string>" +
                                     target.name +
                                     "</string></value></param>"
                                     "<param><value><string>" +
                                     address + "</string></value></param></params></methodCall>";
            std::string reply;
            const int status = http->exchange(request, body, reply);
            auto result = failed_unless(status == 200 && reply.find("<fault>") == std::string::npos, status, reply);
            result.changed = reply.find("<name>changed</name><value><boolean>1</boolean>") != std::string::npos;
            return result;
        };
    }
    if (o.mode == "dyndns2") {
        const std::string auth = basic_auth(o.account, o.password);
        return [http, auth](const Target& target, const std::string& address) {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET,
                                           "/nic/update?hostname=" + target.name + "&myip=" + address,
                                           Poco::Net::HTTPMessage::HTTP_1_1);
            request.set("Authorization", auth);
            request.set("User-Agent", "dyndns-bench");
            std::string reply;
            const int status = http->exchange(request, "", reply);
            auto result =
                failed_unless(status == 200 && (reply.rfind("good", 0) == 0 || reply.rfind("nochg", 0) == 0), status, reply);
            result.changed = reply.rfind("good", 0) == 0;
            return result;
        };
    }
    if (o.mode == "soap") {
        return [http, o](const Target& target, const std::string& address) {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, http->uri().getPath(),
                                           Poco::Net::HTTPMessage::HTTP_1_1);
            request.setContentType("text/xml; charset=utf-8");
            request.set("SOAPAction", "\"urn:dyndns-gateway#SetDyndnsIp\"");
            const std::string body = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
                                     "xmlns:d=\"urn:dyndns-gateway\"><s:Body><d:SetDyndnsIp><d:account>" +
                                     o.account + "</d:account><d:password>" + o.password + "</d:password><d:domain>" +
                                     target.name + "</d:domain><d:ip>" + address +
                                     "</d:ip></d:SetDyndnsIp>"
                                     "</s:Body></s:Envelope>";
            std::string reply;
            const int status = http->exchange(request, body, reply);
            auto result = failed_unless(status == 200, status, reply);
            result.changed = reply.find("changed>true<") != std::string::npos;
            return result;
        };
    }
    throw std::invalid_argument("unknown mode '" + o.mode + "' (raw, query, seed, xmlrpc, dyndns2, soap)");
}

double percentile(std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
}

// Client c calls for targets c, c + N, c + 2N... in turn, so no two clients change one name at
// once and each knows the address its names have now (what an unchanged call repeats).
int run(const Options& o) {
    const std::vector<Target> targets = load_targets(o);
    std::vector<std::string> current(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) current[i] = seed_address(i);
    const bool seeding = o.mode == "seed";
    std::atomic<std::uint32_t> addresses{0};
    std::vector<Tally> tallies(o.clients);
    std::vector<std::thread> clients;
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
    const auto started = Clock::now();
    for (unsigned c = 0; c < o.clients; ++c)
        clients.emplace_back([&, c] {
            Tally& tally = tallies[c];
            Call call;
            try {
                call = make_call(o);
            } catch (const std::exception& e) {
                tally.faults = 1;
                tally.first_fault = e.what();
                return;
            }
            std::minstd_rand random(c + 1);
            std::bernoulli_distribution unchanged(o.unchanged);
            for (std::size_t i = c; i < targets.size() && (seeding || Clock::now() < deadline);) {
                const std::string address = seeding ? seed_address(i) : unchanged(random) ? current[i] : next_address(addresses);
                CallResult result;
                const auto begin = Clock::now();
                try {
                    result = call(targets[i], address);
                } catch (const std::exception& e) {
                    result.why = e.what();
                    try {
                        call = make_call(o); // a broken connection: a new one, as a real client would
                    } catch (const std::exception&) {}
                }
                tally.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
                if (result.ok)
                    current[i] = address;
                else if (tally.faults++ == 0)
                    tally.first_fault = result.why;
                if (result.changed) ++tally.changed;
                i += o.clients;
                if (i >= targets.size() && !seeding) i = c;
            }
        });
    for (auto& client : clients) client.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();

    std::vector<double> all;
    std::size_t faults = 0, changed = 0;
    std::string first_fault;
    for (auto& t : tallies) {
        all.insert(all.end(), t.latencies_ms.begin(), t.latencies_ms.end());
        faults += t.faults;
        changed += t.changed;
        if (first_fault.empty()) first_fault = t.first_fault;
    }
    std::sort(all.begin(), all.end());
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    std::printf("mode=%s clients=%u names=%zu calls=%zu seconds=%.1f rate=%.0f p50_ms=%.2f p99_ms=%.2f faults=%zu changed=%zu "
                "client_cpu_s=%.1f\n",
                o.mode.c_str(), o.clients, targets.size(), all.size(), elapsed, static_cast<double>(all.size()) / elapsed,
                percentile(all, 0.50), percentile(all, 0.99), faults, changed, cpu);
    if (!first_fault.empty()) std::fprintf(stderr, "first fault: %s\n", first_fault.c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    std::map<std::string, std::string*> text{{"--url", &o.url},         {"--ca", &o.ca},
                                             {"--account", &o.account}, {"--password", &o.password},
                                             {"--domain", &o.domain},   {"--zones-file", &o.zones_file},
                                             {"--server", &o.server},   {"--key-file", &o.key_file}};
    if (argc < 2) {
        std::cerr << "usage: dyndns-bench raw|query|seed|xmlrpc|dyndns2|soap [--clients N] [--seconds S]\n"
                     "         [--domain D | --zones-file F] [--unchanged SHARE]\n"
                     "       raw, query, seed: --server ADDR --port P --key-file F\n"
                     "       xmlrpc, dyndns2, soap: --url URL --ca FILE --account A --password P\n";
        return 2;
    }
    o.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (text.count(flag))
            *text[flag] = value;
        else if (flag == "--clients")
            o.clients = static_cast<unsigned>(std::stoul(value));
        else if (flag == "--seconds")
            o.seconds = std::stod(value);
        else if (flag == "--unchanged")
            o.unchanged = std::stod(value);
        else if (flag == "--port")
            o.port = static_cast<std::uint16_t>(std::stoul(value));
        else {
            std::cerr << "dyndns-bench: unknown option " << flag << '\n';
            return 2;
        }
    }
    if (!(o.unchanged >= 0 && o.unchanged <= 1)) {
        std::cerr << "dyndns-bench: --unchanged takes a share from 0 to 1\n";
        return 2;
    }
    Poco::Net::initializeSSL();
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "dyndns-bench: " << e.what() << '\n';
        return 1;
    }
}
