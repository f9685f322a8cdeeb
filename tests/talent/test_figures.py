"""Each talent cockpit figure, recomputed by hand from a small fixture.

The talent world (tests/talent/conftest.py): 竹马水泥 (``ent1``, in 竹马乡, 婺城区) and
百步电子 (``ent2``, in 百步镇, 海盐县) recruit; the center's staff review and let. Center
staff see every record of the center; an enterprise sees its own applicants and
tenants; a seeker their own pushes. Postings and hires are placed by where the job
is. The period is November 2026.
"""

import datetime

import pytest
from django.utils import timezone

from qinqing.cases.services import do_transition
from qinqing.core.models import Person, Role
from qinqing.core.synthetic import make_id_number
from qinqing.talent import services
from qinqing.talent.models import ApartmentUnit, Recommendation, SeekerProfile
from tests.conftest import make_user
from tests.figure_checks import Covered, rows, value
from tests.talent.conftest import posting_data

D = datetime.date
NOVEMBER = {"start": D(2026, 11, 1), "end": D(2026, 11, 30)}
covered = Covered("talent")


@pytest.fixture(autouse=True)
def _words_only(monkeypatch):
    """No dense embeddings: the figures do not depend on them, and words are fast."""
    monkeypatch.setenv("QINQING_TALENT_EMBEDDINGS", "0")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def post(reviewer, regions, employer, town, valid_from, valid_until, stage="published", **extra):
    """A posting by ``employer`` for a job in ``town``, taken as far as ``stage``.

    The county's administrator reviews: 百步电子's postings are outside 婺城区's staff.
    """
    data = posting_data(
        regions,
        location=regions[town].code,
        valid_from=valid_from.isoformat(),
        valid_until=valid_until.isoformat(),
        **extra,
    )
    posting = services.do_save_posting(employer, data)
    if stage == "draft":
        return posting
    posting = services.do_submit_posting(employer, posting, now=at(valid_from))
    if stage == "submitted":
        return posting
    return services.do_review(reviewer, posting, "approve", now=at(valid_from))


@pytest.fixture
def postings(talent, regions, users):
    ent1, ent2 = talent["employer"], talent["other_employer"]
    admin = users["admin"]
    return {
        # 竹马乡, open October to December.
        "zhuma": post(admin, regions, ent1, "zhuma", D(2026, 10, 1), D(2026, 12, 31)),
        # 百步镇, open in November only: the 30th is its last day.
        "baibu": post(
            admin, regions, ent2, "baibu", D(2026, 11, 1), D(2026, 11, 30), title="设备工程师"
        ),
        # Published, but its last day was 29 November.
        "closed": post(
            admin, regions, ent1, "zhuma", D(2026, 10, 1), D(2026, 11, 29), title="质检员"
        ),
        # Published, valid only from December.
        "december": post(
            admin, regions, ent1, "zhuma", D(2026, 12, 1), D(2026, 12, 31), title="仓库主管"
        ),
        # Not published: a draft and one still under review.
        "draft": post(
            admin, regions, ent1, "zhuma", D(2026, 10, 1), D(2026, 12, 31), "draft", title="司机"
        ),
        "submitted": post(
            admin,
            regions,
            ent1,
            "zhuma",
            D(2026, 10, 1),
            D(2026, 12, 31),
            "submitted",
            title="会计",
        ),
    }


def seeker(regions, name: str, n: int, **profile):
    """A seeker's account and profile; ``profile`` overrides education, graduation, …"""
    person = Person.objects.create(
        name=name,
        id_number=make_id_number("330421", D(2000, 1, 1) + datetime.timedelta(days=n), 40 + n),
        region=regions["zhuma"],
    )
    user = make_user(Role.RESIDENT, f"seeker-{n}", person=person)
    data = {
        "education": "本科",
        "graduation_year": 2026,
        "major": "机械工程",
        "experience_years": 0,
        "desired_locations": [regions["wucheng"].pk],
        "resume": "求职",
    }
    services.do_save_profile(user, {**data, **profile})
    return user


