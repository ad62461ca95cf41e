"""The audit's words for people: verdicts, what to do, and its own finding kinds.

Dutch first, English available. Finding kinds the pipeline reports are named by
`screening.messages`; the kinds only the audit makes (`audit.*`) are named here.
"""

from __future__ import annotations

from screening.audit.results import Verdict
from screening.messages import KindText, Lang, kind_text

VERDICT_LABELS: dict[Verdict, tuple[str, str]] = {
    Verdict.OK: ("In orde", "OK"),
    Verdict.TAKE_DOWN: ("Offline halen", "Take down"),
    Verdict.VIOLATION: ("Overtreding: offline halen", "Violation: take down"),
    Verdict.REVIEW: ("Laten controleren", "Review"),
}

WHAT_TO_DO: dict[Verdict, tuple[str, str]] = {
    Verdict.OK: ("Geen actie nodig.", "No action needed."),
    Verdict.TAKE_DOWN: (
        "Haal deze foto of dit bericht offline, of vervang de foto door een versie waarop de "
        "gezichten zonder toestemming vervaagd zijn: de toestemming is na publicatie "
        "ingetrokken of geweigerd.",
        "Take this photo or post down, or replace the photo with a version in which the faces "
        "without consent are blurred: consent was withdrawn or refused after publication.",
    ),
    Verdict.VIOLATION: (
        "Haal deze foto of dit bericht offline: bij publicatie was er geen geldige toestemming, "
        "of de tekst had zo nooit gepubliceerd mogen worden. Bespreek het met de "
        "privacyfunctionaris (FG).",
        "Take this photo or post down: there was no valid consent when it was published, or "
        "the text should never have been published like this. Discuss it with the data "
        "protection officer.",
    ),
    Verdict.REVIEW: (
        "Laat iemand dit bericht bekijken en beslissen: de controle kon niet met zekerheid "
        "zeggen of het online mag blijven.",
        "Have someone look at this post and decide: the audit could not tell for certain "
        "whether it may stay online.",
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
