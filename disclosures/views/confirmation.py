"""What an irreversible step will send, publish and sign, stated on its confirmation page before it happens.

The sentences are derived from the same tables the services use: who is told from
`notifications.notified_side`, which signed records from `records.planned_records`, which messages are
public from `states.PUBLIC_MESSAGE_ACTIONS`, so the page cannot promise something the step does not do.
"""

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from disclosures.models import DisclosureRequest, RecordKind, Variant
from disclosures.services.notifications import notified_side
from disclosures.services.records import planned_records
from disclosures.states import PUBLIC_MESSAGE_ACTIONS, Action, stays_in_ministry


@dataclass
class Consequences:
    sent: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)
    records: list[str] = field(default_factory=list)


def _next_version_number(disclosure: DisclosureRequest) -> int:
    latest = disclosure.response_versions.order_by("-number").values_list("number", flat=True).first()
    return (latest or 0) + 1


def _sent(disclosure: DisclosureRequest, action: str, data: dict) -> list[str]:
    names = {"developer": disclosure.developer.name, "ministry": disclosure.ministry.name}
    deadline = data.get("deadline") or disclosure.deadline
    lines = {
        Action.ISSUE: _(
            "The covering letter, the sections asked and the free questions go to %(developer)s, "
            "with the deadline %(deadline)s."
        )
        % {**names, "deadline": date_format(deadline, "DATE_FORMAT") if deadline else "—"},
        Action.SUBMIT: _("The saved draft becomes version %(number)d of the answer, which %(ministry)s reads in full.")
        % {**names, "number": _next_version_number(disclosure)},
        Action.DECLINE: _("Your reasons go to %(ministry)s. No answer can be submitted afterwards.") % names,
        Action.ACCEPT: _("%(developer)s is told that the answer was accepted.") % names,
        Action.REQUEST_CLARIFICATION: _(
            "Your points to clarify and the new deadline %(deadline)s go to %(developer)s, "
            "who answers in a new version."
        )
        % {**names, "deadline": date_format(deadline, "DATE_FORMAT") if deadline else "—"},
        Action.FIND_INSUFFICIENT: _("Your reasons go to %(developer)s.") % names,
        Action.ESCALATE: _("The action taken and its details go to %(developer)s.") % names,
        Action.CLOSE: _("%(developer)s is told that the request is closed.") % names,
        Action.WITHDRAW: _("Your reasons go to %(developer)s. No answer can be submitted afterwards.") % names,
    }
    lines[Action.RESUBMIT] = lines[Action.SUBMIT]
    if stays_in_ministry(action=action, from_state=disclosure.state):
        return [_("Nobody outside the ministry is told: the draft was never issued, and it stays hidden for ever.")]
    result = [lines[action]] if action in lines else []
    side = notified_side(action=action, from_state=disclosure.state)
    if side == "developer":
        result.append(_("An email tells the responders and submitters of %(developer)s.") % names)
    elif side == "ministry":
        result.append(_("An email tells the officials and supervisors of %(ministry)s.") % names)
    return result


def _public(disclosure: DisclosureRequest, action: str, message: str) -> list[str]:
    if stays_in_ministry(action=action, from_state=disclosure.state):
        return [_("Nothing becomes public.")]
    if action == Action.ISSUE:
        return [
            _(
                "The request's reference, ministry, developer, model and deadline appear on the public pages at once; "
                "the covering letter and the free questions only after a supervisor approves publication."
            )
        ]
    lines = [_("The public timeline shows this step under the organisation's name, never a person's.")]
    if action in (Action.SUBMIT, Action.RESUBMIT):
        lines.append(
            _(
                "No answer of this version is public until a supervisor approves the version; then its public "
                "answers are, and answers claimed confidential stay withheld."
            )
        )
    elif action in PUBLIC_MESSAGE_ACTIONS:
        lines.append(_("Your reasons are published with the request: the public sees who declined and why."))
    elif message:
        lines.append(
            _(
                "Your message stays between the ministry and the developer; "
                "the public record says only that there was one."
            )
        )
    return lines


def _records(disclosure: DisclosureRequest, action: str, message: str) -> list[str]:
    kind, variants = planned_records(action=action, from_state=disclosure.state, has_message=bool(message))
    if kind is None:
        return []
    title = RecordKind(kind).label
    waits_for_approval = kind in (RecordKind.REQUEST, RecordKind.SUBMISSION)
    lines = []
    if Variant.PUBLIC in variants:
        lines.append(
            (
                _(
                    "A signed public PDF record “%(title)s”, its hash appended to the public transparency log; "
                    "the file itself is public once a supervisor approves publication."
                )
                if waits_for_approval
                else _("A signed public PDF record “%(title)s”, its hash appended to the public transparency log.")
            )
            % {"title": title}
        )
    if Variant.COMPLETE in variants:
        lines.append(
            (
                _(
                    "A signed complete PDF record “%(title)s” with every answer, for the ministry and the developer "
                    "only (made only when an answer is withheld from the public one)."
                )
                if kind == RecordKind.SUBMISSION
                else _(
                    "A signed complete PDF record “%(title)s” with your message, "
                    "for the ministry and the developer only."
                )
            )
            % {"title": title}
        )
    return lines


def consequences(disclosure: DisclosureRequest, action: str, data: dict) -> Consequences:
    """What `action` on `disclosure` with the form's cleaned `data` will send, publish and sign."""
    message = data.get("message", "") or ""
    return Consequences(
        sent=_sent(disclosure, action, data),
        public=_public(disclosure, action, message),
        records=_records(disclosure, action, message),
    )
