"""Linked articles grouped into stories, each with its source."""

import dataclasses

from provenance import Article, scan_articles
from provenance.readers import read_articles
from provenance.judge.pair import judge_pair
from provenance.stories import choose_source
from tests.helpers import SEEDS, seed_id


def test_wire_is_the_source_of_one_story_holding_every_seed(seed_scan):
    related = [s for s in seed_scan.stories if s.members]
    assert len(related) == 1
    story = related[0]
    assert story.source == seed_id("002")
    assert set(story.members) == {seed_id(k) for k in ("000", "001", "003", "004")}


def test_a_withdrawn_wire_is_never_the_source_and_the_reasons_say_why(seed_scan):
    articles = [dataclasses.replace(a, status="withdrawn") if a.id == seed_id("002") else a
                for a in read_articles([SEEDS])]
    result = scan_articles(articles, jobs=1)
    [story] = [s for s in result.stories if s.members]
    assert story.source != seed_id("002") and seed_id("002") in story.members
    assert f"not {seed_id('002')}, which its provider marked withdrawn" in story.source_reasons
    # The same texts, nothing withdrawn: the wire again, for the reasons it always had.
    [plain] = [s for s in seed_scan.stories if s.members]
    assert plain.source == seed_id("002") and not any("marked" in r for r in plain.source_reasons)


def test_when_every_member_is_withdrawn_the_likeliest_is_still_the_source(seed_documents):
    documents = {d.id: dataclasses.replace(d, status="canceled") for d in seed_documents.values()}
    members = sorted(documents)
    source, reasons = choose_source(members, dict.fromkeys(members, 0), documents)
    assert source == seed_id("002")  # the earliest dated, as without the rule
    assert "marked canceled by its provider, as is every member" in reasons
    usable = {**documents, seed_id("000"): dataclasses.replace(documents[seed_id("000")], status="usable")}
    assert choose_source(members, dict.fromkeys(members, 0), usable)[0] == seed_id("000")


def test_two_stories_joined_by_one_weak_article_stay_apart():
    # Two unrelated stories, each a wire text and a paper rewriting it
    # (several sentences each), and one article that repeats a stock
    # sentence of each: its relations reuse text, but one sentence of a
    # source is no evidence of its story, so it may join one of them, never both.
    def story(name: str, sentences: list[str]) -> list:
        return [Article(f"{name}-wire", " ".join(sentences), outlet="PA", published="2024-01-10"),
                Article(f"{name}-paper", " ".join(sentences[:4]) + " Reporters waited outside all day.",
                        outlet="Herald", published="2024-01-10")]

    stock = "The case was adjourned until tomorrow."
    first = story("alpha", [
        "A retired dentist from Harrogate was jailed for nine years for defrauding elderly patients.",
        "Mr Harrington forged prescriptions for two decades, the jury at Leeds Crown Court heard.",
        "His accountant noticed missing payments when the practice was sold last spring.",
        "Detectives found ledgers hidden beneath the floor of his garden shed.",
        "The judge said the betrayal of trust was the worst she had seen.",
        "A confiscation hearing will follow in the new year."])
    second = story("beta", [
        "A lorry driver who crashed into a school bus on the M6 has been cleared of dangerous driving.",
        "Mrs Okonkwo wept in the dock at Stafford as the verdict was read out.",
        "Experts told the trial that a tyre had burst seconds before the collision.",
        "Eleven children were treated in hospital for minor injuries after the crash.",
        "The haulage firm now faces a separate inquiry by the safety regulator.",
        "Her family thanked the witnesses who stopped to help that morning."])
    first[0] = dataclasses.replace(first[0], text=first[0].text + " " + stock)
    second[0] = dataclasses.replace(second[0], text=second[0].text + " " + stock)
    # One sentence of each wire, word for word, among its own.
    weak = Article("weak", " ".join([
        "Parish councillors in Ripon voted to close the public library on Sundays.",
        first[0].text.split(". ")[5].rstrip(".") + ".",
        "Volunteers have offered to run a reading group in the church hall instead.",
        second[0].text.split(". ")[5].rstrip(".") + ".",
        "The decision will be reviewed at the next meeting in March."]),
        outlet="Gazette", published="2024-01-10")
    result = scan_articles([*first, *second, weak], jobs=1)
    story_of = {m: s.id for s in result.stories for m in (s.source, *s.members)}
    assert story_of["alpha-wire"] == story_of["alpha-paper"]
    assert story_of["beta-wire"] == story_of["beta-paper"]
    assert story_of["alpha-wire"] != story_of["beta-wire"]
    with_weak = {m for s in result.stories if "weak" in (s.source, *s.members) for m in (s.source, *s.members)}
    assert not {"alpha-wire", "beta-wire"} <= with_weak
    # One sentence of a five-sentence wire is not reuse of it (the judge's
    # partial bar needs two), and it shares too few content words to be
    # the same event: the article stands alone.
    assert result.relation("weak") is None


