// The panel's building blocks: HTML escaping, and sessions that expire on the server whatever the cookie says.
#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "panel/acme_settings.h"
#include "panel/html_text.h"
#include "panel/panel_sessions.h"
#include "panel/pending_logins.h"
#include "panel/totp_qr.h"

using namespace dyndns::panel;
using namespace std::chrono_literals;

TEST_CASE("html escapes every character that could end text or an attribute") {
    CHECK(html("<script>alert('x')</script> & \"q\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    CHECK(html("plain.example.test") == "plain.example.test");
    CHECK(html("é – ✓") == "é – ✓");
}

TEST_CASE("random tokens are long, URL-safe and distinct") {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const auto token = random_token();
        CHECK(token.size() == 43); // 256 bits in base64 without padding
        CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
        seen.insert(token);
    }
    CHECK(seen.size() == 100);
}

TEST_CASE("a session expires after idling and after its absolute lifetime") {
    SessionStore store(SessionStore::Settings{10s, 60s, 100});
    const auto start = SessionStore::Clock::now();
    const auto session = store.create("alice", "stamp", start);
    CHECK(session.csrf != session.id);
    REQUIRE(store.find(session.id, start + 5s));
    CHECK(store.find(session.id, start + 5s)->account == "alice");
    CHECK(store.find(session.id, start + 14s)); // used at 5 s: idle only 9 s
    CHECK_FALSE(store.find(session.id, start + 30s));

    const auto busy = store.create("alice", "stamp", start);
    for (auto t = 5s; t < 60s; t += 5s) CHECK(store.find(busy.id, start + t));
    CHECK_FALSE(store.find(busy.id, start + 61s)); // used all along, still ends
    CHECK_FALSE(store.find("made-up", start));
}

TEST_CASE("logout destroys the session, and a flash is handed out once") {
    SessionStore store;
    const auto session = store.create("alice", "stamp");
    store.set_flash(session.id, TokenFlash{7, "example.test", "secret"});
    const auto flash = store.take_flash(session.id);
    REQUIRE(flash);
    CHECK(flash->secret == "secret");
    CHECK(flash->token_id == 7);
    CHECK_FALSE(store.take_flash(session.id));
    store.destroy(session.id);
    CHECK_FALSE(store.find(session.id));
}

TEST_CASE("the number of sessions is bounded") {
    SessionStore store(SessionStore::Settings{3600s, 3600s, 3, 3});
    const auto first = store.create("a", "");
    store.create("b", "");
    store.create("c", "");
    store.create("d", "");
    CHECK_FALSE(store.find(first.id));
}

TEST_CASE("one account logging in again and again drops only its own oldest sessions") {
    SessionStore store(SessionStore::Settings{3600s, 3600s, 100, 3});
    auto now = SessionStore::Clock::now();
    const auto other = store.create("other", "", now);
    std::vector<Session> mine;
    for (int i = 0; i < 11000; ++i) mine.push_back(store.create("attacker", "", now += 1ms));
    CHECK(store.find(other.id, now));
    CHECK(store.find(mine.back().id, now));
    CHECK(store.find(mine[mine.size() - 3].id, now));
    CHECK_FALSE(store.find(mine[mine.size() - 4].id, now));
    CHECK_FALSE(store.find(mine.front().id, now));
}

TEST_CASE("the ACME settings name both APIs and the acme-dns registration of the host") {
    const std::string section =
        acme_settings("home.example.test", {"https://dns.example.net:8192/dom/api", "dns.example.net", 8192}, "demo");
    for (const char* part :
         {"HTTPREQ_ENDPOINT=https://dns.example.net:8192/acme", "HTTPREQ_USERNAME=demo", "--dns httpreq",
          "ACME_DNS_API_BASE=https://dns.example.net:8192/acme-dns", "--dns acme-dns", "\"username\": \"home.example.test\"",
          "\"subdomain\": \"home.example.test\"", "\"fulldomain\": \"_acme-challenge.home.example.test\"", "dns_acmedns_api_url",
          "provider: httpreq", "dns acmedns"})
        CHECK(section.find(part) != std::string::npos);
    // The account's name is escaped like everything else on the page.
    CHECK(acme_settings("h.example.test", {"https://d/dom/api", "d", 8192}, "<b>").find("<b>") == std::string::npos);
}

TEST_CASE("a pending second-factor login lives a few minutes, and their number is bounded") {
    PendingLogins pending(PendingLogins::Settings{300s, 2});
    const auto start = PendingLogins::Clock::now();
    const auto first = pending.create("alice", "stamp", start);
    CHECK(first.id != first.csrf);
    REQUIRE(pending.find(first.id, start + 299s));
    CHECK(pending.find(first.id, start + 299s)->account == "alice");
    CHECK_FALSE(pending.find(first.id, start + 301s));
    const auto a = pending.create("alice", "stamp", start);
    const auto b = pending.create("bob", "stamp", start + 1s);
    const auto c = pending.create("carol", "stamp", start + 2s);
    CHECK_FALSE(pending.find(a.id, start + 3s)); // the oldest made room
    CHECK(pending.find(b.id, start + 3s));
    pending.destroy(c.id);
    CHECK_FALSE(pending.find(c.id, start + 3s));
}

TEST_CASE("the enrolment QR code is an inline SVG image with a name, drawn from libqrencode's grid") {
    const std::string svg =
        qr_svg("otpauth://totp/dns.example.net:alice?secret=JBSWY3DPEHPK3PXP&issuer=dns.example.net", "QR code <of> the secret");
    CHECK(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    CHECK(svg.find("role=\"img\" aria-label=\"QR code &lt;of&gt; the secret\"") != std::string::npos);
    CHECK(svg.find("h1v1h-1z") != std::string::npos);
    CHECK(svg.ends_with("</svg>"));
    CHECK(svg.find("JBSWY3DPEHPK3PXP") == std::string::npos); // drawn, not written
}
