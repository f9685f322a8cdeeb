"""Postings: drafted by an enterprise, reviewed by the center within a time limit, published,
and gone from search when their validity ends."""

import datetime

import pytest

from qinqing.cases.models import Case
from qinqing.core import access
from qinqing.core.models import Notification
from qinqing.core.services import InvalidInput
from qinqing.talent import services
from qinqing.talent.models import Posting, PostingStatus
from tests.talent.conftest import NOW, posting_data, publish


def test_a_posting_missing_required_fields_is_refused_with_each_named(talent, regions):
    draft = services.do_save_posting(
        talent["employer"], {"title": "操作工", "duties": "", "location": ""}
    )
    with pytest.raises(InvalidInput) as refused:
        services.do_submit_posting(talent["employer"], draft, now=NOW)
    summary = refused.value.summary
    for name in (
        "岗位职责",
        "招聘人数",
        "学历要求",
        "专业要求",
        "工作地点",
        "月薪下限",
        "有效期止",
    ):
        assert f"缺少{name}" in summary
    draft.refresh_from_db()
    assert draft.status == PostingStatus.DRAFT and draft.case_id is None


def test_a_discriminatory_phrase_in_the_duties_is_quoted_in_the_refusal(talent, regions):
    draft = services.do_save_posting(
        talent["employer"],
        posting_data(
            regions, duties="负责设备巡检。\n要求：男性优先，仅限本地户籍，已婚已育优先。"
        ),
    )
    with pytest.raises(InvalidInput) as refused:
        services.do_submit_posting(talent["employer"], draft, now=NOW)
    messages = refused.value.errors["duties"]
    assert "含有性别限制“男性优先”" in messages
    assert "含有户籍限制“仅限本地户籍”" in messages
    assert "含有婚育状况限制“已婚已育优先”" in messages


def test_submitting_opens_a_review_case_with_a_deadline_and_approval_publishes(talent, regions):
    posting = services.do_save_posting(talent["employer"], posting_data(regions))
    posting = services.do_submit_posting(talent["employer"], posting, now=NOW)
    assert posting.status == PostingStatus.SUBMITTED
    case = Case.objects.get(pk=posting.case_id)
    assert case.case_type.code == "talent_posting_review" and case.due_at > NOW
    assert not services.open_postings(datetime.date(2026, 11, 2)).filter(pk=posting.pk).exists()
    posting = services.do_review(talent["staff"], posting, "approve", now=NOW)
    assert posting.status == PostingStatus.PUBLISHED and posting.published_at == NOW
    assert services.open_postings(datetime.date(2026, 11, 2)).filter(pk=posting.pk).exists()
    assert Notification.objects.filter(recipient=talent["employer"]).exists()
    assert posting.search_text and "封装测试" in posting.search_text


def test_a_refusal_needs_a_reason_and_sends_the_posting_back_for_changes(talent, regions):
    posting = services.do_save_posting(talent["employer"], posting_data(regions))
    posting = services.do_submit_posting(talent["employer"], posting, now=NOW)
    with pytest.raises(InvalidInput):
        services.do_review(talent["staff"], posting, "refuse", "", now=NOW)
    posting = services.do_review(talent["staff"], posting, "refuse", "薪资区间过宽", now=NOW)
    assert posting.status == PostingStatus.REFUSED
    assert posting.refusal_reason == "薪资区间过宽"
    # Edited and submitted again, it gets a fresh review case.
    posting = services.do_save_posting(
        talent["employer"], posting_data(regions, salary_max=12000), posting
    )
    posting = services.do_submit_posting(talent["employer"], posting, now=NOW)
    assert posting.status == PostingStatus.SUBMITTED
    assert Case.objects.filter(case_type__code="talent_posting_review").count() == 2


def test_an_enterprise_cannot_review_nor_edit_another_employers_posting(talent, regions):
    from qinqing.core.services import Forbidden

    posting = services.do_save_posting(talent["employer"], posting_data(regions))
    posting = services.do_submit_posting(talent["employer"], posting, now=NOW)
    with pytest.raises(Forbidden):
        services.do_review(talent["employer"], posting, "approve", now=NOW)
    with pytest.raises(Forbidden):
        services.do_save_posting(talent["other_employer"], posting_data(regions), posting)


def test_an_expired_posting_leaves_search_and_becomes_expired(talent, regions):
    posting = publish(talent, regions, valid_until="2026-11-10")
    assert services.open_postings(datetime.date(2026, 11, 10)).filter(pk=posting.pk).exists()
    assert not services.open_postings(datetime.date(2026, 11, 11)).filter(pk=posting.pk).exists()
    assert services.expire_postings(datetime.date(2026, 11, 11)) == 1
    posting.refresh_from_db()
    assert posting.status == PostingStatus.EXPIRED


def test_drafts_are_seen_by_their_employer_and_the_center_only(talent, regions):
    draft = services.do_save_posting(talent["employer"], posting_data(regions))
    published = publish(talent, regions, title="设备工程师")
    for user, expected in (
        (talent["employer"], {draft.pk, published.pk}),
        (talent["staff"], {draft.pk, published.pk}),
        (talent["other_employer"], {published.pk}),
        (talent["seeker"], {published.pk}),
    ):
        assert set(access.visible(Posting, user).values_list("pk", flat=True)) == expected


def test_the_daily_command_expires_postings_and_pushes(talent, regions, profile):
    import io

    from django.core.management import call_command

    Posting.objects.create(
        employer=talent["employer"].enterprise,
        title="旧岗位",
        status=PostingStatus.PUBLISHED,
        valid_until=datetime.date(2020, 1, 1),
        created_by=talent["employer"],
    )
    out = io.StringIO()
    call_command("talent_daily", stdout=out)
    assert "到期下架 1 个岗位" in out.getvalue()
    assert Posting.objects.get(title="旧岗位").status == PostingStatus.EXPIRED
