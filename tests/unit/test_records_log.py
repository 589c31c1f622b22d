"""The public log: Merkle proofs verify, and verify_log names any entry altered, removed or reordered."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from disclosures.models import LogEntry
from disclosures.records import merkle
from disclosures.services.log import append_to_log, check_inclusion_proof
from tests.unit.test_records_signing import signed_record  # noqa: F401  (fixture)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13])
def test_every_inclusion_proof_verifies_and_a_wrong_leaf_does_not(size):
    leaves = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(size)]
    root = merkle.root(leaves)
    for index in range(size):
        proof = merkle.inclusion_proof(index, leaves)
        assert merkle.verify_inclusion(index=index, tree_size=size, leaf=leaves[index], proof=proof, expected_root=root)
        wrong = merkle.leaf_hash(b"forged")
        assert not merkle.verify_inclusion(index=index, tree_size=size, leaf=wrong, proof=proof, expected_root=root)


@pytest.fixture
def log_of_three(signed_record):  # noqa: F811
    """Three entries (the same record logged under fresh rows is enough to exercise the chain)."""
    from disclosures.models import Record, RecordJob
    from disclosures.services.audit import record_event

    records = [signed_record]
    for n in range(2):
        event = record_event(action="accept", actor=None, request=signed_record.request)
        job = RecordJob.objects.create(request=signed_record.request, event=event, kind="decision", variant="public")
        records.append(
            Record.objects.create(
                job=job, request=signed_record.request, kind=job.kind, variant="public", title=f"r{n}",
                file="x.pdf", sha256=f"{n:064d}", size=1, page_count=1, signed_by="t",
            )
        )  # fmt: skip
    for record in records[1:]:
        append_to_log(record=record)
    return LogEntry.objects.order_by("index")


def raw_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def run_verify_log():
    with pytest.raises(CommandError) as failure:
        call_command("verify_log")
    return failure


def test_the_published_inclusion_proof_of_each_entry_verifies_against_the_signed_head(client, log_of_three):
    head = client.get(reverse("log_head")).json()
    assert head["tree_size"] == 3
    for entry in log_of_three:
        proof = client.get(reverse("log_entry", args=[entry.index])).json()
        assert proof["head"] == head
        assert check_inclusion_proof(proof)


def test_verify_log_passes_on_an_untouched_log(log_of_three, capsys):
    call_command("verify_log")
    assert "consistent: 3 entries" in capsys.readouterr().out


def test_verify_log_fails_and_names_an_altered_entry(log_of_three, capsys):
    raw_sql('UPDATE disclosures_logentry SET reference = %s WHERE "index" = 1', ["AIPA16-2026-9999"])
    assert "NOT consistent" in str(run_verify_log().value)
    assert "entry 1 was altered" in capsys.readouterr().err


def test_verify_log_fails_and_names_a_removed_entry(log_of_three, capsys):
    raw_sql('DELETE FROM disclosures_logentry WHERE "index" = 1', [])
    run_verify_log()
    assert "entry 1 is missing" in capsys.readouterr().err


def test_verify_log_fails_and_names_reordered_entries(log_of_three, capsys):
    raw_sql('UPDATE disclosures_logentry SET "index" = 100 WHERE "index" = 1', [])
    raw_sql('UPDATE disclosures_logentry SET "index" = 1 WHERE "index" = 2', [])
    raw_sql('UPDATE disclosures_logentry SET "index" = 2 WHERE "index" = 100', [])
    run_verify_log()
    errors = capsys.readouterr().err
    assert "entry 1 is out of order" in errors
