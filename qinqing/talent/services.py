"""Talent center services: write, audit and notify in one transaction.

Text features of a posting or profile are computed here when it changes
(``qinqing.talent.matching.features``) and stored, so search and matching never
compute them per request and a restart does not recompute them.
"""

import datetime
import logging
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from qinqing.cases.services import do_open_case, do_transition
from qinqing.core import audit, letting
from qinqing.core.models import Person, Role, User
from qinqing.core.notifications.kinds import register_kind
from qinqing.core.notifications.services import do_notify
from qinqing.core.services import Forbidden, InvalidInput
from qinqing.talent import compliance
from qinqing.talent.case_types import APARTMENT, POSTING_REVIEW
from qinqing.talent.forms import PostingForm, ProfileForm, PushSettingsForm
from qinqing.talent.models import (
    APPLICATION_MOVES,
    ApartmentApplication,
    ApartmentApplicationStatus,
    ApartmentUnit,
    Application,
    ApplicationStatus,
    Bed,
    BedStay,
    EligibilityRule,
    Feedback,
    FeedbackKind,
    Invitation,
    Lease,
    Posting,
    PostingStatus,
    PushLog,
    PushMode,
    PushSettings,
    Recommendation,
    SeekerProfile,
    TalentEvent,
    education_rank,
)

logger = logging.getLogger("qinqing.talent")
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
PUSH_SIZE = 3

POSTING_NOTICE = register_kind("talent.posting", "招聘岗位审核")
APPLICATION_NOTICE = register_kind("talent.application", "求职投递进展")
PUSH_NOTICE = register_kind("talent.push", "岗位推送")
APARTMENT_NOTICE = register_kind("talent.apartment", "人才公寓")
INVITATION_NOTICE = register_kind("talent.invitation", "求职邀请")


# --- text features (computed on change, stored) ---------------------------------


def posting_dict(posting: Posting) -> dict:
    """A posting in the matching package's field names."""
    return {
        "id": posting.pk,
        "employer": posting.employer.name if posting.employer_id else "",
        "title": posting.title,
        "duties": posting.duties,
        "occupation": posting.occupation,
        "industry": posting.industry,
        "education_min": posting.education_min,
        "majors": list(posting.majors or []),
        "skills": list(posting.skills or []) + _words(posting.skills_text),
        "experience_years_min": posting.experience_years_min or 0,
        "salary_min": posting.salary_min,
        "salary_max": posting.salary_max,
        "location": posting.location.name if posting.location_id else "",
        "headcount": posting.headcount,
        "valid_until": posting.valid_until.isoformat() if posting.valid_until else None,
    }


def seeker_dict(profile: SeekerProfile, locations: list[str] | None = None) -> dict:
    if locations is None:
        locations = [region.name for region in profile.desired_locations.all()]
    return {
        "id": profile.pk,
        "education": profile.education,
        "school": profile.school,
        "major": profile.major,
        "graduation_year": profile.graduation_year,
        "skills": list(profile.skills or []),
        "experience_years": profile.experience_years or 0,
        "expected_salary": profile.expected_salary,
        "desired_occupations": list(profile.desired_occupations or []),
        "desired_locations": locations,
        "resume": profile.resume,
    }


def _words(text: str) -> list[str]:
    from qinqing.talent.forms import SEPARATORS

    return [w.strip() for w in SEPARATORS.split(text or "") if w.strip()]


def _matching():
    """The matching package, or None while it is not installed in this build."""
    try:
        from qinqing.talent.matching import engine, features, search
    except ImportError:  # pragma: no cover - only before the package lands
        return None
    return engine, features, search


def refresh_posting_features(posting: Posting) -> None:
    data = posting_dict(posting)
    posting.search_text = " ".join(
        [posting.title, posting.duties, posting.occupation, posting.industry, posting.skills_text]
        + data["skills"]
        + data["majors"]
    )
    package = _matching()
    posting.features = package[1].posting_features(data) if package else {}
    Posting.objects.filter(pk=posting.pk).update(
        features=posting.features, search_text=posting.search_text, updated_at=timezone.now()
    )


def refresh_profile_features(profile: SeekerProfile) -> None:
    package = _matching()
    profile.features = package[1].seeker_features(seeker_dict(profile)) if package else {}
    SeekerProfile.objects.filter(pk=profile.pk).update(features=profile.features)


def region_ancestors(regions) -> dict[str, set[str]]:
    """Place name → the names of every region above it (嘉善县 → 嘉兴市, 浙江省)."""
    found = {}
    for region in regions:
        chain, node = set(), region.parent
        while node is not None:
            chain.add(node.name)
            node = node.parent
        found[region.name] = chain
    return found


# --- postings ----------------------------------------------------------------------


