import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { matchesPattern, PLATFORMS, platformMatchPatterns, siteFor } from '../src/sites.js';
import { parseSelectorList } from './fake_dom.js';

const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));

const SITE_FOR = [
  // url, extra sites, expected rule id (null: the extension does nothing there)
  ['https://www.instagram.com/', [], 'instagram'],
  ['https://www.facebook.com/groups/1', [], 'facebook'],
  ['https://business.facebook.com/latest/composer', [], 'facebook'],
  ['https://www.linkedin.com/feed/', [], 'linkedin'],
  ['https://x.com/home', [], 'x'],
  ['https://twitter.com/compose/post', [], 'x'],
  ['http://www.instagram.com/', [], null],
  ['https://instagram.com.evil.example/', [], null],
  ['https://www.example.com/', [], null],
  ['https://cms.school.nl/nieuws/nieuw', [{ pattern: 'https://cms.school.nl/*', channel: 'website' }], 'extra:https://cms.school.nl/*'],
  ['https://a.b.school.nl/', [{ pattern: 'https://*.school.nl/*', channel: 'newsletter' }], 'extra:https://*.school.nl/*'],
  ['https://school.nl.evil.example/', [{ pattern: 'https://*.school.nl/*', channel: 'website' }], null],
  ['http://127.0.0.1:8765/composer.html', [{ pattern: 'http://127.0.0.1/*', channel: 'instagram' }], 'extra:http://127.0.0.1/*'],
  ['not a url', [], null],
];

for (const [url, extra, expected] of SITE_FOR) {
  test(`siteFor ${url} -> ${expected}`, () => {
    const rule = siteFor(url, extra);
    assert.equal(rule ? rule.id : null, expected);
  });
}

test('an extra site carries its own channel', () => {
  assert.equal(siteFor('https://cms.school.nl/', [{ pattern: 'https://cms.school.nl/*', channel: 'newsletter' }]).channel, 'newsletter');
});

const PATTERNS = [
  ['https://*/*', 'https://a.nl/x', true],
  ['https://*/*', 'http://a.nl/x', false],
  ['*://a.nl/*', 'http://a.nl/', true],
  ['https://a.nl/news/*', 'https://a.nl/news/1', true],
  ['https://a.nl/news/*', 'https://a.nl/other', false],
  ['https://*.a.nl/*', 'https://a.nl/', true],
  ['https://*.a.nl/*', 'https://xa.nl/', false],
  ['http://127.0.0.1/*', 'http://127.0.0.1:9999/p', true],
  ['garbage', 'https://a.nl/', false],
];

for (const [pattern, url, expected] of PATTERNS) {
  test(`pattern ${pattern} ${expected ? 'matches' : 'does not match'} ${url}`, () => {
    assert.equal(matchesPattern(pattern, url), expected);
  });
}

test('the manifest injects the content script on exactly the platforms in the rules', () => {
  const matches = manifest.content_scripts.flatMap((c) => c.matches);
  assert.deepEqual([...matches].sort(), [...platformMatchPatterns()].sort());
});

test('every selector in the rules is a simple compound selector (no combinators)', () => {
  for (const p of PLATFORMS) {
    for (const sel of [...p.boxSelectors, ...p.postSelectors]) {
      assert.doesNotThrow(() => parseSelectorList(sel), `${p.id}: ${sel}`);
    }
  }
});
