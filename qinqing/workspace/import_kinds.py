"""The workstation inventory as .xlsx: imported through core's framework, exported alike.

One row a workstation, keyed by its 工位编号. A new code creates the workstation
(and its site, found by town and name, or created); a known code updates its
area, facilities, description and 可预订, and may raise its capacity (adding
places) but not lower it — a lower capacity could strand day bookings.
"""

import functools
import unicodedata
from decimal import Decimal, InvalidOperation

from qinqing.core import access, audit, importing
from qinqing.core.importing import Column, ImportContext, ImportSpec, Row
from qinqing.core.models import Region, Site
from qinqing.core.models.directory import RegionLevel, SiteKind
from qinqing.workspace.models import Facility, Kind, Workstation, WorkstationPlace

KIND_BY_WORD = {**{k.label: k.value for k in Kind}, **{k.value: k.value for k in Kind}}
FACILITY_BY_WORD = {**{f.label: f.value for f in Facility}, **{f.value: f.value for f in Facility}}
YES, NO = {"是", "可", "y", "yes", "true", "1", ""}, {"否", "n", "no", "false", "0"}


def _text(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _kind(text: str) -> str:
    word = _text(text)
    if word not in KIND_BY_WORD:
        raise ValueError(f"工位类型应为 {'、'.join(Kind.labels)} 之一")
    return KIND_BY_WORD[word]


def _capacity(text: str) -> int:
    word = _text(text)
    if not word.isdigit() or not 1 <= int(word) <= 200:
        raise ValueError("容纳人数应为 1 至 200 的整数")
    return int(word)


def _area(text: str) -> Decimal:
    word = _text(text)
    if not word:
        return Decimal("0")
    try:
        value = Decimal(word)
    except InvalidOperation:
        raise ValueError(f"面积应为数字，实际为“{text}”") from None
    if not value.is_finite() or value < 0 or value >= 10**7:
        raise ValueError("面积应为不小于0的数字")
    return value.quantize(Decimal("0.1"))


def _facilities(text: str) -> list[str]:
    words = [w for w in _text(text).replace("，", "、").replace(",", "、").split("、") if w]
    unknown = [w for w in words if w not in FACILITY_BY_WORD]
    if unknown:
        raise ValueError(f"未知的设施：{'、'.join(unknown)}（可填 网络、空调、用水、用电）")
    return sorted({FACILITY_BY_WORD[w] for w in words}, key=Facility.values.index)


def _bookable(text: str) -> bool:
    word = _text(text).lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError("可预订应填“是”或“否”")


COLUMNS = (
    Column("工位编号", "code", required=True, text=True, help="必填。已有的编号按本表更新"),
    Column("场所", "site", required=True, help="必填。场所名称；同一乡镇内没有该场所时新建"),
    Column(
        "所属乡镇代码",
        "region",
        required=True,
        text=True,
        help="必填。9位乡镇区划代码，如 330182112",
    ),
    Column("类型", "kind", required=True, convert=_kind, help="必填。" + "、".join(Kind.labels)),
    Column("容纳人数", "capacity", required=True, convert=_capacity, help="必填。1至200的整数"),
    Column("面积（平方米）", "area_m2", convert=_area, help="选填。数字"),
    Column(
        "配套设施",
        "facilities",
        convert=_facilities,
        help="选填。网络、空调、用水、用电，用顿号分隔",
    ),
    Column("可预订", "bookable", convert=_bookable, help="选填。“是”或“否”，空白视为“是”"),
    Column("说明", "description", help="选填"),
)
HEADERS = [c.header for c in COLUMNS]


def export_row(w: Workstation) -> list:
    """A workstation as the import reads it back."""
    return [
        w.code,
        w.site.name,
        w.region.code,
        w.get_kind_display(),
        w.capacity,
        w.area_m2,
        w.facility_labels(),
        "是" if w.bookable else "否",
        w.description,
    ]


class WorkstationRows:
    def __init__(self, context: ImportContext):
        self.context = context
        self.towns = {
            r.code: r for r in access.actable_regions(context.actor).filter(level=RegionLevel.TOWN)
        }
        self.known_towns = set(
            Region.objects.filter(level=RegionLevel.TOWN).values_list("code", flat=True)
        )
        self.first_row_of: dict[str, int] = {}

    def check(self, rows: list[Row]):
        codes = [_text(str(r.values.get("code", ""))) for r in rows]
        existing = {
            w.code: w for w in Workstation.objects.filter(code__in=codes).select_related("region")
        }
        return [self._check(row, existing) for row in rows]

    def _check(self, row: Row, existing):
        values, problems = dict(row.values), {}
        code = _text(str(values.get("code") or ""))
        values["code"] = code
        if not code and "code" not in row.failed:
            problems["code"] = ["必填"]
        elif len(code) > 40:
            problems["code"] = ["工位编号最长40个字符"]
        elif self.first_row_of.setdefault(code, row.number) != row.number:
            problems["code"] = [f"与第{self.first_row_of[code]}行的工位编号重复"]
        region = _text(str(values.get("region") or ""))
        if "region" not in row.failed:
            if region not in self.known_towns:
                problems["region"] = ["乡镇区划代码不存在"]
            elif region not in self.towns:
                problems["region"] = [access.OUT_OF_SCOPE]
        site = _text(str(values.get("site") or ""))
        if not site and "site" not in row.failed:
            problems["site"] = ["必填"]
        values["site"] = site[:100]
        current = existing.get(code)
        if current is not None:
            if current.region.code not in self.towns:
                problems["code"] = ["该工位在您负责的区划以外，您无权修改"]
            elif values.get("kind") and values["kind"] != current.kind:
                problems["kind"] = ["已有工位不能改变类型"]
            elif values.get("capacity") and values["capacity"] < current.capacity:
                problems["capacity"] = [f"不能把容纳人数从 {current.capacity} 调低"]
        values["region"] = self.towns.get(region)
        return (values, current), problems

    def write(self, items) -> tuple[int, int]:
        sites: dict[tuple, Site] = {}
        created, updated, new_places = [], 0, []
        for values, current in items:
            key = (values["region"].pk, values["site"])
            if key not in sites:
                sites[key] = Site.objects.filter(
                    region=values["region"], name=values["site"]
                ).first() or Site.objects.create(
                    region=values["region"], name=values["site"], kind=SiteKind.SPACE
                )
            fields = {
                name: values[name]
                for name in ("area_m2", "facilities", "bookable", "description")
                if name in self.context.fields and values.get(name) is not None
            }
            if current is None:
                created.append(
                    Workstation(
                        code=values["code"],
                        site=sites[key],
                        region=values["region"],
                        kind=values["kind"],
                        capacity=values["capacity"],
                        **fields,
                    )
                )
                continue
            for name, value in fields.items():
                setattr(current, name, value)
            if values["capacity"] > current.capacity:
                new_places += [
                    WorkstationPlace(workstation=current, number=n)
                    for n in range(current.capacity + 1, values["capacity"] + 1)
                ]
                current.capacity = values["capacity"]
            current.save()
            updated += 1
        made = Workstation.objects.bulk_create(created)
        per_site: dict[int, int] = {}
        for w in made:
            per_site[w.site_id] = per_site.get(w.site_id, 0) + 1
        for site in sites.values():
            if site.pk in per_site:
                audit.record_event(
                    self.context.actor, site, "workstations_imported", count=per_site[site.pk]
                )
        WorkstationPlace.objects.bulk_create(
            [
                WorkstationPlace(workstation=w, number=n)
                for w in made
                for n in range(1, w.capacity + 1)
            ]
            + new_places
        )
        return len(made), updated


WORKSTATIONS = ImportSpec(
    kind="workstations",
    label="工位清单",
    columns=COLUMNS,
    handler=functools.partial(WorkstationRows),
    permissions=("workspace.add_workstation", "workspace.change_workstation"),
    guide="导出的工位清单可直接修改后导入；多出的列（如空余）会被忽略。",
)


def register() -> None:
    importing.register_import_kind(WORKSTATIONS)
