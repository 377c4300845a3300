#!/usr/bin/env python3
"""tornet: a private Tor network on loopback for leakmon's `tor` tests.

    tornet.py up   --dir DIR --demo-server PATH [--retries 1] [--lifetime 900]
    tornet.py down --dir DIR
    tornet.py exec --dir DIR -- COMMAND...   (run COMMAND inside the network)

`up` builds, in DIR (wiped first):
  1. authority keys with tor-gencert, relay keys with `tor --list-fingerprint`;
  2. torrc files (TestingTorNetwork 1, DirAuthority lines) for 3 directory
     authorities and 3 relays, and starts them;
  3. waits until an authority's consensus lists all 6 as Running;
  4. only then starts the paste sites (the fixture site through
     leakmon-demo-server, Debian's bepasty with pastes uploaded through its
     own web form), one onion service per site in its own tor, a third onion
     service whose target port the tests serve themselves (the one they stop
     mid-crawl), the client, and a "stranded" client whose authorities do
     not answer (it never bootstraps);
  5. waits until every onion service uploaded its descriptor and the client
     bootstrapped, then fetches each site once through the client.
It writes DIR/network.json (ports, onion names, ground truth, pids) for the
tests, prints the timings of each step (also to DIR/../tornet-timings.txt),
and returns, leaving the network running. A failed attempt is torn down and
retried `--retries` times.

Where the runner allows it (root, util-linux unshare), everything runs in a
fresh network namespace bound to DIR/netns, with only a loopback interface:
nothing can leave the machine. Otherwise it runs on the host's 127.0.0.1.

Every process belongs to the network's watchdog: it tears the network down
when `down` runs or after --lifetime seconds, and every tor also exits by
itself within 15 s of the watchdog's death (__OwningControllerProcess).
`down` is idempotent and leaves no process behind.

torrc options are taken from tor(1) (`man tor`); nothing is copied from
other projects. TORNET_DEBUG=1 adds info-level logs for the onion services
and prints what the directory caches still miss (the `tor` tests then also
print the control-port events they read).
"""

import argparse
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bepasty_site  # noqa: E402
import torctl  # noqa: E402

TOR = shutil.which("tor") or "/usr/sbin/tor"
TOR_GENCERT = shutil.which("tor-gencert") or "/usr/bin/tor-gencert"
BEPASTY = shutil.which("bepasty-server") or "/usr/bin/bepasty-server"
CLONE_NEWNET = 0x40000000

N_AUTHORITIES = 3
N_RELAYS = 3

# Voting schedule of the test network (see V3AuthVotingInterval and the
# TESTING NETWORK OPTIONS in tor(1)). Short rounds bring the first consensus
# within about half a minute; delays stay well under half the interval.
VOTING = ["V3AuthVotingInterval 10 seconds", "V3AuthVoteDelay 2 seconds", "V3AuthDistDelay 2 seconds",
          "TestingV3AuthInitialVotingInterval 10 seconds", "TestingV3AuthInitialVoteDelay 2 seconds",
          "TestingV3AuthInitialDistDelay 2 seconds"]


class BringUpError(Exception):
    pass


class Timings:
    """Seconds since the start of the attempt, per step, printed as it goes."""

    def __init__(self):
        self.start = time.monotonic()
        self.steps: list[tuple[str, float]] = []

    def mark(self, step: str) -> None:
        t = time.monotonic() - self.start
        self.steps.append((step, round(t, 1)))
        print(f"tornet: {t:6.1f} s  {step}", flush=True)


# ---------------------------------------------------------------- processes

def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/PID/stat), to tell a
    recorded process from a later one that reused its pid."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _alive(proc: dict) -> bool:
    """Whether the recorded process still runs (a zombie does not)."""
    try:
        with open(f"/proc/{proc['pid']}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] != "Z" and fields[19] == proc["start"]


class State:
    """DIR/state.json: every process started and the namespace, so that
    `down` (or the watchdog) can stop exactly what `up` started."""

    def __init__(self, net_dir: str):
        self.path = os.path.join(net_dir, "state.json")
        self.data = {"procs": [], "netns": ""}
        if os.path.exists(self.path):
            with open(self.path) as f:
                self.data = json.load(f)

    def save(self) -> None:
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f, indent=1)
        os.replace(tmp, self.path)

    def add(self, name: str, pid: int) -> None:
        self.data["procs"].append({"name": name, "pid": pid, "start": _start_time(pid)})
        self.save()


