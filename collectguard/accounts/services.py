from __future__ import annotations

from collectguard.accounts.models import User


def user_create(*, username: str, password: str, email: str = "") -> User:
    """Create a borrower account. Passwords are hashed with Argon2 (settings.PASSWORD_HASHERS)."""
    user = User(username=username, email=email)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_delete(*, user: User) -> None:
    """Delete the account with all its cases, files in storage included.

    Files are collected the same way `case_delete` does it, and removed only after the
    database delete commits: a failed delete leaves everything in place.
    """
    from django.core.files.storage import default_storage
    from django.db import transaction

    from collectguard.cases.models import Case
    from collectguard.cases.signals import collect_case_files

    paths: list[str] = []
    for case in Case.objects.filter(owner=user):
        paths.extend(collect_case_files(case))

    def delete_files() -> None:
        for path in paths:
            default_storage.delete(path)

    with transaction.atomic():
        user.delete()
        transaction.on_commit(delete_files)
