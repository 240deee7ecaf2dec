"""ACME DNS-01 end to end: Debian's pebble (a test CA) and lego get certificates through the gateway's httpreq and acme-dns APIs, against a real named."""
import base64
import hashlib
import json
import os
import shutil
import ssl
import subprocess
import sys
import unittest
import urllib.request
import xmlrpc.client

import requests
import zeep
import zeep.exceptions
from zeep.transports import Transport

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import Stack, free_ports, wait_until_listening  # noqa: E402

APEX_TXT = ['"v=spf1 mx -all"']  # scripts/local-bind's static apex TXT: no test may change it

stack = None
gateway = None
pebble = None
pebble_port = None
pebble_management_port = None


def tool(name):
    """A tool the test cannot do without: missing is a failure, never a skip (scripts/install-deps installs it)."""
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"{name} is not installed (scripts/install-deps installs it)")
    return path


def setUpModule():
    global stack, gateway, pebble, pebble_port, pebble_management_port
    lego, pebble_bin = tool("lego"), tool("pebble")  # noqa: F841 (checked before anything starts)
    stack = Stack()
    # A cleanup, not tearDownModule: it runs even when this set-up fails half way (pebble started, say).
    unittest.addModuleCleanup(stop_everything)
    stack.start()
    gateway = stack.gateway().start()
    stack.add_customer()
    stack.ctl("account", "add", "other", input="other-password\n")
    stack.ctl("domain", "add", "other.test", "--account", "other", "--force")  # not served: only authorization is tested there
    stack.ctl("dyndns", "on", "other.test")

    # pebble serves its ACME directory over TLS with the stack's server certificate (127.0.0.1),
    # so lego trusts one CA for pebble and the gateway; its VA asks the test named for TXT.
    pebble_port, pebble_management_port, http_port, tls_port = free_ports(4)
    config = os.path.join(stack.dir, "pebble.json")
    with open(config, "w") as f:
        json.dump({"pebble": {
            "listenAddress": f"127.0.0.1:{pebble_port}",
            "managementListenAddress": f"127.0.0.1:{pebble_management_port}",
            "certificate": os.path.join(stack.dir, "certs/server.pem"),
            "privateKey": os.path.join(stack.dir, "certs/server.key"),
            "httpPort": http_port, "tlsPort": tls_port,  # HTTP-01 and TLS-ALPN-01: not used
            "ocspResponderURL": "", "externalAccountBindingRequired": False}}, f)
    env = dict(os.environ, PEBBLE_VA_NOSLEEP="1", PEBBLE_WFE_NONCEREJECT="0", PEBBLE_AUTHZREUSE="0")
    log = open(os.path.join(stack.dir, "pebble.log"), "ab")
    pebble = subprocess.Popen([pebble_bin, "-config", config, "-dnsserver", f"127.0.0.1:{stack.dns_port}"],
                              stdout=log, stderr=subprocess.STDOUT, env=env)
    wait_until_listening(pebble_port, pebble, os.path.join(stack.dir, "pebble.log"), name="pebble")


def stop_everything():
    if pebble and pebble.poll() is None:
        pebble.terminate()
        pebble.wait(timeout=20)
    if stack:
        stack.stop()


def ca():
    return os.path.join(stack.dir, "certs/ca.pem")


def digest(seed):
    """A real key-authorization digest (RFC 8555 8.4): unpadded base64url of a SHA-256."""
    return base64.urlsafe_b64encode(hashlib.sha256(seed.encode()).digest()).rstrip(b"=").decode()


def txt(name):
    return stack.dig_short(name, "TXT")


def quoted(*values):
    return sorted(f'"{v}"' for v in values)


def session():
    s = requests.Session()
    s.verify = ca()
    s.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would otherwise replace verify
    return s


def httpreq(action, fqdn, value, user="demo", password="demo-password"):
    with session() as s:
        return s.post(gateway.url(path=f"/acme/{action}"), json={"fqdn": fqdn, "value": value},
                      auth=(user, password), timeout=30)


def acme_dns(user, key, body):
    with session() as s:
        return s.post(gateway.url(path="/acme-dns/update"), json=body,
                      headers={"X-Api-User": user, "X-Api-Key": key}, timeout=30)


def new_token(name):
    return stack.ctl("token", "new", name).stdout.strip().splitlines()[-1]


