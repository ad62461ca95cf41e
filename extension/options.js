// The options page: service address, API key, language and extra sites. Host permissions
// for the service and the extra sites are requested here, when the user saves.

import { extensionApi } from './src/browser_api.js';
import { failureText } from './src/dialog.js';
import { t } from './src/i18n.js';
import { loadSettings } from './src/messages.js';
import { testConnection } from './src/service_client.js';
import { formatExtraSites, hostPattern, requiredOrigins, validateSettings } from './src/settings.js';
import { platformMatchPatterns } from './src/sites.js';

const ext = extensionApi();
const $ = (id) => document.getElementById(id);
const FIELDS = ['serviceUrl', 'apiKey', 'extraSites'];

let saved = null;
// Firefox lets the user withhold the platforms' host permissions at install; ask for them
// again on save. Worked out in advance because a permission request must happen in the
// click itself, before anything is awaited.
let missingPlatforms = [];

function lang() {
  return $('lang').value === 'en' ? 'en' : 'nl';
}

function applyText() {
  const l = lang();
  document.documentElement.lang = l;
  for (const el of document.querySelectorAll('[data-text]')) el.textContent = t(l, el.dataset.text);
}

function status(text, tone = '') {
  $('status').textContent = text;
  $('status').dataset.tone = tone;
}

function showErrors(errors) {
  const l = lang();
  for (const name of FIELDS) {
    const e = errors[name];
    $(`${name}-error`).textContent = e ? e[l] : '';
    if (e) $(name).setAttribute('aria-invalid', 'true');
    else $(name).removeAttribute('aria-invalid');
  }
}

async function reportConnection(settings) {
  const allowed = await ext.permissions.contains({ origins: [hostPattern(settings.serviceUrl)] });
  if (!allowed) {
    status(t(lang(), 'optNotConnected', { why: t(lang(), 'noPermission') }), 'bad');
    return;
  }
  status(t(lang(), 'optTesting'));
  const result = await testConnection(settings, (...a) => fetch(...a));
  if (result.ok) status(t(lang(), 'optConnected'), 'ok');
  else status(t(lang(), 'optNotConnected', { why: failureText(result.error, lang()) }), 'bad');
}

function onSave(event) {
  event.preventDefault();
  const result = validateSettings({
    serviceUrl: $('serviceUrl').value,
    apiKey: $('apiKey').value,
    lang: lang(),
    extraSitesText: $('extraSites').value,
  });
  showErrors(result.ok ? {} : result.errors);
  if (!result.ok) {
    status(t(lang(), 'optFixErrors'), 'bad');
    return;
  }
  const next = result.settings;
  const wanted = [...requiredOrigins(next), ...missingPlatforms];
  // Called synchronously in the click: browsers only show the prompt for a user gesture.
  const asked = wanted.length ? ext.permissions.request({ origins: wanted }) : Promise.resolve(true);
  asked
    .catch(() => false)
    .then(async (granted) => {
      await ext.storage.local.set({ settings: next });
      // Give back what the old settings needed and the new ones do not.
      const keep = new Set([...requiredOrigins(next), ...platformMatchPatterns()]);
      const stale = saved ? requiredOrigins(saved).filter((o) => !keep.has(o)) : [];
      if (stale.length) await ext.permissions.remove({ origins: stale }).catch(() => false);
      saved = next;
      if (granted) missingPlatforms = [];
      if (!granted) {
        status(t(lang(), 'optDenied', { origins: wanted.join(', ') }), 'bad');
        return;
      }
      status(t(lang(), 'optSaved'), 'ok');
      await reportConnection(next);
      if (next.extraSites.length) $('status').textContent += `\n${t(lang(), 'optReload')}`;
    });
}

async function init() {
  saved = await loadSettings(ext);
  $('serviceUrl').value = saved.serviceUrl;
  $('apiKey').value = saved.apiKey;
  $('lang').value = saved.lang;
  $('extraSites').value = formatExtraSites(saved.extraSites);
  applyText();
  $('lang').addEventListener('change', applyText);
  $('settings').addEventListener('submit', onSave);
  $('test').addEventListener('click', () => {
    if (saved) reportConnection(saved);
  });
  // getAll, not contains: Chromium lists content-script hosts in getAll() but answers
  // contains() with false for them, which would ask the user for access they already gave.
  const have = new Set((await ext.permissions.getAll()).origins ?? []);
  missingPlatforms = platformMatchPatterns().filter((o) => !have.has(o));
  document.body.dataset.ready = 'true';
}

init();
