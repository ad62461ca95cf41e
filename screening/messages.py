"""User-facing words for finding kinds and decisions, Dutch first, English available."""

from __future__ import annotations

from typing import Literal, NamedTuple

Lang = Literal["nl", "en"]


class KindText(NamedTuple):
    """How a finding kind is named and what the officer can do about it."""

    nl: str
    en: str
    advice_nl: str
    advice_en: str


_REMOVE_NL = "Haal dit uit de tekst."
_REMOVE_EN = "Remove it from the text."
#: The same advice for text read in a photo.
_BLUR_NL = "Haal dit uit de foto, of gebruik de publiceerbare versie (daarin is het vervaagd)."
_BLUR_EN = "Remove it from the photo, or use the publishable version (where it is blurred)."

KIND_TEXTS: dict[str, KindText] = {
    "pii.bsn": KindText(
        "Burgerservicenummer (BSN)", "Citizen service number (BSN)", _REMOVE_NL, _REMOVE_EN
    ),
    "pii.phone": KindText("Telefoonnummer", "Phone number", _REMOVE_NL, _REMOVE_EN),
    "pii.email": KindText(
        "E-mailadres",
        "E-mail address",
        "Haal het adres weg of gebruik een algemeen schooladres.",
        "Remove the address or use a general school address.",
    ),
    "pii.iban": KindText(
        "Bankrekeningnummer (IBAN)", "Bank account number (IBAN)", _REMOVE_NL, _REMOVE_EN
    ),
    "pii.address": KindText("Adres of postcode", "Address or postcode", _REMOVE_NL, _REMOVE_EN),
    "pii.date_of_birth": KindText("Geboortedatum", "Date of birth", _REMOVE_NL, _REMOVE_EN),
    "pii.age": KindText(
        "Leeftijd van een persoon",
        "A person's age",
        "Noem geen leeftijd bij een naam.",
        "Do not give an age with a name.",
    ),
    "pii.pupil_name": KindText(
        "Naam van een leerling zonder toestemming",
        "Pupil's name without consent",
        "Haal de naam weg of leg eerst toestemming vast.",
        "Remove the name or record consent first.",
    ),
    "pii.name": KindText(
        "Naam van een persoon",
        "A person's name",
        "Controleer of deze persoon genoemd mag worden.",
        "Check that this person may be named.",
    ),
    "pii.name_consented": KindText(
        "Naam van een persoon met toestemming",
        "Name of a person with consent",
        "Geen actie nodig.",
        "No action needed.",
    ),
    "pii.name_ambiguous": KindText(
        "Naam past bij meerdere personen in het register",
        "Name fits several people in the registry",
        "Bevestig wie er bedoeld wordt, of haal de naam weg.",
        "Confirm who is meant, or remove the name.",
    ),
    "pii.name_no_consent": KindText(
        "Naam van een persoon die geen toestemming geeft",
        "Name of a person who does not consent",
        "Haal de naam weg.",
        "Remove the name.",
    ),
    "pii.name_sensitive": KindText(
        "Naam met een bijzonder persoonsgegeven (gezondheid, geloof, afkomst)",
        "Name with special-category data (health, religion, origin)",
        "Haal de naam of het gevoelige gegeven weg.",
        "Remove the name or the sensitive detail.",
    ),
    "pii.special_category": KindText(
        "Bijzonder persoonsgegeven (gezondheid, geloof, afkomst)",
        "Special-category data (health, religion, origin)",
        _REMOVE_NL,
        _REMOVE_EN,
    ),
    "pii.confidential": KindText(
        "Vertrouwelijke informatie", "Confidential information", _REMOVE_NL, _REMOVE_EN
    ),
    "language.insult": KindText(
        "Beledigend taalgebruik",
        "Insulting language",
        "Herschrijf deze zin.",
        "Rewrite this sentence.",
    ),
    "language.threat": KindText(
        "Dreigend taalgebruik",
        "Threatening language",
        "Herschrijf deze zin.",
        "Rewrite this sentence.",
    ),
    "language.hate": KindText(
        "Kwetsende uitspraak over een groep",
        "Demeaning statement about a group",
        "Herschrijf deze zin.",
        "Rewrite this sentence.",
    ),
    "language.profanity": KindText(
        "Grof taalgebruik", "Profanity", "Herschrijf deze zin.", "Rewrite this sentence."
    ),
    "face.no_consent": KindText(
        "Herkenbaar gezicht zonder toestemming",
        "Recognizable face without consent",
        "Gebruik de publiceerbare versie van de foto (gezicht vervaagd) of vraag toestemming.",
        "Use the publishable version of the photo (face blurred) or ask for consent.",
    ),
    "face.unknown": KindText(
        "Herkenbaar gezicht van een onbekende",
        "Recognizable face of an unknown person",
        "Controleer wie dit is, of vervaag het gezicht.",
        "Check who this is, or blur the face.",
    ),
    "face.ambiguous": KindText(
        "Gezicht niet zeker te herkennen",
        "Face cannot be identified with confidence",
        "Bevestig wie dit is.",
        "Confirm who this is.",
    ),
    "face.not_recognizable": KindText(
        "Gezicht niet herkenbaar", "Face not recognizable", "Geen actie nodig.", "No action needed."
    ),
    "face.consented": KindText(
        "Gezicht met toestemming", "Face with consent", "Geen actie nodig.", "No action needed."
    ),
    "image.unreadable": KindText(
        "Foto onleesbaar",
        "Photo unreadable",
        "Lever de foto opnieuw aan als JPEG of PNG.",
        "Supply the photo again as JPEG or PNG.",
    ),
    "image.not_screened": KindText(
        "Foto niet gecontroleerd",
        "Photo not checked",
        "Laat de foto met de hand controleren.",
        "Have the photo checked by hand.",
    ),
    "image.metadata": KindText(
        "Persoonsgegevens in de fotogegevens (EXIF)",
        "Personal data in the photo's metadata (EXIF)",
        "Gebruik de publiceerbare versie van de foto (fotogegevens verwijderd).",
        "Use the publishable version of the photo (metadata removed).",
    ),
    "screening.error": KindText(
        "Controle mislukt",
        "Screening failed",
        "Probeer het opnieuw of laat het bericht met de hand controleren.",
        "Try again or have the post checked by hand.",
    ),
    "registry.unavailable": KindText(
        "Toestemmingsregister niet bereikbaar",
        "Consent registry unreachable",
        "Probeer het later opnieuw.",
        "Try again later.",
    ),
}

