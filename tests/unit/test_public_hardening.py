"""Public surfaces under hostile input: bounded cache, honest throttles, safe feed and CSV, no 500, true schema."""

import csv
import io
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from disclosures.models import AuditEvent
from disclosures.states import State
from disclosures.views.public import cache as page_cache
from portal.accounts.models import Role
from portal.accounts.net import client_ip
from portal.throttling import AddressRateThrottle, AnonRateThrottle
from tests.auth import login
from tests.factories import DeveloperFactory, member
from tests.public_data import clear_page_cache, declined, issued, publish, version


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_page_cache()


# -- 11: the page cache keys on the parameters a page reads ---------------------------------------------------


def test_junk_parameters_share_one_cache_entry(client, db, monkeypatch):
    keys = []
    original = page_cache.page_cache_key
    monkeypatch.setattr(page_cache, "page_cache_key", lambda request: keys.append(original(request)) or keys[-1])
    index = reverse("public:index")
    for junk in ("", "?a=1", "?a=2", "?utm_source=x&b=", "?state="):
        assert client.get(index + junk).status_code == 200
    assert len(set(keys)) == 1
    keys.clear()
    client.get(index + "?state=issued&q=x&junk=1")
    client.get(index + "?q=x&state=issued")
    assert len(set(keys)) == 1  # sorted: the same query in another order is the same page
    client.get(index + "?state=issued")
    assert len(set(keys)) == 2


def test_a_cached_page_does_not_repeat_junk_parameters(client, db):
    issued()
    body = client.get(reverse("public:index") + "?state=issued&planted=marker-7").content.decode()
    # The links the page builds (CSV, JSON, pages) carry only what the page read.
    assert 'requests.csv?state=issued"' in body and "planted=marker-7&" not in body


# -- 12: one client address, from the trusted proxy only; pages and exports are throttled ----------------------


def _meta(remote, forwarded=None):
    class Request:
        META = {"REMOTE_ADDR": remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})}

    return Request()


