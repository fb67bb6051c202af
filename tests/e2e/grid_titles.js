// What the grid draws in a title column, row by row (read by tests/e2e/test_title_rows.py).
//
// Called with the grid's element and the title column's header text. Scrolls the grid
// down until every row has been wholly in view once and returns, per row: the full text
// (the accessible table's cell, which is the cell's value), the lines the grid's wrapping
// rule puts it on in the column's drawn width and the grid's font, the height those lines
// need, the row's drawn height, the bands of text drawn in the cell, and whether the last
// band ends in an ellipsis.
async (grid, title) => {
  const canvas = grid.querySelector('[data-testid="data-grid-canvas"]');
  const scroller = grid.querySelector(".dvn-scroller");
  const style = getComputedStyle(canvas);
  const css = (name) => style.getPropertyValue(name).trim();
  // The grid's own font and paddings, from the CSS variables it sets on itself.
  const font = `${css("--gdg-base-font-style")} ${css("--gdg-font-family")}`;
  const hPad = parseFloat(css("--gdg-cell-horizontal-padding"));
  const vPad = parseFloat(css("--gdg-cell-vertical-padding"));
  await document.fonts.load(font);
  await document.fonts.ready;
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = font;
  const width = (text) => ctx.measureText(text).width;
  // glide-data-grid draws a wrapped cell's lines lineHeight (1.4, its theme default, which
  // Streamlit 1.67 keeps) times the height of "ABCi09jgqpy" apart.
  const probe = ctx.measureText("ABCi09jgqpy");
  const glyph = probe.actualBoundingBoxAscent + probe.actualBoundingBoxDescent;
  const step = 1.4 * glyph;

  // The grid's wrapping (canvas-hypertxt's split, as glide-data-grid 6 calls it): the
  // longest prefix narrower than the room, cut back to its last space; the rest of the text,
  // its leading space included, is measured again for the next line.
  const splitPoint = (text, room, textWidth) => {
    if (text.length <= 1) return text.length;
    let guess = Math.floor((room / textWidth) * text.length);
    let guessWidth = width(text.slice(0, Math.max(0, guess)));
    if (guessWidth < room) {
      while (guessWidth < room) guessWidth = width(text.slice(0, ++guess));
      guess--;
    } else {
      while (guessWidth > room) {
        const space = text.lastIndexOf(" ", guess - 1);
        guess = space > 0 ? space : guess - 1;
        guessWidth = width(text.slice(0, Math.max(0, guess)));
      }
    }
    if (text[guess] !== " ") {
      const space = text.lastIndexOf(" ", guess);
      if (space > 0) guess = space;
    }
    return guess;
  };
  const wrap = (value, room) => {
    const lines = [];
    for (let line of value.split("\n")) {
      let lineWidth = width(line);
      if (lineWidth <= room) {
        lines.push(line);
        continue;
      }
      while (lineWidth > room) {
        const cut = line.slice(0, Math.max(0, splitPoint(line, room, lineWidth)));
        line = line.slice(cut.length);
        lines.push(cut);
        lineWidth = width(line);
      }
      if (lineWidth > 0) lines.push(line);
    }
    return lines.map((l, i) => (i === 0 ? l.trimEnd() : l.trim()));
  };

  // The ellipsis as the grid's font draws it: how wide its ink is and how tall its dots.
  const mark = document.createElement("canvas");
  mark.width = 40;
  mark.height = 30;
  const markCtx = mark.getContext("2d");
  markCtx.fillStyle = "#fff";
  markCtx.fillRect(0, 0, 40, 30);
  markCtx.font = font;
  markCtx.fillStyle = "#000";
  markCtx.fillText("\u2026", 5, 20);
  const markPixels = markCtx.getImageData(0, 0, 40, 30).data;
  let markLeft = 40, markRight = -1, markTop = 30, markBottom = -1;
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 40; x++) {
      if (markPixels[(y * 40 + x) * 4] < 160) {
        markLeft = Math.min(markLeft, x);
        markRight = Math.max(markRight, x);
        markTop = Math.min(markTop, y);
        markBottom = Math.max(markBottom, y);
      }
    }
  }
  const ellipsisInk = {width: markRight - markLeft + 1, height: markBottom - markTop + 1};

  // The title column's place among the headers, and so among each row's cells, whose ids
  // carry the grid's own column index (the row-selection column counts as column 0).
  const headers = [...grid.querySelectorAll('thead [role="columnheader"]')];
  const place = headers.findIndex((h) => h.textContent.trim() === title);
  if (place < 0) return {error: `no column headed ${title}`};
  const firstRow = grid.querySelector('tbody [role="row"]');
  const column = Number(firstRow.children[place].id.split("-")[2]);
  const rowCount = Number(grid.querySelector('table[role="grid"]').getAttribute("aria-rowcount")) - 1;
  const scale = canvas.width / canvas.clientWidth;
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));

  const read = () => {
    const w = canvas.width, h = canvas.height;
    const px = canvas.getContext("2d").getImageData(0, 0, w, h).data;
    const luma = (x, y) => {
      const i = (Math.round(y * scale) * w + Math.round(x * scale)) * 4;
      return 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
    };
    const cssW = canvas.clientWidth, cssH = canvas.clientHeight;
    // Row borders: the grid's horizontal lines, read down the first column's left padding.
    const borders = [];
    for (let y = 0; y < cssH; y++) if (luma(2, y) < 250) borders.push(y);
    return {luma, cssW, cssH, borders};
  };

  const rows = new Map();
  let lastRead = null;
  let headerLine = null;
  let rowHeight = null;
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  // Scroll positions that bring every row wholly into view once: from the top in steps of
  // whole rows, the last whole-row step, and the end (a pixel off the whole-row steps).
  const positions = [0];
  const inView = (scrolled, cssH) => [...Array(rowCount).keys()].filter((index) => {
    // Wholly drawn: under the header's line, down to the canvas's last pixel line (the last
    // row's bottom border falls just past it at the end of the scroll).
    const yTop = headerLine + index * rowHeight - scrolled;
    return yTop >= headerLine && yTop + rowHeight <= cssH + 1;
  });
  for (let p = 0; p < positions.length; p++) {
    scroller.scrollTop = positions[p];
    scroller.dispatchEvent(new Event("scroll"));
    const scrolled = scroller.scrollTop;
    let drawn = null;
    for (let attempt = 0; attempt < 30; attempt++) {
      await frame();
      await frame();
      await pause(attempt ? 100 : 120);
      drawn = read();
      if (headerLine === null) break;
      // Drawn for this scroll when every line under the header's sits on a row boundary,
      // and read when the accessible table holds the rows in view.
      const under = drawn.borders.filter((y) => y > headerLine);
      const settled = under.length > 0
        && under.every((y) => (y - headerLine + scrolled) % rowHeight === 0);
      const listed = inView(scrolled, drawn.cssH).every(
        (index) => grid.querySelector(`#glide-cell-${column}-${index}`));
      if (settled && listed) break;
    }
    const {luma, cssW, cssH, borders} = drawn;
    lastRead = {scrolled, borders, cssH, scrollHeight: scroller.scrollHeight,
                clientHeight: scroller.clientHeight};
    if (headerLine === null) {
      if (scrolled !== 0 || borders.length < 2) return {error: "no row borders drawn", borders};
      headerLine = borders[0];
      rowHeight = borders[1] - borders[0];
      if (borders.some((y, i) => i && y - borders[i - 1] !== rowHeight)) {
        return {error: "rows of different heights", borders};
      }
      const end = scroller.scrollHeight - scroller.clientHeight;
      const stride = Math.max(1, Math.floor((cssH - headerLine) / rowHeight)) * rowHeight;
      for (let t = stride; t < end; t += stride) positions.push(t);
      const lastWhole = Math.floor(end / rowHeight) * rowHeight;
      if (lastWhole > 0 && !positions.includes(lastWhole)) positions.push(lastWhole);
      if (end > 0 && !positions.includes(end)) positions.push(end);
    }
    for (const index of inView(scrolled, cssH)) {
      if (rows.has(index)) continue;
      const yTop = headerLine + index * rowHeight - scrolled;
      const yBottom = yTop + rowHeight;
      const cell = grid.querySelector(`#glide-cell-${column}-${index}`);
      if (!cell) continue;
      // Column borders: the grid's vertical lines, read along the row's first pixel line.
      const lines = [];
      for (let x = 0; x < cssW; x++) if (luma(x, yTop + 1) < 250) lines.push(x);
      const left = column === 0 ? -1 : lines[column - 1];
      const right = lines[column];
      const columnWidth = right - left;
      // Bands: runs of pixel lines with text ink between the cell's borders.
      const inked = (y) => {
        for (let x = left + 1; x < right; x++) if (luma(x, y) < 160) return true;
        return false;
      };
      const bands = [];
      for (let y = yTop + 1; y < Math.min(yBottom, cssH); y++) {
        if (!inked(y)) continue;
        const last = bands[bands.length - 1];
        if (last && last[1] === y - 1) last[1] = y;
        else bands.push([y, y]);
      }
      let ellipsis = false;
      if (bands.length) {
        const [bandTop, bandBottom] = bands[bands.length - 1];
        const inkSpan = (x) => {  // the topmost and lowest ink of the band at x
          let high = null, low = null;
          for (let y = bandTop; y <= bandBottom; y++) {
            if (luma(x, y) < 160) {
              high = high === null ? y : high;
              low = y;
            }
          }
          return high === null ? null : low - high + 1;
        };
        let end = right - 1;
        while (end > left && inkSpan(end) === null) end--;
        // The last mark: three dots side by side, no taller than the ellipsis's, after a
        // space; a letter or a full stop ends otherwise.
        let dots = 0, tallest = 0, start = end;
        for (let x = end; x > end - ellipsisInk.width - 1 && x > left; x--) {
          const span = inkSpan(x);
          if (span === null) continue;
          if (x === end || inkSpan(x + 1) === null) dots++;
          tallest = Math.max(tallest, span);
          start = x;
        }
        const spaceBefore = inkSpan(start - 1) === null && inkSpan(start - 2) === null;
        ellipsis = dots === 3 && tallest <= ellipsisInk.height + 1 && spaceBefore;
      }
      const text = cell.textContent;
      const wrapped = wrap(text, columnWidth - 2 * hPad);
      rows.set(index, {
        row: index,
        text,
        rowHeight,
        columnWidth,
        left,
        lines: wrapped.length,
        needed: glyph + step * (wrapped.length - 1) + vPad,
        bands: bands.length,
        inkBottom: bands.length ? bands[bands.length - 1][1] - yTop : 0,
        ellipsis,
      });
    }
  }
  scroller.scrollTop = 0;
  return {font, glyph, step, hPad, vPad, rowCount, column, headerLine, ellipsisInk, lastRead,
          rows: [...rows.values()].sort((a, b) => a.row - b.row)};
}
