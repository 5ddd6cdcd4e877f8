#!/usr/bin/python3
"""Write the ECS field table the event tests check against.

    extract_fields.py ECS_FLAT_YML TAG COMMIT > tests/data/ecs/ecs-TAG-fields.tsv

ECS_FLAT_YML is generated/ecs/ecs_flat.yml of an elastic/ecs checkout at TAG
(git show TAG:generated/ecs/ecs_flat.yml). The fields are those of
every kind of event in docs/tlsguard-event.schema.json outside tlsguard.*: for each, its ECS type,
whether ECS normalizes it to an array, and the names of its allowed values; for
each event.category value the schema allows, the event types ECS expects with it.
Needs python3-yaml (only to regenerate the table; the tests read the TSV).
"""
import json
import os
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SCHEMA = os.path.join(ROOT, "docs", "tlsguard-event.schema.json")


def resolve(schema, node):
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def leaves(schema, node, prefix=""):
    """(dotted name, subschema) for every leaf field the schema allows."""
    for key, sub in node.get("properties", {}).items():
        sub = resolve(schema, sub)
        name = prefix + key
        if sub.get("type") == "object":
            yield from leaves(schema, sub, name + ".")
        else:
            yield name, sub


def event_schemas(schema):
    """The subschema of each kind of event (the schema's oneOf on event.action)."""
    return [resolve(schema, b) for b in schema["oneOf"]]


def ecs_fields(schema):
    found = []
    for node in event_schemas(schema):
        found += [n for n, _ in leaves(schema, node)
                  if n.split(".", 1)[0] != "tlsguard" and n not in found]
    return found


def categories(schema):
    found = []
    for event in event_schemas(schema):
        node = resolve(schema, event["properties"]["event"]["properties"]["category"])
        items = node.get("prefixItems", []) + [node.get("items") or {}]
        for it in items:
            it = resolve(schema, it) if isinstance(it, dict) else {}
            values = [it["const"]] if "const" in it else it.get("enum", [])
            found += [v for v in values if v not in found]
    return found


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    path, tag, commit = argv[1:]
    with open(path, encoding="utf-8") as f:
        flat = yaml.safe_load(f)
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    version = tag.lstrip("v")
    out = sys.stdout
    out.write("# ECS %s field definitions for the ECS fields of mod_tlsguard's events.\n" % version)
    out.write("# Source: elastic/ecs, tag %s (commit %s), generated/ecs/ecs_flat.yml:\n" % (tag, commit))
    out.write("#   per field its `type`, `array` when its `normalize` lists array, and the names\n")
    out.write("#   of its `allowed_values`; per event.category value its `expected_event_types`.\n")
    out.write("# Elastic Common Schema: Copyright Elasticsearch B.V., Apache License 2.0.\n")
    out.write("# Fields: every field of docs/tlsguard-event.schema.json outside tlsguard.*.\n")
    out.write("# Regenerate: python3 tests/data/ecs/extract_fields.py ecs_flat.yml %s %s\n" % (tag, commit))
    out.write("#\n# record\tname\ttype\tarray\tvalues\n")
    out.write("version\t%s\t-\t-\t-\n" % version)
    for name in ecs_fields(schema):
        if name not in flat:
            sys.exit("%s is not a field of ECS %s" % (name, version))
        d = flat[name]
        values = ",".join(v["name"] for v in d.get("allowed_values", [])) or "-"
        array = "array" if "array" in (d.get("normalize") or []) else "-"
        out.write("field\t%s\t%s\t%s\t%s\n" % (name, d["type"], array, values))
    allowed = {v["name"]: v for v in flat["event.category"]["allowed_values"]}
    for cat in categories(schema):
        types = allowed[cat].get("expected_event_types") or []
        out.write("expected_event_types\t%s\t-\t-\t%s\n" % (cat, ",".join(types) or "-"))


if __name__ == "__main__":
    main(sys.argv)
