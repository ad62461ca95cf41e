// "Kies de publiceerknop": the officer clicks her site's own publish button once, and the
// extension remembers it (issue 16, point 4). While picking, clicks on the page are caught
// before the site sees them, so choosing the button never publishes anything.

import { h, shadowHost } from './dom.js';
import { t } from './i18n.js';
import { describeButton, pickableFrom } from './publish_button.js';

const CSS = `
:host { all: initial; }
.banner { box-sizing: border-box; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px;
  margin: 0 8px 8px; padding: 10px 12px; background: #0d3c75; color: #fff; border-radius: 8px;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  box-shadow: 0 4px 16px rgba(0,0,0,.35); }
.msg { flex: 1 1 220px; margin: 0; }
.msg.problem { font-weight: 600; }
button { font: inherit; padding: 6px 12px; border-radius: 4px; cursor: pointer; border: 1px solid #fff;
  background: #fff; color: #0d3c75; font-weight: 600; }
button:focus-visible { outline: 3px solid #ffcc00; outline-offset: 2px; }
.mark { position: fixed; pointer-events: none; box-sizing: border-box; border: 3px solid #ffcc00;
  outline: 2px solid #0d3c75; border-radius: 4px; }
[hidden] { display: none !important; }
`;

// Everything a click is made of: the site must see none of it while the officer picks.
const SWALLOWED = ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click', 'auxclick', 'dblclick'];

/**
 * Starts picking on the page. `onPicked(button)` receives the chosen button's description
 * (see publish_button.js); `onCancel()` runs when the officer stops. Returns {host, stop}.
 */
export function startPicker(doc, win, { lang, onPicked, onCancel = () => {} }) {
  const { host, root } = shadowHost(doc, 'data-school-screening-picker', CSS);
  host.setAttribute('style', 'all: initial; position: fixed; left: 0; right: 0; bottom: 0; z-index: 2147483647;');
  const msg = h(doc, 'p', { className: 'msg', id: 'msg', role: 'status', 'aria-live': 'polite' }, t(lang, 'pickInstruction'));
  const cancel = h(doc, 'button', { type: 'button', className: 'cancel' }, t(lang, 'pickCancel'));
  const mark = h(doc, 'div', { className: 'mark', hidden: true, 'aria-hidden': 'true' });
  root.append(mark, h(doc, 'div', { className: 'banner', lang, role: 'region', 'aria-label': t(lang, 'pickTitle') }, [msg, cancel]));

  let done = false;
  const own = (e) => e.target === host || host.contains(e.target);

  const say = (key) => {
    msg.textContent = t(lang, key);
    msg.setAttribute('class', 'msg problem');
  };

  const finish = () => {
    done = true;
    for (const type of SWALLOWED) win.removeEventListener(type, onPointer, true);
    win.removeEventListener('keydown', onKey, true);
    win.removeEventListener('mouseover', onHover, true);
    host.remove();
  };

  function onPointer(e) {
    if (done || own(e)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    e.stopPropagation();
    if (e.type !== 'click') return;
    const el = pickableFrom(e.target);
    if (!el) {
      say('pickNotAButton');
      return;
    }
    const button = describeButton(el, doc);
    if (!button) {
      say('pickUnrecognised');
      return;
    }
    finish();
    onPicked(button);
  }

  function onKey(e) {
    if (done || e.key !== 'Escape') return;
    e.preventDefault();
    e.stopImmediatePropagation();
    finish();
    onCancel();
  }

  function onHover(e) {
    if (done || own(e)) return;
    const el = pickableFrom(e.target);
    if (!el) {
      mark.setAttribute('hidden', '');
      return;
    }
    const r = el.getBoundingClientRect();
    mark.setAttribute('style', `left:${r.left - 4}px;top:${r.top - 4}px;width:${r.width + 8}px;height:${r.height + 8}px`);
    mark.removeAttribute('hidden');
  }

  cancel.addEventListener('click', () => {
    if (done) return;
    finish();
    onCancel();
  });
  // On the window, in the capture phase: before any handler of the site sees the event.
  for (const type of SWALLOWED) win.addEventListener(type, onPointer, true);
  win.addEventListener('keydown', onKey, true);
  win.addEventListener('mouseover', onHover, true);
  cancel.focus();

  return {
    host,
    stop() {
      if (!done) finish();
    },
  };
}
