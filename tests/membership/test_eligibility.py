import datetime as dt

from mutuelle.membership import Applicant, check_eligibility

D = dt.date


def test_resident_of_16_may_join_with_no_age_limit(offer) -> None:
    young = Applicant(birth_date=D(2009, 3, 1), links=("resident",))
    assert check_eligibility(offer, "residents", young, D(2025, 3, 1)).eligible
    old = Applicant(birth_date=D(1925, 3, 1), links=("resident",))
    r = check_eligibility(offer, "residents", old, D(2025, 3, 1))
    assert r.eligible
    assert any("aucune limite d'âge" in s.rule for s in r.steps)  # convention art. 2.1


def test_every_failing_condition_is_listed(offer) -> None:
    a = Applicant(
        birth_date=D(2010, 1, 1),
        links=("resident",),
        amo_affiliated=False,
        mandatory_collective_cover=True,
        debt_to_mutual=True,
    )
    r = check_eligibility(offer, "residents", a, D(2025, 3, 1))
    assert not r.eligible
    assert len(r.failures) == 4
    assert "au moins 16 ans" in r.failures[0].rule
    assert "l. 2245" in r.failures[0].source


def test_ranges_open_to_their_public_only(offer) -> None:
    resident = Applicant(birth_date=D(1990, 1, 1), links=("resident",))
    assert not check_eligibility(offer, "agents", resident, D(2025, 3, 1)).eligible
    assert not check_eligibility(offer, "tns", resident, D(2025, 3, 1)).eligible
    student = Applicant(birth_date=D(2004, 1, 1), links=("studies",), higher_education=True)
    assert check_eligibility(offer, "students", student, D(2025, 3, 1)).eligible
    parent = Applicant(
        birth_date=D(2004, 1, 1), links=("studies",), higher_education=True, dependants=1
    )
    r = check_eligibility(offer, "students", parent, D(2025, 3, 1))
    assert not r.eligible and "sans ayant droit" in r.failures[0].rule
