// The provider's endpoints: accounts, domains and the dyndns switch, each a call of the provisioning service.
#include <Poco/JSON/Array.h>

#include "api/api_calls.h"
#include "api/json_input.h"
#include "api/problem.h"

namespace dyndns::api {
namespace {

http::HttpResponse refused(const core::Refusal& refusal) { return problem(refusal.error, refusal.exists ? 409 : 0); }

Poco::JSON::Object domain_object(const core::Domain& domain) {
    Poco::JSON::Object object;
    object.set("domain", domain.name);
    object.set("account", domain.account);
    object.set("dyndns", domain.dyndns);
    object.set("prefix_length", domain.prefix_length);
    return object;
}

template <class T, class Answer>
http::HttpResponse answered(const core::Provisioned<T>& outcome, Answer answer) {
    if (const auto* refusal = std::get_if<core::Refusal>(&outcome)) return refused(*refusal);
    return answer(std::get<T>(outcome));
}

// The body's object with exactly these members, or the problem with it.
std::variant<Poco::JSON::Object::Ptr, http::HttpResponse> body_with(const std::string& body,
                                                                    std::initializer_list<Member> members) {
    auto parsed = parse_body(body, members);
    if (const auto* why = std::get_if<std::string>(&parsed)) return bad_request(*why);
    return std::get<Poco::JSON::Object::Ptr>(parsed);
}

http::HttpResponse not_here() { return http_problem(404, "no such path in the JSON API"); }

} // namespace

http::HttpResponse provision(core::ProvisioningService& provisioning, const std::string& method,
                             const std::vector<std::string>& path, const std::string& body) {
    const std::string& collection = path.front();
    if (collection == "accounts" && path.size() == 1) {
        if (method == "GET")
            return answered(provisioning.accounts(), [](const std::vector<std::string>& accounts) {
                Poco::JSON::Array names;
                for (const auto& account : accounts) names.add(account);
                Poco::JSON::Object answer;
                answer.set("accounts", names);
                return json(200, answer);
            });
        auto object = body_with(body, {{"account", JsonType::String, true}, {"password", JsonType::String, true}});
        if (auto* problem_answer = std::get_if<http::HttpResponse>(&object)) return *problem_answer;
        const auto& fields = *std::get<Poco::JSON::Object::Ptr>(object);
        return answered(provisioning.add_account(*string_member(fields, "account"), *string_member(fields, "password")),
                        [](const std::string& account) {
                            Poco::JSON::Object answer;
                            answer.set("account", account);
                            return json(201, answer);
                        });
    }
    if (collection == "accounts" && path.size() == 2)
        return answered(provisioning.delete_account(path[1]), [](bool) { return no_content(); });
    if (collection == "accounts" && path.size() == 3 && path[2] == "password") {
        auto object = body_with(body, {{"password", JsonType::String, true}});
        if (auto* problem_answer = std::get_if<http::HttpResponse>(&object)) return *problem_answer;
        return answered(
            provisioning.set_password(path[1], *string_member(*std::get<Poco::JSON::Object::Ptr>(object), "password")),
            [](bool) { return no_content(); });
    }
    if (collection == "accounts" && path.size() == 3 && path[2] == "domains") {
        if (method == "GET")
            return answered(provisioning.domains(path[1]), [](const std::vector<core::Domain>& domains) {
                Poco::JSON::Array list;
                for (const auto& domain : domains) list.add(domain_object(domain));
                Poco::JSON::Object answer;
                answer.set("domains", list);
                return json(200, answer);
            });
        auto object = body_with(body, {{"domain", JsonType::String, true}, {"dyndns", JsonType::Boolean}});
        if (auto* problem_answer = std::get_if<http::HttpResponse>(&object)) return *problem_answer;
        const auto& fields = *std::get<Poco::JSON::Object::Ptr>(object);
        return answered(
            provisioning.add_domain(path[1], *string_member(fields, "domain"), boolean_member(fields, "dyndns").value_or(false)),
            [](const core::Domain& domain) { return json(201, domain_object(domain)); });
    }
    if (collection == "domains" && path.size() == 2)
        return answered(provisioning.delete_domain(path[1]), [](bool) { return no_content(); });
    if (collection == "domains" && path.size() == 3 && path[2] == "dyndns") {
        auto object = body_with(body, {{"enabled", JsonType::Boolean, true}});
        if (auto* problem_answer = std::get_if<http::HttpResponse>(&object)) return *problem_answer;
        return answered(provisioning.set_dyndns(path[1], *boolean_member(*std::get<Poco::JSON::Object::Ptr>(object), "enabled")),
                        [](const core::Domain& domain) { return json(200, domain_object(domain)); });
    }
    return not_here();
}

} // namespace dyndns::api
