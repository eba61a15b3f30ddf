"""Wire agencies and the names they go by: which outlets are wires, and under
which names an outlet may be credited. Knowledge every stage shares.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Wire agencies and the names they go by. Used to recognise a wire dateline
#: and to credit a wire under any of its names.
WIRE_AGENCIES: dict[str, tuple[str, ...]] = {
    "Reuters": ("Reuters", "Thomson Reuters"),
    "AP": ("AP", "Associated Press"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "PA": ("PA", "Press Association", "PA Media", "PA News"),
    "Bloomberg": ("Bloomberg",),
    "dpa": ("dpa", "Deutsche Presse-Agentur"),
    "TASS": ("TASS", "ITAR-TASS"),
    "Interfax": ("Interfax",),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "Xinhua": ("Xinhua",),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Yonhap": ("Yonhap",),
    "UPI": ("UPI", "United Press International"),
    "ANSA": ("ANSA",),
    "EFE": ("EFE",),
    "PTI": ("PTI", "Press Trust of India"),
    "AAP": ("AAP", "Australian Associated Press"),
    "Ukrinform": ("Ukrinform",),
}


ALIAS_TO_WIRE = {alias.casefold(): name for name, aliases in WIRE_AGENCIES.items() for alias in aliases}


def canonical_outlet(name: str) -> str:
    """The canonical name of a wire agency, or ``name`` itself."""
    return ALIAS_TO_WIRE.get(name.strip().casefold(), name.strip())


def same_outlet(first: str | None, second: str | None) -> bool:
    """Whether two outlet names name one outlet (an agency under any of its
    names, any other name ignoring case and surrounding space); never for a
    missing name.

    >>> same_outlet("PA", "Press Association"), same_outlet("The Times", "the times "), same_outlet(None, None)
    (True, True, False)
    """
    if not first or not second or not first.strip() or not second.strip():
        return False
    return canonical_outlet(first).casefold() == canonical_outlet(second).casefold()


def is_wire(outlet: str | None) -> bool:
    return outlet is not None and outlet.strip().casefold() in ALIAS_TO_WIRE


@lru_cache(maxsize=4096)  # a scan asks it for the same few outlets, pair after pair
def aliases_of(outlet: str) -> tuple[str, ...]:
    """Every name under which ``outlet`` may be credited."""
    canonical = canonical_outlet(outlet)
    names = list(WIRE_AGENCIES.get(canonical, (outlet,)))
    if outlet not in names:
        names.append(outlet)
    domain = re.match(r"^(?:www\.)?([a-z0-9-]+)\.[a-z.]+$", outlet.lower())
    if domain:
        names.append(domain.group(1))
    return tuple(dict.fromkeys(names))
