#!/usr/bin/env python3
"""Crawl benchmark through the private Tor network of tests/tornet.

    bench/tornet_crawl_bench.py --build build [--pastes 300] [--sites 5]
        [--crawl-option 'concurrency = 8' ...] [--net-dir DIR] [--leakmon PATH]

Brings a private Tor network up (tests/tornet/tornet.py; or uses the one
already running in --net-dir, which must be fresh: its spare onion service
"stoppable" must still run), serves the benchmark paste site behind that
onion service (leakmon-demo-server --bench-pastes: --sites listings sharing
--pastes pastes of ~4 KB), and crawls it once with leakmon through the
network's client, one leakmon site per listing (so each site has its own
circuits). It reports:

  - pages per minute: pages fetched / wall time of `leakmon crawl`;
  - CPU seconds of leakmon (rusage of the process), and per page;
  - CPU seconds of the client tor, of the onion service's tor, of the 6
    relays and authorities, and of the paste site, each less what the same
    processes spend idle over as long (sampled before the crawl: a network
    with 10-second voting rounds is never quite idle).

Every number is from one run on this machine; nothing here is a test. The
network is stopped at the end unless --net-dir was given.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "tornet"))
import tornet  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PEOPLE = "kind,value,ref\nemail,matti.virtanen@example.fi,P-1001\nname,Matti Virtanen,P-1001\n"


def cpu_seconds(pid: int) -> float:
    """utime + stime of a running process, in seconds (0 if gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError):
        return 0.0


def groups(net_dir: str) -> dict[str, list[int]]:
    """Network processes by role, from the bring-up's state file."""
    procs = tornet.State(net_dir).data["procs"]
    by_name = {p["name"]: p["pid"] for p in procs}
    return {
        "client tor": [by_name["client"]],
        "onion service tor": [by_name["hs-stoppable"]],
        "relays + authorities (6 tors)": [by_name[n] for n in by_name if n.startswith(("auth", "relay"))],
    }


def sample(g: dict[str, list[int]]) -> dict[str, float]:
    return {k: sum(cpu_seconds(p) for p in pids) for k, pids in g.items()}


def run(argv: list[str], cwd: str) -> tuple[str, float]:
    """Runs argv to completion; returns (stdout, wall seconds). Its CPU time
    goes to this process's RUSAGE_CHILDREN."""
    start = time.monotonic()
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 3):
        sys.exit(f"bench: {argv[1]} failed (exit {p.returncode}): {p.stderr.strip()}")
    return p.stdout, time.monotonic() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--leakmon", help="the leakmon binary to measure (default: the build's)")
    ap.add_argument("--pastes", type=int, default=300)
    ap.add_argument("--sites", type=int, default=5)
    ap.add_argument("--crawl-option", action="append", default=[],
                    help="a line for leakmon's [crawl] section, e.g. 'concurrency = 8'")
    ap.add_argument("--idle-seconds", type=float, default=15.0, help="idle sampling before the crawl")
    ap.add_argument("--net-dir", help="use the network already running there")
    args = ap.parse_args()

    build = os.path.abspath(args.build)
    leakmon = os.path.abspath(args.leakmon) if args.leakmon else os.path.join(build, "app", "leakmon")
    demo_server = os.path.join(build, "tests", "leakmon-demo-server")
    own_net = args.net_dir is None
    net_dir = args.net_dir or tempfile.mkdtemp(prefix="tornet-bench-")
    work = tempfile.mkdtemp(prefix="tornet-bench-work-")
    site = None
    try:
        if own_net:
            t = time.monotonic()
            subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tornet", "tornet.py"), "up",
                            "--dir", net_dir, "--demo-server", demo_server], check=True)
            print(f"bench: network up in {time.monotonic() - t:.1f} s")
        with open(os.path.join(net_dir, "network.json")) as f:
            net = json.load(f)
        if net["netns"]:
            tornet.enter_netns(net["netns"])
        spare = net["services"]["stoppable"]
        if cpu_seconds(spare["tor_pid"]) == 0.0:
            sys.exit("bench: the network's spare onion service is not running (the tests stopped it?)")

        site = subprocess.Popen([demo_server, "--site-only", "--port", str(spare["target_port"]),
                                 "--onion", spare["onion"], "--bench-pastes", str(args.pastes),
                                 "--bench-listings", str(args.sites)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if site.stdout.readline().strip() != "ready":
            sys.exit("bench: the paste site did not start")

        with open(os.path.join(work, "people.csv"), "w") as f:
            f.write(PEOPLE)
        config = f"[tor]\nproxy = \"socks5h://{net['client']['socks']}\"\n\n[crawl]\n"
        config += "".join(line + "\n" for line in args.crawl_option)
        for k in range(args.sites):
            config += (f"\n[[site]]\nname = \"bench-{k}\"\nstart = [\"http://{spare['onion']}/bench/{k}\"]\n"
                       "items = '/paste/[0-9]+-[0-9]+$'\nmax_pages = 100000\n")
        with open(os.path.join(work, "leakmon.toml"), "w") as f:
            f.write(config)
        run([leakmon, "keygen", "--out", "leakmon.key"], work)
        run([leakmon, "hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", "identifiers.lmids"], work)

        g = groups(net_dir)
        g["paste site"] = [site.pid]
        before = sample(g)
        time.sleep(args.idle_seconds)
        idle_rate = {k: (v - before[k]) / args.idle_seconds for k, v in sample(g).items()}

        before = sample(g)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out, wall = run([leakmon, "crawl", "--config", "leakmon.toml"], work)
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        after = sample(g)
        leakmon_cpu = (children_after.ru_utime - children_before.ru_utime +
                       children_after.ru_stime - children_before.ru_stime)

        pages = sum(int(line.split(": ", 1)[1].split()[0]) for line in out.splitlines() if ": " in line)
        findings = sum(int(line.split(", ")[2].split()[0]) for line in out.splitlines() if ", " in line)
        print(f"bench: {args.sites} sites, {args.pastes} pastes, crawl options: "
              f"{'; '.join(args.crawl_option) or 'defaults'}")
        print(out, end="")
        print("| measure | value |\n|---|---|")
        print(f"| pages fetched | {pages} ({findings} new findings) |")
        print(f"| wall time | {wall:.1f} s |")
        print(f"| pages per minute | {pages / wall * 60:.0f} |")
        print(f"| leakmon CPU | {leakmon_cpu:.2f} s ({leakmon_cpu / max(pages, 1) * 1000:.2f} ms/page) |")
        for k in g:
            spent = after[k] - before[k]
            busy = spent - idle_rate[k] * wall
            print(f"| {k} CPU | {busy:.2f} s (measured {spent:.2f} s, idle rate {idle_rate[k] * 100:.1f}% of a core) |")
        return 0
    finally:
        if site:
            site.terminate()
            site.wait()
        shutil.rmtree(work, ignore_errors=True)
        if own_net:
            subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tornet", "tornet.py"), "down",
                            "--dir", net_dir], check=False)


if __name__ == "__main__":
    sys.exit(main())
