"""A rights holder files a concern with evidence, an official triages and links it, the filer follows it;
rights holders watch terms for their works and see a published source that matches."""

import base64

import pytest

from concerns.models import Concern, WatchTerm, WorkKind
from concerns.models import State as ConcernState
from portal.celery import app as celery_app
from tests.concerns_data import rights_holder
from tests.e2e.journey import exactly, flash, follow, look, sign_in, t, two_factor_device
from tests.e2e.worlds import PUBLIC_SOURCE, World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A 1×1 PNG: evidence is checked for its real type, so it must be a real image.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
OBSERVED = "「進撃の巨人」の登場人物にそっくりな画像が生成された。"


def test_a_rights_holder_files_a_concern_an_official_links_it_and_the_filer_sees_it(
    page, new_page, axe_check, tmp_path
):
    world = World()
    request = world.issued()
    filer = rights_holder()
    stranger = rights_holder()

    sign_in(page, filer)
    follow(page, page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("My concerns")))
    look(page, axe_check, "concern-01-list")
    follow(page, page.locator("main").get_by_role("link", name=t("File a new concern")))
    look(page, axe_check, "concern-02-new-form")
    page.get_by_label(t("Ministry to address")).select_option(label=world.ministry.name_ja)
    page.get_by_label(t("AI developer concerned")).select_option(label=world.developer.name_ja)
    page.get_by_label(t("Model or service"), exact=False).first.fill("Kumo Video")
    page.get_by_label(t("Title (Japanese)")).first.fill("進撃の巨人")
    page.get_by_label(t("Kind")).first.select_option(label=t(WorkKind.ANIME_SERIES.label))
    page.get_by_role("checkbox", name=t("Outputs resembling a work or a character")).check()
    page.get_by_label(t("What you observed, in your words")).fill(OBSERVED)
    page.get_by_role("checkbox", name=t("Disclosure of training sources")).check()
    follow(page, page.locator("main").get_by_role("button", name=exactly(t("Save draft"))))
    page.wait_for_url("**/concerns/*/edit/")
    look(page, axe_check, "concern-03-draft-saved")

    # Evidence: an image with a description, kept with the draft.
    evidence = tmp_path / "output-1.png"
    evidence.write_bytes(PNG)
    page.get_by_label(t("Add evidence (image, video still, PDF or text)")).set_input_files(evidence)
    page.get_by_label(t("Description"), exact=False).last.fill("生成画像のスクリーンショット")
    follow(page, page.locator("main").get_by_role("button", name=exactly(t("Save draft"))))
    assert page.get_by_role("link", name="output-1.png").is_visible()

    follow(page, page.get_by_role("button", name=t("File the concern with the ministry")))
    page.wait_for_url("**/concerns/*/")
    concern = Concern.objects.get()
    assert concern.state == ConcernState.NEW
    assert page.get_by_text(t("State: %(state)s") % {"state": t(ConcernState.NEW.label)}).is_visible()
    look(page, axe_check, "concern-04-filed")

    # Another rights holder's organisation is told the concern does not exist.
    other = new_page()
    sign_in(other, stranger)
    assert other.goto(f"/concerns/{concern.public_id}/").status == 404
    assert OBSERVED not in other.content()

    # The official triages it: sees the evidence, takes it under assessment and links it to the request.
    desk = new_page()
    sign_in(desk, world.official, device=two_factor_device(world.official))
    follow(desk, desk.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Concerns")))
    look(desk, axe_check, "concern-05-triage-queue")
    follow(desk, desk.get_by_role("link", name=concern.reference))
    assert desk.get_by_text(OBSERVED).is_visible()
    assert desk.get_by_role("link", name="output-1.png").is_visible()
    look(desk, axe_check, "concern-06-triage-detail")
    follow(desk, desk.get_by_role("button", name=t("Take under assessment")))
    link_form = desk.locator("form[action$='/link/']")
    link_form.get_by_label(t("Reference")).fill(request.reference)
    follow(desk, link_form.get_by_role("button", name=exactly(t("Link"))))
    assert desk.get_by_role("link", name=request.reference).first.is_visible()
    look(desk, axe_check, "concern-07-linked")

    # The filer sees the new state and the request's public progress.
    page.reload()
    assert page.get_by_text(t("State: %(state)s") % {"state": t(ConcernState.LINKED.label)}).is_visible()
    progress = page.get_by_role("region", name=t("Progress"))
    assert progress.get_by_role("link", name=request.reference).is_visible()
    assert progress.get_by_text(t("Linked to a request")).first.is_visible()
    look(page, axe_check, "concern-08-filer-sees-link")
    assert flash(page) == ""


def test_a_rights_holder_watches_a_term_and_sees_a_published_source_that_matches(page, axe_check, mailbox):
    world = World()
    watcher = rights_holder()
    sign_in(page, watcher)
    follow(page, page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Watch my works")))
    look(page, axe_check, "watch-01-empty")
    # Written in hiragana: the source declares it in katakana.
    page.get_by_label(t("Term")).fill("あにめ原画アーカイブ")
    follow(page, page.locator("main").get_by_role("button", name=t("Watch this term")))
    assert WatchTerm.objects.filter(term="あにめ原画アーカイブ").exists()

    # A supervisor approves an answer declaring the source; the morning's beat run matches and mails
    # (sent here as beat sends it, to the production run's worker).
    request = world.published()
    celery_app.send_task("concerns.send_digests")
    digest = mailbox.to(watcher.email)
    assert PUBLIC_SOURCE in digest.body and request.reference in digest.body
    page.reload()
    matches = page.locator("main li", has=page.get_by_role("link", name=request.reference))
    assert matches.first.get_by_text(PUBLIC_SOURCE, exact=False).is_visible()
    look(page, axe_check, "watch-02-match")

    follow(page, page.get_by_role("button", name=t("Stop watching")))
    assert page.get_by_text(t("No terms yet.")).is_visible()
    assert not WatchTerm.objects.filter(term="あにめ原画アーカイブ").exists()
