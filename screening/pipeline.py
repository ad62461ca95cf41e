"""The one entry point: build the pipeline once, then screen posts with it.

The CLI, the API and the audit all call `build_pipeline()` and `Pipeline.screen()`; none of
them reach into a detector directly. Models and word lists are loaded when the pipeline is
built, never at import.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kernel.errors import (
    EmptyTextError,
    TextEncodingError,
    TextTooLongError,
    UnreadableImageError,
)
from kernel.settings import Settings
from kernel.types import Decision, Evidence, Finding, ImageRegion, Post, PostContext, Span
from screening import __version__
from screening.detectors.base import ImageDetector, TextDetector
from screening.detectors.image_metadata import ImageMetadataDetector
from screening.detectors.language import register_language
from screening.detectors.names import register_names
from screening.detectors.photo_text import PhotoTextCache, PhotoTextDetector
from screening.detectors.pii import register_pii
from screening.detectors.registry import DetectorRegistry
from screening.detectors.sensitive import register_sensitive
from screening.detectors.transformer import register_transformers
from screening.images.intake import decode_image
from screening.nlp import DocCache, NlpInfo, TextDoc, analyse, load_nlp
from screening.plain_text import has_visible, plain_text
from screening.policy.engine import PolicyOptions, decide
from screening.policy.pack import PackSet, load_packs

if TYPE_CHECKING:
    from spacy.language import Language

    from screening.faces.cache import FaceAnalysisCache

log = logging.getLogger(__name__)

PIPELINE_NAME = "pipeline"
INTAKE_NAME = "image_intake"
INTAKE_VERSION = "1.0"
#: Control characters other than white space (NUL, ESC, BEL, C1 controls): no post shows
#: them, a terminal runs them.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
#: The longest "word" (characters without white space) a post may have. No caption has a
#: longer one; spaCy's tokenizer takes quadratic time over a run of brackets, plus signs or
#: emoji, so 100,000 of them kept a screening busy for many minutes.
MAX_WORD_CHARS = 1_000
_LONG_WORD = re.compile(rf"(?<!\S)\S{{{MAX_WORD_CHARS + 1}}}")  # (?<!\S): linear time


def build_face_detector(
    settings: Settings, face_cache: FaceAnalysisCache | None = None
) -> ImageDetector:
    """The face detector with its models, thresholds and (lazily opened) consent registry.

    `face_cache` (the nightly audit's) keeps detection results per photo between runs.
    """
    from consent_store.repository import open_registry
    from screening.detectors.faces import FaceConsentDetector
    from screening.faces.detect import load_detection_config
    from screening.faces.match import load_match_thresholds
    from screening.faces.models import load_face_models
    from screening.faces.quality import load_recognizability_config

    return FaceConsentDetector(
        models=load_face_models(),
        detection=load_detection_config(),
        recognizability=load_recognizability_config(),
        thresholds=load_match_thresholds(),
        registry=lambda: open_registry(settings),
        cache=face_cache,
        max_side=settings.detection_max_side,
    )


def default_registry(
    settings: Settings | None = None,
    *,
    faces: bool = True,
    face_cache: FaceAnalysisCache | None = None,
    text_cache: PhotoTextCache | None = None,
) -> DetectorRegistry:
    """A registry holding every detector that ships with the project.

    `faces=False` leaves out the face detector (and the seconds its models take to load),
    for callers that screen text only; a photo screened without it holds as
    'image.not_screened'.
    """
    registry = DetectorRegistry()
    register_pii(registry)
    register_language(registry, settings or Settings())
    register_sensitive(registry)
    # Names are checked against the consent registry, opened only for a post with names.
    register_names(registry, settings or Settings())
    # A school's own transformers models, only when their folders are configured.
    register_transformers(registry, settings or Settings())
    registry.register_image(ImageMetadataDetector.name, ImageMetadataDetector)
    ocr = settings or Settings()
    if ocr.ocr_enabled:
        # Text read in a photo goes through the text detectors above (Pipeline.screen_text).
        registry.register_image(
            PhotoTextDetector.name,
            lambda: PhotoTextDetector(
                max_side=ocr.ocr_max_side,
                min_confidence=ocr.ocr_min_confidence,
                threads=ocr.ocr_threads,
                cache=text_cache,
            ),
        )
    if faces:
        face_settings = settings or Settings()
        registry.register_image("faces", lambda: build_face_detector(face_settings, face_cache))
    return registry


def _error_finding(detector: str, version: str, exc: BaseException, **where: int) -> Finding:
    # The exception's message may quote the post, so only its type is reported and logged.
    region = ImageRegion(where["image_index"]) if "image_index" in where else None
    return Finding(
        kind="screening.error",
        detector=detector,
        detector_version=version,
        score=1.0,
        evidence=Evidence(explanation=f"detector {detector!r} failed: {type(exc).__name__}"),
        region=region,
    )


def validate_post(post: Post, max_text_chars: int) -> None:
    """Reject a post that cannot be screened at all (a caller error, not a hold).

    Also called where a post is accepted to be screened later (a batch on the task queue),
    so the caller hears at once what it would hear in process.
    """
    if not post.images and not has_visible(post.text):  # also: only zero-width characters
        raise EmptyTextError(
            "the post has no text and no photos",
            "het bericht heeft geen tekst en geen foto's",
        )
    try:
        post.text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a JSON "\ud800" escape
        raise TextEncodingError(
            "the text contains characters that are not valid Unicode",
            "de tekst bevat tekens die geen geldige Unicode zijn",
        ) from None
    if len(post.text) > max_text_chars:
        raise TextTooLongError(
            f"the text has {len(post.text):,} characters; at most {max_text_chars:,} are accepted",
            f"de tekst heeft {len(post.text):,} tekens; er mogen er hoogstens {max_text_chars:,} "
            "zijn",
        )
    if _CONTROL.search(post.text):
        raise TextEncodingError(
            "the text contains control characters (such as NUL or ESC) that a post cannot "
            "show; remove them",
            "de tekst bevat stuurtekens (zoals NUL of ESC) die een bericht niet kan tonen; "
            "haal ze weg",
        )
    if _LONG_WORD.search(post.text):
        raise TextTooLongError(
            f"the text has a 'word' of more than {MAX_WORD_CHARS:,} characters without a "
            "space; shorten it (a long link: use a short one)",
            f"de tekst heeft een 'woord' van meer dan {MAX_WORD_CHARS:,} tekens zonder "
            "spatie; maak het korter (een lange link: gebruik een korte)",
        )


@dataclass
class Pipeline:
    """A built pipeline: the NLP pass, the detectors, the policy packs and options."""

    settings: Settings
    nlp: Language
    text_detectors: Sequence[TextDetector]
    image_detectors: Sequence[ImageDetector]
    packs: PackSet
    #: What `nlp` is (name, version, sha256 of its weights, or a fallback and why).
    nlp_info: NlpInfo
    options: PolicyOptions = field(default_factory=PolicyOptions)
    #: Where the NLP pass of a text is kept between runs (the nightly audit's cache).
    doc_cache: DocCache | None = None
    #: Decode a photo's pixels only when a detector needs them (`decode_image(lazy=True)`):
    #: with the audit's caches, a photo analysed before is not decoded again.
    decode_lazily: bool = False

    def __post_init__(self) -> None:
        for image_det in self.image_detectors:
            image_det.use_text_screen(self.screen_text)

    @property
    def detector_versions(self) -> dict[str, str]:
        """Every component that can produce a finding, with its version."""
        versions = {PIPELINE_NAME: __version__, INTAKE_NAME: INTAKE_VERSION}
        key, value = self.nlp_info.version_entry
        versions[key] = value
        for det in self.text_detectors:
            versions[det.name] = det.version
            versions.update(det.model_versions())
        for image_det in self.image_detectors:
            versions[image_det.name] = image_det.version
            versions.update(image_det.model_versions())
        return versions

    def validate(self, post: Post) -> None:
        """Reject a post that cannot be screened at all (a caller error, not a hold)."""
        validate_post(post, self.settings.max_text_chars)

    def screen(self, post: Post, policy: str | None = None) -> Decision:
        """Screen one post and decide publish or hold under the given (or default) pack."""
        pack = self.packs.get(policy)
        self.validate(post)
        findings = [*self._screen_text(post), *self._screen_images(post)]
        decision = decide(
            findings,
            pack,
            channel=post.channel,
            publish_on=post.publish_on,
            detector_versions=self.detector_versions,
            options=self.options,
            post_id=post.id,
        )
        log.info(
            "screened post",
            extra={
                "post_id": post.id,
                "action": decision.action.value,
                "kinds": sorted({f.finding.kind for f in decision.findings}),
            },
        )
        return decision

    def _screen_text(self, post: Post) -> list[Finding]:
        if not post.text.strip():
            return []
        findings = self._detect_text(post.text, post)
        plain = plain_text(post.text)
        if plain.text != post.text and plain.text.strip():
            # A phone number broken up by zero-width characters, or written in full-width
            # digits, is still a phone number: screen what a reader sees too, and point
            # each finding at the characters of the post it came from.
            seen = {_place(f) for f in findings}
            for finding in self._detect_text(plain.text, post):
                if finding.span is not None:
                    start, end = plain.span_in_original(finding.span.start, finding.span.end)
                    finding = replace(finding, span=Span.of(post.text, start, end))
                if _place(finding) not in seen:
                    seen.add(_place(finding))
                    findings.append(finding)
        return findings

    def _detect_text(self, text: str, post: Post) -> list[Finding]:
        return self.screen_text(text, post.context)

    def screen_text(self, text: str, context: PostContext) -> list[Finding]:
        """Every text detector's findings in `text`: a caption, or the text read in a photo."""
        try:
            doc: TextDoc = analyse(
                self.nlp, text, context, cache=self.doc_cache, info=self.nlp_info
            )
        except Exception as exc:
            log.warning("text analysis failed: %s", type(exc).__name__)
            return [_error_finding("nlp", "1", exc)]
        findings: list[Finding] = []
        for det in self.text_detectors:
            try:
                findings.extend(det.detect(doc))
            except Exception as exc:
                log.warning("detector %s failed: %s", det.name, type(exc).__name__)
                findings.append(_error_finding(det.name, det.version, exc))
        return findings

    def _screen_images(self, post: Post) -> list[Finding]:
        findings: list[Finding] = []
        for index, image in enumerate(post.images):
            try:
                decoded = decode_image(
                    image.data,
                    max_bytes=self.settings.max_image_bytes,
                    max_pixels=self.settings.max_image_pixels,
                    max_side=self.settings.detection_max_side,
                    lazy=self.decode_lazily,
                )
            except UnreadableImageError as bad:
                findings.append(_unreadable(index, bad.reason, bad.message_en))
                continue
            except Exception as exc:  # a decoder bug on hostile input is still unreadable
                findings.append(_unreadable(index, "decoder_error", type(exc).__name__))
                continue
            if not any(det.checks_faces for det in self.image_detectors):
                findings.append(
                    Finding(
                        kind="image.not_screened",
                        detector=INTAKE_NAME,
                        detector_version=INTAKE_VERSION,
                        score=1.0,
                        evidence=Evidence(
                            explanation="no face detector is configured, so the photo "
                            "could not be checked for faces"
                        ),
                        region=ImageRegion(index),
                    )
                )
            for det in self.image_detectors:
                try:
                    findings.extend(det.detect(decoded, index, post.context))
                except UnreadableImageError as bad:  # decoded lazily: damaged pixels
                    findings.append(_unreadable(index, bad.reason, bad.message_en))
                    break
                except Exception as exc:
                    log.warning("detector %s failed: %s", det.name, type(exc).__name__)
                    findings.append(_error_finding(det.name, det.version, exc, image_index=index))
        return findings


def _place(finding: Finding) -> tuple[str, int, int, str | None]:
    """What a finding found where: the same in a post's text and in its plain form."""
    span = finding.span
    return (finding.kind, span.start if span else -1, span.end if span else -1, finding.person_id)


def _unreadable(index: int, code: str, why: str) -> Finding:
    return Finding(
        kind="image.unreadable",
        detector=INTAKE_NAME,
        detector_version=INTAKE_VERSION,
        score=1.0,
        evidence=Evidence(explanation=why, validation=code),
        region=ImageRegion(index),
    )


def build_pipeline(
    settings: Settings | None = None,
    registry: DetectorRegistry | None = None,
    *,
    faces: bool = True,
    face_cache: FaceAnalysisCache | None = None,
    text_cache: PhotoTextCache | None = None,
    doc_cache: DocCache | None = None,
) -> Pipeline:
    """Build the whole pipeline once: NLP, detectors, policy packs, policy options.

    `face_cache` is passed to the face detector (see `screening.faces.cache`), `text_cache`
    to the photo text detector (`screening.detectors.photo_text.PhotoTextCache`), `doc_cache`
    keeps the NLP pass of each text (`screening.nlp.DocCache`); all three are the nightly
    audit's.
    """
    settings = settings or Settings()
    registry = registry or default_registry(
        settings, faces=faces, face_cache=face_cache, text_cache=text_cache
    )
    nlp, nlp_info = load_nlp(settings.spacy_model, settings.models_dir)
    if nlp_info.fallback:
        log.warning("trained Dutch pipeline absent: screening on blank('nl') tokens")
    return Pipeline(
        settings=settings,
        nlp=nlp,
        nlp_info=nlp_info,
        text_detectors=registry.build_text(settings.text_detectors or None),
        image_detectors=registry.build_image(),
        packs=load_packs(settings.policy_dirs, settings.default_policy),
        options=PolicyOptions(settings.min_score, tuple(settings.public_contacts)),
        doc_cache=doc_cache,
        # A photo seen before is decoded again only for a detector that lacks its result;
        # one never seen is decoded by the first detector (faces or photo text) that runs.
        decode_lazily=face_cache is not None and text_cache is not None,
    )
