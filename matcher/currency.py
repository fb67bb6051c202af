"""Currency conversion with the dated rate table shipped in ``data/exchange_rates.csv``.

Donors pledge in their own currency and proposals ask in theirs (the LifeWeb records mix USD
and EUR), so a plan that adds amounts up must first bring them to one currency. The table
holds the ECB euro reference rates of the first business day of each year (plus the latest
day in the copy used), so a conversion "as of" a date uses the newest rate on or before it.
Cross rates go through USD: ``amount * usd_per_unit[from] / usd_per_unit[to]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from matcher.errors import LifeWebMatchError
from matcher.reference import data_dir
from matcher.words import noun

__all__ = [
    "RateTable",
    "UnknownCurrencyError",
    "load_rate_table",
]

RATE_FILE = "exchange_rates.csv"
RATE_COLUMNS = ("date", "currency", "usd_per_unit")


class UnknownCurrencyError(LifeWebMatchError, ValueError):
    """A currency code the rate table has no rate for."""


def _as_timestamp(on: str | date | pd.Timestamp | None) -> pd.Timestamp | None:
    if on is None or (isinstance(on, str) and not on.strip()):
        return None
    try:
        return pd.Timestamp(on).normalize()
    except (ValueError, TypeError) as error:
        raise LifeWebMatchError(f"Rate date {on!r} is not a date (use YYYY-MM-DD).") from error


@dataclass(frozen=True)
class RateTable:
    """Dated rates to USD: one row per (date, currency) with ``usd_per_unit``.

    Build it with :func:`load_rate_table` or from any frame with the columns ``date``,
    ``currency`` and ``usd_per_unit``.
    """

    frame: pd.DataFrame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> RateTable:
        """Validate and sort a rate frame; bad rows raise with the row named."""
        missing = [c for c in RATE_COLUMNS if c not in frame.columns]
        if missing:
            raise LifeWebMatchError(
                f"The rate table lacks the {noun(len(missing), 'column')} {', '.join(missing)}; it needs "
                f"{', '.join(RATE_COLUMNS)}."
            )
        table = pd.DataFrame(
            {
                "date": pd.to_datetime(frame["date"], errors="coerce"),
                "currency": frame["currency"].astype(str).str.strip().str.upper(),
                "usd_per_unit": pd.to_numeric(frame["usd_per_unit"], errors="coerce"),
            }
        )
        bad = table["date"].isna() | ~(table["usd_per_unit"] > 0)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # header is line 1
            raise LifeWebMatchError(
                f"The rate table has a row without a valid date or positive rate (line {row})."
            )
        table = table.sort_values(["currency", "date"], kind="stable").reset_index(drop=True)
        return cls(table)

    @property
    def currencies(self) -> tuple[str, ...]:
        """Currency codes the table can convert."""
        return tuple(sorted(self.frame["currency"].unique()))

    @property
    def latest_date(self) -> pd.Timestamp:
        """Date of the newest rate in the table."""
        return pd.Timestamp(self.frame["date"].max())

    def rate_date(self, currency: str, on: str | date | pd.Timestamp | None = None) -> pd.Timestamp:
        """Date of the rate used for ``currency`` as of ``on`` (newest on or before it).

        A date before the first rate uses the first rate; ``None`` uses the newest.
        """
        dates, _ = self._series(currency)
        return pd.Timestamp(dates[self._position(dates, on)])

    def usd_per_unit(self, currency: str, on: str | date | pd.Timestamp | None = None) -> float:
        """US dollars one unit of ``currency`` buys, as of ``on`` (see :meth:`rate_date`)."""
        dates, rates = self._series(currency)
        # The first row of that date, as a look-up by date would find it.
        first = int(np.searchsorted(dates, dates[self._position(dates, on)], side="left"))
        return float(rates[first])

    @staticmethod
    def _position(dates: np.ndarray, on: str | date | pd.Timestamp | None) -> int:
        when = _as_timestamp(on)
        if when is None:
            return len(dates) - 1
        return max(int(np.searchsorted(dates, np.datetime64(when), side="right")) - 1, 0)

    def convert(
        self,
        amounts: float | Iterable[float] | np.ndarray | pd.Series,
        from_currency: str | Iterable[str],
        to_currency: str,
        *,
        on: str | date | pd.Timestamp | None = None,
    ) -> np.ndarray:
        """Convert ``amounts`` (one currency, or one per amount) into ``to_currency``.

        Parameters
        ----------
        amounts
            A number or an array of numbers; NaN stays NaN.
        from_currency
            One ISO 4217 code for all amounts, or one code per amount.
        to_currency
            ISO 4217 code of the result.
        on
            Date of the rates (newest rate on or before it); ``None`` uses the newest.

        Returns
        -------
        numpy.ndarray
            The converted amounts as floats.

        Raises
        ------
        UnknownCurrencyError
            When a code is not in the table.
        """
        values = np.atleast_1d(np.asarray(amounts, dtype=float))
        if isinstance(from_currency, str):
            codes = np.full(values.shape, from_currency.strip().upper(), dtype=object)
        else:
            codes = np.asarray([str(c).strip().upper() for c in from_currency], dtype=object)
            if codes.shape != values.shape:
                raise ValueError("Give one currency per amount, or a single currency.")
        target = self.usd_per_unit(to_currency, on)
        factors = {code: self.usd_per_unit(code, on) / target for code in set(codes.tolist())}
        return values * np.asarray([factors[c] for c in codes], dtype=float)

    @cached_property
    def _by_currency(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Each currency's dates and rates, in date order: a page converts a few times per
        run, and filtering the whole table per call cost it ~35 ms (issue 13)."""
        return {
            str(code): (rows["date"].to_numpy(), rows["usd_per_unit"].to_numpy(dtype=float))
            for code, rows in self.frame.groupby("currency", sort=False)
        }

    def _series(self, currency: str) -> tuple[np.ndarray, np.ndarray]:
        code = str(currency).strip().upper()
        found = self._by_currency.get(code)
        if found is None:
            raise UnknownCurrencyError(
                f"No exchange rate for currency {currency!r}; the rate table has "
                f"{', '.join(self.currencies)}."
            )
        return found


@cache
def _default_table(path: str) -> RateTable:
    return RateTable.from_frame(pd.read_csv(path, keep_default_na=False, dtype=str))


def load_rate_table(path: str | Path | None = None) -> RateTable:
    """The shipped dated rate table (cached), or the one at ``path``.

    Raises
    ------
    matcher.errors.LifeWebMatchError
        When the file is missing or malformed; the message names the problem.
    """
    location = Path(path) if path is not None else data_dir() / RATE_FILE
    if not location.is_file():
        raise LifeWebMatchError(f"Exchange-rate table not found: {location}")
    return _default_table(str(location.resolve()))
