from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from collectguard.accounts.models import User
from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_it_signs_up_and_logs_in() -> None:
    client = Client()
    response = client.post(
        reverse("accounts:signup"),
        {"username": "13800000000", "password1": PASSWORD, "password2": PASSWORD, "email": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:create")
    user = User.objects.get(username="13800000000")
    assert not user.is_volunteer
    assert client.get(reverse("cases:list")).status_code == 200


@pytest.mark.django_db
def test_it_keeps_what_the_user_typed_on_error() -> None:
    response = Client().post(
        reverse("accounts:signup"),
        {"username": "carol", "password1": PASSWORD, "password2": "different", "email": "c@x.cn"},
    )
    assert response.status_code == 200
    assert 'value="carol"' in response.content.decode()
    assert 'value="c@x.cn"' in response.content.decode()
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.django_db
def test_it_hashes_passwords_with_argon2(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    Client().post(
        reverse("accounts:signup"),
        {"username": "dave", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.get(username="dave").password.startswith("argon2")


@pytest.mark.django_db
def test_it_speaks_chinese_by_default_and_english_on_request() -> None:
    client = Client()
    assert "注册账户" in client.get(reverse("accounts:signup")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Create an account" in client.get(reverse("accounts:signup")).content.decode()
