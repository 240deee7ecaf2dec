// Poco::JSON::Parser reads the body; a nesting limit keeps a hostile body from recursing deep.
#include "acme/json_body.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

namespace dyndns::acme {
namespace {

constexpr std::size_t kMaxDepth = 8; // the objects read here are flat

} // namespace

std::optional<std::map<std::string, std::string>> json_strings(const std::string& body, bool fold_case) {
    try {
        Poco::JSON::Parser parser;
        parser.setDepth(kMaxDepth);
        const Poco::Dynamic::Var parsed = parser.parse(body);
        if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return std::nullopt;
        const auto object = parsed.extract<Poco::JSON::Object::Ptr>();
        if (!object) return std::nullopt;
        std::map<std::string, std::string> strings;
        for (const auto& [name, value] : *object) {
            if (!value.isString()) continue;
            strings.emplace(fold_case ? Poco::toLower(name) : name, value.convert<std::string>());
        }
        return strings;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

} // namespace dyndns::acme