def spawn(state: State, name: str, argv: list[str], log: str, env: dict | None = None) -> int:
    """Starts argv detached (own session, no inherited stdio: a ctest setup
    step must not hold ctest's pipes open), records it, returns its pid."""
    with open(log, "ab") as out:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                             start_new_session=True, env=env)
    state.add(name, p.pid)
    return p.pid


def stop_all(net_dir: str, keep_pid: int = 0) -> None:
    """Stops every recorded process (SIGTERM, then SIGKILL after 10 s) and
    removes the namespace binding. Idempotent."""
    state = State(net_dir)
    procs = [p for p in state.data["procs"] if p["pid"] != keep_pid and _alive(p)]
    for p in procs:
        try:
            os.kill(p["pid"], signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in procs):
        time.sleep(0.1)
    for p in procs:
        if _alive(p):
            print(f"tornet: {p['name']} (pid {p['pid']}) ignored SIGTERM; killing it", file=sys.stderr)
            try:
                os.kill(p["pid"], signal.SIGKILL)
            except ProcessLookupError:
                pass
    netns = state.data.get("netns")
    if netns and os.path.exists(netns):
        subprocess.run(["umount", netns], stderr=subprocess.DEVNULL, check=False)
        try:
            os.unlink(netns)
        except OSError:
            pass


# ---------------------------------------------------------------- namespace

