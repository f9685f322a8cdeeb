"""The API: the same services and filters as the pages, errors in Chinese naming the field."""

from qinqing.talent.models import Posting
from tests.conftest import client_for
from tests.talent.conftest import publish


def test_an_employer_drafts_and_submits_a_posting_and_hears_what_is_missing(talent, regions):
    client = client_for(talent["employer"])
    answer = client.post(
        "/api/v1/talent/postings",
        {"title": "操作工", "duties": "限男性", "submit": True},
        content_type="application/json",
    )
    assert answer.status_code == 422
    body = answer.json()
    assert "缺少招聘人数" in body["detail"] and "含有性别限制“限男性”" in body["detail"]
    # Nothing half-saved: a refused submission leaves no draft behind.
    assert not Posting.objects.exists()


def test_a_seeker_searches_applies_and_follows_the_application(talent, regions, profile):
    posting = publish(talent, regions)
    seeker = client_for(talent["seeker"])
    hits = seeker.get("/api/v1/talent/search", {"q": "PLC"}).json()
    assert [h["id"] for h in hits] == [posting.pk] and hits[0]["score"] > 0
    assert seeker.get("/api/v1/talent/search", {"q": "可编程控制器"}).json()[0]["id"] == posting.pk
    applied = seeker.post(f"/api/v1/talent/postings/{posting.pk}/apply")
    assert applied.status_code == 201
    again = seeker.post(f"/api/v1/talent/postings/{posting.pk}/apply")
    assert again.status_code == 422 and "已投递" in again.json()["detail"]
    employer = client_for(talent["employer"])
    moved = employer.post(
        f"/api/v1/talent/applications/{applied.json()['id']}/move",
        {"status": "interview"},
        content_type="application/json",
    )
    assert moved.status_code == 422 and "只能改为" in moved.json()["detail"]
    listed = seeker.get("/api/v1/talent/applications").json()
    assert listed["items"][0]["status_label"] == "已投递"


def test_recommendations_explain_themselves_in_chinese(talent, regions, profile):
    publish(talent, regions)
    rows = client_for(talent["seeker"]).get("/api/v1/talent/recommendations").json()
    assert rows and rows[0]["reasons"]
    assert any("技能" in reason for reason in rows[0]["reasons"])


def test_the_last_bed_taken_answers_409(talent, regions):
    from qinqing.talent.models import Bed, LodgingRoom

    room = LodgingRoom.objects.create(name="驿站201")
    Bed.objects.create(room=room, number=1)
    seeker = client_for(talent["seeker"])
    booked = seeker.post(
        "/api/v1/talent/lodging",
        {"start": "2026-12-01", "end": "2026-12-03"},
        content_type="application/json",
    )
    assert booked.status_code == 201
    staff = client_for(talent["staff"])
    assert staff.get("/api/v1/talent/lodging/occupancy", {"day": "2026-12-02"}).json()["taken"] == 1
    other = client_for(talent["outsider"])
    refused = other.post(
        "/api/v1/talent/lodging",
        {"start": "2026-12-02", "end": "2026-12-04"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and "已无空余" in refused.json()["detail"]


def test_an_apartment_application_names_the_employee_by_id_number(talent, regions):
    employer = client_for(talent["employer"])
    person = talent["person"]
    answer = employer.post(
        "/api/v1/talent/apartments",
        {"employee_name": "别人", "employee_id_number": person.id_number, "education": "本科"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "姓名与身份证号不符" in answer.json()["detail"]
    answer = employer.post(
        "/api/v1/talent/apartments",
        {"employee_name": person.name, "employee_id_number": person.id_number, "education": "本科"},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["number"].startswith("GY")
