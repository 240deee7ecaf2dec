// gSOAP behind Poco: the body in through an istream, the envelope out through an ostream, SOAP_ENC_PLAIN so no HTTP.
#include "soap/soap_endpoint.h"

#include <memory>
#include <optional>
#include <sstream>

#include "soap/soap_detect.h"
#include "soapDyndnsSoap11BindingService.h"
// The namespace table gSOAP's runtime links against: included in exactly this one file.
#include "DyndnsSoap11Binding.nsmap"

namespace dyndns::soap {
namespace {

// The generated service with our operations. Everything it knows of the request comes
// from gSOAP's deserialised structs; everything it decides comes from the core.
class DyndnsService final : public DyndnsSoap11BindingService {
public:
    // `refused`: why the body must not reach the core though gSOAP may read it (envelope_problem).
    DyndnsService(struct soap* context, core::UpdateService& core, core::ClientInfo client, std::optional<std::string> refused)
        : DyndnsSoap11BindingService(context), core_(core), client_(std::move(client)), refused_(std::move(refused)) {}

    // The generated dispatch() calls this before each operation; the base version resets the
    // namespace table, which switches the context to SOAP 1.2 and gives a SOAP 1.1 caller a
    // 1.2-shaped answer in the 1.1 namespace. Keep what the request negotiated.
    void DyndnsSoap11BindingService_init(soap_mode imode, soap_mode omode) override {
        soap_imode(soap, imode);
        soap_omode(soap, omode);
    }

    int SetDyndnsIp(_ns1__SetDyndnsIp* request, _ns1__SetDyndnsIpResponse& response) override {
        if (!request) return fault(core::UpdateError{core::Fault::BadRequest, "SetDyndnsIp element missing", 0});
        if (refused_) return fault(core::UpdateError{core::Fault::BadRequest, *refused_, 0});
        const auto outcome = core_.set_address({request->account, request->password, request->domain, request->ip, client_});
        if (const auto* error = std::get_if<core::UpdateError>(&outcome)) return fault(*error);
        const auto& result = std::get<core::SetAddressResult>(outcome);
        response.domain = result.name;
        response.ip = result.address;
        response.type = result.type;
        response.ttl = static_cast<int>(result.ttl);
        response.changed = result.changed;
        return SOAP_OK;
    }

    int GetDyndnsIp(_ns1__GetDyndnsIp* request, _ns1__GetDyndnsIpResponse& response) override {
        if (!request) return fault(core::UpdateError{core::Fault::BadRequest, "GetDyndnsIp element missing", 0});
        if (refused_) return fault(core::UpdateError{core::Fault::BadRequest, *refused_, 0});
        const auto outcome = core_.get_addresses({request->account, request->password, request->domain, client_});
        if (const auto* error = std::get_if<core::UpdateError>(&outcome)) return fault(*error);
        const auto& result = std::get<core::GetAddressesResult>(outcome);
        response.domain = result.name;
        response.a = result.a;
        response.aaaa = result.aaaa;
        response.ttl = static_cast<int>(result.ttl);
        for (const auto& rule : result.hosts) {
            auto* host = soap_new_ns1__HostRule(soap); // owned by the context, freed with it
            host->name = rule.name;
            host->rule = rule.ipv6;
            response.hosts.push_back(host);
        }
        return SOAP_OK;
    }

    int SetDyndnsPrefix(_ns1__SetDyndnsPrefix* request, _ns1__SetDyndnsPrefixResponse& response) override {
        if (!request) return fault(core::UpdateError{core::Fault::BadRequest, "SetDyndnsPrefix element missing", 0});
        if (refused_) return fault(core::UpdateError{core::Fault::BadRequest, *refused_, 0});
        const auto outcome = core_.set_prefix({request->account, request->password, request->domain, request->prefix, client_});
        if (const auto* error = std::get_if<core::UpdateError>(&outcome)) return fault(*error);
        const auto& result = std::get<core::SetPrefixResult>(outcome);
        response.domain = result.domain;
        response.prefix = result.prefix;
        response.changed = result.changed;
        response.ttl = static_cast<int>(result.ttl);
        for (const auto& derived : result.hosts) {
            auto* host = soap_new_ns1__DerivedHost(soap);
            host->name = derived.name;
            host->rule = derived.rule;
            host->ip = derived.address;
            host->changed = derived.changed;
            response.hosts.push_back(host);
        }
        return SOAP_OK;
    }

    int SetDyndnsHost(_ns1__SetDyndnsHost* request, _ns1__SetDyndnsHostResponse& response) override {
        if (!request) return fault(core::UpdateError{core::Fault::BadRequest, "SetDyndnsHost element missing", 0});
        if (refused_) return fault(core::UpdateError{core::Fault::BadRequest, *refused_, 0});
        const auto outcome = core_.set_host_rule({request->account, request->password, request->name, request->rule, client_});
        if (const auto* error = std::get_if<core::UpdateError>(&outcome)) return fault(*error);
        const auto& result = std::get<core::HostRuleResult>(outcome);
        response.name = result.name;
        response.rule = result.rule;
        return SOAP_OK;
    }

