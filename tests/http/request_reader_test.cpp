// Requests framed out of a connection's bytes, however they arrive: whole, a byte at a time, pipelined, or refused.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "http/request_reader.h"

using namespace dyndns::http;

namespace {

const std::string kPost = "POST /nic/update HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world";
const std::string kGet = "GET /nic/checkip?x=1 HTTP/1.1\r\nHost: x\r\n\r\n";

// A request taken whole, with the head it came with.
struct Read {
    HttpRequest request;
    bool keep_alive = true;
};

// What a connection makes of `chunks` arriving one after another: the requests read, answered
// at once, and the refusal's status if one ended the connection (0: none).
struct Outcome {
    std::vector<Read> requests;
    int refused = 0;
};

Outcome read_all(const std::vector<std::string>& chunks, HeadLimits limits = {}) {
    RequestReader reader(limits);
    Outcome outcome;
    const auto drain = [&] {
        for (;;) {
            switch (reader.step()) {
            case ReadStep::NeedMore: return;
            case ReadStep::Refused: outcome.refused = reader.refusal().status; return;
            case ReadStep::Head: continue;
            case ReadStep::Request: {
                const bool keep_alive = reader.head()->keep_alive;
                outcome.requests.push_back(Read{reader.take_request(), keep_alive});
                reader.finish_request();
                continue;
            }
            }
        }
    };
    for (const std::string& chunk : chunks) {
        REQUIRE(chunk.size() <= reader.room()); // the loop never reads beyond room()
        reader.input() += chunk;
        drain();
        if (outcome.refused != 0) break;
    }
    return outcome;
}

std::vector<std::string> bytes_of(const std::string& all) {
    std::vector<std::string> chunks;
    for (char c : all) chunks.emplace_back(1, c);
    return chunks;
}

int refused_with(const std::string& head, HeadLimits limits = {}) {
    const Outcome outcome = read_all({head}, limits);
    CHECK(outcome.requests.empty());
    return outcome.refused;
}

} // namespace

TEST_CASE("a whole request gives its head first and then the request with its body") {
    RequestReader reader(HeadLimits{});
    reader.input() = kPost;
    CHECK_FALSE(reader.head());
    REQUIRE(reader.step() == ReadStep::Head);
    REQUIRE(reader.head());
    CHECK(reader.head()->content_length == 11);
    CHECK(reader.step() == ReadStep::Request);
    const HttpRequest request = reader.take_request();
    CHECK(request.method == "POST");
    CHECK(request.path == "/nic/update");
    CHECK(request.body == "hello world");
    CHECK(reader.head()); // the head still frames the answer
    CHECK_FALSE(reader.has_input());
    reader.finish_request();
    CHECK_FALSE(reader.head());
    CHECK(reader.step() == ReadStep::NeedMore);
}

TEST_CASE("a request without a body is whole as soon as its head is") {
    const Outcome outcome = read_all({kGet});
    REQUIRE(outcome.requests.size() == 1);
    CHECK(outcome.requests[0].request.path == "/nic/checkip");
    CHECK(outcome.requests[0].request.query == "x=1");
    CHECK(outcome.requests[0].request.body.empty());
}

TEST_CASE("a request split at any byte boundary reads the same as when whole") {
    for (const std::string& whole : {kPost, kGet}) {
        for (std::size_t split = 1; split < whole.size(); ++split) {
            CAPTURE(split);
            const Outcome outcome = read_all({whole.substr(0, split), whole.substr(split)});
            REQUIRE(outcome.requests.size() == 1);
            CHECK(outcome.refused == 0);
            CHECK(outcome.requests[0].request.body == (whole == kPost ? "hello world" : ""));
        }
    }
}

TEST_CASE("a request arriving a byte at a time is read once, at its last byte") {
    RequestReader reader(HeadLimits{});
    std::size_t heads = 0;
    for (std::size_t i = 0; i < kPost.size(); ++i) {
        reader.input() += kPost[i];
        ReadStep step = reader.step();
        if (step == ReadStep::Head) {
            ++heads;
            CHECK(i == kPost.find("\r\n\r\n") + 3);
            step = reader.step();
        }
        CHECK(step == (i + 1 == kPost.size() ? ReadStep::Request : ReadStep::NeedMore));
    }
    CHECK(heads == 1);
    CHECK(reader.take_request().body == "hello world");
}

TEST_CASE("pipelined requests are read in order, each after the previous one's answer") {
    const std::string three = kPost + kGet + "POST /b HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    for (const auto& chunks : {std::vector<std::string>{three}, bytes_of(three)}) {
        const Outcome outcome = read_all(chunks);
        REQUIRE(outcome.requests.size() == 3);
        CHECK(outcome.requests[0].request.body == "hello world");
        CHECK(outcome.requests[1].request.path == "/nic/checkip");
        CHECK(outcome.requests[2].request.body == "ok");
        CHECK(outcome.requests[1].keep_alive);
        CHECK_FALSE(outcome.requests[2].keep_alive);
    }
}