def _employer_only(actor: User, posting: Posting | None = None) -> None:
    if actor.role != Role.ENTERPRISE or not actor.enterprise_id:
        raise Forbidden("talent.add_posting")
    if posting is not None and posting.employer_id != actor.enterprise_id:
        raise Forbidden("talent.change_posting")


def do_save_posting(actor: User, data: dict, posting: Posting | None = None) -> Posting:
    """An enterprise drafts or edits a posting (a draft, or one sent back for changes)."""
    _employer_only(actor, posting)
    if posting is not None and posting.status not in {
        PostingStatus.DRAFT,
        PostingStatus.REFUSED,
        PostingStatus.EXPIRED,
        PostingStatus.WITHDRAWN,
    }:
        raise InvalidInput(
            {"status": ["审核中或已发布的岗位不能修改，请先撤回"]}, {"status": "状态"}
        )
    form = PostingForm(data, instance=posting)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    with transaction.atomic(), audit.acting_as(actor):
        posting = form.save(commit=False)
        posting.employer_id = actor.enterprise_id
        if posting.pk is None:
            posting.created_by = actor
        if posting.status != PostingStatus.DRAFT:
            posting.status = PostingStatus.DRAFT
        posting.save()
        refresh_posting_features(posting)
    return posting


def do_submit_posting(actor: User, posting: Posting, now=None) -> Posting:
    """提交审核: refused with every missing field and discriminatory phrase named."""
    _employer_only(actor, posting)
    now = now or timezone.now()
    if posting.status not in {PostingStatus.DRAFT, PostingStatus.REFUSED}:
        raise InvalidInput({"status": ["只有草稿或退回的岗位可以提交审核"]}, {"status": "状态"})
    errors = compliance.problems(posting)
    if errors:
        raise InvalidInput(errors, compliance.LABELS)
    with transaction.atomic(), audit.acting_as(actor):
        moved = Posting.objects.filter(pk=posting.pk, status=posting.status).update(
            status=PostingStatus.SUBMITTED, refusal_reason="", updated_at=timezone.now()
        )
        if not moved:
            raise InvalidInput({"status": ["岗位已被他人提交，请刷新"]}, {"status": "状态"})
        case = do_open_case(
            actor,
            case_type=POSTING_REVIEW,
            title=f"岗位审核：{posting.employer.name} · {posting.title}"[:200],
            description=posting.duties[:500],
            region=posting.employer.region,
            requester=actor,
            enterprise=posting.employer,
            now=now,
        )
        Posting.objects.filter(pk=posting.pk).update(case=case)
        audit.record_event(
            actor, posting, "submit", changes={"status": [posting.status, "submitted"]}
        )
    posting.refresh_from_db()
    return posting


def do_review(actor: User, posting: Posting, decision: str, reason: str = "", now=None) -> Posting:
    """Center staff approve (publish) or refuse, with a reason, a submitted posting."""
    if not actor.has_perm("talent.review_posting"):
        raise Forbidden("talent.review_posting")
    if decision not in {"approve", "refuse"}:
        raise InvalidInput({"decision": ["应为 approve 或 refuse"]}, {"decision": "审核结论"})
    if posting.status != PostingStatus.SUBMITTED or posting.case_id is None:
        raise InvalidInput({"status": ["该岗位不在审核中"]}, {"status": "状态"})
    if decision == "approve":
        # The rules may have been broken since submission (an edit through the admin).
        errors = compliance.problems(posting)
        if errors:
            raise InvalidInput(errors, compliance.LABELS)
    do_transition(actor, posting.case, decision, note=reason, now=now)
    posting.refresh_from_db()
    return posting


def apply_review_move(move) -> None:
    """The review case's hook: publish or refuse the posting in the same transaction."""
    posting = Posting.objects.filter(case=move.case).first()
    if posting is None:
        return
    code = move.transition.code
    if code == "approve":
        Posting.objects.filter(pk=posting.pk).update(
            status=PostingStatus.PUBLISHED, published_at=move.now, updated_at=timezone.now()
        )
        audit.record_event(
            move.actor, posting, "publish", changes={"status": ["submitted", "published"]}
        )
    elif code == "refuse":
        Posting.objects.filter(pk=posting.pk).update(
            status=PostingStatus.REFUSED,
            refusal_reason=move.note,
            case=None,
            updated_at=timezone.now(),
        )
        audit.record_event(
            move.actor,
            posting,
            "refuse",
            changes={"status": ["submitted", "refused"]},
            reason=move.note[:200],
        )


def do_withdraw_posting(actor: User, posting: Posting) -> Posting:
    _employer_only(actor, posting)
    with transaction.atomic(), audit.acting_as(actor):
        moved = Posting.objects.filter(pk=posting.pk, status=PostingStatus.PUBLISHED).update(
            status=PostingStatus.WITHDRAWN, updated_at=timezone.now()
        )
        if not moved:
            raise InvalidInput({"status": ["只有已发布的岗位可以撤回"]}, {"status": "状态"})
        audit.record_event(actor, posting, "withdraw")
    posting.refresh_from_db()
    return posting


