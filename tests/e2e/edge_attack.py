"""Holds hostile connections against a gateway from many loopback addresses: idle TCP, idle TLS, slowloris heads, slow bodies.

Each connection that the gateway closes is opened again at once, so the load is held for the
whole run. Prints one JSON line of counters a second: {"open": {...}, "opened": {...}, ...}.
Used by tests/e2e/edge_e2e_test.py and by scripts/bench (the optimised build's RSS under attack).
"""
import argparse
import asyncio
import json
import resource
import ssl
import sys
import time

KINDS = ("tcp", "tls", "slowloris", "slowbody")


def tls_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # an attacker does not care who answers
    return context


async def hold(kind, source, host, port, stats, context, line_interval):
    while True:
        writer = None
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, ssl=None if kind == "tcp" else context, local_addr=(source, 0),
                                        ssl_handshake_timeout=None if kind == "tcp" else 60),
                60)
        except (OSError, asyncio.TimeoutError, ssl.SSLError):
            stats["refused"][kind] += 1
            await asyncio.sleep(0.2)
            continue
        stats["open"][kind] += 1
        stats["opened"][kind] += 1
        try:
            if kind in ("tcp", "tls"):
                await reader.read(1024)  # returns when the gateway closes
            elif kind == "slowloris":
                writer.write(b"POST /dom/api HTTP/1.1\r\nHost: gateway\r\n")
                while True:
                    try:
                        await asyncio.wait_for(reader.read(1024), line_interval)
                        break  # an answer (408) or the close
                    except asyncio.TimeoutError:
                        writer.write(b"X-Slow: still here\r\n")
            elif kind == "slowbody":
                writer.write(b"POST /dom/api HTTP/1.1\r\nHost: gateway\r\nContent-Type: text/xml\r\nContent-Length: 60000\r\n\r\n")
                while True:
                    try:
                        await asyncio.wait_for(reader.read(1024), line_interval / 2)
                        break  # an answer (408) or the close
                    except asyncio.TimeoutError:
                        writer.write(b"<")
        except (OSError, ssl.SSLError):
            pass
        finally:
            stats["open"][kind] -= 1
            stats["closed"][kind] += 1
            try:
                writer.close()
            except Exception:
                pass


async def main(args):
    stats = {name: {kind: 0 for kind in KINDS} for name in ("open", "opened", "closed", "refused")}
    context = tls_context()
    sources = [f"127.0.0.{2 + i}" for i in range(args.sources)]
    counts = {"tcp": args.tcp, "tls": args.tls, "slowloris": args.slowloris, "slowbody": args.slowbody}
    tasks = []
    n = 0
    for kind in KINDS:
        for _ in range(counts[kind]):
            tasks.append(asyncio.create_task(hold(kind, sources[n % len(sources)], args.host, args.port, stats, context,
                                                  args.line_interval)))
            n += 1
    started = time.monotonic()
    while time.monotonic() - started < args.seconds:
        await asyncio.sleep(1)
        print(json.dumps(stats), flush=True)
    for task in tasks:
        task.cancel()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--sources", type=int, default=100, help="source addresses 127.0.0.2 and up")
    parser.add_argument("--tcp", type=int, default=1000)
    parser.add_argument("--tls", type=int, default=1000)
    parser.add_argument("--slowloris", type=int, default=200)
    parser.add_argument("--slowbody", type=int, default=100)
    parser.add_argument("--line-interval", type=float, default=4.0, help="seconds between slowloris header lines")
    arguments = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        asyncio.run(main(arguments))
    except KeyboardInterrupt:
        sys.exit(0)
