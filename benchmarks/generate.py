"""Seeded synthetic news: wire stories, and outlets' copies, rewrites and
partial reuse of them, with ground truth.

Any benchmark can use it; nothing here imports the package under test.
Words are invented (syllable strings), drawn from a Zipf distribution so that
common words are shared across unrelated stories the way real news shares
"government" or "year", with English function words in between so stop-word
removal and word n-grams behave as on real text. Each story has its own topic
words and names, which its rewrites keep.

Everything is a pure function of the seed and the article number: story 17
is the same whether 100 or 100,000 stories are generated, so an incoming feed
can derive from any indexed story without regenerating the rest.

    from benchmarks.generate import NewsGenerator

    gen = NewsGenerator(seed=7)
    wires = list(gen.stories(1000))                 # 1000 wire stories
    feed = gen.feed(wires, 100)                     # copies, rewrites, partials, unrelated
    for article, truth in zip(feed.articles, feed.truth):
        print(article.id, truth.kind, truth.source, truth.credited)

Command line: ``python -m benchmarks.generate --stories 200 --feed 50 --out DIR``
writes ``DIR/wires.jsonl``, ``DIR/feed.jsonl`` and ``DIR/truth.json``.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

#: English function words, roughly by frequency; the pipeline treats them as
#: stop words, so they shape word n-grams but not content-word fingerprints.
FUNCTION_WORDS = (
    "the", "of", "and", "to", "in", "a", "that", "for", "on", "with", "as", "was", "is", "by",
    "at", "it", "from", "he", "his", "an", "be", "has", "have", "had", "were", "are", "which",
    "this", "but", "not", "its", "they", "their", "after", "who", "also", "would", "been", "will",
    "more", "than", "into", "over", "about", "some", "could", "there", "when", "while", "before",
)
WIRES = ("Reuters", "AP", "AFP")
OUTLETS = (
    ("The Daily Ledger", "dailyledger.example"),
    ("Harbour Herald", "harbourherald.example"),
    ("Northern Courier", "northerncourier.example"),
    ("Valley Times", "valleytimes.example"),
    ("Capital Wire Digest", "capitaldigest.example"),
    ("Metro Observer", "metroobserver.example"),
)
KINDS = ("copy", "rewrite", "partial", "unrelated")
DEFAULT_MIX = {"copy": 0.25, "rewrite": 0.25, "partial": 0.1, "unrelated": 0.4}

_ONSETS = ("b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
           "br", "cr", "dr", "gr", "pl", "st", "tr", "ch", "sh", "th")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou")
_CODAS = ("", "", "", "n", "r", "l", "s", "m", "t", "nd", "rt")
_START = date(2024, 1, 1)


@dataclass(frozen=True)
class SyntheticArticle:
    """One generated article and its metadata, as a reader would get them."""

    id: str
    text: str
    outlet: str
    published: str
    title: str

    def record(self) -> dict[str, str]:
        """A JSON object the package's JSON/JSONL readers accept."""
        return {"id": self.id, "title": self.title, "outlet": self.outlet,
                "published": self.published, "text": self.text}


@dataclass(frozen=True)
class Truth:
    """What a feed article really is."""

    article: str
    #: ``copy``, ``rewrite``, ``partial`` or ``unrelated``.
    kind: str
    #: The wire story it derives from (None when unrelated).
    source: str | None
    #: Whether it names its source (dateline, Source line or "according to").
    credited: bool


@dataclass(frozen=True)
class Feed:
    articles: tuple[SyntheticArticle, ...]
    truth: tuple[Truth, ...]


@dataclass(frozen=True)
class _Topic:
    words: tuple[str, ...]
    people: tuple[str, ...]
    place: str


