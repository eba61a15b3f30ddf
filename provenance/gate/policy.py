"""What the gate fails on and whom it allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import PolicyError
from ..model import COPY, INDEPENDENT, PARTIAL, REWRITE_VERDICT, Relation
from ..outlets import same_outlet

FAIL_TOKENS = (COPY, REWRITE_VERDICT, PARTIAL, "uncredited")


DEFAULT_FAIL_ON = (COPY, REWRITE_VERDICT, "uncredited")


_VERDICT_RANK = {COPY: 3, REWRITE_VERDICT: 2, PARTIAL: 1, INDEPENDENT: 0}


_ANY = "*"


@dataclass(frozen=True)
class AllowRule:
    """A licensed syndication pair: ``outlet`` may reuse ``source`` (``*``: any)."""

    outlet: str
    source: str
    #: Where the rule was read (``file:line``), for reports.
    origin: str = ""

    def matches(self, outlet: str | None, source_outlet: str | None) -> bool:
        return _name_matches(self.outlet, outlet) and _name_matches(self.source, source_outlet)

    def __str__(self) -> str:
        return f"{self.outlet} -> {self.source}"


def _name_matches(pattern: str, name: str | None) -> bool:
    return pattern == _ANY or same_outlet(pattern, name)


@dataclass(frozen=True)
class Policy:
    """Which relations fail a check, and which outlet/source pairs are licensed."""

    fail_on: tuple[str, ...] = DEFAULT_FAIL_ON
    allow: tuple[AllowRule, ...] = ()

    def __post_init__(self) -> None:
        unknown = [t for t in self.fail_on if t not in FAIL_TOKENS]
        if unknown or not self.fail_on:
            raise PolicyError(
                f"--fail-on: unknown token {unknown[0]!r}" if unknown else "--fail-on: give at least one token"
            )

    @property
    def verdicts(self) -> frozenset[str]:
        named = {t for t in self.fail_on if t != "uncredited"}
        return frozenset(named or (COPY, REWRITE_VERDICT, PARTIAL))

    @property
    def uncredited_only(self) -> bool:
        return "uncredited" in self.fail_on

    def violates(self, relation: Relation) -> bool:
        """Whether ``relation`` fails: a verdict named, not credited when
        only uncredited ones fail; never the same outlet's own update."""
        if relation.update or relation.verdict not in self.verdicts:
            return False
        return not (self.uncredited_only and relation.credited)

    def allowed_by(self, outlet: str | None, source_outlet: str | None) -> AllowRule | None:
        return next((rule for rule in self.allow if rule.matches(outlet, source_outlet)), None)

    def describe(self) -> str:
        return ",".join(self.fail_on)


DEFAULT_POLICY = Policy()


def parse_fail_on(text: str) -> tuple[str, ...]:
    """``"copy, rewrite,uncredited"`` -> ("copy", "rewrite", "uncredited"), validated, in canonical order."""
    tokens = [t.strip().lower() for t in text.split(",") if t.strip()]
    unknown = [t for t in tokens if t not in FAIL_TOKENS]
    if unknown:
        raise PolicyError(f"unknown --fail-on token {unknown[0]!r}: choose from {', '.join(FAIL_TOKENS)}")
    if not tokens:
        raise PolicyError(f"--fail-on needs at least one of {', '.join(FAIL_TOKENS)}")
    return tuple(t for t in FAIL_TOKENS if t in tokens)


def parse_allow(text: str, origin: str = "<allow>") -> tuple[AllowRule, ...]:
    """Rules from allow-list text: one ``OUTLET -> SOURCE`` a line; ``#`` starts
    a comment line; blank lines are ignored; ``*`` matches any name."""
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        outlet, arrow, source = line.partition("->")
        outlet, source = outlet.strip(), source.strip()
        if not arrow or not outlet or not source or "->" in source:
            raise PolicyError(f"{origin}:{number}: expected 'OUTLET -> SOURCE' (or * for any), got {line!r}")
        rules.append(AllowRule(outlet, source, f"{origin}:{number}"))
    return tuple(rules)


def read_allow_file(path: str | Path) -> tuple[AllowRule, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read the allow list: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_allow(text, str(path))
