"""The event documentation, the event schema and ECS cannot drift apart.

Every ```json block of docs/events.md (one event per line, written by the encoder
in tests/unit/test_event.c) must validate against docs/tlsguard-event.schema.json;
the schema must be strict (no unknown fields anywhere) and must refuse events that
break its rules. Every field the schema allows outside tlsguard.* must be an ECS
field of the version in tests/data/ecs/ with a matching type and allowed values,
and the ECS check (tg_ecs, also applied to every event test_05 provokes) must
refuse events that break ECS. No server is started here.
"""
import copy
import datetime
import json
import os
import re

import jsonschema
import pytest

import tg_ecs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "events.md")
SCHEMA = os.path.join(ROOT, "docs", "tlsguard-event.schema.json")
LINE_MAX = 4096


def load_schema():
    with open(SCHEMA, encoding="utf-8") as f:
        return json.load(f)


def validator():
    schema = load_schema()
    cls = jsonschema.Draft202012Validator
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def doc_text():
    with open(DOC, encoding="utf-8") as f:
        return f.read()


def example_lines():
    blocks = re.findall(r"```json\n(.*?)```", doc_text(), re.S)
    lines = [l for b in blocks for l in b.splitlines() if l.strip()]
    assert lines, "docs/events.md has no ```json examples"
    return lines


def examples():
    return [json.loads(l) for l in example_lines()]


def errors(event):
    return sorted(validator().iter_errors(event), key=lambda e: list(e.path))


def test_schema_is_a_valid_schema():
    jsonschema.Draft202012Validator.check_schema(load_schema())


