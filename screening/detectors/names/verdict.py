"""From a recognised name, the registered people it may be, its context and their consent,
to a finding kind. Pure logic: no registry, no text; the detector supplies the consent.

The kinds (the policy pack decides what each one blocks):

* `pii.pupil_name` -- a registered pupil without valid consent to be named in a post on this
  channel on the publication date (NAMED_IN_POST and the channel's purpose), or an
  unregistered name that the text ties to a pupil (group, age, "leerling", home address,
  sensitive fact);
* `pii.name_consented` -- a registered person with both consents: shown, not blocking;
* `pii.name_ambiguous` -- the name fits several registered people and not all of them may be
  named: a careful officer confirms who is meant (as with an ambiguous face);
* `pii.name_no_consent` -- a registered staff member or intern who refused or withdrew
  consent to be named;
* `pii.name_sensitive` -- a special-category fact (health, religion, origin, ...) about a
  person whose naming is otherwise allowed: a consented pupil, a staff member, the mayor.
  Consent to be named does not cover publishing their health. For adults the fact's own
  score is kept, so everyday news the sensitive-facts detector scores low ("juf Anna is
  ziek") stays a notice under the default minimum score;
* `pii.name` -- any other name: staff, guests, public roles, unregistered names without a
  pupil cue. Shown for a human check.

A title ("juf", "meester", "burgemeester", "dhr.") says the person is an adult in a role, so
pupils are no candidates for it and pupil cues do not apply ("juf Anna van groep 7").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from consent_store.records import PersonInfo, Role
from screening.detectors.names.pupil_context import NameContext
from screening.detectors.names.registry_link import Candidate

PUPIL_NAME = "pii.pupil_name"
NAME = "pii.name"
CONSENTED = "pii.name_consented"
AMBIGUOUS = "pii.name_ambiguous"
NO_CONSENT = "pii.name_no_consent"
SENSITIVE = "pii.name_sensitive"
#: Kinds that need nobody's attention beyond a look: they are never made ambiguous.
_NOTICE_KINDS = (CONSENTED, NAME)


@dataclass(frozen=True, slots=True)
class Consent:
    """Whether a person may be named in this post, and why (English, for the evidence)."""

    valid: bool
    refused: bool  # an explicit refusal or withdrawal decides it
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to report for one name."""

    kind: str
    score: float
    reason: str
    person: PersonInfo | None = None
    cues: tuple[str, ...] = ()


ConsentOf = Callable[[PersonInfo], Consent]


def _fact_score(facts: Sequence[object]) -> float:
    return max((getattr(f, "score", 0.0) for f in facts), default=0.0)


def _facts_text(context: NameContext) -> tuple[str, ...]:
    return tuple(f.span.text for f in context.special if f.span is not None)


def judge(
    score: float,
    adult: bool,
    candidates: Sequence[Candidate],
    context: NameContext,
    consent_of: ConsentOf,
    school: str | None = None,
    registry_note: str | None = None,
) -> Verdict:
    """The verdict for one name (`score`: how sure the recognizer is that it is a name)."""
    facts = _facts_text(context)
    if adult:
        candidates = [c for c in candidates if c.person.role is not Role.PUPIL]
    elif context.pupil:
        pupils = [c for c in candidates if c.person.role is Role.PUPIL]
        candidates = pupils or candidates
    if school is not None:
        same = [c for c in candidates if c.person.school in (None, school)]
        candidates = same or candidates
    if not candidates:
        return _unregistered(score, adult, context, registry_note)
    verdicts = [_one(score, c, context, consent_of(c.person)) for c in candidates]
    if len(verdicts) == 1:
        return verdicts[0]
    who = _listed(f"{c.person.external_id} ({c.how})" for c in candidates)
    kinds = {v.kind for v in verdicts}
    if len(kinds) == 1:
        # Whoever is meant, the answer is the same ("two pupils called Sanne, neither may
        # be named"): no need to ask who it is.
        first = verdicts[0]
        return Verdict(
            first.kind,
            score,
            f"fits {len(candidates)} registered people: {who}; each: {first.reason}",
            None,
            first.cues or facts,
        )
    if kinds <= set(_NOTICE_KINDS):
        return Verdict(NAME, score, f"fits {len(candidates)} registered people: {who}")
    lacking = _listed(
        f"{c.person.external_id}: {v.reason}"
        for c, v in zip(candidates, verdicts, strict=True)
        if v.kind not in _NOTICE_KINDS
    )
    return Verdict(
        AMBIGUOUS,
        score,
        f"fits {len(candidates)} registered people ({who}), not all of whom may be named "
        f"here ({lacking}); confirm who is meant",
        None,
        facts,
    )


#: How many candidates an explanation lists by id ("Sanne" may fit dozens of pupils).
MAX_LISTED = 5


def _listed(items: Iterable[str]) -> str:
    """Comma-separated, the first MAX_LISTED and how many more."""
    every = list(items)
    shown = ", ".join(every[:MAX_LISTED])
    more = len(every) - MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def _unregistered(score: float, adult: bool, context: NameContext, note: str | None) -> Verdict:
    registry = note or "not in the consent registry"
    facts = _facts_text(context)
    if adult:
        if context.special:
            return Verdict(
                SENSITIVE,
                _fact_score(context.special),
                f"{registry}; a special-category fact about the person in the same sentence",
                None,
                facts,
            )
        return Verdict(NAME, score, f"{registry}; named with a title (an adult in a role)")
    if context.pupil:
        cues = context.pupil + facts + _confidential_text(context)
        return Verdict(
            PUPIL_NAME, score, f"{registry}; the text ties the name to a pupil", None, cues
        )
    if context.special or context.confidential:
        # Only a fact about the person: how much it weighs is the fact's own score ("Tim
        # heeft ADHD" holds; "Tim haalde een 9", "Mohammed komt uit Marokko" are shown).
        weight = _fact_score((*context.special, *context.confidential))
        return Verdict(
            PUPIL_NAME,
            min(score, weight),
            f"{registry}; a sensitive fact about the person, so most likely a pupil",
            None,
            facts + _confidential_text(context),
        )
    return Verdict(NAME, score, registry)


def _confidential_text(context: NameContext) -> tuple[str, ...]:
    return tuple(f.span.text for f in context.confidential if f.span is not None)


def _one(score: float, candidate: Candidate, context: NameContext, consent: Consent) -> Verdict:
    person = candidate.person
    facts = _facts_text(context)
    matched = f"registered {person.role.value} {person.external_id} ({candidate.how})"
    if person.role is Role.PUPIL:
        if not consent.valid:
            return Verdict(PUPIL_NAME, score, f"{matched}; {consent.reason}", person, facts)
        if context.special:
            return Verdict(
                SENSITIVE,
                min(score, _fact_score(context.special)),
                f"{matched}; may be named, but a special-category fact is stated",
                person,
                facts,
            )
        return Verdict(CONSENTED, score, f"{matched}; {consent.reason}", person)
    if context.special:
        return Verdict(
            SENSITIVE,
            _fact_score(context.special),
            f"{matched}; a special-category fact about the person in the same sentence",
            person,
            facts,
        )
    if consent.valid:
        return Verdict(CONSENTED, score, f"{matched}; {consent.reason}", person)
    if consent.refused:
        return Verdict(NO_CONSENT, score, f"{matched}; {consent.reason}", person)
    return Verdict(NAME, score, f"{matched}; {consent.reason}", person)
