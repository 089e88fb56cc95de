"""Issue 18, item 11: every route, for every persona. The URL patterns are read from
Django's resolver, so a new page is covered without anyone remembering to add it: each is
requested (GET, and POST with an empty form) as the anonymous visitor, a viewer, the
secretary of another cell, the staff of another commune, the staff and the administrator.
Nobody gets a server error; the anonymous visitor is sent to sign in; a record of Thôn 1
is "not found" for the other cell's secretary and the other commune's staff."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from dangvien.accounts.models import Role
from dangvien.accounts.services import user_create

from ..cases_helpers import candidate, officials, open_case
from ..conftest import PASSWORD, sign_in_verified

pytestmark = pytest.mark.django_db
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    out = []
    for p in (resolver or get_resolver()).url_patterns:
        text = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if text.startswith(("admin/", "i18n/", "api/")):
                continue  # Django's own admin and language switch; the API has its own test
            out += routes(p, text)
        elif isinstance(p, URLPattern):
            out.append(text)
    return out


@pytest.fixture
def world(tree, users):
    mentor = officials(tree.xa_c1, 3)[0]
    cand = candidate(tree.xa_c1, mentor=mentor)
    case = open_case(candidate(tree.xa_c1, name="Lê Thị Mai"))
    other_secretary = user_create(
        actor=None, username="bithu2", password=PASSWORD, role=Role.SECRETARY, organization=tree.xa_c2
    )
    # The one record of Thôn 1 each kind of page is about (a pk that is no record of that
    # kind also answers 404, which is what the outsiders must get anyway).
    pks = {"dang-vien": mentor.pk, "quan-chung": cand.pk, "ket-nap": case.pk}
    return pks, other_secretary


def fill(route: str, pks: dict[str, int]) -> str:
    head = route.split("/", 1)[0]

    def value(m: re.Match[str]) -> str:
        kind, name = m.group(1) or "str", m.group(2)
        if kind == "int":
            return str(pks.get(head, 1))
        if name == "code":
            return "XA-C1"
        if name == "form":
            return "1-KNĐ"
        return "xem"

    return "/" + CONVERTER.sub(value, route.lstrip("^").rstrip("$"))


def test_every_route_for_every_persona(client, users, world):
    pks, other_secretary = world
    urls = sorted({fill(r, pks) for r in routes()})
    assert len(urls) > 60  # the resolver was read, not an empty list
    personas = {
        "anonymous": None,
        "viewer": users.xem1,
        "other cell's secretary": other_secretary,
        "other commune's staff": users.binh,
        "no assignment": users.nobody,
        "staff": users.an,
        "administrator": users.admin,
    }
    problems = []
    for who, user in personas.items():
        for url in urls:
            if url in ("/dang-xuat/",):
                continue  # signs the persona out; requested last below
            for method in ("get", "post"):
                client.logout()
                if user is not None:
                    sign_in_verified(client, user)
                response = getattr(client, method)(url)
                code = response.status_code
                if code >= 500:
                    problems.append(f"{who} {method.upper()} {url}: {code}")
                if (
                    user is None
                    and url not in ("/dang-nhap/", "/healthz", "/readyz")
                    and code not in (302, 404, 405)
                ):
                    problems.append(f"{who} {method.upper()} {url}: {code}, not sent to sign in")
                if user is None and code == 302 and not response["Location"].startswith("/dang-nhap/"):
                    problems.append(f"{who} {method.upper()} {url}: to {response['Location']}")
                outsider = who in ("other cell's secretary", "other commune's staff", "no assignment")
                about_thon1 = any(f"/{k}/{v}/" in url for k, v in pks.items()) or "/XA-C1/" in url
                if outsider and about_thon1 and code not in (404, 405):
                    problems.append(f"{who} {method.upper()} {url}: {code}, expected 404")
    assert problems == [], "\n".join(problems)


def test_every_api_operation_for_every_persona(client, users, world):
    from dangvien.accounts.services import token_create
    from dangvien.api.views import api

    pks = world[0]
    schema = api.get_openapi_schema()
    paths = list(schema["paths"])
    assert len(paths) >= 4
    tokens = {
        "anonymous": None,
        "viewer": token_create(actor=None, user=users.xem1, name="t"),
        "other commune's staff": token_create(actor=None, user=users.binh, name="t"),
        "staff": token_create(actor=None, user=users.an, name="t"),
        "administrator": token_create(actor=None, user=users.admin, name="t"),
    }
    problems = []
    for who, token in tokens.items():
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        for path in paths:
            url = re.sub(
                r"\{(\w+)\}", lambda m: "XA-C1" if m.group(1) == "code" else str(pks["dang-vien"]), path
            )
            for params in ({}, {"org": "XA", "period": "2025-2030"}, {"org": "XA", "as_of": "2021-02-31"}):
                response = client.get(url, params, **headers)
                code = response.status_code
                if code >= 500:
                    problems.append(f"{who} {url} {params}: {code}")
                if token is None and code != 401:
                    problems.append(f"{who} {url}: {code}, expected 401")
                body = response.content.decode("unicode_escape")  # JSON escapes "ô" as \\u00f4
                if who == "other commune's staff" and code == 200 and ("XA-C1" in body or "Thôn 1" in body):
                    problems.append(f"{who} {url} {params}: 200 with Thôn 1's records")
    assert problems == [], "\n".join(problems)
