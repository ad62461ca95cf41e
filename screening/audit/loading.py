"""Every item of an audit source: a folder, a manifest, a sitemap or feed, or a URL.

Above both readers: `sources` (folders, manifests, sidecars) and `feeds` (sitemaps and feeds,
whose entries are made into items with `sources.item_from_fields`).
"""

from __future__ import annotations

from pathlib import Path

from screening.audit import feeds
from screening.audit.errors import AuditSourceError
from screening.audit.http import Fetcher, is_url
from screening.audit.items import AuditItem
from screening.audit.sources import (
    FEED_SUFFIXES,
    MANIFEST_SUFFIXES,
    SourceDefaults,
    read_folder,
    read_manifest,
    unique_ids,
)


def load_items(
    source: str, defaults: SourceDefaults, fetcher: Fetcher, max_feed_bytes: int
) -> list[AuditItem]:
    """Every item of `source`, ids made unique, in the source's order."""
    if is_url(source):
        items = feeds.read_remote(source, defaults, fetcher, max_feed_bytes)
    else:
        path = Path(source).expanduser()
        if path.is_dir():
            items = read_folder(path, defaults)
        elif not path.is_file():
            raise AuditSourceError(
                f"{source!r} does not exist; give a folder, a manifest (.csv, .jsonl), a "
                "sitemap or feed (.xml), or an http(s) URL",
                f"{source!r} bestaat niet; geef een map, een manifest (.csv, .jsonl), een "
                "sitemap of feed (.xml), of een http(s)-adres",
            )
        elif path.suffix.lower() in MANIFEST_SUFFIXES:
            items = read_manifest(path, defaults)
        elif path.suffix.lower() in FEED_SUFFIXES:
            items = feeds.read_local(path, defaults, fetcher, max_feed_bytes)
        else:
            raise AuditSourceError(
                f"{source!r} is not a folder, a manifest (.csv, .jsonl) or a sitemap/feed (.xml)",
                f"{source!r} is geen map, manifest (.csv, .jsonl) of sitemap/feed (.xml)",
            )
    return unique_ids(items)
