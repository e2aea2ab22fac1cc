from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    user_agent = request.headers.get("User-Agent", "")
    return {
        "SITE_NAME": settings.SITE_NAME,
        "LEGAL_AID_HOTLINE": settings.LEGAL_AID_HOTLINE,
        # WeChat's in-app browser often cannot download files; PDF links explain what to do.
        "is_wechat": "MicroMessenger" in user_agent,
    }
