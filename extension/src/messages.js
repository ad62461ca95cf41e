// The background worker's answers to the content script's messages. The extension API and
// fetch are passed in, so tests run these with fakes.

import { isChosenButton } from './publish_button.js';
import { CHANNELS, hostPattern, isConfigured, withDefaults, withPublishButton } from './settings.js';
import { MAX_IMAGES, precheck, recordOverride } from './service_client.js';
import { matchesPattern } from './sites.js';

const MAX_TEXT_CHARS = 100_000;
// base64 of 2 MB is 2.67 MB; anything longer the service would refuse anyway.
const MAX_IMAGE_B64 = Math.ceil((2 * 1024 * 1024 * 4) / 3) + 4;

function bad() {
  return { ok: false, error: { kind: 'bad_response' } };
}

/** The settings as stored, with defaults. */
export async function loadSettings(ext) {
  const stored = await ext.storage.local.get('settings');
  return withDefaults(stored?.settings);
}

/** Checks what may be sent before anything leaves the browser. */
async function ready(ext, settings) {
  if (!isConfigured(settings)) return { ok: false, error: { kind: 'not_configured' } };
  const allowed = await ext.permissions.contains({ origins: [hostPattern(settings.serviceUrl)] });
  return allowed ? null : { ok: false, error: { kind: 'no_permission' } };
}

function validDraft(msg) {
  return (
    typeof msg.text === 'string' &&
    msg.text.length <= MAX_TEXT_CHARS &&
    CHANNELS.includes(msg.channel) &&
    Array.isArray(msg.images) &&
    msg.images.length <= MAX_IMAGES &&
    msg.images.every(
      (i) => i && typeof i.name === 'string' && typeof i.data === 'string' && i.data.length <= MAX_IMAGE_B64,
    )
  );
}

/** Builds the message handlers: {config, precheck, override, publishButton}. */
export function messageHandlers(ext, fetchImpl) {
  return {
    async config() {
      const s = await loadSettings(ext);
      return { lang: s.lang, extraSites: s.extraSites, configured: isConfigured(s) };
    },
    async precheck(msg) {
      const s = await loadSettings(ext);
      if (!validDraft(msg)) return { ...bad(), lang: s.lang };
      const blocked = await ready(ext, s);
      if (blocked) return { ...blocked, lang: s.lang };
      const draft = { text: msg.text, channel: msg.channel, images: msg.images };
      const result = await precheck(s, draft, fetchImpl);
      return { ...result, lang: s.lang };
    },
    async override(msg) {
      const s = await loadSettings(ext);
      const valid =
        typeof msg.postId === 'string' &&
        Array.isArray(msg.findingIds) &&
        msg.findingIds.every((id) => typeof id === 'string') &&
        typeof msg.reason === 'string' &&
        msg.reason.trim().length >= 10 &&
        (msg.officer === undefined || typeof msg.officer === 'string');
      if (!valid) return bad();
      const blocked = await ready(ext, s);
      if (blocked) return blocked;
      return recordOverride(
        s,
        { postId: msg.postId, findingIds: msg.findingIds, reason: msg.reason.trim(), officer: msg.officer },
        fetchImpl,
      );
    },
    /**
     * Remembers the publish button chosen on an extra site. The site is the one the asking
     * tab is on (from the browser, not from the message), so a page cannot name another.
     */
    async publishButton(msg, sender) {
      if (!isChosenButton(msg.button)) return bad();
      const s = await loadSettings(ext);
      const url = sender?.url ?? sender?.tab?.url ?? '';
      const site = s.extraSites.find((x) => matchesPattern(x.pattern, url));
      if (!site) return { ok: false, error: { kind: 'rejected' } };
      const button = { selector: msg.button.selector, label: msg.button.label };
      await ext.storage.local.set({ settings: withPublishButton(s, site.pattern, button) });
      return { ok: true, pattern: site.pattern };
    },
  };
}

/** A runtime.onMessage listener over `handlers` (answers asynchronously). */
export function messageListener(ext, handlers) {
  return (msg, sender, sendResponse) => {
    // Only this extension's own pages and content scripts may ask.
    if (sender?.id !== ext.runtime.id || !msg || typeof msg.type !== 'string') return false;
    const handler = Object.hasOwn(handlers, msg.type) ? handlers[msg.type] : null;
    if (!handler) return false;
    handler(msg, sender).then(sendResponse, () => sendResponse(bad()));
    return true;
  };
}