def expire_postings(today: datetime.date | None = None) -> int:
    """Published postings past their validity become 已过期 (search filters them anyway)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        expired = list(
            Posting.objects.filter(status=PostingStatus.PUBLISHED, valid_until__lt=today)
            .select_for_update(of=("self",))
            .select_related("employer")
        )
        Posting.objects.filter(pk__in=[p.pk for p in expired]).update(status=PostingStatus.EXPIRED)
        for posting in expired:
            audit.record_event(
                None,
                posting,
                "expire",
                changes={"status": ["published", "expired"]},
            )
    return len(expired)


def open_postings(day: datetime.date | None = None):
    return Posting.objects.open_on(day or timezone.localdate())


# --- seekers -------------------------------------------------------------------------


def profile_of(user: User) -> SeekerProfile | None:
    if user.role != Role.RESIDENT or not user.person_id:
        return None
    return SeekerProfile.objects.filter(person_id=user.person_id).first()


def _own_profile(actor: User) -> SeekerProfile:
    if actor.role != Role.RESIDENT or not actor.person_id:
        raise Forbidden("talent.change_seekerprofile")
    profile, _ = SeekerProfile.objects.get_or_create(person_id=actor.person_id)
    return profile


def do_save_profile(actor: User, data: dict) -> SeekerProfile:
    """A person account keeps its own profile; features recomputed on every change."""
    profile = _own_profile(actor)
    form = ProfileForm(data, instance=profile)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    with transaction.atomic(), audit.acting_as(actor):
        profile = form.save()
        refresh_profile_features(profile)
    return profile


def do_set_push(actor: User, data: dict, now=None) -> PushSettings:
    """Consent and settings for pushes; consent is recorded with its time."""
    profile = _own_profile(actor)
    form = PushSettingsForm(data)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    now = now or timezone.now()
    values = form.cleaned_data
    with transaction.atomic(), audit.acting_as(actor):
        settings, _ = PushSettings.objects.get_or_create(profile=profile)
        was = settings.consent
        settings.consent = values["consent"]
        if values["consent"] and not was:
            settings.consented_at, settings.opted_out_at = now, None
        if was and not values["consent"]:
            settings.opted_out_at = now
        settings.mode = values["mode"]
        settings.quiet_start = values["quiet_start"]
        settings.quiet_end = values["quiet_end"]
        settings.filter_occupation = values["filter_occupation"]
        settings.filter_location = values["filter_location"]
        settings.filter_salary_min = values["filter_salary_min"]
        settings.save()
    return settings


def do_opt_out(actor: User, now=None) -> PushSettings:
    """One tap: no more pushes."""
    profile = _own_profile(actor)
    now = now or timezone.now()
    with transaction.atomic(), audit.acting_as(actor):
        settings, _ = PushSettings.objects.get_or_create(profile=profile)
        settings.consent, settings.opted_out_at = False, now
        settings.save()
    return settings


def do_feedback(actor: User, posting: Posting, kind: str) -> Feedback:
    profile = _own_profile(actor)
    if kind not in FeedbackKind.values:
        raise InvalidInput({"kind": ["应为 interested、unsuitable 或 applied"]}, {"kind": "反馈"})
    with transaction.atomic(), audit.acting_as(actor):
        feedback, _ = Feedback.objects.update_or_create(
            profile=profile, posting=posting, defaults={"kind": kind}
        )
    return feedback


def _accounts_of_person(person_id) -> list[User]:
    return list(User.objects.filter(person_id=person_id, is_active=True))


def _accounts_of_employer(enterprise_id) -> list[User]:
    return list(User.objects.filter(enterprise_id=enterprise_id, is_active=True))


# --- applications ----------------------------------------------------------------------


def do_apply(actor: User, posting: Posting, now=None) -> Application:
    """A seeker applies; the employer is told and from now on sees the profile."""
    profile = _own_profile(actor)
    now = now or timezone.now()
    if not open_postings(timezone.localdate(now)).filter(pk=posting.pk).exists():
        raise InvalidInput({"posting": ["该岗位已截止或未发布"]}, {"posting": "岗位"})
    try:
        with transaction.atomic(), audit.acting_as(actor):
            application = Application.objects.create(
                posting=posting,
                profile=profile,
                employer_id=posting.employer_id,
                created_at=now,
                updated_at=now,
            )
            Feedback.objects.update_or_create(
                profile=profile, posting=posting, defaults={"kind": FeedbackKind.APPLIED}
            )
            do_notify(
                _accounts_of_employer(posting.employer_id),
                APPLICATION_NOTICE,
                f"新投递：{posting.title}",
                f"{profile.person.name} 投递了岗位“{posting.title}”",
                f"/talent/applicants/{application.pk}/",
            )
    except IntegrityError:
        raise InvalidInput({"posting": ["您已投递过该岗位"]}, {"posting": "岗位"}) from None
    return application


STEP_NOTICE = {
    ApplicationStatus.VIEWED: "企业已查看您的简历",
    ApplicationStatus.INTERVIEW: "企业邀请您面试",
    ApplicationStatus.OFFER: "企业向您发出录用意向",
    ApplicationStatus.HIRED: "您已被录用",
    ApplicationStatus.REJECTED: "企业认为暂不合适",
}


def do_move_application(
    actor: User, application: Application, status: str, note: str = "", now=None
) -> Application:
    """The employer moves an application one step; the seeker is told each time."""
    if actor.role != Role.ENTERPRISE or actor.enterprise_id != application.employer_id:
        raise Forbidden("talent.change_application")
    now = now or timezone.now()
    current = application.status
    if status not in APPLICATION_MOVES.get(current, set()):
        allowed = "、".join(ApplicationStatus(s).label for s in APPLICATION_MOVES.get(current, ()))
        raise InvalidInput(
            {
                "status": [
                    f"当前为“{application.get_status_display()}”，"
                    f"只能改为：{allowed or '（已结束）'}"
                ]
            },
            {"status": "下一步"},
        )
    with transaction.atomic(), audit.acting_as(actor):
        updates = {"status": status, "updated_at": now, "note": (note or "")[:200]}
        if status == ApplicationStatus.HIRED:
            updates["hired_on"] = timezone.localdate(now)
        moved = Application.objects.filter(pk=application.pk, status=current).update(**updates)
        if not moved:
            raise InvalidInput({"status": ["投递已被他人处理，请刷新"]}, {"status": "下一步"})
        audit.record_event(
            actor, application, "move", changes={"status": [current, status]}, note=note[:200]
        )
        posting = application.posting
        do_notify(
            _accounts_of_person(application.profile.person_id),
            APPLICATION_NOTICE,
            f"{STEP_NOTICE[status]}：{posting.title}",
            f"{posting.employer.name}“{posting.title}”：{STEP_NOTICE[status]}。{note}".strip(),
            "/talent/applications/",
        )
    application.refresh_from_db()
    return application


def do_invite(actor: User, profile: SeekerProfile, posting: Posting) -> Invitation:
    """The enterprise invites a seeker the matching found for one of its postings; the
    seeker is told on the phone. One invitation per enterprise and seeker."""
    if actor.role != Role.ENTERPRISE or not actor.enterprise_id:
        raise Forbidden("talent.add_invitation")
    if posting.employer_id != actor.enterprise_id:
        raise InvalidInput({"posting": ["只能以本企业的岗位发出邀请"]}, {"posting": "岗位"})
    if not Recommendation.objects.filter(profile=profile, posting=posting).exists():
        raise InvalidInput(
            {"profile_id": ["只能邀请该岗位匹配到的求职者"]}, {"profile_id": "求职者"}
        )
    try:
        with transaction.atomic(), audit.acting_as(actor):
            invitation = Invitation.objects.create(
                employer_id=actor.enterprise_id, profile=profile, posting=posting
            )
            do_notify(
                _accounts_of_person(profile.person_id),
                INVITATION_NOTICE,
                f"{actor.enterprise.name} 邀请您应聘“{posting.title}”",
                "接受邀请后，该企业可以查看您的求职档案；谢绝则看不到。",
                "/talent/invitations/",
            )
    except IntegrityError:  # the unique constraint: one invitation per enterprise and seeker
        raise InvalidInput(
            {"profile_id": ["已邀请过这位求职者"]}, {"profile_id": "求职者"}
        ) from None
    return invitation


def _answer_invitation(actor: User, invitation: Invitation, field: str, now) -> Invitation:
    profile = _own_profile(actor)
    if invitation.profile_id != profile.pk:
        raise Forbidden("talent.view_invitation")
    accepted = field == "accepted_at"
    with transaction.atomic(), audit.acting_as(actor):
        # A conditional update: of two answers sent at once only the first counts.
        answered = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, declined_at__isnull=True
        ).update(**{field: now or timezone.now()})
        if not answered:
            raise InvalidInput({"status": ["已答复过这份邀请"]}, {"status": "状态"})
        invitation.refresh_from_db()
        audit.record_event(actor, invitation, "accept" if accepted else "decline")
        verb = "接受" if accepted else "谢绝"
        do_notify(
            _accounts_of_employer(invitation.employer_id),
            INVITATION_NOTICE,
            f"求职者{verb}了邀请",
            "可以在“我的邀请”中查看其求职档案。" if accepted else "对方谢绝了本次邀请。",
            "/talent/invitations/",
        )
    return invitation


def do_accept_invitation(actor: User, invitation: Invitation, now=None) -> Invitation:
    """The seeker accepts: from now on the inviting enterprise sees the profile."""
    return _answer_invitation(actor, invitation, "accepted_at", now)


def do_decline_invitation(actor: User, invitation: Invitation, now=None) -> Invitation:
    """The seeker declines: the profile stays hidden from the enterprise."""
    return _answer_invitation(actor, invitation, "declined_at", now)


# --- recommendations and push ----------------------------------------------------------


def _in_quiet_hours(settings: PushSettings, now) -> bool:
    local = timezone.localtime(now, LOCAL_TIME).time()
    start, end = settings.quiet_start, settings.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def _excluded_postings(profile: SeekerProfile) -> Q:
    """Never the same posting twice, never a dismissed or applied one."""
    seen = Recommendation.objects.filter(profile=profile, pushed_at__isnull=False).values(
        "posting_id"
    )
    dismissed = Feedback.objects.filter(
        profile=profile, kind__in=[FeedbackKind.UNSUITABLE, FeedbackKind.APPLIED]
    ).values("posting_id")
    applied = Application.objects.filter(profile=profile).values("posting_id")
    return Q(pk__in=seen) | Q(pk__in=dismissed) | Q(pk__in=applied)


def plain_candidates(settings: PushSettings, day):
    """Non-personalised: the newest open postings matching the seeker's own filters."""
    rows = open_postings(day)
    if settings.filter_occupation:
        rows = rows.filter(occupation=settings.filter_occupation)
    if settings.filter_location_id:
        rows = rows.filter(location__code__startswith=settings.filter_location.prefix)
    if settings.filter_salary_min:
        rows = rows.filter(salary_max__gte=settings.filter_salary_min)
    return rows.order_by("-published_at", "-pk")


