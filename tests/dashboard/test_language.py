"""Page language: German unless the user chose English, whatever the browser prefers."""

from django.test import Client
from django.urls import reverse


def test_pages_ignore_browser_language():
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("dashboard:login"))

    assert response.status_code == 200
    assert '<html lang="de"' in response.content.decode()


def test_chosen_english_wins():
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})

    response = client.get(reverse("dashboard:login"))

    assert '<html lang="en"' in response.content.decode()


def test_admin_ignores_browser_language():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/admin/login/")

    assert response.status_code == 200
    assert '<html lang="de"' in response.content.decode()
