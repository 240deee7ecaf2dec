// dyndns-bench: N concurrent clients for S seconds, one mode at a time; prints calls/s, p50, p99 and faults on one line.
// Modes: raw (one-change TSIG-signed UPDATEs straight to the primary), xmlrpc, dyndns2, soap (keep-alive HTTPS to the gateway).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
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

constexpr int kNames = 1000; // each call sets one of this many names under the domain

struct Options {
    std::string mode;
    unsigned clients = 32;
    double seconds = 10;
    std::string url, ca, account, password, domain = "example.test";
    std::string server = "127.0.0.1", key_file;
    std::uint16_t port = 53;
};

// A new public address for every call (11.0.0.0/8 is ordinary unicast space).
std::string next_address(std::atomic<std::uint32_t>& counter) {
    const std::uint32_t n = ++counter;
    return "11." + std::to_string((n >> 16) & 0xff) + "." + std::to_string((n >> 8) & 0xff) + "." + std::to_string(n & 0xff);
}

struct Tally {
    std::vector<double> latencies_ms;
    std::size_t faults = 0;
    std::string first_fault;
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

// One call of the chosen mode; false (and `why`) for a fault or an error.
using Call = std::function<bool(const std::string& name, const std::string& address, std::string& why)>;

Call make_call(const Options& o) {
    if (o.mode == "raw") {
        auto key = std::make_shared<dyndns::dns::TsigKey>(dyndns::dns::load_key(o.key_file, "dyndns-gateway"));
        auto client = std::make_shared<dyndns::dns::Rfc2136Client>(
            dyndns::dns::ClientSettings{*key, std::chrono::milliseconds(5000), 1},
            std::make_shared<dyndns::dns::TcpTransport>(o.server, o.port));
        return [client, o](const std::string& name, const std::string& address, std::string& why) {
            const auto outcome = client->apply(
                {o.domain, {dyndns::dns::RRsetChange::replace(name, dyndns::dns::RRType::A, 60, {address})}});
            if (!outcome.ok()) why = outcome.message;
            return outcome.ok();
        };
    }
    auto http = std::make_shared<HttpsClient>(o);
    if (o.mode == "xmlrpc") {
        return [http, o](const std::string& name, const std::string& address, std::string& why) {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, http->uri().getPath(), Poco::Net::HTTPMessage::HTTP_1_1);
            request.setContentType("text/xml");
            const std::string body = "<?xml version=\"1.0\"?><methodCall><methodName>SetDyndnsIp</methodName><params>"
                                     "<param><value><string>" + o.account + "</string></value></param>"
                                     "<param><value><string>" + o.password + "</string></value></param>"
                                     "<param><value><string>" + name + "</string></value></param>"
                                     "<param><value><string>" + address + "</string></value></param></params></methodCall>";
            std::string reply;
            const int status = http->exchange(request, body, reply);
            const bool ok = status == 200 && reply.find("<fault>") == std::string::npos;
            if (!ok) why = std::to_string(status) + " " + reply.substr(0, 300);
            return ok;
        };
    }
    if (o.mode == "dyndns2") {
        const std::string auth = basic_auth(o.account, o.password);
        return [http, auth](const std::string& name, const std::string& address, std::string& why) {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/nic/update?hostname=" + name + "&myip=" + address,
                                           Poco::Net::HTTPMessage::HTTP_1_1);
            request.set("Authorization", auth);
            request.set("User-Agent", "dyndns-bench");
            std::string reply;
            const int status = http->exchange(request, "", reply);
            const bool ok = status == 200 && (reply.rfind("good", 0) == 0 || reply.rfind("nochg", 0) == 0);
            if (!ok) why = std::to_string(status) + " " + reply.substr(0, 300);
            return ok;
        };
    }
    if (o.mode == "soap") {
        return [http, o](const std::string& name, const std::string& address, std::string& why) {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, http->uri().getPath(), Poco::Net::HTTPMessage::HTTP_1_1);
            request.setContentType("text/xml; charset=utf-8");
            request.set("SOAPAction", "\"urn:dyndns-gateway#SetDyndnsIp\"");
            const std::string body =
                "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
                "xmlns:d=\"urn:dyndns-gateway\"><s:Body><d:SetDyndnsIp><d:account>" + o.account + "</d:account><d:password>" +
                o.password + "</d:password><d:domain>" + name + "</d:domain><d:ip>" + address + "</d:ip></d:SetDyndnsIp>"
                "</s:Body></s:Envelope>";
            std::string reply;
            const int status = http->exchange(request, body, reply);
            const bool ok = status == 200;
            if (!ok) why = std::to_string(status) + " " + reply.substr(0, 300);
            return ok;
        };
    }
    throw std::invalid_argument("unknown mode '" + o.mode + "' (raw, xmlrpc, dyndns2, soap)");
}

double percentile(std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
}

int run(const Options& o) {
    std::atomic<std::uint32_t> addresses{0};
    std::atomic<std::uint32_t> names{0};
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
            while (Clock::now() < deadline) {
                std::string name = "b";
                name += std::to_string(names++ % kNames);
                name += '.';
                name += o.domain;
                const std::string address = next_address(addresses);
                std::string why;
                const auto begin = Clock::now();
                bool ok = false;
                try {
                    ok = call(name, address, why);
                } catch (const std::exception& e) {
                    why = e.what();
                    try {
                        call = make_call(o); // a broken connection: a new one, as a real client would
                    } catch (const std::exception&) {
                    }
                }
                tally.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
                if (!ok) {
                    if (tally.faults++ == 0) tally.first_fault = why;
                }
            }
        });
    for (auto& client : clients) client.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();

    std::vector<double> all;
    std::size_t faults = 0;
    std::string first_fault;
    for (auto& t : tallies) {
        all.insert(all.end(), t.latencies_ms.begin(), t.latencies_ms.end());
        faults += t.faults;
        if (first_fault.empty()) first_fault = t.first_fault;
    }
    std::sort(all.begin(), all.end());
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    std::printf("mode=%s clients=%u calls=%zu seconds=%.1f rate=%.0f p50_ms=%.2f p99_ms=%.2f faults=%zu client_cpu_s=%.1f\n",
                o.mode.c_str(), o.clients, all.size(), elapsed, static_cast<double>(all.size()) / elapsed,
                percentile(all, 0.50), percentile(all, 0.99), faults, cpu);
    if (!first_fault.empty()) std::fprintf(stderr, "first fault: %s\n", first_fault.c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    std::map<std::string, std::string*> text{{"--url", &o.url}, {"--ca", &o.ca}, {"--account", &o.account},
                                             {"--password", &o.password}, {"--domain", &o.domain},
                                             {"--server", &o.server}, {"--key-file", &o.key_file}};
    if (argc < 2) {
        std::cerr << "usage: dyndns-bench raw|xmlrpc|dyndns2|soap [--clients N] [--seconds S] [--domain D]\n"
                     "       raw: --server ADDR --port P --key-file F      others: --url URL --ca FILE --account A --password P\n";
        return 2;
    }
    o.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (text.count(flag)) *text[flag] = value;
        else if (flag == "--clients") o.clients = static_cast<unsigned>(std::stoul(value));
        else if (flag == "--seconds") o.seconds = std::stod(value);
        else if (flag == "--port") o.port = static_cast<std::uint16_t>(std::stoul(value));
        else {
            std::cerr << "dyndns-bench: unknown option " << flag << '\n';
            return 2;
        }
    }
    Poco::Net::initializeSSL();
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "dyndns-bench: " << e.what() << '\n';
        return 1;
    }
}
