import datetime
from decimal import Decimal

import pytest

from qinqing.core import importing
from qinqing.core.models import Person
from qinqing.core.synthetic import make_id_number
from qinqing.veterans import services
from qinqing.veterans.models import AllowanceStandard, Category, Eligibility, Payment, ServiceRecord
from tests.conftest import client_for


@pytest.fixture
def year_2026(world):
    AllowanceStandard.objects.create(
        year=2026,
        category=Category.RETIRED_SOLDIER,
        amount=Decimal("1200"),
        due_on=datetime.date(2026, 3, 31),
    )
    AllowanceStandard.objects.create(
        year=2026,
        category=Category.DEMOBILISED,
        amount=Decimal("3000"),
        due_on=datetime.date(2026, 3, 31),
    )
    services.do_derive_eligibility(world["centre"], 2026)
    return world


def bank_file(rows) -> bytes:
    lines = ["身份证号,姓名,发放金额（元）,发放日期,银行流水号"]
    lines += [",".join(row) for row in rows]
    return "\n".join(lines).encode("utf-8")


def import_payments(user, rows, year=2026):
    return importing.do_start_import(
        user,
        kind="veteran-payments",
        filename="回盘.csv",
        content=bank_file(rows),
        params={"year": year},
    )


def test_the_eligible_list_is_derived_from_the_people_records_and_the_year_standards(year_2026):
    listed = {e.person.name: e.amount_due for e in Eligibility.objects.filter(year=2026)}
    assert listed == {"蔡老": Decimal("1200.00"), "沈阿根": Decimal("3000.00")}


def test_paying_everyone_in_full_and_on_time_gives_100_percent_on_all_three_rates(year_2026):
    w = year_2026
    job = import_payments(
        w["centre"],
        [
            (w["record"].person.id_number, "蔡老", "1200", "2026-03-20", "B001"),
            (w["neighbour"].id_number, "沈阿根", "3000.00", "2026/03/25", "B002"),
        ],
    )
    assert job.status == "succeeded", job.errors
    rates = services.payment_rates(Eligibility.objects.filter(year=2026), Payment.objects.all())
    assert (rates["coverage"], rates["amount_rate"], rates["on_time_rate"]) == (100.0, 100.0, 100.0)


def test_mismatches_list_the_wrongly_paid_the_unpaid_and_the_not_eligible(year_2026, regions):
    w = year_2026
    stranger = Person.objects.create(
        name="外来人员",
        id_number=make_id_number("330424", datetime.date(1980, 1, 1), 77),
        region=regions["baibu"],
    )
    job = import_payments(
        w["centre"],
        [
            (w["record"].person.id_number, "蔡老", "1000", "2026-04-10", ""),
            (stranger.id_number, "外来人员", "500", "2026-03-01", ""),
        ],
    )
    assert job.status == "succeeded", job.errors
    eligible, paid = Eligibility.objects.filter(year=2026), Payment.objects.filter(year=2026)
    found = services.mismatches(eligible, paid)
    assert [p.person.name for p in found["wrong_amount"]] == ["蔡老"]
    assert [p.person.name for p in found["not_eligible"]] == ["外来人员"]
    assert [e.person.name for e in found["missing"]] == ["沈阿根"]
    rates = services.payment_rates(eligible, paid)
    assert rates["coverage"] == 50.0  # 1 of 2 eligible paid
    assert rates["amount_rate"] == round(1000 * 100 / 4200, 1)
    assert rates["on_time_rate"] == 0.0  # paid after the due date
    behind = services.rate_people(eligible, paid, "coverage", "num")
    assert [e.person.name for e in behind] == ["蔡老"]


def test_a_bank_file_row_with_an_unknown_id_or_a_bad_amount_is_reported_by_row(year_2026):
    w = year_2026
    unknown = make_id_number("330424", datetime.date(1960, 1, 1), 99)
    job = import_payments(
        w["centre"],
        [
            (unknown, "无此人", "1200", "2026-03-20", ""),
            (w["neighbour"].id_number, "沈阿根", "三千", "2026-03-20", ""),
        ],
    )
    assert job.status != "succeeded"
    messages = {(e["row"], e["message"]) for e in job.errors}
    assert (2, "人员未登记，请先在人员库中登记") in messages
    assert any(row == 3 and "应为金额" in message for row, message in messages)
    assert not Payment.objects.exists()
    assert unknown not in str(job.errors)  # ID numbers masked in the report


