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

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from dangvien.orgs.models import Organization
from dangvien.orgs.scope import Scope
from dangvien.reports.kept import kept_report


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
