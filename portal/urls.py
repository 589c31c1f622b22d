from django.contrib import admin
from django.urls import include, path

from portal.accounts import otp_views, token_views
from portal.accounts import views as account_views
from portal.operations import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("operator/", include("portal.operations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/two-factor/setup/", otp_views.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", otp_views.verify, name="two_factor_verify"),
    path("accounts/two-factor/recovery-codes/", otp_views.recovery_codes, name="two_factor_recovery_codes"),
    path("accounts/password_reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/", account_views.account, name="account"),
    path("account/tokens/", token_views.token_list, name="api_tokens"),
    path("account/tokens/<uuid:public_id>/revoke/", token_views.token_revoke, name="api_token_revoke"),
    path("concerns/", include("concerns.urls")),
    path("official/concerns/", include("concerns.triage_urls")),
    path("", include("disclosures.urls")),
]

# Under /api/ a 404 is a problem details body like every other API error.
handler404 = "disclosures.api.problems.not_found"
