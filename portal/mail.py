"""One helper for every email: a subject, a text and an HTML template, in the recipient's language."""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_email(*, template: str, to: Sequence[str], language: str, context: dict) -> None:
    """Render `<template>_subject.txt`, `.txt` and `.html` in `language` and send one message."""
    context = {"portal_base_url": settings.PORTAL_BASE_URL, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=list(to))
    message.attach_alternative(html, "text/html")
    message.send()
