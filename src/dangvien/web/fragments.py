"""Parts of a page drawn from a kept result, kept with it (core/keep.py, reports/kept.py).

A province's reports are kept until the data change, but drawing them was still most of a
visit: the timeliness report's 100 units × 4 columns, the progress report's 100 units,
1,500 values through the template engine at every visit (25 ms of a 25 ms aim, issue 22).
The HTML of such a part is kept under the same key as the report it draws.

The part's context (made only when the part is drawn) must hold only what its key
determines: the report, the organization, dates, the query strings derived from them, and
any flag that differs between users who share the report (part of the key then). Never
the request, the user, a CSRF token or a form: the part is shared by every user who shares
the report."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.reports.kept import kept_page, kept_report


def kept_html(
    name: str,
    scope: Scope,
    org: Organization,
    key: tuple[Hashable, ...],
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    version: Hashable | None = None,
) -> SafeString:
    return kept_report(
        f"html:{name}",
        scope,
        org,
        (template, *key),
        lambda: mark_safe(render_to_string(template, context())),  # rendered by the autoescaping engine
        version=version,
    )


# Where a kept record page's forms carry their CSRF token: the body is drawn once with this
# in the token's place, and each visit puts the visitor's own token there. Derived from
# the secret key, so a user cannot type it into a note to have a reader's token written
# in its place on the reader's page.
def _slot() -> str:
    return "csrf" + salted_hmac("dangvien.kept-body", "csrf-slot").hexdigest()[:40]


CSRF_SLOT = SimpleLazyObject(_slot)


def kept_body(
    request: HttpRequest,
    name: str,
    scope: Scope,
    key: tuple[Hashable, ...],
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    version: Hashable = None,
) -> SafeString:
    """A record's page below the menu (a dossier, a candidate) drawn once per data version
    and day for everyone who sees what `scope` sees, in their language, and kept in the
    process (reports.kept.kept_page). Drawing it was most of a visit: a dossier's fifty
    facts, its steps and some thirty form fields through the template engine, 25–35 ms
    (issue 22). Only for a page as first shown (no form sent back with its errors).

    `context` makes the template's context when the body is drawn: what the key determines,
    with flags that differ between users of one scope decided by the scope. The template
    is drawn without the request (no context processors); each `{% csrf_token %}` in it
    gets this visitor's token (Django's own, masked afresh at each visit)."""
    slot = str(CSRF_SLOT)
    html = kept_page(
        f"html:{name}",
        scope,
        (template, *key),
        lambda: render_to_string(template, {**context(), "csrf_token": slot}),  # autoescaping engine
        version=version,
    )
    return mark_safe(html.replace(slot, get_token(request)))
