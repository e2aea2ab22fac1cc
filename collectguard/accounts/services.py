from __future__ import annotations

from collectguard.accounts.models import User


def user_create(*, username: str, password: str, email: str = "") -> User:
    """Create a borrower account. Passwords are hashed with Argon2 (settings.PASSWORD_HASHERS)."""
    user = User(username=username, email=email)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