#: A trial's reports: its first day's news, the background every report
#: of it carries, and its last day's news.
TRIAL_OPENING = ["A retired dentist from Harrogate went on trial accused of defrauding elderly patients.",
                 "The prosecution expects to call forty witnesses over the coming fortnight."]
TRIAL_BACKGROUND = [
    "Mr Harrington forged prescriptions for two decades, the jury at Leeds Crown Court heard.",
    "His accountant noticed missing payments when the practice was sold last spring.",
    "Detectives found ledgers hidden beneath the floor of his garden shed."]
TRIAL_VERDICT = ["The Harrogate dentist was jailed for nine years after a jury took four hours to convict him.",
                 "The judge said the betrayal of trust was the worst she had seen in thirty years."]


def test_an_outlets_own_text_weeks_later_is_its_next_story_not_the_same_one():
    # A wire's story on a trial's last day carries the first day's
    # background paragraphs: its own text again, which links the two only
    # within the story days. A paper that runs the wire a fortnight late
    # still ran the wire. Each day's news has a paper of its own.
    background, opening, verdict = TRIAL_BACKGROUND, TRIAL_OPENING, TRIAL_VERDICT
    own = " Reporters waited outside the court all day."
    day_one = Article("wire-day-1", " ".join(opening + background), outlet="PA", published="2024-01-10")
    first_paper = Article("courier", " ".join(opening) + own, outlet="Courier", published="2024-01-10")
    later = " ".join(verdict + background)
    for follow_up, together in ((Article("wire-take-2", later, outlet="PA", published="2024-01-10"), True),
                                (Article("wire-verdict", later, outlet="PA", published="2024-01-24"), False),
                                (Article("weekly", day_one.text, outlet="Dales Weekly", published="2024-01-24"), True)):
        news = opening if follow_up.id == "weekly" else verdict
        paper = Article("herald", " ".join(news) + own, outlet="Herald", published=follow_up.published)
        result = scan_articles([day_one, first_paper, follow_up, paper], jobs=1)
        story_of = {m: s.id for s in result.stories for m in (s.source, *s.members)}
        assert (story_of[follow_up.id] == story_of["wire-day-1"]) == together, follow_up.id
        if not together:
            # Kept apart, the verdict's text is still the same outlet's update of day one.
            documents = {d.id: d for d in result.documents}
            relation = judge_pair(documents["wire-day-1"], documents[follow_up.id])
            assert relation.source == "wire-day-1" and relation.update and relation.reuses_text


def test_a_report_carrying_an_older_storys_background_stays_in_its_own_days_story():
    background, opening, verdict = TRIAL_BACKGROUND, TRIAL_OPENING, TRIAL_VERDICT
    day_one = Article("wire-day-1", " ".join(opening + background), outlet="PA", published="2024-01-10")
    courier = Article("courier", " ".join(opening) + " Reporters waited outside all day.", outlet="Courier",
                      published="2024-01-10")
    last_day = Article("wire-verdict", " ".join(verdict + background), outlet="PA", published="2024-01-24")
    # The last day's paper runs the verdict and, from the cuttings, day one's background.
    herald = Article("herald", " ".join(verdict + background) + " His patients were not in court.",
                     outlet="Herald", published="2024-01-24")
    result = scan_articles([day_one, courier, last_day, herald], jobs=1)
    story_of = {m: s.id for s in result.stories for m in (s.source, *s.members)}
    assert story_of["herald"] == story_of["wire-verdict"] != story_of["wire-day-1"] == story_of["courier"]
    # Two weeklies that run day one's wire a fortnight late, one from the
    # other, have no source of their own days: they stay with the wire.
    # (Had the day's wire carried day one's background, they would have
    # joined its story instead: a source of their own days explains them.)
    weekly = Article("weekly", day_one.text, outlet="Dales Weekly", published="2024-01-24")
    second = Article("second", day_one.text + " The parish council will discuss the case.", outlet="Ripon Post",
                     published="2024-01-24")
    result = scan_articles([day_one, courier, weekly, second], jobs=1)
    story_of = {m: s.id for s in result.stories for m in (s.source, *s.members)}
    assert story_of["weekly"] == story_of["second"] == story_of["wire-day-1"] == story_of["courier"]


def test_an_undated_source_places_no_article_in_its_days():
    from types import SimpleNamespace

    from provenance.config import DEFAULT_SETTINGS
    from provenance.stories import _nearest_links

    dated = {"wire": "2024-01-10", "weekly": "2024-01-24", "paper": "2024-01-24", "clip": None}
    by_id = {k: SimpleNamespace(published=v) for k, v in dated.items()}
    # The weekly's link to the old wire goes when a source of its own day explains it ...
    assert _nearest_links([("wire", "weekly"), ("paper", "weekly")], by_id, DEFAULT_SETTINGS) == [("paper", "weekly")]
    # ... but an undated source is within no days: both links stay.
    both = [("wire", "weekly"), ("clip", "weekly")]
    assert _nearest_links(both, by_id, DEFAULT_SETTINGS) == both
