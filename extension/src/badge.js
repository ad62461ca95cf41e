// The verdict badge next to the compose box: a small fixed element in its own shadow root.

import { h, shadowHost } from './dom.js';
import { t } from './i18n.js';

const WIDTH = 360;
const GAP = 6;
const MARGIN = 8;

const CSS = `
:host { all: initial; pointer-events: none; }
.badge { pointer-events: auto; box-sizing: border-box; width: ${WIDTH}px; max-height: 45vh; overflow: auto;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
  background: #fff; border: 1px solid #c8c8c8; border-left: 6px solid #8a8a8a;
  border-radius: 6px; box-shadow: 0 2px 10px rgba(0,0,0,.18); padding: 8px 10px; }
.badge.tone-green { border-left-color: #1e7d32; }
.badge.tone-red { border-left-color: #c62828; }
.badge.tone-grey { border-left-color: #6d6d6d; background: #f4f4f4; }
.head { display: flex; align-items: center; gap: 8px; font-weight: 600; font-size: 14px; }
.title { flex: 1; }
.toggle { flex: none; font: 12px/1.2 inherit; font-family: inherit; padding: 2px 6px; color: #1b1b1b;
  background: #fff; border: 1px solid #aaa; border-radius: 4px; cursor: pointer; }
[hidden] { display: none !important; }
.badge.passthrough { pointer-events: none; }
.badge.passthrough .toggle { pointer-events: auto; }
.dot { flex: none; width: 12px; height: 12px; border-radius: 50%; background: #8a8a8a; }
.tone-green .dot { background: #1e7d32; } .tone-green .title { color: #1e7d32; }
.tone-red .dot { background: #c62828; } .tone-red .title { color: #b71c1c; }
.tone-grey .dot { background: #6d6d6d; border: 2px solid #fff; outline: 1px solid #6d6d6d; }
.detail { margin: 4px 0 0; }
.policy { margin: 6px 0 2px; font-size: 12px; color: #555; }
ul { margin: 4px 0 0; padding: 0 0 0 18px; }
li { margin: 4px 0; }
.where { color: #444; }
.advice { display: block; color: #333; }
blockquote { margin: 4px 0 0; padding: 2px 0 2px 8px; border-left: 3px solid #ddd; color: #333; }
cite { display: block; font-style: normal; font-weight: 600; font-size: 12px; }
.notices { margin-top: 6px; color: #555; }
.note { margin: 4px 0 0; color: #555; font-style: italic; }
.tool { margin: 8px 0 0; padding-top: 6px; border-top: 1px solid #e2e2e2; color: #333; }
.tool button { margin-top: 4px; font-family: inherit; font-size: 12px; line-height: 1.2; padding: 4px 8px;
  color: #0d47a1; background: #fff; border: 1px solid #0d47a1; border-radius: 4px; cursor: pointer; }
`;

function itemNode(doc, item) {
  return h(doc, 'li', {}, [
    h(doc, 'strong', {}, item.title),
    item.where ? h(doc, 'span', { className: 'where' }, ` — ${item.where}`) : null,
    item.advice ? h(doc, 'span', { className: 'advice' }, item.advice) : null,
    ...item.articles.map((a) =>
      h(doc, 'blockquote', {}, [h(doc, 'cite', {}, a.label), a.text ? h(doc, 'span', {}, a.text) : null]),
    ),
  ]);
}

function hasDetails(view) {
  return Boolean(view.detail || view.items.length || view.notices.length || view.notes.length);
}

/**
 * @typedef {object} BadgeTool
 * @property {string} text      what the badge says about the site (its publish button)
 * @property {string} action    the label of the button that changes it
 * @property {() => void} onAction
 */

/**
 * Builds the badge's content for a view (see verdict.js). `expanded: false` shows only the
 * verdict line, with a button to show the rest. `tool` adds a line with a button under the
 * details (on a school's own site: its publish button and "Kies de publiceerknop").
 */
