import assert from 'node:assert/strict';
import { test } from 'node:test';

import { badgePosition, createBadge, renderBadge } from '../src/badge.js';
import { checkingView, viewFromResult } from '../src/verdict.js';
import { allText, FakeWindow } from './fake_dom.js';
import { cleanPublish, phoneHold, SVOK_III_A_3 } from './fixtures.js';

test('a hold renders red, as a polite status, with the finding and the quoted article', () => {
  const { document: doc } = new FakeWindow();
  const el = renderBadge(doc, viewFromResult({ ok: true, data: phoneHold() }), 'nl');
  assert.equal(el.getAttribute('role'), 'status');
  assert.equal(el.getAttribute('aria-live'), 'polite');
  assert.equal(el.getAttribute('lang'), 'nl');
  assert.equal(el.getAttribute('data-tone'), 'red');
  assert.match(el.getAttribute('class'), /tone-red/);
  const text = allText(el);
  for (const part of ['Niet plaatsen', 'Telefoonnummer', '06-12345678', 'Artikel III.A.3', SVOK_III_A_3, 'Gedragscode Social Media SVOK']) {
    assert.ok(text.includes(part), `missing ${part}`);
  }
  assert.equal(el.querySelectorAll('blockquote').length, 1);
});

test('a publish renders green without findings', () => {
  const { document: doc } = new FakeWindow();
  const el = renderBadge(doc, viewFromResult({ ok: true, data: cleanPublish() }, { lang: 'en' }), 'en');
  assert.equal(el.getAttribute('data-tone'), 'green');
  assert.match(allText(el), /Can be posted/);
  assert.equal(el.querySelectorAll('li').length, 0);
});

test('text from the service is never parsed as markup', () => {
  const { document: doc } = new FakeWindow();
  const d = phoneHold();
  d.findings[0].message.nl = '<img src=x onerror=alert(1)>';
  const el = renderBadge(doc, viewFromResult({ ok: true, data: d }), 'nl');
  assert.equal(el.querySelectorAll('img').length, 0);
  assert.match(allText(el), /<img src=x onerror=alert\(1\)>/);
});

test('the badge lives in a shadow root and re-renders only when the view changes', () => {
  const win = new FakeWindow();
  const doc = win.document;
  const badge = createBadge(doc, win);
  assert.equal(badge.host.parentNode, doc.body);
  assert.ok(badge.host.shadowRoot, 'shadow root');
  badge.show(checkingView('nl'), 'nl');
  const first = badge.root.querySelector('[role="status"]');
  badge.show(checkingView('nl'), 'nl');
  assert.equal(badge.root.querySelector('[role="status"]'), first, 'same view, same node');
  badge.show(viewFromResult({ ok: true, data: cleanPublish() }), 'nl');
  const statuses = badge.root.querySelectorAll('[role="status"]');
  assert.equal(statuses.length, 1);
  assert.equal(statuses[0].getAttribute('data-state'), 'publish');
  badge.remove();
  assert.equal(badge.host.isConnected, false);
});

const POSITIONS = [
  // box rect, badge height, viewport, expected
  // Room on the right: beside the box, clear of the buttons under it.
  [{ left: 100, top: 100, right: 700, bottom: 300 }, 80, { width: 1280, height: 800 }, { left: 706, top: 100, compact: false }],
  // Room on the left only.
  [{ left: 700, top: 100, right: 1270, bottom: 300 }, 80, { width: 1280, height: 800 }, { left: 334, top: 100, compact: false }],
  // Beside a box at the top edge: never above the viewport.
  [{ left: 0, top: -40, right: 200, bottom: 50 }, 60, { width: 1280, height: 800 }, { left: 206, top: 8, compact: false }],
  // A wide box: above it, at its left edge, folded.
  [{ left: 100, top: 500, right: 1100, bottom: 760 }, 120, { width: 1280, height: 800 }, { left: 100, top: 374, compact: true }],
  // A small window, no room above: below the box, folded, never off-screen to the right.
  [{ left: 300, top: 10, right: 900, bottom: 50 }, 60, { width: 500, height: 400 }, { left: 132, top: 56, compact: true }],
  // A box filling the screen: inside the viewport at the bottom.
  [{ left: 0, top: 0, right: 1280, bottom: 800 }, 100, { width: 1280, height: 800 }, { left: 8, top: 692, compact: true }],
];

for (const [rect, height, viewport, expected] of POSITIONS) {
  test(`badge position for box ${JSON.stringify(rect)} in ${viewport.width}x${viewport.height}`, () => {
    assert.deepEqual(badgePosition(rect, height, viewport), expected);
  });
}

test('without room beside the box the badge folds to its verdict; the toggle unfolds it', () => {
  const win = new FakeWindow();
  win.innerWidth = 700;
  const doc = win.document;
  const box = doc.createElement('div');
  doc.body.append(box);
  box.rect = { left: 20, top: 20, right: 680, bottom: 200, width: 660, height: 180 };
  const badge = createBadge(doc, win);
  badge.anchorTo(box);
  badge.show(viewFromResult({ ok: true, data: phoneHold() }), 'nl');
  const details = () => badge.root.querySelector('.details');
  const toggle = () => badge.root.querySelector('button.toggle');
  assert.equal(details().hasAttribute('hidden'), true);
  assert.equal(toggle().getAttribute('aria-expanded'), 'false');
  assert.match(badge.root.querySelector('.badge').getAttribute('class'), /passthrough/);
  toggle().click();
  assert.equal(details().hasAttribute('hidden'), false);
  assert.equal(toggle().getAttribute('aria-expanded'), 'true');
  assert.match(allText(details()), /Artikel III\.A\.3/);
  // With room beside the box it is unfolded from the start.
  win.innerWidth = 1280;
  const wide = createBadge(doc, win);
  wide.anchorTo(box);
  wide.show(viewFromResult({ ok: true, data: phoneHold() }), 'nl');
  assert.equal(wide.root.querySelector('.details').hasAttribute('hidden'), false);
});

test('a tool line (a school site’s publish button) shows under the details and runs its action', () => {
  const win = new FakeWindow();
  const doc = win.document;
  const badge = createBadge(doc, win);
  let picked = 0;
  badge.show(checkingView('nl'), 'nl');
  assert.equal(badge.root.querySelector('button.pick'), null, 'no tool, no line');
  badge.setTool({ text: 'Publiceerknop: niet gekozen', action: 'Kies de publiceerknop', onAction: () => (picked += 1) });
  const details = badge.root.querySelector('.details');
  assert.ok(details, 'the checking view gets details to hold the tool');
  assert.match(allText(details), /Publiceerknop: niet gekozen/);
  badge.root.querySelector('button.pick').click();
  assert.equal(picked, 1);
  badge.setTool({ text: 'Publiceerknop: “Bijwerken”', action: 'Andere knop kiezen', onAction: () => {} });
  assert.match(allText(badge.root), /“Bijwerken”/);
  assert.equal(badge.root.querySelectorAll('button.pick').length, 1);
});
