// Who is let in: trusted proxies only on a PROXY listener, per-block and global caps, running requests per block.
#include <doctest/doctest.h>

#include <cstdio>

#include "http/admission.h"

using namespace dyndns::http;
using Poco::Net::IPAddress;
// Spelled through EdgeSettings so the test follows the block type wherever it lives.
using Cidr = decltype(EdgeSettings::trusted_proxies)::value_type;

namespace {

EdgeSettings caps(std::size_t per_block, std::size_t total, std::size_t running) {
    EdgeSettings settings;
    settings.max_connections_per_block = per_block;
    settings.max_connections = total;
    settings.max_requests_per_block = running;
    settings.trusted_proxies = {Cidr{IPAddress("10.0.0.0"), 8}};
    return settings;
}

} // namespace

TEST_CASE("a direct connection is counted under its block up to the cap and freed on release") {
    Admission admission(caps(2, 100, 8));
    std::string block;
    CHECK(admission.accept(IPAddress("192.0.2.7"), false, block) == Verdict::Admit);
    CHECK(block == "192.0.2.7");
    CHECK(admission.accept(IPAddress("::ffff:192.0.2.7"), false, block) == Verdict::Admit);
    CHECK(admission.accept(IPAddress("192.0.2.7"), false, block) == Verdict::AddressCap);
    CHECK(block.empty());
    CHECK(admission.accept(IPAddress("192.0.2.8"), false, block) == Verdict::Admit);
    admission.release("192.0.2.7");
    CHECK(admission.accept(IPAddress("192.0.2.7"), false, block) == Verdict::Admit);
    admission.release(""); // never counted: nothing happens
}

TEST_CASE("IPv6 clients share their /64's cap") {
    Admission admission(caps(1, 100, 8));
    std::string block;
    CHECK(admission.accept(IPAddress("2001:db8:1:2::1"), false, block) == Verdict::Admit);
    CHECK(admission.accept(IPAddress("2001:db8:1:2::ffff"), false, block) == Verdict::AddressCap);
    CHECK(admission.accept(IPAddress("2001:db8:1:3::1"), false, block) == Verdict::Admit);
}

TEST_CASE("one IPv6 site cannot take more than 4 blocks' worth per /56 and 16 per /48") {
    Admission admission(caps(2, 100000, 8));
    std::string block;
    const auto admitted_of = [&](const char* format, int nets, auto group) {
        int admitted = 0;
        for (int net = 0; net < nets; ++net) {
            char address[64];
            std::snprintf(address, sizeof address, format, group(net));
            for (int i = 0; i < 2; ++i)
                if (admission.accept(IPAddress(address), false, block) == Verdict::Admit) ++admitted;
        }
        return admitted;
    };
    // Ten /64s of one /56, two connections each: the /56's 8.
    CHECK(admitted_of("2001:db8:9:%x::1", 10, [](int net) { return net; }) == 8);
    // 400 /64s spread over the 256 /56s of one /48: the /48's 32.
    CHECK(admitted_of("2001:db8:7:%x::1", 400, [](int net) { return (net % 16) << 8 | net / 16; }) == 32);
    // Another /48 is not held back; releasing gives room again.
    CHECK(admission.accept(IPAddress("2001:db8:8::1"), false, block) == Verdict::Admit);
    CHECK(admission.accept(IPAddress("2001:db8:7:ff00::1"), false, block) == Verdict::AddressCap);
    admission.release("2001:db8:7::/64");
    CHECK(admission.accept(IPAddress("2001:db8:7:ff00::1"), false, block) == Verdict::Admit);
    CHECK(wider_blocks("2001:db8:7:1234::/64")->per_56 == "2001:db8:7:1200::/56");
    CHECK(wider_blocks("2001:db8:7:1234::/64")->per_48 == "2001:db8:7::/48");
    CHECK_FALSE(wider_blocks("192.0.2.1"));
}

TEST_CASE("a PROXY listener admits trusted proxies uncounted and counts the client their header names") {
    Admission admission(caps(1, 100, 8));
    std::string block = "stale";
    CHECK(admission.accept(IPAddress("192.0.2.7"), true, block) == Verdict::UntrustedProxy);
    CHECK(admission.accept(IPAddress("10.1.2.3"), true, block) == Verdict::Admit);
    CHECK(block.empty());
    CHECK(admission.accept(IPAddress("10.1.2.3"), true, block) == Verdict::Admit); // the proxy meets no cap
    std::string client;
    CHECK(admission.count_client(IPAddress("198.51.100.1"), client) == Verdict::Admit);
    CHECK(client == "198.51.100.1");
    std::string again;
    CHECK(admission.count_client(IPAddress("198.51.100.1"), again) == Verdict::AddressCap);
    CHECK(again.empty());
    admission.release(client);
    CHECK(admission.count_client(IPAddress("198.51.100.1"), again) == Verdict::Admit);
}

