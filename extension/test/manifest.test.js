import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', root), 'utf8'));

test('Manifest V3 asks only for storage and scripting, and no host at install', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual([...manifest.permissions].sort(), ['scripting', 'storage']);
  assert.equal(manifest.host_permissions, undefined, 'hosts are requested at run time');
  assert.deepEqual(manifest.optional_host_permissions, ['https://*/*', 'http://localhost/*', 'http://127.0.0.1/*']);
  assert.equal(manifest.externally_connectable, undefined, 'no web page may message the extension');
});

test('one manifest for Chromium (service worker) and Firefox (event page)', () => {
  assert.equal(manifest.background.service_worker, 'background.js');
  assert.deepEqual(manifest.background.scripts, ['background.js']);
  assert.equal(manifest.background.type, 'module');
  const gecko = manifest.browser_specific_settings.gecko;
  assert.match(gecko.id, /@/);
  // optional_host_permissions exists in Firefox from 128 on.
  assert.ok(Number.parseFloat(gecko.strict_min_version) >= 128);
});

test('every file the manifest names exists', () => {
  const files = [
    manifest.background.service_worker,
    ...manifest.content_scripts.flatMap((c) => c.js),
    manifest.options_ui.page,
  ];
  for (const f of files) assert.ok(existsSync(new URL(f, root)), f);
  const modules = readdirSync(new URL('src/', root)).filter((f) => f.endsWith('.js'));
  assert.ok(modules.includes('content_main.js'));
  assert.deepEqual(manifest.web_accessible_resources[0].resources, ['src/*.js']);
});

test('names come from _locales, and Dutch and English define the same messages', () => {
  const nl = JSON.parse(readFileSync(new URL('_locales/nl/messages.json', root), 'utf8'));
  const en = JSON.parse(readFileSync(new URL('_locales/en/messages.json', root), 'utf8'));
  assert.equal(manifest.default_locale, 'nl');
  assert.deepEqual(Object.keys(nl).sort(), Object.keys(en).sort());
  for (const field of [manifest.name, manifest.short_name, manifest.description, manifest.action.default_title]) {
    const key = /^__MSG_(\w+)__$/.exec(field)?.[1];
    assert.ok(key && nl[key], `${field} is a defined message`);
  }
});

test('no module reaches the network except through the service client', () => {
  const src = readdirSync(new URL('src/', root)).filter((f) => f.endsWith('.js'));
  const offenders = src.filter((f) => {
    const code = readFileSync(new URL(`src/${f}`, root), 'utf8');
    return /\bfetch\(|XMLHttpRequest|WebSocket|sendBeacon/.test(code) && f !== 'service_client.js';
  });
  assert.deepEqual(offenders, []);
});

test('the entry points the tests cannot import parse (background, options, content loader)', () => {
  for (const f of ['background.js', 'options.js', 'content.js']) {
    const r = spawnSync(process.execPath, ['--check', fileURLToPath(new URL(f, root))], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
  }
});

test('the options page loads its script as a module and labels every field', () => {
  const html = readFileSync(new URL('options.html', root), 'utf8');
  assert.match(html, /<script type="module" src="options.js"><\/script>/);
  for (const id of ['serviceUrl', 'apiKey', 'lang', 'extraSites']) {
    assert.match(html, new RegExp(`<label for="${id}"`));
  }
  assert.match(html, /id="apiKey"[^>]*type="password"/);
  // The publish buttons chosen on the school's own sites are listed, each with "Vergeten".
  assert.match(html, /<ul id="publishButtons"><\/ul>/);
});
