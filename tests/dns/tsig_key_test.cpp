// Reading BIND key files: tsig-keygen's format, comments, several keys, and every refusal.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "dns/tsig_key.h"
#include "support/temp_dir.h"

using namespace dyndns::dns;

namespace {

const std::string kSecret = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";

std::string keygen_output(const std::string& name, const std::string& algorithm, const std::string& secret = kSecret) {
    return "key \"" + name + "\" {\n\talgorithm " + algorithm + ";\n\tsecret \"" + secret + "\";\n};\n";
}

std::string message_of(const std::string& text) {
    try {
        parse_key_file(text, "keys.conf");
    } catch (const KeyFileError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("parses a key as tsig-keygen writes it") {
    const auto keys = parse_key_file(keygen_output("dyndns-gateway", "hmac-sha256"), "k");
    REQUIRE(keys.size() == 1);
    CHECK(keys[0].name == "dyndns-gateway");
    CHECK(keys[0].algorithm == TsigAlgorithm::HmacSha256);
    CHECK(keys[0].secret_base64 == kSecret);
}

TEST_CASE("parses several keys with comments of every kind and free whitespace") {
    const std::string text = "# generated\n// another comment\n/* a\n block */\n" + keygen_output("one", "hmac-sha512") +
                             "key two{algorithm hmac-sha1;secret \"" + kSecret + "\";}; # trailing\n" +
                             "key \"Three.\" {\n  secret \"" + kSecret + "\"; // secret first\n  algorithm HMAC-SHA256;\n};";
    const auto keys = parse_key_file(text, "k");
    REQUIRE(keys.size() == 3);
    CHECK(keys[0].algorithm == TsigAlgorithm::HmacSha512);
    CHECK(keys[1].name == "two");
    CHECK(keys[1].algorithm == TsigAlgorithm::HmacSha1);
    CHECK(keys[2].name == "three");
    CHECK(keys[2].algorithm == TsigAlgorithm::HmacSha256);
}

TEST_CASE("refuses hmac-md5 and hmac-sha384 saying why") {
    const std::string md5 = message_of(keygen_output("k", "hmac-md5"));
    CHECK(md5.find("hmac-md5") != std::string::npos);
    CHECK(md5.find("not supported") != std::string::npos);
    const std::string sha384 = message_of(keygen_output("k", "hmac-sha384"));
    CHECK(sha384.find("hmac-sha384") != std::string::npos);
    CHECK(sha384.find("ldns") != std::string::npos);
    CHECK(message_of(keygen_output("k", "hmac-sha999")).find("not supported") != std::string::npos);
}

TEST_CASE("refuses malformed key files with the line and never the secret") {
    const std::string no_secret = message_of("key \"k\" {\n algorithm hmac-sha256;\n};\n");
    CHECK(no_secret.find("no secret") != std::string::npos);
    CHECK(message_of("key \"k\" { algorithm hmac-sha256; secret \"!!notbase64!!\"; };").find("base64") != std::string::npos);
    CHECK(message_of("key \"k\" { algorithm hmac-sha256 secret \"x\"; };").find("expected ';'") != std::string::npos);
    CHECK(message_of("options { };").find("expected a key clause") != std::string::npos);
    CHECK(message_of("key \"k\" { algorithm hmac-sha256; secret \"" + kSecret + "\"; }").find("expected ';'") !=
          std::string::npos);
    CHECK(message_of("/* never closed").find("unterminated") != std::string::npos);
    CHECK(message_of("\n\nkey \"k\" { bogus 1; };").find("keys.conf:3:") != std::string::npos);
    const std::string unknown = message_of("key \"k\" { algorithm hmac-sha256; secret \"" + kSecret + "\"; colour blue; };");
    CHECK(unknown.find("unknown statement in key 'k'") != std::string::npos);
    // A secret pasted where a keyword belongs is never echoed back.
    const std::string bare = "S3cr3tS3cr3tS3cr3tQUJD";
    CHECK(message_of(bare + ";").find(bare) == std::string::npos);
    CHECK(message_of("key \"k\" { " + bare + " x; };").find(bare) == std::string::npos);
    CHECK(message_of("key \"k\" { secret " + bare + " algorithm; };").find(bare) == std::string::npos);
}

TEST_CASE("load_key finds a key by name ignoring case and a trailing dot") {
    const dyndns::test::TempDir dir("tsig-key-test");
    const std::filesystem::path path =
        dir.write("keys.key", keygen_output("other", "hmac-md5") + keygen_output("dyndns-gateway", "hmac-sha512"));
    const TsigKey key = load_key(path.string(), "DynDNS-Gateway.");
    CHECK(key.name == "dyndns-gateway");
    CHECK(key.algorithm == TsigAlgorithm::HmacSha512);
    // An unsupported algorithm matters only for the key asked for.
    CHECK_THROWS_WITH_AS(load_key(path.string(), "other"), doctest::Contains("hmac-md5"), KeyFileError);
    CHECK_THROWS_WITH_AS(load_key(path.string(), "missing"), doctest::Contains("no key named 'missing'"), KeyNotFoundError);
    std::filesystem::remove(path);
    CHECK_THROWS_WITH_AS(load_key(path.string(), "dyndns-gateway"), doctest::Contains("No such file"), KeyFileError);
}
