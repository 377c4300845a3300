#!/usr/bin/python3
"""Checks leakmon's exports against their schemas, and the HTML dashboard in
headless Chromium (Debian's `chromium`).

Usage: check_exports.py SOURCE_DIR EXPORT_DIR
EXPORT_DIR holds out.json, out.ndjson, out.csv, out.stix, out.prometheus and
out.html from one database. Exits 0 when every check passes; prints one line
per failed check otherwise. Uses only Debian packages: python3-jsonschema,
python3-prometheus-client, chromium.
"""
import csv
import io
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

import jsonschema
from prometheus_client.parser import text_string_to_metric_families

SRC, OUT = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def read(name):
    with open(os.path.join(OUT, name), encoding="utf-8") as f:
        return f.read()


def validator(path):
    with open(os.path.join(SRC, path), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def validate(v, doc, what):
    for e in v.iter_errors(doc):
        failures.append(f"{what}: {list(e.path)}: {e.message[:200]}")


# json: the versioned export schema.
doc = json.loads(read("out.json"))
validate(validator("docs/export-schema.json"), doc, "json")
n = len(doc["findings"])
check(n > 0, "json: no findings to check")

# ndjson: one ECS document per finding.
v = validator("tests/exports/ndjson-ecs.schema.json")
lines = read("out.ndjson").splitlines()
check(len(lines) == n, f"ndjson: {len(lines)} lines for {n} findings")
for i, line in enumerate(lines):
    validate(v, json.loads(line), f"ndjson line {i + 1}")

# csv: RFC 4180 with the documented header.
rows = list(csv.reader(io.StringIO(read("out.csv"), newline="")))
check(rows[0] == ["site", "url", "kind", "ref", "hash", "count", "first_seen", "last_seen", "content_sha256", "severity"],
      f"csv: header {rows[0]}")
check(len(rows) == n + 1, f"csv: {len(rows) - 1} rows for {n} findings")

# stix: the STIX 2.1 bundle schema, and the references inside it resolve.
bundle = json.loads(read("out.stix"))
validate(validator("tests/exports/stix21.schema.json"), bundle, "stix")
ids = {o["id"] for o in bundle["objects"]}
check(len(ids) == len(bundle["objects"]), "stix: duplicate ids")
for o in bundle["objects"]:
    for key, value in o.items():
        refs = value if key.endswith("_refs") else [value] if key.endswith("_ref") else []
        for r in refs:
            check(r in ids, f"stix: {o['id']}.{key} -> {r} is not in the bundle")
types = {o["type"] for o in bundle["objects"]}
check({"identity", "infrastructure", "observed-data", "sighting", "url", "file"} <= types, f"stix: types {types}")

# prometheus: the text exposition format, with every documented family.
families = {f.name: f for f in text_string_to_metric_families(read("out.prometheus"))}
for name, kind in [("leakmon_findings", "counter"), ("leakmon_site_up", "gauge"),
                   ("leakmon_last_run_timestamp_seconds", "gauge"), ("leakmon_last_run_success", "gauge"),
                   ("leakmon_pages_fetched", "counter"), ("leakmon_alerts_pending", "gauge")]:
    check(name in families and families[name].type == kind, f"prometheus: {name} ({kind}) missing")
total = sum(s.value for s in families["leakmon_findings"].samples if s.name == "leakmon_findings_total")
check(total == n, f"prometheus: findings_total {total} != {n}")
check(read("out.prometheus").endswith("\n"), "prometheus: no final newline")

# html: self-contained, and the charts render in Chromium in light and dark mode.
html = read("out.html")
check("<script" not in html.lower(), "html: has a script")
check(not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html, re.I), "html: loads something external")
check("@import" not in html and "url(" not in html, "html: CSS loads something")
CHART_IDS = ["chart-findings-over-time", "chart-findings-per-site", "chart-findings-per-severity",
             "chart-site-timeline", "latest-critical"]


def png_pixels(path):
    """Decodes an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            w, h, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            bpp = 3 if color == 2 else 4
        elif ctype == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride, prev, out = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append(bytes(line))
        prev = line
    return w, h, bpp, out


def chromium(args):
    browser = os.environ.get("LEAKMON_CHROMIUM", "chromium")
    base = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--hide-scrollbars"]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=120)


url = "file://" + os.path.abspath(os.path.join(OUT, "out.html"))
with tempfile.TemporaryDirectory() as tmp:
    dom = chromium([f"--user-data-dir={tmp}/p0", "--dump-dom", url])
    check(dom.returncode == 0, f"chromium --dump-dom failed: {dom.stderr[-500:]}")
    for cid in CHART_IDS:
        check(f'id="{cid}"' in dom.stdout, f"html DOM: #{cid} missing")
    check(dom.stdout.count("<rect") >= 10, "html DOM: charts have no bars")
    lum = {}
    for mode, extra in [("light", []), ("dark", ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"])]:
        shot = os.path.join(OUT, f"dashboard-{mode}.png")
        r = chromium([f"--user-data-dir={tmp}/p-{mode}", f"--screenshot={shot}", "--window-size=1280,1400"] + extra + [url])
        check(r.returncode == 0 and os.path.exists(shot), f"chromium screenshot ({mode}) failed: {r.stderr[-500:]}")
        if not os.path.exists(shot):
            continue
        w, h, bpp, rows = png_pixels(shot)
        colours, total = set(), 0
        for row in rows[::4]:
            for x in range(0, w * bpp, bpp * 4):
                px = row[x:x + 3]
                colours.add(px)
                total += sum(px)
        lum[mode] = total / (len(colours) and (len(rows[::4]) * len(range(0, w * bpp, bpp * 4)) * 3))
        check(len(colours) >= 8, f"screenshot ({mode}): only {len(colours)} colours, nothing drawn?")
    if len(lum) == 2:
        check(lum["dark"] < lum["light"] - 60, f"screenshot: dark mode not darker ({lum})")

for f in failures:
    print("FAIL:", f)
print(f"{'ok' if not failures else 'failed'}: {len(failures)} problems")
sys.exit(1 if failures else 0)
