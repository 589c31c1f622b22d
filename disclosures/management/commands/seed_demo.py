"""Demo data: one ministry, three fictional AI developers, a rights holders' association, and requests in
every state of the lifecycle with realistic histories. Running it again creates nothing twice."""

from datetime import datetime, time, timedelta

import time_machine
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from disclosures.deadlines import add_working_days, today_in_japan
from disclosures.demo import demo_answers
from disclosures.models import DisclosureRequest, LogEntry, Record, Section
from disclosures.services import requests as services
from disclosures.services.publication import approve_publication
from disclosures.services.requests import QuestionInput, RequestDraft
from disclosures.services.responses import draft_for, save_draft
from disclosures.states import EscalationAction
from portal.accounts.models import Membership, Organisation, Role, User
from portal.accounts.twofactor import TWO_FACTOR_ROLES

DEMO_PASSWORD = "demo-pass-2026"

ORGANISATIONS = [
    (
        "ministry-culture-tech",
        Organisation.Kind.MINISTRY,
        "文化技術省（架空）",
        "Ministry of Culture and Technology (fictional)",
    ),
    ("kumo-labs", Organisation.Kind.DEVELOPER, "株式会社クモラボ（架空）", "Kumo Labs K.K. (fictional)"),
    ("hoshizora-ai", Organisation.Kind.DEVELOPER, "星空AI株式会社（架空）", "Hoshizora AI Inc. (fictional)"),
    ("tsubasa-vision", Organisation.Kind.DEVELOPER, "翼ビジョン合同会社（架空）", "Tsubasa Vision LLC (fictional)"),
    (
        "animators-guild",
        Organisation.Kind.RIGHTS_HOLDER,
        "日本アニメ制作者協会（架空）",
        "Japan Anime Creators' Guild (fictional)",
    ),
]

USERS = [
    ("official", "ministry-culture-tech", Role.OFFICIAL, "花子", "山田", "ja"),
    ("supervisor", "ministry-culture-tech", Role.SUPERVISOR, "健一", "佐藤", "ja"),
    ("kumo-responder", "kumo-labs", Role.RESPONDER, "Aiko", "Mori", "en"),
    ("kumo-submitter", "kumo-labs", Role.SUBMITTER, "Daichi", "Ito", "ja"),
    ("hoshizora-responder", "hoshizora-ai", Role.RESPONDER, "Emi", "Kato", "ja"),
    ("hoshizora-submitter", "hoshizora-ai", Role.SUBMITTER, "Goro", "Kobayashi", "en"),
    ("tsubasa-responder", "tsubasa-vision", Role.RESPONDER, "Haruka", "Suzuki", "ja"),
    ("tsubasa-submitter", "tsubasa-vision", Role.SUBMITTER, "Ichiro", "Tanaka", "ja"),
    ("rights-holder", "animators-guild", Role.RIGHTS_HOLDER, "Jun", "Watanabe", "ja"),
]

LETTER = (
    "AI推進法第16条に基づき、貴社の動画生成モデルの学習データ、出力フィルタ及び削除手続について技術的な説明を求めます。\n"
    "Under Article 16 of the AI Promotion Act we ask for a technical explanation of the training data, output "
    "filters and takedown procedure of your video generation model."
)
QUESTIONS = [
    QuestionInput(
        "既知のアニメ作品に酷似した出力をどのように検出していますか。", "検出率などの数値があれば記載してください。"
    ),
    QuestionInput("Were works of Japanese animation studios used for fine-tuning?", "Name the studios where known."),
]
QUESTION_ANSWER = "類似度検査と禁止リストを併用しています。We combine a similarity check with a blocklist."
ALL_SECTIONS = [Section.PROVIDER, Section.TRAINING_DATA, Section.SOURCES, Section.OUTPUT_FILTERS, Section.TAKEDOWN]

