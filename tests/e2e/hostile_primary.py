#!/usr/bin/python3
"""A DNS primary that lies, for the gateway's tests: it signs every answer with the gateway's key (dnspython) and
serves, over TCP, one kind of bad transfer per zone. Usage: hostile_primary.py PORT KEY_NAME SECRET_BASE64 STATE_FILE

Zones (all answer SOA, address and TXT queries and UPDATEs as a good primary would):
  good.test       a proper AXFR
  nordata.test    an AXFR whose SOA records carry no RDATA
  truncated.test  the first message of a two-message AXFR, then the connection closes
  backwards.test  AXFR at serial 10; asked for an IXFR from 10, answers that the zone is at serial 5
  huge.test       an AXFR of 2,000,000 A records in messages of 1,000, for as long as the reader reads
STATE_FILE gets one JSON object per line: what was asked and how much was sent.
"""
import json
import socket
import socketserver
import struct
import sys

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tsigkeyring

PORT, KEY_NAME, SECRET, STATE = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
KEYRING = dns.tsigkeyring.from_text({KEY_NAME: ("hmac-sha256", SECRET)})
HUGE_RECORDS = 2_000_000
PER_MESSAGE = 1000


def soa(zone, serial):
    return dns.rrset.from_text(zone, 60, "IN", "SOA", f"ns.{zone} hostmaster.{zone} {serial} 3600 600 86400 60")


def soa_without_rdata(zone):
    rrset = dns.rrset.RRset(dns.name.from_text(zone), dns.rdataclass.IN, dns.rdatatype.SOA)
    rrset.add(dns.rdata.GenericRdata(dns.rdataclass.IN, dns.rdatatype.SOA, b""), 60)
    return rrset


def note(**fields):
    with open(STATE, "a") as f:
        f.write(json.dumps(fields) + "\n")


class Handler(socketserver.BaseRequestHandler):
    def read_message(self):
        head = self.request.recv(2, socket.MSG_WAITALL)
        if len(head) < 2:
            return None
        (length,) = struct.unpack("!H", head)
        return self.request.recv(length, socket.MSG_WAITALL)

    def send(self, message, tsig_ctx=None, multi=False):
        wire = message.to_wire(multi=multi, tsig_ctx=tsig_ctx)
        self.request.sendall(struct.pack("!H", len(wire)) + wire)
        return message.tsig_ctx if multi else None

    def handle(self):
        while True:
            wire = self.read_message()
            if not wire:
                return
            query = dns.message.from_wire(wire, keyring=KEYRING)  # refuses an unsigned or forged request
            if query.opcode() == dns.opcode.UPDATE:
                self.send(dns.message.make_response(query))
                continue
            question = query.question[0]
            if question.rdtype in (dns.rdatatype.AXFR, dns.rdatatype.IXFR):
                self.transfer(query, question)
                continue
            response = dns.message.make_response(query)
            response.flags |= dns.flags.AA
            if question.rdtype == dns.rdatatype.SOA:
                response.answer.append(soa(question.name.to_text(), 10))
            self.send(response)

    def transfer(self, query, question):
        zone = question.name.to_text()
        kind = "IXFR" if question.rdtype == dns.rdatatype.IXFR else "AXFR"

        def message():
            m = dns.message.make_response(query)
            m.flags |= dns.flags.AA
            return m

        if zone == "nordata.test.":
            m = message()
            m.answer += [soa_without_rdata(zone), dns.rrset.from_text("www." + zone, 60, "IN", "A", "192.0.2.1"),
                         soa_without_rdata(zone)]
            self.send(m)
            note(zone=zone, kind=kind)
        elif zone == "truncated.test.":
            m = message()
            m.answer += [soa(zone, 10), dns.rrset.from_text("www." + zone, 60, "IN", "A", "192.0.2.1")]
            self.send(m, tsig_ctx=None, multi=True)
            note(zone=zone, kind=kind)
            self.request.shutdown(socket.SHUT_RDWR)
        elif zone == "backwards.test." and kind == "IXFR":
            m = message()
            m.answer.append(soa(zone, 5))  # "up to date", at a serial below the gateway's
            self.send(m)
            note(zone=zone, kind=kind, serial=5)
        elif zone == "huge.test.":
            self.huge(query, zone, message)
        else:
            serial = 5 if zone == "backwards.test." and self.server.backwards_asked else 10
            if zone == "backwards.test.":
                self.server.backwards_asked = True
            m = message()
            m.answer += [soa(zone, serial), dns.rrset.from_text("www." + zone, 60, "IN", "A", "192.0.2.1"), soa(zone, serial)]
            self.send(m)
            note(zone=zone, kind=kind, serial=serial)

    def huge(self, query, zone, message):
        body = [dns.rrset.from_text(f"h{i}.{zone}", 60, "IN", "A", "192.0.2.2") for i in range(PER_MESSAGE)]
        sent, ctx = 0, None
        try:
            while sent < HUGE_RECORDS:
                m = message()
                if sent == 0:
                    m.answer.append(soa(zone, 10))
                m.answer += body
                sent += PER_MESSAGE
                if sent >= HUGE_RECORDS:
                    m.answer.append(soa(zone, 10))
                ctx = self.send(m, tsig_ctx=ctx, multi=True)
        except OSError:
            pass  # the reader stopped reading: what it would take is what the test wants to know
        note(zone=zone, kind="AXFR", records_sent=sent)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    backwards_asked = False


if __name__ == "__main__":
    with Server(("127.0.0.1", PORT), Handler) as server:
        server.serve_forever()
