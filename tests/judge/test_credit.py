"""Credit in the forms wires are credited: sign-off, trailer and slug lines
of the derived article's own count, the same words inside copied prose do
not, and a line naming another agency credits no one else."""

import pytest

from provenance import Article, analyse
from provenance.judge.credit import credit_evidence
from provenance.judge.pair import judge_pair
from provenance.model import COPY
from provenance.report import text as text_report
from tests.helpers import seed

COPY_000 = seed("000").read_text(encoding="utf-8")
WIRE_002 = seed("002").read_text(encoding="utf-8")
# The last sentence of 000, copied from the wire.
LAST = "no individual types of weapons are able to change this dynamic anymore.'"


@pytest.fixture(scope="module")
def wire():
    return analyse(Article(id="wire", text=WIRE_002, origin="wire.txt"))


def judged(wire, text, key="copy"):
    return judge_pair(wire, analyse(Article(id=key, text=text, origin=f"{key}.txt")))


def test_the_seed_copy_is_uncredited_as_it_stands(wire):
    relation = judged(wire, COPY_000)
    assert (relation.source, relation.verdict, relation.credited) == ("wire", COPY, False)


@pytest.mark.parametrize("text, line", [
    (COPY_000 + "\n- Reuters\n", "- Reuters"),
    (COPY_000 + "\n\n— Reuters", "— Reuters"),
    (COPY_000 + "\n\n– Reuters.", "– Reuters."),
    (COPY_000 + "\n\n-- REUTERS", "-- REUTERS"),
    (COPY_000 + "\n\nReuters", "Reuters"),
    (COPY_000 + "\n\n(Reuters)", "(Reuters)"),
    (COPY_000 + "\n\nAdditional reporting by Reuters", "Additional reporting by Reuters"),
    (COPY_000 + "\n\nWith Reuters", "With Reuters"),
    (COPY_000 + "\n\nReuters/AFP", "Reuters/AFP"),
    (COPY_000 + "\n\nThomson Reuters and agencies", "Thomson Reuters and agencies"),
    # Before the furniture a page ends with, or a copyright line after it.
    (COPY_000.replace("0 Comments", "— Reuters\n\n0 Comments"), "— Reuters"),
    (COPY_000 + "\n\n- Reuters\n\n© 2024 Daily Example", "- Reuters"),
    # At the top: a bare agency line, first or under the headline.
    ("Reuters\n" + COPY_000, "Reuters"),
    ("Putin denies call with Trump\n\nREUTERS\n\n" + COPY_000, "REUTERS"),
])
def test_each_signoff_form_credits_the_wire(wire, text, line):
    relation = judged(wire, text)
    assert (relation.source, relation.verdict, relation.credited) == ("wire", COPY, True)
    assert relation.credit_evidence == (line,)
    source, derived = wire, analyse(Article(id="copy", text=text, origin="copy.txt"))
    assert "verdict: copy, credited" in text_report.render_compare(relation, source, derived)


@pytest.mark.parametrize("slug", ["PA", "- PA", "Press Association", "PA Media", "(PA)", "By Press Association"])
def test_british_slugs_credit_the_press_association(slug):
    wire = analyse(Article(id="wire", text=WIRE_002, outlet="PA", origin="wire.txt"))
    bottom = judged(wire, COPY_000 + "\n\n" + slug)
    top = judged(wire, slug + "\n\n" + COPY_000)
    for relation in (bottom, top):
        assert (relation.verdict, relation.credited, relation.credit_evidence) == (COPY, True, (slug,))


@pytest.mark.parametrize("text", [
    # Inside copied prose, on the line of a copied sentence.
    COPY_000.replace(LAST, LAST + " — Reuters"),
    COPY_000.replace("citing an unidentified source.", "citing an unidentified source - Reuters."),
    # "pa" and "ap" in lower case are words, not agencies.
    COPY_000 + "\n\npa",
    # A copied sentence naming the wire, alone on the last line: prose, not a sign-off.
    COPY_000 + "\n\nReuters also reported on the call, citing an unidentified source.",
])
def test_the_same_words_in_prose_do_not_credit(wire, text):
    relation = judged(wire, text)
    assert relation.verdict == COPY and relation.credited is False


@pytest.mark.parametrize("line", ["- AFP", "— AP", "(AFP)", "PA", "With AFP", "Bloomberg"])
def test_a_signoff_naming_another_agency_does_not_credit_reuters(wire, line):
    relation = judged(wire, COPY_000 + "\n\n" + line)
    assert relation.verdict == COPY and relation.credited is False
    relation = judged(wire, line + "\n\n" + COPY_000)
    assert relation.verdict == COPY and relation.credited is False


def test_a_source_known_only_by_its_site_is_credited_and_chosen_by_the_signoff():
    # Neither text is dated or carries a wire's dateline; the source is
    # known as reuters.com by its address only, so the sign-off is the clue
    # that says which way the copy went.
    body = ("The central bank raised its main interest rate by half a point on Thursday. "
            "Governor Anna Berg said inflation had stayed above target for too long. "
            "Markets had expected a smaller increase of a quarter point.")
    site = analyse(Article(id="site", text=body, url="https://www.reuters.com/markets/rates"))
    paper = analyse(Article(id="paper", text=body + "\n\n— Reuters"))
    relation = judge_pair(site, paper)
    assert (relation.source, relation.derived, relation.credited) == ("site", "paper", True)
    assert "paper credits site" in relation.direction_reasons
    # Without the sign-off nothing but length decides.
    plain = judge_pair(site, analyse(Article(id="paper", text=body)))
    assert not any("credits" in reason for reason in plain.direction_reasons)


def test_credit_evidence_reads_the_signoff_with_the_attribution_lines(wire):
    derived = analyse(Article(id="copy", text="Reuters\n\n" + COPY_000 + "\n\nSource: Reuters", origin="c.txt"))
    relation = judge_pair(wire, derived)
    assert credit_evidence(wire, derived, relation.ledger) == ("Source: Reuters", "Reuters")