TEST_CASE("the global cap is reached at max_connections") {
    const Admission admission(caps(32, 3, 8));
    CHECK_FALSE(admission.at_global_cap(2));
    CHECK(admission.at_global_cap(3));
    CHECK(admission.at_global_cap(4));
}

TEST_CASE("running requests are capped per block, and new settings change the caps") {
    Admission admission(caps(1, 100, 2));
    CHECK(admission.try_start_request("a"));
    CHECK(admission.try_start_request("a"));
    CHECK_FALSE(admission.try_start_request("a"));
    CHECK(admission.try_start_request("b"));
    admission.end_request("a");
    CHECK(admission.try_start_request("a"));

    EdgeSettings wider = caps(2, 1, 3);
    wider.trusted_proxies.clear();
    admission.set_settings(wider);
    CHECK(admission.try_start_request("a"));
    CHECK(admission.at_global_cap(1));
    std::string block;
    CHECK(admission.accept(IPAddress("10.1.2.3"), true, block) == Verdict::UntrustedProxy);
    CHECK(admission.accept(IPAddress("192.0.2.1"), false, block) == Verdict::Admit);
    CHECK(admission.accept(IPAddress("192.0.2.1"), false, block) == Verdict::Admit);
    CHECK(admission.accept(IPAddress("192.0.2.1"), false, block) == Verdict::AddressCap);
}

TEST_CASE("new connections from many /64s of one /48 are held to 4 times the rate per /56 and 16 times per /48") {
    EdgeSettings settings = caps(1000, 100000, 8);
    settings.new_connections_per_second_per_block = 10;
    Admission admission(settings);
    std::string block;
    const auto t0 = ConnectionRate::Clock::now();
    const auto from = [&](unsigned site, unsigned subnet) {
        char text[64];
        std::snprintf(text, sizeof text, "2001:db8:%x:%x::1", site, subnet);
        return admission.accept(IPAddress(text), false, block, t0);
    };
    // One /56 (subnets 0x00..0xff of one /48): its burst is 2 × 40.
    int admitted = 0;
    for (unsigned subnet = 0; subnet < 200; ++subnet) admitted += from(1, subnet) == Verdict::Admit ? 1 : 0;
    CHECK(admitted == 80);
    // The whole /48, two connections from each of its 256 /56s: its burst is 2 × 160, however they are spread.
    admitted = 0;
    for (unsigned subnet = 0; subnet < 0x10000; subnet += 0x80) admitted += from(2, subnet) == Verdict::Admit ? 1 : 0;
    CHECK(admitted == 320);
    CHECK(from(3, 0) == Verdict::Admit); // another /48 has its own
}

TEST_CASE("new connections per block are a token bucket: a burst of twice the rate, then the rate") {
    EdgeSettings settings = caps(1000, 100000, 8);
    settings.new_connections_per_second_per_block = 10;
    Admission admission(settings);
    std::string block;
    const auto t0 = ConnectionRate::Clock::now();
    int admitted = 0;
    for (int i = 0; i < 100; ++i)
        if (admission.accept(IPAddress("192.0.2.9"), false, block, t0) == Verdict::Admit) ++admitted;
    CHECK(admitted == 20);
    CHECK(admission.accept(IPAddress("192.0.2.9"), false, block, t0) == Verdict::RateCap);
    CHECK(admission.accept(IPAddress("192.0.2.10"), false, block, t0) == Verdict::Admit); // its own bucket
    // Half a second later: five more.
    admitted = 0;
    for (int i = 0; i < 100; ++i)
        if (admission.accept(IPAddress("192.0.2.9"), false, block, t0 + std::chrono::milliseconds(500)) == Verdict::Admit)
            ++admitted;
    CHECK(admitted == 5);
    // 0 turns the rate off.
    settings.new_connections_per_second_per_block = 0;
    admission.set_settings(settings);
    CHECK(admission.accept(IPAddress("192.0.2.9"), false, block, t0 + std::chrono::milliseconds(500)) == Verdict::Admit);
}
