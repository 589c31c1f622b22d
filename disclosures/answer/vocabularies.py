"""The controlled vocabularies of the answer document: the codes stored, with their labels.

Labels read "日本語 / English" once locale/ is compiled; msgids are English. The public label filter and
the spreadsheet import read the same lists.
"""

import re

from django.utils.translation import gettext_lazy as _

OTHER = "other"


# Controlled vocabularies. Labels read "日本語 / English" once locale/ is compiled; msgids are English.
SOURCE_KINDS = [
    ("public_dataset", _("Public dataset")),
    ("licensed", _("Licensed data")),
    ("other_private", _("Other private data")),
    ("web_crawl", _("Web crawl")),
    ("user_content", _("User content")),
    ("synthetic", _("Synthetic data")),
    (OTHER, _("Other (describe)")),
]
MODALITIES = [
    ("text", _("Text")),
    ("image", _("Image")),
    ("video", _("Video")),
    ("audio", _("Audio")),
    ("code", _("Code")),
    (OTHER, _("Other (describe)")),
]
SIZE_UNITS = [
    ("tokens", _("tokens")),
    ("documents", _("documents")),
    ("images", _("images")),
    ("hours", _("hours of audio or video")),
    ("gb", _("gigabytes")),
    ("tb", _("terabytes")),
]
CONTENT_TYPES = [
    ("news", _("News")),
    ("books", _("Books")),
    ("academic", _("Academic papers")),
    ("web_text", _("General web text")),
    ("anime", _("Anime")),
    ("manga", _("Manga")),
    ("games", _("Games")),
    ("fan_works", _("Fan works")),
    ("illustration", _("Illustrations and art")),
    ("music", _("Music")),
    ("photos", _("Photographs")),
    (OTHER, _("Other (describe)")),
]
CONSENT_BASES = [
    ("opt_in_licence", _("Opt-in licence (name grantor, scope and dates)")),
    ("opt_out_honoured", _("Opt-out honoured")),
    ("none", _("None")),
]
RESERVATION_PROTOCOLS = [
    ("robots_txt", _("robots.txt")),
    ("tdmrep", _("TDMRep (TDM Reservation Protocol)")),
    ("ietf_aipref", _("IETF AI preferences")),
    ("c2pa_cawg", _("C2PA / CAWG assertions")),
    ("registries", _("Opt-out registries")),
    (OTHER, _("Other (describe)")),
]
YES_NO_UNKNOWN = [("", "—"), ("yes", _("Yes")), ("no", _("No")), ("unknown", _("Unknown"))]
CHANNELS = [
    ("api", _("API")),
    ("consumer_app", _("Consumer app or website")),
    ("enterprise", _("Enterprise offering")),
    ("open_weights", _("Open weights")),
    (OTHER, _("Other (describe)")),
]
FILTER_KINDS = [
    ("prompt_filter", _("Prompt filter")),
    ("output_similarity", _("Output similarity check against rights-holder reference sets")),
    ("blocklist", _("Character or franchise blocklist")),
    ("style_prompts", _('Handling of "in the style of" prompts')),
    ("provenance", _("Watermark or C2PA provenance")),
    ("human_review", _("Human review")),
    (OTHER, _("Other (describe)")),
]
PIPELINE_STAGES = [
    ("", "—"),
    ("input", _("On the prompt, before generation")),
    ("generation", _("During generation")),
    ("output", _("On the output, before delivery")),
    ("after_delivery", _("After delivery")),
]
MODEL_MEASURES = [
    ("output_block", _("Block the output")),
    ("training_removal", _("Remove from future training")),
    ("unlearning", _("Unlearning")),
    (OTHER, _("Other (describe)")),
]
CHANNEL_KINDS = [
    ("web_form", _("Web form")),
    ("email", _("Email")),
    ("postal", _("Post")),
    ("phone", _("Telephone")),
    (OTHER, _("Other (describe)")),
]

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def normalise_domain(value: str) -> str:
    """A registrable host name in lower-case ASCII (IDNA), or ValueError."""
    host = value.strip().lower().rstrip(".")
    if host.startswith("*."):
        host = host[2:]
    if "://" in host or "/" in host or " " in host:
        raise ValueError(value)
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(value) from None
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(value)
    if labels[-1].isdigit():
        raise ValueError(value)
    return host


def normalise_language(value: str) -> str:
    """A language code (BCP 47 shape, e.g. ja, en-GB) in lower case, or ValueError."""
    if not _LANGUAGE.match(value):
        raise ValueError(value)
    return value.lower()
