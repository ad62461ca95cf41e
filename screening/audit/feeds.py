"""A site's sitemap (with image entries), sitemap index, RSS 2.0 or Atom feed as audit items.

XML is parsed with defusedxml (no entity expansion, no external entities). Pages are not
crawled: a sitemap counts only with Google's image extension (`<image:image>`), a feed item
with its enclosures, `media:content` and the `<img>` tags in its HTML. A sitemap's
`<lastmod>` stands in for the publication date when it has no `news:publication_date`.

What a document fetched over the network refers to is fetched only over http(s) from public
addresses (`screening.audit.addresses`); its items are marked `from_network` so the workers
treat their photos the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from kernel.types import Channel
from screening.audit.errors import AddressRefusedError, AuditSourceError, FetchError
from screening.audit.http import Fetcher, is_url
from screening.audit.items import AuditItem, ItemProblem
from screening.audit.sources import SourceDefaults, item_from_fields

#: Child sitemaps of a sitemap index that are followed (one level deep).
MAX_CHILD_SITEMAPS = 200


@dataclass
class FeedEntry:
    """One post of a feed: its page, photos, caption and date as written."""

    post_url: str | None
    media: list[str] = field(default_factory=list)
    caption: str = ""
    published: str = ""


@dataclass
class ParsedFeed:
    """A parsed document: its entries, or the child sitemaps of a sitemap index."""

    kind: str
    entries: list[FeedEntry] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


def read_remote(
    url: str, defaults: SourceDefaults, fetcher: Fetcher, max_bytes: int
) -> list[AuditItem]:
    """The items of the sitemap or feed at `url` (a sitemap index's children included).

    Everything the document refers to is a referenced URL (see `screening.audit.http`): a
    child sitemap on a refused address is listed as an item with that problem.
    """
    parsed = parse_feed(_fetch_source(fetcher.fetch_named, url, max_bytes), url)
    entries, refused = _read_children(
        parsed.children, lambda child: fetcher.fetch(child, max_bytes), defaults
    )
    return [*_items([*parsed.entries, *entries], defaults, from_network=True), *refused]


def read_local(
    path: Path, defaults: SourceDefaults, fetcher: Fetcher, max_bytes: int
) -> list[AuditItem]:
    """The items of a sitemap or feed saved as a file; relative photo paths are beside it.

    The file is the operator's own: what it lists is used as given. The entries of child
    sitemaps it names over http(s) came over the network and are treated as such.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AuditSourceError(
            f"cannot read {str(path)!r}: {exc.strerror}",
            f"kan {str(path)!r} niet lezen: {exc.strerror}",
        ) from None
    base = path.resolve().parent.as_uri() + "/"
    parsed = parse_feed(data, base)
    for entry in parsed.entries:
        entry.media = [_local_path(m) for m in entry.media]
    remote_children = [c for c in parsed.children if is_url(c)]
    entries, refused = _read_children(
        remote_children, lambda child: fetcher.fetch_named(child, max_bytes), defaults
    )
    return [
        *_items(parsed.entries, defaults, from_network=False),
        *_items(entries, defaults, from_network=True),
        *refused,
    ]


def _read_children(
    children: list[str], fetch: Callable[[str], bytes], defaults: SourceDefaults
) -> tuple[list[FeedEntry], list[AuditItem]]:
    """The entries of a sitemap index's children (one level deep: an index inside an index
    is not followed), and an item for each child whose address was refused."""
    entries: list[FeedEntry] = []
    refused: list[AuditItem] = []
    for child in children[:MAX_CHILD_SITEMAPS]:
        try:
            data = fetch(child)
        except AddressRefusedError as err:
            refused.append(_refused_item(child, err, defaults))
            continue
        except FetchError as err:
            raise _source_error(err) from None
        entries.extend(parse_feed(data, child).entries)
    return entries, refused


def _refused_item(url: str, err: AddressRefusedError, defaults: SourceDefaults) -> AuditItem:
    """A child sitemap that was not fetched, as an item that goes to review saying why."""
    problem = ItemProblem("audit.address_refused", err.message_nl, err.message_en)
    channel = defaults.channel or Channel.WEBSITE
    return AuditItem(url, (), "", channel, defaults.published_on, None, (problem,))


def _local_path(ref: str) -> str:
    if ref.startswith("file://"):
        from urllib.parse import unquote, urlsplit

        return str(Path(unquote(urlsplit(ref).path)))
    return ref


def _fetch_source(fetch: Callable[[str, int], bytes], url: str, max_bytes: int) -> bytes:
    try:
        return fetch(url, max_bytes)
    except FetchError as err:
        raise _source_error(err) from None


def _source_error(err: FetchError) -> AuditSourceError:
    return AuditSourceError(
        f"the sitemap or feed cannot be read: {err.message_en}",
        f"de sitemap of feed is niet te lezen: {err.message_nl}",
    )


def _items(
    entries: list[FeedEntry], defaults: SourceDefaults, *, from_network: bool
) -> list[AuditItem]:
    items = []
    for entry in entries:
        if not entry.media and not entry.caption.strip():
            continue
        item_id = entry.post_url or (entry.media[0] if entry.media else "")
        fields = {"caption": entry.caption, "published_on": entry.published, "url": entry.post_url}
        item = item_from_fields(item_id, tuple(entry.media), fields, defaults, Channel.WEBSITE)
        items.append(replace(item, from_network=from_network))
    return items


# --- parsing ----------------------------------------------------------------------------


def _local(tag: object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1].lower()


def _children(el: Element, name: str) -> Iterator[Element]:
    return (c for c in el if _local(c.tag) == name)


def _child_text(el: Element, *names: str) -> str:
    for name in names:
        for c in _children(el, name):
            text = "".join(c.itertext()).strip()
            if text:
                return text
    return ""


def parse_feed(data: bytes, base_url: str) -> ParsedFeed:
    """Entries (or child sitemaps) of a sitemap, sitemap index, RSS or Atom document."""
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException, ValueError, LookupError) as exc:  # Lookup: encoding
        raise AuditSourceError(
            f"the sitemap or feed is not valid XML ({type(exc).__name__})",
            f"de sitemap of feed is geen geldige XML ({type(exc).__name__})",
        ) from None
    kind = _local(root.tag)
    if kind == "urlset":
        return ParsedFeed(
            kind, entries=[_sitemap_entry(u, base_url) for u in _children(root, "url")]
        )
    if kind == "sitemapindex":
        children = [_join(base_url, _child_text(s, "loc")) for s in _children(root, "sitemap")]
        return ParsedFeed(kind, children=[c for c in children if c])
    if kind == "rss" or kind == "rdf":
        channel = next(_children(root, "channel"), root)
        items = list(_children(channel, "item")) or list(_children(root, "item"))
        return ParsedFeed("rss", entries=[_rss_entry(i, base_url) for i in items])
    if kind == "feed":
        return ParsedFeed(
            "atom", entries=[_atom_entry(e, base_url) for e in _children(root, "entry")]
        )
    raise AuditSourceError(
        f"the document is not a sitemap, RSS or Atom feed (its root is <{kind}>)",
        f"het document is geen sitemap, RSS- of Atom-feed (de wortel is <{kind}>)",
    )


