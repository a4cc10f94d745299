"""Password change and password reset by e-mail."""

import re

from django.core import mail
from django.urls import reverse

from jobriver.dashboard.throttle import PASSWORD_RESET_PER_ADDRESS
from tests.dashboard.conftest import PASSWORD, new_client

NEW_PASSWORD = "Neues-Passwort-2025!"


def test_password_change(signed_in):
    client, user = signed_in()

    response = client.post(
        reverse("dashboard:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:password_change_done")
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("dashboard:overview")).status_code == 200


def test_password_change_wrong_old(signed_in):
    client, user = signed_in()

    response = client.post(
        reverse("dashboard:password_change"),
        {"old_password": "nicht-das-alte", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"] == [
        "Das alte Passwort war falsch. Bitte neu eingeben."
    ]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_page_in_german(signed_in):
    client, _user = signed_in()

    body = client.get(reverse("dashboard:password_change")).content.decode()

    assert "Passwort ändern" in body
    assert "Neues Passwort" in body


def reset(client, email: str):
    return client.post(reverse("dashboard:password_reset"), {"email": email})


def test_reset_mails_link(make_user):
    user = make_user()
    client = new_client(language="en")
    mail.outbox.clear()

    response = reset(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Password reset on Jobriver"
    assert f"In case you’ve forgotten, you are: {user.username}" in message.body
    link = re.search(r"http://testserver(/dashboard/password-reset/\S+/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    user.refresh_from_db()
    assert done.status_code == 302
    assert done["Location"] == reverse("dashboard:password_reset_complete")
    assert user.check_password(NEW_PASSWORD)


def test_reset_mail_in_german(make_user):
    user = make_user()
    mail.outbox.clear()

    reset(new_client(), user.email)

    assert mail.outbox[0].subject == "Passwort auf Jobriver zurücksetzen"
    assert "Bitte öffnen Sie folgende Seite, um Ihr neues Passwort einzugeben:" in mail.outbox[0].body


def test_reset_skips_staff(make_staff_user):
    staff = make_staff_user()
    mail.outbox.clear()

    response = reset(new_client(), staff.email)

    assert response.status_code == 302
    assert mail.outbox == []


def test_reset_unknown_address_looks_the_same(make_user):
    mail.outbox.clear()

    response = reset(new_client(), "nobody-here@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:password_reset_done")
    assert mail.outbox == []


def test_reset_limited_per_address(make_user):
    user = make_user()
    client = new_client(language="en")
    for _attempt in range(PASSWORD_RESET_PER_ADDRESS.limit):
        assert reset(client, user.email).status_code == 302
    mail.outbox.clear()

    response = reset(client, user.email)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Too many attempts. Please wait 60 minutes and try again."]
    assert mail.outbox == []


def test_invalid_reset_link():
    body = new_client(language="en").get("/dashboard/password-reset/MQ/invalid-token/").content.decode()

    assert "The password reset link was invalid" in body