def enter_new_netns(net_dir: str) -> str:
    """Creates a network namespace bound to DIR/netns with loopback up, and
    moves this process into it. Returns its path, or "" where the runner does
    not allow it (then the network uses the host's loopback)."""
    path = os.path.join(net_dir, "netns")
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return ""
    open(path, "w").close()
    r = subprocess.run(["unshare", f"--net={path}", "ip", "link", "set", "lo", "up"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        print(f"tornet: no network namespace ({r.stderr.strip()}); using the host's loopback", flush=True)
        subprocess.run(["umount", path], stderr=subprocess.DEVNULL, check=False)
        os.unlink(path)
        return ""
    enter_netns(path)
    return path


def enter_netns(path: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {path}")
    finally:
        os.close(fd)


def free_ports(n: int) -> list[int]:
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


# ---------------------------------------------------------------- torrc

class Node:
    def __init__(self, net_dir: str, name: str, control_port: int):
        self.name = name
        self.dir = os.path.join(net_dir, name)
        self.torrc = os.path.join(self.dir, "torrc")
        self.control_port = control_port
        self.or_port = 0
        self.dir_port = 0
        self.fingerprint = ""   # relay identity (RSA), hex
        self.v3ident = ""       # authority signing identity, hex
        os.makedirs(self.dir, mode=0o700)

    @property
    def cookie(self) -> str:
        return os.path.join(self.dir, "control_auth_cookie")

    @property
    def log(self) -> str:
        return os.path.join(self.dir, "notice.log")

    def control(self, timeout: float = 10.0) -> torctl.ControlClient:
        return torctl.ControlClient("127.0.0.1", self.control_port, self.cookie, timeout)


def common_lines(node: Node, authorities: list[Node], owner_pid: int) -> list[str]:
    return [
        f"# {node.name}: leakmon private test network (generated by tests/tornet/tornet.py)",
        "TestingTorNetwork 1",
        f"DataDirectory {node.dir}",
        f"PidFile {node.dir}/tor.pid",
        f"Log notice file {node.log}",
        "SafeLogging 0",
        f"ControlPort 127.0.0.1:{node.control_port}",
        "CookieAuthentication 1",
        f"__OwningControllerProcess {owner_pid}",
        "ShutdownWaitLength 0",
        "AvoidDiskWrites 1",
    ] + dir_authority_lines(authorities)


def dir_authority_lines(authorities: list[Node]) -> list[str]:
    return [f"DirAuthority {a.name} orport={a.or_port} v3ident={a.v3ident} 127.0.0.1:{a.dir_port} {a.fingerprint}"
            for a in authorities]


def relay_lines(node: Node) -> list[str]:
    return [
        f"Nickname {node.name}",
        "ContactInfo leakmon-tornet@localhost",
        "Address 127.0.0.1",
        f"ORPort 127.0.0.1:{node.or_port}",
        "AddressDisableIPv6 1",
        "AssumeReachable 1",
        "ExitRelay 0",
        "SocksPort 0",
    ]


def authority_lines(node: Node) -> list[str]:
    return relay_lines(node) + [
        f"DirPort 127.0.0.1:{node.dir_port}",
        "AuthoritativeDirectory 1",
        "V3AuthoritativeDirectory 1",
        # All nodes are on 127.0.0.1: vote them Guard and HSDir from the start.
        "TestingDirAuthVoteGuard 127.0.0.0/8",
        "TestingDirAuthVoteHSDir 127.0.0.0/8",
    ] + VOTING


def write_torrc(node: Node, lines: list[str]) -> None:
    with open(node.torrc, "w") as f:
        f.write("\n".join(lines) + "\n")


def tor_argv(node: Node, empty_defaults: str) -> list[str]:
    return [TOR, "-f", node.torrc, "--defaults-torrc", empty_defaults, "--quiet"]


def generate_keys(relays: list[Node], authorities: list[Node], empty_defaults: str) -> None:
    """Generates every node's relay keys (`tor --list-fingerprint`) and each
    authority's identity key, signing key and certificate (tor-gencert, in
    its keys/ directory), all at once. Sets fingerprint and v3ident."""
    jobs = []
    for n in relays:
        write_torrc(n, [f"DataDirectory {n.dir}", f"ORPort 127.0.0.1:{n.or_port}",
                        f"Nickname {n.name}", "ContactInfo leakmon-tornet@localhost"])
        jobs.append(subprocess.Popen([TOR, "--list-fingerprint", "-f", n.torrc, "--defaults-torrc", empty_defaults,
                                      "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for a in authorities:
        keys = os.path.join(a.dir, "keys")
        os.makedirs(keys, mode=0o700, exist_ok=True)
        gencert = subprocess.Popen(
            [TOR_GENCERT, "--create-identity-key", "-m", "12", "-a", f"127.0.0.1:{a.dir_port}",
             "-i", os.path.join(keys, "authority_identity_key"), "-s", os.path.join(keys, "authority_signing_key"),
             "-c", os.path.join(keys, "authority_certificate"), "--passphrase-fd", "0"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        gencert.stdin.write(b"\n")  # an empty passphrase: the key is not encrypted
        gencert.stdin.close()
        jobs.append(gencert)
    for job in jobs:
        if job.wait() != 0:
            raise BringUpError(f"{os.path.basename(job.args[0])} failed (exit {job.returncode})")
    for n in relays:
        with open(os.path.join(n.dir, "fingerprint")) as f:
            n.fingerprint = f.read().split()[1]
    for a in authorities:
        with open(os.path.join(a.dir, "keys", "authority_certificate")) as f:
            a.v3ident = next(line.split()[1] for line in f if line.startswith("fingerprint "))


# ---------------------------------------------------------------- waiting

def wait_until(what: str, timeout: float, check, interval: float = 0.5):
    """Calls check() until it returns a true value; raises BringUpError."""
    deadline = time.monotonic() + timeout
    last_error = ""
    while True:
        try:
            result = check()
            if result:
                return result
        except (OSError, torctl.ControlError, ValueError) as e:
            last_error = f" (last error: {e})"
        if time.monotonic() > deadline:
            raise BringUpError(f"timed out after {timeout:.0f} s waiting for {what}{last_error}")
        time.sleep(interval)


def consensus_lists(authority: Node, nicknames: set[str]) -> dict | None:
    """Fetches the authority's current consensus from its DirPort; returns
    {nickname: flags} when every nickname is listed as Running, else None."""
    url = f"http://127.0.0.1:{authority.dir_port}/tor/status-vote/current/consensus"
    with urllib.request.urlopen(url, timeout=5) as r:
        text = r.read().decode("utf-8", "replace")
    flags, current = {}, None
    for line in text.splitlines():
        if line.startswith("r "):
            current = line.split()[1]
        elif line.startswith("s ") and current:
            flags[current] = line.split()[1:]
    listed = {n for n, f in flags.items() if "Running" in f and "Valid" in f}
    return flags if nicknames <= listed else None


def caches_ready(nodes: list[Node]) -> bool:
    """Whether every node, as a directory cache, holds a consensus listing all
    nodes and the microdescriptors of all. Until then, a client or onion
    service that asks a cache early gets 404s and waits ~10 s to retry."""
    for node in nodes:
        with node.control() as ctl:
            md = "\n".join(ctl.command("GETINFO md/all"))
            ns = "\n".join(ctl.command("GETINFO ns/all"))
        routers = sum(1 for line in ns.splitlines() if line.startswith("r "))
        if md.count("ntor-onion-key") < len(nodes) or routers < len(nodes):
            if os.environ.get("TORNET_DEBUG"):
                print(f"tornet: {node.name}: {md.count('ntor-onion-key')} microdescs, {routers} routers", flush=True)
            return False
    return True


def wait_descriptors_uploaded(ctl: torctl.ControlClient, timeout: float) -> int:
    """Waits until the service tor reports its descriptor UPLOADED to an
    HSDir and no upload is pending; returns the number of uploads."""
    pending, uploaded = set(), 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ev = ctl.event(min(1.0, max(0.1, deadline - time.monotonic())))
        if ev is None:
            if uploaded and not pending:
                return uploaded
            continue
        words = ev.split()
        if len(words) >= 5 and words[1] == "HS_DESC":
            action, hsdir = words[2], words[5] if len(words) > 5 else words[4]
            if action == "UPLOAD":
                pending.add(hsdir)
            elif action in ("UPLOADED", "FAILED"):
                pending.discard(hsdir)
                uploaded += action == "UPLOADED"
    raise BringUpError(f"onion service descriptor not uploaded within {timeout:.0f} s "
                       f"({uploaded} uploaded, {len(pending)} pending)")


def socks_fetch(socks_port: int, host: str, path: str, username: str, timeout: float) -> bytes:
    """GET http://host/path through the client's SOCKS5 port (username/password
    auth, so it is isolated from the tests' streams). Returns the response
    head and body; raises OSError, with Tor's SOCKS reply code on refusal."""
    s = socket.create_connection(("127.0.0.1", socks_port), timeout=timeout)
    try:
        s.sendall(b"\x05\x01\x02")
        if s.recv(2) != b"\x05\x02":
            raise OSError("SOCKS: username/password method refused")
        u = username.encode()
        s.sendall(b"\x01" + bytes([len(u)]) + u + b"\x01x")
        if s.recv(2) != b"\x01\x00":
            raise OSError("SOCKS: authentication refused")
        h = host.encode()
        s.sendall(b"\x05\x01\x00\x03" + bytes([len(h)]) + h + (80).to_bytes(2, "big"))
        reply = s.recv(10)
        if len(reply) < 2 or reply[1] != 0:
            raise OSError(f"SOCKS reply {reply[1] if len(reply) > 1 else -1:#04x}")
        s.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        return data
    finally:
        s.close()


# ---------------------------------------------------------------- bring-up

def bring_up(net_dir: str, demo_server: str, lifetime: int) -> dict:
    t = Timings()
    if os.path.exists(net_dir):
        stop_all(net_dir)
        shutil.rmtree(net_dir)
    os.makedirs(net_dir, mode=0o700)
    state = State(net_dir)
    state.data["netns"] = enter_new_netns(net_dir)
    state.save()
    empty_defaults = os.path.join(net_dir, "empty-defaults-torrc")
    open(empty_defaults, "w").close()

    # The watchdog owns the network: every tor exits when it is gone.
    me = os.path.abspath(__file__)
    watchdog = spawn(state, "watchdog", [sys.executable, me, "watchdog", "--dir", net_dir,
                                         "--lifetime", str(lifetime)], os.path.join(net_dir, "watchdog.log"))

    names = [f"auth{i + 1}" for i in range(N_AUTHORITIES)] + [f"relay{i + 1}" for i in range(N_RELAYS)]
    extra = ["hs-fixture", "hs-bepasty", "hs-stoppable", "client", "stranded"]
    ports = iter(free_ports(48))
    nodes = {n: Node(net_dir, n, next(ports)) for n in names + extra}
    authorities = [nodes[n] for n in names[:N_AUTHORITIES]]
    relays = [nodes[n] for n in names]
    for n in relays:
        n.or_port = next(ports)
    for a in authorities:
        a.dir_port = next(ports)

    generate_keys(relays, authorities, empty_defaults)
    t.mark("keys generated (tor-gencert, tor --list-fingerprint)")

    for a in authorities:
        write_torrc(a, common_lines(a, authorities, watchdog) + authority_lines(a))
    for r in relays[N_AUTHORITIES:]:
        write_torrc(r, common_lines(r, authorities, watchdog) + relay_lines(r))
    for n in relays:
        spawn(state, n.name, tor_argv(n, empty_defaults), os.path.join(n.dir, "stdout.log"))
    t.mark(f"{N_AUTHORITIES} authorities and {N_RELAYS} relays started")

    flags = wait_until("a consensus listing every relay as Running", 100,
                       lambda: consensus_lists(authorities[0], set(names)))
    t.mark("consensus lists all %d relays (%s)" % (len(flags), ", ".join(
        f"{n}:{'+'.join(f for f in flags[n] if f in ('Guard', 'HSDir'))}" for n in sorted(flags))))
    wait_until("every relay to cache the consensus and all microdescriptors", 60, lambda: caches_ready(relays))
    t.mark("every relay caches the consensus and all microdescriptors")

    # Paste sites behind the onion services.
    fixture_port, bepasty_port, stoppable_port, socks_port, stranded_socks = (next(ports) for _ in range(5))
    canary = "CANARY-" + secrets.token_hex(8)

    def onion_service(node: Node, target_port: int) -> None:
        write_torrc(node, common_lines(node, authorities, watchdog) + [
            "SocksPort 0",
            f"HiddenServiceDir {node.dir}/hs",
            f"HiddenServicePort 80 127.0.0.1:{target_port}",
        ] + ([f"Log info file {node.dir}/info.log"] if os.environ.get("TORNET_DEBUG") else []))
        spawn(state, node.name, tor_argv(node, empty_defaults), os.path.join(node.dir, "stdout.log"))

    services = {"fixture": (nodes["hs-fixture"], fixture_port), "bepasty": (nodes["hs-bepasty"], bepasty_port),
                "stoppable": (nodes["hs-stoppable"], stoppable_port)}
    for node, port in services.values():
        onion_service(node, port)
    client = nodes["client"]
    write_torrc(client, common_lines(client, authorities, watchdog) + [
        f"SocksPort 127.0.0.1:{socks_port} ExtendedErrors",
    ])
    spawn(state, "client", tor_argv(client, empty_defaults), os.path.join(client.dir, "stdout.log"))
    # The stranded client knows authorities that do not answer: it listens on
    # its SocksPort but never bootstraps.
    stranded = nodes["stranded"]
    silent = [types.SimpleNamespace(name=a.name, or_port=next(ports), dir_port=next(ports), v3ident=a.v3ident,
                                    fingerprint=a.fingerprint) for a in authorities]
    write_torrc(stranded, common_lines(stranded, silent, watchdog) + [
        f"SocksPort 127.0.0.1:{stranded_socks} ExtendedErrors",
    ])
    spawn(state, "stranded", tor_argv(stranded, empty_defaults), os.path.join(stranded.dir, "stdout.log"))

    # Subscribe to descriptor uploads as soon as each service's control port is up.
    controls = {}
    for key, (node, _) in services.items():
        controls[key] = wait_until(f"{node.name}'s control port", 20, lambda n=node: n.control())
        controls[key].command("SETEVENTS HS_DESC")
    onions = {}
    for key, (node, _) in services.items():
        onions[key] = wait_until(f"{node.name}'s onion name", 20,
                                 lambda n=node: open(f"{n.dir}/hs/hostname").read().strip())
    t.mark("onion services and clients started")

    # The sites. leakmon-demo-server serves the fixture site with links on its onion name.
    spawn(state, "fixture-site",
          [demo_server, "--site-only", "--port", str(fixture_port), "--onion", onions["fixture"],
           "--canary", canary, "--request-log", os.path.join(net_dir, "fixture-requests.log")],
          os.path.join(net_dir, "fixture-site.log"))
    bepasty_dir = os.path.join(net_dir, "bepasty")
    os.makedirs(os.path.join(bepasty_dir, "storage"), mode=0o700)
    token = secrets.token_hex(16)
    bepasty_site.configure(os.path.join(bepasty_dir, "bepasty.conf"), os.path.join(bepasty_dir, "storage"), token)
    spawn(state, "bepasty", [BEPASTY, "--host", "127.0.0.1", "--port", str(bepasty_port)],
          os.path.join(bepasty_dir, "server.log"),
          env=dict(os.environ, BEPASTY_CONFIG=os.path.join(bepasty_dir, "bepasty.conf")))
    bepasty_site.wait_ready(bepasty_port, 20)
    bepasty_truth = bepasty_site.upload_pastes(bepasty_port, token, canary)
    t.mark(f"paste sites up; {len(bepasty_truth)} pastes uploaded through bepasty's web form")

    uploads = {}
    for key, ctl in controls.items():
        uploads[key] = wait_descriptors_uploaded(ctl, 60)
        ctl.close()
    t.mark("onion descriptors uploaded (%s)" % ", ".join(f"{k}: {v} uploads" for k, v in uploads.items()))

    with client.control() as ctl:
        wait_until("the client to bootstrap", 60,
                   lambda: torctl.bootstrap_progress(ctl.getinfo("status/bootstrap-phase")) == 100)
    t.mark("client bootstrapped (100%)")

    for key, path in (("fixture", "/latest"), ("bepasty", "/+list")):
        head = wait_until(f"a first fetch of the {key} onion service", 60,
                          lambda k=key, p=path: socks_fetch(socks_port, onions[k], p, "tornet-probe", 30), 1.0)
        if b" 200 " not in head.split(b"\r\n", 1)[0]:
            raise BringUpError(f"{key} onion service answered: {head[:80]!r}")
    t.mark("first onion fetches through the client succeeded")

    with stranded.control() as ctl:
        stranded_status = ctl.getinfo("status/bootstrap-phase")
    network = {
        "dir": net_dir,
        "netns": state.data["netns"],
        "canary": canary,
        "client": {"socks": f"127.0.0.1:{socks_port}", "control": f"127.0.0.1:{client.control_port}",
                   "cookie": client.cookie},
        "stranded": {"socks": f"127.0.0.1:{stranded_socks}", "control": f"127.0.0.1:{stranded.control_port}",
                     "cookie": stranded.cookie, "bootstrap": stranded_status},
        # What a client of this network needs in its torrc (for leakmon's own tor launch).
        "client_torrc_lines": ["TestingTorNetwork 1"] + dir_authority_lines(authorities),
        "services": {k: {"onion": onions[k], "target_port": p, "tor_pid": _pid_of(state, n.name)}
                     for k, (n, p) in services.items()},
        "fixture": {"request_log": os.path.join(net_dir, "fixture-requests.log")},
        "bepasty": {"people_csv": bepasty_site.PEOPLE_CSV, "plaintext": bepasty_site.PLAINTEXT,
                    "pastes": bepasty_truth, "server_log": os.path.join(bepasty_dir, "server.log")},
        "relays": [{"name": n.name, "fingerprint": n.fingerprint} for n in relays],
        "tor_pids": [p["pid"] for p in state.data["procs"] if p["name"] in names + extra],
        "timings": t.steps,
    }
    with open(os.path.join(net_dir, "network.json"), "w") as f:
        json.dump(network, f, indent=1)
    return network


def _pid_of(state: State, name: str) -> int:
    return next(p["pid"] for p in state.data["procs"] if p["name"] == name)


def print_logs(net_dir: str) -> None:
    """The last lines of every log, for a failed bring-up."""
    for root, _, files in sorted(os.walk(net_dir)):
        for f in sorted(files):
            if f.endswith(".log"):
                path = os.path.join(root, f)
                with open(path, errors="replace") as fh:
                    tail = fh.readlines()[-8:]
                if tail:
                    print(f"---- {os.path.relpath(path, net_dir)}", file=sys.stderr)
                    sys.stderr.writelines(tail)


# ---------------------------------------------------------------- commands

def _attempt_timed_out(*_):
    raise BringUpError("the attempt took longer than its time budget")


def cmd_up(args) -> int:
    net_dir = os.path.abspath(args.dir)
    timings_file = net_dir.rstrip("/") + "-timings.txt"
    if os.path.exists(timings_file):
        os.unlink(timings_file)
    for attempt in range(args.retries + 1):
        print(f"tornet: bring-up attempt {attempt + 1} in {net_dir}", flush=True)
        pid = os.fork()
        if pid == 0:  # the child enters the namespace; the parent stays outside for retries
            signal.signal(signal.SIGALRM, _attempt_timed_out)
            signal.alarm(args.attempt_seconds)
            try:
                net = bring_up(net_dir, os.path.abspath(args.demo_server), args.lifetime)
                signal.alarm(0)
                with open(timings_file, "w") as f:
                    f.write(f"tornet bring-up (attempt {attempt + 1}, namespace: {net['netns'] or 'none'})\n")
                    for step, secs in net["timings"]:
                        f.write(f"{secs:6.1f} s  {step}\n")
                os._exit(0)
            except Exception as e:  # noqa: BLE001 - report any failure, then retry
                print(f"tornet: bring-up failed: {e}", file=sys.stderr, flush=True)
                print_logs(net_dir)
                sys.stderr.flush()
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            return 0
        stop_all(net_dir)
    return 1


def cmd_down(args) -> int:
    net_dir = os.path.abspath(args.dir)
    if os.path.isdir(net_dir):
        stop_all(net_dir)
        if not args.keep:
            shutil.rmtree(net_dir, ignore_errors=True)
    return 0


def cmd_watchdog(args) -> int:
    """Sleeps until SIGTERM or the end of the lifetime, then stops the network."""
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    deadline = time.monotonic() + args.lifetime
    while not stop["now"] and time.monotonic() < deadline:
        time.sleep(0.5)
    stop_all(os.path.abspath(args.dir), keep_pid=os.getpid())
    return 0


def cmd_exec(args) -> int:
    with open(os.path.join(os.path.abspath(args.dir), "network.json")) as f:
        net = json.load(f)
    if net["netns"]:
        enter_netns(net["netns"])
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    return subprocess.call(cmd)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("up")
    up.add_argument("--dir", required=True)
    up.add_argument("--demo-server", required=True)
    up.add_argument("--retries", type=int, default=1)
    up.add_argument("--attempt-seconds", type=int, default=130, help="time budget of one attempt")
    up.add_argument("--lifetime", type=int, default=900, help="seconds before the watchdog stops the network")
    down = sub.add_parser("down")
    down.add_argument("--dir", required=True)
    down.add_argument("--keep", action="store_true", help="keep the directory (logs)")
    wd = sub.add_parser("watchdog")
    wd.add_argument("--dir", required=True)
    wd.add_argument("--lifetime", type=int, required=True)
    ex = sub.add_parser("exec")
    ex.add_argument("--dir", required=True)
    ex.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args()
    return {"up": cmd_up, "down": cmd_down, "watchdog": cmd_watchdog, "exec": cmd_exec}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
