"""Sitemaps and feeds -> items, and downloads with their limits, on a localhost server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from screening.audit.errors import AuditSourceError, FetchError
from screening.audit.feeds import parse_feed
from screening.audit.http import fetch, make_client
from screening.audit.sources import SourceDefaults, load_items
from screening.types import Channel
from tests.audit.http_server import Route, serve

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://school.nl/nieuws/sportdag</loc>
    <lastmod>2025-10-15T09:00:00+02:00</lastmod>
    <image:image><image:loc>/img/sportdag.jpg</image:loc>
      <image:caption>Groep 7 op de sportdag</image:caption></image:image>
    <image:image><image:loc>https://cdn.school.nl/2.jpg</image:loc></image:image>
  </url>
  <url><loc>https://school.nl/contact</loc><lastmod>2025-01-01</lastmod></url>
</urlset>"""

RSS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Nieuws</title>
  <item>
    <title>Kerstviering</title>
    <link>https://school.nl/kerst</link>
    <description>&lt;p&gt;Bel &lt;b&gt;06-12345678&lt;/b&gt;&lt;/p&gt;
      &lt;img src="/img/kerst.jpg"&gt;</description>
    <pubDate>Mon, 15 Dec 2025 10:00:00 +0100</pubDate>
    <enclosure url="https://school.nl/img/kerst-groot.jpg" type="image/jpeg" length="1"/>
    <enclosure url="https://school.nl/podcast.mp3" type="audio/mpeg" length="1"/>
    <media:content url="https://school.nl/img/kerst-media.jpg" medium="image"/>
  </item>
  <item><title>Alleen tekst</title><link>https://school.nl/tekst</link>
    <pubDate>Tue, 16 Dec 2025 10:00:00 +0100</pubDate></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Nieuws</title>
  <entry>
    <title>Schoolreis</title>
    <link rel="alternate" href="https://school.nl/schoolreis"/>
    <link rel="enclosure" type="image/png" href="https://school.nl/reis.png"/>
    <published>2026-05-20T08:00:00Z</published>
    <content type="html">&lt;p&gt;Naar de Efteling&lt;/p&gt;</content>
  </entry>
</feed>"""


def test_sitemap_with_images() -> None:
    [page, contact] = parse_feed(SITEMAP, "https://school.nl/sitemap.xml").entries
    assert page.post_url == "https://school.nl/nieuws/sportdag"
    assert page.media == ["https://school.nl/img/sportdag.jpg", "https://cdn.school.nl/2.jpg"]
    assert page.caption == "Groep 7 op de sportdag"
    assert page.published == "2025-10-15T09:00:00+02:00"
    assert contact.media == []  # a page without images is not audited (no crawling)


def test_rss_enclosures_media_and_inline_images() -> None:
    [item, text_only] = parse_feed(RSS, "https://school.nl/feed").entries
    assert item.post_url == "https://school.nl/kerst"
    assert item.media == [
        "https://school.nl/img/kerst-groot.jpg",
        "https://school.nl/img/kerst-media.jpg",
        "https://school.nl/img/kerst.jpg",
    ]
    assert item.caption == "Kerstviering\nBel 06-12345678"
    assert text_only.media == [] and text_only.caption == "Alleen tekst"


def test_atom_entry() -> None:
    [entry] = parse_feed(ATOM, "https://school.nl/atom").entries
    assert entry.post_url == "https://school.nl/schoolreis"
    assert entry.media == ["https://school.nl/reis.png"]
    assert entry.caption == "Schoolreis\nNaar de Efteling"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body>geen feed</body></html>", "not a sitemap"),
        (b"<rss><channel><item>", "not valid XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><rss>&lol2;</rss>',
            "not valid XML",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<rss>&x;</rss>",
            "not valid XML",
        ),
    ],
    ids=["html page", "broken xml", "entity expansion", "external entity"],
)
def test_documents_that_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(AuditSourceError, match=message):
        parse_feed(data, "https://school.nl/feed")


def test_sitemap_index_over_http_becomes_items() -> None:
    child = SITEMAP.replace(b"/img/sportdag.jpg", b"/img/a.jpg")
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>/sitemap-news.xml</loc></sitemap></sitemapindex>"
    )
    routes = {
        "/sitemap.xml": Route(index, content_type="application/xml"),
        "/sitemap-news.xml": Route(child, content_type="application/xml"),
        "/feed": Route(RSS, content_type="application/rss+xml"),
    }
    with serve(routes) as site, make_client(5) as client:
        [item] = load_items(site.url("/sitemap.xml"), SourceDefaults(), lambda: client, 1 << 20)
        feed_items = load_items(site.url("/feed"), SourceDefaults(), lambda: client, 1 << 20)
    assert item.id == "https://school.nl/nieuws/sportdag"
    assert item.media[0] == site.url("/img/a.jpg")
    assert (item.channel, item.published_on) == (Channel.WEBSITE, date(2025, 10, 15))
    assert [i.published_on for i in feed_items] == [date(2025, 12, 15), date(2025, 12, 16)]
    assert not any(i.problems for i in feed_items)


def test_local_feed_file_with_relative_photos(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "kerst.jpg").write_bytes(b"x")
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS.replace(b'src="/img/', b'src="img/'))
    items = load_items(str(feed), SourceDefaults(), lambda: make_client(1), 1 << 20)
    assert str(tmp_path / "img" / "kerst.jpg") in items[0].media


def test_feed_that_cannot_be_fetched_is_an_input_error() -> None:
    with (
        serve({}) as site,
        make_client(5) as client,
        pytest.raises(AuditSourceError, match="HTTP 404"),
    ):
        load_items(site.url("/feed"), SourceDefaults(), lambda: client, 1 << 20)


# --- downloads ----------------------------------------------------------------------------


def test_fetch_limits() -> None:
    routes = {
        "/ok": Route(b"x" * 1000),
        "/big": Route(b"x" * 5000),
        "/slow": Route(b"x", delay=3.0),
        "/gone": Route(b"", status=410),
    }
    with serve(routes) as site, make_client(0.5) as client:
        assert fetch(client, site.url("/ok"), 1000) == b"x" * 1000
        reasons = {}
        for path in ("/big", "/slow", "/gone", "/nothing"):
            with pytest.raises(FetchError) as caught:
                fetch(client, site.url(path), 1000)
            reasons[path] = caught.value.reason
        with pytest.raises(FetchError) as not_http:
            fetch(client, "file:///etc/passwd", 1000)
    assert reasons == {
        "/big": "too_large",
        "/slow": "timeout",
        "/gone": "status_410",
        "/nothing": "status_404",
    }
    assert not_http.value.reason == "not_http"


def test_unreachable_server_is_a_fetch_error() -> None:
    with serve({}) as site:
        url = site.url("/x")
    with make_client(1) as client, pytest.raises(FetchError) as caught:
        fetch(client, url, 10)
    assert caught.value.reason == "unreachable"
    assert isinstance(client, httpx.Client)
