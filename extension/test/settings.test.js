import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  carryPublishButtons,
  formatExtraSites,
  hostPattern,
  isConfigured,
  normalizeServiceUrl,
  parseExtraSites,
  requiredOrigins,
  sitePattern,
  validateSettings,
  withDefaults,
  withPublishButton,
} from '../src/settings.js';

const SERVICE_URLS = [
  // input, expected url (null: refused)
  ['https://controle.school.nl', 'https://controle.school.nl'],
  ['https://controle.school.nl/', 'https://controle.school.nl'],
  ['  https://school.nl/screening/  ', 'https://school.nl/screening'],
  ['https://controle.school.nl:8443', 'https://controle.school.nl:8443'],
  ['http://localhost:8000', 'http://localhost:8000'],
  ['http://127.0.0.1:8000/', 'http://127.0.0.1:8000'],
  ['http://controle.school.nl', null],
  ['ftp://controle.school.nl', null],
  ['controle.school.nl', null],
  ['', null],
  ['https://user:pw@controle.school.nl', null],
  ['https://controle.school.nl/?x=1', null],
  ['https://controle.school.nl/#x', null],
];

for (const [input, expected] of SERVICE_URLS) {
  test(`service URL ${JSON.stringify(input)} -> ${expected}`, () => {
    const r = normalizeServiceUrl(input);
    if (expected === null) {
      assert.equal(r.ok, false);
      assert.ok(r.error.nl && r.error.en, 'a refusal explains itself in both languages');
    } else {
      assert.equal(r.ok, true);
      assert.equal(r.url, expected);
    }
  });
}

const SITES = [
  ['cms.school.nl', 'https://cms.school.nl/*'],
  ['https://cms.school.nl/nieuws/nieuw', 'https://cms.school.nl/*'],
  ['https://CMS.School.nl:8443/x', 'https://cms.school.nl/*'],
  ['*.school.nl', 'https://*.school.nl/*'],
  ['https://*.school.nl/*', 'https://*.school.nl/*'],
  ['http://localhost:5000', 'http://localhost/*'],
  ['http://127.0.0.1:5000/composer.html', 'http://127.0.0.1/*'],
  ['http://cms.school.nl', null],
  ['*', null],
  ['https://*/*', null],
  ['https://exa mple.nl', null],
  ['file:///etc/passwd', null],
];

for (const [input, expected] of SITES) {
  test(`extra site ${JSON.stringify(input)} -> ${expected}`, () => {
    const r = sitePattern(input);
    if (expected === null) assert.equal(r.ok, false);
    else assert.deepEqual(r, { ok: true, pattern: expected });
  });
}

