"""Loading GB/T 2260 regions.

Zhejiang's province, prefectures and counties come from python-stdnum's
``cn/loc`` table (compiled from the Ministry of Civil Affairs' code lists, with
each code's years in force); we keep the codes still in force. Changes newer
than that table, and the towns (乡镇, 9-digit codes from the statistical
division codes), come from ``data/regions_supplement.csv`` in this repository,
each row with its source.
"""

import csv
import re
from pathlib import Path

from django.db import transaction
from stdnum import numdb

from qinqing.core.models import Region
from qinqing.core.models.directory import RegionLevel

SUPPLEMENT = Path(__file__).parent / "data" / "regions_supplement.csv"
_IN_FORCE = re.compile(r"^\[(\d*)-\]")


def zhejiang_from_stdnum() -> list[tuple[str, str]]:
    """(code, name) of every Zhejiang region still in force, province first."""
    rows = []
    for _length, low, _high, _props, children in numdb.get("cn/loc").prefixes:
        if low != "33":
            continue
        for _l, suffix, _h, child_props, _c in children:
            name = _current_name(child_props.get("county", ""))
            if name and name != "市辖区":
                rows.append(("33" + suffix, name))
    return rows


def _current_name(value: str) -> str | None:
    """The name in force now: an entry without years, or one whose range is open."""
    for entry in value.split(","):
        if not entry.startswith("["):
            return entry
        match = _IN_FORCE.match(entry)
        if match:
            return entry[match.end() :]
    return None


def _level(code: str) -> str:
    if len(code) == 9:
        return RegionLevel.TOWN
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.PREFECTURE
    return RegionLevel.COUNTY


def _parent_code(code: str) -> str | None:
    level = _level(code)
    if level == RegionLevel.TOWN:
        return code[:6]
    if level == RegionLevel.COUNTY:
        return code[:4] + "00"
    if level == RegionLevel.PREFECTURE:
        return code[:2] + "0000"
    return None


def supplement_rows() -> list[tuple[str, str]]:
    with SUPPLEMENT.open(encoding="utf-8") as handle:
        return [(row["code"], row["name"]) for row in csv.DictReader(handle)]


@transaction.atomic
def load_regions() -> int:
    """Create or update every region; returns how many there are. Idempotent."""
    rows = dict(zhejiang_from_stdnum())
    rows.update(supplement_rows())
    by_code = {region.code: region for region in Region.objects.all()}
    for code in sorted(rows, key=lambda c: (len(c), c)):
        parent = by_code.get(_parent_code(code) or "")
        region = by_code.get(code)
        if region is None:
            region = Region.objects.create(
                code=code, name=rows[code], level=_level(code), parent=parent
            )
            by_code[code] = region
        elif (region.name, region.parent_id) != (rows[code], parent and parent.pk):
            region.name, region.parent = rows[code], parent
            region.save(update_fields=["name", "parent"])
    return len(by_code)
