"""ECS conformance of one event, against the field table in tests/data/ecs/.

Every field outside tlsguard.* must be a field of that ECS version, with a JSON
value of its ECS type, an array exactly where ECS normalizes the field to one,
values among its allowed values, and every event.type among the types ECS
expects for each event.category. ecs.version must name the table's version.
"""
import datetime
import ipaddress
import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TABLE = os.path.join(ROOT, "tests", "data", "ecs", "ecs-9.4.0-fields.tsv")

RFC3339 = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
                     r"(Z|[+-][0-9]{2}:[0-9]{2})$")


def _text(v):
    return isinstance(v, str)


def _long(v):
    return isinstance(v, int) and not isinstance(v, bool) and -2**63 <= v < 2**63


def _ip(v):
    try:
        ipaddress.ip_address(v)
        return True
    except (TypeError, ValueError):
        return False


def _date(v):
    if not isinstance(v, str) or not RFC3339.match(v):
        return False
    try:
        datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


# ECS type -> test of one JSON value. A type the table uses but this map lacks
# is reported, never skipped.
JSON_VALUE = {
    "keyword": _text,
    "constant_keyword": _text,
    "wildcard": _text,
    "match_only_text": _text,
    "text": _text,
    "ip": _ip,
    "date": _date,
    "long": _long,
    "boolean": lambda v: isinstance(v, bool),
}


class Table:
    def __init__(self, path=TABLE):
        self.path = path
        self.version = None
        self.fields = {}    # name -> (type, is_array, allowed values or None)
        self.expected = {}  # event.category value -> expected event.type values
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                record, name, typ, array, values = line.rstrip("\n").split("\t")
                vals = None if values == "-" else values.split(",")
                if record == "version":
                    self.version = name
                elif record == "field":
                    self.fields[name] = (typ, array == "array", vals)
                elif record == "expected_event_types":
                    self.expected[name] = vals or []
                else:
                    raise ValueError("%s: unknown record %r" % (path, record))
        if not self.version or not self.fields or not self.expected:
            raise ValueError("%s: no version, fields or expected types" % path)


def flatten(node, prefix=""):
    """(dotted name, value) for every leaf; lists are values."""
    for key, value in node.items():
        name = prefix + key
        if isinstance(value, dict):
            yield from flatten(value, name + ".")
        else:
            yield name, value


def problems(event, table):
    """Every way the event's ECS fields differ from the table; [] when none."""
    found = []
    seen = {}
    for name, value in flatten({k: v for k, v in event.items() if k != "tlsguard"}):
        seen[name] = value
        if name not in table.fields:
            found.append("%s: not among the ECS %s fields of %s" % (
                name, table.version, os.path.relpath(table.path, ROOT)))
            continue
        typ, is_array, allowed = table.fields[name]
        check = JSON_VALUE.get(typ)
        if check is None:
            found.append("%s: ECS type %s has no JSON check" % (name, typ))
            continue
        if is_array != isinstance(value, list):
            found.append("%s: ECS %s %s an array, got %r" % (
                table.version, name, "is" if is_array else "is not", value))
            continue
        for v in value if is_array else [value]:
            if not check(v):
                found.append("%s: %r is not an ECS %s value" % (name, v, typ))
            elif allowed is not None and v not in allowed:
                found.append("%s: %r is not an allowed value in ECS %s" % (
                    name, v, table.version))
    if seen.get("ecs.version") != table.version:
        found.append("ecs.version: %r, the table is ECS %s" % (
            seen.get("ecs.version"), table.version))
    categories = seen.get("event.category")
    types = seen.get("event.type")
    if isinstance(categories, list) and isinstance(types, list):
        for cat in categories:
            expected = table.expected.get(cat)
            if expected is None:
                found.append("event.category %r: no expected event types in the table" % cat)
                continue
            for t in types:
                if t not in expected:
                    found.append("event.type %r is not expected for event.category %r "
                                 "(ECS %s: %s)" % (t, cat, table.version, ", ".join(expected)))
    return found
