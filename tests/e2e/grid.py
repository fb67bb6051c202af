"""What a table (Streamlit's grid) shows, read whole, for every browser test: one copy.

Streamlit 1.67's grid (glide-data-grid) draws on a canvas. Its accessible table is what a
screen reader reads, and it holds only the cells in view: a test that reads it without
scrolling sees the first rows and columns only, whatever the table holds. :func:`grid_rows`
scrolls the grid's own scroller page by page, down and across, and reads the accessible
table at each place once it has caught up with the scroll, until every row and column the
table announces (``aria-rowcount``, ``aria-colcount``) has been read.
"""

from __future__ import annotations

from typing import Any

LONG_WAIT_MS = 180_000
# Whole passes over the grid before a table still not read whole is an error.
PASSES = 3
# How long a scroll may leave the accessible table as it was before it counts as a place
# already in view; and the room kept for the grid's header (35 px) in each scroll step.
CATCH_UP_MS = 1_500
HEADER_ROOM_PX = 40

READ_WHOLE = (
    """
async (grid, first) => {
  const scroller = grid.querySelector(".dvn-scroller");
  const table = grid.querySelector('table[role="grid"]');
  // Less the header row; only the first rows when the caller wants no more.
  const rowCount = Math.min(first ?? Infinity,
                            Number(table.getAttribute("aria-rowcount")) - 1);
  const colCount = Number(table.getAttribute("aria-colcount"));
  const headers = new Map();
  const cells = new Map();
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  // One read of the accessible table, so a redraw cannot take a cell away mid-read.
  const read = () => ({
    heads: [...table.querySelectorAll('thead [role="columnheader"]')].map(
      (h) => [Number(h.getAttribute("aria-colindex")), h.innerText.trim()]),
    cells: [...table.querySelectorAll('tbody [role="gridcell"]')].map((c) => [
      Number(c.parentElement.getAttribute("aria-rowindex")) - 2,
      Number(c.getAttribute("aria-colindex")), c.innerText.trim()]),
  });
  const key = (seen) => JSON.stringify(seen.cells.map(([r, c]) => [r, c]));
  const complete = () => headers.size >= colCount && new Set(
    [...cells.keys()].map((k) => k.split(",")[0])).size >= rowCount;
  // The accessible table follows a scroll some frames later (about 200 ms here, when
  // quiet): a place is read once its cells have changed since the scroll, or after
  // CATCH_UP_MS when nothing changes (the place it was already at).
  const visit = async (top, left) => {
    const before = key(read());
    scroller.scrollTop = top;
    scroller.scrollLeft = left;
    scroller.dispatchEvent(new Event("scroll"));
    const start = performance.now();
    let seen = read();
    while (key(seen) === before && performance.now() - start < CATCH_UP_MS) {
      await frame();
      seen = read();
    }
    await frame();  // the cells' text is written with their rows
    seen = read();
    for (const [index, name] of seen.heads) headers.set(index, name);
    for (const [row, col, text] of seen.cells) {
      if (row < rowCount) cells.set(`${row},${col}`, text);
    }
    return {lastRow: seen.cells.some(([row]) => row === rowCount - 1),
            lastCol: seen.cells.some(([, col]) => col === colCount)};
  };
  const bottom = scroller.scrollHeight - scroller.clientHeight;
  const right = scroller.scrollWidth - scroller.clientWidth;
  // Steps of a view less the header's height, so every row and column is in some view.
  const down = Math.max(1, scroller.clientHeight - HEADER_ROOM_PX);
  const across = Math.max(1, scroller.clientWidth - HEADER_ROOM_PX);
  // Away first, so that the read at the top left is one the table made after a scroll.
  if (bottom > 0 || right > 0) await visit(Math.min(bottom, down), Math.min(right, across));
  for (let pass = 0; pass < PASSES && !complete(); pass++) {
    // A step stops early once the last row or column is in view: a clamped last step
    // would show the same cells and wait CATCH_UP_MS for a change.
    for (let top = 0; ; top = Math.min(bottom, top + down)) {
      let sawLastRow = false;
      for (let left = 0; ; left = Math.min(right, left + across)) {
        const seen = await visit(top, left);
        sawLastRow = sawLastRow || seen.lastRow;
        if (left >= right || seen.lastCol) break;
      }
      if (top >= bottom || sawLastRow) break;
    }
  }
  scroller.scrollTop = 0;
  scroller.scrollLeft = 0;
  scroller.dispatchEvent(new Event("scroll"));
  return {rowCount, colCount, headers: [...headers.entries()],
          cells: [...cells.entries()].map(([k, text]) => [...k.split(",").map(Number), text])};
}
""".replace("PASSES", str(PASSES))
    .replace("CATCH_UP_MS", str(CATCH_UP_MS))
    .replace("HEADER_ROOM_PX", str(HEADER_ROOM_PX))
)


def grid_table(grid: Any, first: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Every column name and every row (its cells in column order) of ``grid``, a
    ``[data-testid="stDataFrame"]`` locator, read whole (see the module's docstring), or
    its ``first`` rows only."""
    grid.locator('[role="gridcell"]').first.wait_for(state="attached", timeout=LONG_WAIT_MS)
    grid.scroll_into_view_if_needed()
    found = grid.evaluate(READ_WHOLE, first)
    headers = dict(found["headers"])
    columns = sorted(headers)
    by_row: dict[int, dict[int, str]] = {}
    for row, col, text in found["cells"]:
        by_row.setdefault(row, {})[col] = text
    read = (len(by_row), len(columns))
    assert read == (found["rowCount"], found["colCount"]), (
        f"read {read[0]} of {found['rowCount']} rows and {read[1]} of {found['colCount']} "
        "columns of the grid"
    )
    rows = [[by_row[row].get(col, "") for col in columns] for row in sorted(by_row)]
    return [headers[col] for col in columns], rows


def grid_rows(grid: Any) -> list[list[str]]:
    """Every row of ``grid``, its cells in column order."""
    return grid_table(grid)[1]


def grid_records(grid: Any, first: int | None = None) -> list[dict[str, str]]:
    """Every row of ``grid`` (or its ``first`` rows) as column name -> cell text."""
    names, rows = grid_table(grid, first)
    return [dict(zip(names, row, strict=True)) for row in rows]


def grid_text(grid: Any) -> str:
    """Every cell of ``grid``, row by row, joined by `` | `` (for "is it shown" checks)."""
    return " | ".join(cell for row in grid_rows(grid) for cell in row)


def table(page: Any, nth: int = 0) -> Any:
    """The ``nth`` table (Streamlit grid) on ``page``."""
    return page.locator('[data-testid="stDataFrame"]').nth(nth)
