"""The load profile (issue 22): three kinds of morning, run headless by bench/load.py.

- a commune committee's staff: the dashboard, the admission board, a dossier, the pool, a
  candidate, the progress page, the statistics, the bell;
- the province office: the province's dashboard, progress, statistics, timeliness, the
  members list and a member, the API's members report;
- a cell secretary on a phone (a phone's user agent and viewport do not change the server's
  work): home, the pool, a candidate, a dossier, the meetings, the bell.

Each simulated user signs in once (argon2, as in production) and then clicks with a think
time of 1 to 3 seconds, as a clerk reads a page before the next. Server-Timing (enabled by
DANGVIEN_SERVER_TIMING=1) gives each page's CPU and SQL time, collected per page into
the file named by DANGVIEN_LOAD_TIMINGS."""

from __future__ import annotations

import atexit
import json
import os
import random
import re
from collections import defaultdict

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(open(os.environ["DANGVIEN_LOAD_ACCOUNTS"], encoding="utf-8").read())  # noqa: SIM115
TIMINGS: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
_next = {"communes": 0, "cells": 0}


@events.request.add_listener
def _timing(name, response, exception, **kw):  # type: ignore[no-untyped-def]
    header = response.headers.get("Server-Timing", "") if response is not None else ""
    found = dict(re.findall(r"(\w+);dur=([\d.]+)", header))
    if found and exception is None:
        TIMINGS[name].append((float(found["app"]), float(found["cpu"]), float(found["db"])))


@atexit.register
def _write() -> None:
    path = os.environ.get("DANGVIEN_LOAD_TIMINGS")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(TIMINGS, fh)


class Clerk(HttpUser):
    abstract = True
    # Seconds between two clicks; "0,0" for the saturation run.
    wait_time = between(*(float(x) for x in os.environ.get("DANGVIEN_LOAD_WAIT", "1,3").split(",")))
    account: dict[str, object]

    def sign_in(self) -> None:
        page = self.client.get("/dang-nhap/", name="đăng nhập")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/dang-nhap/",
            {
                "username": self.account["user"],
                "password": ACCOUNTS["password"],
                "csrfmiddlewaretoken": token.group(1),
            },  # type: ignore[union-attr]
            name="đăng nhập (gửi)",
        )

    def pick(self, key: str) -> object | None:
        values = self.account.get(key) or []
        return random.choice(values) if values else None  # type: ignore[arg-type]


class CommuneStaff(Clerk):
    weight = 5

    def on_start(self) -> None:
        i = _next["communes"] % len(ACCOUNTS["communes"])
        _next["communes"] += 1
        self.account = ACCOUNTS["communes"][i]
        self.sign_in()

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="trang chủ (xã)")

    @task(2)
    def board(self) -> None:
        self.client.get("/ket-nap/", name="hồ sơ kết nạp")

    @task(3)
    def dossier(self) -> None:
        if (pk := self.pick("cases")) is not None:
            self.client.get(f"/ket-nap/{pk}/", name="một hồ sơ")

    @task(2)
    def pool(self) -> None:
        self.client.get("/quan-chung/", name="quần chúng")

    @task(2)
    def candidate(self) -> None:
        if (pk := self.pick("candidates")) is not None:
            self.client.get(f"/quan-chung/{pk}/", name="một quần chúng")

    @task(1)
    def progress(self) -> None:
        self.client.get(f"/chi-tieu/?to-chuc={self.account['org']}", name="tiến độ (xã)")

    @task(1)
    def statistics(self) -> None:
        self.client.get(f"/thong-ke/?to-chuc={self.account['org']}", name="thống kê (xã)")

    @task(1)
    def bell(self) -> None:
        self.client.get("/thong-bao/", name="thông báo")


class ProvinceOffice(Clerk):
    weight = 2

    def on_start(self) -> None:
        self.account = ACCOUNTS["province"]
        self.sign_in()

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="trang chủ (tỉnh)")

    @task(2)
    def progress(self) -> None:
        self.client.get(f"/chi-tieu/?to-chuc={self.account['org']}", name="tiến độ (tỉnh)")

    @task(1)
    def statistics(self) -> None:
        self.client.get(f"/thong-ke/?to-chuc={self.account['org']}", name="thống kê (tỉnh)")

    @task(1)
    def timeliness(self) -> None:
        self.client.get("/dung-han/", name="đúng hạn (tỉnh)")

    @task(2)
    def members(self) -> None:
        self.client.get("/dang-vien/?q=nguyen", name="tìm đảng viên (tỉnh)")

    @task(2)
    def member(self) -> None:
        if (pk := self.pick("members")) is not None:
            self.client.get(f"/dang-vien/{pk}/", name="một đảng viên")


class CellSecretary(Clerk):
    weight = 5

    def on_start(self) -> None:
        i = _next["cells"] % len(ACCOUNTS["cells"])
        _next["cells"] += 1
        self.account = ACCOUNTS["cells"][i]
        self.client.headers["User-Agent"] = "Mozilla/5.0 (Linux; Android 14; SM-A155F) Mobile"
        self.sign_in()

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="trang chủ (chi bộ)")

    @task(2)
    def pool(self) -> None:
        self.client.get("/quan-chung/", name="quần chúng (chi bộ)")

    @task(2)
    def candidate(self) -> None:
        if (pk := self.pick("candidates")) is not None:
            self.client.get(f"/quan-chung/{pk}/", name="một quần chúng (chi bộ)")

    @task(1)
    def dossier(self) -> None:
        if (pk := self.pick("cases")) is not None:
            self.client.get(f"/ket-nap/{pk}/", name="một hồ sơ (chi bộ)")

    @task(1)
    def meetings(self) -> None:
        self.client.get(f"/to-chuc/{self.account['org']}/sinh-hoat/", name="sinh hoạt chi bộ")

    @task(1)
    def bell(self) -> None:
        self.client.get("/thong-bao/", name="thông báo (chi bộ)")
