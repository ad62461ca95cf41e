"""Sitemaps and feeds -> items, and downloads with their limits and address checks.

Everything is served by a server on 127.0.0.1; other host names exist only in a fake
resolver, and a refused address is refused before any connection, so nothing leaves this
computer.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from kernel.types import Channel
from screening.audit.addresses import AddressGuard, AllowList, Resolver, resolve_host
from screening.audit.errors import AddressRefusedError, AuditSourceError, FetchError
from screening.audit.feeds import parse_feed
from screening.audit.http import MAX_REDIRECTS, Fetcher
from screening.audit.loading import load_items
from screening.audit.sources import SourceDefaults
from tests.audit.http_server import Route, redirect, serve

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


def fetcher(
    timeout: float = 5.0, allowed: tuple[str, ...] = (), resolver: Resolver = resolve_host
) -> Fetcher:
    """A fetcher with the given allow-list and resolver."""
    return Fetcher(timeout, AddressGuard(AllowList.parse(allowed), resolver))


def fake_resolver(names: dict[str, list[str]]) -> Resolver:
    """A resolver that knows only `names` (and fails the test for any other name)."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise AssertionError(f"{host} was resolved, the test knows no such name")
        return names[host]

    return resolve


INDEX = (
    b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<sitemap><loc>/sitemap-news.xml</loc></sitemap></sitemapindex>"
)


def test_sitemap_index_over_http_becomes_items() -> None:
    child = SITEMAP.replace(b"/img/sportdag.jpg", b"/img/a.jpg")
    routes = {
        "/sitemap.xml": Route(INDEX, content_type="application/xml"),
        "/sitemap-news.xml": Route(child, content_type="application/xml"),
        "/feed": Route(RSS, content_type="application/rss+xml"),
    }
    # The child sitemap is on this computer too: only the allow-list lets the index use it.
    with serve(routes) as site, fetcher(allowed=("127.0.0.1",)) as fetch:
        [item] = load_items(site.url("/sitemap.xml"), SourceDefaults(), fetch, 1 << 20)
        feed_items = load_items(site.url("/feed"), SourceDefaults(), fetch, 1 << 20)
    assert item.id == "https://school.nl/nieuws/sportdag"
    assert item.media[0] == site.url("/img/a.jpg") and item.from_network
    assert (item.channel, item.published_on) == (Channel.WEBSITE, date(2025, 10, 15))
    assert [i.published_on for i in feed_items] == [date(2025, 12, 15), date(2025, 12, 16)]
    assert not any(i.problems for i in feed_items)
    assert all(i.from_network for i in feed_items)


def test_a_child_sitemap_on_a_refused_address_is_an_item_saying_why() -> None:
    routes = {
        "/sitemap.xml": Route(INDEX, content_type="application/xml"),
        "/sitemap-news.xml": Route(SITEMAP, content_type="application/xml"),
    }
    with serve(routes) as site, fetcher() as fetch:
        [item] = load_items(site.url("/sitemap.xml"), SourceDefaults(), fetch, 1 << 20)
    assert site.paths() == ["/sitemap.xml"]  # the child was never requested
    assert item.id == site.url("/sitemap-news.xml") and item.media == ()
    [problem] = item.problems
    assert problem.kind == "audit.address_refused"
    assert problem.message_nl.startswith("adres geweigerd") and "loopback" in problem.message_nl
    assert "loopback" in problem.message_en


def test_local_feed_file_with_relative_photos(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "kerst.jpg").write_bytes(b"x")
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS.replace(b'src="/img/', b'src="img/'))
    items = load_items(str(feed), SourceDefaults(), fetcher(1), 1 << 20)
    assert str(tmp_path / "img" / "kerst.jpg") in items[0].media
    assert not items[0].from_network  # the operator's own file: its paths are used as given


