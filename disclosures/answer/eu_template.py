"""The EU AI Act "public summary of training content" (the Commission's template of July 2025) as JSON,
and its mapping onto our answer where the fields overlap (docs/answer-schema.md has the table).

The JSON shape follows the template's headings: 1 general information, 2 list of data sources (2.1
publicly available datasets, 2.2 private datasets licensed or otherwise obtained, 2.3 data crawled and
scraped, 2.4 user data, 2.5 synthetic data, 2.6 other sources), 3 data processing aspects (3.1 respect
of reservations of rights, 3.2 removal of illegal content, 3.3 other information). Unknown keys and
wrong types are refused (nothing is imported); what is valid but has no place in our answer is
reported by its path.
"""

import datetime

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from disclosures.answer import model as m
from disclosures.answer.vocabularies import MODALITIES

TEMPLATE_ID = "eu-gpai-training-content-summary"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProviderIdentification(_Part):
    name: str = ""
    contact: str = ""
    authorised_representative: str = ""


class ModelIdentification(_Part):
    versioned_names: list[str] = []
    dependencies: list[str] = []
    union_market_date: datetime.date | None = None


class GeneralInformation(_Part):
    """Section 1."""

    provider: ProviderIdentification = Field(default_factory=ProviderIdentification)
    model: ModelIdentification = Field(default_factory=ModelIdentification)
    modalities: list[str] = []
    # Per modality, the template's size range, e.g. {"text": "1 billion to 10 trillion tokens"}.
    training_data_size: dict[str, str] = {}
    content_types: str = ""
    latest_collection_date: datetime.date | None = None
    linguistic_characteristics: str = ""
    other_characteristics: str = ""


class NamedDataset(_Part):
    name: str
    link: str = ""
    modality: str = ""


class DatasetGroup(_Part):
    """2.1 and 2.2: whether used, modalities, the datasets named and a general description."""

    used: bool = False
    modalities: list[str] = []
    datasets: list[NamedDataset] = []
    description: str = ""


class Crawler(_Part):
    name: str
    purpose: str = ""
    behaviour: str = ""


class Period(_Part):
    start: datetime.date | None = None
    end: datetime.date | None = None


class CrawledData(_Part):
    """2.3: crawlers, period of collection, the content crawled and the top domain names."""

    used: bool = False
    crawlers: list[Crawler] = []
    collection_period: Period = Field(default_factory=Period)
    description: str = ""
    top_domains: list[str] = []


class UserData(_Part):
    """2.4."""

    used: bool = False
    from_model_interactions: bool = False
    from_other_services: bool = False
    modalities: list[str] = []
    description: str = ""


class SyntheticData(_Part):
    """2.5."""

    used: bool = False
    modalities: list[str] = []
    generating_models: list[str] = []
    description: str = ""


class OtherSources(_Part):
    """2.6."""

    used: bool = False
    description: str = ""


class DataSources(_Part):
    """Section 2."""

    public_datasets: DatasetGroup = Field(default_factory=DatasetGroup)
    licensed_datasets: DatasetGroup = Field(default_factory=DatasetGroup)
    other_private_datasets: DatasetGroup = Field(default_factory=DatasetGroup)
    crawled_data: CrawledData = Field(default_factory=CrawledData)
    user_data: UserData = Field(default_factory=UserData)
    synthetic_data: SyntheticData = Field(default_factory=SyntheticData)
    other_sources: OtherSources = Field(default_factory=OtherSources)


class DataProcessing(_Part):
    """Section 3."""

    reservation_of_rights: str = ""
    illegal_content_removal: str = ""
    other_information: str = ""


class EuSummary(_Part):
    """A public summary of training content, in the template's order."""

    template: str = Field(TEMPLATE_ID, json_schema_extra={"const": TEMPLATE_ID})
    template_version: str = "2025-07"
    general_information: GeneralInformation = Field(default_factory=GeneralInformation)
    data_sources: DataSources = Field(default_factory=DataSources)
    data_processing: DataProcessing = Field(default_factory=DataProcessing)


_OUR_MODALITIES = {code for code, _label in MODALITIES}
_EU_MODALITIES = {"images": "image", "videos": "video"}


def _modality(value: str) -> str | None:
    code = _EU_MODALITIES.get(value.strip().lower(), value.strip().lower())
    return code if code in _OUR_MODALITIES else None


def _one_modality(values: list[str]) -> str:
    codes = {code for value in values if (code := _modality(value))}
    return codes.pop() if len(codes) == 1 else ""


class _Mapping:
    def __init__(self):
        self.unmapped: list[str] = []

    def skip(self, path: str, value) -> None:
        if value not in (None, "", [], {}, False):
            self.unmapped.append(path)