def _sitemap_entry(url: Element, base: str) -> FeedEntry:
    page = _child_text(url, "loc")
    entry = FeedEntry(_join(base, page) if page else None)
    captions = []
    for image in _children(url, "image"):
        loc = _child_text(image, "loc")
        if loc:
            entry.media.append(_join(base, loc))
        captions.append(_child_text(image, "caption", "title"))
    news_dates = [_child_text(n, "publication_date") for n in _children(url, "news")]
    news_titles = [_child_text(n, "title") for n in _children(url, "news")]
    entry.caption = "\n".join(t for t in [*news_titles, *captions] if t)
    entry.published = next((d for d in news_dates if d), "") or _child_text(url, "lastmod")
    return entry


class _HtmlText(HTMLParser):
    """The visible text of an HTML fragment and the sources of its images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.images.append(src)
        elif tag in ("p", "br", "div", "li"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html(fragment: str) -> tuple[str, list[str]]:
    parser = _HtmlText()
    parser.feed(fragment)
    parser.close()
    text = "\n".join(" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return text.strip(), parser.images


def _is_image(el: Element) -> bool:
    kind = (el.get("type") or "").lower()
    medium = (el.get("medium") or "").lower()
    return kind.startswith("image/") or medium == "image"


def _join(base: str, ref: str) -> str:
    """`ref` resolved against `base`; as it is when it is no URL at all ("http://[::1/x",
    which urljoin refuses): fetching it then fails for this item only."""
    try:
        return urljoin(base, ref)
    except ValueError:
        return ref


def _add_media(entry: FeedEntry, base: str, refs: list[str]) -> None:
    for ref in refs:
        url = _join(base, ref.strip())
        if url and url not in entry.media:
            entry.media.append(url)


def _media_rss(item: Element) -> list[str]:
    """Image URLs of media:content (also inside media:group), without thumbnails."""
    found = []
    for el in item.iter():
        if _local(el.tag) == "content" and el.get("url") and _is_image(el):
            found.append(el.get("url") or "")
    return found


def _rss_entry(item: Element, base: str) -> FeedEntry:
    link = _child_text(item, "link") or _child_text(item, "guid")
    entry = FeedEntry(_join(base, link) if link else None)
    body_html = _child_text(item, "encoded") or _child_text(item, "description")
    body, inline = _html(body_html)
    title = _child_text(item, "title")
    entry.caption = "\n".join(t for t in (title, body) if t)
    enclosures = [e.get("url") or "" for e in _children(item, "enclosure") if _is_image(e)]
    _add_media(entry, base, [*enclosures, *_media_rss(item), *inline])
    entry.published = _child_text(item, "pubdate", "date")
    return entry


def _atom_entry(el: Element, base: str) -> FeedEntry:
    page = next(
        (
            link.get("href") or ""
            for link in _children(el, "link")
            if (link.get("rel") or "alternate") == "alternate"
        ),
        "",
    )
    entry = FeedEntry(_join(base, page) if page else None)
    body, inline = _html(_child_text(el, "content") or _child_text(el, "summary"))
    title = _child_text(el, "title")
    entry.caption = "\n".join(t for t in (title, body) if t)
    enclosures = [
        link.get("href") or ""
        for link in _children(el, "link")
        if link.get("rel") == "enclosure" and _is_image(link)
    ]
    _add_media(entry, base, [*enclosures, *_media_rss(el), *inline])
    entry.published = _child_text(el, "published", "updated")
    return entry