def rank_for(profile: SeekerProfile, candidates, limit: int, today=None) -> list[dict]:
    """Personalised ranking of ``candidates`` for one seeker, with explanations."""
    today = today or timezone.localdate()
    postings = list(
        candidates.select_related("employer", "location__parent__parent__parent")[:2000]
    )
    if not postings:
        return []
    package = _matching()
    if package is None:
        return [
            {"posting": p, "score": 0.0, "reasons": ["最新发布"], "flags": []}
            for p in postings[:limit]
        ]
    engine = package[0]
    seeker = seeker_dict(profile)
    seeker["features"] = profile.features or None
    dicts = []
    for posting in postings:
        data = posting_dict(posting)
        data["features"] = posting.features or None
        dicts.append(data)
    places = {p.location for p in postings if p.location_id} | set(
        profile.desired_locations.select_related("parent__parent__parent")
    )
    feedback = {
        (profile.pk, f.posting_id): f.kind for f in Feedback.objects.filter(profile=profile)
    }
    matcher = engine.Matcher(
        dicts,
        [seeker],
        region_ancestors=region_ancestors(places),
        feedback=feedback,
        today=today,
    )
    by_id = {p.pk: p for p in postings}
    return [
        {
            "posting": by_id[m.posting_id],
            "score": float(m.score),
            "reasons": list(m.reasons),
            "flags": list(m.flags),
        }
        for m in matcher.top_postings(limit)
        if m.posting_id in by_id
    ]


