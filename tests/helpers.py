"""Constants and helpers shared by the test files (fixtures are in
conftest.py; reference implementations in reference.py)."""

from __future__ import annotations

import os
import random
from pathlib import Path

from provenance import Article, analyse
from tests.hypothesis_or_skip import HealthCheck, settings, st

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
GOLDEN = Path(__file__).resolve().parent / "golden"


def seed_id(prefix: str) -> str:
    """The full id of the seed whose file name starts with ``prefix``."""
    return next(p.stem for p in SEEDS.glob(f"{prefix}_*.txt"))


def seed(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix``."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def synthetic_article(item) -> Article:
    """A generated article as the package reads it from JSON."""
    return Article(id=item.id, text=item.text, title=item.title, outlet=item.outlet,
                   published=item.published, origin=f"{item.id}.json")


def generated_pairs(count):
    """``count`` (source, derived) document pairs from the synthetic news
    generator: copies, rewrites, partial reuse and unrelated texts."""
    from benchmarks.generate import NewsGenerator

    generator = NewsGenerator(seed=5, words=(150, 300))
    wires = list(generator.stories(count))
    feed = generator.feed(wires, count, mix={"copy": 1, "rewrite": 1, "partial": 1, "unrelated": 0.5})
    by_id = {w.id: w for w in wires}
    pairs = []
    for article, truth in zip(feed.articles, feed.truth):
        source = by_id.get(truth.source) or wires[len(pairs) % len(wires)]
        pairs.append(tuple(analyse(Article(id=a.id, text=a.text, outlet=a.outlet, published=a.published))
                           for a in (source, article)))
    return pairs


def rendered(result):
    """A scan's JSON and full text reports: what must not change."""
    from provenance.report import json as json_report
    from provenance.report import text as text_report

    return json_report.dumps(json_report.scan_document(result)), text_report.render_scan(result, show_all=True)


def invoke(*args):
    """``provenance ARGS...`` through click's runner, exceptions raised."""
    from click.testing import CliRunner

    from provenance.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def check_golden(name: str, rendered: str) -> None:
    """``rendered`` equals tests/golden/``name``; ``PROVENANCE_UPDATE_GOLDEN=1`` rewrites it."""
    path = GOLDEN / name
    if os.environ.get("PROVENANCE_UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; set PROVENANCE_UPDATE_GOLDEN=1 to create it"
    assert rendered == path.read_text(encoding="utf-8")


# --- texts ------------------------------------------------------------------------------

#: Five sentences of a central bank story: the source the ledger and the
#: verdict tests rewrite.
CENTRAL_BANK = (
    "The central bank raised its main interest rate by half a point on Thursday. "
    "Governor Anna Berg said inflation had stayed above target for too long. "
    "Markets had expected a smaller increase of a quarter point. "
    "The currency rose two percent against the dollar after the announcement. "
    "Economists warned that mortgage costs would climb sharply next year."
)

TRICKY = [
    "Straße ﬁne don’t rock'n'roll dogs' 'tis ÉCOLE naïve 😀 x`y", "", "a", "Ⅻ ½ ㈱ İstanbul ΣΑΣ ǅ",
    "word’s ’’ a’b’c _x_ 12_3 ‘quoted’ “double” — dash", "MOSCOW (Reuters) - U.S. Sen. O'Neill’s 2,000",
]

def random_texts(count, seed=3):
    rng = random.Random(seed)
    alphabet = "ab’'- _.ÉéßİΣ😀\n1ﬁ`"
    return [''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def doc(text, key="a"):
    """The analysed document of ``text``."""
    return analyse(Article(id=key, text=text))


def tiny_model(**changes):
    """A two-feature model: copying in 8+ runs pushes toward whole reuse."""
    from provenance.judge.verdict_model import MODEL_FORMAT

    data = {
        "format": MODEL_FORMAT,
        "features": ["run_coverage_8", "log_words"],
        "classes": ["independent", "partial", "whole"],
        "mean": [0.2, 5.0], "scale": [0.2, 1.0], "low": [0.0, 2.0], "high": [1.0, 8.0],
        "coef": [[-2.0, 0.0], [0.0, 0.5], [2.0, -0.5]],
        "intercept": [0.0, 0.2, 0.0],
    }
    data.update(changes)
    return data


# --- hypothesis strategies ------------------------------------------------------------

WORDS = st.sampled_from(
    "minister bank rate rose fell police court judge city council river storm talks deal vote "
    "said on the a of in Monday Tuesday percent million year people government report border".split()
)
SENTENCE = st.lists(WORDS, min_size=4, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")
TEXT = st.lists(SENTENCE, min_size=1, max_size=8).map(" ".join)
ANY_TEXT = st.text(min_size=1, max_size=400).filter(lambda t: any(c.isalnum() for c in t))

#: Few examples: the invariants run whole stages on each.
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Letters, marks, digits, apostrophes, compatibility forms that fold to
# several letters (or to a space), astral characters and separators.
HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ éÉßİı’'_-.  \n\t0²½ﬁﬀŉǅΚαβ") + ["\u00a8", "\u3000", "\ufdfa", "\U0001F600", "\U0001D400"]),
    max_size=60,
)
