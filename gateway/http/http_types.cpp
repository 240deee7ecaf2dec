// The request's accessors: Poco decodes credentials, cookies and forms, so no endpoint rebuilds a Poco request.
#include "http/http_types.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/String.h>

namespace dyndns::http {
namespace {

void add_fields(const std::string& encoded, FormFields& into) {
    if (encoded.empty() || into.fields.size() >= kMaxFormFields) return;
    Poco::Net::HTMLForm form;
    form.setFieldLimit(static_cast<int>(kMaxFormFields - into.fields.size()));
    try {
        form.read(encoded);
    } catch (const Poco::Exception&) {
        into.malformed = true;
        return;
    }
    for (const auto& [name, value] : form) into.fields.emplace_back(name, value);
}

} // namespace

bool media_type_is(const std::string& content_type, const char* type, const char* subtype) {
    try {
        return !content_type.empty() && Poco::Net::MediaType(content_type).matches(type, subtype);
    } catch (const Poco::Exception&) {
        return false;
    }
}

std::string FormFields::get(const std::string& name, const std::string& otherwise) const {
    for (const auto& [key, value] : fields)
        if (key == name) return value;
    return otherwise;
}

std::string HttpRequest::header(const std::string& name) const {
    for (const auto& [key, value] : headers)
        if (Poco::icompare(key, name) == 0) return value;
    return "";
}

std::string HttpRequest::header_list(const std::string& name) const {
    std::string joined;
    for (const auto& [key, value] : headers) {
        if (Poco::icompare(key, name) != 0) continue;
        if (!joined.empty()) joined += ", ";
        joined += value;
    }
    return joined;
}

std::optional<BasicCredentials> HttpRequest::basic_credentials() const {
    return http::basic_credentials(header("Authorization"));
}

std::optional<BasicCredentials> basic_credentials(const std::string& authorization) {
    if (authorization.empty()) return std::nullopt;
    try {
        Poco::Net::HTTPRequest request;
        request.set(Poco::Net::HTTPRequest::AUTHORIZATION, authorization);
        const Poco::Net::HTTPBasicCredentials credentials(request);
        // Poco's base64 decoder skips what it cannot read; without both halves it is no login.
        if (credentials.getUsername().empty() || credentials.getPassword().empty()) return std::nullopt;
        return BasicCredentials{credentials.getUsername(), credentials.getPassword()};
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

std::string HttpRequest::cookie(const std::string& name) const {
    Poco::Net::HTTPRequest request;
    request.set("Cookie", header("Cookie"));
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    return cookies.get(name, "");
}

FormFields HttpRequest::form() const {
    FormFields result;
    // The body's first, so a field posted in a form is not overridden by one in the URL.
    if (method == "POST" && media_type_is(content_type, "application", "x-www-form-urlencoded")) add_fields(body, result);
    add_fields(query, result);
    return result;
}

HttpResponse HttpResponse::text(int status, std::string body) {
    return HttpResponse{status, "text/plain; charset=utf-8", std::move(body), {}, false};
}

} // namespace dyndns::http