def explain_pair(profile: SeekerProfile, posting: Posting):
    """Why this seeker and this posting fit (or not), for the employer's screen."""
    package = _matching()
    if package is None:
        return None
    seeker = seeker_dict(profile)
    seeker["features"] = profile.features or None
    data = posting_dict(posting)
    data["features"] = posting.features or None
    places = set(profile.desired_locations.select_related("parent__parent__parent"))
    if posting.location_id:
        places.add(posting.location)
    matcher = package[0].Matcher(
        [data], [seeker], region_ancestors=region_ancestors(places), today=timezone.localdate()
    )
    return matcher.explain(seeker, data)


def recommendations_for(profile: SeekerProfile, limit: int = 20, now=None) -> list[dict]:
    """What the recommendations page shows (nothing dismissed, nothing applied to)."""
    now = now or timezone.now()
    settings = PushSettings.objects.filter(profile=profile).first()
    dismissed = Feedback.objects.filter(
        profile=profile, kind__in=[FeedbackKind.UNSUITABLE, FeedbackKind.APPLIED]
    ).values("posting_id")
    candidates = open_postings(timezone.localdate(now)).exclude(pk__in=dismissed)
    if settings is not None and settings.mode == PushMode.PLAIN:
        rows = plain_candidates(settings, timezone.localdate(now)).exclude(pk__in=dismissed)
        return [
            {"posting": p, "score": None, "reasons": ["按您设置的条件，最新发布"], "flags": []}
            for p in rows.select_related("employer", "location")[:limit]
        ]
    return rank_for(profile, candidates, limit, timezone.localdate(now))


