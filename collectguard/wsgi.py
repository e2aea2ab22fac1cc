"""WSGI entry point for gunicorn.

Loading the application also does the work that would otherwise fall on each worker's first
requests (`warm_up`): importing every view module, compiling the templates and loading
phonenumbers' carrier and region data. Run gunicorn with ``--preload`` (docs/deploy.md) so this
happens once in the master process and the forked workers share it.
"""

import os
import time
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collectguard.settings")
application = get_wsgi_application()


def warm_up() -> float:
    """Import, compile and load what requests need; returns the CPU seconds it took.

    Opens no database connection, so it is safe before gunicorn forks its workers.
    """
    import logging

    import phonenumbers
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.template.loader import get_template
    from django.urls import get_resolver, resolve, reverse
    from django.utils import formats, translation

    started = time.process_time()
    # Importing the URLconf imports every view module (and WeasyPrint behind the PDF views).
    get_resolver().url_patterns  # noqa: B018  (evaluated for its import side effect)
    # The sender pages show carrier and region: phonenumbers' data takes 1-2 s CPU to load.
    from phonenumbers import carrier, geocoder  # noqa: F401

    phonenumbers.parse("+8613800138000")  # China's numbering plan, loaded on first use
    # The analysis rules compile on first use (~0.6 s CPU): paste previews and imports need them.
    from collectguard.intake.analysis import analyze

    analyze("warm-up", sender="95555")
    # Modules the views import when first called.
    import collectguard.evidence.progress
    import collectguard.intake.progress
    import collectguard.negotiation.progress  # noqa: F401

    # Per language: message catalogues, formats, URL patterns; then the context processors.
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("案件")
            formats.get_format("DATE_FORMAT")
            # The URL resolver compiles its patterns and reverse table per language.
            reverse("cases:list")
            resolve("/cases/")
    for backend in engines.all():
        engine = getattr(backend, "engine", None)  # a Django templates backend
        if engine is not None:
            engine.template_context_processors  # noqa: B018
    import django.contrib.messages.storage.fallback  # noqa: F401

    # Compile every project template into the cached loader (production settings).
    directories = [str(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
    for directory in directories:
        root = Path(directory)
        for path in sorted(root.rglob("*.html")):
            try:
                get_template(str(path.relative_to(root)))
            except (TemplateDoesNotExist, TemplateSyntaxError):  # pragma: no cover
                logging.getLogger(__name__).exception("warm-up: template %s", path)
    return time.process_time() - started


if os.environ.get("COLLECTGUARD_WARM_UP", "1") != "0":
    warm_up()
