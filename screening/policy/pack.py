"""Policy packs: a school board's code of conduct as a data file, loaded and validated.

A pack lists every article of the code with its exact Dutch text, and rules that map finding
kinds to the articles they cite and to a severity (hold or notice). Packs are TOML files: the
built-in ones ship with the package, a school board adds its own by putting a file in a
configured folder or by naming its path.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from kernel.errors import PolicyPackError, UnknownPolicyError
from kernel.types import Citation, Severity

_KIND_PATTERN_RE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)*(\.\*)?$")
_PACK_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

#: Kinds that report that screening itself could not be done. A pack may never let them pass:
#: publishing on an error would be failing open.
FAIL_CLOSED_KINDS = frozenset(
    {"screening.error", "image.unreadable", "image.not_screened", "registry.unavailable"}
)

#: Kinds that hold whatever a pack or a score threshold says: errors, and threats.
ALWAYS_HOLD_KINDS = FAIL_CLOSED_KINDS | frozenset({"language.threat"})


@dataclass(frozen=True, slots=True)
class Article:
    """One article or numbered paragraph of a code of conduct."""

    id: str
    label: str
    section: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Rule:
    """Finding kinds (exact or `area.*`) mapped to cited articles and a severity."""

    kinds: tuple[str, ...]
    articles: tuple[str, ...]
    severity: Severity


@dataclass(frozen=True, slots=True)
class PolicyPack:
    """A validated policy pack."""

    id: str
    version: str
    title: str
    code_version: str
    issuer: str
    articles: Mapping[str, Article]
    rules: tuple[Rule, ...]
    fallback: Rule
    source: str

    def rule_for(self, kind: str) -> Rule:
        """The most specific rule for `kind`: an exact match, else the longest wildcard."""
        best: Rule | None = None
        best_len = -1
        for rule in self.rules:
            for pattern in rule.kinds:
                if pattern == kind:
                    return rule
                if pattern.endswith(".*"):
                    prefix = pattern[:-1]
                    if kind.startswith(prefix) and len(prefix) > best_len:
                        best, best_len = rule, len(prefix)
        return best or self.fallback

    def citation(self, article_id: str) -> Citation:
        """The citation of one article of this pack."""
        a = self.articles[article_id]
        return Citation(
            pack=self.id,
            article_id=a.id,
            label=a.label,
            section=a.section,
            title=a.title,
            text=a.text,
        )


def _fail(source: str, message: str) -> PolicyPackError:
    return PolicyPackError(
        f"policy pack {source}: {message}",
        f"beleidspakket {source}: {message}",
    )


def _str(table: Mapping[str, Any], key: str, source: str, *, required: bool = True) -> str:
    value = table.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(source, f"'{key}' must be a non-empty string")
    return value


def _rule(raw: Any, where: str, articles: Mapping[str, Article], source: str) -> Rule:
    if not isinstance(raw, dict):
        raise _fail(source, f"{where} must be a table")
    unknown = set(raw) - {"kinds", "articles", "severity"}
    if unknown:
        raise _fail(source, f"{where} has unknown keys {sorted(unknown)}")
    kinds = raw.get("kinds", [])
    cited = raw.get("articles")
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise _fail(source, f"{where}: 'kinds' must be a list of strings")
    for k in kinds:
        if not _KIND_PATTERN_RE.match(k):
            raise _fail(source, f"{where}: {k!r} is not a finding kind or 'area.*' pattern")
    if not isinstance(cited, list) or not cited or not all(isinstance(a, str) for a in cited):
        raise _fail(source, f"{where}: 'articles' must be a non-empty list of article ids")
    for a in cited:
        if a not in articles:
            raise _fail(source, f"{where} cites article {a!r}, which the pack does not contain")
    try:
        severity = Severity(str(raw.get("severity")))
    except ValueError:
        raise _fail(source, f"{where}: 'severity' must be 'hold' or 'notice'") from None
    return Rule(kinds=tuple(kinds), articles=tuple(cited), severity=severity)


def parse_pack(data: Mapping[str, Any], source: str) -> PolicyPack:
    """Validate a parsed TOML document as a policy pack; raise PolicyPackError if it is not."""
    pack_id = _str(data, "id", source)
    if not _PACK_ID_RE.match(pack_id):
        raise _fail(source, f"pack id {pack_id!r} may hold only a-z, 0-9, '-' and '_'")

    raw_articles = data.get("articles")
    if not isinstance(raw_articles, list) or not raw_articles:
        raise _fail(source, "it has no [[articles]]")
    articles: dict[str, Article] = {}
    for i, raw in enumerate(raw_articles, start=1):
        where = f"article #{i}"
        if not isinstance(raw, dict):
            raise _fail(source, f"{where} must be a table")
        art_id = _str(raw, "id", f"{source} {where}")
        if art_id in articles:
            raise _fail(source, f"article id {art_id!r} occurs twice")
        articles[art_id] = Article(
            id=art_id,
            label=_str(raw, "label", source, required=False) or art_id,
            section=_str(raw, "section", f"{source} article {art_id}"),
            title=_str(raw, "title", source, required=False),
            text=_str(raw, "text", f"{source} article {art_id}"),
        )

    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise _fail(source, "'rules' must be a list of tables")
    rules = tuple(
        _rule(raw, f"rule #{i}", articles, source) for i, raw in enumerate(raw_rules, start=1)
    )
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules, start=1):
        if not rule.kinds:
            raise _fail(source, f"rule #{i} names no finding kinds")
        for k in rule.kinds:
            if k in seen:
                raise _fail(source, f"finding kind {k!r} appears in rule #{seen[k]} and #{i}")
            seen[k] = i

    if "fallback" not in data:
        raise _fail(source, "it has no [fallback] rule for finding kinds no rule names")
    fallback = _rule(data["fallback"], "[fallback]", articles, source)
    if fallback.severity is not Severity.HOLD:
        raise _fail(source, "the [fallback] rule must hold: an unknown finding may not pass")

    pack = PolicyPack(
        id=pack_id,
        version=_str(data, "version", source),
        title=_str(data, "title", source),
        code_version=_str(data, "code_version", source, required=False),
        issuer=_str(data, "issuer", source, required=False),
        articles=articles,
        rules=rules,
        fallback=fallback,
        source=source,
    )
    for kind in sorted(FAIL_CLOSED_KINDS):
        if pack.rule_for(kind).severity is not Severity.HOLD:
            raise _fail(source, f"{kind!r} must hold: publishing on an error fails open")
    for kind in sorted(ALWAYS_HOLD_KINDS - FAIL_CLOSED_KINDS):
        if pack.rule_for(kind).severity is not Severity.HOLD:
            raise _fail(source, f"{kind!r} must hold: a threat is never published")
    return pack


def load_pack_file(path: Path) -> PolicyPack:
    """Read and validate one pack file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(str(path), f"cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise _fail(str(path), "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise _fail(str(path), f"is not valid TOML ({exc})") from None
    except RecursionError:  # tomllib recurses per nesting level: `a = [[[[...]]]]`
        raise _fail(str(path), "is nested too deeply to be a policy pack") from None
    return parse_pack(data, str(path))


def builtin_pack_files() -> list[Path]:
    """The pack files that ship with the package."""
    folder = resources.files("screening.policy") / "packs"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml"))


@dataclass(frozen=True)
class PackSet:
    """All packs available to an installation, by id, and the default one."""

    packs: Mapping[str, PolicyPack]
    default_id: str

    def get(self, name: str | None) -> PolicyPack:
        """A pack by id, or by path to a pack file; the default when `name` is None."""
        if name is None:
            name = self.default_id
        if name in self.packs:
            return self.packs[name]
        if name.endswith(".toml"):
            return load_pack_file(Path(name))
        known = ", ".join(sorted(self.packs))
        raise UnknownPolicyError(
            f"unknown policy pack {name!r}; available: {known} (or a path to a .toml pack)",
            f"onbekend beleidspakket {name!r}; beschikbaar: {known} (of een pad naar een "
            ".toml-pakket)",
        )


def load_packs(extra_dirs: Iterable[Path] = (), default_id: str = "svok") -> PackSet:
    """Load the built-in packs and every `*.toml` in `extra_dirs`; ids must be unique."""
    files = builtin_pack_files()
    for folder in extra_dirs:
        if not folder.is_dir():
            raise _fail(str(folder), "policy folder does not exist")
        files.extend(sorted(folder.glob("*.toml")))
    packs: dict[str, PolicyPack] = {}
    for f in files:
        pack = load_pack_file(f)
        if pack.id in packs:
            raise _fail(str(f), f"pack id {pack.id!r} is already used by {packs[pack.id].source}")
        packs[pack.id] = pack
    if default_id not in packs:
        raise _fail(default_id, f"the default pack is not among {sorted(packs)}")
    return PackSet(packs=packs, default_id=default_id)