def do_push_recommendations(now=None) -> int:
    """Push new postings to every consenting seeker: at most one message a day,
    never in their quiet hours, never a posting twice, never a dismissed one.
    Returns how many seekers were sent a message."""
    now = now or timezone.now()
    day = timezone.localdate(now, LOCAL_TIME)
    sent = 0
    due = (
        PushSettings.objects.filter(consent=True, profile__person__account__is_active=True)
        .exclude(profile__pushes__day=day)
        .select_related("profile__person", "filter_location")
    )
    for settings in due:
        if _in_quiet_hours(settings, now):
            continue
        profile = settings.profile
        excluded = _excluded_postings(profile)
        if settings.mode == PushMode.PLAIN:
            rows = plain_candidates(settings, day).exclude(excluded)
            picks = [
                {"posting": p, "score": None, "reasons": ["按您设置的条件，最新发布"], "flags": []}
                for p in rows.select_related("employer")[:PUSH_SIZE]
            ]
        else:
            picks = rank_for(profile, open_postings(day).exclude(excluded), PUSH_SIZE, day)
        if not picks:
            continue
        try:
            with transaction.atomic():
                # The unique (profile, day) row is the daily cap, even for two workers at once.
                PushLog.objects.create(
                    profile=profile,
                    day=day,
                    sent_at=now,
                    postings=[pick["posting"].pk for pick in picks],
                )
                for pick in picks:
                    Recommendation.objects.update_or_create(
                        profile=profile,
                        posting=pick["posting"],
                        defaults={
                            "score": pick["score"] or 0,
                            "reasons": pick["reasons"],
                            "flags": pick["flags"],
                            "personalised": settings.mode == PushMode.PERSONALISED,
                            "created_at": now,
                            "pushed_at": now,
                        },
                    )
                titles = "、".join(
                    f"{pick['posting'].employer.name}·{pick['posting'].title}" for pick in picks
                )
                do_notify(
                    _accounts_of_person(profile.person_id),
                    PUSH_NOTICE,
                    f"为您推荐{len(picks)}个新岗位",
                    f"{titles}。不想再收到？在“推送设置”一键关闭。",
                    "/talent/recommendations/",
                )
        except IntegrityError:
            continue  # another worker pushed to this seeker today
        sent += 1
    return sent


# --- lodging (临时住宿) ---------------------------------------------------------------


def do_book_bed(actor: User, person: Person, start: datetime.date, end: datetime.date) -> BedStay:
    """A bed for the nights ``start`` … ``end - 1``; no bed is ever let twice a night."""
    if actor.role == Role.RESIDENT:
        if actor.person_id != person.pk:
            raise Forbidden("talent.add_bedstay")
    elif not actor.has_perm("talent.add_bedstay"):
        raise Forbidden("talent.add_bedstay")
    if (end - start).days > 30:
        raise InvalidInput({"end": ["临时住宿最长30晚"]}, {"end": "离开日期"})
    if BedStay.objects.filter(
        guest=person, cancelled_at__isnull=True, start__lt=end, end__gt=start
    ).exists():
        raise InvalidInput({"start": ["该时段您已有床位"]}, {"start": "入住日期"})
    stay = letting.book_any(
        actor, Bed.objects.order_by("room__name", "number"), start, end, guest=person
    )
    with transaction.atomic():
        do_notify(
            _accounts_of_person(person.pk),
            APARTMENT_NOTICE,
            "临时住宿已预订",
            f"{stay.resource}，{start:%m月%d日}入住，{end:%m月%d日}离开",
            "/talent/lodging/",
        )
    return stay


def do_cancel_stay(actor: User, stay: BedStay) -> BedStay:
    if not (actor.has_perm("talent.change_bedstay") or actor.person_id == stay.guest_id):
        raise Forbidden("talent.change_bedstay")
    if stay.checked_in_at:
        raise InvalidInput({"stay": ["已入住，请办理退房"]}, {"stay": "住宿"})
    return letting.cancel_booking(actor, stay)


def do_check_in(actor: User, stay: BedStay, now=None) -> BedStay:
    if not actor.has_perm("talent.change_bedstay"):
        raise Forbidden("talent.change_bedstay")
    now = now or timezone.now()
    with transaction.atomic(), audit.acting_as(actor):
        moved = BedStay.objects.filter(
            pk=stay.pk, cancelled_at__isnull=True, checked_in_at__isnull=True
        ).update(checked_in_at=now)
        if not moved:
            raise InvalidInput({"stay": ["已入住或已取消"]}, {"stay": "住宿"})
        audit.record_event(actor, stay, "check_in")
    stay.refresh_from_db()
    return stay


