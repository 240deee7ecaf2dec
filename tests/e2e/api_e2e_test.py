"""The JSON API end to end against a real named: the OpenAPI document validated and driven by tools nobody here wrote (npm), provisioning with curl then xmlrpc.client, token scopes, hostile JSON."""
import base64
import http.client
import json
import os
import sqlite3
import subprocess
import sys
import unittest
import xmlrpc.client

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import SOURCE_DIR, Stack  # noqa: E402

API_TOOLS = os.path.join(SOURCE_DIR, "tests/api")

stack = None
gateway = None
provisioning_token = None


def setUpModule():
    global stack, gateway, provisioning_token
    stack = Stack().start("--zone", "example.test", "--zone", "other.test", "--zone", "alice.test")
    gateway = stack.gateway(limits={"calls_per_minute": 0}).start()
    stack.add_customer()
    stack.ctl("account", "add", "bob", input="bob-password\n")
    stack.ctl("domain", "add", "other.test", "--account", "bob")
    stack.ctl("dyndns", "on", "other.test")
    provisioning_token = new_token("--provisioning", "--label", "the provider's panel")


def tearDownModule():
    if stack:
        stack.stop()


def new_token(*options):
    """dyndnsctl api-token new OPTIONS: the secret, printed alone on the last line."""
    out = stack.ctl("api-token", "new", *options).stdout.strip().splitlines()
    assert out[-1].startswith("dyndns_"), out
    return out[-1]


