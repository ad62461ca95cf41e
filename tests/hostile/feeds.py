"""Hostile sitemaps and feeds for the audit, and hostile references inside them.

`{base}` in a document stands for the address of the campaign's own HTTP server on
127.0.0.1 (tests/audit/http_server.py); it is filled in when the case runs. Every host name
used here is either a literal address or `localhost`: the campaign's resolver answers only
those, so nothing is ever looked up or fetched beyond this computer.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache

#: An RSS item whose caption is clean: only what it refers to can make it need action.
ITEM = (
    "<item><title>Sportdag</title><link>https://school.example/{slug}</link>"
    "<pubDate>Wed, 01 Oct 2025 10:00:00 +0200</pubDate>{media}</item>"
)


def rss(items: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    """An RSS 2.0 document around `items` (with the media RSS namespace declared)."""
    return (
        f'{prolog}<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
        f"<channel><title>Nieuws</title>{items}</channel></rss>"
    )


def enclosure(url: str) -> str:
    """An image enclosure pointing at `url` (XML-escaped)."""
    return f'<enclosure type="image/jpeg" length="1" url="{_attr(url)}"/>'


def _attr(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


#: Where a photo "is", as a fetched feed might claim: never a public internet address.
REFERENCES: dict[str, str] = {
    "file-etc-passwd": "file:///etc/passwd",
    "file-localhost": "file://localhost/etc/passwd",
    "file-relatief": "file:foto.jpg",
    "file-dev-zero": "file:///dev/zero",
    "loopback-zelfde-server": "{base}/foto.jpg",
    "loopback-127-0-0-2": "http://127.0.0.2/foto.jpg",
    "localhost-naam": "http://localhost/foto.jpg",
    "localhost-punt": "http://localhost./foto.jpg",
    "ipv6-loopback": "http://[::1]/foto.jpg",
    "ipv4-in-ipv6": "http://[::ffff:127.0.0.1]/foto.jpg",
    "ipv4-in-ipv6-hex": "http://[::ffff:7f00:1]/foto.jpg",
    "6to4-loopback": "http://[2002:7f00:1::1]/foto.jpg",
    "6to4-prive": "http://[2002:c0a8:0101::1]/foto.jpg",
    "prive-10": "http://10.0.0.1/foto.jpg",
    "prive-172": "http://172.16.0.1/foto.jpg",
    "prive-192": "https://192.168.1.1/foto.jpg",
    "cloud-metadata": "http://169.254.169.254/latest/meta-data/iam/",
    "cloud-metadata-ipv6": "http://[fd00:ec2::254]/latest/meta-data/",
    "link-local-ipv6": "http://[fe80::1]/foto.jpg",
    "zone-id": "http://[fe80::1%25lo]/foto.jpg",
    "onbepaald": "http://0.0.0.0/foto.jpg",
    "onbepaald-ipv6": "http://[::]/foto.jpg",
    "multicast": "http://224.0.0.1/foto.jpg",
    "broadcast": "http://255.255.255.255/foto.jpg",
    "cgnat": "http://100.64.0.1/foto.jpg",
    "documentatie": "http://192.0.2.1/foto.jpg",
    "decimaal-ip": "http://2130706433/foto.jpg",
    "octaal-ip": "http://0177.0.0.1/foto.jpg",
    "hex-ip": "http://0x7f.0.0.1/foto.jpg",
    "kort-ip": "http://127.1/foto.jpg",
    "gebruiker-in-adres": "http://school.example@127.0.0.1/foto.jpg",
    "backslash-truc": "http://127.0.0.1\\@school.example/foto.jpg",
    "poort-ssh": "http://127.0.0.1:22/foto.jpg",
    "poort-te-groot": "http://127.0.0.1:99999/foto.jpg",
    "poort-negatief": "http://127.0.0.1:-1/foto.jpg",
    "ftp": "ftp://127.0.0.1/foto.jpg",
    "gopher": "gopher://127.0.0.1:25/_HELO",
    "dict": "dict://127.0.0.1:11211/stats",
    "data-url": "data:image/png;base64,iVBORw0KGgo=",
    "javascript": "javascript:alert(1)",
    "unc-pad": "\\\\server\\share\\foto.jpg",
    "absoluut-pad": "/etc/passwd",
    "relatief-omhoog": "../../../../etc/passwd",
    "protocol-relatief": "//127.0.0.1/foto.jpg",
    "alleen-schema": "http://",
    "drie-schuine-strepen": "http:///foto.jpg",
    "ipv6-open": "http://[::1/foto.jpg",
    "spatie-in-host": "http://exa mple/foto.jpg",
    "procent-host": "http://%7f.0.0.1/foto.jpg",
    "lange-host": "http://" + "a" * 300 + "/foto.jpg",
    "crlf-in-adres": "http://127.0.0.1/foto.jpg%0d%0aHost:%20evil",
    "unicode-localhost": "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/foto.jpg",
    "ideografische-punten": "http://127。0。0。1/foto.jpg",
    "leeg": " ",
}


@dataclass(frozen=True, slots=True)
class HostileDocument:
    """A whole sitemap or feed that must be refused (or whose every item needs action)."""

    family: str
    name: str
    data: bytes


def _doc(family: str, name: str, text: str) -> HostileDocument:
    return HostileDocument(family, name, text.encode("utf-8"))


def _one_item(media: str) -> str:
    return ITEM.format(slug="bron", media=media)


@cache
def hostile_documents() -> tuple[HostileDocument, ...]:
    """Documents that are not a usable feed at all, or are dangerous to parse."""
    item = _one_item(enclosure("file:///etc/passwd"))
    good = rss(item)
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    deep = "<b>" * 100_000 + "x" + "</b>" * 100_000
    docs = [
        _doc(
            "xml-bomb",
            "miljard-lachjes",
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "ha">{laughs}]>'
            f"<rss><channel><item><title>&l9;</title></item></channel></rss>",
        ),
        _doc(
            "xml-bomb",
            "kwadratisch",
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "'
            + "a" * 50_000
            + '">]><rss>'
            + "&a;" * 5000
            + "</rss>",
        ),
        _doc(
            "xml-bomb",
            "externe-entiteit-bestand",
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<rss><channel><item><title>&x;</title></item></channel></rss>",
        ),
        _doc(
            "xml-bomb",
            "externe-entiteit-http",
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{base}/geheim">]>'
            "<rss><channel><item><title>&x;</title></item></channel></rss>",
        ),
        _doc(
            "xml-bomb",
            "parameter-entiteit",
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "{base}/dtd">%p;]><rss/>',
        ),
        _doc(
            "xml-bomb",
            "externe-dtd",
            '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{base}/dtd">' + good.split("?>", 1)[1],
        ),
        _doc(
            "xml-bomb",
            "xinclude",
            rss(
                ITEM.format(
                    slug="xinclude",
                    media='<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                    'href="file:///etc/passwd" parse="text"/>' + enclosure("file:///etc/passwd"),
                )
            ),
        ),
        _doc("malformed", "afgebroken", good[: len(good) // 2]),
        _doc("malformed", "niet-gesloten", good.replace("</channel></rss>", "")),
        _doc("malformed", "twee-wortels", good + good.split("?>", 1)[1]),
        _doc("malformed", "rommel-na-einde", good + "<<<>>>"),
        _doc("malformed", "nul-tekenverwijzing", good.replace("Sportdag", "Sport&#0;dag")),
        _doc("malformed", "ruw-stuurteken", good.replace("Sportdag", "Sport\x01dag")),
        _doc("malformed", "onbekende-entiteit", good.replace("Sportdag", "&nbsp;Sportdag")),
        _doc("malformed", "witruimte-voor-declaratie", "\n  " + good),
        _doc("malformed", "onbekende-codering", good.replace("UTF-8", "x-klingon", 1)),
        _doc("malformed", "ebcdic-gedeclareerd", good.replace("UTF-8", "cp037", 1)),
        # The item itself is fine (a caption, a page): the photo beside the deep nesting is
        # what must still be found, and it cannot be fetched.
        _doc(
            "malformed",
            "diep-genest",
            rss(ITEM.format(slug="diep", media=f"<x>{deep}</x>" + enclosure("file:///etc/passwd"))),
        ),
        _doc(
            "malformed",
            "diep-genest-in-titel",
            rss(f"<item><title>{deep}</title><link>https://school.example/d</link></item>"),
        ),
        HostileDocument(
            "malformed", "ongeldige-utf8", good.encode().replace(b"Sport", b"Sp\xff\xfe")
        ),
        HostileDocument(
            "malformed", "latin1-als-utf8", good.replace("Sportdag", "Café").encode("latin-1")
        ),
        HostileDocument(
            "malformed", "utf16-zonder-declaratie", good.split("?>", 1)[1].encode("utf-16-le")
        ),
        _doc("not-a-feed", "leeg", ""),
        _doc("not-a-feed", "alleen-declaratie", '<?xml version="1.0"?>'),
        _doc("not-a-feed", "html", "<!DOCTYPE html><html><body><img src='/a.jpg'></body></html>"),
        _doc("not-a-feed", "xhtml", '<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'),
        _doc("not-a-feed", "json", '{"items": [{"image": "file:///etc/passwd"}]}'),
        _doc("not-a-feed", "tekst", "Dit is geen feed."),
        _doc("not-a-feed", "svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"),
        _doc("not-a-feed", "wortel-onbekend", "<feedje><item/></feedje>"),
        HostileDocument("not-a-feed", "png", b"\x89PNG\r\n\x1a\n" + bytes(100)),
        HostileDocument("not-a-feed", "gzip-sitemap", gzip.compress(good.encode())),
        HostileDocument("not-a-feed", "nul-bytes", bytes(1000)),
    ]
    return tuple(docs)