test('extra sites: one a line, optional channel, comments and duplicates ignored', () => {
  const { sites, errors } = parseExtraSites(
    '# onze sites\ncms.school.nl\n\nnieuwsbrief.school.nl newsletter\ncms.school.nl website\n',
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(sites, [
    { pattern: 'https://cms.school.nl/*', channel: 'website' },
    { pattern: 'https://nieuwsbrief.school.nl/*', channel: 'newsletter' },
  ]);
  assert.equal(formatExtraSites(sites), 'https://cms.school.nl/* website\nhttps://nieuwsbrief.school.nl/* newsletter');
});

test('extra sites: every bad line is reported with its number', () => {
  const { sites, errors } = parseExtraSites('cms.school.nl tv\nhttp://cms.school.nl\nok.school.nl');
  assert.deepEqual(
    errors.map((e) => e.line),
    [1, 2],
  );
  assert.match(errors[0].nl, /Onbekend kanaal “tv”/);
  assert.deepEqual(sites, [{ pattern: 'https://ok.school.nl/*', channel: 'website' }]);
});

test('valid settings are normalised', () => {
  const r = validateSettings({
    serviceUrl: 'https://controle.school.nl/',
    apiKey: '  abc123  ',
    lang: 'en',
    extraSitesText: 'cms.school.nl',
  });
  assert.deepEqual(r, {
    ok: true,
    settings: {
      serviceUrl: 'https://controle.school.nl',
      apiKey: 'abc123',
      lang: 'en',
      extraSites: [{ pattern: 'https://cms.school.nl/*', channel: 'website' }],
    },
  });
});

test('invalid settings name every bad field and keep nothing', () => {
  const r = validateSettings({ serviceUrl: 'http://x.nl', apiKey: 'a b', lang: 'xx', extraSitesText: 'cms.school.nl tv' });
  assert.equal(r.ok, false);
  assert.deepEqual(Object.keys(r.errors).sort(), ['apiKey', 'extraSites', 'serviceUrl']);
  assert.equal(validateSettings({ serviceUrl: 'https://x.nl', apiKey: '' }).errors.apiKey.en, 'Enter the API key.');
});

test('stored settings get defaults; malformed parts are dropped', () => {
  assert.deepEqual(withDefaults(undefined), { serviceUrl: '', apiKey: '', lang: 'nl', extraSites: [] });
  const s = withDefaults({
    serviceUrl: 'https://a.nl',
    apiKey: 5,
    lang: 'de',
    extraSites: [{ pattern: 'https://b.nl/*', channel: 'website' }, { pattern: 'x', channel: 'tv' }, null],
  });
  assert.deepEqual(s, {
    serviceUrl: 'https://a.nl',
    apiKey: '',
    lang: 'nl',
    extraSites: [{ pattern: 'https://b.nl/*', channel: 'website' }],
  });
  assert.equal(isConfigured(s), false);
  assert.equal(isConfigured({ ...s, apiKey: 'k' }), true);
});

test('the permissions needed are the service host and the extra sites, without ports', () => {
  assert.equal(hostPattern('http://127.0.0.1:8123/api'), 'http://127.0.0.1/*');
  assert.deepEqual(
    requiredOrigins({
      serviceUrl: 'https://controle.school.nl:8443/screening',
      extraSites: [
        { pattern: 'https://cms.school.nl/*', channel: 'website' },
        { pattern: 'https://controle.school.nl/*', channel: 'website' },
      ],
    }),
    ['https://controle.school.nl/*', 'https://cms.school.nl/*'],
  );
  assert.deepEqual(requiredOrigins({ serviceUrl: '', extraSites: [] }), []);
});

const BUTTON = { selector: 'button.editor-post-publish-button', label: 'Bijwerken' };

test('stored settings keep a well-formed publish button and drop a malformed one', () => {
  const s = withDefaults({
    extraSites: [
      { pattern: 'https://a.nl/*', channel: 'website', publishButton: { ...BUTTON, extra: 'x' } },
      { pattern: 'https://b.nl/*', channel: 'website', publishButton: { selector: 7, label: '' } },
    ],
  });
  assert.deepEqual(s.extraSites, [
    { pattern: 'https://a.nl/*', channel: 'website', publishButton: BUTTON },
    { pattern: 'https://b.nl/*', channel: 'website' },
  ]);
});

test('saving the options keeps the publish button of every site still listed', () => {
  const previous = [
    { pattern: 'https://a.nl/*', channel: 'website', publishButton: BUTTON },
    { pattern: 'https://gone.nl/*', channel: 'website', publishButton: BUTTON },
  ];
  const edited = parseExtraSites('a.nl newsletter\nb.nl').sites;
  assert.deepEqual(carryPublishButtons(edited, previous), [
    { pattern: 'https://a.nl/*', channel: 'newsletter', publishButton: BUTTON },
    { pattern: 'https://b.nl/*', channel: 'website' },
  ]);
});

test('a publish button is set for one site and forgotten with null', () => {
  const settings = withDefaults({
    serviceUrl: 'https://c.nl',
    apiKey: 'k',
    extraSites: [
      { pattern: 'https://a.nl/*', channel: 'website' },
      { pattern: 'https://b.nl/*', channel: 'website' },
    ],
  });
  const set = withPublishButton(settings, 'https://b.nl/*', BUTTON);
  assert.deepEqual(set.extraSites[1], { pattern: 'https://b.nl/*', channel: 'website', publishButton: BUTTON });
  assert.deepEqual(set.extraSites[0], { pattern: 'https://a.nl/*', channel: 'website' });
  assert.equal(set.apiKey, 'k');
  assert.deepEqual(withPublishButton(set, 'https://b.nl/*', null).extraSites, settings.extraSites);
});
