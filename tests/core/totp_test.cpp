// TOTP for panel logins: RFC 4226/6238 test vectors, the ±1-step window, replay, and the core's login steps and throttle over an in-memory store.
#include <doctest/doctest.h>

#include <memory>

#include <Poco/String.h>

#include "core/totp.h"
#include "core/update_core.h"
#include "dns/dns_transport.h"
#include "support/memory_store.h"
#include "vocabulary/recovery_code.h"

using namespace dyndns;
using namespace std::chrono_literals;

namespace {

// RFC 4226 Appendix D and RFC 6238 Appendix B (SHA-1): the ASCII secret "12345678901234567890".
const std::string kRfcSecret = "12345678901234567890";
const std::string kRfcSecretBase32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

std::chrono::system_clock::time_point at(std::int64_t unix_seconds) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

std::string code_at_step(const std::string& base32, std::int64_t step) {
    return core::hotp(*core::totp_secret_bytes(base32), static_cast<std::uint64_t>(step));
}

// An update core over a MemoryStore; its DNS client points at a port nothing answers on, which
// a login never reaches.
struct Fixture {
    test::MemoryStore db;
    std::unique_ptr<dns::Rfc2136Client> dns;
    std::unique_ptr<core::UpdateCore> core;
    core::ClientInfo client{"198.51.100.7", "", "", "panel", "test"};

    Fixture() {
        db.add_account("alice", "alice-password");
        auto transport = std::make_shared<dns::TcpTransport>("127.0.0.1", 9);
        dns = std::make_unique<dns::Rfc2136Client>(dns::ClientSettings{{}, 100ms, 1, 200ms}, transport);
        core = std::make_unique<core::UpdateCore>(core::CoreSettings{}, db, *dns);
    }
    std::int64_t now_step() const { return core::totp_step(std::chrono::system_clock::now()); }
    // Alice enrolled; her secret. The step of the code she enrolled with is kept: a 30 s boundary
    // may pass before the next line of a test.
    std::string enrolled() {
        const std::string secret = db.begin_totp("alice");
        enrol_step = now_step();
        const auto codes = core->enable_totp("alice", code_at_step(secret, enrol_step), client);
        REQUIRE(std::holds_alternative<std::vector<std::string>>(codes));
        recovery = std::get<std::vector<std::string>>(codes);
        return secret;
    }
    std::vector<std::string> recovery;
    std::int64_t enrol_step = 0;
};

core::Fault fault_of(const std::optional<core::UpdateError>& error) {
    REQUIRE(error);
    return error->fault;
}

} // namespace

TEST_CASE("HOTP matches RFC 4226 Appendix D") {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t counter = 0; counter < 10; ++counter) CHECK(core::hotp(kRfcSecret, counter) == expected[counter]);
}

