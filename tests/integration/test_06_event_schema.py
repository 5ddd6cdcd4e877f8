"""The event documentation and the event schema cannot drift apart.

Every ```json block of docs/events.md (one event per line, written by the encoder
in tests/unit/test_event.c) must validate against docs/tlsguard-event.schema.json;
the schema must be strict (no unknown fields anywhere) and must refuse events that
break its rules. No server is started here.
"""
import copy
import datetime
import json
import os
import re

import jsonschema
import pytest

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


# One example per reason, and one success.
EXAMPLES = len(load_schema()["properties"]["tlsguard"]["properties"]["reason"]["enum"]) + 1


@pytest.mark.parametrize("n", range(EXAMPLES))
def test_example_validates(n):
    lines = example_lines()
    assert len(lines) == EXAMPLES
    line = lines[n]
    event = json.loads(line)
    problems = ["%s: %s" % ("/".join(map(str, e.path)), e.message) for e in errors(event)]
    assert problems == []
    assert len(line.encode("utf-8")) + 1 <= LINE_MAX
    stamp = datetime.datetime.strptime(event["@timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert stamp.year >= 2020


def test_examples_cover_every_reason_and_a_success():
    reasons = load_schema()["properties"]["tlsguard"]["properties"]["reason"]["enum"]
    seen = [e["tlsguard"].get("reason") for e in examples()]
    assert sorted(r for r in seen if r) == sorted(reasons)
    assert seen.count(None) == 1


def test_reason_and_stage_sets_match_the_document():
    props = load_schema()["properties"]["tlsguard"]["properties"]
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