def do_check_out(actor: User, stay: BedStay, now=None) -> BedStay:
    """退房: an early leaver frees the remaining nights."""
    if not actor.has_perm("talent.change_bedstay"):
        raise Forbidden("talent.change_bedstay")
    now = now or timezone.now()
    today = timezone.localdate(now, LOCAL_TIME)
    with transaction.atomic(), audit.acting_as(actor):
        updates = {"checked_out_at": now}
        if stay.start < today < stay.end:
            updates["end"] = today
        moved = BedStay.objects.filter(
            pk=stay.pk, checked_in_at__isnull=False, checked_out_at__isnull=True
        ).update(**updates)
        if not moved:
            raise InvalidInput({"stay": ["未入住或已退房"]}, {"stay": "住宿"})
        audit.record_event(actor, stay, "check_out")
    stay.refresh_from_db()
    return stay


def occupancy(day: datetime.date) -> dict:
    beds = Bed.objects.filter(bookable=True).count()
    taken = BedStay.objects.filter(cancelled_at__isnull=True, start__lte=day, end__gt=day).count()
    return {"beds": beds, "taken": taken, "free": beds - taken, "rate": taken / beds if beds else 0}


# --- talent apartments (人才公寓) ---------------------------------------------------------


def current_rule() -> EligibilityRule | None:
    return EligibilityRule.objects.first()


def eligibility_problems(application_like, employer) -> list[str]:
    rule = current_rule()
    if rule is None:
        return []
    problems = []
    if education_rank(application_like.education) < education_rank(rule.education_min):
        problems.append(f"学历应为{rule.education_min}及以上")
    if rule.zone_id and not employer.region.code.startswith(rule.zone.prefix):
        problems.append(f"用人单位应在{rule.zone.name}内")
    if rule.require_no_local_home and application_like.owns_local_home:
        problems.append("本地已有自有住房")
    return problems


def employee_for(actor: User, name: str, id_number: str) -> Person:
    """The employee an enterprise applies for, found by ID number (stored encrypted)."""
    from qinqing.core.crypto import lookup_hash
    from qinqing.core.validators import normalise

    if actor.role != Role.ENTERPRISE or not actor.enterprise_id:
        raise Forbidden("talent.add_apartmentapplication")
    number = normalise(id_number or "").upper()
    person = Person.objects.filter(id_number_hash=lookup_hash(number)).first() if number else None
    if person is None or person.name != (name or "").strip():
        raise InvalidInput(
            {"employee_id_number": ["姓名与身份证号不符，或该员工尚未在人员库登记"]},
            {"employee_id_number": "员工身份证号"},
        )
    return person


def do_apply_apartment(
    actor: User, employee: Person, education: str, owns_local_home: bool, now=None
) -> ApartmentApplication:
    """An enterprise applies for one employee; ineligible applications are refused at once."""
    if actor.role != Role.ENTERPRISE or not actor.enterprise_id:
        raise Forbidden("talent.add_apartmentapplication")
    now = now or timezone.now()
    employer = actor.enterprise
    draft = ApartmentApplication(education=education, owns_local_home=owns_local_home)
    problems = eligibility_problems(draft, employer)
    if problems:
        raise InvalidInput({"employee": problems}, {"employee": "申请条件"})
    if ApartmentApplication.objects.filter(
        employee=employee,
        status__in=[ApartmentApplicationStatus.WAITING, ApartmentApplicationStatus.ALLOCATED],
    ).exists():
        raise InvalidInput({"employee": ["该员工已在轮候或已配租"]}, {"employee": "入住人员"})
    with transaction.atomic(), audit.acting_as(actor):
        case = do_open_case(
            actor,
            case_type=APARTMENT,
            title=f"人才公寓申请：{employer.name} · {employee.name}",
            region=employer.region,
            requester=actor,
            enterprise=employer,
            person=employee,
            now=now,
        )
        return ApartmentApplication.objects.create(
            case=case,
            employer=employer,
            employee=employee,
            education=education,
            owns_local_home=owns_local_home,
            created_at=now,
        )


def apply_apartment_move(move) -> None:
    if move.transition.code == "refuse":
        ApartmentApplication.objects.filter(case=move.case).update(
            status=ApartmentApplicationStatus.REFUSED
        )


def waiting_list():
    return ApartmentApplication.objects.filter(
        status=ApartmentApplicationStatus.WAITING, case__state__code="waiting"
    ).order_by("created_at", "pk")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


def do_allocate_next(actor: User, unit: ApartmentUnit, start: datetime.date, now=None) -> Lease:
    """Let ``unit`` to the first application on the waiting list, for the rule's term."""
    if not actor.has_perm("talent.add_lease"):
        raise Forbidden("talent.add_lease")
    rule = current_rule()
    months = rule.lease_months if rule else 12
    end = _add_months(start, months)
    with transaction.atomic(), audit.acting_as(actor):
        for application in waiting_list().select_related("case"):
            taken = ApartmentApplication.objects.filter(
                pk=application.pk, status=ApartmentApplicationStatus.WAITING
            ).update(status=ApartmentApplicationStatus.ALLOCATED)
            if taken:
                break
        else:
            raise InvalidInput({"unit": ["轮候名单为空"]}, {"unit": "房源"})
        lease = letting.book(
            actor,
            unit,
            start,
            end,
            audit_event="lease",
            application=application,
            tenant=application.employee,
        )
        do_transition(actor, application.case, "allocate", now=now)
    return lease