def test_the_forwarding_header_counts_only_behind_a_configured_proxy(settings):
    settings.NUM_PROXIES = 0
    assert client_ip(_meta("10.0.0.5", "198.51.100.1")) == "10.0.0.5"
    settings.NUM_PROXIES = 1
    # The proxy appends the address it saw; what the client wrote on the left is ignored.
    assert client_ip(_meta("10.0.0.5", "198.51.100.1, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(_meta("10.0.0.5", "not-an-address")) == "10.0.0.5"
    assert client_ip(_meta("10.0.0.5")) == "10.0.0.5"
    settings.NUM_PROXIES = 2
    assert client_ip(_meta("10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.4")) == "203.0.113.7"


def test_a_forged_forwarding_header_buys_no_fresh_api_allowance(client, db, monkeypatch, settings):
    settings.NUM_PROXIES = 0
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    url = reverse("api:public-request-list")
    statuses = [
        client.get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", REMOTE_ADDR="192.0.2.9").status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_behind_one_proxy_each_client_has_its_own_allowance(client, db, monkeypatch, settings):
    settings.NUM_PROXIES = 1
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/minute"})
    url = reverse("api:public-request-list")
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.1", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.1", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.2", REMOTE_ADDR="10.0.0.1").status_code == 200


@pytest.mark.parametrize(
    ("name", "scope"),
    [("public:index", "public_page"), ("public:sources", "public_page"), ("public:requests_csv", "export")],
)
def test_public_pages_and_exports_are_throttled_per_address(client, db, monkeypatch, name, scope):
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", {scope: "2/minute"})
    url = reverse(name)
    statuses = [client.get(url, {"q": str(n)}, REMOTE_ADDR="192.0.2.1").status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    refused = client.get(url, REMOTE_ADDR="192.0.2.1")
    assert int(refused["Retry-After"]) > 0 and "秒後" in refused.content.decode()
    assert client.get(url, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_the_audit_log_takes_the_address_from_the_same_definition(db, settings, issued_request):
    settings.NUM_PROXIES = 1
    official = member(Role.OFFICIAL)
    client = Client()
    login(client, official)
    # An official opening a developer page is refused, and the refusal is audited with the client's address.
    client.get(
        reverse("developer:answers", args=[issued_request.public_id]),
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.44",
        REMOTE_ADDR="10.0.0.1",
    )
    assert AuditEvent.objects.filter(action="access_denied").latest("pk").ip_address == "203.0.113.44"


# -- 14: the feed escapes markup -------------------------------------------------------------------------------


def test_the_feed_carries_markup_as_text(client, db):
    request = issued(state=State.DECLINED, model_name="<b>Kumo</b>")
    declined(request, after_days=1, reasons="<img src=x onerror=alert(1)>\nsecond line")
    root = ET.fromstring(client.get(reverse("public:feed")).content)  # noqa: S314 (our own feed)
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    summaries = [entry.find("atom:summary", ns) for entry in root.findall("atom:entry", ns)]
    html = " ".join(summary.text for summary in summaries)
    assert all(summary.get("type") == "html" for summary in summaries)
    # What a feed reader renders as HTML holds the markup only as escaped text.
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;<br>second line" in html and "&lt;b&gt;Kumo&lt;/b&gt;" in html


# -- 15: CSV cells never start a formula -----------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1+1"])
def test_csv_cells_that_would_be_formulas_are_neutralised(client, db, text):
    request = issued(model_name=text)
    publish(request)
    version(request, {}, sources=[{"name": text, "tier": "public", "licence_grantor": text}])
    for name, column in (("public:requests_csv", "model"), ("public:sources_csv", "name")):
        header, *rows = _csv(client.get(reverse(name)))
        cell = rows[0][header.index(column)]
        assert cell == "'" + text, (name, cell)
    assert _csv(client.get(reverse("public:sources_csv")))[1][6] == "'" + text


# -- 18: every bad value is a 400 in the reader's language, never a 500 ----------------------------------------

BAD_FILTERS = [
    {"issued_from": "0001-01-01"},
    {"issued_to": "9999-12-31"},
    {"deadline_from": "0001-01-01"},
    {"min_days_open": "999999999999999999999999"},
    {"min_days_open": "-1"},
    {"min_days_open": "NaN"},
]


@pytest.mark.parametrize("query", BAD_FILTERS)
def test_out_of_range_filters_are_refused_on_the_index_api_and_csv(client, db, query):
    issued()
    for name in ("public:index", "api:public-request-list", "public:requests_csv"):
        response = client.get(reverse(name), query)
        assert response.status_code == 400, (name, response.status_code)
        body = response.content.decode()
        assert any(word in body for word in ("以上", "以下", "数値", "日付")), (name, body[:300])


def test_the_refusal_speaks_english_to_an_english_reader(client, db):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("public:requests_csv"), {"issued_to": "9999-12-31"})
    assert response.status_code == 400 and "less than or equal to" in response.content.decode()


PUBLIC_ENDPOINTS = [
    ("public:index", ()),
    ("public:companies", ()),
    ("public:sources", ()),
    ("public:statistics", ()),
    ("public:requests_csv", ()),
    ("public:sources_csv", ()),
    ("public:feed", ()),
    ("api:public-request-list", ()),
    ("api:public-company-list", ()),
    ("api:public-source-list", ()),
]
PARAMETERS = [
    "q", "developer", "model", "ministry", "legal_basis", "state", "issued_from", "issued_to",
    "deadline_from", "deadline_to", "min_days_open", "overdue", "sort", "page", "junk",
]  # fmt: skip
HOSTILE = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30),
    st.sampled_from(
        ["0001-01-01", "9999-12-31", "99999999999999999999", "-1", "1e400", "NaN", "../../etc", "%00", "-days_open"]
    ),
    st.integers().map(str),
    st.dates().map(str),
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(PUBLIC_ENDPOINTS), query=st.dictionaries(st.sampled_from(PARAMETERS), HOSTILE))
@example(endpoint=("public:index", ()), query={"issued_from": "0001-01-01"})
@example(endpoint=("api:public-request-list", ()), query={"issued_to": "9999-12-31"})
@example(endpoint=("public:requests_csv", ()), query={"min_days_open": "999999999999999999999999"})
def test_no_public_endpoint_answers_500_to_any_query(client, endpoint, query):
    name, args = endpoint
    response = client.get(reverse(name, args=args) + "?" + urlencode(query))
    assert response.status_code < 500, (name, query)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)


@pytest.mark.parametrize("raw", ["issued_from=%ED%A0%80", "q=%FF%FE", "page=%00", "sort=%ED%A0%80"])
def test_undecodable_query_strings_are_no_500_either(client, db, raw):
    for name, args in PUBLIC_ENDPOINTS:
        assert client.get(reverse(name, args=args) + "?" + raw).status_code < 500, (name, raw)


# -- 19: the OpenAPI schema describes the responses ------------------------------------------------------------


def _openapi_to_json_schema(node):
    # OpenAPI 3.0 says `nullable: true`; JSON Schema says the type may also be "null".
    if isinstance(node, dict):
        node = {key: _openapi_to_json_schema(value) for key, value in node.items()}
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_openapi_to_json_schema(item) for item in node]
    return node


def test_every_public_api_response_agrees_with_the_schema(client, db):
    request = issued(state=State.DECLINED)
    declined(request, after_days=1, reasons="Because.")
    publish(request)
    version(
        request, {"provider": {"legal_name": "Kumo", "tier": "public"}}, sources=[{"name": "Set", "tier": "public"}]
    )
    DeveloperFactory()
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    components = _openapi_to_json_schema(schema["components"])
    checked = []
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/public/"):
            continue
        declared = operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        validator = Draft202012Validator({"components": components, **_openapi_to_json_schema(declared)})
        response = client.get(path.replace("{reference}", request.reference))
        assert response.status_code == 200, path
        errors = [error.message for error in validator.iter_errors(response.json())]
        assert not errors, (path, errors[:3])
        checked.append(path)
    assert len(checked) == 4, checked  # requests, one request, companies, sources
