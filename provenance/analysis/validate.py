"""Whether an article's text can be analysed at all."""

from __future__ import annotations

import re

from ..errors import InputError
from ..model import ITEM_FIELDS, Article

_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(article: Article) -> InputError | None:
    """Why ``article`` cannot be analysed, if it cannot: a JSON string may carry
    an escaped lone surrogate (``"\\ud800"``), which is not Unicode text and
    breaks analysis and every UTF-8 report."""
    for field in ("text", "id", "title", "outlet", "published", "url", *ITEM_FIELDS):
        found = _SURROGATE.search(getattr(article, field) or "")
        if found is not None:
            return InputError(article.origin, f"'{field}' holds a lone surrogate U+{ord(found.group()):04X} "
                                              "(an invalid \\u escape in JSON): not valid Unicode text")
    return None
