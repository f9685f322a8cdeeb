"""Applications: a seeker applies, the employer moves it step by step, the seeker hears of each."""

import pytest

from qinqing.core import access
from qinqing.core.models import Notification
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.talent import indicators, services
from qinqing.talent.models import ApplicationStatus, Posting, Recommendation, SeekerProfile
from tests.talent.conftest import NOW, publish


def test_the_employer_sees_a_profile_only_after_the_seeker_applies(talent, regions, profile):
    posting = publish(talent, regions)
    assert not access.visible(SeekerProfile, talent["employer"]).exists()
    services.do_apply(talent["seeker"], posting, now=NOW)
    assert list(access.visible(SeekerProfile, talent["employer"])) == [profile]
    assert not access.visible(SeekerProfile, talent["other_employer"]).exists()
    assert not access.visible(SeekerProfile, talent["outsider"]).exists()
    assert list(access.visible(SeekerProfile, talent["seeker"])) == [profile]
    assert access.visible(SeekerProfile, talent["staff"]).count() == 1


def test_an_accepted_invitation_opens_the_profile_to_the_inviting_enterprise(
    talent, regions, profile
):
    posting = publish(talent, regions)
    Posting.objects.filter(pk=posting.pk).update(employer=talent["other_employer"].enterprise)
    posting.refresh_from_db()
    Recommendation.objects.create(profile=profile, posting=posting, created_at=NOW)
    invitation = services.do_invite(talent["other_employer"], profile, posting)
    assert not access.visible(SeekerProfile, talent["other_employer"]).exists()
    services.do_accept_invitation(talent["seeker"], invitation, now=NOW)
    assert list(access.visible(SeekerProfile, talent["other_employer"])) == [profile]


def test_applying_twice_is_refused(talent, regions, profile):
    posting = publish(talent, regions)
    services.do_apply(talent["seeker"], posting, now=NOW)
    with pytest.raises(InvalidInput, match="已投递"):
        services.do_apply(talent["seeker"], posting, now=NOW)


def test_the_seeker_is_told_at_each_step_up_to_the_hire(talent, regions, profile):
    posting = publish(talent, regions)
    application = services.do_apply(talent["seeker"], posting, now=NOW)
    for step in ("viewed", "interview", "offer", "hired"):
        application = services.do_move_application(talent["employer"], application, step, now=NOW)
        assert application.status == step
    titles = list(
        Notification.objects.filter(recipient=talent["seeker"]).values_list("title", flat=True)
    )
    assert any("已查看" in t for t in titles) and any("面试" in t for t in titles)
    assert any("录用意向" in t for t in titles) and any("已被录用" in t for t in titles)
    assert application.hired_on is not None


def test_a_step_cannot_be_skipped_nor_taken_by_another_employer(talent, regions, profile):
    posting = publish(talent, regions)
    application = services.do_apply(talent["seeker"], posting, now=NOW)
    with pytest.raises(InvalidInput, match="只能改为"):
        services.do_move_application(talent["employer"], application, "hired", now=NOW)
    with pytest.raises(Forbidden):
        services.do_move_application(talent["other_employer"], application, "viewed", now=NOW)
    services.do_move_application(talent["employer"], application, ApplicationStatus.REJECTED)
    application.refresh_from_db()
    with pytest.raises(InvalidInput, match="已结束"):
        services.do_move_application(talent["employer"], application, "viewed")


def test_hires_feed_the_graduate_and_overseas_figures(talent, regions, profile):
    SeekerProfile.objects.filter(pk=profile.pk).update(overseas_returnee=True)
    posting = publish(talent, regions)
    application = services.do_apply(talent["seeker"], posting, now=NOW)
    assert indicators.graduates_recruited(2026) == 0
    for step in ("viewed", "interview", "offer", "hired"):
        application = services.do_move_application(talent["employer"], application, step, now=NOW)
    assert indicators.graduates_recruited(2026) == 1
    assert indicators.overseas_talents() == 1
    assert indicators.graduates_recruited(2030) == 0


def test_the_cockpit_counts_hires_within_its_period_for_the_center_not_for_an_outsider(
    talent, regions, profile, users
):
    import datetime

    from qinqing.core.indicators import Scope, figures, read

    SeekerProfile.objects.filter(pk=profile.pk).update(overseas_returnee=True)
    application = services.do_apply(talent["seeker"], publish(talent, regions), now=NOW)
    for step in ("viewed", "interview", "offer", "hired"):
        application = services.do_move_application(talent["employer"], application, step, now=NOW)

    def values(user, **period):
        return {f.code: read(f, Scope(user, **period)).value for f in figures("talent")}

    staff = values(talent["staff"])
    assert staff["talent.graduates_recruited"] == 1 and staff["talent.overseas_talents"] == 1
    before = values(talent["staff"], end=application.hired_on - datetime.timedelta(days=1))
    assert before["talent.graduates_recruited"] == 0
    assert values(users["leader"])["talent.graduates_recruited"] == 1
    assert values(talent["other_employer"])["talent.graduates_recruited"] == 0
