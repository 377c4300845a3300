#!/usr/bin/python3
"""Validates a leakmon STIX export against the official OASIS STIX 2.1 JSON
schemas (github.com/oasis-open/cti-stix2-json-schemas, branch stix2.1).

Usage: check_stix_official.py SCHEMA_DIR BUNDLE.json
SCHEMA_DIR is a local copy of the repository's schemas/ folder (common/,
sdos/, sros/, observables/). The schemas are not part of leakmon and are never
committed; this check is optional and not run by ctest (docs/export-schema.md).

Every object is validated against the schema for its type (draft 2020-12),
with each schema's $id and relative $refs resolved to SCHEMA_DIR only: nothing
is fetched, and a $ref to a file missing from SCHEMA_DIR is an error. The
bundle is validated against common/bundle.json too; that schema's `objects`
items are a oneOf over every STIX type, so when SCHEMA_DIR lacks some of those
types the bundle is checked without its `objects` items (whose schemas are the
per-object checks) and the script says so. `format` is asserted where
python3-jsonschema can (`uri` needs python3-rfc3987). Exits 0 when everything
validates; prints one line per error otherwise. Uses only Debian's
python3-jsonschema.
"""
import copy
import json
import os
import sys

import jsonschema

BASE = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"
FOLDERS = {"sdos", "sros", "observables", "common"}
TYPE_SCHEMA = {"identity": "sdos/identity.json", "infrastructure": "sdos/infrastructure.json",
               "observed-data": "sdos/observed-data.json", "sighting": "sros/sighting.json",
               "relationship": "sros/relationship.json", "url": "observables/url.json",
               "file": "observables/file.json", "marking-definition": "common/marking-definition.json"}


def load_store(root):
    """Every schema file under root, keyed by its stix2.1 URL (the $id the files declare)."""
    store = {}
    for folder in FOLDERS:
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in files:
                if name.endswith(".json"):
                    path = os.path.join(dirpath, name)
                    with open(path, encoding="utf-8") as f:
                        store[BASE + os.path.relpath(path, root).replace(os.sep, "/")] = json.load(f)
    return store


def offline(uri):
    raise jsonschema.RefResolutionError(f"{uri} is not in the schema directory (nothing is fetched)")


def validator(store, rel, schema=None):
    schema = schema if schema is not None else store[BASE + rel]
    resolver = jsonschema.RefResolver(BASE + rel, schema, store=store, handlers={"http": offline, "https": offline})
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    checker = getattr(cls, "FORMAT_CHECKER", None) or jsonschema.draft202012_format_checker
    return cls(schema, resolver=resolver, format_checker=checker)


def main(root, bundle_path):
    store = load_store(root)
    if "uri" not in jsonschema.draft202012_format_checker.checkers:
        print("note: format 'uri' is not asserted (install python3-rfc3987)")
    with open(bundle_path, encoding="utf-8") as f:
        bundle = json.load(f)
    failures, counts = [], {}

    def validate(v, doc, what):
        try:
            for e in v.iter_errors(doc):
                failures.append(f"{what}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
        except jsonschema.RefResolutionError as e:
            failures.append(f"{what}: {e}")

    validators = {}
    for o in bundle.get("objects", []):
        t = o.get("type")
        rel = TYPE_SCHEMA.get(t)
        if rel is None or BASE + rel not in store:
            failures.append(f"{o.get('id')}: no official schema for type {t!r} in {root}")
            continue
        if rel not in validators:
            validators[rel] = validator(store, rel)
        validate(validators[rel], o, o.get("id"))
        counts[t] = counts.get(t, 0) + 1

    bundle_schema = store.get(BASE + "common/bundle.json")
    if bundle_schema is None:
        failures.append(f"common/bundle.json not in {root}")
    else:
        items = bundle_schema["properties"]["objects"]["items"]
        missing = sorted({r["$ref"] for r in _refs(items)} - {"../" + k[len(BASE):] for k in store})
        if missing:
            envelope = copy.deepcopy(bundle_schema)
            envelope["properties"]["objects"]["items"] = {}
            print(f"bundle.json: {len(missing)} of the types its objects oneOf lists are not in {root}; "
                  "bundle checked without its objects' items (each object was checked by its type above)")
            validate(validator(store, "common/bundle.json", envelope), bundle, "bundle")
        else:
            validate(validator(store, "common/bundle.json"), bundle, "bundle")

    for f in failures:
        print("FAIL:", f)
    checked = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
    print(f"{'ok' if not failures else 'failed'}: {sum(counts.values())} objects ({checked}); {len(failures)} problems")
    return 1 if failures else 0


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node
        for v in node.values():
            yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
