// Background service worker (Chromium) / event page (Firefox). The only part of the
// extension that talks to the screening service.

import { extensionApi } from './src/browser_api.js';
import { loadSettings, messageHandlers, messageListener } from './src/messages.js';
import { serial, syncExtraSiteScripts } from './src/registration.js';

const ext = extensionApi();
const queue = serial();

const resync = () =>
  queue(async () => {
    try {
      await syncExtraSiteScripts(ext, await loadSettings(ext));
    } catch (e) {
      console.warn('[school-post-screening] extra sites not registered:', e && e.name);
    }
  });

ext.runtime.onMessage.addListener(messageListener(ext, messageHandlers(ext, (...a) => fetch(...a))));

ext.runtime.onInstalled.addListener((details) => {
  resync();
  if (details.reason === 'install') ext.runtime.openOptionsPage();
});
ext.runtime.onStartup.addListener(resync);
ext.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.settings) resync();
});
ext.permissions.onAdded.addListener(resync);
ext.permissions.onRemoved.addListener(resync);
// The toolbar button opens the options: there is nothing else to show there.
ext.action?.onClicked.addListener(() => ext.runtime.openOptionsPage());
