"""All personal-data detectors: registration, well-formed findings, no exceptions on odd input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from kernel.errors import DetectorRegistryError
from screening.detectors.base import TextDetector
from screening.detectors.pii import PII_DETECTORS, register_pii
from screening.detectors.registry import DetectorRegistry
from screening.nlp import TextDoc, analyse

EXPECTED = {
    "bsn": "pii.bsn",
    "phone": "pii.phone",
    "email": "pii.email",
    "iban": "pii.iban",
    "address": "pii.address",
    "date_of_birth": "pii.date_of_birth",
    "age": "pii.age",
}

POST = (
    "Beste ouders, op vrijdag 12 maart 2024 gaan we met groep 7 naar Artis. "
    "Sanne (8) is vandaag jarig en wordt 8 jaar! Ze is geboren op 12-03-2016. "
    "Vragen? Bel juf Anne op 06-12345678 of mail naar anne.devries@school.nl. "
    "Het adres is Dorpsstraat 12, 1234 AB Utrecht. BSN 111222333. "
    "Betalen op NL91ABNA0417164300 t.n.v. S. de Vries. In 2024 en 2025 vieren we feest."
)

ODD_TEXTS = [
    "",
    " ",
    "\n\n\t",
    "\x00\x01\x02",
    "İİİ 12 maart 2014 İ geboren",  # grows when lower-cased
    "ß" * 50 + " 06-12345678",
    "🙂👩‍👩‍👧 Sanne (12) 🎉 0612345678 🎂 geboren 12-03-2014",
    "١٢٣٤٥٦٧٨٩",  # Arabic-Indic digits
    "１１１２２２３３３",  # full-width digits
    "𝟏𝟏𝟏𝟐𝟐𝟐𝟑𝟑𝟑",
    "\u200b111222333\u200b",
    "\ud800",  # a lone surrogate
    "@" * 500,
    "(" * 500 + "12" + ")" * 500,
    "0" * 5000,
    "1234 " * 2000,
    "a@" * 3000,
    "-" * 3000 + "06-12345678",
    "Dorpsstraat " * 2000,
    "Van De Van De Van De " * 500 + "Dorpsstraat 12",
    "jarig " * 2000,
    "12 maart " * 2000,
]


def _doc(nlp: Language, text: str) -> TextDoc:
    # spaCy cannot take a lone surrogate (that is for the input edge to refuse); the detectors
    # read only the text, so they get it anyway.
    spacy_text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return TextDoc(text=text, doc=analyse(nlp, spacy_text).doc)


def test_register_pii_registers_every_detector_by_name() -> None:
    registry = DetectorRegistry()
    register_pii(registry)
    assert set(registry.text_names) == set(EXPECTED)
    built = registry.build_text()
    assert {d.name for d in built} == set(EXPECTED)


def test_register_pii_twice_is_an_error() -> None:
    registry = DetectorRegistry()
    register_pii(registry)
    with pytest.raises(DetectorRegistryError):
        register_pii(registry)


@pytest.mark.parametrize("detector_class", PII_DETECTORS, ids=lambda c: c.name)
def test_detector_declares_name_and_version(detector_class: type[TextDetector]) -> None:
    assert detector_class.name in EXPECTED
    assert detector_class.version == "1.0"


@pytest.mark.parametrize("detector_class", PII_DETECTORS, ids=lambda c: c.name)
def test_findings_are_well_formed(nlp_nl: Language, detector_class: type[TextDetector]) -> None:
    detector = detector_class()
    findings = list(detector.detect(analyse(nlp_nl, POST)))
    assert findings, f"{detector.name} found nothing in the sample post"
    for f in findings:
        assert f.kind == EXPECTED[detector.name]
        assert f.detector == detector.name
        assert f.detector_version == detector.version
        assert 0.0 <= f.score <= 1.0
        assert f.span is not None
        assert POST[f.span.start : f.span.end] == f.span.text
        assert f.evidence.explanation
        assert f.evidence.pattern
        assert f.evidence.validation
    starts = [f.span.start for f in findings if f.span is not None]
    assert starts == sorted(starts)


def test_the_sample_post_gives_what_it_holds(nlp_nl: Language) -> None:
    doc = analyse(nlp_nl, POST)
    found = {
        (f.kind, f.span.text)
        for cls in PII_DETECTORS
        for f in cls().detect(doc)
        if f.span is not None
    }
    assert found == {
        ("pii.age", "8"),
        ("pii.date_of_birth", "12-03-2016"),
        ("pii.phone", "06-12345678"),
        ("pii.email", "anne.devries@school.nl"),
        ("pii.address", "Dorpsstraat 12, 1234 AB Utrecht"),
        ("pii.bsn", "111222333"),
        ("pii.iban", "NL91ABNA0417164300"),
    }


@pytest.fixture(scope="module")
def odd_docs(nlp_nl: Language) -> Callable[[str], TextDoc]:
    """`_doc` of each odd text, analysed once for every detector (as the pipeline does: one
    analysis per post, read by all detectors); the long ones take spaCy a while."""
    made: dict[str, TextDoc] = {}

    def doc_of(text: str) -> TextDoc:
        if text not in made:
            made[text] = _doc(nlp_nl, text)
        return made[text]

    return doc_of


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
@pytest.mark.parametrize("detector_class", PII_DETECTORS, ids=lambda c: c.name)
def test_odd_input_never_raises(
    odd_docs: Callable[[str], TextDoc], detector_class: type[TextDetector], text: str
) -> None:
    doc = odd_docs(text)
    for f in detector_class().detect(doc):
        assert f.span is not None
        assert text[f.span.start : f.span.end] == f.span.text


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(),
            st.sampled_from(list("0123456789 -./()+@:,'`’\nABNLjaroudgebmt")),
        ),
        max_size=300,
    )
)
def test_random_text_never_raises(nlp_nl: Language, text: str) -> None:
    doc = _doc(nlp_nl, text)
    for cls in PII_DETECTORS:
        for f in cls().detect(doc):
            assert f.span is not None
            assert text[f.span.start : f.span.end] == f.span.text


def test_huge_text(nlp_nl: Language) -> None:
    """A 100,000-character post gives every repeat's findings (its speed: bench_pii.py)."""
    text = (POST + " ") * (100_000 // (len(POST) + 1))
    doc = analyse(nlp_nl, text)
    counts = {cls.name: len(cls().detect(doc)) for cls in PII_DETECTORS}
    repeats = text.count(POST)
    assert counts["bsn"] == repeats
    assert counts["iban"] == repeats
