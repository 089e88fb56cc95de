"""The errors the domain raises: what the web, the API and the command line turn into a page,
a status or an exit code. No HTTP here: selectors say NotFound, the web answers 404.

A refusal is a *code* with parameters, never a sentence: `ServiceError("members.card_taken",
field="card_number", card=card)`. Each package keeps its sentences in its own catalogue
(`<package>/errors.py`, gettext_lazy templates, Vietnamese first, English in the locale), as
pretix keeps its order errors; the sentence is made in the reader's language when it is
shown. Forms read `field` to put the message beside its input; tests assert `code`."""

from __future__ import annotations

import importlib
import string
from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_CATALOGUE: dict[str, Promise] = {}
_LOADED: set[str] = set()


def catalogue(package: str, messages: Mapping[str, Promise]) -> None:
    """Register a package's refusals: `package.key` → a lazy template whose {fields} are
    the error's parameters (str.format: attributes and date formats allowed)."""
    for key, template in messages.items():
        _CATALOGUE[f"{package}.{key}"] = template
    _LOADED.add(package)


def template_of(code: str) -> Promise:
    """The template of a code, loading its package's catalogue on first use."""
    package = code.split(".", 1)[0]
    if package not in _LOADED:
        importlib.import_module(f"dangvien.{package}.errors")  # registers itself
        _LOADED.add(package)
    return _CATALOGUE[code]


def known_codes() -> dict[str, Promise]:
    return dict(_CATALOGUE)


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses (the first name of `{m.person.full_name}`)."""
    names = set()
    for _text, name, _spec, _conv in string.Formatter().parse(template):
        if name:
            names.add(name.split(".", 1)[0].split("[", 1)[0])
    return names


class ServiceError(Exception):
    """A rule refused the change. `code` names the refusal in its package's catalogue,
    `params` fill its template, `field` names the form field it belongs to, when there is
    one. `message` is the sentence in the active language, made when read."""

    def __init__(self, code: str, *, field: str | None = None, **params: Any) -> None:
        template_of(code)  # an unknown code is a programming error: fail where it is raised
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    @property
    def message(self) -> str:
        return str(template_of(self.code)).format(**self.params)

    def __str__(self) -> str:
        return self.message


class StaleError(ServiceError):
    """Someone else changed the record since the form was opened (two tabs, a double click)."""

    def __init__(self) -> None:
        super().__init__("core.stale")


class NotFound(LookupError):
    """Not there, or not within the user's scope: the same answer on purpose, so that a
    stranger learns nothing of what exists outside their part of the tree. The web answers
    404 (web/middleware.py), the API 404, the command line an error."""


catalogue(
    "core",
    {
        "date_in_future": _("Ngày không được sau hôm nay"),
        "stale": _("Bản ghi vừa được người khác thay đổi. Hãy tải lại trang rồi làm lại."),
        # A reason worked out elsewhere and already a sentence in the reader's language
        # (a password validator's, a rule check's): passed on as it is.
        "reason": _("{reason}"),
    },
)
