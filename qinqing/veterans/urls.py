from django.urls import path

from qinqing.veterans.views import payments, people, public, station

urlpatterns = [
    path("", station.home, name="veterans-home"),
    path("wall/", public.wish_wall, name="veterans-wall"),
    path("register/", public.claimant_register, name="veterans-register"),
    path("wishes/<int:pk>/claim/", public.wish_claim, name="veterans-claim"),
    path("claims/", people.my_claims, name="veterans-claims"),
    path("mine/", people.my_wishes, name="veterans-mine"),
    path("people/", station.people, name="veterans-people"),
    path("visits/", station.visits, name="veterans-visits"),
    path("visits/new/", station.visit_new, name="veterans-visit-new"),
    path("wishes/", station.wishes, name="veterans-wishes"),
    path("stations/", station.stations, name="veterans-stations"),
    path("payments/", payments.payments, name="veterans-payments"),
    path("payments/derive/", payments.derive_eligibility, name="veterans-derive"),
]
