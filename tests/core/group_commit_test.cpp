// Group commit against a real named: what BIND holds at the end is what every caller was told.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "core/update_core.h"
#include "support/core_stack.h"

using namespace dyndns;
using namespace std::chrono_literals;

namespace {

struct Stack : test::CoreStack {
    Stack()
        : test::CoreStack("group-commit",
                          core::CoreSettings{
                              .ttl = 60, .allow_private_addresses = true, .trusted_proxies = {}, .throttle = {}, .max_batch = 32},
                          dns::ClientSettings{{}, 2000ms, 2}) {}

    core::SetAddressOutcome set(const std::string& name, const std::string& address) {
        return core->set_address({"alice", "alice-password", name, address, {"198.51.100.1", "", "", "test", "group-commit"}});
    }
};

} // namespace

TEST_CASE("a burst of concurrent calls for many names ends with BIND holding what each caller was told") {
    Stack s;
    constexpr int kCallers = 16;
    constexpr int kCallsEach = 8;
    std::mutex mutex;
    std::map<std::string, std::string> told; // name -> address of the last successful answer
    std::atomic<int> faults{0};
    std::vector<std::thread> callers;
    for (int c = 0; c < kCallers; ++c)
        callers.emplace_back([&, c] {
            for (int i = 0; i < kCallsEach; ++i) {
                const std::string name = "burst" + std::to_string(c) + ".example.test";
                const std::string address = "198.51.100." + std::to_string(i + 1);
                const auto outcome = s.set(name, address);
                if (const auto* result = std::get_if<core::SetAddressResult>(&outcome)) {
                    std::lock_guard lock(mutex);
                    told[name] = result->address;
                } else {
                    ++faults;
                }
            }
        });
    for (auto& caller : callers) caller.join();
    CHECK(faults == 0);
    REQUIRE(told.size() == kCallers);
    for (const auto& [name, address] : told) CHECK(test::shared_bind().dig_short(name, dns::RRType::A) == address);
    const auto counters = s.core->dns_counters();
    MESSAGE("changes " << counters.changes << " in " << counters.messages << " UPDATE messages");
    CHECK(counters.messages <= counters.changes);
}

TEST_CASE("a batch holding a change the primary refuses still applies the others") {
    Stack s;
    // alias.example.test is a CNAME: an address there fails its prerequisite (YXRRSET).
    std::atomic<int> refused{0}, applied{0};
    std::vector<std::thread> callers;
    for (int c = 0; c < 12; ++c)
        callers.emplace_back([&, c] {
            const std::string name = c == 5 ? "alias.example.test" : "mixed" + std::to_string(c) + ".example.test";
            const auto outcome = s.set(name, "203.0.113." + std::to_string(c + 1));
            if (const auto* error = std::get_if<core::UpdateError>(&outcome)) {
                if (name == "alias.example.test" && error->fault == core::Fault::DnsRejected) ++refused;
            } else {
                ++applied;
            }
        });
    for (auto& caller : callers) caller.join();
    CHECK(refused == 1);
    CHECK(applied == 11);
    for (int c = 0; c < 12; ++c)
        if (c != 5)
            CHECK(test::shared_bind().dig_short("mixed" + std::to_string(c) + ".example.test", dns::RRType::A) ==
                  "203.0.113." + std::to_string(c + 1));
    CHECK(test::shared_bind().dig_short("alias.example.test", dns::RRType::CNAME) == "www.example.test.");
}

TEST_CASE("many changes to one name end with the last one") {
    Stack s;
    std::vector<std::thread> callers;
    std::mutex mutex;
    std::string last_told;
    std::atomic<int> sequence{0};
    for (int c = 0; c < 8; ++c)
        callers.emplace_back([&] {
            for (int i = 0; i < 5; ++i) {
                std::lock_guard lock(mutex); // one at a time: "the last one" is well defined
                const std::string address = "192.0.2." + std::to_string(++sequence);
                if (std::holds_alternative<core::SetAddressResult>(s.set("one.example.test", address))) last_told = address;
            }
        });
    for (auto& caller : callers) caller.join();
    CHECK(test::shared_bind().dig_short("one.example.test", dns::RRType::A) == last_told);
    CHECK(last_told == "192.0.2.40");
}
