// Poco::JSON::Parser with a handler of our own that counts what it builds and refuses a member given twice (Poco would keep the last).
#include "api/json_input.h"

#include <algorithm>
#include <set>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TextConverter.h>
#include <Poco/UTF8Encoding.h>

namespace dyndns::api {
namespace {

struct Refused {
    std::string why;
};

// Builds the tree as Poco's own handler does, and stops at the first member given twice in an
// object or once the body holds more than kMaxJsonItems keys and values.
class BoundedHandler final : public Poco::JSON::ParseHandler {
public:
    void startObject() override {
        count();
        keys_.emplace_back();
        ParseHandler::startObject();
    }
    void endObject() override {
        keys_.pop_back();
        ParseHandler::endObject();
    }
    void startArray() override {
        count();
        ParseHandler::startArray();
    }
    void key(const std::string& k) override {
        count();
        if (!keys_.empty() && !keys_.back().insert(k).second) throw Refused{"a member is given twice"};
        ParseHandler::key(k);
    }
    void value(int v) override { count(), ParseHandler::value(v); }
    void value(unsigned v) override { count(), ParseHandler::value(v); }
    void value(Poco::Int64 v) override { count(), ParseHandler::value(v); }
    void value(Poco::UInt64 v) override { count(), ParseHandler::value(v); }
    void value(const std::string& v) override {
        if (v.size() > kMaxJsonString) throw Refused{"a string is longer than " + std::to_string(kMaxJsonString) + " bytes"};
        count(), ParseHandler::value(v);
    }
    void value(double v) override { count(), ParseHandler::value(v); }
    void value(bool v) override { count(), ParseHandler::value(v); }
    void null() override { count(), ParseHandler::null(); }

private:
    void count() {
        if (++items_ > kMaxJsonItems) throw Refused{"more than " + std::to_string(kMaxJsonItems) + " keys and values"};
    }

    std::vector<std::set<std::string>> keys_; // one set per open object
    std::size_t items_ = 0;
};

bool valid_utf8(const std::string& text) {
    Poco::UTF8Encoding utf8;
    Poco::TextConverter converter(utf8, utf8);
    std::string out;
    return converter.convert(text, out) == 0;
}

bool of_type(const Poco::Dynamic::Var& value, JsonType type) {
    switch (type) {
    case JsonType::String: return value.isString();
    case JsonType::Boolean: return value.type() == typeid(bool);
    case JsonType::StringArray:
    case JsonType::ObjectArray: {
        if (value.type() != typeid(Poco::JSON::Array::Ptr)) return false;
        const auto array = value.extract<Poco::JSON::Array::Ptr>();
        for (const auto& element : *array) {
            if (type == JsonType::StringArray && !element.isString()) return false;
            if (type == JsonType::ObjectArray && element.type() != typeid(Poco::JSON::Object::Ptr)) return false;
        }
        return true;
    }
    }
    return false;
}

const char* type_words(JsonType type) {
    switch (type) {
    case JsonType::String: return "a string";
    case JsonType::Boolean: return "true or false";
    case JsonType::StringArray: return "an array of strings";
    case JsonType::ObjectArray: return "an array of objects";
    }
    return "?";
}

} // namespace

std::variant<Poco::JSON::Object::Ptr, std::string> parse_object(const std::string& body) {
    if (body.empty()) return std::string("the body must be a JSON object");
    if (!valid_utf8(body)) return std::string("the body is not valid UTF-8");
    try {
        Poco::JSON::Parser parser(new BoundedHandler);
        parser.setDepth(kMaxJsonDepth);
        const Poco::Dynamic::Var parsed = parser.parse(body);
        if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return std::string("the body must be a JSON object");
        auto object = parsed.extract<Poco::JSON::Object::Ptr>();
        if (!object) return std::string("the body must be a JSON object");
        return object;
    } catch (const Refused& refused) {
        return refused.why;
    } catch (const Poco::Exception&) {
        // Poco's message may quote the body: a fixed text instead.
        return std::string("the body is not well-formed JSON, or nested deeper than " + std::to_string(kMaxJsonDepth) +
                           " levels");
    }
}

std::optional<std::string> check_members(const Poco::JSON::Object& object, std::initializer_list<Member> members) {
    for (const auto& [name, value] : object) {
        const auto* member = std::find_if(members.begin(), members.end(), [&](const Member& m) { return name == m.name; });
        if (member == members.end()) return "unknown member '" + name.substr(0, 64) + "'";
        if (!of_type(value, member->type)) return "'" + name + "' must be " + type_words(member->type);
    }
    for (const Member& member : members)
        if (member.required && !object.has(member.name)) return std::string("'") + member.name + "' is required";
    return std::nullopt;
}

std::variant<Poco::JSON::Object::Ptr, std::string> parse_body(const std::string& body, std::initializer_list<Member> members) {
    auto parsed = parse_object(body);
    if (const auto* object = std::get_if<Poco::JSON::Object::Ptr>(&parsed))
        if (auto wrong = check_members(**object, members)) return *wrong;
    return parsed;
}

std::optional<std::string> string_member(const Poco::JSON::Object& object, const std::string& name) {
    if (!object.has(name)) return std::nullopt;
    return object.getValue<std::string>(name);
}

std::optional<bool> boolean_member(const Poco::JSON::Object& object, const std::string& name) {
    if (!object.has(name)) return std::nullopt;
    return object.getValue<bool>(name);
}

std::optional<std::vector<std::string>> strings_member(const Poco::JSON::Object& object, const std::string& name) {
    const auto array = object.getArray(name);
    if (!array) return std::nullopt;
    std::vector<std::string> strings;
    for (const auto& element : *array) strings.push_back(element.convert<std::string>());
    return strings;
}

std::vector<Poco::JSON::Object::Ptr> objects_member(const Poco::JSON::Object& object, const std::string& name) {
    std::vector<Poco::JSON::Object::Ptr> objects;
    if (const auto array = object.getArray(name))
        for (const auto& element : *array) objects.push_back(element.extract<Poco::JSON::Object::Ptr>());
    return objects;
}

} // namespace dyndns::api