def test_file_urls_from_a_fetched_sitemap_stay_urls(tmp_path: Path) -> None:
    photo = tmp_path / "geheim.jpg"
    photo.write_bytes(b"x")
    sitemap = SITEMAP.replace(b"/img/sportdag.jpg", photo.as_uri().encode())
    index = tmp_path / "index.xml"
    with serve({"/sitemap.xml": Route(sitemap)}) as site, fetcher() as fetch:
        index.write_text(
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
            f"<loc>{site.url('/sitemap.xml')}</loc></sitemap></sitemapindex>",
            encoding="utf-8",
        )
        [direct] = load_items(site.url("/sitemap.xml"), SourceDefaults(), fetch, 1 << 20)
        [via_index] = load_items(str(index), SourceDefaults(), fetch, 1 << 20)
    for item in (direct, via_index):
        # Not turned into a path: the worker refuses it (test_audit_e2e).
        assert item.media[0] == photo.as_uri() and item.from_network


def test_feed_that_cannot_be_fetched_is_an_input_error() -> None:
    with (
        serve({}) as site,
        fetcher() as fetch,
        pytest.raises(AuditSourceError, match="HTTP 404"),
    ):
        load_items(site.url("/feed"), SourceDefaults(), fetch, 1 << 20)


# --- downloads ----------------------------------------------------------------------------


def test_fetch_limits() -> None:
    routes = {
        "/ok": Route(b"x" * 1000),
        "/big": Route(b"x" * 5000),
        "/slow": Route(b"x", delay=3.0),
        "/gone": Route(b"", status=410),
    }
    with serve(routes) as site, fetcher(0.5) as fetch:
        assert fetch.fetch_named(site.url("/ok"), 1000) == b"x" * 1000
        reasons = {}
        for path in ("/big", "/slow", "/gone", "/nothing"):
            with pytest.raises(FetchError) as caught:
                fetch.fetch_named(site.url(path), 1000)
            reasons[path] = caught.value.reason
        with pytest.raises(FetchError) as not_http:
            fetch.fetch_named("file:///etc/passwd", 1000)
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
    with fetcher(1) as fetch, pytest.raises(FetchError) as caught:
        fetch.fetch_named(url, 10)
    assert caught.value.reason == "unreachable"