    int SetAcmeChallenge(_ns1__SetAcmeChallenge* request, _ns1__SetAcmeChallengeResponse& response) override {
        if (!request) return fault(core::UpdateError{core::Fault::BadRequest, "SetAcmeChallenge element missing", 0});
        return acme(true, {request->account, request->password, request->name, request->value, client_}, response);
    }

    int ClearAcmeChallenge(_ns1__ClearAcmeChallenge* request, _ns1__ClearAcmeChallengeResponse& response) override {
        if (!request) return fault(core::UpdateError{core::Fault::BadRequest, "ClearAcmeChallenge element missing", 0});
        return acme(false, {request->account, request->password, request->name, request->value, client_}, response);
    }

    bool answered_with_fault() const { return answered_with_fault_; }

    // Client faults for what the caller can fix, Server faults for the DNS side (docs/contract.md "Faults"),
    // with the fault's number and name in a typed DyndnsFault detail.
    int fault(const core::UpdateError& error) {
        answered_with_fault_ = true;
        if (core::is_client_fault(error.fault))
            soap_sender_fault(soap, error.message.c_str(), nullptr);
        else
            soap_receiver_fault(soap, error.message.c_str(), nullptr);
        auto* detail_fault = soap_new__ns1__DyndnsFault(soap);
        detail_fault->code = static_cast<int>(error.fault);
        detail_fault->name = core::fault_name(error.fault);
        auto* detail = soap_new_SOAP_ENV__Detail(soap);
        detail->ns1__DyndnsFault = detail_fault;
        if (soap->version == 2)
            soap->fault->SOAP_ENV__Detail = detail;
        else
            soap->fault->detail = detail;
        return SOAP_FAULT;
    }

private:
    // The two ACME responses are distinct generated types of the same shape.
    template <class Response>
    int acme(bool set, const core::AcmeChallengeRequest& request, Response& response) {
        if (refused_) return fault(core::UpdateError{core::Fault::BadRequest, *refused_, 0});
        const auto outcome = set ? core_.set_acme_challenge(request) : core_.clear_acme_challenge(request);
        if (const auto* error = std::get_if<core::UpdateError>(&outcome)) return fault(*error);
        const auto& result = std::get<core::AcmeChallengeResult>(outcome);
        response.name = result.name;
        response.values = result.values;
        response.ttl = static_cast<int>(result.ttl);
        response.changed = result.changed;
        return SOAP_OK;
    }

    core::UpdateService& core_;
    core::ClientInfo client_;
    std::optional<std::string> refused_;
    bool answered_with_fault_ = false;
};

struct ContextDeleter {
    void operator()(struct soap* context) const noexcept {
        soap_destroy(context);
        soap_end(context);
        soap_free(context);
    }
};

bool is_sender_fault(struct soap* context) {
    const char** code = soap_faultcode(context);
    if (!code || !*code) return false;
    const std::string text = *code;
    return text.ends_with(":Sender") || text.ends_with(":Client");
}

} // namespace

http::HttpResponse SoapEndpoint::handle(const std::string& body, core::ClientInfo client) const {
    client.protocol = "soap";
    // SOAP_ENC_PLAIN: the body alone, no HTTP framing (Poco owns HTTP). SOAP_XML_STRICT: a
    // missing required element is a fault, not an empty string. SOAP_C_UTFSTRING: strings stay UTF-8.
    std::unique_ptr<struct soap, ContextDeleter> context(soap_new1(SOAP_ENC_PLAIN | SOAP_XML_STRICT | SOAP_C_UTFSTRING));
    if (!context) throw std::bad_alloc();
    context->recv_maxlength = static_cast<ULONG64>(limits_.max_body_bytes);
    context->maxlength = limits_.max_string_bytes;
    context->maxlevel = limits_.max_depth;
    context->maxoccurs = limits_.max_occurs;
    std::istringstream in(body);
    std::ostringstream out;
    context->is = &in;
    context->os = &out;

    // Oversized bodies are left to gSOAP's recv_maxlength, which refuses them without reading on.
    std::optional<std::string> refused;
    if (body.size() <= limits_.max_body_bytes) refused = envelope_problem(body);

    int status = SOAP_OK;
    {
        DyndnsService service(context.get(), core_, std::move(client), refused);
        status = service.serve(); // parses, dispatches, and on any error writes the fault envelope
        if (status != SOAP_OK && !service.answered_with_fault()) {
            // gSOAP refused the request itself (not XML, unknown operation, missing element, a
            // limit): the same fault, written again with the BAD_REQUEST detail every fault carries.
            const char** said = soap_faultstring(context.get());
            const std::string message = refused ? *refused : said && *said ? *said : "malformed SOAP request";
            out.str("");
            out.clear();
            service.fault(core::UpdateError{core::Fault::BadRequest, message, 0});
            soap_send_fault(context.get());
            status = SOAP_FAULT;
        }
    }
    const bool soap12 = context->version == 2;
    http::HttpResponse reply;
    reply.content_type = soap12 ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8";
    reply.body = out.str();
    // SOAP 1.1: every fault is a 500. SOAP 1.2 HTTP binding: Sender faults are 400, the rest 500.
    if (status != SOAP_OK) reply.status = soap12 && is_sender_fault(context.get()) ? 400 : 500;
    return reply;
}

} // namespace dyndns::soap
