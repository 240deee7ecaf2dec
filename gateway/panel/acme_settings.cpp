// Every client here speaks one of the gateway's two ACME APIs unmodified: httpreq (account and password) or acme-dns (a per-host token).
#include "panel/acme_settings.h"

#include <sstream>

#include "panel/html_text.h"

namespace dyndns::panel {

std::string acme_settings(const std::string& domain, const ClientEndpoints& e, const std::string& account) {
    const std::string base = "https://" + e.host + ":" + std::to_string(e.port);
    const std::string d = html(domain);
    const std::string httpreq = html(base + "/acme");
    const std::string acme_dns = html(base + "/acme-dns");
    // acme-dns clients keep one "registration" per domain; here it is the host's name and token,
    // and the record lives at _acme-challenge.<host> itself, so no CNAME is needed.
    const std::string registration = "{\n  \"" + d + "\": {\n    \"username\": \"" + d +
                                     "\",\n    \"password\": \"TOKEN\",\n    \"subdomain\": \"" + d +
                                     "\",\n    \"fulldomain\": \"_acme-challenge." + d + "\",\n    \"server_url\": \"" +
                                     acme_dns + "\",\n    \"allowfrom\": []\n  }\n}";
    std::ostringstream out;
    out << "<section aria-labelledby=\"acme\"><h2 id=\"acme\">Certificates (ACME DNS-01)</h2>"
        << "<p>A certificate for <code>" << d << "</code> (or <code>*." << d
        << "</code>, or a name under it): the client puts its challenge in a TXT record at <code>_acme-challenge." << d
        << "</code> through the gateway. Nothing else in the zone is touched.</p>"
        << "<h3>lego, httpreq (account and password)</h3><pre><code>HTTPREQ_ENDPOINT=" << httpreq
        << " \\\nHTTPREQ_USERNAME=" << html(account) << " HTTPREQ_PASSWORD=PASSWORD \\\nlego --email you@" << d << " --domains "
        << d << " --dns httpreq run</code></pre>"
        << "<h3>lego, acme-dns (a per-host token)</h3><p>Create a token for <code>" << d
        << "</code> above, put it in <code>acme-dns.json</code>:</p><pre><code>" << registration << "</code></pre>"
        << "<pre><code>ACME_DNS_API_BASE=" << acme_dns << " ACME_DNS_STORAGE_PATH=acme-dns.json \\\nlego --email you@" << d
        << " --domains " << d << " --dns acme-dns run</code></pre>"
        << "<h3>certbot with the acme-dns plugin (certbot-dns-acmedns)</h3><pre><code># /etc/letsencrypt/acmedns.ini\n"
        << "dns_acmedns_api_url = " << acme_dns << "\ndns_acmedns_registration_file = /etc/letsencrypt/acmedns.json"
        << "</code></pre><pre><code>certbot certonly -a dns-acmedns --dns-acmedns-credentials /etc/letsencrypt/acmedns.ini -d "
        << d << "</code></pre><p><code>/etc/letsencrypt/acmedns.json</code> is the <code>acme-dns.json</code> above.</p>"
        << "<h3>Traefik (lego inside)</h3><pre><code># traefik.yml\ncertificatesResolvers:\n  dyndns:\n    acme:\n"
        << "      email: you@" << d << "\n      storage: /letsencrypt/acme.json\n      dnsChallenge:\n        provider: httpreq\n"
        << "# environment\nHTTPREQ_ENDPOINT=" << httpreq << "\nHTTPREQ_USERNAME=" << html(account)
        << "\nHTTPREQ_PASSWORD=PASSWORD</code></pre>"
        << "<h3>Caddy (the caddy-dns/acmedns module)</h3><pre><code>" << d << " {\n    tls {\n        dns acmedns {\n"
        << "            username " << d << "\n            password TOKEN\n            subdomain " << d
        << "\n            server_url " << acme_dns << "\n        }\n    }\n}</code></pre>"
        << "<p>PASSWORD is the account's password; TOKEN a per-host token for the name, which can set its "
           "challenge and address and nothing else.</p></section>";
    return out.str();
}

} // namespace dyndns::panel
