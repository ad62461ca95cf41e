// Content scripts for the sites a school adds in the options (the platforms are in the
// manifest). A site gets the script only while its host permission is granted.

export const EXTRA_SCRIPT_ID = 'extra-sites';

/**
 * Makes the registered content script match exactly the extra sites that are allowed.
 * `ext` is the extension API (a fake in tests). Returns the patterns now registered.
 */
export async function syncExtraSiteScripts(ext, settings) {
  const granted = [];
  for (const site of settings.extraSites) {
    if (await ext.permissions.contains({ origins: [site.pattern] })) granted.push(site.pattern);
  }
  const existing = await ext.scripting.getRegisteredContentScripts({ ids: [EXTRA_SCRIPT_ID] });
  if (existing.length) await ext.scripting.unregisterContentScripts({ ids: [EXTRA_SCRIPT_ID] });
  if (granted.length) {
    await ext.scripting.registerContentScripts([
      {
        id: EXTRA_SCRIPT_ID,
        matches: granted,
        js: ['content.js'],
        runAt: 'document_idle',
        allFrames: false,
        persistAcrossSessions: true,
      },
    ]);
  }
  return granted;
}

/** Runs `task`s one after another, so overlapping events cannot register twice. */
export function serial() {
  let chain = Promise.resolve();
  return (task) => {
    const next = chain.then(task, task);
    chain = next.catch(() => undefined);
    return next;
  };
}
