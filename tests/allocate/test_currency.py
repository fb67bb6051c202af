"""The shipped dated rate table and conversions through it."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.currency import RateTable, UnknownCurrencyError, load_rate_table
from matcher.errors import LifeWebMatchError


def test_shipped_table_has_usd_and_eur_on_every_date(data_dir):
    frame = pd.read_csv(data_dir / "exchange_rates.csv", keep_default_na=False)
    per_date = frame.groupby("date")["currency"].agg(set)
    assert all({"USD", "EUR"} <= codes for codes in per_date)
    assert (frame.loc[frame["currency"] == "USD", "usd_per_unit"] == 1).all()
    assert frame["source"].str.contains("ECB").all()


def test_eur_converts_at_the_ecb_rate_of_the_first_business_day_of_the_year():
    rates = load_rate_table()
    # ECB reference rate on 2013-01-02: 1 EUR = 1.3262 USD.
    assert rates.convert(1000, "EUR", "USD", on="2013-06-30")[0] == pytest.approx(1326.2)
    assert rates.rate_date("EUR", "2013-06-30") == pd.Timestamp("2013-01-02")


def test_a_date_before_the_table_uses_its_first_rate_and_none_uses_the_latest():
    rates = load_rate_table()
    assert rates.rate_date("EUR", "1999-05-01") == pd.Timestamp("2008-01-02")
    assert rates.rate_date("EUR") == rates.latest_date


def test_cross_rates_go_through_usd(simple_rates):
    assert simple_rates.convert([10.0, 4.0], ["EUR", "USD"], "EUR")[1] == pytest.approx(2.0)
    assert simple_rates.convert(10.0, "EUR", "USD", on="2021-03-01")[0] == pytest.approx(15.0)


def test_unknown_currency_names_the_codes_it_has(simple_rates):
    with pytest.raises(UnknownCurrencyError, match=r"XYZ.*EUR, USD"):
        simple_rates.convert(1.0, "XYZ", "USD")


def test_a_rate_table_with_a_bad_row_names_the_line():
    frame = pd.DataFrame(
        {"date": ["2020-01-01", "soon"], "currency": ["USD", "EUR"], "usd_per_unit": [1, 1.1]}
    )
    with pytest.raises(LifeWebMatchError, match="line 3"):
        RateTable.from_frame(frame)
