from django.urls import path

from qinqing.talent.views import center, common, employer, invitations, seeker

urlpatterns = [
    path("", common.home, name="talent-home"),
    path("search/", seeker.search, name="talent-search"),
    path("postings/<int:pk>/", seeker.posting_detail, name="talent-posting"),
    path("postings/<int:pk>/apply/", seeker.apply, name="talent-apply"),
    path("postings/<int:pk>/feedback/", seeker.feedback, name="talent-feedback"),
    path("recommendations/", seeker.recommendations, name="talent-recommendations"),
    path("applications/", seeker.my_applications, name="talent-applications"),
    path("profile/", seeker.profile, name="talent-profile"),
    path("push/", seeker.push_settings, name="talent-push"),
    path("push/off/", seeker.push_off, name="talent-push-off"),
    path("lodging/", seeker.lodging, name="talent-lodging"),
    path("lodging/<int:pk>/<str:move>/", center.stay_move, name="talent-stay-move"),
    path("my-postings/", employer.postings, name="talent-postings"),
    path("my-postings/new/", employer.posting_edit, name="talent-posting-new"),
    path("my-postings/<int:pk>/edit/", employer.posting_edit, name="talent-posting-edit"),
    path(
        "my-postings/<int:pk>/withdraw/", employer.posting_withdraw, name="talent-posting-withdraw"
    ),
    path(
        "my-postings/<int:pk>/seekers/",
        invitations.matched_seekers,
        name="talent-matched-seekers",
    ),
    path(
        "my-postings/<int:pk>/seekers/<int:profile_pk>/invite/",
        invitations.invite,
        name="talent-invite",
    ),
    path("invitations/", invitations.invitations, name="talent-invitations"),
    path("invitations/<int:pk>/<str:answer>/", invitations.answer, name="talent-invitation-answer"),
    path("applicants/", employer.applicants, name="talent-applicants"),
    path("applicants/<int:pk>/", employer.applicant, name="talent-applicant"),
    path("review/", center.review_queue, name="talent-review"),
    path("review/<int:pk>/", center.review, name="talent-review-posting"),
    path("apartments/", center.apartments, name="talent-apartments"),
    path("apartments/units/<int:unit_pk>/allocate/", center.allocate, name="talent-allocate"),
    path("events/", center.events, name="talent-events"),
    path("events/<int:pk>/register/", center.event_register, name="talent-event-register"),
    path("agreements/", center.agreements, name="talent-agreements"),
]
