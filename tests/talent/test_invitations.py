"""Invitations: an enterprise invites a seeker the matching found for its posting; the
seeker accepts or declines on the phone; only acceptance opens the profile."""

import threading

import pytest
from django.db import close_old_connections, connection

from qinqing.core import access
from qinqing.core.models import Notification
from qinqing.core.services import InvalidInput
from qinqing.talent import services
from qinqing.talent.models import Invitation, Recommendation, SeekerProfile
from tests.conftest import client_for
from tests.talent.conftest import NOW, publish


@pytest.fixture
def matched(talent, regions, profile):
    """A published posting of the employer, with the seeker among its matched seekers."""
    posting = publish(talent, regions)
    Recommendation.objects.create(profile=profile, posting=posting, score=0.8, created_at=NOW)
    return posting


def test_the_enterprise_sees_the_profile_only_after_the_seeker_accepts_on_the_pages(
    talent, matched, profile
):
    employer = client_for(talent["employer"])
    listed = employer.get(f"/talent/my-postings/{matched.pk}/seekers/")
    assert listed.status_code == 200
    assert f"求职者 #{profile.pk}" in listed.text and "沈毕业" not in listed.text
    invited = employer.post(f"/talent/my-postings/{matched.pk}/seekers/{profile.pk}/invite/")
    assert invited.status_code == 302
    before = employer.get("/talent/invitations/").text
    assert "待答复" in before and "沈毕业" not in before and "引线键合" not in before
    assert not access.visible(SeekerProfile, talent["employer"]).exists()

    seeker = client_for(talent["seeker"])
    inbox = seeker.get("/talent/invitations/")
    assert "接受" in inbox.text and talent["employer"].enterprise.name in inbox.text
    invitation = Invitation.objects.get()
    assert seeker.post(f"/talent/invitations/{invitation.pk}/accept/").status_code == 302

    after = employer.get("/talent/invitations/").text
    assert "已接受" in after and "沈毕业" in after and "引线键合" in after
    assert list(access.visible(SeekerProfile, talent["employer"])) == [profile]
    assert not access.visible(SeekerProfile, talent["other_employer"]).exists()


def test_a_declined_invitation_keeps_the_profile_hidden_and_cannot_be_answered_again(
    talent, matched, profile
):
    invitation = services.do_invite(talent["employer"], profile, matched)
    services.do_decline_invitation(talent["seeker"], invitation, now=NOW)
    assert not access.visible(SeekerProfile, talent["employer"]).exists()
    with pytest.raises(InvalidInput, match="已答复"):
        services.do_accept_invitation(talent["seeker"], invitation, now=NOW)
    page = client_for(talent["employer"]).get("/talent/invitations/").text
    assert "已谢绝" in page and "沈毕业" not in page


def test_both_sides_are_told_on_their_phones(talent, matched, profile):
    invitation = services.do_invite(talent["employer"], profile, matched)
    told = Notification.objects.get(recipient=talent["seeker"])
    assert matched.title in told.title and told.link == "/talent/invitations/"
    services.do_accept_invitation(talent["seeker"], invitation, now=NOW)
    assert Notification.objects.filter(
        recipient=talent["employer"], title="求职者接受了邀请"
    ).exists()


def test_only_a_seeker_matched_to_the_enterprises_own_posting_can_be_invited(
    talent, regions, matched, profile
):
    unmatched = publish(talent, regions, title="设备维修技术员")
    with pytest.raises(InvalidInput, match="匹配到的求职者"):
        services.do_invite(talent["employer"], profile, unmatched)
    with pytest.raises(InvalidInput, match="本企业的岗位"):
        services.do_invite(talent["other_employer"], profile, matched)
    services.do_invite(talent["employer"], profile, matched)
    with pytest.raises(InvalidInput, match="已邀请过"):
        services.do_invite(talent["employer"], profile, matched)
    assert Invitation.objects.count() == 1
    stranger = client_for(talent["other_employer"])
    assert stranger.get(f"/talent/my-postings/{matched.pk}/seekers/").status_code == 404


def test_the_api_invites_answers_and_opens_the_profile_only_after_acceptance(
    talent, matched, profile
):
    employer = client_for(talent["employer"])
    sent = employer.post(
        "/api/v1/talent/invitations",
        {"posting_id": matched.pk, "profile_id": profile.pk},
        content_type="application/json",
    )
    assert sent.status_code == 201
    assert sent.json()["status"] == "pending" and sent.json()["seeker"] == ""
    again = employer.post(
        "/api/v1/talent/invitations",
        {"posting_id": matched.pk, "profile_id": profile.pk},
        content_type="application/json",
    )
    assert again.status_code == 422 and "已邀请过" in again.json()["detail"]
    nobody = employer.post(
        "/api/v1/talent/invitations",
        {"posting_id": matched.pk, "profile_id": profile.pk + 99},
        content_type="application/json",
    )
    assert nobody.status_code == 404 and "profile_id" in nobody.json()["detail"]

    seeker = client_for(talent["seeker"])
    pk = sent.json()["id"]
    assert employer.post(f"/api/v1/talent/invitations/{pk}/accept").status_code == 403
    assert seeker.post(f"/api/v1/talent/invitations/{pk}/maybe").status_code == 404
    accepted = seeker.post(f"/api/v1/talent/invitations/{pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    twice = seeker.post(f"/api/v1/talent/invitations/{pk}/decline")
    assert twice.status_code == 422 and "已答复" in twice.json()["detail"]
    listed = employer.get("/api/v1/talent/invitations").json()["items"]
    assert [(i["status_label"], i["seeker"]) for i in listed] == [("已接受", "沈毕业")]


def test_the_invitations_list_exports_to_xlsx(talent, matched, profile):
    services.do_invite(talent["employer"], profile, matched)
    answer = client_for(talent["seeker"]).get("/talent/invitations/", {"export": "xlsx"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_matched_seekers_export_names_no_one_and_shows_who_was_invited(
    talent, matched, profile
):
    from io import BytesIO

    from openpyxl import load_workbook

    services.do_invite(talent["employer"], profile, matched)
    answer = client_for(talent["employer"]).get(
        f"/talent/my-postings/{matched.pk}/seekers/", {"export": "xlsx"}
    )
    rows = list(load_workbook(BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("求职者", "学历", "专业", "工作年限", "匹配度", "邀请")
    assert rows[1][0] == f"求职者 #{profile.pk}" and rows[1][5]
    assert profile.person.name not in str(rows)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_an_accept_and_a_decline_sent_at_once_leave_one_answer(talent, matched, profile):
    invitation = services.do_invite(talent["employer"], profile, matched)
    barrier = threading.Barrier(2)
    outcomes = []

    def answer(service):
        try:
            barrier.wait()
            service(talent["seeker"], invitation, now=NOW)
            outcomes.append("ok")
        except InvalidInput:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=answer, args=(s,))
        for s in (services.do_accept_invitation, services.do_decline_invitation)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    invitation.refresh_from_db()
    assert (invitation.accepted_at is None) != (invitation.declined_at is None)
