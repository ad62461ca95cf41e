// The options page: service address, API key, language and extra sites. Host permissions
// for the service and the extra sites are requested here, when the user saves; while the
// browser's prompt is open the page says so. It also lists the publish buttons chosen on the
// extra sites themselves, each with a way to forget it.

import { extensionApi } from './src/browser_api.js';
import { failureText } from './src/dialog.js';
import { t } from './src/i18n.js';
import { loadSettings } from './src/messages.js';
import { requestOrigins } from './src/permission_request.js';
import { testConnection } from './src/service_client.js';
import {
  carryPublishButtons,
  formatExtraSites,
  hostPattern,
  requiredOrigins,
  validateSettings,
  withDefaults,
  withPublishButton,
} from './src/settings.js';
import { platformMatchPatterns } from './src/sites.js';

const ext = extensionApi();
const $ = (id) => document.getElementById(id);
const FIELDS = ['serviceUrl', 'apiKey', 'extraSites'];

let saved = null;
// Firefox lets the user withhold the platforms' host permissions at install; ask for them
// again on save. Worked out in advance because a permission request must happen in the
// click itself, before anything is awaited.
let missingPlatforms = [];
// The host permissions the extension has now, to know whether Save will open a prompt.
let granted = new Set();
// The settings the list of publish buttons shows.
let listed = null;

function lang() {
  return $('lang').value === 'en' ? 'en' : 'nl';
}

function applyText() {
  const l = lang();
  document.documentElement.lang = l;
  for (const el of document.querySelectorAll('[data-text]')) el.textContent = t(l, el.dataset.text);
  if (listed) renderPublishButtons(listed);
}

async function refreshGranted() {
  granted = new Set((await ext.permissions.getAll()).origins ?? []);
}

function siteName(pattern) {
  return pattern.replace(/^https?:\/\//, '').replace(/\/\*$/, '');
}

function renderPublishButtons(settings) {
  listed = settings;
  const list = $('publishButtons');
  list.replaceChildren();
  const chosen = settings.extraSites.filter((s) => s.publishButton);
  $('publishButtons-none').hidden = chosen.length > 0;
  for (const site of chosen) {
    const label = site.publishButton.label || site.publishButton.selector;
    const text = document.createElement('span');
    text.textContent = t(lang(), 'optPublishButtonItem', { site: siteName(site.pattern), label });
    const forget = document.createElement('button');
    forget.type = 'button';
    forget.className = 'forget';
    forget.textContent = t(lang(), 'optForget');
    forget.setAttribute('aria-label', `${t(lang(), 'optForget')}: ${text.textContent}`);
    forget.addEventListener('click', async () => {
      const current = await loadSettings(ext);
      await ext.storage.local.set({ settings: withPublishButton(current, site.pattern, null) });
    });
    const item = document.createElement('li');
    item.append(text, forget);
    list.append(item);
  }
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
  let next = result.settings;
  const wanted = [...requiredOrigins(next), ...missingPlatforms];
  // Called synchronously in the click: browsers only show the prompt for a user gesture.
  const asked = requestOrigins(ext, wanted, granted, (missing) => {
    status(t(lang(), 'optWaiting', { origins: missing.join(', ') }), 'wait');
    $('save').disabled = true;
  });
  asked
    .then(async (allowed) => {
      $('save').disabled = false;
      // Publish buttons are chosen on the sites (perhaps while this page was open): keep them.
      const current = await loadSettings(ext);
      next = { ...next, extraSites: carryPublishButtons(next.extraSites, current.extraSites) };
      await ext.storage.local.set({ settings: next });
      // Give back what the old settings needed and the new ones do not.
      const keep = new Set([...requiredOrigins(next), ...platformMatchPatterns()]);
      const stale = saved ? requiredOrigins(saved).filter((o) => !keep.has(o)) : [];
      if (stale.length) await ext.permissions.remove({ origins: stale }).catch(() => false);
      saved = next;
      if (allowed) missingPlatforms = [];
      if (!allowed) {
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
  renderPublishButtons(saved);
  applyText();
  $('lang').addEventListener('change', applyText);
  $('settings').addEventListener('submit', onSave);
  $('test').addEventListener('click', () => {
    if (saved) reportConnection(saved);
  });
  // getAll, not contains: Chromium lists content-script hosts in getAll() but answers
  // contains() with false for them, which would ask the user for access they already gave.
  await refreshGranted();
  missingPlatforms = platformMatchPatterns().filter((o) => !granted.has(o));
  ext.permissions.onAdded.addListener(refreshGranted);
  ext.permissions.onRemoved.addListener(refreshGranted);
  ext.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes.settings) renderPublishButtons(withDefaults(changes.settings.newValue));
  });
  document.body.dataset.ready = 'true';
}

init();
