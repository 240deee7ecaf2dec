// ldns reads and writes TXT presentation text, so quoting and escapes follow RFC 1035 5.1 exactly.
#include "dns/txt_rdata.h"

#include <algorithm>
#include <stdexcept>

#include "dns/ldns_handles.h"

namespace dyndns::dns {

std::string txt_rdata(const std::string& text) {
    // A character-string is at most 255 bytes (RFC 1035 3.3); ldns refuses a longer one. ldns
    // would read a backslash as the start of an escape, so the text may hold none.
    ldns_rdf* raw = nullptr;
    if (text.find_first_of(std::string("\\\0", 2)) != std::string::npos ||
        ldns_str2rdf_str(&raw, text.c_str()) != LDNS_STATUS_OK || !raw)
        throw std::invalid_argument("TXT text does not fit one character-string");
    RdfPtr rdf(raw);
    CStringPtr presentation(ldns_rdf2str(rdf.get()));
    if (!presentation) throw std::bad_alloc();
    return presentation.get();
}

std::optional<std::string> txt_text(const std::string& rdata) {
    if (rdata.find_first_of("\n\r;()") != std::string::npos) return std::nullopt;
    ldns_rr* parsed = nullptr;
    const std::string line = ". 0 IN TXT " + rdata;
    const ldns_status status = ldns_rr_new_frm_str(&parsed, line.c_str(), 0, nullptr, nullptr);
    RrPtr rr(parsed);
    if (status != LDNS_STATUS_OK || !rr || ldns_rr_get_type(rr.get()) != LDNS_RR_TYPE_TXT) return std::nullopt;
    std::string text;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr.get()); ++i) {
        const ldns_rdf* field = ldns_rr_rdf(rr.get(), i);
        // A character-string on the wire: one length byte, then that many bytes.
        const std::size_t size = ldns_rdf_size(field);
        if (size == 0) continue;
        const auto* data = reinterpret_cast<const char*>(ldns_rdf_data(field));
        text.append(data + 1, std::min<std::size_t>(size - 1, static_cast<unsigned char>(data[0])));
    }
    return text;
}

} // namespace dyndns::dns