def test_the_payments_page_links_each_rate_to_its_persons_and_exports(year_2026):
    w = year_2026
    import_payments(w["centre"], [(w["record"].person.id_number, "蔡老", "1200", "2026-03-20", "")])
    client = client_for(w["centre"])
    page = client.get("/veterans/payments/?year=2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert "发放面" in html and "50.0%" in html and "rate=coverage&amp;part=num" in html
    missing = client.get("/veterans/payments/?year=2026&show=missing").content.decode()
    assert "沈阿根" in missing
    assert client.get("/veterans/payments/?year=2026&export=xlsx")["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_a_town_worker_sees_only_the_payments_of_their_stations(year_2026, regions):
    w = year_2026
    import_payments(
        w["centre"],
        [
            (w["record"].person.id_number, "蔡老", "1200", "2026-03-20", ""),
            (w["neighbour"].id_number, "沈阿根", "3000", "2026-03-20", ""),
        ],
    )
    from qinqing.core import access

    assert access.visible(Payment, w["villager"]).get().person.name == "沈阿根"
    assert access.visible(Payment, w["worker"]).count() == 2  # the town sees its villages
    assert ServiceRecord.objects.count() == 2


def test_the_eligible_list_can_be_imported_replacing_the_year(year_2026):
    w = year_2026
    content = "\n".join(
        [
            "身份证号,姓名,优抚类别,应发金额（元）",
            f"{w['record'].person.id_number},蔡老,退役士兵,1500",
            f"{w['neighbour'].id_number},沈阿根,,",
        ]
    ).encode()
    job = importing.do_start_import(
        w["centre"],
        kind="veteran-eligibility",
        filename="名单.csv",
        content=content,
        params={"year": 2026},
    )
    assert job.status == "succeeded", job.errors
    listed = {e.person.name: e.amount_due for e in Eligibility.objects.filter(year=2026)}
    assert listed == {"蔡老": Decimal("1500.00"), "沈阿根": Decimal("3000.00")}


def test_an_eligible_list_with_an_unknown_category_is_refused_whole(year_2026):
    w = year_2026
    content = f"身份证号,优抚类别\n{w['record'].person.id_number},志愿者\n".encode()
    job = importing.do_start_import(
        w["centre"],
        kind="veteran-eligibility",
        filename="名单.csv",
        content=content,
        params={"year": 2026},
    )
    assert job.status != "succeeded"
    assert any("优抚类别应为" in e["message"] for e in job.errors)
    assert Eligibility.objects.filter(year=2026).count() == 2  # the derived list stays


def test_importing_only_the_good_rows_of_a_bank_file_keeps_the_bad_ones_out(year_2026):
    from qinqing.core.models.imports import ImportMode

    w = year_2026
    job = importing.do_start_import(
        w["centre"],
        kind="veteran-payments",
        filename="回盘.csv",
        content=bank_file(
            [
                (w["record"].person.id_number, "蔡老", "1200", "2026-03-20", ""),
                (w["neighbour"].id_number, "沈阿根", "3000", "三月", ""),
            ]
        ),
        mode=ImportMode.VALID_ONLY,
        params={"year": 2026},
    )
    assert [p.person.name for p in Payment.objects.all()] == ["蔡老"]
    assert any(e["row"] == 3 and "日期格式" in e["message"] for e in job.errors)


def test_rates_over_an_empty_list_or_no_payments_are_empty_not_an_error(year_2026):
    eligible, paid = Eligibility.objects.filter(year=2026), Payment.objects.all()
    nobody = services.payment_rates(eligible.none(), paid)
    assert (nobody["eligible"], nobody["coverage"], nobody["due"]) == (0, None, Decimal("0.00"))
    unpaid = services.payment_rates(eligible, paid.none())
    assert (unpaid["eligible"], unpaid["paid"], unpaid["coverage"]) == (2, 0, 0.0)
    assert unpaid["due"] == Decimal("4200.00")  # 1,200 + 3,000 due, nothing paid