TEST_CASE("TOTP matches RFC 6238 Appendix B for SHA-1") {
    const std::pair<std::int64_t, const char*> vectors[] = {
        {59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"}, {1234567890, "89005924"}, {2000000000, "69279037"}};
    for (const auto& [time, code] : vectors) CHECK(core::hotp(kRfcSecret, core::totp_step(at(time)), 8) == code);
    // Year 2603 is past system_clock's nanoseconds: its step (T = 20000000000 / 30) given directly.
    CHECK(core::hotp(kRfcSecret, 20000000000 / core::kTotpStepSeconds, 8) == "65353130");
    // Six digits, as the panel uses: the last six of the eight.
    CHECK(core::hotp(kRfcSecret, core::totp_step(at(59))) == "287082");
    CHECK(core::totp_step(at(59)) == 1);
    CHECK(core::totp_step(at(60)) == 2);
}

TEST_CASE("a Base32 secret decodes whatever its case, spacing and padding, and nothing else does") {
    CHECK(core::totp_secret_bytes(kRfcSecretBase32) == kRfcSecret);
    CHECK(core::totp_secret_bytes("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == kRfcSecret);
    CHECK(core::totp_secret_bytes("JBSWY3DPEHPK3PXP") == std::string("Hello!\xde\xad\xbe\xef"));
    CHECK(core::totp_secret_bytes("JBSWY3DPEE") == std::string("Hello!")); // padding dropped, as apps do
    CHECK_FALSE(core::totp_secret_bytes("not base32 1890"));
    CHECK_FALSE(core::totp_secret_bytes(""));
}

TEST_CASE("a code is taken within one step either side of now, and never at or before the last step used") {
    const std::int64_t now = 1000;
    for (std::int64_t step : {now - 1, now, now + 1})
        CHECK(core::matching_step(kRfcSecret, core::hotp(kRfcSecret, step), now, 0) == step);
    for (std::int64_t step : {now - 3, now - 2, now + 2, now + 3})
        CHECK_FALSE(core::matching_step(kRfcSecret, core::hotp(kRfcSecret, step), now, 0));
    // Replay: the step a code was taken at, or one before it, is spent.
    CHECK_FALSE(core::matching_step(kRfcSecret, core::hotp(kRfcSecret, now), now, now));
    CHECK_FALSE(core::matching_step(kRfcSecret, core::hotp(kRfcSecret, now - 1), now, now));
    CHECK(core::matching_step(kRfcSecret, core::hotp(kRfcSecret, now + 1), now, now) == now + 1);
    // Not a code's shape.
    CHECK_FALSE(core::matching_step(kRfcSecret, "28708", 1, 0));
    CHECK_FALSE(core::matching_step(kRfcSecret, "2870821", 1, 0));
    CHECK_FALSE(core::matching_step(kRfcSecret, "28708a", 1, 0));
    CHECK(core::looks_like_totp_code("012345"));
    CHECK_FALSE(core::looks_like_totp_code("abcd-efgh-ijkl-mnop"));
}

TEST_CASE("the otpauth URI names the issuer, the account and the parameters apps assume") {
    CHECK(
        core::otpauth_uri("dns.example.net", "alice", "JBSWY3DPEHPK3PXP") ==
        "otpauth://totp/dns.example.net:alice?secret=JBSWY3DPEHPK3PXP&issuer=dns.example.net&algorithm=SHA1&digits=6&period=30");
    CHECK(core::otpauth_uri("a b", "c&d", "X").starts_with("otpauth://totp/a%20b:c%26d?secret=X&issuer=a%20b&"));
}

TEST_CASE("a recovery code is compared without its hyphens, spaces and case") {
    CHECK(core::recovery_code_shown("abcdefghijklmnop") == "abcd-efgh-ijkl-mnop");
    CHECK(core::recovery_code_key("ABCD-efgh ijkl-mnop") == "abcdefghijklmnop");
    CHECK_FALSE(core::recovery_code_key("abcd-efgh-ijkl-mno")); // too short
    CHECK_FALSE(core::recovery_code_key("abcd-efgh-ijkl-mno1")); // 1 is not Base32
    CHECK_FALSE(core::recovery_code_key(std::string(100, 'a')));
}

TEST_CASE("a panel login of an account with TOTP on needs its code, machines' logins do not") {
    Fixture f;
    CHECK(std::get<core::UpdateCore::LoginStep>(f.core->login("alice", "alice-password", f.client)) ==
          core::UpdateCore::LoginStep::Done);
    const std::string secret = f.enrolled();
    CHECK(f.recovery.size() == core::kRecoveryCodes);
    CHECK(std::get<core::UpdateCore::LoginStep>(f.core->login("alice", "alice-password", f.client)) ==
          core::UpdateCore::LoginStep::CodeNeeded);
    CHECK(fault_of(std::get<core::UpdateError>(f.core->login("alice", "wrong", f.client))) == core::Fault::AuthFailed);

    // The enrolment code's step is spent; the next step's code logs in, once.
    CHECK(fault_of(f.core->second_factor("alice", code_at_step(secret, f.enrol_step), f.client)) == core::Fault::AuthFailed);
    const std::string next = code_at_step(secret, f.enrol_step + 1);
    CHECK_FALSE(f.core->second_factor("alice", next, f.client));
    CHECK(fault_of(f.core->second_factor("alice", next, f.client)) == core::Fault::AuthFailed);

    // A recovery code, typed in capitals without hyphens, works once.
    std::string typed = Poco::toUpper(f.recovery.front());
    std::erase(typed, '-');
    CHECK_FALSE(f.core->second_factor("alice", typed, f.client));
    CHECK(fault_of(f.core->second_factor("alice", f.recovery.front(), f.client)) == core::Fault::AuthFailed);
    CHECK(f.db.totp("alice")->recovery_codes_left == core::kRecoveryCodes - 1);

    // XML-RPC, SOAP, dyndns2 and the JSON API's Basic auth go through authorize(): the password alone.
    const auto got = f.core->get_addresses({"alice", "alice-password", "nothing.invalid", f.client});
    REQUIRE(std::holds_alternative<core::UpdateError>(got));
    CHECK(std::get<core::UpdateError>(got).fault == core::Fault::NoSuchDomain); // past the login
}

TEST_CASE("enrolment takes only a current code of the waiting secret") {
    Fixture f;
    CHECK(fault_of(f.core->second_factor("alice", "123456", f.client)) == core::Fault::AuthFailed); // nothing on
    const std::string secret = f.db.begin_totp("alice");
    const auto wrong = f.core->enable_totp("alice", code_at_step(secret, f.now_step() + 5), f.client);
    CHECK(std::get<core::UpdateError>(wrong).fault == core::Fault::AuthFailed);
    CHECK_FALSE(f.db.totp("alice")->enabled);
    const auto recovery_like = f.core->enable_totp("alice", "abcd-efgh-ijkl-mnop", f.client);
    CHECK(std::get<core::UpdateError>(recovery_like).fault == core::Fault::AuthFailed);
    CHECK(std::holds_alternative<std::vector<std::string>>(
        f.core->enable_totp("alice", code_at_step(secret, f.now_step()), f.client)));
    CHECK(f.db.totp("alice")->enabled);
    // On already: a second enrolment is refused.
    const auto again = f.core->enable_totp("alice", code_at_step(secret, f.now_step() + 1), f.client);
    CHECK(std::holds_alternative<core::UpdateError>(again));
}

TEST_CASE("wrong codes count against the login throttle as wrong passwords do") {
    Fixture f;
    const std::string secret = f.enrolled();
    // The password alone does not clear the failures: guessing codes between right passwords stays throttled.
    for (int i = 0; i < 10; ++i) {
        CHECK(std::holds_alternative<core::UpdateCore::LoginStep>(f.core->login("alice", "alice-password", f.client)));
        CHECK(fault_of(f.core->second_factor("alice", "000000", f.client)) == core::Fault::AuthFailed);
    }
    const auto blocked = f.core->second_factor("alice", code_at_step(secret, f.now_step() + 1), f.client);
    CHECK(fault_of(blocked) == core::Fault::RateLimited);
    CHECK(blocked->retry_after_seconds > 0);
    CHECK(fault_of(std::get<core::UpdateError>(f.core->login("alice", "alice-password", f.client))) == core::Fault::RateLimited);
    // Another source is not held back by this one's guesses.
    core::ClientInfo elsewhere = f.client;
    elsewhere.peer_address = "203.0.113.9";
    CHECK_FALSE(f.core->second_factor("alice", code_at_step(secret, f.now_step() + 1), elsewhere));
}