class NewsGenerator:
    """Deterministic generator of wire stories and derived articles.

    ``vocabulary`` invented content words with Zipf exponent ``zipf``: with
    the defaults, two unrelated stories share about 3% of their content
    words (Jaccard), like unrelated real news on the seeds' scale.
    """

    def __init__(self, seed: int = 0, *, vocabulary: int = 60_000, zipf: float = 1.1, flatten: float = 80.0,
                 words: tuple[int, int] = (400, 800)):
        self.seed = seed
        self.words = words
        rng = random.Random(f"vocabulary/{seed}")
        self.vocabulary = _invent_words(rng, vocabulary)
        # A disjoint list of the same size: word i's "synonym" has the same
        # frequency rank, so a paraphrase keeps the frequency profile.
        self.synonyms = dict(zip(self.vocabulary, _invent_words(rng, vocabulary, avoid=set(self.vocabulary))))
        # Zipf-Mandelbrot, p(rank) ~ 1 / (rank + flatten) ** zipf: the stop words
        # the pipeline removes are the real head of the Zipf curve, so the
        # content words left over have a flatter head.
        self._cumulative = list(itertools.accumulate(
            1.0 / ((rank + flatten) ** zipf) for rank in range(1, vocabulary + 1)))
        self._function_cumulative = list(itertools.accumulate(1.0 / (r ** 0.9) for r in range(1, len(FUNCTION_WORDS) + 1)))
        self._names = _invent_words(random.Random(f"names/{seed}"), 3000, avoid=set(self.vocabulary))

    # --- wire stories ---------------------------------------------------------------

    def story(self, number: int) -> SyntheticArticle:
        """Wire story ``number``: title, date, byline, dateline and 400-800 words."""
        rng = self._rng("story", number)
        topic = self._topic(rng)
        wire = WIRES[number % len(WIRES)]
        published = (_START + timedelta(days=number % 700)).isoformat()
        title = self._sentence(rng, topic, rng.randint(7, 12), end="")
        body = self._body(rng, topic, rng.randint(*self.words))
        byline = " ".join(self._name(rng) for _ in range(2))
        first, *rest = body
        lead = f"{topic.place.upper()} ({wire}) - {first[0]}"
        paragraphs = [[lead, *first[1:]], *rest]
        text = "\n\n".join([title, published, f"By {byline}", *(" ".join(p) for p in paragraphs)]) + "\n"
        return SyntheticArticle(f"wire-{self.seed}-{number:07d}", text, wire, published, title)

    def stories(self, count: int, start: int = 0) -> Iterator[SyntheticArticle]:
        """Stories ``start`` .. ``start + count - 1``, lazily."""
        for number in range(start, start + count):
            yield self.story(number)

    # --- derived articles -------------------------------------------------------------

    def derive(self, source: SyntheticArticle, kind: str, number: int, *, credited: bool) -> SyntheticArticle:
        """Article ``number`` of an outlet, made from ``source`` by ``kind``
        (``copy``, ``rewrite`` or ``partial``)."""
        rng = self._rng(f"derived/{kind}", number)
        outlet, site = OUTLETS[number % len(OUTLETS)]
        sentences = _body_sentences(source.text)
        topic = self._topic_of(source, rng)
        if kind == "copy":
            kept = [s for s in sentences if rng.random() > 0.1]
            body = [self._touch(rng, s) if rng.random() < 0.15 else s for s in kept]
            body += [self._sentence(rng, topic, rng.randint(12, 26)) for _ in range(rng.randint(0, 2))]
        elif kind == "rewrite":
            body = [self._paraphrase(rng, s) for s in sentences if rng.random() > 0.15]
            for _ in range(max(1, len(body) // 8)):
                # (max: a very short source may leave no sentence to keep)
                body.insert(rng.randint(1, max(1, len(body))), self._sentence(rng, topic, rng.randint(12, 26)))
        elif kind == "partial":
            used = [self._paraphrase(rng, s) for s in sentences[: max(3, len(sentences) // 3)]]
            fresh = [self._sentence(rng, topic, rng.randint(12, 26)) for _ in range(len(sentences))]
            body = used[:2] + fresh[: len(fresh) // 2] + used[2:] + fresh[len(fresh) // 2 :]
        else:
            raise ValueError(f"kind must be copy, rewrite or partial, not {kind!r}")
        published = (date.fromisoformat(source.published) + timedelta(days=rng.randint(0, 2))).isoformat()
        title = self._paraphrase(rng, source.title + ".").rstrip(".") if kind != "copy" else source.title
        trailer = []
        if credited:
            style = rng.randrange(3)
            if style == 0:
                trailer.append(f"Source: {source.outlet}")
            elif style == 1:
                # Mid-sentence, as outlets often write it.
                body[0] = f"{body[0].rstrip('.')}, according to {source.outlet}."
            else:
                trailer.append(f"(Reporting by {source.outlet})")
        text = "\n\n".join([title, published, site, *_paragraphs(rng, body), *trailer]) + "\n"
        return SyntheticArticle(f"{kind}-{self.seed}-{number:06d}", text, outlet, published, title)

    def unrelated(self, number: int) -> SyntheticArticle:
        """An outlet's own story on a subject no wire story covers."""
        rng = self._rng("unrelated", number)
        outlet, site = OUTLETS[number % len(OUTLETS)]
        topic = self._topic(rng)
        published = (_START + timedelta(days=rng.randrange(700))).isoformat()
        title = self._sentence(rng, topic, rng.randint(7, 12), end="")
        body = [s for p in self._body(rng, topic, rng.randint(*self.words)) for s in p]
        text = "\n\n".join([title, published, site, *_paragraphs(rng, body)]) + "\n"
        return SyntheticArticle(f"own-{self.seed}-{number:06d}", text, outlet, published, title)

    def feed(self, sources: Sequence[SyntheticArticle], count: int, *, mix: dict[str, float] | None = None,
             credited_share: float = 0.3, start: int = 0) -> Feed:
        """``count`` incoming articles: each drawn by ``mix`` (kind -> share),
        deriving from a random one of ``sources``; ``credited_share`` of the
        derived ones credit their source."""
        mix = mix or DEFAULT_MIX
        kinds = [k for k in KINDS if mix.get(k)]
        weights = list(itertools.accumulate(mix[k] for k in kinds))
        articles, truth = [], []
        for number in range(start, start + count):
            rng = self._rng("feed", number)
            kind = kinds[bisect.bisect(weights, rng.random() * weights[-1])]
            if kind == "unrelated" or not sources:
                article = self.unrelated(number)
                truth.append(Truth(article.id, "unrelated", None, False))
            else:
                source = sources[rng.randrange(len(sources))]
                credited = rng.random() < credited_share
                article = self.derive(source, kind, number, credited=credited)
                truth.append(Truth(article.id, kind, source.id, credited))
            articles.append(article)
        return Feed(tuple(articles), tuple(truth))

    # --- building blocks --------------------------------------------------------------

    def _rng(self, kind: str, number: int) -> random.Random:
        return random.Random(f"{kind}/{self.seed}/{number}")

    def _word(self, rng: random.Random) -> str:
        return self.vocabulary[bisect.bisect(self._cumulative, rng.random() * self._cumulative[-1])]

    def _function_word(self, rng: random.Random) -> str:
        total = self._function_cumulative[-1]
        return FUNCTION_WORDS[bisect.bisect(self._function_cumulative, rng.random() * total)]

    def _name(self, rng: random.Random) -> str:
        return rng.choice(self._names).capitalize()

    def _topic(self, rng: random.Random) -> _Topic:
        # Topic words come from the middle of the frequency range: specific
        # enough to mark the story, common enough to recur across stories.
        low, high = 200, min(len(self.vocabulary), 20_000)
        words = tuple(self.vocabulary[rng.randrange(low, high)] for _ in range(rng.randint(15, 30)))
        people = tuple(f"{self._name(rng)} {self._name(rng)}" for _ in range(rng.randint(2, 4)))
        return _Topic(words, people, self._name(rng))

    def _topic_of(self, source: SyntheticArticle, rng: random.Random) -> _Topic:
        # Fresh sentences in a derived article stay on the source's subject:
        # they reuse the source's rarer words and its capitalised names.
        tokens = [t.strip(".,\"") for t in source.text.split()]
        names = [t for t in tokens if t[:1].isupper() and t.lower() not in FUNCTION_WORDS and len(t) > 2]
        words = [t for t in tokens if t.islower() and t not in FUNCTION_WORDS]
        people = tuple(" ".join(names[i : i + 2]) for i in range(0, min(len(names), 8), 2)) or ("Officials",)
        return _Topic(tuple(rng.sample(words, min(len(words), 20))) or ("news",), people, names[0] if names else "Capital")

    def _sentence(self, rng: random.Random, topic: _Topic, length: int, end: str = ".") -> str:
        words = []
        for position in range(length):
            roll = rng.random()
            if position and roll < 0.45:
                words.append(self._function_word(rng))
            elif roll < 0.62:
                words.append(rng.choice(topic.words))
            else:
                words.append(self._word(rng))
        if rng.random() < 0.3:
            cut = rng.randrange(3, length) if length > 4 else 1
            words.insert(cut, rng.choice(topic.people))
        if rng.random() < 0.2:
            words.append(f"said {rng.choice(topic.people)}")
        sentence = " ".join(words)
        return sentence[0].upper() + sentence[1:] + end

    def _body(self, rng: random.Random, topic: _Topic, target_words: int) -> list[list[str]]:
        paragraphs: list[list[str]] = []
        count = 0
        while count < target_words - 30:
            paragraph = [self._sentence(rng, topic, rng.randint(12, 28)) for _ in range(rng.randint(1, 3))]
            count += sum(len(s.split()) for s in paragraph)
            paragraphs.append(paragraph)
        return paragraphs

    def _touch(self, rng: random.Random, sentence: str) -> str:
        """A copy editor's change: one or two words swapped for synonyms."""
        words = sentence.split()
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(len(words))
            words[i] = self.synonyms.get(words[i], words[i])
        return " ".join(words)

    def _paraphrase(self, rng: random.Random, sentence: str) -> str:
        """Reword a sentence: about a third of its content words become
        synonyms, function words change or go, and the clause order may flip."""
        words = sentence.rstrip(".").split()
        out = []
        for word in words:
            if word in self.synonyms and rng.random() < 0.35:
                out.append(self.synonyms[word])
            elif word in FUNCTION_WORDS and rng.random() < 0.4:
                if rng.random() < 0.5:
                    out.append(self._function_word(rng))
            else:
                out.append(word)
        if len(out) > 10 and rng.random() < 0.5:
            cut = rng.randrange(4, len(out) - 3)
            out = out[cut:] + out[:cut]
        if rng.random() < 0.2:
            out.insert(rng.randrange(len(out)), rng.choice(("reportedly", "also", "meanwhile")))
        text = " ".join(out) or sentence
        return text[0].upper() + text[1:] + "."


def _invent_words(rng: random.Random, count: int, avoid: set[str] | None = None) -> list[str]:
    avoid = set(avoid or ()) | set(FUNCTION_WORDS)
    words: list[str] = []
    seen = set(avoid)
    while len(words) < count:
        syllables = rng.choice((2, 2, 3, 3, 4))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)) + rng.choice(_CODAS)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _body_sentences(text: str) -> list[str]:
    """The sentences of a generated wire story's body (after title, date, byline, dateline)."""
    paragraphs = text.strip().split("\n\n")[3:]
    sentences = []
    for paragraph in paragraphs:
        if " - " in paragraph[:60] and "(" in paragraph[:60]:
            paragraph = paragraph.split(" - ", 1)[1]
        sentences.extend(s if s.endswith(".") else s + "." for s in paragraph.split(". ") if s)
    return [s.replace("..", ".") for s in sentences]


def _paragraphs(rng: random.Random, sentences: list[str]) -> list[str]:
    out, current = [], []
    for sentence in sentences:
        current.append(sentence)
        if len(current) >= rng.randint(1, 3):
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


# --- boilerplate and mixed corpora (for the speed benchmark) ------------------------

#: Each source's standing trailer: the same words under every article it
#: publishes, as wires and outlets do ("Our Standards: ...", newsletter
#: pitches). Unrelated articles of one outlet share them word for word.
TRAILERS = {
    "Reuters": "Our Standards: The Thomson Reuters Trust Principles.",
    "AP": "Copyright The Associated Press. All rights reserved. This material may not be published, "
          "broadcast, rewritten or redistributed without permission.",
    "AFP": "Agence France-Presse content is provided for personal and non-commercial use only.",
    **{name: f"Sign up for the {name} morning briefing to get the top stories of the day delivered "
             f"to your inbox before breakfast, free of charge." for name, _ in OUTLETS},
}


def with_trailer(article: SyntheticArticle) -> SyntheticArticle:
    """``article`` with its publisher's trailer as a last paragraph."""
    trailer = TRAILERS.get(article.outlet)
    if not trailer:
        return article
    return SyntheticArticle(article.id, article.text.rstrip("\n") + "\n\n" + trailer + "\n", article.outlet,
                            article.published, article.title)


def corpus(generator: NewsGenerator, count: int, *, wire_share: float = 0.5, mix: dict[str, float] | None = None,
           trailers: bool = True) -> Feed:
    """``count`` articles: ``wire_share`` of them wire stories, the rest a
    feed drawn from them by ``mix``; ``truth`` lists the feed articles.
    With ``trailers``, every article ends with its publisher's trailer."""
    wires = list(generator.stories(round(count * wire_share)))
    feed = generator.feed(wires, count - len(wires), mix=mix)
    articles = wires + list(feed.articles)
    if trailers:
        articles = [with_trailer(a) for a in articles]
    return Feed(tuple(articles), feed.truth)


def write_jsonl(articles: Sequence[SyntheticArticle] | Iterator[SyntheticArticle], path: Path) -> int:
    """Write ``articles`` as JSON lines the package reads; returns the count."""
    count = 0
    with path.open("w", encoding="utf-8") as stream:
        for article in articles:
            stream.write(json.dumps(article.record(), ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=200, help="wire stories to generate")
    parser.add_argument("--feed", type=int, default=50, help="incoming articles deriving from them")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="folder for wires.jsonl, feed.jsonl, truth.json")
    args = parser.parse_args(argv)
    generator = NewsGenerator(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    wires = list(generator.stories(args.stories))
    feed = generator.feed(wires, args.feed)
    write_jsonl(wires, args.out / "wires.jsonl")
    write_jsonl(feed.articles, args.out / "feed.jsonl")
    (args.out / "truth.json").write_text(
        json.dumps([asdict(t) for t in feed.truth], indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
