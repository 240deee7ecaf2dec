// XML-RPC values as the specification defines them (string, int, boolean, double, base64, dateTime, struct, array) plus nil.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace dyndns::xmlrpc {

struct Value;
using Array = std::vector<Value>;
using Struct = std::vector<std::pair<std::string, Value>>; // in document order; names may repeat on input
struct Base64 {
    std::string text; // as received; never decoded here, nothing we serve takes binary
};
struct DateTime {
    std::string text; // dateTime.iso8601 as received
};
struct Nil {};

struct Value {
    std::variant<std::string, std::int64_t, bool, double, Base64, DateTime, Array, Struct, Nil> data;

    Value() : data(std::string()) {}
    Value(std::string s) : data(std::move(s)) {}
    Value(const char* s) : data(std::string(s)) {}
    Value(std::int64_t i) : data(i) {}
    Value(int i) : data(static_cast<std::int64_t>(i)) {}
    Value(bool b) : data(b) {}
    Value(double d) : data(d) {}
    Value(Base64 b) : data(std::move(b)) {}
    Value(DateTime t) : data(std::move(t)) {}
    Value(Array a) : data(std::move(a)) {}
    Value(Struct s) : data(std::move(s)) {}
    Value(Nil n) : data(n) {}

    const std::string* string() const { return std::get_if<std::string>(&data); }
    // The spec's type name: "string", "int", "boolean", "double", "base64", "dateTime.iso8601", "array", "struct", "nil".
    std::string type_name() const;
};

struct MethodCall {
    std::string method;
    std::vector<Value> params;
};

} // namespace dyndns::xmlrpc