def lego(work, domain, provider, env):
    """Debian's lego, unmodified, asking pebble for a certificate for `domain`. Its propagation
    check asks the test named (the zone's NS records point nowhere reachable), and only once
    (--dns.disable-cp): pebble checks the record itself."""
    env = dict(os.environ, LEGO_CA_CERTIFICATES=ca(), SSL_CERT_FILE=ca(), **env)
    return subprocess.run(
        [tool("lego"), "--server", f"https://127.0.0.1:{pebble_port}/dir", "--email", "admin@example.test",
         "--accept-tos", "--path", work, "--domains", domain, "--dns", provider,
         "--dns.resolvers", f"127.0.0.1:{stack.dns_port}", "--dns.disable-cp", "run"],
        env=env, capture_output=True, text=True, timeout=180)


def pebble_root(path):
    """pebble's root of this run, from its management interface (it makes a new one at each start)."""
    context = ssl.create_default_context(cafile=ca())
    with urllib.request.urlopen(f"https://127.0.0.1:{pebble_management_port}/roots/0", context=context, timeout=10) as r:
        with open(path, "wb") as f:
            f.write(r.read())


class ApexUntouched(unittest.TestCase):
    def tearDown(self):
        self.assertEqual(txt("example.test"), APEX_TXT)


class LegoObtainsCertificates(ApexUntouched):
    def verify_certificate(self, work, domain):
        cert = os.path.join(work, "certificates", f"{domain}.crt")
        self.assertTrue(os.path.exists(cert), f"lego wrote no certificate at {cert}")
        root = os.path.join(work, "pebble-root.pem")
        pebble_root(root)
        # The .crt holds the leaf then pebble's intermediate: openssl verifies the first.
        check = subprocess.run(["openssl", "verify", "-CAfile", root, "-untrusted", cert, cert],
                               capture_output=True, text=True, timeout=30)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        names = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-ext", "subjectAltName"],
                               capture_output=True, text=True, timeout=30).stdout
        self.assertIn(f"DNS:{domain}", names)

    def test_lego_httpreq_with_account_credentials(self):
        work = os.path.join(stack.dir, "lego-httpreq")
        run = lego(work, "home.example.test", "httpreq", {
            "HTTPREQ_ENDPOINT": gateway.url(path="/acme"),
            "HTTPREQ_USERNAME": "demo", "HTTPREQ_PASSWORD": "demo-password",
            "HTTPREQ_PROPAGATION_TIMEOUT": "60", "HTTPREQ_POLLING_INTERVAL": "1"})
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.verify_certificate(work, "home.example.test")
        # httpreq's cleanup removed the value, and with it the RRset.
        self.assertEqual(txt("_acme-challenge.home.example.test"), [])
        history = stack.ctl("history", "example.test").stdout
        self.assertIn("_acme-challenge.home.example.test", history)

    def test_lego_through_the_acme_dns_api_with_a_per_host_token(self):
        # Debian builds lego 4.9.1 without its acme-dns provider (goacmedns is not packaged, Debian
        # #968964: "unrecognized DNS provider: acme-dns"), and no other acme-dns client is packaged.
        # So lego's exec provider hands the value to a hook that sends exactly what lego's provider
        # sends (goacmedns v0.1.1 UpdateTXTRecord): POST {base}/update, X-Api-User, X-Api-Key,
        # JSON {"SubDomain", "Txt"}. Its storage JSON is below, for when a lego with the provider runs it.
        token = new_token("nas.example.test")
        work = os.path.join(stack.dir, "lego-acme-dns")
        os.makedirs(work, exist_ok=True)
        storage = os.path.join(work, "acme-dns.json")
        # lego 4.9's acme-dns provider reads only username, password and subdomain to update;
        # fulldomain is where the record lives, _acme-challenge.<host> itself, so no CNAME is needed.
        with open(storage, "w") as f:
            json.dump({"nas.example.test": {
                "username": "nas.example.test", "password": token, "subdomain": "nas.example.test",
                "fulldomain": "_acme-challenge.nas.example.test", "server_url": gateway.url(path="/acme-dns")}}, f)
        os.chmod(storage, 0o600)
        hook = os.path.join(work, "acme-dns-hook")
        with open(hook, "w") as f:
            f.write(f"""#!{sys.executable}
import json, ssl, sys, urllib.request
action, fqdn, value = sys.argv[1:4]
if action != "present":
    sys.exit(0)  # acme-dns has no cleanup
account = json.load(open({storage!r}))["nas.example.test"]
request = urllib.request.Request(account["server_url"] + "/update", method="POST",
    data=json.dumps({{"SubDomain": account["subdomain"], "Txt": value}}).encode(),
    headers={{"Content-Type": "application/json", "User-Agent": "goacmedns (linux; amd64)",
             "X-Api-User": account["username"], "X-Api-Key": account["password"]}})
with urllib.request.urlopen(request, context=ssl.create_default_context(cafile={ca()!r}), timeout=30) as r:
    assert json.load(r) == {{"txt": value}}
""")
        os.chmod(hook, 0o700)
        run = lego(work, "nas.example.test", "exec", {
            "EXEC_PATH": hook, "EXEC_PROPAGATION_TIMEOUT": "60", "EXEC_POLLING_INTERVAL": "1"})
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.verify_certificate(work, "nas.example.test")
        # acme-dns has no cleanup: the latest value stays, as with acme-dns itself.
        self.assertEqual(len(txt("_acme-challenge.nas.example.test")), 1)

    def test_debian_lego_lacks_the_acme_dns_provider(self):
        # The reason for the hook above; when this fails, Debian's lego has the provider again:
        # switch the test above to --dns acme-dns with ACME_DNS_API_BASE and ACME_DNS_STORAGE_PATH.
        run = lego(os.path.join(stack.dir, "lego-probe"), "probe.example.test", "acme-dns",
                   {"ACME_DNS_API_BASE": gateway.url(path="/acme-dns"), "ACME_DNS_STORAGE_PATH": "/nonexistent"})
        self.assertIn("unrecognized DNS provider: acme-dns", run.stdout + run.stderr)


