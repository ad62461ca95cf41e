"""Insulting, bullying, threatening, demeaning and profane language (SVOK III.A.6).

Four kinds of finding, each with the exact span in the original text and evidence saying what
fired, at whom the words are aimed and how sure it is:

* `language.insult` -- a word that insults anywhere ("klootzak", "kankerlijer"), or one aimed
  at a person or a non-protected group ("je bent een sukkel", "brugklassers zijn debielen");
* `language.hate` -- a slur, or dehumanisation, a derogatory attribute, hatred or exclusion of
  a protected group ("vluchtelingen zijn parasieten", "ik ken veel Turken. Ik haat ze.");
* `language.threat` -- violence or death wished on someone ("ik steek die conciërge morgen
  neer", "ik hoop dat je een ongeluk krijgt"); the policy always holds it;
* `language.profanity` -- a vulgar word or curse aimed at nothing or at a thing ("kutweer",
  "die printer is kut").

Three layers, each named in the evidence:

1. **Words and phrases** (`words`, `lexicon`): the word lists with disguises undone
   ("k4nk3r", "k*nker") and phrase patterns; the evidence names the list and line.
2. **Clause rules** (`clauses`): target x what is said x how, on the trained pipeline's lemmas
   and on inflections made from the lists' lemmas; the evidence names the rule and the target
   type ("clause rule: hatred of protected_group", "target: protected_group").
3. **The learned scorer** (`scorer`): a text classifier trained on the project's corpus. It
   confirms a rule ("learned scorer agrees: p(hate) = 0.98") or, where no rule fired, reports
   a window on its own ("learned scorer") when its probability reaches
   `SCREENING_LANGUAGE_SCORER_MIN` and the window holds a word the lists know can hurt (a
   group, an insult, a violence or harm word, a slur) or, since 2.4, a construction of
   exclusion ("niemand wil met jou ...") or menace ("ik weet waar jij ...") that can carry
   the scorer's insult or threat -- never in a clause where a rule would have fired but for
   a negation ("ik haat vrouwen niet"): the scorer reads words, not structure. Unleashed on
   every window it would also hold ordinary school posts ("Vragen? Stuur een mail naar ...").

What keeps harmless posts harmless: negation ("je bent geen idioot", "ik haat vrouwen niet"),
counter-speech (a cue such as "scheldwoord", "discriminatie", "aangifte" with the abuse quoted,
negated or reported: "Iemand riep 'flikker' ...; de school heeft aangifte gedaan"), slang
praise ("gestoord goed"), and for threats the frame of sport, games, fiction or history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from kernel.settings import Settings
from kernel.types import Evidence, Finding
from screening.detectors.base import TextDetector
from screening.detectors.language.clauses import (
    REPORTING,
    ClauseHit,
    ClauseRules,
    Reading,
    scorer_cued,
)
from screening.detectors.language.lexicon import NEGATIONS, Phrase, PhraseIndex, read_phrases
from screening.detectors.language.normalise import (
    Normalised,
    Token,
    canonical_word,
    normalised,
    render,
)
from screening.detectors.language.scorer import LanguageScorer
from screening.detectors.language.words import DELIBERATE, Hit, Words
from screening.detectors.pii._common import best_non_overlapping, make_finding
from screening.nlp import TextDoc
from screening.resources import models_dir

_CLASSES = {
    "INS": r"[^ §]+§[a-z]*i[a-z]*",
    "GRP": r"[^ §]+§[a-z]*g[a-z]*",
    "NAME": r"[^ §]+§[a-z]*n[a-z]*",
    "PERS": r"(?:(?:je|jou|jij|jullie|hem|haar|u|hun)(?:§[a-z]+)?|[^ §]+§[a-z]*[gn][a-z]*)",
}
_CLASS_WORDS = {"PERS": frozenset(("je", "jou", "jij", "julie", "hem", "haar", "u", "hun"))}
_TAG_CLASSES = {"i": ("INS",), "g": ("GRP", "PERS"), "n": ("NAME", "PERS")}
#: A negation right after a phrase, in the same clause, undoes it: "ik haat vrouwen niet".
_TRAILING_NEGATIONS = frozenset(NEGATIONS[:3])
#: Counter-speech cues that report what someone said (the others reject it): the clause
#: rules' reporting verbs and a few more forms.
_REPORTED = ("genoemd", "las", "noem", "noemden", "roepen", "schelden", "schreven")
_REPORTING = frozenset(
    canonical_word(w) for w in (*REPORTING, *_REPORTED, "uitgescholden", "uitscheldt")
)
#: Words after an insult phrase that make it slang praise ("gestoord goed", "ziek mooi").
_PRAISE = frozenset(
    canonical_word(w)
    for w in [
        "goed",
        "grappig",
        "mooi",
        "leuk",
        "knap",
        "lekker",
        "vet",
        "sterk",
        "gaaf",
        "snel",
        "slim",
        "getalenteerd",
    ]
)
_KIND = {
    "insult": "language.insult",
    "hate": "language.hate",
    "profanity": "language.profanity",
    "threat": "language.threat",
}


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: str
    start: int
    end: int
    score: float
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class _PhraseKind:
    """What the phrases of one file report: kind, base score and whom they aim at."""

    kind: str
    score: float
    target: str


class OffensiveLanguageDetector(TextDetector):
    """Insults, threats, hate and profanity, robust to disguise and to Dutch negation."""

    name: ClassVar[str] = "offensive_language"
    version: ClassVar[str] = "2.4"

    def __init__(
        self,
        lexicons: Path | None = None,
        scorer: Path | None = None,
        scorer_min: float | None = None,
    ) -> None:
        folder = lexicons if lexicons is not None else models_dir() / "lexicons"
        self.scorer = LanguageScorer(scorer or models_dir() / "language" / "scorer")
        settings = Settings()
        self.scorer_min = scorer_min if scorer_min is not None else settings.language_scorer_min
        self.scorer_uncued_threat_min = settings.language_scorer_uncued_threat_min
        self.words = Words(folder)
        lang = folder / "language"
        self.phrase_kinds: dict[str, _PhraseKind] = {}  # by file name
        phrases: list[Phrase] = []
        for file, kind, score, target in (
            ("threats.txt", "threat", 0.9, "person or group"),
            ("hate_phrases.txt", "hate", 0.85, "group"),
            ("insult_phrases.txt", "insult", 0.8, "person"),
            ("profanity_phrases.txt", "profanity", 0.8, "nothing in particular"),
        ):
            self.phrase_kinds[file] = _PhraseKind(kind, score, target)
            phrases += read_phrases(lang / file, _CLASSES)
        # One index for all files: a post is walked once, whatever the number of phrases.
        self.phrases = PhraseIndex(phrases, _CLASS_WORDS)
        self.clauses = ClauseRules(lang / "clauses", self.words)

    def model_versions(self) -> dict[str, str]:
        """The learned scorer's version and the sha256 of its weights."""
        digest = f" sha256:{self.scorer.sha256}" if self.scorer.sha256 else ""
        return {"language_scorer": f"{self.scorer.version}{digest}"}

    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """Every insult, threat, hate phrase and profanity in the text."""
        norm = normalised(doc.text, doc.doc)
        if not norm.tokens:
            return []
        hits = self._word_hits(norm)
        candidates = [c for c in self._token_candidates(norm, hits) if c is not None]
        candidates += self._phrase_candidates(norm, hits)
        reading = self.clauses.read(doc.doc)
        if reading.framed:
            # "Jullie gaan eraan zaterdag!" from the basketball club: play, not a threat.
            candidates = [c for c in candidates if c.kind != "language.threat"]
        candidates += [_clause_candidate(h) for h in reading.hits]
        candidates = self._with_scores(doc, norm, candidates, reading)
        candidates = self._without_counter_speech(norm, candidates)
        findings: list[Finding] = []
        for kind in _KIND.values():
            of_kind = [c for c in candidates if c.kind == kind]
            for c in best_non_overlapping(of_kind):
                findings.append(
                    make_finding(self, c.kind, doc.text, c.start, c.end, c.score, c.evidence)
                )
        findings.sort(key=lambda f: (f.span.start if f.span else 0, f.kind))
        return findings

    # -- words ---------------------------------------------------------------------------

    def _word_hits(self, norm: Normalised) -> list[tuple[Hit, tuple[str, ...]] | None]:
        """Per token: what it is, with the disguises undone; spaced-out words joined."""
        tokens = norm.tokens
        hits: list[tuple[Hit, tuple[str, ...]] | None] = []
        for tok in tokens:
            deliberate = bool(tok.tricks) and any(t in DELIBERATE for t in tok.tricks)
            hit = self.words.lookup(tok.form, deliberate)
            if (
                hit is not None
                and not deliberate
                and tok.text.lower() in self.words.common_as_written
            ):
                hit = None  # "negeer" is a verb, though its canonical form is a slur's
            hits.append((hit, tok.tricks) if hit is not None else None)
        # "kanker lijer", "kan ker": two or three words that together are a strong hit. Only
        # words that begin such a hit are tried, which keeps this cheap.
        heads = self.words.join_heads
        common = self.words.common
        for i, tok in enumerate(tokens):
            if hits[i] is not None or tok.boundary_after or tok.form not in heads:
                continue
            joined = tok.form
            all_common = tok.form in common
            for j in range(i + 1, min(i + 3, len(tokens))):
                if hits[j] is not None:
                    break
                joined += tokens[j].form
                all_common = all_common and tokens[j].form in common
                if len(joined) >= 5 and not all_common:
                    hit = self.words.lookup(joined, True)
                    # "heeft kanker gehad" is no "kankergehad": only hits aimed at someone.
                    if hit is not None and hit.kind != "mild" and hit.target != "object":
                        hits[i] = (hit, ("spaces inside the word",))
                        for k in range(i + 1, j + 1):
                            hits[k] = (hit, ("joined",))
                        break
                if tokens[j].boundary_after or joined not in heads:
                    break
        return hits

    def _token_candidates(
        self, norm: Normalised, hits: list[tuple[Hit, tuple[str, ...]] | None]
    ) -> list[_Candidate | None]:
        out: list[_Candidate | None] = []
        tokens = norm.tokens
        i = 0
        while i < len(tokens):
            found = hits[i]
            if found is None or found[0].kind == "mild" or "joined" in found[1]:
                i += 1
                continue
            hit, tricks = found
            j = i + 1
            while j < len(tokens) and (h := hits[j]) is not None and "joined" in h[1]:
                j += 1
            start, end = tokens[i].start, tokens[j - 1].end
            out.append(
                _Candidate(
                    _KIND[hit.kind],
                    start,
                    end,
                    hit.score,
                    _word_evidence(hit, tricks, norm.text[start:end]),
                )
            )
            i = j
        return out

    # -- phrases -------------------------------------------------------------------------

    def _tagged(
        self, norm: Normalised, hits: list[tuple[Hit, tuple[str, ...]] | None]
    ) -> list[str]:
        """Token forms with their classes: i (insult word), g (group), n (first name)."""
        forms: list[str] = []
        for tok, found in zip(norm.tokens, hits, strict=True):
            hit = found[0] if found else None
            tags = ""
            if hit is not None and hit.kind in ("insult", "mild") and hit.target == "person":
                tags += "i"
            if hit is not None and hit.kind == "hate":
                tags += "i" if hit.how.startswith("curse compound") else "g"
            elif tok.form in self.words.groups:
                tags += "g"
            if self._is_name(tok):
                tags += "n"
            forms.append(f"{tok.form}§{tags}" if tags else tok.form)
        return forms

    def _is_name(self, tok: Token) -> bool:
        return (
            tok.capitalised
            and tok.form.isalpha()
            and tok.text.lower() not in self.words.common_as_written
            and len(tok.form) > 1
        )

    def _phrase_candidates(
        self, norm: Normalised, hits: list[tuple[Hit, tuple[str, ...]] | None]
    ) -> list[_Candidate]:
        forms = self._tagged(norm, hits)
        tagged = render(norm.tokens, forms)
        classes_of = [
            [name for tag in form.partition("§")[2] for name in _TAG_CLASSES[tag]] for form in forms
        ]
        out: list[_Candidate] = []
        for phrase, m in self.phrases.matches(tagged, classes_of):
            phrase_set = self.phrase_kinds[phrase.where.partition(":")[0]]
            cstart, cend = m.span()
            touched = tagged.token_range(cstart, max(cstart + 1, cend - 1))
            after = touched.stop
            if (
                after < len(norm.tokens)
                and not norm.tokens[after - 1].boundary_after
                and norm.tokens[after].form in _TRAILING_NEGATIONS
            ):
                continue  # "ik haat vrouwen niet"
            if touched.start > 0 and norm.tokens[touched.start - 1].form in NEGATIONS[:2]:
                continue  # "niet 'ik maak je af' zeggen"
            if (
                phrase_set.kind == "insult"
                and after < len(norm.tokens)
                and not norm.tokens[after - 1].boundary_after
                and norm.tokens[after].form in _PRAISE
            ):
                continue  # "jij bent echt gestoord goed in dansen": slang praise
            start = norm.tokens[touched.start].start
            end = norm.tokens[touched.stop - 1].end
            word_hits = [hits[k][0] for k in touched if hits[k] is not None]  # type: ignore[index]
            score = max([phrase_set.score, *(h.score for h in word_hits if h.kind != "profanity")])
            if phrase_set.kind == "insult" and word_hits:
                # A mild word's own score ("nerd 0.5") caps what the phrase makes of it.
                score = min(score, max(h.score for h in word_hits))
            words = ", ".join(f"'{h.entry}' ({h.list_name})" for h in word_hits)
            tricks = sorted({t for k in touched for t in norm.tokens[k].tricks})
            explanation = (
                f"{phrase_set.kind} aimed at {phrase_set.target}: "
                f"'{norm.text[start:end]}' matches '{phrase.source}' ({phrase.where})"
            )
            if words:
                explanation += f"; words: {words}"
            if tricks:
                explanation += f"; disguise undone: {', '.join(tricks)}"
            out.append(
                _Candidate(
                    _KIND[phrase_set.kind],
                    start,
                    end,
                    round(score, 3),
                    Evidence(
                        explanation=explanation,
                        pattern=phrase.where,
                        validation=f"target: {phrase_set.target}",
                        context_words=tuple(h.entry for h in word_hits),
                    ),
                )
            )
        return out

    # -- the learned scorer --------------------------------------------------------------

    def _with_scores(
        self,
        doc: TextDoc,
        norm: Normalised,
        candidates: list[_Candidate],
        reading: Reading,
    ) -> list[_Candidate]:
        """Add what the scorer finds and no rule did; note where it agrees with a rule.

        A window the scorer holds harmful is reported when no rule already fired in it, it has
        a word the lists know can hurt, and no rule was kept from firing there by a negation:
        the scorer reads words, not structure, and "ik haat vrouwen niet" looks to it like
        hate -- a negation is the rules' to judge.
        """
        out = list(candidates)
        spans = [(s, e) for s, e, _cues in reading.cued]

        uncued = self.scorer_uncued_threat_min <= 1.0

        def wanted(start: int, end: int) -> bool:
            # Only a window with a word that can hurt can change a finding -- unless veiled
            # threats without any such word may be reported ("Jij bent de volgende").
            return any(s < end and start < e for s, e in spans) or (
                uncued and any(s < end and start < e for s, e in reading.targeted)
            )

        for w in self.scorer.score(doc.doc, wanted):
            if w.harmful < self.scorer_min:
                continue
            kind = _KIND[w.label]
            inside = [k for k, c in enumerate(out) if c.start < w.end and w.start < c.end]
            if inside:
                note = f"; learned scorer agrees: p({w.label}) = {w.probability:.2f}"
                for k in inside:
                    c = out[k]
                    if c.kind == kind:
                        explanation = c.evidence.explanation + note
                        out[k] = replace(c, evidence=replace(c.evidence, explanation=explanation))
                continue
            if any(s < w.end and w.start < e for s, e in reading.negated):
                continue  # a negation kept a rule from firing here: "ik haat vrouwen niet"
            cues = frozenset().union(*(c for s, e, c in reading.cued if s < w.end and w.start < e))
            veiled = (
                w.label == "threat"
                and w.probability >= self.scorer_uncued_threat_min
                and any(s < w.end and w.start < e for s, e in reading.targeted)
            )
            if not scorer_cued(w.label, cues) and not veiled:
                continue  # no word the lists know can hurt in this way: "Wat een dom idee"
            start, end = _stripped(doc.text, w.start, w.end)
            out.append(
                _Candidate(
                    kind,
                    start,
                    end,
                    round(w.harmful, 3),
                    Evidence(
                        explanation=(
                            f"{w.label} by the learned scorer: p(harmful) = {w.harmful:.2f}, "
                            f"p({w.label}) = {w.probability:.2f}; no rule fired"
                        ),
                        pattern="learned scorer",
                        validation=f"scorer {self.scorer.version}",
                        context_words=(),
                    ),
                )
            )
        return out

    # -- counter-speech ------------------------------------------------------------------

    def _without_counter_speech(
        self, norm: Normalised, candidates: list[_Candidate]
    ) -> list[_Candidate]:
        """Drop hits that mention abuse to reject or report it instead of using it.

        Two cases: a sentence with a counter-speech cue ("scheldwoord", "zeg nooit") whose hit
        is quoted or negated; and a quoted hit in a post that reports or rejects it anywhere
        ("Iemand riep 'flikker' ...; de school heeft aangifte gedaan"). Quoted threats count
        as reported too; an unquoted threat is never counter-speech.
        """
        if not candidates:
            return candidates
        sentence_of: list[int] = []
        sentence = 0
        for tok in norm.tokens:
            sentence_of.append(sentence)
            if tok.boundary_after == ".":
                sentence += 1
        cues: set[int] = set()
        rejected: set[int] = set()
        reported: set[int] = set()
        negated: set[int] = set()
        for tok, s in zip(norm.tokens, sentence_of, strict=True):
            if tok.form in self.words.counter_cues:
                cues.add(s)
                (reported if tok.form in _REPORTING else rejected).add(s)
            if tok.form in NEGATIONS:
                negated.add(s)
        kept: list[_Candidate] = []
        for c in candidates:
            inside = [k for k, t in enumerate(norm.tokens) if c.start <= t.start < c.end]
            if not inside:
                kept.append(c)
                continue
            s = sentence_of[inside[0]]
            quoted = all(norm.tokens[k].quoted for k in inside)
            if quoted and cues:
                continue  # reported or rejected somewhere in the post
            if s in cues and s in negated and c.kind != "language.threat":
                continue
            if s in reported and s in rejected and c.kind != "language.threat":
                continue  # "Zeggen dat X ... is discriminatie"
            if s in cues and any(norm.tokens[k].quoted for k in inside):
                continue
            kept.append(c)
        return kept


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _clause_candidate(hit: ClauseHit) -> _Candidate:
    """A finding candidate from a clause rule, saying the target, the rule and the words."""
    target, predicate = hit.words
    explanation = (
        f"{hit.kind} aimed at {hit.target} ('{target}'): rule '{hit.rule}', word '{predicate}'"
    )
    return _Candidate(
        _KIND[hit.kind],
        hit.start,
        hit.end,
        hit.score,
        Evidence(
            explanation=explanation,
            pattern=f"clause rule: {hit.rule}",
            validation=f"target: {hit.target}",
            context_words=hit.words,
        ),
    )


def _word_evidence(hit: Hit, tricks: tuple[str, ...], text: str) -> Evidence:
    """Why one word fired: the list and entry, how it matched, the target, the disguise."""
    where = f"{hit.list_name}:{hit.line}" if hit.line else hit.list_name
    what = f"'{hit.entry}'" + (f" + '{hit.rest}' (canonical form)" if hit.rest else "")
    explanation = f"{hit.kind} ({hit.how}): '{text}' is {what} from {where}; target: {hit.target}"
    undone = [t for t in tricks if t != "joined"]
    if undone:
        explanation += f"; disguise undone: {', '.join(undone)}"
    return Evidence(
        explanation=explanation,
        pattern=where,
        validation=f"target: {hit.target}",
        context_words=(hit.entry,),
    )
