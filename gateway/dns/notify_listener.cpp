// One thread on a UDP socket: parse with ldns, check it is a signed NOTIFY for a SOA, answer it signed, hand the zone on.
#include "dns/notify_listener.h"

#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "dns/ldns_handles.h"
#include "dns/tsig.h"
#include "dns/zone_packets.h"
#include "log/listen_error.h"
#include "log/log.h"
#include "metrics/gateway_metrics.h"

namespace dyndns::dns {
namespace {

// A NOTIFY is a few hundred bytes; anything longer is not one.
constexpr std::size_t kMaxNotifyBytes = 4096;
const Poco::Timespan kPollInterval(0, 200'000); // how soon stop() is noticed

struct Notify {
    std::string zone;
    std::optional<std::uint32_t> serial;
};

// The zone a well-formed NOTIFY request names (opcode NOTIFY, QR clear, one SOA question).
std::optional<Notify> notify_of(const ldns_pkt* pkt) {
    if (ldns_pkt_get_opcode(pkt) != LDNS_PACKET_NOTIFY || ldns_pkt_qr(pkt)) return std::nullopt;
    const ldns_rr_list* question = ldns_pkt_question(pkt);
    if (ldns_rr_list_rr_count(question) != 1) return std::nullopt;
    const ldns_rr* q = ldns_rr_list_rr(question, 0);
    if (ldns_rr_get_type(q) != LDNS_RR_TYPE_SOA || ldns_rr_get_class(q) != LDNS_RR_CLASS_IN) return std::nullopt;
    Notify notify{name_text(ldns_rr_owner(q)), std::nullopt};
    // RFC 1996 3.7: the answer section may carry the new SOA; its serial spares a transfer
    // when the gateway already has it.
    const ldns_rr_list* answer = ldns_pkt_answer(pkt);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) >= 3 && name_text(ldns_rr_owner(rr)) == notify.zone)
            notify.serial = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
    }
    return notify;
}

// RFC 1996 4.7: the answer echoes the id, the opcode and the question, with QR and AA set.
std::vector<std::uint8_t> acknowledgement(const ldns_pkt* request, const TsigKey& key) {
    PktPtr reply(ldns_pkt_new());
    if (!reply) throw std::bad_alloc();
    ldns_pkt_set_id(reply.get(), ldns_pkt_id(request));
    ldns_pkt_set_qr(reply.get(), true);
    ldns_pkt_set_aa(reply.get(), true);
    ldns_pkt_set_opcode(reply.get(), LDNS_PACKET_NOTIFY);
    ldns_pkt_set_rcode(reply.get(), LDNS_RCODE_NOERROR);
    RrPtr question(ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(request), 0)));
    if (!question || !ldns_pkt_push_rr(reply.get(), LDNS_SECTION_QUESTION, question.get())) throw std::bad_alloc();
    question.release();
    tsig_sign(reply.get(), key, tsig_mac(request));
    return packet_wire(reply.get());
}

} // namespace

struct NotifyListener::Socket {
    Poco::Net::DatagramSocket socket;
};

NotifyListener::NotifyListener(const std::string& listen, Primaries primaries, Notified notified)
    : socket_(std::make_unique<Socket>()), primaries_(std::move(primaries)), notified_(std::move(notified)) {
    // No address reuse: a second gateway configured with the same address must fail at start,
    // not silently share (and miss) the NOTIFYs.
    const Poco::Net::SocketAddress address(listen);
    try {
        socket_->socket.bind(address, false);
    } catch (const Poco::Exception& e) {
        throw log::listen_error(address.host().toString(), address.port(), "NOTIFY, UDP", e);
    }
    socket_->socket.setReceiveTimeout(kPollInterval);
}

NotifyListener::~NotifyListener() { stop(); }

std::uint16_t NotifyListener::port() const { return socket_->socket.address().port(); }

void NotifyListener::start() {
    thread_ = std::thread([this] { run(); });
}

void NotifyListener::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
}

void NotifyListener::run() {
    auto& metrics = metrics::gateway_metrics();
    std::vector<std::uint8_t> buffer(kMaxNotifyBytes);
    while (!stopping_) {
        Poco::Net::SocketAddress sender;
        int size = 0;
        try {
            size = socket_->socket.receiveFrom(buffer.data(), static_cast<int>(buffer.size()), sender);
        } catch (const Poco::TimeoutException&) {
            continue;
        } catch (const Poco::Exception& e) {
            log::warning("NOTIFY listener: " + e.displayText());
            continue;
        }
        if (size <= 0) continue;
        const std::span<const std::uint8_t> wire(buffer.data(), static_cast<std::size_t>(size));
        ldns_pkt* raw = nullptr;
        if (ldns_wire2pkt(&raw, wire.data(), wire.size()) != LDNS_STATUS_OK || !raw) {
            metrics.notifies.with({"malformed"}).add();
            continue;
        }
        PktPtr pkt(raw);
        const auto notify = notify_of(pkt.get());
        if (!notify) {
            metrics.notifies.with({"malformed"}).add();
            continue;
        }
        const Rfc2136Client& primary = primaries_.for_name(notify->zone);
        const TsigVerification tsig = tsig_verify_reply(pkt.get(), wire, primary.key(), nullptr); // a request: no prior MAC
        if (!tsig.ok()) {
            // Not answered: the sender is not our primary, or its key is not ours. Debug only, so
            // a flood from elsewhere cannot fill the log.
            metrics.notifies.with({"unverified"}).add();
            log::debug("NOTIFY for " + notify->zone + " from " + sender.toString() + " ignored: " + tsig.detail);
            continue;
        }
        metrics.notifies.with({"accepted"}).add();
        try {
            const auto answer = acknowledgement(pkt.get(), primary.key());
            socket_->socket.sendTo(answer.data(), static_cast<int>(answer.size()), sender);
        } catch (const std::exception& e) {
            log::warning("NOTIFY for " + notify->zone + ": cannot answer " + sender.toString() + ": " + e.what());
        }
        notified_(notify->zone, notify->serial);
    }
}

} // namespace dyndns::dns
