import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startPicker } from '../src/picker.js';
import { allText, build, FakeEvent, FakeWindow } from './fake_dom.js';

/** A CMS-like page whose own handlers record every press that reaches them. */
function setup(lang = 'nl') {
  const win = new FakeWindow('https://cms.school.nl/bericht/nieuw');
  const doc = win.document;
  doc.body.append(
    build(doc, ['div', { id: 'app' },
      ['header', {}, ['button', { type: 'button', class: 'editor-post-publish-button', id: 'update' }, ['span', { id: 'label' }, 'Bijwerken']]],
      ['form', { id: 'f' }, ['textarea', { id: 'box' }], ['button', { id: 'submit' }, 'Opslaan']],
      ['p', { id: 'text' }, 'Gewoon tekst']]),
  );
  const reached = [];
  doc.getElementById('app').addEventListener('mousedown', (e) => reached.push(`mousedown:${e.target.id}`));
  doc.getElementById('app').addEventListener('click', (e) => reached.push(`click:${e.target.id}`));
  doc.getElementById('f').addEventListener('submit', () => reached.push('submit'));
  const picked = [];
  let cancelled = 0;
  const picker = startPicker(doc, win, {
    lang,
    onPicked: (b) => picked.push(b),
    onCancel: () => {
      cancelled += 1;
    },
  });
  const banner = () => doc.querySelector('[data-school-screening-picker]')?.shadowRoot ?? null;
  return { win, doc, picker, reached, picked, banner, cancelled: () => cancelled };
}

test('the banner says what to do, in Dutch, and the site sees nothing of the pick', () => {
  const s = setup();
  assert.match(allText(s.banner()), /Klik op de knop waarmee u op deze website publiceert/);
  s.doc.getElementById('label').dispatchEvent(new FakeEvent('mousedown'));
  s.doc.getElementById('label').click();
  assert.deepEqual(s.reached, [], 'neither mousedown nor click reached the site');
  assert.deepEqual(s.picked, [{ selector: '#update', label: 'Bijwerken' }]);
  assert.equal(s.banner(), null, 'the banner is gone');
  // Picking is over: the site gets its clicks again.
  s.doc.getElementById('label').click();
  assert.deepEqual(s.reached, ['click:label']);
});

test('a form’s submit button can be chosen without submitting the form', () => {
  const s = setup();
  s.doc.getElementById('submit').click();
  assert.deepEqual(s.reached, []);
  assert.deepEqual(s.picked, [{ selector: '#submit', label: 'Opslaan' }]);
});

test('a click beside any button explains itself and keeps picking', () => {
  const s = setup();
  s.doc.getElementById('text').click();
  assert.deepEqual(s.picked, []);
  assert.deepEqual(s.reached, []);
  assert.match(allText(s.banner()), /Dat is geen knop/);
  s.doc.getElementById('update').click();
  assert.equal(s.picked.length, 1);
});

test('Escape or Stop ends picking without choosing; English on request', () => {
  const s = setup('en');
  assert.match(allText(s.banner()), /Click the button you publish with/);
  s.win.dispatchEvent(new FakeEvent('keydown', { key: 'Escape' }));
  assert.equal(s.cancelled(), 1);
  assert.equal(s.banner(), null);
  const t = setup();
  t.banner().querySelector('button.cancel').click();
  assert.equal(t.cancelled(), 1);
  assert.deepEqual(t.picked, []);
  t.doc.getElementById('update').click();
  assert.deepEqual(t.reached, ['click:update'], 'after stopping, the site works as before');
});