def to_answer(summary: EuSummary) -> tuple[dict, list[str]]:
    """The parts of our answer a summary fills (blocks by field, source rows), and the EU paths not mapped."""
    mapping = _Mapping()
    general = summary.general_information
    provider = {
        "legal_name": general.provider.name,
        "model_names": general.model.versioned_names,
        "base_models": general.model.dependencies,
    }
    mapping.skip("general_information.provider.contact", general.provider.contact)
    mapping.skip("general_information.provider.authorised_representative", general.provider.authorised_representative)
    # The date of placement on the Union market is neither the release date nor the date offered in Japan.
    mapping.skip("general_information.model.union_market_date", general.model.union_market_date)
    modalities = []
    for value in general.modalities:
        code = _modality(value)
        if code is None:
            mapping.unmapped.append(f"general_information.modalities ({value})")
        elif code not in modalities:
            modalities.append(code)
    training = {
        "modalities": modalities,
        "size_range": "; ".join(f"{key}: {value}" for key, value in general.training_data_size.items()),
        "latest_collection_date": general.latest_collection_date,
    }
    mapping.skip("general_information.content_types", general.content_types)
    mapping.skip("general_information.linguistic_characteristics", general.linguistic_characteristics)
    mapping.skip("general_information.other_characteristics", general.other_characteristics)

    sources = summary.data_sources
    removal = summary.data_processing.illegal_content_removal
    rows: list[dict] = []

    def row(kind: str, name: str, **values) -> None:
        rows.append({"kind": kind, "name": name[:300], "piracy_removal": removal, **values})

    for key, kind in (("public_datasets", "public_dataset"), ("other_private_datasets", "other_private")):
        group: DatasetGroup = getattr(sources, key)
        for dataset in group.datasets:
            modality = _modality(dataset.modality) or _one_modality(group.modalities)
            row(kind, dataset.name, modality=modality)
        if group.used and not group.datasets:
            heading = _("Publicly available datasets") if kind == "public_dataset" else _("Other private datasets")
            row(kind, heading, modality=_one_modality(group.modalities))
        mapping.skip(f"data_sources.{key}.description", group.description)
    licensed = sources.licensed_datasets
    for dataset in licensed.datasets or ([NamedDataset(name=_("Licensed datasets"))] if licensed.used else []):
        row(
            "licensed",
            dataset.name,
            modality=_modality(dataset.modality) or _one_modality(licensed.modalities),
            consent_basis="opt_in_licence",
            licence_scope=licensed.description,
        )
    crawled = sources.crawled_data
    if crawled.used or crawled.top_domains:
        names = ", ".join(crawler.name for crawler in crawled.crawlers) or _("Web crawl")
        row(
            "web_crawl",
            names,
            modality="text" if "text" in modalities else "",
            collection_start=crawled.collection_period.start,
            collection_end=crawled.collection_period.end,
            top_domains=crawled.top_domains,
        )
        for index, crawler in enumerate(crawled.crawlers):
            mapping.skip(f"data_sources.crawled_data.crawlers[{index}].purpose", crawler.purpose)
            mapping.skip(f"data_sources.crawled_data.crawlers[{index}].behaviour", crawler.behaviour)
        mapping.skip("data_sources.crawled_data.description", crawled.description)
    if sources.user_data.used:
        row("user_content", _("User data"), modality=_one_modality(sources.user_data.modalities))
        mapping.skip("data_sources.user_data.description", sources.user_data.description)
    synthetic = sources.synthetic_data
    if synthetic.used:
        models = ", ".join(synthetic.generating_models)
        name = _("Synthetic data") + (f" ({models})" if models else "")
        row("synthetic", name, modality=_one_modality(synthetic.modalities))
        mapping.skip("data_sources.synthetic_data.description", synthetic.description)
    if sources.other_sources.used:
        row("other", _("Other sources"), kind_other=sources.other_sources.description[:300])

    governance = {"copyright_policy": summary.data_processing.reservation_of_rights}
    mapping.skip("data_processing.other_information", summary.data_processing.other_information)
    blocks = {"provider": provider, "training_data": training, "governance": governance}
    document: dict = {
        key: {name: _json(value) for name, value in block.items() if value not in (None, "", [])}
        for key, block in blocks.items()
    }
    document = {key: block for key, block in document.items() if block}
    if rows:
        document["sources"] = [{name: _json(value) for name, value in item.items()} for item in rows]
    return document, mapping.unmapped


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def merge(answers: dict, filled: dict, asked: set[str]) -> dict:
    """The draft with what a summary filled: block fields set one by one, source rows matched by kind and name.

    Nothing else of the draft changes, so a summary can pre-fill a draft that already holds answers,
    and importing the same summary twice gives the same draft.
    """
    merged = {**answers}
    for key, block in filled.items():
        if key not in asked:
            continue
        if key in m.SECTION_ROWS:
            current = [dict(item) for item in merged.get(key) or [] if isinstance(item, dict)]
            for item in block:
                same = next(
                    (row for row in current if (row.get("kind"), row.get("name")) == (item["kind"], item["name"])), None
                )
                if same is not None:
                    same.update(item)
                else:
                    current.append(item)
            merged[key] = current
        else:
            existing = merged.get(key)
            merged[key] = {**(existing if isinstance(existing, dict) else {}), **block}
    return merged
