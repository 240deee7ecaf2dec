// Connections are counted per IPv4 address and per IPv6 /64, up to the cap.
#include <doctest/doctest.h>

#include "http/connection_caps.h"

using namespace dyndns::http;
using Poco::Net::IPAddress;

TEST_CASE("an IPv4 client is its address and an IPv6 client its /64") {
    CHECK(client_block(IPAddress("192.0.2.7")) == "192.0.2.7");
    CHECK(client_block(IPAddress("::ffff:192.0.2.7")) == "192.0.2.7");
    CHECK(client_block(IPAddress("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64");
    CHECK(client_block(IPAddress("2001:db8:1:2:bbbb::9")) == client_block(IPAddress("2001:db8:1:2::5")));
    CHECK(client_block(IPAddress("2001:db8:1:3::1")) != client_block(IPAddress("2001:db8:1:2::1")));
}

TEST_CASE("the cap refuses the one over it and a closed connection frees its place") {
    AddressCounts counts(2);
    CHECK(counts.try_add("a"));
    CHECK(counts.try_add("a"));
    CHECK_FALSE(counts.try_add("a"));
    CHECK(counts.try_add("b"));
    counts.remove("a");
    CHECK(counts.try_add("a"));
    counts.remove("a");
    counts.remove("a");
    counts.remove("b");
    CHECK(counts.blocks() == 0);
}