# --- open postings ----------------------------------------------------------------------


@covered("talent.open_postings")
def test_open_postings_counts_the_published_postings_valid_on_the_last_day(
    talent, postings, users, regions
):
    leader = users["leader"]
    # On 30 November: 竹马乡's October–December posting and 百步镇's November one. Not the
    # one that closed on the 29th, the December one, the draft or the one under review.
    assert value("talent.open_postings", leader, **NOVEMBER) == 2
    assert set(rows("talent.open_postings", leader, **NOVEMBER)) == {
        postings["zhuma"],
        postings["baibu"],
    }
    # By where the job is: 婺城区 has the 竹马乡 one, 海盐县 the 百步镇 one.
    assert value("talent.open_postings", leader, region=regions["wucheng"], **NOVEMBER) == 1
    assert value("talent.open_postings", leader, region=regions["haiyan"], **NOVEMBER) == 1
    # On 15 October: the 竹马乡 posting and the one that closed later.
    assert value("talent.open_postings", leader, end=D(2026, 10, 15)) == 2
    # Published postings are public: an enterprise's cockpit counts the other's too.
    assert value("talent.open_postings", talent["employer"], **NOVEMBER) == 2


# --- hires ------------------------------------------------------------------------------


def hire(talent, who, posting, day: datetime.date):
    """``who`` applies on ``day`` and the posting's employer takes them through to 已录用."""
    accounts = (talent["employer"], talent["other_employer"])
    employer = next(a for a in accounts if a.enterprise_id == posting.employer_id)
    application = services.do_apply(who, posting, now=at(day))
    for step in ("viewed", "interview", "offer", "hired"):
        application = services.do_move_application(employer, application, step, now=at(day))
    return application


@pytest.fixture
def hires(talent, postings, regions):
    """Who was hired where and when, with the graduation year and 留学回国 of each."""
    zhuma, baibu = postings["zhuma"], postings["baibu"]
    fresh = talent["seeker"]
    services.do_save_profile(
        fresh,
        {
            "education": "本科",
            "graduation_year": 2026,
            "experience_years": 0,
            "desired_locations": [regions["wucheng"].pk],
        },
    )
    returnee = seeker(
        regions, "海归硕士", 1, education="硕士", graduation_year=2023, overseas_returnee=True
    )
    school = seeker(regions, "高中毕业", 2, education="高中/中专", graduation_year=2026)
    last_year = seeker(
        regions, "往年大专", 3, education="大专", graduation_year=2024, overseas_returnee=True
    )
    pending = seeker(regions, "待录用", 4, graduation_year=2025, overseas_returnee=True)
    boundary = seeker(regions, "两年前毕业", 5, graduation_year=2024, overseas_returnee=True)
    offered = services.do_apply(pending, zhuma, now=at(D(2026, 11, 3)))
    for step in ("viewed", "interview", "offer"):  # an offer, not (yet) a hire
        services.do_move_application(talent["employer"], offered, step, now=at(D(2026, 11, 3)))
    return {
        # 本科, graduated 2026: a graduate, hired twice in November (two employers).
        "fresh_zhuma": hire(talent, fresh, zhuma, D(2026, 11, 5)),
        "fresh_baibu": hire(talent, fresh, baibu, D(2026, 11, 25)),
        # 硕士 from abroad, graduated 2023: more than two years before 2026.
        "returnee": hire(talent, returnee, baibu, D(2026, 11, 10)),
        # 高中/中专: below 大专.
        "school": hire(talent, school, zhuma, D(2026, 11, 12)),
        # 大专 2024, from abroad, but hired on 31 October.
        "last_year": hire(talent, last_year, zhuma, D(2026, 10, 31)),
        # 本科 2024 from abroad, hired 2026: the earliest graduation year that counts.
        "boundary": hire(talent, boundary, baibu, D(2026, 11, 20)),
    }