def do_renew_lease(actor: User, lease: Lease) -> Lease:
    """续租: the same unit from the day the lease ends, for another term."""
    if not actor.has_perm("talent.add_lease"):
        raise Forbidden("talent.add_lease")
    if lease.moved_out_on or lease.cancelled_at:
        raise InvalidInput({"lease": ["已退租的租约不能续租"]}, {"lease": "租约"})
    rule = current_rule()
    months = rule.lease_months if rule else 12
    return letting.book(
        actor,
        lease.resource,
        lease.end,
        _add_months(lease.end, months),
        audit_event="renew",
        application=lease.application,
        tenant=lease.tenant,
        renewal_of=lease,
    )


def do_move_out(actor: User, lease: Lease, day: datetime.date) -> Lease:
    """退租 on ``day``: the unit is free from that day."""
    if not actor.has_perm("talent.change_lease"):
        raise Forbidden("talent.change_lease")
    with transaction.atomic(), audit.acting_as(actor):
        if day <= lease.start:
            letting.cancel_booking(actor, lease, audit_event="move_out")
        else:
            Lease.objects.filter(pk=lease.pk).update(end=min(day, lease.end))
        Lease.objects.filter(pk=lease.pk).update(moved_out_on=day)
        # Any renewal booked beyond it goes too.
        for later in Lease.objects.filter(
            application=lease.application, start__gte=day, cancelled_at__isnull=True
        ).exclude(pk=lease.pk):
            letting.cancel_booking(actor, later, audit_event="move_out")
        ApartmentApplication.objects.filter(pk=lease.application_id).update(
            status=ApartmentApplicationStatus.MOVED_OUT
        )
        audit.record_event(actor, lease, "move_out", day=str(day))
    lease.refresh_from_db()
    return lease


# --- events -------------------------------------------------------------------------------


def do_register_event(actor: User, event: TalentEvent, person: Person):
    """Registration up to capacity, never overbooked (core's seats)."""
    if actor.role == Role.RESIDENT:
        if actor.person_id != person.pk:
            raise Forbidden("talent.add_eventregistration")
    elif not actor.has_perm("talent.add_eventregistration"):
        raise Forbidden("talent.add_eventregistration")
    return letting.take_seat(actor, event, person)


# --- self-service search (自取) -----------------------------------------------------------

_INDEX: dict = {}


def _search_index(today: datetime.date):
    """A BM25 index over every open posting's stored terms, rebuilt when postings change.

    The database filters (occupation, place, salary, education, date) pick the
    rows; the index only orders them by the query, so 20,000 open postings cost
    one index build per change, not per request.
    """
    from django.db.models import Max

    from qinqing.talent.matching import search

    rows = Posting.objects.open_on(today)
    # Every change of a posting (status moves included) sets updated_at, which is indexed.
    version = (today, Posting.objects.aggregate(last=Max("updated_at"))["last"])
    cached = _INDEX.get("index")
    if cached is None or cached[0] != version:
        documents = [
            {"id": pk, "features": {"terms": terms or []}}
            for pk, terms in rows.order_by("-published_at", "-pk").values_list(
                "pk", "features__terms"
            )
        ]
        cached = (version, search.SearchIndex(documents))
        _INDEX["index"] = cached
    return cached[1]


def ranked_ids(rows, query: str) -> list[int]:
    """Every posting of ``rows`` (already filtered) that matches ``query``, best first."""
    import numpy as np

    index = _search_index(timezone.localdate())
    allowed = np.fromiter(rows.values_list("pk", flat=True), dtype=np.int64)
    ids = np.asarray(index.ids, dtype=np.int64)
    scores = index.scores(query)
    positions = np.flatnonzero((scores > 0) & np.isin(ids, allowed))
    order = positions[np.lexsort((positions, -scores[positions]))]
    return list(zip(ids[order].tolist(), scores[order].tolist(), strict=True))


def search_postings(rows, query: str, limit: int, offset: int = 0) -> tuple[list, int]:
    """One page of ``rows`` (already filtered) ordered by relevance to ``query``:
    (posting ids with scores, total hits). Without a query, newest first."""
    query = (query or "").strip()
    if not query:
        total = rows.count()
        ids = list(rows.values_list("pk", flat=True)[offset : offset + limit])
        return [(pk, 0.0) for pk in ids], total
    hits = ranked_ids(rows, query)
    return hits[offset : offset + limit], len(hits)
