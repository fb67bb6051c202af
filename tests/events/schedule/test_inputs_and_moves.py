"""Bad inputs are refused with the row named; moving a meeting keeps the rest in place."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.events.schedule import ScheduleInputError, best_pairs, move_meeting, schedule_meetings


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("Germany", "Peru", "high")], "pairs row 0, column score: 'high' is not a number"),
        ([(" ", "Peru", 0.5)], "pairs row 0, column donor: the name is empty"),
        ([("Germany", "Peru", 0.5), ("Germany", "Peru", 0.6)], "already paired on row 0"),
    ],
)
def test_bad_pairs_rows_are_refused_with_row_and_column(table, pairs, message) -> None:
    with pytest.raises(ScheduleInputError, match=message):
        schedule_meetings(table(pairs, "donor delegation score"), slots=2, tables=1)


def test_missing_column_is_named(table) -> None:
    with pytest.raises(ScheduleInputError, match=r"needs the column score"):
        schedule_meetings(table([("Germany", "Peru")], "donor delegation"), slots=2, tables=1)


@pytest.mark.parametrize(
    ("locked", "message"),
    [
        ([("Germany", "Peru", 3)], "slot"),
        (
            [("Germany", "Peru", 1), ("Germany", "Chad", 1)],
            "Germany already has a locked meeting in slot 1",
        ),
        ([("Germany", "Peru", 2)], "Peru is unavailable in slot 2"),
    ],
)
def test_locks_that_cannot_hold_are_refused(table, locked, message) -> None:
    pairs = table([("Germany", "Peru", 0.5), ("Germany", "Chad", 0.4)], "donor delegation score")
    away = table([("Peru", 2)], "party slot")
    with pytest.raises(ScheduleInputError, match=message):
        schedule_meetings(
            pairs,
            slots=2,
            tables=1,
            unavailable=away,
            locked=table(locked, "donor delegation slot"),
        )


def test_slot_count_must_be_positive(table) -> None:
    with pytest.raises(ScheduleInputError, match="number of slots"):
        schedule_meetings(table([("G", "P", 0.5)], "donor delegation score"), slots=0, tables=1)


def test_unknown_party_in_unavailability_is_noted_not_fatal(table) -> None:
    pairs = table([("Germany", "Peru", 0.5)], "donor delegation score")
    result = schedule_meetings(
        pairs, slots=1, tables=1, unavailable=table([("Jpan", 1)], "party slot")
    )
    assert len(result.schedule) == 1
    assert any("Jpan" in note for note in result.report.notes)


def test_best_pairs_keeps_each_delegations_best_proposal_per_donor() -> None:
    rows = pd.DataFrame(
        {
            "donor": ["IKI", "IKI", "JBF"],
            "country": ["Peru", "Peru", "Peru"],
            "score": [0.4, 0.7, 0.2],
        }
    )
    pairs = best_pairs(rows, delegation="country")
    assert pairs.to_dict("records") == [
        {"donor": "IKI", "delegation": "Peru", "score": 0.7},
        {"donor": "JBF", "delegation": "Peru", "score": 0.2},
    ]


def test_donors_keep_their_table_across_slots(table) -> None:
    pairs = table(
        [(d, g, 0.5) for d in ("Germany", "Japan") for g in ("Peru", "Chad")],
        "donor delegation score",
    )
    schedule = schedule_meetings(pairs, slots=2, tables=2).schedule
    assert schedule.groupby("donor")["table"].nunique().eq(1).all()


def test_moving_a_meeting_locks_it_at_the_new_slot_and_keeps_the_others(table, checks) -> None:
    pairs = table(
        [
            ("Germany", "Peru", 0.9),
            ("Germany", "Chad", 0.5),
            ("Japan", "Fiji", 0.7),
            ("Norway", "Laos", 0.6),
        ],
        "donor delegation score",
    )
    first = schedule_meetings(pairs, slots=3, tables=3).schedule
    before = {(r.donor, r.delegation): r.slot for r in first.itertuples()}
    target = 1 + before[("Germany", "Peru")] % 3
    if target == before[("Germany", "Chad")]:
        target = 1 + target % 3
    moved = move_meeting(
        pairs, first, donor="Germany", delegation="Peru", slot=target, slots=3, tables=3
    ).schedule
    after = {(r.donor, r.delegation): r.slot for r in moved.itertuples()}
    assert after[("Germany", "Peru")] == target
    assert moved.loc[moved["delegation"] == "Peru", "locked"].item()
    for key in (("Japan", "Fiji"), ("Norway", "Laos"), ("Germany", "Chad")):
        assert after[key] == before[key]
    checks.feasible(moved, pairs, slots=3, tables=3)


def test_moving_into_a_slot_where_the_delegation_is_away_is_refused(table) -> None:
    pairs = table([("Germany", "Peru", 0.9)], "donor delegation score")
    away = table([("Peru", 2)], "party slot")
    first = schedule_meetings(pairs, slots=2, tables=1, unavailable=away).schedule
    with pytest.raises(ScheduleInputError, match="Peru is unavailable in slot 2"):
        move_meeting(
            pairs,
            first,
            donor="Germany",
            delegation="Peru",
            slot=2,
            slots=2,
            tables=1,
            unavailable=away,
        )


def test_frames_with_repeated_index_labels_are_read_row_by_row(table) -> None:
    pairs = table([("Germany", "Peru", 0.9), ("Japan", "Chad", 0.4)], "donor delegation score")
    locked = pd.concat(
        [
            table([("Germany", "Peru", 1)], "donor delegation slot"),
            table([("Japan", "Chad", 2)], "donor delegation slot"),
        ]
    )
    away = pd.concat([table([("Peru", 2)], "party slot"), table([("Chad", 1)], "party slot")])
    assert list(locked.index) == [0, 0]
    result = schedule_meetings(
        pairs, slots=2, tables=1, locked=locked, unavailable=away, previous=locked
    )
    assert result.schedule[["delegation", "slot"]].values.tolist() == [["Peru", 1], ["Chad", 2]]
