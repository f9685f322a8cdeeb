"""One persona world: the role accounts, the county office and the station combine."""

from qinqing.cases.services import do_open_case, do_transition


def test_the_role_accounts_the_case_office_and_the_station_live_in_one_county(
    users, office, station, regions
):
    assert users["staff"].department == office["economy"]
    case = do_open_case(
        office["requester"], case_type="general", title="路灯不亮", region=regions["zhuma"]
    )
    case = do_transition(office["dispatcher"], case, "accept")
    case = do_transition(office["dispatcher"], case, "dispatch", department=office["economy"])
    # The 区经商局 of the role accounts is the office's: its staff may sign the case.
    assert do_transition(users["staff"], case, "sign").state.code == "signed"
    assert station["liaison"].regions.get() == regions["zhuma"]
