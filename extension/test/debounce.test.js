import assert from 'node:assert/strict';
import { test } from 'node:test';

import { debounce } from '../src/debounce.js';
import { FakeTimers } from './fake_dom.js';

test('a burst of calls runs once, with the last arguments, after the quiet period', () => {
  const timers = new FakeTimers();
  const calls = [];
  const d = debounce((x) => calls.push(x), 700, timers);
  d('B');
  timers.advance(300);
  d('Be');
  timers.advance(300);
  d('Bel');
  timers.advance(699);
  assert.deepEqual(calls, []);
  assert.equal(d.pending(), true);
  timers.advance(1);
  assert.deepEqual(calls, ['Bel']);
  assert.equal(d.pending(), false);
});

test('calls far enough apart each run', () => {
  const timers = new FakeTimers();
  const calls = [];
  const d = debounce((x) => calls.push(x), 100, timers);
  d(1);
  timers.advance(100);
  d(2);
  timers.advance(100);
  assert.deepEqual(calls, [1, 2]);
});

test('flush runs a pending call now and returns its result; cancel drops it', () => {
  const timers = new FakeTimers();
  const calls = [];
  const d = debounce((x) => {
    calls.push(x);
    return `ran ${x}`;
  }, 500, timers);
  assert.equal(d.flush(), undefined, 'nothing pending, nothing runs');
  d('a');
  assert.equal(d.flush(), 'ran a');
  timers.advance(1000);
  assert.deepEqual(calls, ['a'], 'the flushed call does not run a second time');
  d('b');
  d.cancel();
  timers.advance(1000);
  assert.deepEqual(calls, ['a']);
  assert.equal(timers.pendingCount(), 0);
});
