"""Sign-in, sign-out and passwords, built on Django's auth views with the dashboard's templates."""

import logging

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from jobriver.access.addresses import client_ip
from jobriver.dashboard.forms import CompanyPasswordResetForm, SignInForm, wait_message
from jobriver.dashboard.throttle import PASSWORD_RESET_PER_ADDRESS, throttle_record, throttle_wait_seconds

logger = logging.getLogger(__name__)


class SignInView(auth_views.LoginView):
    template_name = "dashboard/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("dashboard:login")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "dashboard/password_change.html"
    success_url = reverse_lazy("dashboard:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "dashboard/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Send a reset link; limited per client address, so the form cannot be used to flood inboxes."""

    template_name = "dashboard/password_reset.html"
    form_class = CompanyPasswordResetForm
    email_template_name = "dashboard/emails/password_reset.txt"
    subject_template_name = "dashboard/emails/password_reset_subject.txt"
    success_url = reverse_lazy("dashboard:password_reset_done")
    # Without django.contrib.sites the site name would be the host name.
    extra_email_context = {"site_name": "Jobriver"}

    def form_valid(self, form):
        ip = client_ip(self.request)
        wait = throttle_wait_seconds(rule=PASSWORD_RESET_PER_ADDRESS, subject=ip)
        if wait:
            form.add_error(None, wait_message(wait))
            return self.form_invalid(form)

        if throttle_record(rule=PASSWORD_RESET_PER_ADDRESS, subject=ip):
            logger.warning("password reset limit reached ip=%s", ip)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "dashboard/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "dashboard/password_reset_confirm.html"
    success_url = reverse_lazy("dashboard:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "dashboard/password_reset_complete.html"
