// Content script entry point. Manifest content scripts cannot be ES modules, so this classic
// script loads the real one (src/content_main.js) as a module.
(() => {
  // The same page can match the manifest and a site the school registered: start once.
  if (globalThis.__schoolScreeningStarted) return;
  globalThis.__schoolScreeningStarted = true;
  const ext = globalThis.browser ?? globalThis.chrome;
  import(ext.runtime.getURL('src/content_main.js'))
    .then((m) => m.start())
    .catch((e) => {
      // Only the error's type: a message could quote the page.
      console.warn('[school-post-screening] pre-check not started:', e && e.name);
    });
})();
