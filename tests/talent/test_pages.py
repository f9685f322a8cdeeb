"""Each side's pages: a seeker searches and applies, an employer handles applicants,
the center reviews; every list exports .xlsx."""

import pytest

from qinqing.talent import services
from qinqing.talent.models import Application, Posting, PushSettings
from tests.conftest import client_for
from tests.talent.conftest import NOW, posting_data, publish

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_seeker_finds_a_posting_by_a_synonym_and_applies(talent, regions, profile):
    wanted = publish(talent, regions)
    publish(talent, regions, title="电商运营专员", duties="负责天猫店铺运营", skills="直播带货")
    client = client_for(talent["seeker"])
    page = client.get("/talent/search/", {"q": "封装测试"})
    assert page.status_code == 200
    text = page.content.decode()
    assert wanted.title in text and "电商运营专员" not in text
    # 封测 is the same as 封装测试
    assert wanted.title in client.get("/talent/search/", {"q": "封测"}).content.decode()
    detail = client.get(f"/talent/postings/{wanted.pk}/")
    assert "投递简历" in detail.content.decode()
    client.post(f"/talent/postings/{wanted.pk}/apply/")
    assert Application.objects.filter(posting=wanted, profile=profile).exists()
    assert "已投递" in client.get("/talent/applications/").content.decode()


def test_search_filters_refuse_a_bad_value_naming_it(talent, regions):
    page = client_for(talent["seeker"]).get("/talent/search/", {"salary": "很多"})
    assert page.status_code == 400
    assert "月薪不低于" in page.content.decode()


def test_search_filters_by_salary_and_education(talent, regions, profile):
    publish(talent, regions, title="高薪岗位", salary_min=20000, salary_max=30000)
    publish(talent, regions, title="硕士岗位", education_min="硕士")
    client = client_for(talent["seeker"])
    text = client.get("/talent/search/", {"salary": 18000}).content.decode()
    assert "高薪岗位" in text and "硕士岗位" not in text
    text = client.get("/talent/search/", {"education": "本科"}).content.decode()
    assert "高薪岗位" in text and "硕士岗位" not in text


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("seeker", "/talent/search/"),
        ("seeker", "/talent/applications/"),
        ("seeker", "/talent/recommendations/"),
        ("seeker", "/talent/lodging/"),
        ("seeker", "/talent/events/"),
        ("employer", "/talent/my-postings/"),
        ("employer", "/talent/applicants/"),
        ("employer", "/talent/apartments/"),
        ("employer", "/talent/agreements/"),
        ("staff", "/talent/review/"),
        ("staff", "/talent/my-postings/"),
        ("staff", "/talent/lodging/"),
        ("staff", "/talent/apartments/"),
        ("staff", "/talent/events/"),
        ("staff", "/talent/agreements/"),
    ],
)
def test_every_list_shows_and_exports_xlsx(talent, regions, profile, who, url):
    publish(talent, regions)
    client = client_for(talent[who])
    assert client.get(url).status_code == 200
    exported = client.get(url, {"export": "xlsx"})
    assert exported.status_code == 200 and exported["Content-Type"] == XLSX


def test_the_employer_drafts_submits_and_the_center_reviews_on_pages(talent, regions):
    employer = client_for(talent["employer"])
    data = posting_data(regions, duties="负责产线巡检，限男性")
    page = employer.post("/talent/my-postings/new/", {**data, "submit": "1"})
    assert page.status_code == 422
    assert "含有性别限制“限男性”" in page.content.decode()
    assert not Posting.objects.exists()
    page = employer.post("/talent/my-postings/new/", {**data, "save": "1"})
    assert page.status_code == 302  # a draft may say anything; submitting it may not
    draft = Posting.objects.get()
    assert draft.status == "draft"
    page = employer.post(
        f"/talent/my-postings/{draft.pk}/edit/", {**posting_data(regions), "submit": "1"}
    )
    assert page.status_code == 302
    staff = client_for(talent["staff"])
    assert draft.title in staff.get("/talent/review/").content.decode()
    staff.post(f"/talent/review/{draft.pk}/", {"decision": "approve"})
    draft.refresh_from_db()
    assert draft.status == "published"


def test_the_employer_moves_an_applicant_and_cannot_see_others(talent, regions, profile):
    posting = publish(talent, regions)
    application = services.do_apply(talent["seeker"], posting, now=NOW)
    employer = client_for(talent["employer"])
    page = employer.get(f"/talent/applicants/{application.pk}/")
    assert "嘉兴学院" in page.content.decode()
    assert "与岗位的匹配情况" in page.content.decode() and "技能" in page.content.decode()
    employer.post(f"/talent/applicants/{application.pk}/", {"status": "viewed"})
    application.refresh_from_db()
    assert application.status == "viewed"
    other = client_for(talent["other_employer"])
    assert other.get(f"/talent/applicants/{application.pk}/").status_code == 404


def test_one_tap_turns_pushes_off(talent, regions, profile):
    client = client_for(talent["seeker"])
    client.post(
        "/talent/push/",
        {"consent": "on", "mode": "personalised", "quiet_start": "21:00", "quiet_end": "08:00"},
    )
    assert "一键关闭推送" in client.get("/talent/push/").content.decode()
    client.post("/talent/push/off/")
    assert PushSettings.objects.get(profile=profile).consent is False


def test_an_enterprise_applies_for_an_apartment_on_its_page(talent, regions):
    from qinqing.talent.models import ApartmentApplication, EligibilityRule

    EligibilityRule.objects.create(education_min="本科", zone=regions["wucheng"])
    employer = client_for(talent["employer"])
    person = talent["person"]
    page = employer.post(
        "/talent/apartments/",
        {"employee_name": person.name, "employee_id_number": person.id_number, "education": "大专"},
    )
    assert page.status_code == 422 and "学历应为本科及以上" in page.content.decode()
    page = employer.post(
        "/talent/apartments/",
        {"employee_name": person.name, "employee_id_number": person.id_number, "education": "本科"},
    )
    assert page.status_code == 302
    assert ApartmentApplication.objects.get().employee == person
