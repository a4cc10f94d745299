from django.urls import path

from jobriver.dashboard.decorators import company_required
from jobriver.dashboard.views import access_requests, account, keys, pages

app_name = "dashboard"

urlpatterns = [
    path("", pages.overview, name="overview"),
    path("jobs/", pages.job_list, name="job_list"),
    path("keys/", keys.key_list, name="key_list"),
    path("keys/new/", keys.key_create, name="key_create"),
    path("keys/<int:key_id>/created/", keys.key_created, name="key_created"),
    path("keys/<int:key_id>/edit/", keys.key_edit, name="key_edit"),
    path("keys/<int:key_id>/deactivate/", keys.key_deactivate, name="key_deactivate"),
    path("keys/<int:key_id>/activate/", keys.key_activate, name="key_activate"),
    path("keys/<int:key_id>/revoke/", keys.key_revoke, name="key_revoke"),
    path("request-access/", access_requests.access_request, name="access_request"),
    path("request-access/sent/", access_requests.access_request_sent, name="access_request_sent"),
    path("sign-in/", account.SignInView.as_view(), name="login"),
    path("sign-out/", account.SignOutView.as_view(), name="logout"),
    path("password/", company_required(account.PasswordChangeView.as_view()), name="password_change"),
    path("password/changed/", company_required(account.PasswordChangeDoneView.as_view()), name="password_change_done"),
    path("password-reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", account.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/done/", account.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path(
        "password-reset/<uidb64>/<token>/", account.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
]