@pytest.mark.parametrize(
    ("url", "reason", "because"),
    [
        ("file:///etc/passwd", "scheme_refused", "not an http(s) URL"),
        ("ftp://school.nl/a.jpg", "scheme_refused", "not an http(s) URL"),
        ("http://127.0.0.1:{port}/a.jpg", "address_refused", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/a.jpg", "address_refused", "loopback"),
        ("http://[::1]:{port}/a.jpg", "address_refused", "loopback"),
        ("http://intern.school.test:{port}/a.jpg", "address_refused", "10.1.2.3, a private"),
        ("http://metadata.school.test/a.jpg", "address_refused", "169.254.169.254, a link"),
        ("http://split.school.test/a.jpg", "address_refused", "192.168.0.9"),
    ],
)
def test_referenced_urls_that_are_refused(url: str, reason: str, because: str) -> None:
    names = {
        "intern.school.test": ["10.1.2.3"],
        "metadata.school.test": ["169.254.169.254"],
        # One public address is not enough: every address must be allowed.
        "split.school.test": ["93.184.216.34", "192.168.0.9"],
    }
    with serve({"/a.jpg": Route(b"x")}) as site, fetcher(resolver=fake_resolver(names)) as fetch:
        with pytest.raises(AddressRefusedError) as caught:
            fetch.fetch(url.format(port=site.port), 1000)
        assert site.requested == []
    assert caught.value.reason == reason and because in caught.value.message_en
    assert caught.value.message_nl.startswith("adres geweigerd")
    assert caught.value.message_nl != caught.value.message_en


@pytest.mark.parametrize(
    "target",
    [
        "http://intern.school.test:{port}/geheim",  # resolves to 10.1.2.3
        "http://127.0.0.1:{port}/geheim",  # the same server, but by an address not allowed
        "file:///etc/passwd",
    ],
)
def test_a_redirect_from_an_allowed_host_to_a_refused_one(target: str) -> None:
    # photos.school.test is allowed by name; it resolves (in the fake) to the test server.
    names = {"photos.school.test": ["127.0.0.1"], "intern.school.test": ["10.1.2.3"]}
    routes = {"/geheim": Route(b"secret")}
    with (
        serve(routes) as site,
        fetcher(allowed=("photos.school.test",), resolver=fake_resolver(names)) as fetch,
    ):
        site.routes["/a.jpg"] = redirect(target.format(port=site.port))
        first = f"http://photos.school.test:{site.port}/a.jpg"
        with pytest.raises(AddressRefusedError) as caught:
            fetch.fetch(first, 1000)
    assert site.paths() == ["/a.jpg"]  # the redirect was not followed
    assert f"redirected from {first}" in caught.value.message_en
    assert f"doorverwezen vanaf {first}" in caught.value.message_nl


def test_the_allow_list_by_host_and_by_network() -> None:
    names = {"photos.school.test": ["127.0.0.1"], "other.school.test": ["127.0.0.1"]}
    with serve({"/a.jpg": Route(b"photo")}) as site:
        by_name = fetcher(allowed=("Photos.School.Test",), resolver=fake_resolver(names))
        by_network = fetcher(allowed=("127.0.0.0/8",), resolver=fake_resolver(names))
        with by_name, by_network:
            assert by_name.fetch(f"http://photos.school.test:{site.port}/a.jpg", 100) == b"photo"
            with pytest.raises(AddressRefusedError):
                by_name.fetch(f"http://other.school.test:{site.port}/a.jpg", 100)
            with pytest.raises(AddressRefusedError):
                by_name.fetch(site.url("/a.jpg"), 100)
            assert by_network.fetch(f"http://other.school.test:{site.port}/a.jpg", 100)
            assert by_network.fetch(site.url("/a.jpg"), 100) == b"photo"
    assert site.requested == [
        ("/a.jpg", f"photos.school.test:{site.port}"),
        ("/a.jpg", f"other.school.test:{site.port}"),
        ("/a.jpg", f"127.0.0.1:{site.port}"),
    ]


def test_the_address_checked_is_the_address_connected_to() -> None:
    # A name that resolves to an allowed address for the check and to another one later
    # (DNS rebinding). The fetch must connect to the address it checked, resolving once.
    answers = [["127.0.0.1"], ["10.9.9.9"]]
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    with serve({"/a.jpg": Route(b"photo")}) as site:
        url = f"http://rebind.school.test:{site.port}/a.jpg"
        with fetcher(allowed=("127.0.0.1",), resolver=rebinding) as first:
            assert first.fetch(url, 100) == b"photo"
        assert calls == ["rebind.school.test"]
        with (
            fetcher(allowed=("127.0.0.1",), resolver=rebinding) as second,
            pytest.raises(AddressRefusedError, match=re.escape("resolves to 10.9.9.9")),
        ):
            second.fetch(url, 100)
    assert site.paths() == ["/a.jpg"]


def test_a_named_url_redirects_within_its_own_origin_only() -> None:
    routes = {"/feed": redirect("/feed.xml"), "/feed.xml": Route(b"<rss/>")}
    with serve(routes) as site, fetcher() as fetch:
        # The operator named 127.0.0.1: it is used, and so is a redirect on the same origin.
        assert fetch.fetch_named(site.url("/feed"), 100) == b"<rss/>"
        site.routes["/weg"] = redirect(f"http://127.0.0.2:{site.port}/feed.xml")
        with pytest.raises(AddressRefusedError, match=re.escape("127.0.0.2 is this computer")):
            fetch.fetch_named(site.url("/weg"), 100)


def test_redirects_are_capped() -> None:
    with (
        serve({"/rond": redirect("/rond")}) as site,
        fetcher() as fetch,
        pytest.raises(FetchError) as caught,
    ):
        fetch.fetch_named(site.url("/rond"), 100)
    assert caught.value.reason == "redirects"
    assert site.paths() == ["/rond"] * (MAX_REDIRECTS + 1)
