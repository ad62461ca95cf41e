// A fake WebExtension API: storage, permissions, scripting and runtime, in memory.

export function fakeExt({ settings, granted = [] } = {}) {
  const store = settings ? { settings } : {};
  const grantedSet = new Set(granted);
  const registered = new Map();
  return {
    registered,
    granted: grantedSet,
    runtime: { id: 'ext-id' },
    storage: {
      local: {
        async get(key) {
          return key in store ? { [key]: structuredClone(store[key]) } : {};
        },
        async set(obj) {
          Object.assign(store, structuredClone(obj));
        },
      },
    },
    permissions: {
      async contains({ origins }) {
        return origins.every((o) => grantedSet.has(o));
      },
    },
    scripting: {
      async getRegisteredContentScripts({ ids }) {
        return ids.filter((id) => registered.has(id)).map((id) => registered.get(id));
      },
      async unregisterContentScripts({ ids }) {
        for (const id of ids) {
          if (!registered.has(id)) throw new Error(`not registered: ${id}`);
          registered.delete(id);
        }
      },
      async registerContentScripts(scripts) {
        for (const s of scripts) {
          if (registered.has(s.id)) throw new Error(`duplicate script id ${s.id}`);
          registered.set(s.id, s);
        }
      },
    },
  };
}
