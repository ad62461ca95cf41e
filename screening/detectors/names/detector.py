"""Person names in the post text, checked against the consent registry.

Stages, each in its own module: recognise names (`recognise`, with the lists of `lexicon`,
joined with the trained pipeline's person entities by `entities`),
find what ties each name to a pupil or states a sensitive fact (`pupil_context`), find the
registered people a name may refer to (`registry_link`), and judge (`verdict`). The registry
is opened only when the text has a name or a capitalised word that could be one, so a
text-only check of a post without names never loads the database layer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from consent_store.purposes import Purpose, purpose_for_channel
from kernel.errors import RegistryError
from kernel.types import Evidence, Finding, PostContext, Span
from screening.detectors.base import TextDetector
from screening.detectors.names.chat import chat_names
from screening.detectors.names.entities import entities, merge
from screening.detectors.names.possessive import possessive_names
from screening.detectors.names.pupil_context import PupilContext
from screening.detectors.names.recognise import SCORES, NameRecognizer, NameSpan, Recognised
from screening.detectors.names.registry_link import Candidate, PersonIndex, RegistryLink
from screening.detectors.names.verdict import Consent, Verdict, judge
from screening.detectors.pii.address import AddressDetector
from screening.detectors.pii.age import AgeDetector
from screening.detectors.sensitive import SensitiveFactsDetector
from screening.name_lists import NameLexicon
from screening.nlp import TextDoc

if TYPE_CHECKING:
    from consent_store.records import PersonInfo
    from consent_store.repository import Registry

log = logging.getLogger(__name__)

_REFUSED = frozenset({"refused", "withdrawn"})


class NameDetector(TextDetector):
    """Names of people, each with who it may be and whether they may be named here."""

    name: ClassVar[str] = "names"
    #: 2.0: the word lists are joined with the trained pipeline's person entities.
    #: 2.2: possessives without apostrophe ("Sannes moeder"); the registry index holds ids.
    version: ClassVar[str] = "2.2"

    def __init__(
        self,
        lexicon: NameLexicon,
        registry: Callable[[], Registry | None] | None,
        lexicons: Path | None = None,
    ) -> None:
        """`registry` opens the consent registry (called at most once, on first need);
        None means there is none, and every name is judged as unregistered."""
        self.lexicon = lexicon
        self.recognizer = NameRecognizer(lexicon)
        self.context = PupilContext(lexicon)
        self.link = RegistryLink(registry) if registry is not None else None
        # The cues "age", "home address" and "sensitive fact" are what these detectors find;
        # running them again on a post with names costs well under a millisecond.
        self._cue_detectors: tuple[TextDetector, ...] = (
            AgeDetector(),
            AddressDetector(),
            SensitiveFactsDetector(lexicons),
        )

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """One finding per name; a registry that cannot be read is a hold, not a crash."""
        found = self.recognizer.find(doc.text)
        lowered = chat_names(found.words, self.lexicon)
        if lowered:
            found = Recognised(
                found.words,
                tuple(sorted([*found.names, *lowered], key=lambda n: n.start)),
                found.possible,
            )
        ents = entities(doc.doc)
        if ents is not None:
            names = merge(found.names, ents, found.words, self.lexicon, doc.text)
            taken = {k for n in names for k in range(n.first_word, n.last_word + 1)}
            found = Recognised(
                found.words, tuple(names), tuple(k for k in found.possible if k not in taken)
            )
        owned = possessive_names(found.words, found.possible, doc.doc, self.lexicon)
        if owned:
            taken = {n.first_word for n in owned}
            found = Recognised(
                found.words,
                tuple(sorted([*found.names, *owned], key=lambda n: n.start)),
                tuple(k for k in found.possible if k not in taken),
            )
        if not found.names and not found.possible:
            return []
        names = list(found.names)
        index: PersonIndex | None = None
        registry: Registry | None = None
        consent = _ConsentCache(None, doc.context)
        unavailable: RegistryError | None = None
        candidates: list[list[Candidate]] = [[] for _ in names]
        if self.link is not None:
            try:
                registry, index = self.link.current()
                names = sorted(
                    [*names, *self._registry_names(doc.text, found, index)], key=lambda n: n.start
                )
                candidates = [self._candidates(doc.text, name, index) for name in names]
                consent = _ConsentCache(registry, doc.context)
                consent.prefetch(c.person.external_id for cands in candidates for c in cands)
            except RegistryError as err:
                log.warning("name screening: registry unavailable (%s)", err.code)
                unavailable, index = err, None
                names = list(found.names)
                candidates = [[] for _ in names]
                consent = _ConsentCache(None, doc.context)
        if not names:
            return self._unavailable(unavailable)
        cue_findings = [f for det in self._cue_detectors for f in det.detect(doc)]
        contexts = self.context.of_names(doc.text, found.words, names, cue_findings)
        if unavailable is not None:
            note: str | None = f"consent registry unavailable ({unavailable.code}): not checked"
        elif self.link is None:
            note = "no consent registry configured"
        else:
            note = None
        school = doc.context.school if doc.context else None
        findings = [
            self._to_finding(
                doc.text,
                name,
                judge(
                    name.score, name.title_kind is not None, cands, ctx, consent.of, school, note
                ),
            )
            for name, ctx, cands in zip(names, contexts, candidates, strict=True)
        ]
        return [*findings, *self._unavailable(unavailable)]

    @staticmethod
    def _candidates(text: str, name: NameSpan, index: PersonIndex) -> list[Candidate]:
        if name.pattern == "registry_name":
            return index.lookup_word(text[name.name_start : name.name_end])
        return index.lookup(name, text)

    @staticmethod
    def _registry_names(text: str, found: Recognised, index: PersonIndex) -> list[NameSpan]:
        """Capitalised words the lists do not know but the registry has as a name."""
        spans: list[NameSpan] = []
        for k in found.possible:
            w = found.words[k]
            if index.knows_word(w.text):
                spans.append(NameSpan.one_word(w, k, "registry_name"))
        return spans

    def _to_finding(self, text: str, name: NameSpan, v: Verdict) -> Finding:
        quoted = text[name.name_start : name.name_end]
        role = f", title '{name.title}' ({name.title_kind})" if name.title else ""
        explanation = f"name '{quoted}' ({name.pattern.replace('_', ' ')}{role}): {v.reason}"
        if v.cues:
            explanation += "; context " + ", ".join(f"'{c}'" for c in v.cues)
        return Finding(
            kind=v.kind,
            detector=self.name,
            detector_version=self.version,
            score=round(min(1.0, max(0.0, v.score)), 3),
            evidence=Evidence(
                explanation=explanation,
                pattern=name.pattern,
                validation=self.lexicon.source,
                context_words=v.cues,
            ),
            span=Span.of(text, name.start, name.end),
            person_id=v.person.external_id if v.person else None,
            person_name=v.person.display_name if v.person else None,
        )

    def _unavailable(self, err: RegistryError | None) -> list[Finding]:
        if err is None:
            return []
        return [
            Finding(
                kind="registry.unavailable",
                detector=self.name,
                detector_version=self.version,
                score=1.0,
                evidence=Evidence(
                    explanation=f"consent registry error {err.code}: names were not checked "
                    "against the registry"
                ),
            )
        ]


class _ConsentCache:
    """Each person's consent for this post, asked of the registry once per post."""

    def __init__(self, registry: Registry | None, post: PostContext | None) -> None:
        self.registry = registry
        self.post = post
        self._seen: dict[str, Consent] = {}

    def prefetch(self, person_ids: Iterable[str]) -> None:
        """Ask the registry about everyone a post's names may refer to, in one go."""
        ids = {pid for pid in person_ids if pid not in self._seen}
        if not ids or self.registry is None or self.post is None:
            return
        post = self.post
        purposes = tuple(dict.fromkeys((Purpose.NAMED_IN_POST, purpose_for_channel(post.channel))))
        states = self.registry.consent_for_many(ids, purposes, post.publish_on, post.consent_view)
        for pid in ids:
            reasons: list[str] = []
            valid, refused = True, False
            for purpose in purposes:
                state = states.get((pid, purpose))
                if state is None:  # removed from the registry since the index was built
                    valid = False
                    reasons.append(f"{purpose.value}: person no longer in the registry")
                    continue
                valid = valid and state.valid
                refused = refused or state.code in _REFUSED
                reasons.append(
                    f"{purpose.value} on {post.publish_on.isoformat()}: {state.reason_en}"
                )
            self._seen[pid] = Consent(valid, refused, "; ".join(reasons))

    def of(self, person: PersonInfo) -> Consent:
        """Whether `person` may be named in this post: NAMED_IN_POST and the channel's purpose."""
        pid = person.external_id
        if pid not in self._seen:
            self.prefetch([pid])
        return self._seen.get(
            pid, Consent(False, False, "no channel and publication date to judge consent by")
        )


__all__ = ["SCORES", "NameDetector"]
