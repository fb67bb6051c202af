"""When a Streamlit page is done answering, seen from the browser.

Streamlit's "Running..." widget only appears once a run has lasted 500 ms, and a run only
starts once the server has read the browser's message: on a busy machine a click's rerun can
begin a second or more after the click. A wait that looks for that widget after a fixed pause
therefore returns while the rerun is still to come, and the next step acts on elements the
rerun then replaces (a list it closes, a typed value it drops, a cell that is redrawn).

This module waits on what the page itself knows instead. A script added to every tab counts
the rerun requests the page sends over its websocket (a ``BackMsg`` whose first field is
``rerun_script``) and the runs the server starts (``new_session``) and ends
(``script_finished``) in what it sends back. The page is idle when it is connected, its own
``data-test-script-state`` says not running, every rerun it asked for has started since,
every started run has ended, no element is still a skeleton (Streamlit draws one while an
element's front-end code loads: a new session's sidebar was grey bars for seconds under load,
and a Tab then met no ring), and nothing changed for a short settle. A key press or a click
is a change too: the rerun it asks for leaves the page a moment after it (React handles the
event first), and under load that moment was long enough for a check to read the page as
idle before the request went out (a link copied before the address bar took the pick).
"""

from __future__ import annotations

from typing import Any

# BackMsg field 11 (rerun_script), length-delimited: the first byte of a rerun request.
RERUN_TAG = (11 << 3) | 2
# ForwardMsg fields: new_session starts every run, script_finished ends it.
NEW_SESSION_FIELD, SCRIPT_FINISHED_FIELD = 4, 6
SETTLE_MS = 500
IDLE_INIT_SCRIPT = """
(() => {
  if (window.__lwIdle) return;
  const s = window.__lwIdle = {asked: 0, answered: 0, started: 0, finished: 0,
                               changed: performance.now(), state: null};
  const fields = (bytes) => {  // top-level field numbers of a protobuf message
    const found = [];
    let i = 0;
    const varint = () => {
      let value = 0, shift = 0, byte;
      do { byte = bytes[i++]; value += (byte & 127) * 2 ** shift; shift += 7; }
      while (byte & 128 && i < bytes.length);
      return value;
    };
    while (i < bytes.length) {
      const tag = varint(), wire = tag & 7;
      found.push(tag >>> 3);
      if (wire === 0) varint();
      else if (wire === 1) i += 8;
      else if (wire === 2) i += varint();
      else if (wire === 5) i += 4;
      else break;
    }
    return found;
  };
  const heard = (event) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    const found = fields(new Uint8Array(event.data));
    if (found.includes(NEW_SESSION)) { s.started += 1; s.answered = s.asked; }
    if (found.includes(SCRIPT_FINISHED)) s.finished += 1;
    s.changed = performance.now();
  };
  // When anything last scrolled (scroll events do not bubble; a capturing listener hears
  // every element's): an open select list shuts on any scroll around its box.
  s.scrolled = 0;
  window.addEventListener('scroll', () => { s.scrolled = performance.now(); }, true);
  // A person's key press or click counts as a change: the rerun it asks for is sent a moment
  // later (after React has handled it), and a check in that moment must not read as idle.
  for (const type of ['keydown', 'keyup', 'pointerdown', 'pointerup', 'click', 'input', 'change']) {
    window.addEventListener(type, () => { s.changed = performance.now(); }, true);
  }
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!this.__lwHeard) { this.__lwHeard = true; this.addEventListener('message', heard); }
    try {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, 1) : null;
      if (bytes && bytes.length && bytes[0] === RERUN_TAG) {
        s.asked += 1;
        s.changed = performance.now();
      }
    } catch (e) {}
    return send.call(this, data);
  };
})();
"""
for _name, _value in {
    "NEW_SESSION": NEW_SESSION_FIELD,
    "SCRIPT_FINISHED": SCRIPT_FINISHED_FIELD,
    "RERUN_TAG": RERUN_TAG,
}.items():
    IDLE_INIT_SCRIPT = IDLE_INIT_SCRIPT.replace(_name, str(_value))

IS_IDLE = """
(settle) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const state = app.getAttribute('data-test-script-state');
  const s = window.__lwIdle;
  if (!s) return state === 'notRunning' && !document.querySelector('[data-testid="stStatusWidget"]');
  if (state !== s.state) { s.state = state; s.changed = performance.now(); }
  // A skeleton is an element whose front-end code is still being fetched: not yet drawn.
  if (document.querySelector('[data-testid="stSkeleton"], .stSkeleton')) { s.changed = performance.now(); return false; }
  return state === 'notRunning' && s.answered >= s.asked && s.finished >= s.started
    && performance.now() - s.changed >= settle;
}
"""


def new_context(browser: Any, **options: Any) -> Any:
    """A browser context whose pages report when the app is idle (see :func:`wait_until_idle`)."""
    context = browser.new_context(**options)
    context.add_init_script(IDLE_INIT_SCRIPT)
    return context


def wait_until_idle(page: Any, timeout_ms: int = 120_000) -> None:
    """Wait until every rerun the page asked for has run and the app is at rest."""
    page.wait_for_function(IS_IDLE, arg=SETTLE_MS, timeout=timeout_ms, polling=100)
