// The binaries as an operator runs them: --check-config verdicts and exit codes, dyndnsctl dns show against named.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "store/store.h"
#include "support/local_bind.h"
#include "support/process.h"

using dyndns::test::run_process;

namespace {

struct TempDir : dyndns::test::TempDir {
    TempDir() : dyndns::test::TempDir("app-cli-test") {}
};

const std::string kKeyFile =
    "key \"dyndns-gateway\" {\n\talgorithm hmac-sha256;\n\tsecret \"q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=\";\n};\n";

} // namespace

TEST_CASE("check-config accepts a good file and prints no secret") {
    TempDir dir;
    dir.write("tsig.key", kKeyFile);
    const auto config = dir.write("gw.yaml", "dns:\n  key_file: tsig.key\n");
    const auto result = run_process(GATEWAY_BIN, {"--check-config", config});
    CHECK(result.exit_code == 0);
    CHECK(result.output.find("configuration is valid") != std::string::npos);
    CHECK(result.output.find("hmac-sha256") != std::string::npos);
    CHECK(result.output.find("q83vEjRW") == std::string::npos);
}

TEST_CASE("check-config refuses a bad file naming the key and exits 1") {
    TempDir dir;
    dir.write("tsig.key", kKeyFile);
    const auto config = dir.write("gw.yaml", "dns:\n  key_file: tsig.key\n  port: seventy\n");
    const auto result = run_process(GATEWAY_BIN, {"--check-config", config});
    CHECK(result.exit_code == 1);
    CHECK(result.output.find("dns.port") != std::string::npos);
    CHECK(result.output.find("gw.yaml") != std::string::npos);
}

TEST_CASE("check-config refuses an md5 key when the config loads") {
    TempDir dir;
    dir.write("tsig.key", "key \"dyndns-gateway\" { algorithm hmac-md5; secret \"q83vEjRWeJq83vEjRWeJqw==\"; };\n");
    const auto config = dir.write("gw.yaml", "dns:\n  key_file: tsig.key\n");
    const auto result = run_process(GATEWAY_BIN, {"--check-config", config});
    CHECK(result.exit_code == 1);
    CHECK(result.output.find("hmac-md5") != std::string::npos);
    CHECK(result.output.find("not supported") != std::string::npos);
}

TEST_CASE("dyndnsctl --version prints the project version") {
    const auto result = run_process(CTL_BIN, {"--version"});
    CHECK(result.exit_code == 0);
    CHECK(result.output == std::string("dyndnsctl ") + PROJECT_VERSION + "\n");
}

TEST_CASE("bad usage exits 2") {
    CHECK(run_process(GATEWAY_BIN, {"--frobnicate"}).exit_code == 2);
    CHECK(run_process(CTL_BIN, {}).exit_code == 2);
}

TEST_CASE("dyndnsctl dns show reads from named with the gateway key") {
    dyndns::test::LocalBind bind;
    TempDir dir;
    const auto config = dir.write("gw.yaml", "dns:\n  primary: 127.0.0.1\n  port: " + std::to_string(bind.port()) +
                                                 "\n  key_file: " + bind.key_file() + "\n");
    const auto mx = run_process(CTL_BIN, {"--config", config, "dns", "show", "example.test", "MX"});
    CHECK(mx.exit_code == 0);
    CHECK(mx.output.find("example.test 3600 MX 10 mail.example.test.") != std::string::npos);

    // A wrong secret is reported as the primary's verdict, with exit code 4.
    dir.write("wrong.key", kKeyFile);
    const auto wrong = dir.write("wrong.yaml", "dns:\n  port: " + std::to_string(bind.port()) + "\n  key_file: wrong.key\n");
    const auto refused = run_process(CTL_BIN, {"--config", wrong, "dns", "show", "example.test", "A"});
    CHECK(refused.exit_code == 4);
    CHECK(refused.output.find("BADSIG") != std::string::npos);
}

TEST_CASE("dyndnsctl domain import loads many domains in one go and again adds nothing") {
    TempDir dir;
    dir.write("tsig.key", kKeyFile);
    const auto config = dir.write("gw.yaml", "dns:\n  key_file: tsig.key\nstore:\n  path: gw.sqlite\n");
    std::string lines = "# generated\n\n";
    for (int i = 0; i < 2000; ++i) lines += "z" + std::to_string(i) + ".example " + (i % 2 ? "alice" : "bob") + "\n";
    const auto file = dir.write("domains.txt", lines);
    {
        dyndns::store::Store store(dir.file("gw.sqlite"));
        store.add_account("alice", "a-password-long-enough");
        store.add_account("bob", "a-password-long-enough");
    }
    const auto first = run_process(CTL_BIN, {"--config", config, "domain", "import", file, "--dyndns"});
    CHECK(first.exit_code == 0);
    CHECK(first.output.find("2000 added, 0 already there (dyndns on for the added)") != std::string::npos);
    const auto again = run_process(CTL_BIN, {"--config", config, "domain", "import", file});
    CHECK(again.output.find("0 added, 2000 already there") != std::string::npos);
    // An unknown account refuses the whole file.
    const auto bad = run_process(
        CTL_BIN, {"--config", config, "domain", "import", dir.write("bad.txt", "new1.example alice\nnew2.example nobody\n")});
    CHECK(bad.exit_code == 3);
    const auto listed = run_process(CTL_BIN, {"--config", config, "list"});
    CHECK(listed.output.find("new1.example") == std::string::npos);
    CHECK(listed.output.find("z1999.example") != std::string::npos);
}
