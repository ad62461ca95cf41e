"""Screening a draft for the service: the pipeline, the decision log and the photo outputs.

One difference from the CLI: a photo the service cannot read at all (not an image, a
decompression bomb, a truncated file, ...) is the caller's error, answered with a 4xx that
says which photo and why, instead of a 200 hold. The caller is a program or a person who can
fix the upload; nothing is published either way. The CLI keeps the pipeline's hold.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any

from api.auth import ApiKey
from api.multipart import safe_filename
from api.services import Services
from kernel.errors import RegistryError, UnknownPolicyError, UnreadableImageError
from kernel.types import Channel, Decision, ImageInput, Post
from screening.decision_json import decision_to_dict
from screening.messages import Lang

log = logging.getLogger(__name__)

#: Dutch words for the intake's reasons (the decision keeps only the English explanation).
_UNREADABLE_NL = {
    "empty": "het bestand is leeg",
    "too_large": "het bestand is te groot",
    "not_an_image": "dit is geen foto",
    "unknown_format": "het bestand is geen foto in een bekend formaat",
    "unsupported_format": "dit formaat wordt niet geaccepteerd; gebruik JPEG, PNG, WebP, HEIC, "
    "GIF of TIFF",
    "too_many_pixels": "de foto heeft te veel pixels (mogelijk een decompressiebom)",
    "too_many_frames": "de animatie heeft te veel beelden",
    "truncated": "de foto is afgebroken (onvolledig bestand)",
    "corrupt": "de foto is beschadigd",
    "decoder_error": "de foto kan niet worden gelezen",
}


@dataclass(frozen=True)
class ScreeningResult:
    """A screened draft: the decision, its JSON (with photo links) and the post id."""

    decision: Decision
    payload: dict[str, Any]
    post_id: str


def new_post_id() -> str:
    """A fresh, unguessable post id (it is also the key to the draft's photos)."""
    return secrets.token_hex(10)


def image_name(filename: str | None, index: int) -> str:
    """A safe display name for an uploaded photo (no folders, bounded length)."""
    return safe_filename(filename, f"foto-{index + 1}.jpg")


def _refuse_unreadable(decision: Decision, images: list[ImageInput]) -> None:
    for rated in decision.findings:
        f = rated.finding
        if f.kind != "image.unreadable" or f.region is None:
            continue
        index = f.region.image_index
        name = images[index].name if index < len(images) else f"#{index + 1}"
        reason = f.evidence.validation or "corrupt"
        raise UnreadableImageError(
            reason,
            f"foto {index + 1} ({name}): {_UNREADABLE_NL.get(reason, 'kan niet worden gelezen')}"
            "; er is niets gecontroleerd",
            f"photo {index + 1} ({name}): {f.evidence.explanation}; nothing was screened",
        )


def check_policy(services: Services, policy: str | None) -> None:
    """Refuse a policy that is not an installed pack (the CLI also takes paths; the service
    does not, or a caller could make the server read any file)."""
    packs = services.pipeline.packs.packs
    if policy is None or policy in packs:
        return
    known = ", ".join(sorted(packs))
    raise UnknownPolicyError(
        f"unknown policy pack {policy!r}; available: {known}",
        f"onbekend beleidspakket {policy!r}; beschikbaar: {known}",
    )


def image_links(post_id: str, images: list[ImageInput]) -> list[dict[str, Any]]:
    """Where the annotated and redacted version of each photo can be downloaded."""
    base = f"/v1/screenings/{post_id}/images"
    return [
        {
            "index": i,
            "name": image.name,
            "annotated_url": f"{base}/{i}/annotated",
            "redacted_url": f"{base}/{i}/redacted",
        }
        for i, image in enumerate(images)
    ]


def screen_post(services: Services, post: Post, policy: str | None) -> Decision:
    """The pipeline's decision on `post`, a draft with photos waiting for a free CPU.

    The one call of the pipeline behind every screening route, in process and on the task
    queue alike, so a queued decision is the same JSON as an immediate one.
    """
    check_policy(services, policy)
    with services.photo_slots if post.images else nullcontext():
        return services.pipeline.screen(post, policy)


def screen_draft(
    services: Services,
    *,
    text: str,
    images: list[ImageInput],
    channel: Channel,
    publish_on: date,
    policy: str | None,
    lang: Lang,
    key: ApiKey,
    outputs: bool,
) -> ScreeningResult:
    """Screen a draft, log the decision (ids and kinds only) and hold its photo outputs."""
    check_policy(services, policy)
    post_id = new_post_id()
    post = Post(text=text, channel=channel, publish_on=publish_on, images=tuple(images), id=post_id)
    decision = screen_post(services, post, policy)
    _refuse_unreadable(decision, images)
    try:
        services.decisions.record(post_id, decision, key.id)
    except RegistryError as exc:
        # The decision stands (it was made with whatever the registry could say); only an
        # override of it cannot be checked later.
        log.warning("decision log unavailable for post %s: %s", post_id, type(exc).__name__)
    payload = decision_to_dict(decision)
    if outputs:
        payload["images"] = image_links(post_id, images)
        if images:
            services.outputs.put(post_id, decision, tuple(images), lang, owner=key.id)
    return ScreeningResult(decision, payload, post_id)
