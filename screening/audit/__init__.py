"""The nightly audit of published media: is what is online still allowed to be online?

`screening audit SOURCE --out DIR` reads a folder, a manifest or a site's sitemap/feed
(`sources`, `feeds`; what a fetched document points at is downloaded only from public
addresses or the allow-list: `addresses`, `http`), screens every item through the one
pipeline twice over — consent as it is today and as it was known on the publication date —
and files each under a verdict (`verdicts`): ok, take_down, violation or review. Face
detection results are cached per photo, encrypted (`face_cache`), so a night in which only
consents changed re-matches without re-detecting; work spreads over processes (`worker`,
`runner`); one audit runs at a time (`lock`) and an interrupted one resumes (`journal`). The
report (`report`, `report_html`) is HTML for a school leader plus CSV and JSON; `notify`
sends a summary by e-mail or webhook.
"""