class HttpreqRules(ApexUntouched):
    def test_present_then_cleanup_with_ttl_60(self):
        value = digest("present")
        r = httpreq("present", "_acme-challenge.www2.example.test.", value)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["values"], [value])
        self.assertEqual(txt("_acme-challenge.www2.example.test"), quoted(value))
        self.assertEqual(stack.dig_ttl("_acme-challenge.www2.example.test", "TXT"), 60)
        r = httpreq("cleanup", "_acme-challenge.www2.example.test.", value)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(txt("_acme-challenge.www2.example.test"), [])

    def test_a_third_value_drops_the_oldest(self):
        name = "_acme-challenge.three.example.test."
        first, second, third = digest("one"), digest("two"), digest("three")
        for value in (first, second):
            self.assertEqual(httpreq("present", name, value).status_code, 200)
        self.assertEqual(txt(name), quoted(first, second))
        r = httpreq("present", name, third)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["values"], [second, third])
        self.assertEqual(txt(name), quoted(second, third))
        # Clearing one leaves the other; clearing the last deletes the RRset.
        self.assertEqual(httpreq("cleanup", name, second).status_code, 200)
        self.assertEqual(txt(name), quoted(third))
        self.assertEqual(httpreq("cleanup", name, third).status_code, 200)
        self.assertEqual(txt(name), [])

    def test_a_bad_value_is_400_and_nothing_is_written(self):
        serial = stack.serial()
        for bad in ("short", digest("x") + "A", digest("x")[:-1] + "=", "a" * 42 + "+", "", 'x" "y'):
            r = httpreq("present", "_acme-challenge.bad.example.test.", bad)
            self.assertEqual(r.status_code, 400, (bad, r.text))
        self.assertEqual(txt("_acme-challenge.bad.example.test"), [])
        self.assertEqual(stack.serial(), serial)

    def test_credentials_and_names(self):
        value = digest("creds")
        self.assertEqual(httpreq("present", "_acme-challenge.x.example.test.", value, password="wrong").status_code, 401)
        with session() as s:
            no_auth = s.post(gateway.url(path="/acme/present"), json={"fqdn": "x", "value": value}, timeout=30)
        self.assertEqual(no_auth.status_code, 401)
        # Another customer's domain: 404, as an unknown one.
        self.assertEqual(httpreq("present", "_acme-challenge.other.test.", value).status_code, 404)
        self.assertEqual(httpreq("present", "_acme-challenge.nowhere.test.", value).status_code, 404)
        self.assertEqual(txt("_acme-challenge.other.test"), [])
        stack.ctl("domain", "add", "off.test", "--account", "demo", "--force")  # dyndns off
        self.assertEqual(httpreq("present", "_acme-challenge.off.test.", value).status_code, 403)

    def test_a_token_cannot_set_another_hosts_challenge(self):
        token = new_token("a.example.test")
        value = digest("token")
        r = httpreq("present", "_acme-challenge.b.example.test.", value, user="a.example.test", password=token)
        self.assertEqual(r.status_code, 404, r.text)
        r = acme_dns("a.example.test", token, {"subdomain": "b.example.test", "txt": value})
        self.assertEqual((r.status_code, r.json()), (401, {"error": "forbidden"}))
        self.assertEqual(txt("_acme-challenge.b.example.test"), [])
        # Its own name works, through either API.
        r = httpreq("present", "_acme-challenge.a.example.test.", value, user="a.example.test", password=token)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(txt("_acme-challenge.a.example.test"), quoted(value))
        self.assertEqual(httpreq("cleanup", "_acme-challenge.a.example.test.", value, user="a.example.test",
                                 password=token).status_code, 200)


