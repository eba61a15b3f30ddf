"""Text made safe for XML 1.0: article text is hostile input.

Escaping of ``<``, ``&`` and quotes is left to the XML library that writes
the document; what no library can escape are characters XML 1.0 forbids
outright (most C0 controls, lone surrogates from JSON ``\\ud800`` escapes,
U+FFFE, U+FFFF). They are removed here.
"""

from __future__ import annotations

import re

_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str | None) -> str:
    return _ILLEGAL.sub("", text or "")
