"""Dates written at the head of an article or in its metadata.
"""

from __future__ import annotations

import re
from datetime import date

WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"


MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}


MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)


_DATE_PREFIX = re.compile(
    rf"""^\s*(?P<label>(?:date|published|updated|posted|last\s+updated)(?:\s+on)?\s*:?\s+)?(?:{WEEKDAY},?\s*)?
    (?:
        (?P<iso>(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}}))(?:[T\s]\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\.\d+)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?
      | (?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})
      | (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH}),?\s+(?P<y2>\d{{4}})
    )
    (?:,?\s+\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{{2,4}})?)?
    (?P<end>\s*[-–—|:]+\s*|\s*$|\s+)""",
    re.IGNORECASE | re.VERBOSE,
)


def parse_date_prefix(text: str) -> tuple[str, int] | None:
    """An ISO date and the offset after it, when ``text`` starts with a date."""
    match = _DATE_PREFIX.match(text)
    if not match:
        return None
    if not match["label"] and match["end"].strip() == "" and text[match.end():].strip():
        # "March 3, 2020 was the day ...": a sentence that opens with a date.
        return None
    if match.group("iso"):
        year, month, day = int(match["iy"]), int(match["im"]), int(match["id"])
    else:
        year = int(match["y1"] or match["y2"])
        day = int(match["d1"] or match["d2"])
        month = MONTHS[(match["m1"] or match["m2"]).lower()[:3]]
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    return (when.isoformat(), match.end()) if 1800 <= year <= 2200 else None
