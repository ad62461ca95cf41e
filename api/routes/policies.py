"""GET /v1/policies: the installed policy packs with their articles and rules."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import CurrentKey, ServicesDep, single_query_values
from api.schemas import COMMON_ERRORS, ArticlePublic, ErrorBody, PackPublic, PolicyList, RulePublic
from screening.policy.pack import PolicyPack, Rule

router = APIRouter(
    prefix="/v1/policies",
    tags=["policies"],
    responses=COMMON_ERRORS,
    dependencies=[Depends(single_query_values)],
)


def _rule(rule: Rule) -> RulePublic:
    return RulePublic(
        kinds=list(rule.kinds), articles=list(rule.articles), severity=rule.severity.value
    )


def _pack(pack: PolicyPack, default: bool) -> PackPublic:
    return PackPublic(
        id=pack.id,
        version=pack.version,
        title=pack.title,
        code_version=pack.code_version,
        issuer=pack.issuer,
        default=default,
        articles=[
            ArticlePublic(id=a.id, label=a.label, section=a.section, title=a.title, text=a.text)
            for a in pack.articles.values()
        ],
        rules=[_rule(r) for r in pack.rules],
        fallback=_rule(pack.fallback),
    )


@router.get("", summary="Policy packs and their articles", responses={401: {"model": ErrorBody}})
def list_policies(services: ServicesDep, _key: CurrentKey) -> PolicyList:
    """Every installed pack (any role may read them: they are the school board's own code)."""
    packs = services.pipeline.packs
    return PolicyList(
        default=packs.default_id,
        packs=[_pack(p, p.id == packs.default_id) for p in packs.packs.values()],
    )
