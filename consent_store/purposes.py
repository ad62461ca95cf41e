"""Purposes of consent, and which purpose a publication channel needs."""

from __future__ import annotations

from enum import StrEnum

from kernel.errors import UnknownPurposeError
from kernel.types import Channel


class Purpose(StrEnum):
    """What a person may (or may not) be used for; consent is given per purpose."""

    SOCIAL_MEDIA = "social_media"
    WEBSITE = "website"
    NEWSLETTER = "newsletter"
    SCHOOL_GUIDE = "school_guide"
    WHATSAPP_LESSONS = "whatsapp_lessons"
    NAMED_IN_POST = "named_in_post"
    BIOMETRIC_MATCHING = "biometric_matching"


#: Dutch and English words for each purpose, for people reading the CLI and reports.
PURPOSE_LABELS: dict[Purpose, tuple[str, str]] = {
    Purpose.SOCIAL_MEDIA: ("sociale media", "social media"),
    Purpose.WEBSITE: ("website", "website"),
    Purpose.NEWSLETTER: ("nieuwsbrief", "newsletter"),
    Purpose.SCHOOL_GUIDE: ("schoolgids", "school guide"),
    Purpose.WHATSAPP_LESSONS: ("WhatsApp (lessen)", "WhatsApp (lessons)"),
    Purpose.NAMED_IN_POST: ("met naam in een bericht", "named in a post"),
    Purpose.BIOMETRIC_MATCHING: ("gezichtsherkenning", "face matching"),
}

_CHANNEL_PURPOSE: dict[Channel, Purpose] = {
    Channel.INSTAGRAM: Purpose.SOCIAL_MEDIA,
    Channel.FACEBOOK: Purpose.SOCIAL_MEDIA,
    Channel.LINKEDIN: Purpose.SOCIAL_MEDIA,
    Channel.X: Purpose.SOCIAL_MEDIA,
    Channel.TIKTOK: Purpose.SOCIAL_MEDIA,
    Channel.YOUTUBE: Purpose.SOCIAL_MEDIA,
    Channel.WEBSITE: Purpose.WEBSITE,
    Channel.NEWSLETTER: Purpose.NEWSLETTER,
    Channel.SCHOOL_GUIDE: Purpose.SCHOOL_GUIDE,
    Channel.WHATSAPP: Purpose.WHATSAPP_LESSONS,
}


def purpose_for_channel(channel: Channel) -> Purpose:
    """The purpose a person's consent must cover to appear on `channel`."""
    return _CHANNEL_PURPOSE[channel]


def parse_purpose(value: str) -> Purpose:
    """A purpose by name (case-insensitive), or an input error listing the valid ones."""
    try:
        return Purpose(value.strip().lower())
    except ValueError:
        valid = ", ".join(p.value for p in Purpose)
        raise UnknownPurposeError(
            f"unknown purpose {value!r}; choose one of: {valid}",
            f"onbekend doel {value!r}; kies uit: {valid}",
        ) from None
