// Request bodies of the JSON API: one object within bounds, no member twice, none unknown, each of its type.
#include <doctest/doctest.h>

#include <string>

#include "api/json_input.h"

using dyndns::api::check_members;
using dyndns::api::JsonType;
using dyndns::api::parse_object;

namespace {

std::string refusal(const std::string& body) {
    const auto parsed = parse_object(body);
    const auto* why = std::get_if<std::string>(&parsed);
    return why ? *why : "";
}

} // namespace

TEST_CASE("a flat object is read, anything but one object is refused with a reason that never quotes the body") {
    const auto parsed = parse_object(R"({"a": ["192.0.2.1"], "enabled": true})");
    REQUIRE(std::holds_alternative<Poco::JSON::Object::Ptr>(parsed));
    CHECK(refusal("") == "the body must be a JSON object");
    CHECK(refusal("[1]") == "the body must be a JSON object");
    CHECK_FALSE(refusal("\"text\"").empty());
    CHECK(refusal(R"({"a": [)").find("not well-formed JSON") != std::string::npos);
    CHECK(refusal(R"({"secret-looking": )").find("secret") == std::string::npos);
}

TEST_CASE("hostile bodies: deep nesting, a member twice, too many items, long strings, bytes that are not UTF-8") {
    CHECK(refusal("{\"a\": " + std::string(100, '[') + std::string(100, ']') + "}").find("nested deeper than 8") !=
          std::string::npos);
    CHECK(refusal(R"({"a": ["192.0.2.1"], "a": ["192.0.2.2"]})") == "a member is given twice");
    // The same key in two different objects is no duplicate.
    CHECK(refusal(R"({"hosts": [{"name": "x"}, {"name": "y"}]})").empty());
    std::string many = "{";
    for (int n = 0; n < 600; ++n) many += (n ? "," : "") + std::string("\"k") + std::to_string(n) + "\": 1";
    CHECK(refusal(many + "}").find("more than 512") != std::string::npos);
    CHECK(refusal("{\"a\": \"" + std::string(2000, 'x') + "\"}").find("longer than 1024") != std::string::npos);
    CHECK(refusal("{\"a\": \"\xff\"}") == "the body is not valid UTF-8");
    CHECK(refusal("{\"a\": \"\xc0\xaf\"}") == "the body is not valid UTF-8"); // an overlong '/'
    // A huge number parses or not, but it is never a string or a boolean: check_members refuses it.
    const auto parsed = parse_object("{\"a\": 1" + std::string(400, '0') + "}");
    if (const auto* object = std::get_if<Poco::JSON::Object::Ptr>(&parsed))
        CHECK(check_members(**object, {{"a", JsonType::StringArray}}) ==
              std::optional<std::string>("'a' must be an array of strings"));
}

TEST_CASE("members are checked against the operation: unknown, missing, wrong types") {
    const auto object = std::get<Poco::JSON::Object::Ptr>(parse_object(R"({"a": ["192.0.2.1"], "ttl": 5})"));
    CHECK(check_members(*object, {{"a", JsonType::StringArray}}) == std::optional<std::string>("unknown member 'ttl'"));
    CHECK(check_members(*object, {{"a", JsonType::StringArray}, {"ttl", JsonType::String}}) ==
          std::optional<std::string>("'ttl' must be a string"));
    const auto flags = std::get<Poco::JSON::Object::Ptr>(parse_object(R"({"enabled": "yes"})"));
    CHECK(check_members(*flags, {{"enabled", JsonType::Boolean, true}}) ==
          std::optional<std::string>("'enabled' must be true or false"));
    const auto empty = std::get<Poco::JSON::Object::Ptr>(parse_object("{}"));
    CHECK(check_members(*empty, {{"prefix", JsonType::String, true}}) == std::optional<std::string>("'prefix' is required"));
    const auto mixed = std::get<Poco::JSON::Object::Ptr>(parse_object(R"({"a": ["192.0.2.1", 5]})"));
    CHECK(check_members(*mixed, {{"a", JsonType::StringArray}}) == std::optional<std::string>("'a' must be an array of strings"));
    CHECK_FALSE(check_members(*object, {{"a", JsonType::StringArray}, {"ttl", JsonType::String}, {"x", JsonType::Boolean}}) ==
                std::nullopt);
}
