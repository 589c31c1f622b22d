"""Records and attachments in a private S3-compatible bucket (moto's server, started here on 127.0.0.1).

The storage settings are the ones portal/settings.py builds from STORAGE_S3_* variables; files are
served by streaming them through the permission-checked views, never by a bucket URL.
"""

import hashlib
import json
import socket
import subprocess
import sys
import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from disclosures.models import Attachment, RecordJob
from disclosures.services.records import run_record_job
from disclosures.services.requests import issue_request
from portal.accounts.models import Role
from tests.factories import DisclosureRequestFactory, MinistryFactory, member
from tests.integration.conftest import wait_for
from tests.production import run_python

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BUCKET = "portal-records-test"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing-secret",
    "AWS_DEFAULT_REGION": "ap-northeast-1",
}


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=0.5).read()  # noqa: S310 - our own http://127.0.0.1 URL
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url + "/moto-api/"), timeout=30, interval=0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3_storage(s3_endpoint, settings, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="ap-northeast-1")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    # The default storage exactly as the settings build it from the environment.
    variables = {
        "STORAGE_S3_BUCKET": BUCKET,
        "STORAGE_S3_ENDPOINT_URL": s3_endpoint,
        "STORAGE_S3_REGION": "ap-northeast-1",
    }
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.STORAGES['default']))"
    )
    result = run_python("-c", script, env=variables)
    assert result.returncode == 0, result.stderr
    settings.STORAGES = {**settings.STORAGES, "default": json.loads(result.stdout)}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _is_private(client, key: str) -> bool:
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)


def test_a_record_is_stored_in_the_private_bucket_and_streamed_after_the_permission_check(client, login, s3_storage):
    request = DisclosureRequestFactory()
    official = member(Role.OFFICIAL, request.ministry)
    issue_request(request=request, by=official)
    job = RecordJob.objects.get(request=request)
    record = run_record_job(job.pk)

    stored = s3_storage.get_object(Bucket=BUCKET, Key=record.file.name)["Body"].read()
    assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == record.sha256
    assert _is_private(s3_storage, record.file.name)
    # What the storage could hand out is a signed URL that expires within a minute, never a bare one.
    url = record.file.url
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url

    assert client.get(reverse("record_download", args=[record.public_id])).status_code == 404  # not yet public
    login(client, official)
    response = client.get(reverse("record_download", args=[record.public_id]))
    assert response.status_code == 200 and "Location" not in response
    assert b"".join(response.streaming_content) == stored


def test_an_attachment_is_stored_privately_and_served_only_to_its_parties(client, login, s3_storage):
    request = DisclosureRequestFactory(state="issued")
    submitter = member(Role.SUBMITTER, request.developer)
    content = b"name,size\nanime-frames,1200\n"
    attachment = Attachment.objects.create(
        request=request, file=ContentFile(content, name="sources.csv"), original_name="sources.csv",
        content_type="text/csv", size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by=submitter,
    )  # fmt: skip
    assert s3_storage.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read() == content
    assert _is_private(s3_storage, attachment.file.name)

    url = reverse("developer:attachment", args=[request.public_id, attachment.public_id])
    login(client, submitter)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == content

    outsider = member(Role.OFFICIAL, MinistryFactory())
    login(client, outsider)
    assert client.get(reverse("official:attachment", args=[request.public_id, attachment.public_id])).status_code == 404