@covered("talent.graduates_recruited")
def test_graduates_recruited_counts_people_hired_within_two_years_of_graduating(
    talent, hires, users, regions
):
    leader = users["leader"]
    # Hired in November, 大专 or above, graduated 2024–2026: 沈毕业 (twice, one person)
    # and 两年前毕业. Not 海归硕士 (2023), 高中毕业 (below 大专), 往年大专 (31 October),
    # 待录用 (an offer only).
    expected = {hires["fresh_zhuma"], hires["fresh_baibu"], hires["boundary"]}
    assert set(rows("talent.graduates_recruited", leader, **NOVEMBER)) == expected
    assert value("talent.graduates_recruited", leader, **NOVEMBER) == 2  # people, not hires
    # 婺城区 (竹马乡 jobs): 沈毕业. 海盐县 (百步镇 jobs): 沈毕业 and 两年前毕业.
    wucheng, haiyan = regions["wucheng"], regions["haiyan"]
    assert value("talent.graduates_recruited", leader, region=wucheng, **NOVEMBER) == 1
    assert value("talent.graduates_recruited", leader, region=haiyan, **NOVEMBER) == 2
    # Each enterprise counts its own hires: 竹马水泥 沈毕业; 百步电子 沈毕业 and 两年前毕业.
    assert value("talent.graduates_recruited", talent["employer"], **NOVEMBER) == 1
    assert value("talent.graduates_recruited", talent["other_employer"], **NOVEMBER) == 2
    # October: 往年大专 (2024 ≤ 2026 − 2 … 2026).
    october = {"start": D(2026, 10, 1), "end": D(2026, 10, 31)}
    assert value("talent.graduates_recruited", leader, **october) == 1
    # Another resident's cockpit shows none of it.
    assert value("talent.graduates_recruited", talent["outsider"], **NOVEMBER) == 0
    # The center's staff see every hire of the center, 婺城区 account or not
    # (talent/access_rules.py: center staff see all the center's records).
    assert value("talent.graduates_recruited", talent["staff"], **NOVEMBER) == 2


@covered("talent.overseas_talents")
def test_overseas_talents_counts_the_returnees_hired_in_the_period(talent, hires, users, regions):
    leader = users["leader"]
    # 留学回国 and hired in November: 海归硕士 and 两年前毕业 (both at 百步电子).
    # 往年大专 was hired in October; 待录用 has an offer only.
    expected = {hires["returnee"], hires["boundary"]}
    assert set(rows("talent.overseas_talents", leader, **NOVEMBER)) == expected
    assert value("talent.overseas_talents", leader, **NOVEMBER) == 2
    assert value("talent.overseas_talents", leader, region=regions["wucheng"], **NOVEMBER) == 0
    assert value("talent.overseas_talents", leader, region=regions["haiyan"], **NOVEMBER) == 2
    assert value("talent.overseas_talents", talent["employer"], **NOVEMBER) == 0
    assert value("talent.overseas_talents", talent["other_employer"], **NOVEMBER) == 2


# --- pushes -----------------------------------------------------------------------------


def consent(user, day):
    data = {"consent": True, "mode": "plain", "quiet_start": "21:00", "quiet_end": "08:00"}
    services.do_set_push(user, data, now=at(day, 9))


@pytest.fixture
def pushes(talent, postings, regions):
    """20 October: 沈毕业 is pushed the two postings open then. 2 November: the three open
    then, less those already pushed — one for 沈毕业, three for 新同意."""
    first, second = talent["seeker"], seeker(regions, "新同意", 1)
    silent = seeker(regions, "未同意", 2)  # never consents: never pushed
    services.do_save_profile(first, {"education": "本科", "experience_years": 0})
    consent(first, D(2026, 10, 20))
    assert services.do_push_recommendations(at(D(2026, 10, 20))) == 1
    consent(second, D(2026, 11, 2))
    assert services.do_push_recommendations(at(D(2026, 11, 2))) == 2
    # A recommendation that was never pushed (shown only): not a push.
    Recommendation.objects.create(
        profile=SeekerProfile.objects.get(person=silent.person),
        posting=postings["zhuma"],
        created_at=at(D(2026, 11, 5)),
    )
    return {"first": first, "second": second, "silent": silent}


