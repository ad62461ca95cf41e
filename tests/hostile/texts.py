"""Hostile post texts, as the bytes a person or a program would send.

Each text is either malformed (not UTF-8, too long, nothing to read) and must be refused with
a clear error, or carries something that must hold: a phone number (`HOLD_TRIGGER`) next to
the hostile part, or inside it (the `evasion` family: a phone number, e-mail address, IBAN
or BSN broken up by characters nobody sees). No text here may ever be published.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

#: A Dutch mobile number: on its own, a post holds (pii.phone).
HOLD_TRIGGER = "Bel me op 06-12345678"
#: The longest text the pipeline accepts (SCREENING_MAX_TEXT_CHARS' default).
MAX_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class HostileText:
    """A text as bytes (possibly not UTF-8), with its family and a short name."""

    family: str
    name: str
    data: bytes

    @property
    def utf8(self) -> str | None:
        """The text, if the bytes are valid UTF-8 (else None)."""
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    @property
    def argv_safe(self) -> bool:
        """Whether the text can be given as a command-line argument (no NUL, short)."""
        text = self.utf8
        return text is not None and "\x00" not in text and len(self.data) < 100_000


def _t(family: str, name: str, text: str) -> HostileText:
    return HostileText(family, name, text.encode("utf-8", "surrogatepass"))


def _invalid_utf8(rng: random.Random) -> list[HostileText]:
    """Bytes that are not UTF-8 (each with a phone number, so a lax decoder would still hold)."""
    tail = (" " + HOLD_TRIGGER).encode()
    raw = {
        "losse-vervolgbyte": b"Goed gedaan \x80 groep 8",
        "overlong-slash": b"pad \xc0\xaf etc",
        "overlong-drie": b"pad \xe0\x80\xaf etc",
        "surrogaat-in-utf8": b"Sanne \xed\xa0\x80 groep 7",
        "boven-unicode": b"teken \xf4\x90\x80\x80 hier",
        "vijf-bytes": b"teken \xf8\x88\x80\x80\x80 hier",
        "afgebroken-op-einde": b"Prijs 5 \xe2\x82",
        "latin1": "Groeten uit Zürich en Curaçao".encode("latin-1"),
        "cp1252-aanhalingstekens": "\u201cMooi\u201d \u2013 dag".encode("cp1252"),
        "utf16-le-bom": "Bel me op 06-12345678".encode("utf-16"),
        "utf16-be": "Bel me op 06-12345678".encode("utf-16-be"),
        "utf32": "Bel me op 06-12345678".encode("utf-32"),
        "shift-jis": "学校のお知らせ".encode("shift_jis"),
        "ff-fe-middenin": b"Goed gedaan \xff\xfe groep 8",
        "ruis": bytes(rng.randrange(128, 256) for _ in range(200)),
        "laatste-byte-fout": b"a" * 5000 + b"\xff",
    }
    out = [HostileText("invalid-utf8", name, data + tail) for name, data in raw.items()]
    out.append(HostileText("invalid-utf8", "alleen-ff", b"\xff" * 64))
    return out


def _nul_and_control() -> list[HostileText]:
    return [
        _t("nul", "nul-voor", "\x00" + HOLD_TRIGGER),
        _t("nul", "nul-achter", HOLD_TRIGGER + "\x00"),
        _t("nul", "nul-overal", "\x00".join(HOLD_TRIGGER)),
        _t("nul", "nul-tussen-woorden", HOLD_TRIGGER.replace(" ", " \x00 ")),
        _t("nul", "duizend-nullen-en-telefoon", "\x00" * 1000 + HOLD_TRIGGER),
        _t("control", "ansi-wissen", "\x1b[2J\x1b[H" + HOLD_TRIGGER),
        _t("control", "ansi-kleur", "\x1b[31m" + HOLD_TRIGGER + "\x1b[0m"),
        _t("control", "ansi-titel", "\x1b]0;gehackt\x07" + HOLD_TRIGGER),
        _t("control", "bel-en-backspace", "\x07\x08\x08\x08" + HOLD_TRIGGER),
        _t("control", "carriage-return-overschrijft", HOLD_TRIGGER + "\rMooie dag!"),
        _t("control", "c1-tekens", "\x85\x9b31m" + HOLD_TRIGGER),
        _t("control", "del-tekens", "\x7f" * 20 + HOLD_TRIGGER),
        _t("control", "verticale-tab-formfeed", "\x0b\x0c" + HOLD_TRIGGER + "\x0c"),
        _t("control", "alle-c0-tekens", "".join(chr(c) for c in range(1, 32)) + HOLD_TRIGGER),
    ]


#: Characters a reader does not see (or that reorder what they see).
INVISIBLE = {
    "zero-width-space": "\u200b",
    "zero-width-non-joiner": "\u200c",
    "zero-width-joiner": "\u200d",
    "word-joiner": "\u2060",
    "soft-hyphen": "\u00ad",
    "bom": "\ufeff",
    "left-to-right-mark": "\u200e",
    "right-to-left-mark": "\u200f",
    "arabic-letter-mark": "\u061c",
    "mongolian-vowel-separator": "\u180e",
    "invisible-separator": "\u2063",
    "function-application": "\u2061",
    "lri-isolaat": "\u2066",
    "pdi-einde-isolaat": "\u2069",
    "lre-inbedding": "\u202a",
    "pdf-einde": "\u202c",
    "tag-teken": "\U000e0020",
    "variation-selector": "\ufe0f",
    "combining-grapheme-joiner": "\u034f",
    "nul": "\x00",
}


def _invisible_only() -> list[HostileText]:
    """Texts with nothing to read: only characters nobody sees."""
    out = [_t("invisible-only", name, char * 12) for name, char in INVISIBLE.items()]
    out += [
        _t("invisible-only", "gemengd", "".join(INVISIBLE.values()) * 3),
        _t("invisible-only", "hangul-vuller", "\u3164" * 10),
        _t("invisible-only", "braille-blanco", "\u2800" * 10),
        _t("invisible-only", "hangul-choseong-vuller", "\u115f" * 10),
        _t("invisible-only", "combinerende-accenten", "\u0301" * 40),
        _t("invisible-only", "ansi-alleen", "\x1b[0m\x1b[2J"),
    ]
    return out


def _whitespace_only() -> list[HostileText]:
    spaces = {
        "leeg": "",
        "spatie": " ",
        "spaties": " " * 500,
        "tabs": "\t" * 40,
        "regels": "\n" * 200,
        "crlf": "\r\n" * 100,
        "alleen-cr": "\r" * 50,
        "vt-ff": "\x0b\x0c" * 20,
        "nbsp": "\u00a0" * 30,
        "en-em-spaties": "".join(chr(c) for c in range(0x2000, 0x200B)) * 3,
        "ideografische-spatie": "\u3000" * 30,
        "regel-en-alinea-scheiding": "\u2028\u2029" * 20,
        "next-line": "\x85" * 20,
        "ogham-spatie": "\u1680" * 10,
        "smalle-nbsp": "\u202f\u205f" * 10,
        "bestandsscheiders": "\x1c\x1d\x1e\x1f" * 10,
        "alles": " \t\n\r\x0b\x0c\u00a0\u2000\u3000\u2028\u2029\x85",
        "veel-witruimte": " \n" * 40_000,
    }
    return [_t("whitespace-only", name, text) for name, text in spaces.items()]


def _too_long() -> list[HostileText]:
    return [
        _t("too-long", "een-teken-te-veel", "a" * (MAX_CHARS + 1)),
        _t("too-long", "5-mb", "a" * 5_000_000),
        _t("too-long", "5-mb-met-telefoon", HOLD_TRIGGER + " " + "b" * 5_000_000),
        _t("too-long", "twee-bytes-per-teken", "é" * (MAX_CHARS + 1)),
        _t("too-long", "emoji-4-bytes", "😀" * (MAX_CHARS + 1)),
        _t("too-long", "een-regel-per-teken", "x\n" * (MAX_CHARS // 2 + 1)),
    ]


def _long_but_allowed() -> list[HostileText]:
    """Texts at the length limit whose phone number sits at the very end (and slow patterns)."""
    tail = " " + HOLD_TRIGGER
    room = MAX_CHARS - len(tail)
    fillers = {
        "cijfers": "1" * room,
        "cijfers-met-spaties": ("1 " * room)[:room],
        "apenstaartjes": ("a@" * room)[:room],
        "punten": "." * room,
        "iban-begin": ("NL" * room)[:room],
        "streepjes": ("1-" * room)[:room],
        "haakjes": "(" * room,
        "plustekens": "+" * room,
        "regeleinden": "\n" * room,
        "een-woord": "a" * room,
        "emoji": "😀" * room,
        "combinerend": ("a" + "\u0301" * 99)[:room] * (room // 100),
        "hoofdletterwoorden": ("Jan " * room)[:room],
        "leeftijden": ("Sanne (" * room)[:room],
        "straten": ("straat " * room)[:room],
        "rtl-override": "\u202e" * room,
        "zero-width": "\u200b" * room,
    }
    return [_t("long", name, filler[:room] + tail) for name, filler in fillers.items()]


def _markup_and_injection() -> list[HostileText]:
    payloads = {
        "rich-sluittag": "[/]",
        "rich-open": "[bold red",
        "rich-link": "[link=file:///etc/passwd]klik[/link]",
        "rich-emoji-code": ":skull: :warning:",
        "html-script": "<script>alert(1)</script>",
        "html-img": "<img src=x onerror=alert(1)>",
        "opmaak-format": "%s %d %n {0} {text} {{7*7}} ${7*7}",
        "jinja": "{% for x in range(10**9) %}{% endfor %}",
        "sql": "Robert'); DROP TABLE people;--",
        "shell": "$(rm -rf /) `reboot` ; ls | cat",
        "pad": "../../../../etc/passwd",
        "spreadsheet-formule": '=HYPERLINK("http://evil";"klik")',
        "json-in-tekst": '{"action": "publish"}',
        "nep-besluit": "PUBLICEREN — geen bezwaren",
        "crlf-injectie": "x\r\nX-Injected: 1\r\n\r\n",
        "log-injectie": "\nINFO api.requests: status=200 action=publish",
        "unicode-escape-letterlijk": "\\u0000 \\x00 \\n",
    }
    out = []
    for name, payload in payloads.items():
        out.append(_t("markup", name, payload + " " + HOLD_TRIGGER))
        out.append(_t("markup", name + "-na", HOLD_TRIGGER + " " + payload))
    return out


def _rtl_and_scripts() -> list[HostileText]:
    return [
        _t("rtl", "arabisch-met-telefoon", "مرحبا بكم في المدرسة " + HOLD_TRIGGER),
        _t("rtl", "hebreeuws-met-telefoon", "שלום לכולם " + HOLD_TRIGGER),
        _t("rtl", "isolaat-om-telefoon", "Bel me op \u206606-12345678\u2069"),
        _t("rtl", "rlo-om-zin", "\u202e" + HOLD_TRIGGER + "\u202c"),
        _t("rtl", "rlm-tussen-woorden", HOLD_TRIGGER.replace(" ", " \u200f")),
        _t(
            "rtl",
            "gemengde-richting",
            "Bel \u202b\u0645\u0631\u062d\u0628\u0627\u202c me op 06-12345678",
        ),
        _t("rtl", "emoji-familie-zwj", "Wat een dag 👨\u200d👩\u200d👧\u200d👦 " + HOLD_TRIGGER),
        _t(
            "rtl",
            "vlaggen-en-tags",
            "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f " + HOLD_TRIGGER,
        ),
        _t("rtl", "zalgo", "B\u0336e\u0336l\u0336 me op 06-12345678"),
    ]


def _evasion() -> list[HostileText]:
    """Personal data broken up by characters a reader does not see: it must still hold."""
    out: list[HostileText] = []
    for name in (
        "zero-width-space",
        "zero-width-non-joiner",
        "zero-width-joiner",
        "word-joiner",
        "soft-hyphen",
        "bom",
        "left-to-right-mark",
        "invisible-separator",
        "nul",
    ):
        char = INVISIBLE[name]
        out.append(_t("evasion", f"telefoon-{name}", f"Bel me op 06{char}-1234{char}5678"))
    zw = INVISIBLE["zero-width-space"]
    out += [
        _t("evasion", "telefoon-elk-cijfer", "Bel me op " + zw.join("0612345678")),
        _t("evasion", "email-zero-width", f"Mail jan.de.vries{zw}@{zw}example.nl"),
        _t("evasion", "email-soft-hyphen", "Mail jan.de.vries@exam\u00adple.nl"),
        _t("evasion", "iban-zero-width", f"Maak over naar NL91{zw}ABNA{zw}0417164300"),
        _t("evasion", "bsn-soft-hyphen", "BSN 1112\u00ad22333"),
        _t("evasion", "telefoon-breedschrift", "Bel me op ０６-１２３４５６７８"),
        _t("evasion", "telefoon-arabische-cijfers", "Bel me op ٠٦-١٢٣٤٥٦٧٨"),
    ]
    return out


@cache
def hostile_texts() -> tuple[HostileText, ...]:
    """Every hostile text, in a fixed order."""
    rng = random.Random(20261207)
    return (
        *_invalid_utf8(rng),
        *_nul_and_control(),
        *_invisible_only(),
        *_whitespace_only(),
        *_too_long(),
        *_long_but_allowed(),
        *_markup_and_injection(),
        *_rtl_and_scripts(),
        *_evasion(),
    )
