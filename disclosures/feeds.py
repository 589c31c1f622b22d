"""Atom feed of new public records and decisions on issued requests."""

from django.contrib.syndication.views import Feed
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from disclosures.selectors.public import feed_events


class PublicDecisionsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Article 16 disclosure portal: new records and decisions")
    subtitle = _("Requests issued, answers submitted, declines, decisions and publications.")
    link = reverse_lazy("public:index")

    def items(self):
        return feed_events(50)

    def item_title(self, event):
        return f"{event.request.reference} · {event.request.developer.name}: {self.item_label(event)}"

    def item_label(self, event):
        from django.utils.translation import gettext

        return gettext("Publication approved") if event.action == "approve_publication" else str(event.action_label)

    def item_description(self, event):
        # Atom's <summary type="html"> is read as HTML: every part is escaped, lines are joined with <br>.
        parts = [
            f"{event.request.ministry.name} → {event.request.developer.name}",
            f"{event.request.model_name} {event.request.model_version}".strip(),
        ]
        if event.organisation:
            parts.append(f"{self.item_label(event)}: {event.organisation.name}")
        if event.action == "decline" and event.message:
            parts.append(event.message)
        return format_html_join("<br>", "{}", ((linebreaksbr(part),) for part in parts if part))

    def item_link(self, event):
        return reverse("public:request_detail", args=[event.request.reference]) + f"#event-{event.pk}"

    def item_guid(self, event):
        return f"urn:article16:event:{event.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.created_at

    def item_author_name(self, event):
        # The organisation, never the person.
        return event.organisation.name if event.organisation else None