ACTION_TEXTS: dict[str, tuple[str, str]] = {
    "publish": ("PUBLICEREN — geen bezwaren gevonden", "PUBLISH — no objections found"),
    "hold": ("NIET PUBLICEREN — eerst aanpassen", "HOLD — change before publishing"),
}

SEVERITY_TEXTS: dict[str, tuple[str, str]] = {
    "hold": ("blokkeert", "blocks"),
    "notice": ("ter info", "notice"),
}


def kind_text(kind: str) -> KindText:
    """The words for `kind`; an unknown kind is named as it is."""
    return KIND_TEXTS.get(kind, KindText(kind, kind, "Controleer dit.", "Check this."))


def kind_label(kind: str, lang: Lang) -> str:
    """The short name of a finding kind."""
    t = kind_text(kind)
    return t.nl if lang == "nl" else t.en


def kind_advice(kind: str, lang: Lang, *, in_photo: bool = False) -> str:
    """What the officer can do about a finding of this kind (`in_photo`: found in a photo)."""
    t = kind_text(kind)
    if in_photo and t.advice_nl == _REMOVE_NL:
        return _BLUR_NL if lang == "nl" else _BLUR_EN
    return t.advice_nl if lang == "nl" else t.advice_en


def action_text(action: str, lang: Lang) -> str:
    """The headline for a decision."""
    nl, en = ACTION_TEXTS[action]
    return nl if lang == "nl" else en


def severity_text(severity: str, lang: Lang) -> str:
    """The word for a severity."""
    nl, en = SEVERITY_TEXTS[severity]
    return nl if lang == "nl" else en
