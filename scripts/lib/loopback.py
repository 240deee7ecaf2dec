#!/usr/bin/env python3
"""Free loopback ports and waiting for a server to listen: the one helper of the scripts and the Python tests.

As a program:
  loopback.py free-ports N
      prints N distinct ports, one a line, each free for TCP and UDP on 127.0.0.1 and ::1
  loopback.py wait-listening --port P [--port P]... [--pid PID] [--log FILE] [--seconds S] [--name NAME]
      waits until every port P accepts TCP (P on 127.0.0.1, [::1]:P on ::1: every address the
      server listens on, so one it binds last is not missed); fails (status 1, with the last lines of
      FILE) when process PID exits first or S seconds (default 20) pass. With --pid -, it prints
      "waiting" once started, then reads the pid from its input: a caller that times the server's
      start-up launches it after that line, so python's own start-up is not counted
As a module: free_port(), free_ports(n), wait_until_listening(ports, process, log_path, seconds, name).
tests/support/free_port.cpp implements the same port rule for the C++ tests.
"""
import argparse
import os
import socket
import sys
import time

# named binds the port it is given on 127.0.0.1 and ::1, for UDP and TCP; the gateway binds TCP
# (HTTPS, metrics) and UDP (NOTIFY). A port is free only when all four binds succeed.
_BINDS = ((socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1"), (socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1"),
          (socket.AF_INET6, socket.SOCK_STREAM, "::1"), (socket.AF_INET6, socket.SOCK_DGRAM, "::1"))
# Ports this process has handed out already: a test asking twice must not get the same port back
# just because the first caller has not bound it yet.
_given = set()


def free_ports(count):
    """`count` distinct loopback ports, each free for TCP and UDP on 127.0.0.1 and ::1 at the time of the call."""
    held, ports = [], []
    try:
        # Every socket stays open until all are chosen, so no port is chosen twice.
        for _ in range(50 * count):
            if len(ports) == count:
                break
            group = []
            try:
                for index, (family, kind, host) in enumerate(_BINDS):
                    s = socket.socket(family, kind)
                    group.append(s)
                    # The kernel picks the first one; the others must take the same number.
                    s.bind((host, 0 if index == 0 else group[0].getsockname()[1]))
            except OSError:
                for s in group:
                    s.close()
                continue
            port = group[0].getsockname()[1]
            held += group
            if port not in _given:
                ports.append(port)
    finally:
        for s in held:
            s.close()
    if len(ports) != count:
        raise RuntimeError(f"no {count} free loopback ports found")
    _given.update(ports)
    return ports


def free_port():
    """One loopback port free for TCP and UDP on 127.0.0.1 and ::1."""
    return free_ports(1)[0]


def _alive(process):
    """Whether `process` (a subprocess.Popen or a pid) still runs; a zombie counts as gone."""
    if process is None:
        return True
    if not isinstance(process, int):
        return process.poll() is None
    try:
        with open(f"/proc/{process}/stat") as f:
            # The state follows the command name, which is in parentheses and may hold spaces.
            return f.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def _log_tail(log_path, lines=20):
    if not log_path:
        return ""
    try:
        with open(log_path, errors="replace") as f:
            tail = f.read().splitlines()[-lines:]
    except OSError as e:
        return f"\n(cannot read {log_path}: {e.strerror})"
    return f"\nlast lines of {log_path}:\n" + "\n".join(tail)


def _address(port):
    """(host, port) from a port (127.0.0.1) or a (host, port) pair."""
    return ("127.0.0.1", port) if isinstance(port, int) else tuple(port)


def _shown(address):
    return f"{address[0]} port {address[1]}"


def _accepts(address):
    try:
        with socket.create_connection(address, timeout=0.5):
            return True
    except OSError:
        return False


def wait_until_listening(ports, process=None, log_path=None, seconds=20, name="the server"):
    """Returns once every port in `ports` (or the one port) accepts TCP: a port on 127.0.0.1, a (host, port)
    pair on its host. Raises RuntimeError, with the last lines of `log_path`, when `process` (a Popen or a
    pid) exits first or `seconds` pass. Give every address the server listens on: a server that fails
    to bind its last one accepts on the others until it exits."""
    waiting = [_address(ports)] if isinstance(ports, int) else [_address(port) for port in ports]
    deadline = time.monotonic() + seconds
    while True:
        waiting = [address for address in waiting if not _accepts(address)]
        alive = _alive(process)
        if not alive:
            where = f" on {_shown(waiting[0])}" if waiting else ""
            raise RuntimeError(f"{name} exited before listening{where}" + _log_tail(log_path))
        if not waiting:
            return
        if time.monotonic() >= deadline:
            raise RuntimeError(f"{name} did not listen on {_shown(waiting[0])} within {seconds:g} s" + _log_tail(log_path))
        # 20 ms: scripts/demo prints how long the gateway took to listen, to this precision.
        time.sleep(0.02)


def _listen_address(text):
    """P (127.0.0.1), HOST:P or [HOST]:P."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port, HOST:PORT or [HOST]:PORT")
    return host, int(port)


def _count(text):
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count from 1 to 64")
    return int(text)


def main():
    parser = argparse.ArgumentParser(prog="loopback.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    free = commands.add_parser("free-ports", help="print N free loopback ports, one a line")
    free.add_argument("count", type=_count, metavar="N")
    wait = commands.add_parser("wait-listening", help="wait until ports accept TCP on 127.0.0.1")
    wait.add_argument("--port", type=_listen_address, action="append", required=True)
    wait.add_argument("--pid", help="the server's process: its exit ends the wait; - reads it from the input")
    wait.add_argument("--log", help="the server's log, whose last lines a failure prints")
    wait.add_argument("--seconds", type=float, default=20)
    wait.add_argument("--name", default="the server", help="what the failure message calls the server")
    args = parser.parse_args()
    try:
        if args.command == "free-ports":
            print("\n".join(map(str, free_ports(args.count))))
        else:
            pid = args.pid
            if pid == "-":
                print("waiting", flush=True)
                pid = sys.stdin.readline().strip()
            if pid is not None and not pid.isdigit():
                raise RuntimeError(f"--pid: not a pid: '{pid}'")
            wait_until_listening(args.port, pid and int(pid), args.log, args.seconds, args.name)
    except RuntimeError as e:
        sys.exit(f"{os.path.basename(sys.argv[0])}: {e}")


if __name__ == "__main__":
    main()
