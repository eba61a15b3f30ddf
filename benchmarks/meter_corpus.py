"""Reading a METER corpus tree (Gaizauskas et al. 2001; Clough et al. 2002).

Everything METER-specific lives here, outside the package: the folder layout,
the 8-bit encoding, the Press Association (PA) wire furniture, the document
labels and the SGML phrase annotation. What comes out is plain
:class:`provenance.Article` objects plus labels, so the benchmark measures the
package through its public API only.

Layout (relative to the corpus root; ``<domain>`` is any folder present)::

    PA/rawtexts/<domain>/<DD.MM.YY>/<catchline>/*.txt          wire copy
    newspapers/rawtexts/<domain>/<DD.MM.YY>/<catchline>/*.txt  newspaper articles
    newspapers/annotated/<domain>/<same path>.sgml             labels + phrases
    file_index/<domain>/{wholly,partially,non}_derived.txt     document labels

PA copy cleaning (see :func:`clean_pa`): bytes are decoded as latin-1; any
HTML wrapper (one file was saved from a search tool) is removed; the ruled
header lines and the ``HH:MM DD/MM/YY: Page N (XXX) DESK Catchline`` line are
dropped; a paragraph starts with byte 0x19 and ends with ``<`` at the end of a
line, and hard-wrapped lines inside it are joined; the all-capitals headline
becomes the article's title; bylines (``By Stephen Howard, PA News``),
whole-paragraph editors' notes in parentheses (``(with pics)``,
``(reopens)``, ``(Memo to CSEs: ...)``) and the sign-off (``end``, ``mf``,
``mfl``...) are dropped; PA's typewriter conventions are mapped to ordinary
characters (```` ``quote'' ```` to ``"quote"``, `` ` `` to ``'``, ``#`` before
a figure to ``£``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from provenance import Article

#: Document labels, in the order used by every table.
WHOLLY = "wholly"
PARTIALLY = "partially"
NON = "non"
CLASSES = (WHOLLY, PARTIALLY, NON)

#: Phrase labels of the SGML annotation.
VERBATIM = "Verbatim"
REWRITE = "Rewrite"
NEW = "New"
PHRASE_CLASSES = (VERBATIM, REWRITE, NEW)

_LABEL_FILES = {WHOLLY: "wholly_derived.txt", PARTIALLY: "partially_derived.txt", NON: "non_derived.txt"}
_SGML_CLASSES = {"wholly-derived": WHOLLY, "partially-derived": PARTIALLY, "non-derived": NON}


@dataclass(frozen=True)
class PaText:
    """One file of wire copy."""

    article: Article
    day: str
    catchline: str
    #: (time, page) from the wire header, for putting versions in order.
    order: tuple[str, int]

    @property
    def story(self) -> tuple[str, str]:
        return (self.day, self.catchline)


@dataclass(frozen=True)
class NewsText:
    """One newspaper article and what the corpus says about it."""

    article: Article
    day: str
    catchline: str
    paper: str
    #: ``wholly`` / ``partially`` / ``non``, or None when unlabelled.
    label: str | None
    #: The SGML file with its annotation, when there is one.
    sgml: Path | None

    @property
    def story(self) -> tuple[str, str]:
        return (self.day, self.catchline)


@dataclass
class MeterCorpus:
    root: Path
    domain: str
    pa: list[PaText] = field(default_factory=list)
    newspapers: list[NewsText] = field(default_factory=list)

    def pa_by_story(self) -> dict[tuple[str, str], list[PaText]]:
        stories: dict[tuple[str, str], list[PaText]] = {}
        for text in self.pa:
            stories.setdefault(text.story, []).append(text)
        for texts in stories.values():
            texts.sort(key=lambda t: (t.order, t.article.id))
        return stories


# --- discovery -------------------------------------------------------------------


def discover_domains(root: str | Path) -> list[str]:
    """Domains that have both newspaper articles and PA copy under ``root``."""
    root = Path(root)
    found = []
    for side in ("newspapers", "PA"):
        folder = root / side / "rawtexts"
        names = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
        found.append(names)
    return sorted(found[0] & found[1])


def load_corpus(root: str | Path, domain: str) -> MeterCorpus:
    """Every PA text and newspaper article of ``domain`` under ``root``."""
    root = Path(root)
    domains = discover_domains(root)
    if domain not in domains:
        present = ", ".join(domains) or "none"
        raise FileNotFoundError(f"no METER domain {domain!r} under {root} (domains present: {present})")
    corpus = MeterCorpus(root, domain)
    pa_root = root / "PA" / "rawtexts" / domain
    for path in sorted(_texts(pa_root)):
        day, catchline = path.parent.parent.name, path.parent.name
        raw = path.read_bytes().decode("latin-1")
        title, body, order = clean_pa(raw)
        if not body.strip():
            continue
        article = Article(id=f"PA/{day}/{catchline}/{path.stem}", text=body, title=title, outlet="PA",
                          origin=str(path.relative_to(root)))
        corpus.pa.append(PaText(article, day, catchline, order))
    labels = read_labels(root, domain)
    news_root = root / "newspapers" / "rawtexts" / domain
    annotated_root = root / "newspapers" / "annotated" / domain
    for path in sorted(_texts(news_root)):
        relative = path.relative_to(news_root)
        day, catchline = relative.parts[0], relative.parts[1]
        sgml = annotated_root / relative.with_suffix(".sgml")
        sgml = sgml if sgml.is_file() else None
        label = labels.get(relative.as_posix())
        if label is None and sgml is not None:
            label = sgml_classification(sgml.read_bytes().decode("latin-1"))
        text = clean_newspaper(path.read_bytes().decode("latin-1"))
        if not text.strip():
            continue
        article = Article(id=f"{day}/{catchline}/{path.stem}", text=text, origin=str(path.relative_to(root)))
        corpus.newspapers.append(NewsText(article, day, catchline, _paper(path.stem), label, sgml))
    return corpus


def _texts(folder: Path) -> Iterable[Path]:
    """``<day>/<catchline>/*.txt`` under ``folder`` (readme files sit higher up)."""
    if not folder.is_dir():
        return []
    return [p for p in folder.glob("*/*/*.txt") if p.is_file()]


def _paper(stem: str) -> str:
    return stem.rsplit("_", 1)[1] if "_" in stem else ""


def read_labels(root: Path, domain: str) -> dict[str, str]:
    """Label per newspaper path relative to ``newspapers/rawtexts/<domain>``,
    from the file index (paths there carry varying ``meter_corpus/`` prefixes
    and CRLF line ends)."""
    labels: dict[str, str] = {}
    marker = f"newspapers/rawtexts/{domain}/"
    for label, name in _LABEL_FILES.items():
        index = root / "file_index" / domain / name
        if not index.is_file():
            continue
        for line in index.read_bytes().decode("latin-1").splitlines():
            line = line.strip().replace("\\", "/")
            if marker in line:
                labels[line.split(marker, 1)[1]] = label
    return labels


# --- cleaning --------------------------------------------------------------------

_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_HTML_HEAD = re.compile(r"<head\b.*?</head\s*>", re.IGNORECASE | re.S)
_RULE = re.compile(r"^\s*-{10,}\s*$")
_WIRE_HEADER = re.compile(r"^\s*(?P<time>\d{1,2}:\d{2})\s+\d{1,2}/\d{1,2}/\d{2,4}:\s*Page\s+(?P<page>\d+)\b.*$")
_PARA_START = "\x19"
_SIGN_OFF = re.compile(r"^(?:ends?|mfl?|[a-z]{1,4}|AP|Ends|END|MORE|more)$")
_BYLINE = re.compile(r"^By\s+[A-Z][^,]{0,60}(?:,.*\bPA\b.*)?$")
_NOTE = re.compile(r"^\(.*\)\.?$", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_pa(raw: str) -> tuple[str | None, str, tuple[str, int]]:
    """(headline, body text, (time, page)) of one PA file; the body has one
    paragraph a block, blank lines between."""
    text = _HTML_HEAD.sub("\n", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _HTML_TAG.sub("\n", text)
    order = ("", 0)
    lines = []
    for line in text.split("\n"):
        header = _WIRE_HEADER.match(line)
        if header:
            order = (header["time"].zfill(5), int(header["page"]))
            continue
        if _RULE.match(line):
            continue
        lines.append(line)
    paragraphs = _pa_paragraphs(lines)
    title = None
    kept: list[str] = []
    for number, para in enumerate(paragraphs):
        if _NOTE.match(para):
            continue  # editors' notes: (with pics), (reopens), (Memo to CSEs ...)
        if number < 4 and not kept and title is None and _is_headline(para):
            title = para
            continue
        if len(kept) < 2 and _BYLINE.match(para) and (" PA" in para or len(para.split()) <= 6):
            continue
        kept.append(para)
    while kept and _SIGN_OFF.match(kept[-1]):
        kept.pop()
    return (_pa_characters(title) if title else None), "\n\n".join(_pa_characters(p) for p in kept), order


def _pa_paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs: 0x19 opens one, ``<`` at a line end closes one; lines in
    between are hard wraps."""
    paragraphs: list[str] = []
    current: list[str] = []

    def close() -> None:
        joined = " ".join(" ".join(current).split())
        if joined:
            paragraphs.append(joined)
        current.clear()

    for line in lines:
        line = line.rstrip()
        while _PARA_START in line:
            before, line = line.split(_PARA_START, 1)
            if before.strip():
                current.append(before)
            close()
        ends = line.endswith("<")
        current.append(line[:-1] if ends else line)
        if ends or not line.strip():
            close()
    close()
    return paragraphs


def _is_headline(paragraph: str) -> bool:
    letters = [c for c in paragraph if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(paragraph) < 200


def _pa_characters(text: str) -> str:
    text = text.replace("``", '"').replace("''", '"').replace("`", "'")
    text = re.sub(r"#(?=\d)", "£", text)
    return _CONTROL.sub("", text).strip()


def clean_newspaper(raw: str) -> str:
    """Newspaper text: unified line ends, control bytes removed."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


# --- SGML annotation ---------------------------------------------------------------

_CLASSIFICATION = re.compile(r"""classification\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_BODY = re.compile(r"<body\b[^>]*>(?P<body>.*?)(?:</body\s*>|$)", re.IGNORECASE | re.S)
_PHRASE = re.compile(r"<(?P<tag>verbatim|rewrite|new)\b[^>]*>(?P<text>.*?)</(?P=tag)\s*>", re.IGNORECASE | re.S)
_ENTITY = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def sgml_classification(sgml: str) -> str | None:
    match = _CLASSIFICATION.search(sgml)
    return _SGML_CLASSES.get(match.group(1).lower()) if match else None


def sgml_phrases(sgml: str) -> list[tuple[str, str]]:
    """The body's (label, text) phrases in order, or [] when the article has
    no phrase annotation. Tolerant of SGML that is not XML (bare ``&``,
    mixed-case tags): phrases are read with a regular expression, entities
    are decoded where they are well formed, anything else is kept as text."""
    body = _BODY.search(sgml)
    if body is None:
        return []
    phrases = []
    for match in _PHRASE.finditer(body["body"]):
        label = match["tag"].capitalize()
        text = re.sub(r"&(?:amp|lt|gt|quot|apos);", lambda m: _ENTITY[m.group(0)], match["text"])
        phrases.append((label, _CONTROL.sub("", text.replace("\r", ""))))
    return phrases
