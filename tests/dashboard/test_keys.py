"""API key pages: list, create with the key shown once, edit, deactivate, reactivate, revoke."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jobriver.access import keys
from jobriver.access.models import ApiKey
from jobriver.dashboard.views.keys import NEW_KEY_SESSION_KEY

VALID_FORM = {"name": "ATS production", "permissions": ["read", "create"], "ip_allowlist": "", "expires_on": ""}


def company_of(user):
    return user.company_membership.company


def error_texts(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def create_key(client, **fields):
    return client.post(reverse("dashboard:key_create"), {**VALID_FORM, **fields})


# List.


def test_list_shows_own_keys_only(signed_in, make_key):
    client, user = signed_in(language="en")
    own = make_key(company_of(user), name="Own key", ip_allowlist=["203.0.113.0/24"]).credential
    other = make_key(name="Foreign key").credential

    response = client.get(reverse("dashboard:key_list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Own key" in body
    assert f"<code>{own.prefix}…</code>" in body
    assert "1 allowed network" in body
    assert "Foreign key" not in body
    assert other.prefix not in body


def test_list_shows_last_use(signed_in, make_key):
    client, user = signed_in(language="en")
    api_key = make_key(company_of(user)).credential
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now(), last_used_ip="127.0.9.9")

    body = client.get(reverse("dashboard:key_list")).content.decode()

    assert "<code>127.0.9.9</code>" in body


def test_list_marks_expired_key(signed_in, make_key):
    client, user = signed_in(language="en")
    make_key(company_of(user), expires_at=timezone.now() - datetime.timedelta(days=1))

    body = client.get(reverse("dashboard:key_list")).content.decode()

    assert '<span class="status status-expired">expired</span>' in body


def test_list_empty(user_client):
    body = user_client.get(reverse("dashboard:key_list")).content.decode()

    assert "Your company has no API keys yet." in body


# Create.


def test_create_form_defaults_to_read(user_client):
    response = user_client.get(reverse("dashboard:key_create"))

    assert response.status_code == 200
    assert response.context["form"].initial["permissions"] == ["read"]


def test_create_stores_key(signed_in):
    client, user = signed_in(language="en")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = create_key(
        client,
        name="  ATS production  ",
        permissions=["update", "read"],
        ip_allowlist="203.0.113.7/24\n\n  2001:db8::/32  \n127.0.0.5",
        expires_on=tomorrow.isoformat(),
    )

    api_key = ApiKey.objects.get(company=company_of(user))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:key_created", args=[api_key.pk])
    assert api_key.name == "ATS production"
    assert api_key.permissions == ["read", "update"]
    assert api_key.ip_allowlist == ["203.0.113.0/24", "2001:db8::/32", "127.0.0.5/32"]
    assert timezone.localtime(api_key.expires_at).date() == tomorrow
    assert timezone.localtime(api_key.expires_at).time() == datetime.time(23, 59, 59)
    assert api_key.created_by == user
    assert api_key.status == "active"


def test_created_key_shown_once(signed_in):
    client, user = signed_in(language="en")

    first = client.get(create_key(client)["Location"])
    second = client.get(reverse("dashboard:key_created", args=[ApiKey.objects.get(company=company_of(user)).pk]))

    match = re.search(r'value="(jrv_[0-9A-Za-z]{46})"', first.content.decode())
    assert first.status_code == 200
    assert match is not None
    plaintext = match.group(1)
    assert keys.hash_key(plaintext) == ApiKey.objects.get(company=company_of(user)).key_hash
    assert "It is not shown again." in first.content.decode()
    assert "no-store" in first["Cache-Control"]
    assert second.status_code == 200
    assert plaintext not in second.content.decode()
    assert "was shown once and is not shown again" in second.content.decode()
    assert NEW_KEY_SESSION_KEY not in client.session


def test_created_key_not_shown_for_other_key(signed_in, make_key):
    client, user = signed_in(language="en")
    older = make_key(company_of(user)).credential
    create_key(client)

    response = client.get(reverse("dashboard:key_created", args=[older.pk]))

    assert re.search(r"jrv_[0-9A-Za-z]{46}", response.content.decode()) is None
    assert "was shown once and is not shown again" in response.content.decode()
    assert NEW_KEY_SESSION_KEY in client.session


def test_create_requires_name(user_client):
    response = create_key(user_client, name="   ")

    assert response.status_code == 200
    assert error_texts(response, "name") == ["This field is required."]
    assert ApiKey.objects.filter(name="").count() == 0


def test_create_requires_permission(signed_in):
    client, user = signed_in(language="en")

    response = create_key(client, permissions=[])

    assert response.status_code == 200
    assert error_texts(response, "permissions") == ["Choose at least one permission."]
    assert not ApiKey.objects.filter(company=company_of(user)).exists()


def test_create_rejects_unknown_permission(user_client):
    response = create_key(user_client, permissions=["read", "admin"])

    assert error_texts(response, "permissions") == [
        "Select a valid choice. admin is not one of the available choices."
    ]


def test_create_names_each_bad_network(signed_in):
    client, user = signed_in(language="en")

    response = create_key(client, ip_allowlist="203.0.113.0/24\n10.0.0.300\n\nexample.com\n2001:db8::/129")

    assert response.status_code == 200
    assert error_texts(response, "ip_allowlist") == [
        "Line 2: “10.0.0.300” is not a valid IPv4 or IPv6 address or CIDR network.",
        "Line 4: “example.com” is not a valid IPv4 or IPv6 address or CIDR network.",
        "Line 5: “2001:db8::/129” is not a valid IPv4 or IPv6 address or CIDR network.",
    ]
    assert "Line 4: “example.com”" in response.content.decode()
    assert not ApiKey.objects.filter(company=company_of(user)).exists()


def test_create_limits_network_count(user_client):
    networks = "\n".join(f"10.0.{number}.0/24" for number in range(51))

    response = create_key(user_client, ip_allowlist=networks)

    assert error_texts(response, "ip_allowlist") == ["At most 50 networks are allowed; this list has 51."]


def test_create_rejects_past_expiry(user_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = create_key(user_client, expires_on=yesterday.isoformat())

    assert error_texts(response, "expires_on") == [
        "The expiry date lies in the past. Choose today or a later day, or leave it empty."
    ]


def test_create_accepts_german_date(signed_in):
    client, user = signed_in()
    next_year = timezone.localdate().replace(month=1, day=31) + datetime.timedelta(days=366)

    response = create_key(client, expires_on=next_year.strftime("%d.%m.%Y"))

    assert response.status_code == 302
    api_key = ApiKey.objects.get(company=company_of(user))
    assert timezone.localtime(api_key.expires_at).date() == next_year


def test_create_errors_in_german(signed_in):
    client, _user = signed_in()

    response = create_key(client, name="")

    assert '<html lang="de">' in response.content.decode()
    assert error_texts(response, "name") == ["Dieses Feld ist zwingend erforderlich."]


# Edit.


def test_edit_shows_current_values(signed_in, make_key):
    client, user = signed_in(language="en")
    api_key = make_key(company_of(user), permissions=["read"], ip_allowlist=["203.0.113.0/24", "2001:db8::/32"]).credential

    response = client.get(reverse("dashboard:key_edit", args=[api_key.pk]))

    assert response.status_code == 200
    assert response.context["form"].initial["ip_allowlist"] == "203.0.113.0/24\n2001:db8::/32"
    assert response.context["form"].initial["permissions"] == ["read"]


def test_edit_changes_key(signed_in, make_key):
    client, user = signed_in(language="en")
    api_key = make_key(company_of(user), expires_at=timezone.now() + datetime.timedelta(days=3)).credential
    hash_before = api_key.key_hash

    response = client.post(
        reverse("dashboard:key_edit", args=[api_key.pk]),
        {"name": "Renamed", "permissions": ["delete"], "ip_allowlist": "198.51.100.0/24", "expires_on": ""},
    )

    api_key.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:key_list")
    assert api_key.name == "Renamed"
    assert api_key.permissions == ["delete"]
    assert api_key.ip_allowlist == ["198.51.100.0/24"]
    assert api_key.expires_at is None
    assert api_key.key_hash == hash_before
    follow = client.get(reverse("dashboard:key_list"))
    assert "Key “Renamed” saved. The changes apply from the next request on." in follow.content.decode()


def test_edit_keeps_past_expiry_unchanged(signed_in, make_key):
    client, user = signed_in(language="en")
    expired_at = timezone.now() - datetime.timedelta(days=2)
    api_key = make_key(company_of(user), expires_at=expired_at).credential
    form = client.get(reverse("dashboard:key_edit", args=[api_key.pk])).context["form"]

    response = client.post(
        reverse("dashboard:key_edit", args=[api_key.pk]),
        {
            "name": "Old key",
            "permissions": ["read"],
            "ip_allowlist": "",
            "expires_on": form.initial["expires_on"].isoformat(),
        },
    )

    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.name == "Old key"
    assert timezone.localdate(api_key.expires_at) == timezone.localdate(expired_at)


def test_edit_reports_bad_network(signed_in, make_key):
    client, user = signed_in(language="en")
    api_key = make_key(company_of(user), ip_allowlist=["203.0.113.0/24"]).credential

    response = client.post(
        reverse("dashboard:key_edit", args=[api_key.pk]),
        {"name": "Key", "permissions": ["read"], "ip_allowlist": "203.0.113.0/24\n300.1.1.1/8"},
    )

    assert response.status_code == 200
    assert error_texts(response, "ip_allowlist") == [
        "Line 2: “300.1.1.1/8” is not a valid IPv4 or IPv6 address or CIDR network."
    ]
    api_key.refresh_from_db()
    assert api_key.ip_allowlist == ["203.0.113.0/24"]


def test_edit_revoked_key_redirects(signed_in, make_key):
    client, user = signed_in(language="en")
    api_key = make_key(company_of(user)).credential
    ApiKey.objects.filter(pk=api_key.pk).update(status="revoked")

    response = client.get(reverse("dashboard:key_edit", args=[api_key.pk]), follow=True)

    assert response.redirect_chain == [(reverse("dashboard:key_list"), 302)]
    assert "A revoked key cannot be changed. Create a new one." in response.content.decode()


# Status changes.


def test_deactivate_and_reactivate(signed_in, make_key):
    client, user = signed_in(language="en")
    api_key = make_key(company_of(user), name="Feed").credential

    deactivated = client.post(reverse("dashboard:key_deactivate", args=[api_key.pk]), follow=True)
    api_key.refresh_from_db()
    status_after_deactivate = api_key.status
    reactivated = client.post(reverse("dashboard:key_activate", args=[api_key.pk]), follow=True)
    api_key.refresh_from_db()

    assert status_after_deactivate == "inactive"
    assert "Key “Feed” deactivated. It is rejected until you reactivate it." in deactivated.content.decode()
    assert api_key.status == "active"
    assert "Key “Feed” reactivated." in reactivated.content.decode()


@pytest.mark.parametrize("name", ["dashboard:key_deactivate", "dashboard:key_activate"])
def test_status_change_needs_post(name, signed_in, make_key):
    client, user = signed_in()
    api_key = make_key(company_of(user)).credential

    response = client.get(reverse(name, args=[api_key.pk]))

    assert response.status_code == 405


def test_revoke_asks_first(signed_in, make_key):
    client, user = signed_in(language="en")
    api_key = make_key(company_of(user), name="Old ATS").credential

    response = client.get(reverse("dashboard:key_revoke", args=[api_key.pk]))

    assert response.status_code == 200
    assert f"Revoke the key “Old ATS” ({api_key.prefix}…)?" in response.content.decode()
    api_key.refresh_from_db()
    assert api_key.status == "active"


def test_revoke_on_post(signed_in, make_key):
    client, user = signed_in(language="en")
    api_key = make_key(company_of(user), name="Old ATS").credential

    response = client.post(reverse("dashboard:key_revoke", args=[api_key.pk]), follow=True)

    api_key.refresh_from_db()
    assert api_key.status == "revoked"
    assert api_key.revoked_at is not None
    assert "Key “Old ATS” revoked. It is rejected from now on, for good." in response.content.decode()
    assert 'href="/dashboard/keys/%s/edit/"' % api_key.pk not in response.content.decode()


def test_revoked_key_cannot_be_reactivated(signed_in, make_key):
    client, user = signed_in(language="en")
    api_key = make_key(company_of(user)).credential
    client.post(reverse("dashboard:key_revoke", args=[api_key.pk]))

    response = client.post(reverse("dashboard:key_activate", args=[api_key.pk]), follow=True)

    api_key.refresh_from_db()
    assert api_key.status == "revoked"
    assert "A revoked key cannot be used again. Create a new one." in response.content.decode()


def test_revoke_twice_says_so(signed_in, make_key):
    client, user = signed_in(language="en")
    api_key = make_key(company_of(user), name="Gone").credential
    client.post(reverse("dashboard:key_revoke", args=[api_key.pk]))

    response = client.get(reverse("dashboard:key_revoke", args=[api_key.pk]), follow=True)

    assert response.redirect_chain == [(reverse("dashboard:key_list"), 302)]
    assert "Key “Gone” is already revoked." in response.content.decode()
