// A JSON API request body as one object within bounds (docs/api.md "Errors"): Poco::JSON parses it; duplicates, unknown members and wrong types are refused.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <Poco/JSON/Object.h>

namespace dyndns::api {

constexpr std::size_t kMaxJsonDepth = 8;
constexpr std::size_t kMaxJsonItems = 512; // keys and values in all
constexpr std::size_t kMaxJsonString = 1024; // bytes in one string

// The body's one object, or why it is refused (safe to show: it never repeats the body).
std::variant<Poco::JSON::Object::Ptr, std::string> parse_object(const std::string& body);

enum class JsonType { String, Boolean, StringArray, ObjectArray };

struct Member {
    const char* name;
    JsonType type;
    bool required = false;
};

// Nothing when `object` has only these members, each of its type, the required ones all there;
// else what is wrong.
std::optional<std::string> check_members(const Poco::JSON::Object& object, std::initializer_list<Member> members);

// parse_object then check_members: the body's object with exactly these members, or what is wrong.
std::variant<Poco::JSON::Object::Ptr, std::string> parse_body(const std::string& body, std::initializer_list<Member> members);

// Readers for members check_members has vetted.
std::optional<std::string> string_member(const Poco::JSON::Object& object, const std::string& name);
std::optional<bool> boolean_member(const Poco::JSON::Object& object, const std::string& name);
std::optional<std::vector<std::string>> strings_member(const Poco::JSON::Object& object, const std::string& name);
std::vector<Poco::JSON::Object::Ptr> objects_member(const Poco::JSON::Object& object, const std::string& name);

} // namespace dyndns::api