def objects(node, path="#"):
    """Every subschema that describes an object, with its location."""
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield path, node
        for k, v in node.items():
            yield from objects(v, path + "/" + k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from objects(v, "%s/%d" % (path, i))


def test_schema_closes_every_object():
    found = list(objects(load_schema()))
    assert len(found) >= 12
    for path, node in found:
        assert node.get("additionalProperties") is False, path


def handshake_schema():
    return load_schema()["$defs"]["handshake"]


def example_count():
    """One example per reason of the schema, one success and one would_reject report."""
    return len(handshake_schema()["properties"]["tlsguard"]["properties"]["reason"]["enum"]) + 2


def test_one_example_per_reason_and_a_success():
    assert len(example_lines()) == example_count()


@pytest.mark.parametrize("n", range(example_count()))
def test_example_validates(n):
    line = example_lines()[n]
    event = json.loads(line)
    problems = ["%s: %s" % ("/".join(map(str, e.path)), e.message) for e in errors(event)]
    assert problems == []
    assert len(line.encode("utf-8")) + 1 <= LINE_MAX
    stamp = datetime.datetime.strptime(event["@timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert stamp.year >= 2020


def test_examples_cover_every_reason_and_a_success():
    reasons = handshake_schema()["properties"]["tlsguard"]["properties"]["reason"]["enum"]
    seen = [e["tlsguard"].get("reason") for e in examples()
            if not e["tlsguard"].get("verdict")]
    assert sorted(r for r in seen if r) == sorted(reasons)
    assert seen.count(None) == 1
    assert [e["tlsguard"]["verdict"] for e in examples()
            if e["tlsguard"].get("verdict")] == ["would_reject"]


def test_reason_and_stage_sets_match_the_document():
    props = handshake_schema()["properties"]["tlsguard"]["properties"]
    text = doc_text()
    table = text.split("### The reasons", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", table, re.M)
    assert sorted(documented) == sorted(props["reason"]["enum"])
    stages = text.split("### Stages", 1)[1].split("\n### ", 1)[0]
    rows = set(re.findall(r"\| `([a-z_]+)` \|$", stages, re.M))
    assert rows == set(props["stage"]["enum"])
    reasons = text.split("### Reasons", 1)[1].split("\nNotes", 1)[0]
    rows = set(re.findall(r"\| `([a-z_]+)`", reasons))
    assert rows == set(props["reason"]["enum"])


def failure_example():
    return copy.deepcopy(next(e for e in examples()
                              if e["tlsguard"].get("reason") == "client_rejected_certificate"))


def success_example():
    return copy.deepcopy(next(e for e in examples() if "reason" not in e["tlsguard"]))


def mutations():
    def unknown_top(e):
        e["extra"] = 1

    def unknown_nested(e):
        e["tlsguard"]["alert"]["received"]["extra"] = 1

    def unknown_client(e):
        e["tls"]["client"]["ja4"] = "x"

    def bad_reason(e):
        e["tlsguard"]["reason"] = "bogus"

    def bad_stage(e):
        e["tlsguard"]["stage"] = "handshake"

    def no_reason(e):
        del e["tlsguard"]["reason"]

    def established_failure(e):
        e["tls"]["established"] = True

    def bad_ja3(e):
        e["tls"]["client"]["ja3"] = "ABC"

    def bad_port(e):
        e["source"]["port"] = 70000

    def bad_ip(e):
        e["source"]["ip"] = "not-an-address"

    def bad_time(e):
        e["@timestamp"] = "2026-11-23 09:44:05"

    def half_alert(e):
        del e["tlsguard"]["alert"]["received"]["name"]

    def empty_list(e):
        e["tlsguard"]["client"]["groups"] = []

    def truncated_false(e):
        e["tlsguard"]["truncated"] = False

    return [unknown_top, unknown_nested, unknown_client, bad_reason, bad_stage,
            no_reason, established_failure, bad_ja3, bad_port, bad_ip, bad_time,
            half_alert, empty_list, truncated_false]


@pytest.mark.parametrize("mutate", mutations(), ids=lambda f: f.__name__)
def test_schema_refuses_broken_failures(mutate):
    event = failure_example()
    assert errors(event) == []
    mutate(event)
    assert errors(event) != []


def test_established_follows_the_stage():
    """A failed later handshake followed an established first one; no other
    failure established anything."""
    later = copy.deepcopy(next(e for e in examples()
                               if e["tlsguard"].get("reason") == "renegotiation_refused"))
    assert later["tlsguard"]["stage"] == "renegotiation"
    assert later["tls"]["established"] is True
    assert errors(later) == []
    later["tls"]["established"] = False
    assert errors(later) != []
    later["tls"]["established"] = True
    later["tlsguard"]["stage"] = "post_handshake_auth"
    assert errors(later) == []
    first = failure_example()
    first["tlsguard"]["stage"] = "renegotiation"
    assert errors(first) != []  # established false at a later stage


def test_schema_refuses_broken_successes():
    event = success_example()
    assert errors(event) == []
    bad = copy.deepcopy(event)
    bad["tlsguard"]["reason"] = "other"
    assert errors(bad) != []
    bad = copy.deepcopy(event)
    bad["tlsguard"]["stage"] = "finished"
    assert errors(bad) != []
    bad = copy.deepcopy(event)
    bad["event"]["type"] = ["connection", "denied", "error"]
    assert errors(bad) != []


# ---- ECS ---------------------------------------------------------------------------------

EVENT_H = os.path.join(ROOT, "mod_src", "core", "tg_event.h")


def ecs_table():
    return tg_ecs.Table()


def schema_leaves(schema, node=None, prefix=""):
    """(dotted name, subschema) for every leaf field the schema allows."""
    def resolve(n):
        while "$ref" in n:
            n = schema["$defs"][n["$ref"].rsplit("/", 1)[1]]
        return n

    node = schema if node is None else node
    for key, sub in node.get("properties", {}).items():
        sub = resolve(sub)
        if sub.get("type") == "object":
            yield from schema_leaves(schema, sub, prefix + key + ".")
        else:
            yield prefix + key, sub, resolve


def event_schemas(schema):
    """The subschema of each kind of event (the oneOf on event.action), handshake first."""
    return [schema["$defs"][b["$ref"].rsplit("/", 1)[1]] for b in schema["oneOf"]]


def schema_ecs_fields():
    """Every ECS field of every kind of event; a field several kinds share is
    described as the handshake event has it."""
    schema, fields = load_schema(), {}
    for node in event_schemas(schema):
        for n, sub, res in schema_leaves(schema, node):
            if n.split(".", 1)[0] != "tlsguard":
                fields.setdefault(n, (sub, res))
    return fields


def test_ecs_table_names_its_source_and_matches_the_encoder():
    with open(tg_ecs.TABLE, encoding="utf-8") as f:
        header = "".join(l for l in f if l.startswith("#"))
    table = ecs_table()
    assert table.version == "9.4.0"
    assert "elastic/ecs, tag v9.4.0 (commit 354fd8d0ca99faa15405d1ea1d3bb396724d3e5a)" in header
    assert "generated/ecs/ecs_flat.yml" in header
    with open(EVENT_H, encoding="utf-8") as f:
        m = re.search(r'#define TG_EVENT_ECS_VERSION "([0-9.]+)"', f.read())
    assert m and m.group(1) == table.version
    assert table.expected["network"] == ["access", "allowed", "connection", "denied",
                                         "end", "info", "protocol", "start"]


def test_ecs_table_lists_exactly_the_schema_ecs_fields():
    assert sorted(schema_ecs_fields()) == sorted(ecs_table().fields)


def schema_values(sub):
    """The JSON values a leaf subschema names (const/enum), or None if open."""
    if "const" in sub:
        return [sub["const"]]
    if "enum" in sub:
        return list(sub["enum"])
    return None


SCHEMA_TYPE = {"keyword": "string", "match_only_text": "string", "ip": "string",
               "date": "string", "long": "integer", "boolean": "boolean"}


def test_every_schema_ecs_field_has_the_ecs_type_and_values():
    """Static: whatever event the schema admits, its ECS fields are ECS-typed, its
    fixed values are ECS's allowed values, and its event.type values are expected
    for event.category network."""
    table = ecs_table()
    fields = schema_ecs_fields()
    for name, (sub, resolve) in sorted(fields.items()):
        typ, is_array, allowed = table.fields[name]
        assert (sub.get("type") == "array") == is_array, name
        if is_array:
            items = [resolve(i) for i in sub.get("prefixItems", [])]
            if isinstance(sub.get("items"), dict):
                items.append(resolve(sub["items"]))
            assert items, name
        else:
            items = [sub]
        for item in items:
            values = schema_values(item)
            if values is None:
                assert item.get("type") == SCHEMA_TYPE[typ], (name, item)
                assert allowed is None, "%s: ECS allows only %s; the schema must too" % (
                    name, allowed)
            else:
                for v in values:
                    assert tg_ecs.JSON_VALUE[typ](v), (name, v)
                    assert allowed is None or v in allowed, (name, v)
    category, _ = fields["event.category"]
    assert [schema_values(i) for i in category["prefixItems"]] == [["network"]]
    assert category["items"] is False
    etype, _ = fields["event.type"]
    assert etype["items"] is False
    types = [t for i in etype["prefixItems"] for t in schema_values(i)]
    assert sorted(types) == ["allowed", "connection", "denied", "end", "info"]
    assert set(types) <= set(table.expected["network"])


@pytest.mark.parametrize("n", range(example_count()))
def test_example_is_ecs(n):
    event = examples()[n]
    assert tg_ecs.problems(event, ecs_table()) == []


def ecs_mutations():
    def not_ecs(e):
        e["tls"]["client"]["ja4"] = "t13d1516h2_8daaf6152771_e5627efa2ab1"

    def unknown_group(e):
        e["network"] = {"transport": "tcp", "bogus": 1}

    def type_error_for_network(e):
        e["event"]["type"] = ["connection", "error"]

    def type_not_ecs(e):
        e["event"]["type"] = ["connection", "refused"]

    def kind_not_allowed(e):
        e["event"]["kind"] = "handshake"

    def category_not_array(e):
        e["event"]["category"] = "network"

    def server_name_array(e):
        e["tls"]["client"]["server_name"] = ["www.example.org"]

    def port_string(e):
        e["source"]["port"] = "51334"

    def port_bool(e):
        e["destination"]["port"] = True

    def duration_float(e):
        e["event"]["duration"] = 2.5

    def ip_not_ip(e):
        e["destination"]["ip"] = "localhost"

    def date_not_date(e):
        e["@timestamp"] = "yesterday"

    def established_string(e):
        e["tls"]["established"] = "false"

    def old_ecs_version(e):
        e["ecs"]["version"] = "8.17.0"

    def no_ecs_version(e):
        del e["ecs"]

    return [not_ecs, unknown_group, type_error_for_network, type_not_ecs,
            kind_not_allowed, category_not_array, server_name_array, port_string, port_bool,
            duration_float, ip_not_ip, date_not_date, established_string,
            old_ecs_version, no_ecs_version]


@pytest.mark.parametrize("mutate", ecs_mutations(), ids=lambda f: f.__name__)
def test_ecs_check_refuses_broken_events(mutate):
    event = failure_example()
    table = ecs_table()
    assert tg_ecs.problems(event, table) == []
    mutate(event)
    assert tg_ecs.problems(event, table) != []


def test_ecs_check_ignores_tlsguard_fields():
    event = failure_example()
    event["tlsguard"]["anything"] = {"nested": ["x"]}
    assert tg_ecs.problems(event, ecs_table()) == []
