"""Sign-in, sign-out and the slowdown after repeated failed sign-ins."""

import datetime

import pytest
from django.urls import reverse

from jobriver.dashboard.models import ThrottleEvent
from jobriver.dashboard.throttle import SIGN_IN_PER_ADDRESS, SIGN_IN_PER_USERNAME
from tests.dashboard.conftest import PASSWORD, new_client

SIGN_IN = "/dashboard/sign-in/"
THROTTLED_EN = "Too many attempts. Please wait 15 minutes and try again."


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra})


def fail(client, username: str, times: int) -> None:
    for _attempt in range(times):
        response = sign_in(client, username, "wrong-password")
        assert response.status_code == 200


def test_sign_in_page_in_german():
    body = new_client().get(SIGN_IN).content.decode()

    assert '<html lang="de">' in body
    assert "Benutzername" in body
    assert "Passwort" in body
    assert "Anmelden" in body


def test_sign_in_lands_on_overview(make_user):
    user = make_user()
    client = new_client()

    response = sign_in(client, user.username)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:overview")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_in_follows_next(make_user):
    user = make_user()

    response = sign_in(new_client(), user.username, next="/dashboard/keys/")

    assert response["Location"] == "/dashboard/keys/"


def test_sign_in_ignores_foreign_next(make_user):
    user = make_user()

    response = sign_in(new_client(), user.username, next="https://example.com/")

    assert response["Location"] == reverse("dashboard:overview")


def test_wrong_password_in_german(make_user):
    user = make_user()

    response = sign_in(new_client(), user.username, "falsch")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Bitte Benutzername und Passwort eingeben. Beide Felder berücksichtigen die Groß-/Kleinschreibung."
    ]


def test_staff_without_company_rejected(make_staff_user):
    staff = make_staff_user()
    client = new_client(language="en")

    response = sign_in(client, staff.username)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This account is not linked to a company, so it cannot use the company dashboard. "
        "Staff members use the admin site."
    ]
    assert "_auth_user_id" not in client.session


def test_inactive_user_rejected(make_user):
    user = make_user()
    user.is_active = False
    user.save()

    response = sign_in(new_client(), user.username)

    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_signed_in_user_skips_sign_in_page(signed_in):
    client, _user = signed_in()

    response = client.get(SIGN_IN)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:overview")


def test_sign_out(signed_in):
    client, _user = signed_in()

    response = client.post(reverse("dashboard:logout"))

    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert client.get(reverse("dashboard:overview")).status_code == 302


def test_sign_out_needs_post(signed_in):
    client, _user = signed_in()

    assert client.get(reverse("dashboard:logout")).status_code == 405


# Slowdown.


def test_fifth_failure_blocks_username(make_user):
    user = make_user()
    fail(new_client(), user.username, SIGN_IN_PER_USERNAME.limit)
    client = new_client(language="en")

    response = sign_in(client, user.username)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [THROTTLED_EN]
    assert "_auth_user_id" not in client.session


def test_four_failures_still_allow(make_user):
    user = make_user()
    fail(new_client(), user.username, SIGN_IN_PER_USERNAME.limit - 1)

    response = sign_in(new_client(), user.username)

    assert response.status_code == 302


def test_username_block_ignores_case(make_user):
    user = make_user()
    fail(new_client(), user.username.upper(), SIGN_IN_PER_USERNAME.limit)

    response = sign_in(new_client(language="en"), user.username)

    assert response.context["form"].non_field_errors() == [THROTTLED_EN]


def test_blocked_username_leaves_others(make_user):
    blocked = make_user()
    other = make_user()
    client = new_client()
    fail(client, blocked.username, SIGN_IN_PER_USERNAME.limit)

    response = sign_in(client, other.username)

    assert response.status_code == 302


def test_address_block_after_many_usernames(make_user):
    user = make_user()
    client = new_client(language="en")
    for number in range(SIGN_IN_PER_ADDRESS.limit):
        fail(client, f"nobody-{number}-{user.username}", 1)

    blocked = sign_in(client, user.username)
    elsewhere = sign_in(new_client(), user.username)

    assert blocked.context["form"].non_field_errors() == [THROTTLED_EN]
    assert elsewhere.status_code == 302


def test_block_ends_when_failures_age(make_user):
    user = make_user()
    fail(new_client(), user.username, SIGN_IN_PER_USERNAME.limit)
    aged = datetime.timedelta(minutes=16)
    for event in ThrottleEvent.objects.filter(scope=SIGN_IN_PER_USERNAME.scope, subject=user.username.casefold()):
        event.at -= aged
        event.save()

    response = sign_in(new_client(), user.username)

    assert response.status_code == 302


def test_block_wait_counts_from_oldest(make_user):
    user = make_user()
    fail(new_client(), user.username, SIGN_IN_PER_USERNAME.limit)
    events = ThrottleEvent.objects.filter(scope=SIGN_IN_PER_USERNAME.scope, subject=user.username.casefold())
    for event in events:
        event.at -= datetime.timedelta(minutes=12)
        event.save()

    response = sign_in(new_client(language="en"), user.username)

    assert response.context["form"].non_field_errors() == [
        "Too many attempts. Please wait 3 minutes and try again."
    ]


def test_rejected_attempts_do_not_extend_block(make_user):
    user = make_user()
    client = new_client()
    fail(client, user.username, SIGN_IN_PER_USERNAME.limit + 3)

    count = ThrottleEvent.objects.filter(scope=SIGN_IN_PER_USERNAME.scope, subject=user.username.casefold()).count()

    assert count == SIGN_IN_PER_USERNAME.limit


def test_success_clears_username_failures(make_user):
    user = make_user()
    fail(new_client(), user.username, SIGN_IN_PER_USERNAME.limit - 1)
    sign_in(new_client(), user.username)

    fail(new_client(), user.username, SIGN_IN_PER_USERNAME.limit - 1)
    response = sign_in(new_client(), user.username)

    assert response.status_code == 302


def test_block_message_in_german(make_user):
    user = make_user()
    fail(new_client(), user.username, SIGN_IN_PER_USERNAME.limit)

    response = sign_in(new_client(), user.username)

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert '<html lang="de">' in response.content.decode()
    assert len(errors) == 1
    assert "15" in errors[0]


@pytest.mark.parametrize("username", ["", "   "])
def test_blank_username_not_counted(username):
    client = new_client()

    response = sign_in(client, username, "anything")

    assert response.status_code == 200
    assert not ThrottleEvent.objects.filter(scope=SIGN_IN_PER_ADDRESS.scope, subject=client.defaults["REMOTE_ADDR"]).exists()
