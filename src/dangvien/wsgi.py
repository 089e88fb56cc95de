import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
application = get_wsgi_application()


def _warm() -> None:
    """Each web process loads the site's addresses (and with them every view and the
    libraries they use: Word, PDF, the API) and works out the kept results' code digest as
    it starts, before it takes a request: the first visit to a fresh process took 0,7 s, of
    which 0,75 s (profiled) was importing the URLconf (issue 22: a province's home page
    ≤ 300 ms on its first visit after the nightly tick). Then it builds the table reverse()
    reads and compiles the page frame every page extends: 23 and 16 ms of a fresh process's
    first page (profiled)."""
    from django.template.loader import get_template
    from django.urls import get_resolver, reverse

    from dangvien.core.keep import code_token

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
    reverse("web:home")
    for name in ("web/base.html", "web/home.html"):
        get_template(name)
    code_token()


_warm()
