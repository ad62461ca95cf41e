"""The audit's words for people: verdicts, what to do, and its own finding kinds.

Dutch first, English available. Finding kinds the pipeline reports are named by
`screening.messages`; the kinds only the audit makes (`audit.*`) are named here.
"""

from __future__ import annotations

from collections.abc import Sequence

from kernel.types import Finding
from screening.audit.results import Verdict
from screening.messages import KindText, Lang, kind_text

VERDICT_LABELS: dict[Verdict, tuple[str, str]] = {
    Verdict.OK: ("In orde", "OK"),
    Verdict.TAKE_DOWN: ("Offline halen", "Take down"),
    Verdict.VIOLATION: ("Overtreding: offline halen", "Violation: take down"),
    Verdict.REVIEW: ("Laten controleren", "Review"),
    Verdict.METADATA: ("Fotogegevens opschonen", "Clean photo metadata"),
}

WHAT_TO_DO: dict[Verdict, tuple[str, str]] = {
    Verdict.OK: ("Geen actie nodig.", "No action needed."),
    Verdict.TAKE_DOWN: (
        "Bij publicatie mocht dit; nu niet meer, omdat toestemming daarna is ingetrokken of "
        "geweigerd. Haal het offline of vervang de foto door de publiceerbare versie.",
        "This was allowed when published, but no longer: consent was withdrawn or refused "
        "since. Take it down or replace the photo with the publishable version.",
    ),
    Verdict.VIOLATION: (
        "Dit mocht al niet toen het gepubliceerd werd. Haal het offline; zie per bevinding "
        "wat er mis was.",
        "This was not allowed when it was published. Take it down; see each finding for "
        "what was wrong.",
    ),
    Verdict.REVIEW: (
        "Laat iemand dit bericht bekijken en beslissen: de controle kon niet met zekerheid "
        "zeggen of het online mag blijven.",
        "Have someone look at this post and decide: the audit could not tell for certain "
        "whether it may stay online.",
    ),
    Verdict.METADATA: (
        "De fotogegevens (EXIF/XMP) bevatten een plaats of een naam. Vervang de foto door de "
        "publiceerbare versie, of markeer hem als afgehandeld als dat zo mag.",
        "The photo's metadata (EXIF/XMP) holds a place or a name. Replace the photo with the "
        "publishable version, or mark it handled if that is allowed.",
    ),
}

AUDIT_KINDS: dict[str, KindText] = {
    "audit.no_date": KindText(
        "Publicatiedatum onbekend",
        "Publication date unknown",
        "Vul de publicatiedatum aan (published_on) en controleer opnieuw.",
        "Add the publication date (published_on) and audit again.",
    ),
    "audit.bad_metadata": KindText(
        "Gegevens bij de foto kloppen niet",
        "The photo's details are wrong",
        "Verbeter het zijbestand of de regel in het manifest.",
        "Correct the sidecar file or the manifest line.",
    ),
    "audit.media_missing": KindText(
        "Foto niet gevonden",
        "Photo not found",
        "Controleer het pad in het manifest.",
        "Check the path in the manifest.",
    ),
    "audit.media_unavailable": KindText(
        "Foto niet op te halen",
        "Photo could not be fetched",
        "Controleer of de foto nog online staat en bekijk hem zelf.",
        "Check whether the photo is still online and look at it yourself.",
    ),
    "audit.address_refused": KindText(
        "Adres geweigerd",
        "Address refused",
        "De sitemap of feed verwijst naar een adres dat de controle niet ophaalt (een bestand op "
        "deze computer of een intern netwerkadres); er is niets van gelezen. Controleer de "
        "sitemap of feed en bekijk het bericht zelf. Hoort het adres erbij, zet het dan in "
        "SCREENING_AUDIT_ALLOWED_HOSTS.",
        "The sitemap or feed refers to an address the audit does not fetch from (a file on this "
        "computer or an internal network address); nothing was read from it. Check the sitemap "
        "or feed and look at the post yourself. If the address belongs there, add it to "
        "SCREENING_AUDIT_ALLOWED_HOSTS.",
    ),
    "audit.future_date": KindText(
        "Publicatiedatum in de toekomst",
        "Publication date in the future",
        "Controleer de publicatiedatum in de bron; staat het bericht al online, verbeter dan "
        "de datum.",
        "Check the publication date in the source; if the post is already online, correct "
        "the date.",
    ),
    "audit.unscreenable": KindText(
        "Bericht niet te controleren",
        "Post could not be checked",
        "Laat het bericht met de hand controleren.",
        "Have the post checked by hand.",
    ),
}


def _text(kind: str) -> KindText:
    return AUDIT_KINDS.get(kind) or kind_text(kind)


def kind_name(kind: str, lang: Lang) -> str:
    """The short name of a finding kind."""
    t = _text(kind)
    return t.nl if lang == "nl" else t.en


def kind_todo(kind: str, lang: Lang) -> str:
    """What to do about a finding of this kind."""
    t = _text(kind)
    return t.advice_nl if lang == "nl" else t.advice_en


def verdict_label(verdict: Verdict, lang: Lang) -> str:
    """The verdict as a word or two."""
    nl, en = VERDICT_LABELS[verdict]
    return nl if lang == "nl" else en


def what_to_do(verdict: Verdict, lang: Lang) -> str:
    """What the school should do with an item of this verdict."""
    nl, en = WHAT_TO_DO[verdict]
    return nl if lang == "nl" else en