TEST_CASE("the next request waits while the current one is run and answered") {
    RequestReader reader(HeadLimits{});
    reader.input() = kGet + kGet;
    REQUIRE(reader.step() == ReadStep::Head);
    REQUIRE(reader.step() == ReadStep::Request);
    reader.take_request();
    CHECK(reader.step() == ReadStep::NeedMore);
    CHECK(reader.has_input());
    reader.finish_request();
    CHECK(reader.step() == ReadStep::Head);
}

TEST_CASE("blank lines before a request line are skipped and do not begin a request") {
    RequestReader reader(HeadLimits{});
    reader.input() = "\r\n\r\n";
    CHECK(reader.step() == ReadStep::NeedMore);
    CHECK_FALSE(reader.begun());
    CHECK_FALSE(reader.has_input());
    reader.input() += "G";
    CHECK(reader.step() == ReadStep::NeedMore);
    CHECK(reader.begun());
    CHECK(read_all({"\r\n\r\n" + kGet}).requests.size() == 1);
}

TEST_CASE("Content-Length framing refuses what two parsers could read differently") {
    CHECK(refused_with("POST / HTTP/1.1\r\nHost: x\r\n\r\n") == 411); // missing on a POST
    CHECK(refused_with("PUT / HTTP/1.1\r\nHost: x\r\n\r\n") == 411);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok") == 400); // duplicate
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\nok") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: +2\r\n\r\nok") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 0x2\r\n\r\nok") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: =?UTF-8?B?Mg==?=\r\n\r\nok") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length : 2\r\n\r\nok") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n") == 413); // over max_body_bytes
    HeadLimits small;
    small.max_body_bytes = 10;
    CHECK(refused_with(kPost, small) == 413);
}

TEST_CASE("Transfer-Encoding is refused in every form") {
    CHECK(refused_with("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\ntransfer-encoding: identity\r\nContent-Length: 2\r\n\r\nok") == 400);
}

TEST_CASE("a head is bounded in size and in its number of fields") {
    HeadLimits limits;
    // No end in sight: refused once more than a head's most has come, never buffered beyond.
    RequestReader reader(limits);
    reader.input() = "GET / HTTP/1.1\r\nX: " + std::string(max_head_bytes(limits) - 19, 'a');
    CHECK(reader.step() == ReadStep::NeedMore);
    CHECK(reader.room() == 1);
    reader.input() += "a";
    REQUIRE(reader.step() == ReadStep::Refused);
    CHECK(reader.refusal().status == 431);
    CHECK(reader.step() == ReadStep::Refused); // the connection ends with it
    // Complete but over the limits.
    CHECK(refused_with("GET / HTTP/1.1\r\nX: " + std::string(limits.max_header_bytes, 'a') + "\r\n\r\n") == 431);
    CHECK(refused_with("GET /" + std::string(limits.max_uri_bytes, 'a') + " HTTP/1.1\r\n\r\n") == 414);
    // Poco's own bound on fields (100) holds too.
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 101; ++i) many += "X" + std::to_string(i) + ": 1\r\n";
    CHECK(refused_with(many + "\r\n") == 400);
    std::string hundred = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 100; ++i) hundred += "X" + std::to_string(i) + ": 1\r\n";
    CHECK(read_all({hundred + "\r\n"}).requests.size() == 1);
}

TEST_CASE("a head framed by bare line feeds never ends and is refused at the size bound") {
    const HeadLimits limits;
    RequestReader reader(limits);
    reader.input() = "GET / HTTP/1.1\nHost: x\n\n";
    CHECK(reader.step() == ReadStep::NeedMore);
    reader.input() += std::string(max_head_bytes(limits) + 1 - reader.input().size(), '\n');
    REQUIRE(reader.step() == ReadStep::Refused);
    CHECK(reader.refusal().status == 431);
    CHECK(refused_with("GET / HTTP/1.1\r\nHost: x\nY: z\r\n\r\n") == 400); // a bare LF inside a head that ends
}

TEST_CASE("a body that ends early is never a request and reading stops at its length") {
    RequestReader reader(HeadLimits{});
    reader.input() = kPost.substr(0, kPost.size() - 5);
    REQUIRE(reader.step() == ReadStep::Head);
    CHECK(reader.step() == ReadStep::NeedMore);
    CHECK(reader.step() == ReadStep::NeedMore);
    // Room for the body's rest and a pipelined head's most, no more.
    CHECK(reader.room() == 5 + max_head_bytes(HeadLimits{}) + 1);
}

TEST_CASE("the head room is the most a head may take and shrinks with what came") {
    HeadLimits limits;
    RequestReader reader(limits);
    CHECK(reader.room() == max_head_bytes(limits) + 1);
    reader.input() = "GET";
    CHECK(reader.room() == max_head_bytes(limits) - 2);
}

TEST_CASE("Expect 100-continue is reported with a body to come, and new limits apply to the next head") {
    RequestReader reader(HeadLimits{});
    reader.input() = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
    REQUIRE(reader.step() == ReadStep::Head);
    CHECK(reader.head()->expects_continue);
    reader.input() += "ok";
    REQUIRE(reader.step() == ReadStep::Request);
    reader.take_request();
    reader.finish_request();
    HeadLimits tight;
    tight.max_body_bytes = 1;
    reader.set_limits(tight);
    reader.input() = "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nok";
    REQUIRE(reader.step() == ReadStep::Refused);
    CHECK(reader.refusal().status == 413);
}
