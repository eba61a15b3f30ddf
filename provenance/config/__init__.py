"""All tunable parameters, in one frozen object with validated values, a
section per stage.

Every tuned constant of the pipeline lives here with a note saying what it
was calibrated on; no stage keeps a tuned literal of its own. Anything that
changes fingerprints (and so must match between an index and a query) is
listed in :data:`FINGERPRINT_FIELDS`.

Settings are built by section or with flat keywords, and read by section::

    >>> settings = Settings(num_perm=64, rewrite_threshold=0.5)
    >>> settings.fingerprint.num_perm, settings.align.rewrite_threshold
    (64, 0.5)
    >>> settings == Settings(fingerprint=FingerprintSettings(num_perm=64), align=AlignSettings(rewrite_threshold=0.5))
    True
    >>> Settings(num_perm=3)
    Traceback (most recent call last):
    ...
    provenance.errors.ConfigError: setting num_perm=3 is invalid: expected an integer from 16 to 1024
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from ..errors import ConfigError
from .constants import (
    ATTRIBUTION_MAX_CHARS,
    DEFAULT_MAX_CANDIDATES,
    FINGERPRINT_FIELDS,
    INDEX_TASK_SIZE,
    MIN_WRAPPED_LINE,
    RECALL_WEIGHTS,
    SCAN_GC_THRESHOLDS,
    SOURCE_NAME_MAX_CHARS,
    SOURCE_NAME_MAX_WORDS,
    TEXT_VERSION,
    TITLE_MAX_CHARS,
    TOP_PARAGRAPHS,
    VOCABULARY_LIMIT,
)
from .sections import (
    SECTIONS,
    AlignSettings,
    CandidateSettings,
    DirectionSettings,
    FingerprintSettings,
    ScanSettings,
    StorySettings,
    VerdictSettings,
    _bad,
)

__all__ = [
    "ATTRIBUTION_MAX_CHARS", "AlignSettings", "CandidateSettings", "DEFAULT_MAX_CANDIDATES", "DEFAULT_SETTINGS",
    "DirectionSettings", "FINGERPRINT_FIELDS", "FingerprintSettings", "INDEX_TASK_SIZE", "MIN_WRAPPED_LINE",
    "RECALL_WEIGHTS", "REPORTED", "SCAN_GC_THRESHOLDS", "SECTIONS", "SOURCE_NAME_MAX_CHARS", "SOURCE_NAME_MAX_WORDS",
    "ScanSettings", "Settings", "StorySettings", "TEXT_VERSION", "TITLE_MAX_CHARS", "TOP_PARAGRAPHS",
    "VOCABULARY_LIMIT", "VerdictSettings",
]


#: Flat names that differ from their field's name.
_ALIASES = {"verdict_method": ("verdict", "method")}

#: flat name -> (section, field), for every field of every section.
_FLAT: dict[str, tuple[str, str]] = {
    **{f.name: (section, f.name) for section, kind in SECTIONS.items() for f in fields(kind) if f.name != "method"},
    **_ALIASES,
}

#: The settings a scan's JSON report lists, in its order (the judgement's
#: parameters; how a scan divides its work is not part of the result).
REPORTED = (
    "num_perm", "seed", "minhash_scheme", "shingle_hash", "word_shingle_size", "content_shingle_size", "language",
    "text_version", "word_lsh_threshold", "content_lsh_threshold", "rewrite_threshold", "gap_threshold",
    "verbatim_share", "min_verbatim_words", "verdict_method", "copy_min_matched", "copy_min_verbatim",
    "rewrite_min_matched", "partial_min_matched", "partial_min_sentences", "story_similarity",
)


@dataclass(frozen=True, init=False)
class Settings:
    """Parameters of the whole pipeline, a section per stage.

    Build with sections (``Settings(align=AlignSettings(...))``) or flat
    keywords (``Settings(num_perm=64)``), keywords only; every value is
    checked on construction and a bad one raises
    :class:`~provenance.errors.ConfigError` naming the setting. Read by
    section (``settings.align.rewrite_threshold``); a flat read
    (``settings.rewrite_threshold``) also works.
    """

    fingerprint: FingerprintSettings
    candidates: CandidateSettings
    align: AlignSettings
    verdict: VerdictSettings
    direction: DirectionSettings
    stories: StorySettings
    scan: ScanSettings

    def __init__(self, **values: Any) -> None:
        sections: dict[str, Any] = {}
        flat: dict[str, dict[str, Any]] = {}
        for name, value in values.items():
            if name in SECTIONS:
                if not isinstance(value, SECTIONS[name]):
                    raise _bad(name, value, f"a {SECTIONS[name].__name__}")
                sections[name] = value
            elif name in _FLAT:
                section, field = _FLAT[name]
                flat.setdefault(section, {})[field] = value
            else:  # as a dataclass refuses an unexpected keyword
                raise TypeError(f"Settings() got an unexpected setting {name!r}; see Settings.field_names()")
        for name, kind in SECTIONS.items():
            section = sections.get(name, None)
            if name in flat:
                try:
                    section = replace(section, **flat[name]) if section is not None else kind(**flat[name])
                except ConfigError as exc:  # name the setting as it was given
                    raise _as_given(exc, name, values) from None
            object.__setattr__(self, name, section if section is not None else _DEFAULT_SECTIONS[name])

    def __getattr__(self, name: str) -> Any:
        # Only called for names that are not sections: the flat reads.
        try:
            section, field = _FLAT[name]
        except KeyError:
            raise AttributeError(f"Settings has no setting {name!r}") from None
        return getattr(getattr(self, section), field)

    def __reduce__(self) -> tuple:
        return (_rebuild, (tuple(getattr(self, name) for name in SECTIONS),))

    def fingerprint_parameters(self) -> dict[str, Any]:
        """The settings an index must share with any query against it."""
        return {name: getattr(self.fingerprint, name) for name in FINGERPRINT_FIELDS}

    def flat(self) -> dict[str, Any]:
        """Every setting by its flat name (``Settings(**s.flat()) == s``)."""
        return {name: getattr(getattr(self, section), field) for name, (section, field) in _FLAT.items()}

    def to_dict(self) -> dict[str, Any]:
        """What a report lists: the judgement's settings by flat name in
        :data:`REPORTED` order, then any other setting that changes results
        and differs from its default (a callable matcher by its qualified
        name). How a scan divides its work (``scan``) changes no result and
        is left out."""
        out = {name: getattr(self, name) for name in REPORTED}
        for name, (section, field) in _FLAT.items():
            if name in out or section == "scan":
                continue
            value = getattr(getattr(self, section), field)
            if value != getattr(_DEFAULT_SECTIONS[section], field):
                out[name] = value if isinstance(value, (str, int, float)) else getattr(value, "__qualname__", repr(value))
        return out

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (flat names or whole sections)."""
        return Settings(**{**{name: getattr(self, name) for name in SECTIONS}, **changes})

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """Every flat setting name."""
        return tuple(_FLAT)


def _as_given(exc: ConfigError, section: str, given: dict[str, Any]) -> ConfigError:
    message = str(exc)
    for alias, (where, field) in _ALIASES.items():
        if where == section and alias in given:
            message = message.replace(f"setting {field}=", f"setting {alias}=", 1)
    return ConfigError(message)


def _rebuild(sections: tuple) -> Settings:
    return Settings(**dict(zip(SECTIONS, sections)))


_DEFAULT_SECTIONS = {name: kind() for name, kind in SECTIONS.items()}

DEFAULT_SETTINGS = Settings()
