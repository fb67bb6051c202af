"""Each delegation left without a meeting is named with the reason a programme officer can act on."""

from __future__ import annotations

from matcher.events.schedule import schedule_meetings


def reasons(result) -> dict[str, tuple[str, str]]:
    return {r.delegation: (r.reason_code, r.reason) for r in result.report.unmet.itertuples()}


def test_invited_delegation_without_any_pair_is_reported_as_no_eligible_pair(table) -> None:
    pairs = table([("Germany", "Peru", 0.7)], "donor delegation score")
    result = schedule_meetings(pairs, slots=2, tables=1, delegations=["Peru", "Chad"])
    code, reason = reasons(result)["Chad"]
    assert code == "no_pair"
    assert "no eligible pair" in reason


def test_delegation_unavailable_in_every_slot(table) -> None:
    pairs = table([("Germany", "Peru", 0.7), ("Germany", "Chad", 0.4)], "donor delegation score")
    away = table([("Chad", 1), ("Chad", 2)], "party slot")
    result = schedule_meetings(pairs, slots=2, tables=1, unavailable=away)
    assert reasons(result)["Chad"] == ("unavailable", "it is unavailable in every slot")


def test_delegation_whose_donors_are_away_whenever_it_is_free(table) -> None:
    pairs = table([("Germany", "Chad", 0.4), ("Norway", "Chad", 0.3)], "donor delegation score")
    away = table([("Chad", 1), ("Germany", 2), ("Norway", 2)], "party slot")
    result = schedule_meetings(pairs, slots=2, tables=2, unavailable=away)
    code, reason = reasons(result)["Chad"]
    assert code == "no_common_slot"
    assert "Germany" in reason and "Norway" in reason


def test_delegation_whose_only_donor_reached_its_cap(table) -> None:
    pairs = table(
        [("Germany", "Peru", 0.9), ("Germany", "Chad", 0.4), ("Japan", "Peru", 0.2)],
        "donor delegation score",
    )
    # Germany may meet once; coverage first would give Germany to Chad and Japan to Peru.
    # Lock Germany-Peru so Chad cannot be met, and the reason is Germany's cap.
    locked = table([("Germany", "Peru", 1)], "donor delegation slot")
    result = schedule_meetings(pairs, slots=2, tables=2, max_per_donor=1, locked=locked)
    code, reason = reasons(result)["Chad"]
    assert code == "donors_full"
    assert "Germany" in reason and "1 meeting each" in reason


def test_delegation_blocked_because_every_table_is_taken(table) -> None:
    # One table, one slot: Peru and Chad compete for it; Peru's meeting scores higher.
    pairs = table([("Germany", "Peru", 0.9), ("Japan", "Chad", 0.4)], "donor delegation score")
    result = schedule_meetings(pairs, slots=1, tables=1)
    assert result.schedule["delegation"].tolist() == ["Peru"]
    code, reason = reasons(result)["Chad"]
    assert code == "tables_full"
    assert "the one table is taken" in reason and "(slot 1)" in reason


def test_delegation_whose_donor_is_booked_in_every_slot(table) -> None:
    pairs = table(
        [("Germany", "Peru", 0.9), ("Germany", "Fiji", 0.8), ("Germany", "Chad", 0.1)],
        "donor delegation score",
    )
    locked = table([("Germany", "Peru", 1), ("Germany", "Fiji", 2)], "donor delegation slot")
    result = schedule_meetings(pairs, slots=2, tables=3, locked=locked)
    code, reason = reasons(result)["Chad"]
    assert code == "donors_booked"
    assert "Germany busy in slots 1, 2" in reason


def test_report_lines_give_both_objectives_and_the_unmet(table) -> None:
    pairs = table([("Germany", "Peru", 0.9), ("Japan", "Chad", 0.4)], "donor delegation score")
    lines = schedule_meetings(pairs, slots=1, tables=1).report.lines()
    assert lines[0] == "Delegations with at least one meeting: 1 of 2"
    assert lines[1] == "Total match score of the 1 meeting: 0.900"
    assert lines[2].startswith("Solver: optimal")
    assert lines[3].startswith("Not met: Chad: the one table is taken")


def test_reasons_use_display_names_when_given(table) -> None:
    pairs = table([("DE-IKI", "PER", 0.9), ("JP-JBF", "TCD", 0.4)], "donor delegation score")
    names = {"DE-IKI": "Germany (IKI)", "JP-JBF": "Japan Biodiversity Fund", "TCD": "Chad"}
    result = schedule_meetings(pairs, slots=1, tables=1, names=names)
    unmet = result.report.unmet
    assert unmet[["delegation", "name", "reason_code"]].values.tolist() == [
        ["TCD", "Chad", "tables_full"]
    ]
    assert result.report.lines()[3].startswith("Not met: Chad: the one table is taken")


def test_booked_reason_names_the_donor_by_its_display_name(table) -> None:
    pairs = table([("DE-IKI", "PER", 0.9), ("DE-IKI", "TCD", 0.1)], "donor delegation score")
    locked = table([("DE-IKI", "PER", 1)], "donor delegation slot")
    result = schedule_meetings(
        pairs, slots=1, tables=2, locked=locked, names={"DE-IKI": "Germany (IKI)"}
    )
    assert result.report.unmet["reason"].item() == (
        "its donors are booked with other delegations whenever it is free: "
        "Germany (IKI) busy in slot 1"
    )