export function renderBadge(doc, view, lang, { expanded = true, onToggle, tool = null } = {}) {
  const details = hasDetails(view) || Boolean(tool);
  const toggle = details
    ? h(
        doc,
        'button',
        {
          type: 'button',
          className: 'toggle',
          'aria-expanded': String(expanded),
          'aria-controls': 'details',
        },
        t(lang, expanded ? 'hideDetails' : 'showDetails'),
      )
    : null;
  if (toggle && onToggle) toggle.addEventListener('click', onToggle);
  return h(
    doc,
    'div',
    {
      // Folded, the badge lets clicks through to the page (only its toggle takes them), so
      // it can never hide the platform's own buttons.
      className: `badge tone-${view.tone}${expanded ? '' : ' passthrough'}`,
      role: 'status',
      'aria-live': 'polite',
      lang,
      'data-state': view.state,
      'data-tone': view.tone,
    },
    [
      h(doc, 'div', { className: 'head' }, [
        h(doc, 'span', { className: 'dot', 'aria-hidden': 'true' }),
        h(doc, 'span', { className: 'title' }, view.title),
        toggle,
      ]),
      details
        ? h(doc, 'div', { id: 'details', className: 'details', hidden: !expanded }, [
            view.detail ? h(doc, 'p', { className: 'detail' }, view.detail) : null,
            view.items.length && view.policy ? h(doc, 'p', { className: 'policy' }, view.policy) : null,
            view.items.length
              ? h(doc, 'ul', { className: 'items' }, view.items.map((i) => itemNode(doc, i)))
              : null,
            view.notices.length
              ? h(doc, 'div', { className: 'notices' }, [
                  h(doc, 'span', {}, t(lang, 'notices')),
                  h(doc, 'ul', {}, view.notices.map((i) => itemNode(doc, i))),
                ])
              : null,
            ...view.notes.map((n) => h(doc, 'p', { className: 'note' }, n)),
            tool ? toolNode(doc, tool) : null,
          ])
        : null,
    ],
  );
}

function toolNode(doc, tool) {
  const button = h(doc, 'button', { type: 'button', className: 'pick' }, tool.action);
  button.addEventListener('click', () => tool.onAction());
  return h(doc, 'p', { className: 'tool' }, [h(doc, 'span', { className: 'tool-text' }, tool.text), ' ', button]);
}

/**
 * Where the badge goes. Beside the box when there is room (right, then left), because the
 * platforms put their Post buttons and photo tools right under or above the text; otherwise
 * above or below it, and `compact` says the badge should fold to its verdict line there.
 */
export function badgePosition(boxRect, badgeHeight, viewport) {
  const lowest = Math.max(MARGIN, viewport.height - badgeHeight - MARGIN);
  const clampTop = (top) => Math.min(Math.max(MARGIN, top), lowest);
  const fitsRight = boxRect.right + GAP + WIDTH <= viewport.width - MARGIN;
  const fitsLeft = boxRect.left - GAP - WIDTH >= MARGIN;
  if (fitsRight || fitsLeft) {
    const left = fitsRight ? boxRect.right + GAP : boxRect.left - GAP - WIDTH;
    return { left: Math.round(left), top: Math.round(clampTop(boxRect.top)), compact: false };
  }
  // No room beside it: above the box (Post buttons sit under it on X, Facebook and
  // LinkedIn), aligned with its left edge (they sit on the right), below only when needed.
  const rightmost = Math.max(MARGIN, viewport.width - WIDTH - MARGIN);
  const left = Math.min(Math.max(MARGIN, boxRect.left), rightmost);
  const above = boxRect.top - GAP - badgeHeight;
  const top = above >= MARGIN ? above : boxRect.bottom + GAP;
  return { left: Math.round(left), top: Math.round(clampTop(top)), compact: true };
}

/** The badge: `show(view, lang)`, `setTool(tool)`, `anchorTo(box)`, `place()`, `remove()`. */
export function createBadge(doc, win) {
  const { host, root } = shadowHost(doc, 'data-school-screening-badge', CSS);
  let current = null;
  let shown = null;
  let lastRendered = '';
  let anchor = null;
  // null: decided by the room there is; true/false: the user chose with the toggle.
  let userExpanded = null;
  let compact = false;
  /** @type {BadgeTool|null} */
  let tool = null;

  const render = () => {
    if (!shown) return;
    const expanded = userExpanded ?? !compact;
    const key = JSON.stringify([shown.view, shown.lang, expanded, tool && [tool.text, tool.action]]);
    if (key === lastRendered) return;
    lastRendered = key;
    const next = renderBadge(doc, shown.view, shown.lang, {
      expanded,
      tool,
      onToggle: () => {
        userExpanded = !expanded;
        render();
        place();
      },
    });
    if (current) current.replaceWith(next);
    else root.append(next);
    current = next;
  };

  const place = () => {
    if (!anchor || !current) return;
    const viewport = { width: win.innerWidth, height: win.innerHeight };
    const rect = anchor.getBoundingClientRect();
    const pos = badgePosition(rect, current.getBoundingClientRect().height || 60, viewport);
    if (pos.compact !== compact) {
      compact = pos.compact;
      render();
    }
    host.style.left = `${pos.left}px`;
    host.style.top = `${pos.top}px`;
  };

  return {
    host,
    root,
    /** Shows a view; an identical view is not rendered again (screen readers would repeat it). */
    show(view, lang) {
      if (shown && shown.view.state !== view.state) userExpanded = null;
      shown = { view, lang };
      render();
      place();
    },
    /** Shows (or, with null, removes) the tool line under the details. */
    setTool(next) {
      tool = next;
      render();
      place();
    },
    anchorTo(box) {
      anchor = box;
      place();
    },
    place,
    remove() {
      host.remove();
    },
  };
}