#: Metadata fields that name the maker or the rights holder of a photo (a photographer's
#: credit, usually), as opposed to a place or the people in it.
MAKER_FIELDS = frozenset(
    {
        "Artist",
        "Copyright",
        "XPAuthor",
        "CameraOwnerName",
        "XMP dc:creator",
        "XMP photoshop:Credit",
        "XMP xmpRights:Owner",
        "XMP dc:rights",
        "XMP Iptc4xmpCore:CreatorContactInfo",
        "PNG author",
        "PNG artist",
        "PNG copyright",
    }
)

_DPO_NL = "Meld het aan de functionaris gegevensbescherming (FG)."
_DPO_EN = "Report it to the data protection officer (DPO)."


def _is_photo(kind: str) -> bool:
    return kind.startswith("face.")


def _metadata_advice(fields: Sequence[str]) -> tuple[str, str]:
    place = any(
        "GPS" in f or f in ("XMP photoshop:City", "XMP Iptc4xmpCore:Location") for f in fields
    )
    people = [f for f in fields if f not in MAKER_FIELDS and "GPS" not in f]
    if place or people:
        return (
            "Vervang de foto door de publiceerbare versie (zonder fotogegevens): nu kan iedereen "
            "zien " + ("waar de foto is genomen" if place else "wie erop staan") + ".",
            "Replace the photo with the publishable version (without metadata): as it is, "
            "anyone can see " + ("where it was taken" if place else "who is in it") + ".",
        )
    return (
        "In de fotogegevens staat de naam van de maker of rechthebbende (meestal de fotograaf). "
        "Mag die naam erbij staan, markeer de foto dan als afgehandeld; is het de naam van een "
        "leerling of ouder, vervang de foto dan door de publiceerbare versie. Dit gaat niet over "
        "toestemming van wie er op de foto staat.",
        "The metadata names the photo's maker or rights holder (usually the photographer). If "
        "that name may be there, mark the photo handled; if it is a pupil's or parent's name, "
        "replace the photo with the publishable version. This is not about the consent of the "
        "people in the photo.",
    )


def advice(kind: str, verdict: Verdict | None, fields: Sequence[str] = ()) -> tuple[str, str]:
    """What to do about one finding, in Dutch and English; it agrees with its verdict."""
    if verdict is None:
        return ("Geen actie nodig (ter info).", "No action needed (for information).")
    if verdict is Verdict.METADATA:
        return _metadata_advice(fields)
    if verdict is Verdict.TAKE_DOWN:
        what_nl, what_en = (
            (
                "Haal de foto offline of vervang hem door de publiceerbare versie.",
                "Take the photo down or replace it with the publishable version.",
            )
            if _is_photo(kind)
            else (
                "Haal de naam uit het bericht, of haal het bericht offline.",
                "Remove the name from the post, or take the post down.",
            )
        )
        return (
            what_nl + " Dit is geen overtreding: bij publicatie was er toestemming, die is "
            "daarna ingetrokken of geweigerd.",
            what_en + " This is not a violation: there was consent at publication, which was "
            "withdrawn or refused since.",
        )
    if verdict is Verdict.VIOLATION:
        if _is_photo(kind):
            return (
                "Haal de foto offline of vervang hem door de publiceerbare versie: bij publicatie "
                "was er geen geldige toestemming. " + _DPO_NL,
                "Take the photo down or replace it with the publishable version: there was no "
                "valid consent when it was published. " + _DPO_EN,
            )
        if kind.startswith("language."):
            return (
                "Haal het bericht offline of herschrijf het: deze tekst had zo nooit "
                "gepubliceerd mogen worden.",
                "Take the post down or rewrite it: this text should never have been published "
                "like this.",
            )
        return (
            "Haal dit uit het bericht of haal het bericht offline: het had zo nooit "
            "gepubliceerd mogen worden. " + _DPO_NL,
            "Remove this from the post or take the post down: it should never have been "
            "published like this. " + _DPO_EN,
        )
    t = _text(kind)
    return t.advice_nl, t.advice_en


_EXPLAIN_NL: dict[str, str] = {
    "face.unknown": "Herkenbaar gezicht dat bij niemand in het register past (ook niet als "
    "iemands toestemming voor gezichtsherkenning en template zijn verwijderd).",
    "face.ambiguous": "Dit gezicht lijkt op meer dan één persoon in het register; de controle "
    "weet niet zeker wie het is.",
    "face.no_consent": "Herkenbaar gezicht zonder geldige toestemming.",
    "image.unreadable": "De foto kan niet worden gelezen (beschadigd of een onbekend formaat).",
    "image.not_screened": "De foto is niet op gezichten gecontroleerd.",
    "screening.error": "De controle van dit bericht is mislukt.",
    "registry.unavailable": "Het toestemmingsregister was niet bereikbaar.",
}

_FIELD_NL = {"GPS position": "GPS-positie (waar de foto is genomen)"}


def explanation_nl(finding: Finding) -> str:
    """A Dutch explanation of a finding (detectors explain themselves in English)."""
    kind = finding.kind
    if kind.startswith("audit.") and finding.evidence.validation:
        return finding.evidence.validation  # the audit's own findings carry it there
    if kind == "image.metadata":
        fields = ", ".join(_FIELD_NL.get(f, f) for f in finding.evidence.context_words)
        return f"In de fotogegevens (EXIF/XMP) staat: {fields or 'persoonsgegevens'}."
    if kind in _EXPLAIN_NL:
        text = _EXPLAIN_NL[kind]
        if finding.person_name:
            text = f"{finding.person_name}: {text[0].lower()}{text[1:]}"
        return text
    name = kind_name(kind, "nl")
    return f"{name} in de tekst." if finding.span is not None else f"{name}."