def call(method, path, body=None, token=None, basic=None, raw=None, content_type="application/json", headers=None):
    """(status, headers, parsed JSON or text) of one request on a new connection."""
    connection = http.client.HTTPSConnection("127.0.0.1", gateway.port, context=stack.tls_context(), timeout=20)
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if basic:
        sent["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        sent["Content-Type"] = content_type
    connection.request(method, path, body=data, headers=sent)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    kind = response.getheader("Content-Type", "")
    parsed = json.loads(text) if "json" in kind and text else text
    return response.status, response, parsed


def curl(method, path, token, body=None):
    """curl, as a provider's script would call: (HTTP status, parsed body or None)."""
    command = ["curl", "-sS", "--cacert", os.path.join(stack.dir, "certs/ca.pem"), "-X", method,
               "-H", f"Authorization: Bearer {token}", "-w", "\n%{http_code}",
               f"https://127.0.0.1:{gateway.port}{path}"]
    if body is not None:
        command[4:4] = ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout
    text, _, status = out.rpartition("\n")
    return int(status), (json.loads(text) if text.strip() else None)


def store_file():
    """The gateway's SQLite store (scripts/lib/gateway-yaml: gateway.sqlite beside the config)."""
    path = os.path.join(stack.dir, "gateway.sqlite")
    assert os.path.exists(path), path
    return path


def served(name, rtype="A"):
    return stack.dig_short(name, rtype)


class OpenApi(unittest.TestCase):
    def spec_file(self):
        status, response, document = call("GET", "/api/v1/openapi.json")
        self.assertEqual(status, 200)
        path = os.path.join(stack.dir, "openapi.json")
        with open(path, "w") as f:
            json.dump(document, f)
        return path

    def test_the_served_document_validates_and_a_broken_copy_does_not(self):
        spec = self.spec_file()
        valid = subprocess.run(["node", "validate-openapi.mjs", spec], cwd=API_TOOLS, capture_output=True, text=True, timeout=120)
        print(valid.stdout.strip(), valid.stderr.strip())
        self.assertEqual(valid.returncode, 0)
        self.assertIn("valid OpenAPI 3.1.0", valid.stdout)
        negative = subprocess.run(["node", "validate-openapi.mjs", "--negative", spec], cwd=API_TOOLS, capture_output=True,
                                  text=True, timeout=120)
        print(negative.stdout.strip().splitlines()[-1])
        self.assertEqual(negative.returncode, 0, negative.stdout + negative.stderr)

    def test_a_generic_openapi_client_drives_a_customer_flow(self):
        spec = self.spec_file()
        token = new_token("--account", "demo", "--name", "home.example.test", "--label", "home router")
        flow = subprocess.run(["node", "customer-flow.mjs", "--base", f"https://127.0.0.1:{gateway.port}",
                               "--ca", os.path.join(stack.dir, "certs/ca.pem"), "--token", token,
                               "--name", "home.example.test", "--spec", spec],
                              cwd=API_TOOLS, capture_output=True, text=True, timeout=120)
        print(flow.stdout.strip(), flow.stderr.strip())
        self.assertEqual(flow.returncode, 0)
        self.assertIn("checked 9 steps", flow.stdout)
        # The flow ends with DELETE: named holds no address for the name any more.
        self.assertEqual(served("home.example.test"), [])
        self.assertEqual(served("home.example.test", "AAAA"), [])


class Provisioning(unittest.TestCase):
    def test_an_account_made_with_curl_can_call_xmlrpc_until_dyndns_is_switched_off(self):
        status, body = curl("POST", "/api/v1/accounts", provisioning_token, {"account": "alice", "password": "alice-password-1"})
        self.assertEqual((status, body), (201, {"account": "alice"}))
        status, body = curl("POST", "/api/v1/accounts", provisioning_token, {"account": "alice", "password": "another-one"})
        self.assertEqual((status, body["fault"]), (409, 9))
        status, body = curl("POST", "/api/v1/accounts/alice/domains", provisioning_token, {"domain": "alice.test"})
        self.assertEqual(status, 201)
        self.assertEqual(body, {"domain": "alice.test", "account": "alice", "dyndns": False, "prefix_length": 0})
        status, body = curl("PUT", "/api/v1/domains/alice.test/dyndns", provisioning_token, {"enabled": True})
        self.assertEqual((status, body["dyndns"]), (200, True))
        status, body = curl("GET", "/api/v1/accounts/alice/domains", provisioning_token)
        self.assertEqual([d["domain"] for d in body["domains"]], ["alice.test"])

        # The seed's client, as the customer runs it.
        proxy = xmlrpc.client.ServerProxy(gateway.url(), context=stack.tls_context())
        self.assertEqual(proxy.SetDyndnsIp("alice", "alice-password-1", "alice.test", "192.0.2.77")["ip"], "192.0.2.77")
        self.assertEqual(served("alice.test"), ["192.0.2.77"])

        status, _ = curl("PUT", "/api/v1/domains/alice.test/dyndns", provisioning_token, {"enabled": False})
        self.assertEqual(status, 200)
        with self.assertRaises(xmlrpc.client.Fault) as refused:
            proxy.SetDyndnsIp("alice", "alice-password-1", "alice.test", "192.0.2.78")
        self.assertEqual(refused.exception.faultCode, 3)
        self.assertEqual(served("alice.test"), ["192.0.2.77"])

        status, _ = curl("PUT", "/api/v1/accounts/alice/password", provisioning_token, {"password": "alice-password-2"})
        self.assertEqual(status, 204)
        with self.assertRaises(xmlrpc.client.Fault) as refused:
            proxy.GetDyndnsIp("alice", "alice-password-1", "alice.test")
        self.assertEqual(refused.exception.faultCode, 1)

        status, body = curl("GET", "/api/v1/accounts/nobody/domains", provisioning_token)
        self.assertEqual((status, body["fault"]), (404, 2))
        self.assertEqual(curl("DELETE", "/api/v1/domains/alice.test", provisioning_token)[0], 204)
        self.assertEqual(curl("DELETE", "/api/v1/accounts/alice", provisioning_token)[0], 204)
        self.assertNotIn("alice", curl("GET", "/api/v1/accounts", provisioning_token)[1]["accounts"])

    def test_a_provisioning_token_cannot_update_and_a_customer_token_cannot_provision(self):
        status, _, body = call("PUT", "/api/v1/hosts/example.test", {"a": ["192.0.2.9"]}, token=provisioning_token)
        self.assertEqual((status, body["fault"]), (403, 11))
        customer = new_token("--account", "demo")
        status, _, body = call("POST", "/api/v1/accounts", {"account": "eve", "password": "eve-password"}, token=customer)
        self.assertEqual((status, body["fault"]), (403, 11))
        status, _, body = call("GET", "/api/v1/accounts", basic=("demo", "demo-password"))
        self.assertEqual((status, body["fault"]), (403, 11))


class Scopes(unittest.TestCase):
    def test_a_token_for_one_name_reaches_that_name_only(self):
        token = new_token("--account", "demo", "--name", "home.example.test")
        www_before = served("www.example.test")
        status, _, body = call("PUT", "/api/v1/hosts/home.example.test", {"a": ["192.0.2.20"]}, token=token)
        self.assertEqual((status, body["changed"]), (200, True))
        self.assertEqual(served("home.example.test"), ["192.0.2.20"])
        status, response, body = call("PUT", "/api/v1/hosts/www.example.test", {"a": ["192.0.2.21"]}, token=token)
        self.assertEqual((status, body["fault"]), (403, 11))
        self.assertEqual(response.getheader("Content-Type"), "application/problem+json")
        self.assertEqual(served("www.example.test"), www_before)
        # Another account's name: not found, in the words an unknown name gets.
        status, _, other = call("PUT", "/api/v1/hosts/other.test", {"a": ["192.0.2.22"]}, token=token)
        status_unknown, _, unknown = call("PUT", "/api/v1/hosts/nowhere.invalid", {"a": ["192.0.2.22"]}, token=token)
        self.assertEqual((status, other["fault"]), (404, 2))
        self.assertEqual((status_unknown, unknown["detail"]), (404, other["detail"]))
        self.assertEqual(served("other.test"), [])

    def test_a_read_only_token_reads_and_cannot_write(self):
        token = new_token("--account", "demo", "--subtree", "example.test", "--read-only")
        self.assertEqual(call("GET", "/api/v1/hosts/example.test", token=token)[0], 200)
        status, _, body = call("PUT", "/api/v1/hosts/example.test", {"a": ["192.0.2.30"]}, token=token)
        self.assertEqual((status, body["fault"], body["detail"]), (403, 11, "this token is read-only"))

    def test_a_token_without_the_acme_kind_cannot_set_a_challenge(self):
        token = new_token("--account", "demo", "--kinds", "address")
        status, _, body = call("PUT", "/api/v1/hosts/example.test/acme-challenge", {"value": "a" * 43}, token=token)
        self.assertEqual((status, body["fault"]), (403, 11))

    def test_expired_and_revoked_tokens_are_401(self):
        expiring = new_token("--account", "demo", "--expires-days", "1")
        self.assertEqual(call("GET", "/api/v1/hosts", token=expiring)[0], 200)
        # A day passes: the store's expiry moved into the past.
        with sqlite3.connect(store_file()) as db:
            db.execute("UPDATE api_tokens SET expires_ms = 1000 WHERE expires_ms > 0")
        status, response, body = call("GET", "/api/v1/hosts", token=expiring)
        self.assertEqual((status, body["fault"]), (401, 1))
        self.assertIn("Bearer", response.getheader("WWW-Authenticate"))

        revoked = new_token("--account", "demo", "--label", "to revoke")
        listed = stack.ctl("api-token", "list", "demo").stdout
        number = next(line.split()[0] for line in listed.splitlines() if "to revoke" in line)
        self.assertNotIn(revoked, listed)
        stack.ctl("api-token", "revoke", number)
        self.assertEqual(call("GET", "/api/v1/hosts", token=revoked)[0], 401)

    def test_a_token_used_outside_its_networks_is_403(self):
        token = new_token("--account", "demo", "--network", "192.0.2.0/24")
        status, _, body = call("GET", "/api/v1/hosts", token=token)
        self.assertEqual((status, body["fault"]), (403, 11))
        near = new_token("--account", "demo", "--network", "127.0.0.0/8")
        self.assertEqual(call("GET", "/api/v1/hosts", token=near)[0], 200)

    def test_credentials_are_refused_in_the_url_and_required_in_the_header(self):
        token = new_token("--account", "demo")
        status, _, body = call("GET", f"/api/v1/hosts?token={token}")
        self.assertEqual((status, body["fault"]), (400, 9))
        status, response, body = call("GET", "/api/v1/hosts")
        self.assertEqual((status, body["fault"]), (401, 1))
        # The account's password works too, as with XML-RPC.
        status, _, body = call("GET", "/api/v1/hosts", basic=("demo", "demo-password"))
        self.assertEqual(status, 200)
        self.assertIn("example.test", [host["name"] for host in body["hosts"]])


class Batch(unittest.TestCase):
    def test_three_names_of_one_zone_move_in_one_update(self):
        token = new_token("--account", "demo", "--subtree", "example.test")
        before = stack.serial()
        hosts = [{"name": f"b{n}.example.test", "a": [f"192.0.2.{40 + n}"]} for n in range(3)]
        status, _, body = call("POST", "/api/v1/hosts:batch", {"hosts": hosts}, token=token)
        self.assertEqual(status, 200)
        self.assertEqual([host["changed"] for host in body["hosts"]], [True, True, True])
        self.assertEqual(stack.serial(), before + 1)
        for n in range(3):
            self.assertEqual(served(f"b{n}.example.test"), [f"192.0.2.{40 + n}"])
        # The same again changes nothing and sends nothing.
        status, _, body = call("POST", "/api/v1/hosts:batch", {"hosts": hosts}, token=token)
        self.assertEqual([host["changed"] for host in body["hosts"]], [False, False, False])
        self.assertEqual(stack.serial(), before + 1)
        # One refused name refuses them all.
        hosts[0]["a"] = ["not-an-address"]
        status, _, body = call("POST", "/api/v1/hosts:batch", {"hosts": hosts}, token=token)
        self.assertEqual((status, body["fault"]), (422, 4))
        self.assertEqual(stack.serial(), before + 1)


class HostileJson(unittest.TestCase):
    def test_hostile_bodies_get_a_problem_document_and_change_nothing(self):
        token = new_token("--account", "demo")
        call("PUT", "/api/v1/hosts/hostile.example.test", {"a": ["192.0.2.60"]}, token=token)
        serial = stack.serial()
        cases = {
            "deep nesting": ('{"a": ' + "[" * 100 + "]" * 100 + "}").encode(),
            "a huge number": b'{"a": [1' + b"0" * 400 + b"]}",
            "a member twice": b'{"a": ["192.0.2.61"], "a": ["192.0.2.62"]}',
            "a wrong type": b'{"a": "192.0.2.63"}',
            "an unknown member": b'{"a": ["192.0.2.64"], "ttl": 5}',
            "not UTF-8": b'{"a": ["192.0.2.65\xff"]}',
            "not JSON": b'{"a": [',
            "an array": b'[{"a": ["192.0.2.66"]}]',
            "many members": ("{" + ",".join(f'"k{n}": 1' for n in range(600)) + "}").encode(),
        }
        for what, raw in cases.items():
            with self.subTest(what):
                status, response, body = call("PUT", "/api/v1/hosts/hostile.example.test", raw=raw, token=token)
                self.assertEqual(status, 400, body)
                self.assertEqual(response.getheader("Content-Type"), "application/problem+json")
                self.assertEqual(body["fault"], 9)
        status, response, body = call("PUT", "/api/v1/hosts/hostile.example.test", raw=b"{" + b" " * (1 << 20) + b"}", token=token)
        self.assertEqual(status, 413)
        self.assertEqual(response.getheader("Content-Type"), "application/problem+json")
        self.assertEqual(body["type"], "about:blank")
        status, _, body = call("PUT", "/api/v1/hosts/hostile.example.test", raw=b'{"a": ["192.0.2.67"]}', token=token,
                               content_type="text/plain")
        self.assertEqual(status, 415)
        self.assertEqual(stack.serial(), serial)
        self.assertEqual(served("hostile.example.test"), ["192.0.2.60"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
