"""Deterministic synthetic data that looks real: the real provinces and communes of 2025,
cells of every kind with realistic sizes, Vietnamese names with their real frequencies,
members admitted over 50 years, some probationary, exempt, transferred or deceased."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone
from vietnam_provinces import Province, Ward

from dangvien.core.bulk import analyze
from dangvien.core.dates import add_months
from dangvien.core.events import announce
from dangvien.core.text import fold
from dangvien.demo import names
from dangvien.demo.committees import CommitteeStats, fill_committees
from dangvien.demo.dossiers import PipelineStats
from dangvien.demo.followup import FollowupStats, fill_followup, transfers_across
from dangvien.demo.pipeline import fill_commune
from dangvien.demo.targets import fill_ceremony_days, fill_ratings, fill_targets
from dangvien.members.models import EventKind, Office, OfficeHolder, Status
from dangvien.members.services import NewMember, members_bulk_register
from dangvien.orgs.events import TreeRebuilt
from dangvien.orgs.models import Organization, OrgKind, OrgVersion, Sector
from dangvien.orgs.services import rebuild_paths
from dangvien.people.cccd import PROVINCE_CODES, sex_century_digit
from dangvien.people.models import Sex
from dangvien.people.services import PersonData
from dangvien.rules.calendar import calendar_from_db
from dangvien.rules.selectors import RuleBook
from dangvien.watch.services import tick

SCALES = {
    # (provinces, communes per province at most, cells per commune, members in all)
    "commune": (1, 1, 30, 1_500),
    "province": (1, 100, 30, 150_000),
    # every province and all its 3,321 communes and wards; 5.6 million members (early 2026)
    "nation": (34, 10_000, 30, 5_600_000),
}
_OLD_CODES = list(PROVINCE_CODES)


@dataclass
class DemoResult:
    provinces: int = 0
    communes: int = 0
    cells: int = 0
    members: int = 0
    pipeline: PipelineStats = field(default_factory=PipelineStats)
    followup: FollowupStats = field(default_factory=FollowupStats)
    committees: CommitteeStats = field(default_factory=CommitteeStats)
    targets: int = 0  # target revisions
    ratings: int = 0  # member and organization ratings of last year
    notifications: int = 0


def _weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _cells_for(rng: random.Random, ward_short: str, is_ward: bool, count: int) -> list[tuple[str, str, int]]:
    """(name, sector, relative size) for the cells of one commune."""
    place = "Khu phố" if is_ward else "Thôn"
    fixed = [
        ("Chi bộ Cơ quan Đảng - Mặt trận - Đoàn thể", Sector.AGENCY, 2),
        ("Chi bộ Cơ quan Ủy ban nhân dân", Sector.AGENCY, 3),
        (f"Chi bộ Công an {ward_short}", Sector.POLICE, 2),
        (f"Chi bộ Quân sự {ward_short}", Sector.MILITARY, 1),
        ("Chi bộ Trạm Y tế", Sector.HEALTH, 1),
        (f"Chi bộ Trường Mầm non {ward_short}", Sector.SCHOOL, 1),
        (f"Chi bộ Trường Tiểu học {ward_short}", Sector.SCHOOL, 2),
        (f"Chi bộ Trường THCS {ward_short}", Sector.SCHOOL, 2),
        (
            f"Chi bộ Công ty TNHH {rng.choice(['Minh Phát', 'Hưng Thịnh', 'Đại An', 'Thành Công'])}",
            Sector.ENTERPRISE,
            1,
        ),
        ("Chi bộ Hợp tác xã Dịch vụ nông nghiệp", Sector.ENTERPRISE, 1),
    ]
    cells: list[tuple[str, str, int]] = list(fixed[: max(0, min(len(fixed), count - 5))])
    for i in range(1, count - len(cells) + 1):
        cells.append((f"Chi bộ {place} {i}", Sector.RESIDENTIAL, rng.choice([4, 5, 6, 7])))
    return cells


def _person(rng: random.Random, seq: int, birth: dt.date, old_code: str) -> PersonData:
    female = rng.random() < 0.37  # about a third of members are women
    sex = Sex.FEMALE if female else Sex.MALE
    family = _weighted(rng, names.FAMILY)
    middle = rng.choice(names.MIDDLE_FEMALE if female else names.MIDDLE_MALE)
    given = rng.choice(names.GIVEN_FEMALE if female else names.GIVEN_MALE)
    cccd = ""
    if rng.random() < 0.92:
        cccd = f"{old_code}{sex_century_digit(sex, birth.year)}{birth.year % 100:02d}{seq % 1_000_000:06d}"
    return PersonData(
        full_name=f"{family} {middle} {given}",
        birth_date=birth,
        sex=sex,
        cccd=cccd,
        ethnicity=_weighted(rng, names.ETHNICITY),
        religion=_weighted(rng, names.RELIGION),
        education=rng.choice(["12/12", "12/12", "12/12", "9/12"]),
        profession=rng.choice(names.PROFESSION),
        phone=f"09{rng.randrange(10**7, 10**8)}",
    )


def _member(rng: random.Random, seq: int, cell_id: int, today: dt.date, old_code: str) -> NewMember:
    # Admissions over 50 years, more of them recent (the party grew younger).
    years_ago = min(50.0, rng.expovariate(1 / 14))
    admission = today - dt.timedelta(days=int(years_ago * 365.25) + rng.randrange(0, 30))
    age_at_admission = rng.choices([18, 22, 26, 30, 35, 42, 50], weights=[8, 25, 25, 18, 12, 8, 4])[0]
    birth = admission - dt.timedelta(days=age_at_admission * 365 + rng.randrange(0, 365))
    person = _person(rng, seq, birth, old_code)
    official = None
    if add_months(admission, 12) < today - dt.timedelta(days=20):
        official = add_months(admission, 12) + dt.timedelta(days=rng.randrange(0, 20))
        if add_months(admission, 15) > today and rng.random() < 0.3:
            official = None  # probation ended, the cell has not reviewed it yet: late
    status: str | None = None
    age = (today - birth).days // 365
    if official and age >= 70 and rng.random() < 0.45:
        status = Status.EXEMPT
    elif official and rng.random() < 0.012:
        status = Status.TEMP_EXEMPT
    ended = None
    roll = rng.random()
    if official and age >= 65 and roll < 0.04:
        ended = (EventKind.DIED, today - dt.timedelta(days=rng.randrange(1, 700)))
    elif official and roll < 0.015:
        ended = (EventKind.TRANSFERRED_OUT, today - dt.timedelta(days=rng.randrange(1, 700)))
    card = f"{int(old_code):02d}{seq:08d}"
    since = None
    if status is not None and official is not None:
        since = max(official, today - dt.timedelta(days=rng.randrange(30, 2000)))
    if ended is not None:
        base = since or official or admission
        ended = (ended[0], max(ended[1], base + dt.timedelta(days=1)))
        if ended[1] > today:
            ended = None
    return NewMember(
        person=person,
        card_number=card,
        cell_id=cell_id,
        admission_date=admission,
        official_date=official,
        status=status,
        status_since=since,
        ended=ended,
    )


def generate(
    scale: str = "commune", seed: int = 1, progress: Callable[[int, int], None] | None = None
) -> DemoResult:
    if scale not in SCALES:
        raise ValueError(scale)
    n_prov, n_comm, n_cells, total = SCALES[scale]
    rng = random.Random(seed)
    today = timezone.localdate()
    result = DemoResult()
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    rng.shuffle(provinces)
    communes_in_all = sum(
        min(n_comm, sum(1 for _ in Ward.iter_by_province(p.code))) for p in provinces[:n_prov]
    )
    n_members = -(-total // communes_in_all)  # per commune, so that the whole reaches the total
    seq = 0
    founded = dt.date(1976, 1, 1)
    book, cal = RuleBook.load(), calendar_from_db()
    for prov in provinces[:n_prov]:
        prov_code = f"T{int(prov.code):02d}"
        old_code = _old_code_for(prov.name, rng)
        bare = prov.name.replace("Thành phố ", "").replace("Tỉnh ", "")
        level = "thành phố" if "thành phố" in str(prov.division_type.value) else "tỉnh"
        prov_name = f"Đảng bộ {level} {bare}"
        with transaction.atomic():
            province = Organization(
                code=prov_code,
                name=prov_name,
                name_search=fold(prov_name),
                kind=OrgKind.PROVINCE,
                founded_on=founded,
                path="",
            )
            Organization.objects.bulk_create([province])
            wards = sorted(Ward.iter_by_province(prov.code), key=lambda w: int(w.code))
            rng.shuffle(wards)
            communes = []
            for w in wards[:n_comm]:
                name = f"Đảng bộ {w.name[0].lower()}{w.name[1:]}"
                communes.append(
                    Organization(
                        code=f"{prov_code}-X{int(w.code):05d}",
                        name=name,
                        name_search=fold(name),
                        parent=province,
                        kind=OrgKind.UPPER_BASE,
                        founded_on=founded,
                        path="",
                    )
                )
            Organization.objects.bulk_create(communes, batch_size=1000)
            cells: list[Organization] = []
            sizes: list[int] = []
            for commune, w in zip(communes, wards[:n_comm], strict=True):
                short_w = w.name.split(" ", 1)[1] if " " in w.name else w.name
                specs = _cells_for(
                    rng, w.name.split(" ")[0].lower() + " " + short_w, w.name.startswith("Phường"), n_cells
                )
                for i, (name, sector, size) in enumerate(specs, start=1):
                    cells.append(
                        Organization(
                            code=f"{commune.code}-C{i:02d}",
                            name=name,
                            name_search=fold(name),
                            parent=commune,
                            kind=OrgKind.CELL,
                            sector=sector,
                            founded_on=founded,
                            path="",
                        )
                    )
                    sizes.append(size)
            Organization.objects.bulk_create(cells, batch_size=1000)
        result.provinces += 1
        result.communes += len(communes)
        result.cells += len(cells)
        make_person = _PeopleMaker(rng, old_code)
        # Members, then the pool and the pipeline, commune by commune, in bulk.
        for c_index in range(len(communes)):
            commune_cells = cells[c_index * n_cells : (c_index + 1) * n_cells]
            weights = sizes[c_index * n_cells : (c_index + 1) * n_cells]
            items = []
            for _ in range(n_members):
                seq += 1
                cell = rng.choices(commune_cells, weights=weights)[0]
                items.append(_member(rng, seq, cell.pk, today, old_code))
            for it in items:  # a member's number may meet a candidate's drawn earlier: leave it empty
                if isinstance(it.person, PersonData) and it.person.cccd in make_person.used:
                    it.person = replace(it.person, cccd="")
            make_person.used.update(it.person.cccd for it in items if isinstance(it.person, PersonData))
            with transaction.atomic():
                members_bulk_register(actor=None, items=items, note="Dữ liệu mẫu")
                fill_commune(
                    rng,
                    commune=communes[c_index],
                    cells=commune_cells,
                    weights=weights,
                    n_members=n_members,
                    make_person=make_person,
                    book=book,
                    cal=cal,
                    stats=result.pipeline,
                )
                fill_followup(
                    rng,
                    cells=commune_cells,
                    parent_kind=OrgKind.UPPER_BASE,
                    today=today,
                    book=book,
                    cal=cal,
                    stats=result.followup,
                )
            result.members += len(items)
            if progress:
                progress(result.members, total)
        with transaction.atomic():
            _province_committee(province, communes)
    rebuild_paths()
    _versions(founded)
    result.followup.transfers += transfers_across(rng, today=today)
    with transaction.atomic():
        result.targets = fill_targets(rng, today=today)
        result.ratings = fill_ratings(rng, today=today)
        fill_ceremony_days(rng)
        result.committees = fill_committees(today=today, members=result.members)
    # Written in bulk, not through the services: every member figure kept so far is stale,
    # and so are PostgreSQL's statistics of every table.
    announce(TreeRebuilt())
    analyze()
    # The day's notifications, as the daily watch would have made them this morning.
    result.notifications = tick(as_of=today, send_mail=False).created
    return result


def _province_committee(province: Organization, communes: list[Organization]) -> None:
    """The province's committee: its secretary, deputies and standing members chosen among
    the communes' committee members (drawn by a generator of its own: the rest of the demo
    draws the same numbers)."""
    rng = random.Random(f"officers-{province.code}")
    pool = list(
        OfficeHolder.objects.filter(organization__in=communes, valid_to__isnull=True)
        .order_by("pk")
        .values_list("membership_id", "full_name", "valid_from")
    )
    if not pool:
        return
    chosen = rng.sample(pool, min(len(pool), 15))
    since = min(v for _, _, v in chosen)
    offices = [Office.SECRETARY, Office.DEPUTY, Office.DEPUTY, *[Office.STANDING] * 4]
    OfficeHolder.objects.bulk_create(
        [
            OfficeHolder(
                organization=province,
                office=offices[k] if k < len(offices) else Office.COMMITTEE,
                membership_id=mid,
                full_name=name,
                valid_from=since,
            )
            for k, (mid, name, _v) in enumerate(chosen)
        ]
    )


class _PeopleMaker:
    """Candidates of one province: CCCDs numbered apart from its members' and never
    repeated (a collision leaves the CCCD empty, as for people who have none)."""

    def __init__(self, rng: random.Random, old_code: str) -> None:
        self.rng, self.old_code, self.seq = rng, old_code, 500_000
        self.used: set[str] = set()

    def __call__(self, birth: dt.date) -> PersonData:
        self.seq += 1
        d = _person(self.rng, self.seq, birth, self.old_code)
        if d.cccd in self.used:
            d = replace(d, cccd="")
        self.used.add(d.cccd)
        return d


def _old_code_for(province_name: str, rng: random.Random) -> str:
    key = fold(province_name).replace("thanh pho ", "").replace("tinh ", "")
    for code, name in PROVINCE_CODES.items():
        if fold(name) == key:
            return code
    return rng.choice(_OLD_CODES)


def _versions(founded: dt.date) -> None:
    """The first version of every organization created in bulk above."""
    have = OrgVersion.objects.values("organization_id")
    OrgVersion.objects.bulk_create(
        (
            OrgVersion(
                organization_id=o.pk,
                name=o.name,
                parent_id=o.parent_id,
                path=o.path,
                kind=o.kind,
                sector=o.sector,
                valid_from=o.founded_on or founded,
            )
            for o in Organization.objects.exclude(pk__in=have).iterator(chunk_size=5000)
        ),
        batch_size=2000,
    )
