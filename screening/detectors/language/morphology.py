"""Dutch inflected forms of a lemma, so that a rule written for a lemma matches every form.

The trained lemmatiser is right about nine words in ten and weakest exactly on the strong
verbs and rare nouns that abuse uses ("stak", "haat" read as "haan"). The rules therefore
compare both the lemmatiser's lemma and the word as written against the forms made here from
the lemma. Over-generating a non-word ("folteer") costs nothing; missing a real form costs a
missed threat, so where Dutch spelling offers two readings both are made.
"""

from __future__ import annotations

_VOWELS = frozenset("aeiouy")
_SINGLE_TO_DOUBLE = {"a": "aa", "e": "ee", "o": "oo", "u": "uu"}
#: Unstressed endings: a vowel before them is short and the consonant is not doubled.
_UNSTRESSED = ("el", "er", "en", "em", "ig", "lijk", "isch", "ing")
#: Verb prefixes that take no "ge-" in the past participle.
_NO_GE = ("be", "ge", "er", "her", "ont", "ver")


def _is_short_closed(word: str) -> bool:
    """Whether `word` ends in one short vowel and one consonant ("rat", "dom", "stek")."""
    if len(word) < 2 or word[-1] in _VOWELS or word[-2] not in _VOWELS:
        return False
    if len(word) >= 3 and word[-3] in _VOWELS:
        return False  # "aap", "vies", "lui": a long vowel or diphthong
    return not word.endswith(_UNSTRESSED)


def before_vowel_ending(word: str) -> set[str]:
    """The stems that take -en, -e or -er: "rat" -> "ratt", "aap" -> "ap", "vies" -> "viez"."""
    out = {word}
    if _is_short_closed(word):
        out.add(word + word[-1])
    if len(word) >= 3 and word[-2] == word[-3] and word[-2] in "aeou":
        out.add(word[:-2] + word[-1])  # aap -> ap(en), dood -> dod(en)
    for stem in list(out):
        if stem.endswith("f"):
            out.add(stem[:-1] + "v")
        elif stem.endswith("s"):
            out.add(stem[:-1] + "z")
    return out


def noun_forms(lemma: str) -> set[str]:
    """A noun, its plurals and diminutives: "rat" -> ratten, ratje, ratjes, rats, rat's."""
    forms = {lemma, lemma + "s", lemma + "'s", lemma + "je", lemma + "jes", lemma + "tje"}
    forms |= {lemma + "tjes", lemma + "etje", lemma + "etjes", lemma + "pje", lemma + "pjes"}
    for stem in before_vowel_ending(lemma):
        forms.add(stem + "en")
        forms.add(stem + "e")  # "wilde"
    if lemma.endswith("e"):
        forms.add(lemma + "n")
    return forms


def adjective_forms(lemma: str) -> set[str]:
    """An adjective with -e, comparative and superlative: "dom" -> domme, dommer, domst."""
    forms = {lemma, lemma + "st", lemma + "ste"}
    for stem in before_vowel_ending(lemma):
        forms |= {stem + "e", stem + "er", stem + "ere"}
    if lemma.endswith("r"):
        forms |= {lemma + "der", lemma + "dere"}
    return forms


def verb_stems(lemma: str) -> set[str]:
    """The present-tense stem(s) of a verb: "haten" -> haat, "trappen" -> trap, "slaan" -> sla."""
    if lemma.endswith(("aan", "oen", "ien", "ijn")) and len(lemma) <= 6:
        return {lemma[:-1] if not lemma.endswith("aan") else lemma[:-2]}  # gaan, doen, zien
    if lemma.endswith("en"):
        base = lemma[:-2]
    elif lemma.endswith("n"):
        return {lemma[:-1]}
    else:
        return {lemma}
    stems = {base}
    if len(base) >= 2 and base[-1] == base[-2] and base[-1] not in _VOWELS:
        stems = {base[:-1]}  # trappen -> trap
    elif (
        len(base) >= 2
        and base[-1] not in _VOWELS
        and base[-2] in _SINGLE_TO_DOUBLE
        and (len(base) < 3 or base[-3] not in _VOWELS)
    ):
        # haten -> haat; executeren -> executeer, but folteren -> folter: make both.
        stems.add(base[:-2] + _SINGLE_TO_DOUBLE[base[-2]] + base[-1])
    for stem in list(stems):
        if stem.endswith("v"):
            stems.add(stem[:-1] + "f")
        elif stem.endswith("z"):
            stems.add(stem[:-1] + "s")
    return stems


def past_forms(lemma: str) -> set[str]:
    """The weak simple-past forms of a verb: "vermoorden" -> vermoordde, vermoordden."""
    return {stem + end for stem in verb_stems(lemma) for end in ("te", "de", "ten", "den")}


def verb_forms(lemma: str, irregular: tuple[str, ...] = ()) -> set[str]:
    """Every finite and non-finite form of a verb (without a separable particle)."""
    forms = {lemma, *irregular}
    ge = "" if lemma.startswith(_NO_GE) else "ge"
    for stem in verb_stems(lemma):
        forms.add(stem)
        forms.add(stem if stem.endswith("t") else stem + "t")
        for past in ("te", "de", "ten", "den"):
            forms.add(stem + past)
        forms.add(ge + stem if stem.endswith(("t", "d")) else ge + stem + "t")
        forms.add(ge + stem + "d")
    return forms