# Each scenario: developer, model, days ago the request was drafted, then (days after drafting, step).
SCENARIOS = [
    ("kumo-labs", "KumoMotion", "3.0", []),
    ("kumo-labs", "KumoMotion Lite", "1.2", [(1, "issue")]),
    ("hoshizora-ai", "Hoshi Anime Studio", "2.5", [(1, "issue"), (3, "acknowledge")]),
    ("tsubasa-vision", "Tsubasa Gen", "1.0", [(1, "issue"), (4, "acknowledge"), (15, "submit")]),
    ("kumo-labs", "KumoMotion", "2.9", [(1, "issue"), (2, "acknowledge"), (14, "submit"), (16, "start_review")]),
    (
        "hoshizora-ai",
        "Hoshi Anime Studio",
        "2.0",
        [(1, "issue"), (5, "acknowledge"), (18, "submit"), (20, "start_review"), (22, "request_clarification")],
    ),
    (
        "tsubasa-vision",
        "Tsubasa Gen",
        "0.9",
        [(1, "issue"), (2, "acknowledge"), (12, "submit"), (14, "start_review"), (16, "accept"), (17, "publish")],
    ),
    (
        "kumo-labs",
        "KumoMotion",
        "2.5",
        [
            (1, "issue"),
            (3, "acknowledge"),
            (19, "submit"),
            (21, "start_review"),
            (24, "find_insufficient"),
            (25, "publish"),
        ],
    ),
    ("hoshizora-ai", "Hoshi Sketch", "1.0", [(1, "issue"), (6, "decline")]),
    (
        "tsubasa-vision",
        "Tsubasa Motion",
        "0.5",
        [(1, "issue"), (8, "decline"), (12, "escalate"), (13, "publish")],
    ),
    (
        "kumo-labs",
        "KumoMotion",
        "2.0",
        [(1, "issue"), (2, "acknowledge"), (15, "submit"), (17, "find_insufficient"), (20, "close")],
    ),
    ("hoshizora-ai", "Hoshi Anime Studio", "1.5", [(1, "issue"), (4, "withdraw")]),
    ("tsubasa-vision", "Tsubasa Gen", "0.8", [(1, "withdraw")]),
]
# Drafted this many days ago; the overdue ones are issued long enough ago for their deadline to pass.
DRAFTED_DAYS_AGO = [2, 6, 40, 45, 50, 60, 55, 70, 30, 65, 80, 20, 10]


def _run_step(request: DisclosureRequest, step: str, users: dict[str, User]) -> DisclosureRequest:
    official = users["official"]
    developer_slug = request.developer.slug
    submitter = users[f"{developer_slug.split('-')[0]}-submitter"]
    responder = users[f"{developer_slug.split('-')[0]}-responder"]
    today = today_in_japan()
    match step:
        case "issue":
            return services.issue_request(request=request, by=official)
        case "acknowledge":
            return services.acknowledge_request(request=request, by=responder)
        case "submit":
            answers = demo_answers()
            answers["provider"]["legal_name"] = request.developer.name_en
            answers["provider"]["model_names"] = [f"{request.model_name} {request.model_version}"]
            answers["questions"] = {
                str(q.position): {"answer": QUESTION_ANSWER, "tier": "public", "reason": ""}
                for q in request.questions.all()
            }
            draft = draft_for(request)
            save_draft(request=request, by=responder, answers=answers, revision=draft.revision)
            return services.submit_response(request=request, by=submitter)
        case "start_review":
            return services.start_review(request=request, by=official)
        case "accept":
            return services.accept_response(
                request=request, by=users["supervisor"], message="十分な説明を確認しました。"
            )
        case "request_clarification":
            return services.request_clarification(
                request=request,
                by=official,
                points="学習データの収集期間と、オプトアウトの反映方法を具体的に説明してください。",
                deadline=add_working_days(today, 10),
            )
        case "find_insufficient":
            return services.find_insufficient(
                request=request, by=official, reasons="出力フィルタの評価方法と数値が示されていません。"
            )
        case "decline":
            return services.decline_request(
                request=request,
                by=submitter,
                reasons="当該モデルは国内で提供しておらず、学習データの詳細は営業秘密に当たるため回答を控えます。",
            )
        case "escalate":
            return services.escalate_request(
                request=request,
                by=official,
                action_taken=EscalationAction.GUIDANCE_ISSUED,
                message="AI戦略本部に報告し、指導を行いました。",
            )
        case "close":
            return services.close_request(request=request, by=official, message="追加の対応は行いません。")
        case "publish":
            return approve_publication(request=request, by=users["supervisor"]).request
        case "withdraw":
            return services.withdraw_request(
                request=request, by=official, reasons="対象モデルの提供終了のため取り下げます。"
            )
    raise CommandError(f"Unknown demo step {step}")


