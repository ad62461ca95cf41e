"""Names linked to the consent registry: who it may be, and may they be named here?

A temporary SQLite registry per module (and per test where a test changes it). Publication
date 2026-11-22, school year 2026-2027; every grant is a parent's of 2026-09-01.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from spacy.language import Language

from consent_store.purposes import Purpose
from consent_store.records import GivenBy, PersonInfo, Role
from consent_store.repository import Registry, init_registry, open_registry
from consent_store.school_year import SchoolYear
from kernel.errors import RegistryUnavailableError
from kernel.settings import Settings
from kernel.types import Channel, ConsentView, Finding, PostContext
from screening.detectors.names import NameDetector
from screening.name_lists import load_name_lexicon
from screening.nlp import analyse

LEXICON = load_name_lexicon()
DAY = date(2026, 11, 22)
YEAR = SchoolYear(2026)
INSTAGRAM = PostContext(Channel.INSTAGRAM, DAY)
NAMED, SOCIAL, WEBSITE = Purpose.NAMED_IN_POST, Purpose.SOCIAL_MEDIA, Purpose.WEBSITE

PEOPLE: list[tuple[PersonInfo, tuple[Purpose, ...], tuple[Purpose, ...]]] = [
    # person, purposes granted, purposes refused
    (
        PersonInfo(
            "P1", "Sanne de Vries", Role.PUPIL, date(2015, 3, 1), "De Korre", "7B", ("Sanne",)
        ),
        (NAMED, SOCIAL),
        (),
    ),
    (PersonInfo("P2", "Tim Bakker", Role.PUPIL, date(2016, 1, 5)), (SOCIAL,), ()),
    (PersonInfo("P3", "Noor Jansen", Role.PUPIL, date(2014, 6, 9)), (SOCIAL,), (NAMED,)),
    (PersonInfo("P4", "Anna Visser", Role.STAFF, date(1985, 2, 2)), (), ()),
    (PersonInfo("P5", "Eva Smit", Role.STAFF, date(1990, 4, 4)), (), (NAMED,)),
    (PersonInfo("P6", "Daan Mulder", Role.PUPIL, date(2015, 5, 5)), (NAMED, SOCIAL), ()),
    (PersonInfo("P7", "Daan de Boer", Role.PUPIL, date(2015, 7, 7)), (SOCIAL,), ()),
    (PersonInfo("P8", "Liam Koster", Role.PUPIL, date(2015, 8, 8)), (NAMED, SOCIAL), ()),
    (PersonInfo("P9", "Liam Prins", Role.PUPIL, date(2015, 9, 9)), (NAMED, SOCIAL), ()),
    (
        PersonInfo("P10", "Zyrelle Kuipers", Role.PUPIL, date(2015, 1, 1), aliases=("Zyrelle",)),
        (NAMED, SOCIAL),
        (),
    ),
    (PersonInfo("P11", "Mees Wolters", Role.PUPIL, date(2015, 2, 2), "Het Anker"), (), ()),
    (
        PersonInfo("P12", "Mees Brand", Role.PUPIL, date(2015, 3, 3), "De Korre"),
        (NAMED, SOCIAL),
        (),
    ),
    (PersonInfo("P13", "Bram Peters", Role.PUPIL, date(2015, 4, 4)), (NAMED, SOCIAL), ()),
    (PersonInfo("P14", "Bram Peters", Role.PUPIL, date(2016, 4, 4)), (SOCIAL,), ()),
]


def fill(reg: Registry) -> None:
    """Add everyone of PEOPLE with their decisions."""
    for person, granted, refused in PEOPLE:
        reg.add_person(person, recorded_by="test")
        by = GivenBy.PARENT if person.role is Role.PUPIL else GivenBy.SELF
        for purpose in granted:
            reg.grant(person.external_id, purpose, YEAR, by, "formulier", on=date(2026, 9, 1))
        for purpose in refused:
            reg.refuse(person.external_id, purpose, YEAR, by, "formulier", on=date(2026, 9, 1))


def settings(path: Path) -> Settings:
    return Settings(data_dir=path, database_url=None)


@pytest.fixture(scope="module")
def registry_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("names-registry")
    init_registry(settings(path))
    with open_registry(settings(path)) as reg:
        fill(reg)
    return path


@pytest.fixture(scope="module")
def detector(registry_dir: Path) -> Iterator[NameDetector]:
    det = NameDetector(LEXICON, lambda: open_registry(settings(registry_dir)))
    yield det
    assert det.link is not None
    det.link.close()


def findings(
    det: NameDetector, nlp: Language, text: str, post: PostContext = INSTAGRAM
) -> list[Finding]:
    return [f for f in det.detect(analyse(nlp, text, post)) if f.span is not None]


def verdicts(
    det: NameDetector, nlp: Language, text: str, post: PostContext = INSTAGRAM
) -> set[tuple[str, str, str | None]]:
    return {(f.span.text, f.kind, f.person_id) for f in findings(det, nlp, text, post) if f.span}


LINKED = [
    # Both consents (named in a post, and the channel's purpose): a notice.
    ("Sanne de Vries las haar gedicht voor.", {("Sanne de Vries", "pii.name_consented", "P1")}),
    ("Sanne las haar gedicht voor.", {("Sanne", "pii.name_consented", "P1")}),
    ("Het gedicht van S. de Vries.", {("S. de Vries", "pii.name_consented", "P1")}),
    # A pupil named without consent to be named (or only with the channel's): a hold.
    ("Tim Bakker won de quiz.", {("Tim Bakker", "pii.pupil_name", "P2")}),
    ("Noor won de voorleeswedstrijd.", {("Noor", "pii.pupil_name", "P3")}),
    # Staff: no record is a notice; a refusal to be named is a hold.
    ("Vragen? Bel juf Anna.", {("juf Anna", "pii.name", "P4")}),
    ("Juf Eva gaat met verlof.", {("Juf Eva", "pii.name_no_consent", "P5")}),
    # A title rules out pupils: "juf Sanne" is not the pupil Sanne de Vries.
    ("Juf Sanne las voor.", {("Juf Sanne", "pii.name", None)}),
    # Several registered people fit: ask who it is, unless every one of them may be named.
    ("Daan won de schaakwedstrijd.", {("Daan", "pii.name_ambiguous", None)}),
    ("Liam won de schaakwedstrijd.", {("Liam", "pii.name_consented", None)}),
    ("Bram Peters won de schaakwedstrijd.", {("Bram Peters", "pii.name_ambiguous", None)}),
    # A word no name list knows, but the registry does (a name variant).
    ("Een mooie tekening van Zyrelle!", {("Zyrelle", "pii.name_consented", "P10")}),
    # A possessive without apostrophe is the person's own first name.
    ("Sannes moeder bakte een taart.", {("Sannes", "pii.name_consented", "P1")}),
    ("Tims tekening hangt in de hal.", {("Tims", "pii.pupil_name", "P2")}),
    # Consent to be named does not cover a health fact.
    ("Sanne heeft diabetes.", {("Sanne", "pii.name_sensitive", "P1")}),
    # Unregistered: as without a registry.
    ("Fatima uit groep 6 won.", {("Fatima", "pii.pupil_name", None)}),
    ("Fatima won.", {("Fatima", "pii.name", None)}),
]


@pytest.mark.parametrize(("text", "expected"), LINKED)
def test_names_are_judged_by_the_registry(
    detector: NameDetector, nlp_nl: Language, text: str, expected: set[object]
) -> None:
    assert verdicts(detector, nlp_nl, text) == expected


def test_consent_is_for_the_channel(detector: NameDetector, nlp_nl: Language) -> None:
    """Sanne may be named on social media, but there is no website consent."""
    website = PostContext(Channel.WEBSITE, DAY)
    [f] = findings(detector, nlp_nl, "Sanne las haar gedicht voor.", website)
    assert (f.kind, f.person_id, f.person_name) == ("pii.pupil_name", "P1", "Sanne de Vries")
    assert "website on 2026-11-22" in f.evidence.explanation


def test_consent_is_for_the_date(detector: NameDetector, nlp_nl: Language) -> None:
    """Next school year nobody has consent yet."""
    later = PostContext(Channel.INSTAGRAM, date(2027, 9, 15))
    assert verdicts(detector, nlp_nl, "Sanne las voor.", later) == {
        ("Sanne", "pii.pupil_name", "P1")
    }


def test_the_posts_school_narrows_the_candidates(detector: NameDetector, nlp_nl: Language) -> None:
    text = "Mees won de tekenwedstrijd."
    assert verdicts(detector, nlp_nl, text) == {("Mees", "pii.name_ambiguous", None)}
    korre = PostContext(Channel.INSTAGRAM, DAY, school="De Korre")
    assert verdicts(detector, nlp_nl, text, korre) == {("Mees", "pii.name_consented", "P12")}


def test_ambiguity_evidence_lists_the_candidates(detector: NameDetector, nlp_nl: Language) -> None:
    [f] = findings(detector, nlp_nl, "Daan won de schaakwedstrijd.")
    assert "P6 (first name)" in f.evidence.explanation
    assert "P7 (first name)" in f.evidence.explanation
    assert "confirm who is meant" in f.evidence.explanation


# -- the registry changes -------------------------------------------------------------------


@pytest.fixture
def own_registry(tmp_path: Path) -> Iterator[tuple[Registry, NameDetector]]:
    init_registry(settings(tmp_path))
    reg = open_registry(settings(tmp_path))
    fill(reg)
    det = NameDetector(LEXICON, lambda: open_registry(settings(tmp_path)))
    yield reg, det
    assert det.link is not None
    det.link.close()
    reg.close()


def test_a_withdrawal_counts_at_once(
    own_registry: tuple[Registry, NameDetector], nlp_nl: Language
) -> None:
    reg, det = own_registry
    text = "Sanne las haar gedicht voor."
    assert verdicts(det, nlp_nl, text) == {("Sanne", "pii.name_consented", "P1")}
    reg.withdraw("P1", NAMED, "mail van moeder", given_by=GivenBy.PARENT, on=date(2026, 11, 1))
    assert verdicts(det, nlp_nl, text) == {("Sanne", "pii.pupil_name", "P1")}


def test_the_name_index_follows_the_registry(
    own_registry: tuple[Registry, NameDetector], nlp_nl: Language
) -> None:
    reg, det = own_registry
    text = "Een mooie tekening van Kyano!"
    assert verdicts(det, nlp_nl, text) == {("Kyano", "pii.name", None)}
    reg.add_person(PersonInfo("P20", "Kyano Dekker", Role.PUPIL, date(2015, 1, 1)))
    assert verdicts(det, nlp_nl, text) == {("Kyano", "pii.pupil_name", "P20")}
    reg.grant("P20", NAMED, YEAR, GivenBy.PARENT, "formulier", on=date(2026, 9, 1))
    reg.grant("P20", SOCIAL, YEAR, GivenBy.PARENT, "formulier", on=date(2026, 9, 1))
    assert verdicts(det, nlp_nl, text) == {("Kyano", "pii.name_consented", "P20")}


def test_the_audits_consent_view_is_used(
    own_registry: tuple[Registry, NameDetector], nlp_nl: Language
) -> None:
    """As known when the post went out: a withdrawal recorded later does not count."""
    reg, det = own_registry
    went_out = datetime.now(UTC)
    reg.withdraw("P1", NAMED, "mail van moeder", given_by=GivenBy.PARENT, on=date(2026, 11, 1))
    known = PostContext(Channel.INSTAGRAM, DAY, consent_view=ConsentView(known_at=went_out))
    text = "Sanne las haar gedicht voor."
    assert verdicts(det, nlp_nl, text, known) == {("Sanne", "pii.name_consented", "P1")}
    assert verdicts(det, nlp_nl, text) == {("Sanne", "pii.pupil_name", "P1")}


# -- opening the registry -------------------------------------------------------------------


class Opener:
    """Opens the registry and counts how often it was asked to."""

    def __init__(self, open_: Callable[[], Registry]) -> None:
        self.open_ = open_
        self.calls = 0

    def __call__(self) -> Registry:
        self.calls += 1
        return self.open_()


def test_the_registry_is_opened_only_for_a_post_with_names(
    registry_dir: Path, nlp_nl: Language
) -> None:
    opener = Opener(lambda: open_registry(settings(registry_dir)))
    det = NameDetector(LEXICON, opener)
    assert (
        det.detect(analyse(nlp_nl, "wat een mooie sportdag, dank aan iedereen!", INSTAGRAM)) == []
    )
    assert opener.calls == 0
    findings(det, nlp_nl, "Sanne las voor.")
    findings(det, nlp_nl, "Tim Bakker won.")
    assert opener.calls == 1
    assert det.link is not None
    det.link.close()


def test_an_unreachable_registry_holds(nlp_nl: Language) -> None:
    def broken() -> Registry:
        raise RegistryUnavailableError("database is locked", "database is op slot")

    det = NameDetector(LEXICON, broken)
    found = det.detect(analyse(nlp_nl, "Sanne las haar gedicht voor.", INSTAGRAM))
    kinds = {(f.kind, f.span.text if f.span else None) for f in found}
    assert kinds == {("registry.unavailable", None), ("pii.name", "Sanne")}
    [name] = [f for f in found if f.span is not None]
    assert "consent registry unavailable (E201)" in name.evidence.explanation


def test_first_run_at_the_default_location_means_nobody_is_registered(
    tmp_path: Path, nlp_nl: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the built-in default location, before anything exists there (the README's quick
    start), names are judged unregistered and nothing is made; once it exists, it is used."""
    from screening.detectors.names import build_name_detector

    monkeypatch.delenv("SCREENING_DATA_DIR", raising=False)
    monkeypatch.delenv("SCREENING_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    fresh = Settings()
    assert fresh.data_dir.is_relative_to(tmp_path)
    det = build_name_detector(fresh)
    found = det.detect(analyse(nlp_nl, "Sanne las haar gedicht voor.", INSTAGRAM))
    assert {(f.kind, f.span.text if f.span else None) for f in found} == {("pii.name", "Sanne")}
    assert not (tmp_path / "xdg").exists()
    # Once it exists, the same detector looks again and finds the pupil.
    reg = open_registry(fresh)
    reg.add_person(PersonInfo("P1", "Sanne de Vries", Role.PUPIL, date(2015, 1, 1)))
    found = det.detect(analyse(nlp_nl, "Sanne las haar gedicht voor.", INSTAGRAM))
    assert {f.kind for f in found} == {"pii.pupil_name"}
    assert det.link is not None
    det.link.close()
    reg.close()


@pytest.mark.parametrize("configured", ["data_dir", "database_url"])
def test_a_configured_registry_that_is_not_there_holds_and_creates_nothing(
    tmp_path: Path, nlp_nl: Language, configured: str
) -> None:
    """A typo in SCREENING_DATA_DIR or SCREENING_DATABASE_URL is not an empty registry: the
    post holds with registry.unavailable (a pupil named in it is never published)."""
    from screening.detectors.names import build_name_detector

    typo = tmp_path / "no-such-dir" / "registry.sqlite3"
    wrong = (
        Settings(data_dir=typo.parent)
        if configured == "data_dir"
        else Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{typo}")
    )
    det = build_name_detector(wrong)
    found = det.detect(analyse(nlp_nl, "Sanne las haar gedicht voor.", INSTAGRAM))
    assert "registry.unavailable" in {f.kind for f in found}
    assert not typo.parent.exists()
