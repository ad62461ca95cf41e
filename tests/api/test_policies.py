"""GET /v1/policies: the installed packs, each with its articles quoted and its rules."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.services import Services
from tests.api.conftest import Keys


def test_policies_list_every_pack_with_articles_and_rules(
    client: TestClient, keys: Keys, services: Services
) -> None:
    body = client.get("/v1/policies", headers=keys.headers("extension")).json()
    packs = services.pipeline.packs
    assert body["default"] == packs.default_id == "svok"
    assert sorted(p["id"] for p in body["packs"]) == sorted(packs.packs)
    for listed in body["packs"]:
        pack = packs.packs[listed["id"]]
        assert listed["default"] is (pack.id == packs.default_id)
        assert listed["version"] == pack.version
        assert [a["id"] for a in listed["articles"]] == list(pack.articles)
        assert [a["text"] for a in listed["articles"]] == [a.text for a in pack.articles.values()]
        assert len(listed["rules"]) == len(pack.rules)
        assert listed["fallback"]["severity"] == "hold"
        cited = {a for r in listed["rules"] for a in r["articles"]}
        assert cited <= {a["id"] for a in listed["articles"]}