class AcmeDnsRules(ApexUntouched):
    def test_update_answers_as_acme_dns(self):
        token = new_token("cam.example.test")
        first, second, third = digest("cam1"), digest("cam2"), digest("cam3")
        r = acme_dns("cam.example.test", token, {"subdomain": "cam.example.test", "txt": first})
        self.assertEqual((r.status_code, r.json()), (200, {"txt": first}))
        # lego sends SubDomain and Txt: keys are read in any case.
        r = acme_dns("cam.example.test", token, {"SubDomain": "cam.example.test", "Txt": second})
        self.assertEqual((r.status_code, r.json()), (200, {"txt": second}))
        self.assertEqual(txt("_acme-challenge.cam.example.test"), quoted(first, second))
        r = acme_dns("cam.example.test", token, {"subdomain": "cam.example.test", "txt": third})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(txt("_acme-challenge.cam.example.test"), quoted(second, third))

    def test_errors_in_acme_dns_words(self):
        token = new_token("cam2.example.test")
        r = acme_dns("cam2.example.test", "wrong-key", {"subdomain": "cam2.example.test", "txt": digest("e")})
        self.assertEqual((r.status_code, r.json()), (401, {"error": "forbidden"}))
        r = acme_dns("cam2.example.test", token, {"subdomain": "cam2.example.test", "txt": "not-a-digest"})
        self.assertEqual((r.status_code, r.json()), (400, {"error": "bad_txt"}))
        r = acme_dns("cam2.example.test", token, {"subdomain": "no spaces!", "txt": digest("e")})
        self.assertEqual((r.status_code, r.json()), (400, {"error": "bad_subdomain"}))
        self.assertEqual(txt("_acme-challenge.cam2.example.test"), [])


class XmlRpcAndSoap(ApexUntouched):
    def test_xmlrpc_client_sets_and_clears(self):
        proxy = xmlrpc.client.ServerProxy(gateway.url(), context=stack.tls_context())
        value = digest("xmlrpc")
        result = proxy.SetAcmeChallenge("demo", "demo-password", "*.wild.example.test", value)
        self.assertEqual(result, {"name": "_acme-challenge.wild.example.test", "values": [value], "ttl": 60,
                                  "changed": True})
        self.assertEqual(txt("_acme-challenge.wild.example.test"), quoted(value))
        result = proxy.ClearAcmeChallenge("demo", "demo-password", "wild.example.test", value)
        self.assertEqual((result["values"], result["changed"]), ([], True))
        self.assertEqual(txt("_acme-challenge.wild.example.test"), [])
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            proxy.SetAcmeChallenge("demo", "demo-password", "wild.example.test", "nope")
        self.assertEqual(raised.exception.faultCode, 4)
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            proxy.SetAcmeChallenge("demo", "wrong", "wild.example.test", value)
        self.assertEqual(raised.exception.faultCode, 1)

    def test_zeep_sets_and_clears(self):
        s = session()
        service = zeep.Client(gateway.url() + "?wsdl", transport=Transport(session=s)).service
        value = digest("zeep")
        result = service.SetAcmeChallenge(account="demo", password="demo-password", name="soap.example.test", value=value)
        self.assertEqual((result["name"], list(result["values"]), result["ttl"], result["changed"]),
                         ("_acme-challenge.soap.example.test", [value], 60, True))
        self.assertEqual(txt("_acme-challenge.soap.example.test"), quoted(value))
        result = service.ClearAcmeChallenge(account="demo", password="demo-password", name="soap.example.test", value=value)
        self.assertEqual((list(result["values"] or []), result["changed"]), ([], True))
        self.assertEqual(txt("_acme-challenge.soap.example.test"), [])
        try:
            service.SetAcmeChallenge(account="demo", password="demo-password", name="soap.example.test", value="bad")
            self.fail("no fault")
        except zeep.exceptions.Fault as fault:
            code = fault.detail.find("{urn:dyndns-gateway}DyndnsFault/{urn:dyndns-gateway}code").text
            self.assertEqual(int(code), 4)


if __name__ == "__main__":
    unittest.main(verbosity=2)
