import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PrecheckController } from '../src/controller.js';
import { FakeTimers, settle } from './fake_dom.js';
import { cleanPublish, phoneHold } from './fixtures.js';

/** A background worker stand-in: records messages, answers each with `answer(msg)`. */
function fakeWorker(answer) {
  const sent = [];
  const send = async (msg) => {
    sent.push(msg);
    return answer(msg);
  };
  return { sent, send };
}

const verdictFor = (msg) =>
  msg.type === 'precheck'
    ? { ok: true, data: /\d{2}-\d{8}/.test(msg.text) ? phoneHold() : cleanPublish(), lang: 'nl' }
    : { ok: true, data: { id: 'o1' } };

function controller(answer = verdictFor, extra = {}) {
  const timers = new FakeTimers();
  const worker = fakeWorker(answer);
  const views = [];
  const c = new PrecheckController({
    send: worker.send,
    channel: 'instagram',
    timers,
    onView: (v) => views.push(v.state),
    prepareImage: async (f) => ({ ok: true, image: { name: f.name, data: `DATA-${f.name}` } }),
    ...extra,
  });
  return { c, timers, worker, views };
}

test('typing is checked once, after the user pauses', async () => {
  const { c, timers, worker, views } = controller();
  for (const text of ['B', 'Be', 'Bel', 'Bel 06-12345678']) {
    c.setText(text);
    timers.advance(200);
  }
  await settle();
  assert.equal(worker.sent.length, 0, 'nothing sent while typing');
  assert.equal(c.view.state, 'checking');
  timers.advance(700);
  await settle();
  assert.equal(worker.sent.length, 1);
  assert.equal(worker.sent[0].text, 'Bel 06-12345678');
  assert.equal(worker.sent[0].channel, 'instagram');
  assert.equal(c.view.state, 'hold');
  assert.deepEqual(views, ['checking', 'hold']);
});

test('an answer for old text is dropped when newer text is on its way', async () => {
  let release;
  const first = new Promise((r) => (release = r));
  let n = 0;
  const { c, timers } = controller((msg) => (n++ === 0 ? first.then(() => verdictFor(msg)) : verdictFor(msg)));
  c.setText('Bel 06-12345678');
  timers.advance(700);
  await settle();
  c.setText('Mooie sportdag!');
  release();
  await settle();
  assert.equal(c.view.state, 'checking', 'the hold for the old text is not shown');
  timers.advance(700);
  await settle();
  assert.equal(c.view.state, 'publish');
});

test('an emptied box shows the idle badge and sends nothing', async () => {
  const { c, timers, worker } = controller();
  c.setText('Hoi');
  c.setText('   ');
  timers.advance(5000);
  await settle();
  assert.equal(c.view.state, 'empty');
  assert.equal(worker.sent.length, 0);
});

test('flush checks now instead of waiting for the pause', async () => {
  const { c, worker } = controller();
  c.setText('Bel 06-12345678');
  assert.equal(c.postAttempt(), 'wait');
  const view = await c.flush();
  assert.equal(view.state, 'hold');
  assert.equal(worker.sent.length, 1);
  assert.equal(c.postAttempt(), 'warn_hold');
});

test('a worker that is gone means unreachable, and Post asks for confirmation', async () => {
  const { c } = controller(() => {
    throw new Error('Extension context invalidated.');
  });
  c.setText('Hallo');
  await c.flush();
  assert.equal(c.view.state, 'unreachable');
  assert.equal(c.postAttempt(), 'warn_unchecked');
});

test('photos are prepared and sent with the text; too many are named', async () => {
  const { c, worker } = controller();
  c.setText('Sportdag');
  c.addFiles(['1', '2', '3', '4', '5'].map((n) => ({ name: `${n}.jpg`, type: 'image/jpeg' })));
  await c.flush();
  assert.equal(worker.sent.length, 1);
  assert.deepEqual(worker.sent[0].images.map((i) => i.name), ['1.jpg', '2.jpg', '3.jpg', '4.jpg']);
  assert.equal(c.view.state, 'incomplete', 'a fifth photo was not checked: not green');
  assert.match(c.view.notes[0], /meer dan 4/);
});

test('a video is never sent and keeps the badge from turning green', async () => {
  const prepared = [];
  const { c, worker } = controller(verdictFor, {
    prepareImage: async (f) => {
      prepared.push(f.name);
      return { ok: true, image: { name: f.name, data: 'X' } };
    },
  });
  c.addFiles([{ name: 'clip.mp4', type: 'video/mp4' }]);
  await c.flush();
  assert.deepEqual(prepared, []);
  assert.deepEqual(worker.sent[0].images, []);
  assert.equal(c.view.state, 'incomplete');
});

test('after a recorded reason the same content may go; changed content is checked again', async () => {
  const { c, worker } = controller();
  c.setText('Bel 06-12345678');
  await c.flush();
  const r = await c.recordOverride({ reason: '  Ouders gaven toestemming  ', officer: ' Jan ' });
  assert.equal(r.ok, true);
  assert.deepEqual(worker.sent[1], {
    type: 'override',
    postId: 'p-123',
    findingIds: ['f1'],
    reason: 'Ouders gaven toestemming',
    officer: 'Jan',
  });
  c.allowCurrent();
  assert.equal(c.postAttempt(), 'allow');
  c.setText('Bel 06-12345678 of 06-87654321');
  assert.equal(c.postAttempt(), 'wait');
  await c.flush();
  assert.equal(c.postAttempt(), 'warn_hold');
});

test('no override without a hold to override', async () => {
  const { c, worker } = controller();
  c.setText('Mooie sportdag!');
  await c.flush();
  const r = await c.recordOverride({ reason: 'Geen reden nodig hier' });
  assert.equal(r.ok, false);
  assert.equal(worker.sent.filter((m) => m.type === 'override').length, 0);
});

test('the language follows the settings the worker reports', async () => {
  const { c } = controller((msg) => ({ ...verdictFor(msg), lang: 'en' }));
  c.setText('Bel 06-12345678');
  await c.flush();
  assert.equal(c.view.title, 'Do not post');
});