class Command(BaseCommand):
    help = "Load fictional demo organisations, accounts and requests in every state (idempotent)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production.")
        self.stdout.write("Demo data:")
        organisations = self._organisations()
        self.stdout.write(f"  organisations: {len(organisations)}")
        users = self._users(organisations)
        self.stdout.write(f"  accounts: {len(users)}")
        ministry = organisations["ministry-culture-tech"]
        if DisclosureRequest.objects.filter(ministry=ministry).exists():
            self.stdout.write("  demo requests already exist; nothing new was created.")
        else:
            self.stdout.write(
                f"  requests: {len(SCENARIOS)}, each with its history, signed records and log entries "
                "(about a minute in all)"
            )
            # The demo history would otherwise send dozens of notification emails to fictional people.
            with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}):
                self._requests(organisations, users)
            self.stdout.write(
                f"  done: {Record.objects.count()} signed records, {LogEntry.objects.count()} log entries"
            )
        self._accounts(organisations)

    def _accounts(self, organisations: dict[str, Organisation]) -> None:
        """The accounts, last and plainly, with how the privileged ones get past the second factor."""
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD}):"))
        for username, slug, role, *_rest in USERS:
            marker = "  (authenticator)" if role in TWO_FACTOR_ROLES else ""
            self.stdout.write(f"  {username:<22} {Role(role).label:<14} {organisations[slug].name_en}{marker}")
        self.stdout.write(
            "Accounts marked (authenticator) must enrol an authenticator app on first sign-in (scan the QR code).\n"
            "Without a phone, in development only: sign in, then run\n"
            "  .venv/bin/python manage.py demo_totp <account>\n"
            "and type the code it prints (on the enrolment page and at every later sign-in)."
        )

    def _organisations(self) -> dict[str, Organisation]:
        result = {}
        for slug, kind, name_ja, name_en in ORGANISATIONS:
            result[slug], _created = Organisation.objects.get_or_create(
                slug=slug, defaults={"kind": kind, "name_ja": name_ja, "name_en": name_en}
            )
        return result

    def _users(self, organisations: dict[str, Organisation]) -> dict[str, User]:
        result = {}
        for username, slug, role, first, last, language in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@demo.example.jp",
                    "first_name": first,
                    "last_name": last,
                    "preferred_language": language,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, defaults={"organisation": organisations[slug], "role": role})
            result[username] = user
        return result

    def _requests(self, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
        now = timezone.localtime()
        for number, ((slug, model, version, steps), days_ago) in enumerate(
            zip(SCENARIOS, DRAFTED_DAYS_AGO, strict=True), start=1
        ):
            self.stdout.write(
                f"  [{number:>2}/{len(SCENARIOS)}] {model} {version} ({organisations[slug].name_en}): "
                + (", ".join(step for _offset, step in steps) or "draft")
            )
            self.stdout.flush()
            drafted = timezone.make_aware(
                datetime.combine(now.date() - timedelta(days=days_ago), time(10, 0)), timezone.get_current_timezone()
            )
            with transaction.atomic(), time_machine.travel(drafted, tick=False):
                request = services.create_request(
                    by=users["official"],
                    draft=RequestDraft(
                        developer=organisations[slug],
                        model_name=model,
                        model_version=version,
                        covering_letter=LETTER,
                        sections=ALL_SECTIONS,
                        deadline=add_working_days(today_in_japan(), 20),
                        questions=QUESTIONS,
                    ),
                )
            for offset, step in steps:
                with transaction.atomic(), time_machine.travel(drafted + timedelta(days=offset), tick=False):
                    request = _run_step(request, step, users)
