"""Builders for the concern tests: rights holders, drafts and filed concerns, through the services."""

from concerns import services
from concerns.models import Concern
from concerns.services import ConcernInput, WorkInput
from portal.accounts.models import Role
from tests.factories import RightsHolderFactory, member


def rights_holder(organisation=None, **fields):
    return member(Role.RIGHTS_HOLDER, organisation or RightsHolderFactory(), **fields)


def concern_input(*, ministry, developer, **overrides) -> ConcernInput:
    fields = {
        "ministry": ministry,
        "developer": developer,
        "model_name": "Kumo Video",
        "observations": ["output_resembles", "suspected_source"],
        "observed": "「進撃の巨人」の登場人物にそっくりな画像が生成された。",
        "evidence_links": "https://example.jp/output-1",
        "prompts": "巨人と戦う兵士、アニメ風",
        "asks": ["disclose_sources", "output_filtering"],
        "works": [WorkInput(kind="anime_series", title_ja="進撃の巨人", title_en="Attack on Titan")],
    }
    fields.update(overrides)
    return ConcernInput(**fields)


def filed_concern(*, by, ministry, developer, **overrides) -> Concern:
    concern = services.start_concern(by=by, data=concern_input(ministry=ministry, developer=developer, **overrides))
    return services.file_concern(concern=concern, by=by)
