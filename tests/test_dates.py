"""Dates at the head of a text."""

import pytest

from provenance.dates import parse_date_prefix


@pytest.mark.parametrize(
    "text, expected",
    [
        ("date 2024-11-11 Kremlin says", "2024-11-11"),
        ("Tuesday, November 12, 2024 - Russia's president", "2024-11-12"),
        ("Friday06 December 2024", "2024-12-06"),
        ("Sept. 3, 2023 | Headline", "2023-09-03"),
        ("2024-02-30T10:00:00Z", None),  # not a calendar day
        ("12 angry men", None),
    ],
)
def test_date_prefixes(text, expected):
    parsed = parse_date_prefix(text)
    assert (parsed[0] if parsed else None) == expected
