#!/usr/bin/python3
"""Writes the seed inputs of one fuzz target into a directory: well-formed messages (dnspython builds them) the fuzzer mutates.

Usage: make_seeds.py notify_fuzzer|transfer_fuzzer|router_query_fuzzer DIR
"""
import os
import struct
import sys

import dns.flags
import dns.message
import dns.opcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

ZONE = "example.test."
SOA = "ns.example.test. hostmaster.example.test. {} 3600 600 86400 60"


def answer(*records):
    """An unsigned answer holding `records` ((name, type, text) each); SignedStream signs it."""
    message = dns.message.Message()
    message.flags |= dns.flags.QR | dns.flags.AA
    for name, rtype, text in records:
        message.answer.append(dns.rrset.from_text(name, 60, "IN", rtype, text))
    return message.to_wire()


def framed(ixfr, *messages):
    return bytes([1 if ixfr else 0]) + b"".join(struct.pack("!H", len(m)) + m for m in messages)


def soa(serial):
    return (ZONE, "SOA", SOA.format(serial))


def transfer_seeds():
    www_a = ("www." + ZONE, "A", "192.0.2.1")
    www_aaaa = ("www." + ZONE, "AAAA", "2001:db8::1")
    txt = ("_acme-challenge." + ZONE, "TXT", '"' + "a" * 43 + '"')
    return {
        "axfr-one-message": framed(False, answer(soa(7), www_a, www_aaaa, txt, soa(7))),
        "axfr-two-messages": framed(False, answer(soa(7), www_a), answer(www_aaaa, soa(7))),
        "ixfr-up-to-date": framed(True, answer(soa(5))),
        "ixfr-one-difference": framed(True, answer(soa(7), soa(5), www_a, soa(7), www_aaaa, soa(7))),
        "ixfr-in-full": framed(True, answer(soa(7), www_a, soa(7))),
    }


def notify_seeds():
    seeds = {}
    for name, with_soa in (("notify", False), ("notify-with-soa", True)):
        message = dns.message.make_query(ZONE, dns.rdatatype.SOA)
        message.set_opcode(dns.opcode.NOTIFY)
        message.flags = dns.flags.AA
        if with_soa:
            message.answer.append(dns.rrset.from_text(ZONE, 60, "IN", "SOA", SOA.format(9)))
        seeds[name] = message.to_wire()
    return seeds


def router_query_seeds():
    """The URLs routers send (README "Router prefixes"), and rules as the panel takes them."""
    return {
        "fritzbox": b"hostname=home.example.test&myip=30.1.2.5&myipv6=2a00:1450:1:2::1&ip6lanprefix=2a00:1450:1:200::/56",
        "ds-lite": b"hostname=home.example.test&myip=<ipaddr>&myipv6=2a00:1450:1:2::1&ip6lanprefix=%3Cip6lanprefix%3E",
        "speedport": b"hostname=home.example.test&myip=30.1.2.5,2a00:1450:1:2::1",
        "remove": b"hostname=home.example.test&ipv6prefix=-",
        "mac": b"myip=00:1a:2b:3c:4d:5e&ip6lanprefix=2a00:1450:1:2::/64",
        "identifier": b"myip=::a:b:c:d&ipv6prefix=2a00:1450::/48",
        "preserve": b"preserve",
    }


def main():
    target, directory = sys.argv[1], sys.argv[2]
    seeds = {"notify_fuzzer": notify_seeds, "transfer_fuzzer": transfer_seeds,
             "router_query_fuzzer": router_query_seeds}[target]()
    os.makedirs(directory, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
