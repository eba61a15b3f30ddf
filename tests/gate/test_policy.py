"""What the gate fails on (--fail-on) and whom it allows (the allow list)."""

from __future__ import annotations

import dataclasses

import pytest

from provenance.errors import PolicyError
from provenance.gate.check import check
from provenance.gate.policy import AllowRule, Policy, parse_allow, parse_fail_on
from tests.helpers import SEEDS


def _others(*prefixes: str) -> list:
    return [next(SEEDS.glob(f"{p}_*.txt")) for p in prefixes]


@pytest.mark.parametrize(("text", "tokens"), [
    ("copy,rewrite,uncredited", ("copy", "rewrite", "uncredited")),
    (" Uncredited , COPY ", ("copy", "uncredited")),
    ("partial", ("partial",)),
])
def test_fail_on_tokens_parse(text, tokens):
    assert parse_fail_on(text) == tokens


@pytest.mark.parametrize("text", ["", " , ", "copy,verbatim"])
def test_bad_fail_on_tokens_are_refused(text):
    with pytest.raises(PolicyError):
        parse_fail_on(text)


@pytest.mark.parametrize(("fail_on", "verdict", "credited", "fails"), [
    (("copy", "rewrite", "uncredited"), "copy", False, True),
    (("copy", "rewrite", "uncredited"), "copy", True, False),
    (("copy", "rewrite", "uncredited"), "partial", False, False),
    (("copy",), "copy", True, True),  # without "uncredited", credit does not matter
    (("copy",), "rewrite", False, False),
    (("uncredited",), "partial", False, True),  # no verdict named: all three
    (("uncredited",), "independent", False, False),
    (("partial",), "partial", True, True),
])
def test_policy_decides_by_verdict_and_credit(fail_on, verdict, credited, fails, wire_index):
    relation = check(_others("000"), index=str(wire_index)).articles[0].relation
    relation = dataclasses.replace(relation, verdict=verdict, credited=credited)
    assert Policy(fail_on).violates(relation) is fails


def test_allow_list_format():
    rules = parse_allow("# licensed\n\nDaily Ledger -> Reuters\n  * -> AP  \n", "allow.txt")
    assert rules == (AllowRule("Daily Ledger", "Reuters", "allow.txt:3"), AllowRule("*", "AP", "allow.txt:4"))
    assert rules[1].matches(None, "Associated Press")  # wire aliases match
    assert rules[0].matches("daily ledger", "Thomson Reuters") and not rules[0].matches("Other", "Reuters")
    with pytest.raises(PolicyError, match=r"allow.txt:2: expected 'OUTLET -> SOURCE'"):
        parse_allow("ok -> fine\njust an outlet\n", "allow.txt")
