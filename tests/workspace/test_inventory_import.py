"""The inventory goes out and comes back as .xlsx through core's import framework."""

import io

from openpyxl import Workbook, load_workbook

from qinqing.core import importing
from qinqing.core.models.imports import ImportMode, ImportStatus
from qinqing.workspace.import_kinds import HEADERS
from qinqing.workspace.models import Workstation, WorkstationPlace
from tests.conftest import client_for

DATONG = "330182112"


def xlsx(headers, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def start(user, content, mode=ImportMode.ALL_OR_NOTHING):
    job = importing.do_start_import(
        user, kind="workstations", filename="工位.xlsx", content=content, mode=mode
    )
    job.refresh_from_db()
    return job


def test_new_workstations_are_imported_with_their_places_and_site(world):
    content = xlsx(
        HEADERS,
        [
            [
                "DT-CAMP-01",
                "大同茶园星空营地",
                DATONG,
                "营地工位",
                6,
                "",
                "用电、网络",
                "是",
                "茶园露营位",
            ],
            ["DT-GH-01", "大同草莓大棚", DATONG, "greenhouse", 4, 30, "用水", "", ""],
        ],
    )
    job = start(world["staff"], content)
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    camp = Workstation.objects.get(code="DT-CAMP-01")
    assert (camp.kind, camp.capacity, camp.facilities) == ("campsite", 6, ["network", "power"])
    assert camp.site.name == "大同茶园星空营地" and camp.site.region.code == DATONG
    assert WorkstationPlace.objects.filter(workstation=camp).count() == 6


def test_row_errors_name_the_row_and_the_column_and_nothing_is_written(world):
    content = xlsx(
        HEADERS,
        [
            ["DT-A", "场所", DATONG, "城堡", 1, "", "", "", ""],
            ["DT-B", "场所", "330424102", "固定工位", 0, "", "暖气", "", ""],
            ["DT-A", "场所", DATONG, "固定工位", 1, "", "", "", ""],
        ],
    )
    job = start(world["staff"], content)
    assert job.status == ImportStatus.REJECTED
    problems = {(e["row"], e.get("column")) for e in job.errors}
    assert {
        (2, "类型"),
        (3, "容纳人数"),
        (3, "配套设施"),
        (3, "所属乡镇代码"),
        (4, "工位编号"),
    } <= problems
    assert not Workstation.objects.filter(code__startswith="DT-").exists()


def test_the_export_imports_back_and_a_capacity_can_grow_but_not_shrink(world):
    client = client_for(world["staff"])
    exported = load_workbook(io.BytesIO(client.get("/workspace/workstations/?export=xlsx").content))
    rows = [list(r) for r in exported.active.iter_rows(values_only=True)]
    assert rows[0][: len(HEADERS)] == HEADERS
    hot = next(r for r in rows if r[0] == world["hot"].code)
    hot[4] = 5  # 3 → 5
    tea = next(r for r in rows if r[0] == world["tea"].code)
    tea[4] = 1  # 2 → 1 is refused
    job = start(world["staff"], xlsx(rows[0], [hot, tea]), mode=ImportMode.VALID_ONLY)
    assert (job.created_count, job.updated_count) == (0, 1)
    assert [e["message"] for e in job.errors] == ["不能把容纳人数从 2 调低"]
    assert WorkstationPlace.objects.filter(workstation=world["hot"]).count() == 5


def test_staff_of_another_town_cannot_import_into_datong(world):
    content = xlsx(HEADERS, [["X-1", "场所", DATONG, "固定工位", 1, "", "", "", ""]])
    job = start(world["outsider"], content)
    assert job.status == ImportStatus.REJECTED
    assert job.errors[0]["message"] == "不在您负责的区划内"
