"""Development only: print the current authenticator code of a demo account, to sign in without a phone.

Refused in production and whenever DEBUG is off, and only for the accounts `seed_demo` creates: it reads
the account's TOTP secret, which outside a demo must never leave the database.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from disclosures.management.commands.seed_demo import USERS
from portal.accounts.models import User

DEMO_ACCOUNTS = frozenset(username for username, *_rest in USERS)
DEMO_EMAIL_DOMAIN = "@demo.example.jp"


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class Command(BaseCommand):
    help = "Development only: print a demo account's current authenticator code (after it opened the enrolment page)."

    def add_arguments(self, parser):
        parser.add_argument("account", choices=sorted(DEMO_ACCOUNTS), help="the demo account's user name")

    def handle(self, *args, account: str, **options):
        if settings.PRODUCTION or not settings.DEBUG:
            raise CommandError("demo_totp works only in development (DEBUG on, DJANGO_ENV not production).")
        user = User.objects.filter(username=account, email__endswith=DEMO_EMAIL_DOMAIN).first()
        if user is None:
            raise CommandError(f"{account} is not a demo account here; run `manage.py seed_demo` first.")
        # The confirmed authenticator, or the one being enrolled (created when the enrolment page opens).
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
        if device is None:
            raise CommandError(f"{account} has no authenticator yet: sign in as {account} to open the enrolment page.")
        self.stdout.write(current_code(device))