@covered("talent.pushed")
def test_pushed_counts_the_postings_pushed_to_consenting_seekers_in_the_period(
    talent, postings, pushes, users, regions
):
    leader = users["leader"]
    # November: 沈毕业 ← 设备工程师 (百步镇); 新同意 ← the 竹马乡 posting, 设备工程师, 质检员.
    # Not October's two pushes to 沈毕业, nor the unpushed one, nor 未同意 (no consent).
    zhuma_title = postings["zhuma"].title
    assert value("talent.pushed", leader, **NOVEMBER) == 4
    assert {
        (r.profile.person.name, r.posting.title) for r in rows("talent.pushed", leader, **NOVEMBER)
    } == {
        ("沈毕业", "设备工程师"),
        ("新同意", zhuma_title),
        ("新同意", "设备工程师"),
        ("新同意", "质检员"),
    }
    # All time: October's two to 沈毕业 as well — each posting once per person.
    assert value("talent.pushed", leader) == 6
    # By where the job is: 竹马乡's two postings, 百步镇's one.
    assert value("talent.pushed", leader, region=regions["wucheng"], **NOVEMBER) == 2
    assert value("talent.pushed", leader, region=regions["haiyan"], **NOVEMBER) == 2
    # A seeker's own cockpit: only what was pushed to them; an enterprise sees none.
    assert value("talent.pushed", pushes["first"], **NOVEMBER) == 1
    assert value("talent.pushed", talent["employer"], **NOVEMBER) == 0


# --- talent apartments ------------------------------------------------------------------


@pytest.fixture
def leases(talent, regions, users):
    """Five units, each let from a known day for 12 months (no rule: 12 by default)."""
    staff = users["admin"]  # 百步电子's application is outside 婺城区's staff

    def let(employer, n, start, move_out=None):
        employee = Person.objects.create(
            name=f"租户{n}",
            id_number=make_id_number("330702", D(1995, 1, n), 60 + n),
            region=regions["zhuma"],
        )
        application = services.do_apply_apartment(employer, employee, "本科", False, now=at(start))
        do_transition(staff, application.case, "queue", now=at(start))
        unit = ApartmentUnit.objects.create(building="人才公寓1幢", number=f"10{n}")
        lease = services.do_allocate_next(staff, unit, start, now=at(start))
        if move_out:
            lease = services.do_move_out(staff, lease, move_out)
        return lease

    ent1, ent2 = talent["employer"], talent["other_employer"]
    return {
        "let": let(ent1, 1, D(2026, 6, 1)),  # until 1 June 2027
        "ended": let(ent1, 2, D(2025, 11, 30)),  # its last night was 29 November 2026
        "moved_out": let(ent1, 3, D(2026, 5, 1), move_out=D(2026, 11, 15)),
        "future": let(ent1, 4, D(2026, 12, 1)),
        "other": let(ent2, 5, D(2026, 9, 1)),  # 百步电子's employee
    }


@covered("talent.apartments_let")
def test_apartments_let_counts_the_units_under_a_running_lease_on_the_last_day(
    talent, leases, users
):
    leader = users["leader"]
    # On 30 November: unit 101 (June 2026 – June 2027) and unit 105 (from September).
    # Not 102 (its lease ended that day), 103 (moved out on 15 November), 104 (December).
    assert value("talent.apartments_let", leader, **NOVEMBER) == 2
    assert set(rows("talent.apartments_let", leader, **NOVEMBER)) == {
        leases["let"],
        leases["other"],
    }
    # On 10 November 103 was still lived in, and 102's lease still ran.
    assert value("talent.apartments_let", leader, end=D(2026, 11, 10)) == 4
    # An enterprise counts its own employees' units only.
    assert value("talent.apartments_let", talent["employer"], **NOVEMBER) == 1
    assert value("talent.apartments_let", talent["other_employer"], **NOVEMBER) == 1
    assert value("talent.apartments_let", talent["outsider"], **NOVEMBER) == 0


def test_every_talent_figure_has_a_test_here():
    # A figure registered without a test above fails here.
    assert covered.codes == covered.registered()
