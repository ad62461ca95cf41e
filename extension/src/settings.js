// The extension's settings: defaults, validation and the host permissions they need. Pure.

import { isChosenButton } from './publish_button.js';

/** Channels the service knows (kernel.types.Channel). */
export const CHANNELS = [
  'instagram',
  'facebook',
  'linkedin',
  'x',
  'tiktok',
  'youtube',
  'website',
  'newsletter',
  'school_guide',
  'whatsapp',
];

export const DEFAULT_SETTINGS = Object.freeze({
  serviceUrl: '',
  apiKey: '',
  lang: 'nl',
  /**
   * publishButton: the site's own publish button, chosen on the site (absent: not chosen).
   * @type {{pattern: string, channel: string, publishButton?: import('./publish_button.js').ChosenButton}[]}
   */
  extraSites: [],
});

// Plain http is only acceptable when the service runs on the same machine; anything else
// would send the post text and the key in the clear.
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

function err(nl, en) {
  return { ok: false, error: { nl, en } };
}

/** A service URL as the origin plus optional path prefix, without a trailing slash. */
export function normalizeServiceUrl(raw) {
  const text = String(raw ?? '').trim();
  if (!text) return err('Vul het adres van de controledienst in.', 'Enter the screening service address.');
  let url;
  try {
    url = new URL(text);
  } catch {
    return err(
      `“${text}” is geen geldig adres; begin met https://`,
      `“${text}” is not a valid address; start with https://`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))) {
    return err(
      'Gebruik https:// (http:// alleen voor een dienst op deze computer).',
      'Use https:// (http:// only for a service on this computer).',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    return err(
      'Het adres mag geen gebruikersnaam, ? of # bevatten.',
      'The address must not contain a user name, ? or #.',
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  return { ok: true, url: url.origin + path, origin: url.origin };
}

/** The match pattern that grants access to every path and port of a URL's host. */
export function hostPattern(urlText) {
  const url = new URL(urlText);
  // Ports are left out: Firefox's match patterns do not allow one, and a pattern without a
  // port matches every port in both browsers.
  return `${url.protocol}//${url.hostname}/*`;
}

const HOST_RE = /^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:]+\]$/i;

/**
 * An extra site as a match pattern. Accepts "cms.school.nl", "https://cms.school.nl/nieuws",
 * "*.school.nl" or a full pattern "https://*.school.nl/*". Paths are dropped: permissions
 * are per host, and a composer often lives on several paths of its site.
 */
export function sitePattern(raw) {
  let text = String(raw ?? '').trim();
  if (!text) return err('Lege regel.', 'Empty line.');
  if (!/^[a-z]+:\/\//i.test(text)) text = `https://${text}`;
  const m = /^(https?):\/\/([^/?#]+)(.*)$/i.exec(text);
  if (!m) {
    return err(`“${raw}” is geen website; gebruik https://…`, `“${raw}” is not a website; use https://…`);
  }
  const scheme = m[1].toLowerCase();
  const host = m[2].toLowerCase().replace(/:\d+$/, '');
  if (!HOST_RE.test(host) || host === '*') {
    return err(`“${raw}” bevat geen geldige hostnaam.`, `“${raw}” does not contain a valid host name.`);
  }
  const bare = host.replace(/^\*\./, '');
  if (scheme === 'http' && !LOCAL_HOSTS.has(bare)) {
    return err(
      `“${raw}”: gebruik https:// (http:// alleen voor deze computer).`,
      `“${raw}”: use https:// (http:// only for this computer).`,
    );
  }
  return { ok: true, pattern: `${scheme}://${host}/*` };
}

/**
 * Parses the options page's "extra sites" text: one site a line, optionally followed by a
 * channel ("cms.school.nl website"); the channel defaults to "website".
 */
export function parseExtraSites(text) {
  const sites = [];
  const errors = [];
  const lines = String(text ?? '').split(/\r?\n/);
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const [site, channel = 'website', ...rest] = trimmed.split(/\s+/);
    const parsed = sitePattern(site);
    if (!parsed.ok) {
      errors.push({ line: i + 1, ...parsed.error });
    } else if (!CHANNELS.includes(channel) || rest.length > 0) {
      errors.push({
        line: i + 1,
        nl: `Onbekend kanaal “${[channel, ...rest].join(' ')}”; kies uit ${CHANNELS.join(', ')}.`,
        en: `Unknown channel “${[channel, ...rest].join(' ')}”; choose from ${CHANNELS.join(', ')}.`,
      });
    } else if (!sites.some((s) => s.pattern === parsed.pattern)) {
      sites.push({ pattern: parsed.pattern, channel });
    }
  });
  return { sites, errors };
}

/** The extra sites back as the options page's text. */
export function formatExtraSites(sites) {
  return sites.map((s) => `${s.pattern} ${s.channel}`).join('\n');
}

/**
 * Validates settings as entered on the options page.
 * Returns {ok: true, settings} or {ok: false, errors: {field: {nl, en}}}.
 */
export function validateSettings(input) {
  const errors = {};
  const service = normalizeServiceUrl(input.serviceUrl);
  if (!service.ok) errors.serviceUrl = service.error;
  const apiKey = String(input.apiKey ?? '').trim();
  if (!apiKey) {
    errors.apiKey = { nl: 'Vul de API-sleutel in.', en: 'Enter the API key.' };
  } else if (/\s/.test(apiKey)) {
    errors.apiKey = { nl: 'Een sleutel bevat geen spaties.', en: 'A key contains no spaces.' };
  }
  const lang = input.lang === 'en' ? 'en' : 'nl';
  const extra = parseExtraSites(input.extraSitesText ?? '');
  if (extra.errors.length) {
    errors.extraSites = {
      nl: extra.errors.map((e) => `regel ${e.line}: ${e.nl}`).join('\n'),
      en: extra.errors.map((e) => `line ${e.line}: ${e.en}`).join('\n'),
    };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    settings: { serviceUrl: service.url, apiKey, lang, extraSites: extra.sites },
  };
}

/** Settings from storage, with defaults for anything missing or malformed. */
export function withDefaults(stored) {
  const s = stored ?? {};
  return {
    serviceUrl: typeof s.serviceUrl === 'string' ? s.serviceUrl : '',
    apiKey: typeof s.apiKey === 'string' ? s.apiKey : '',
    lang: s.lang === 'en' ? 'en' : 'nl',
    extraSites: Array.isArray(s.extraSites)
      ? s.extraSites
          .filter((x) => x && typeof x.pattern === 'string' && CHANNELS.includes(x.channel))
          .map((x) => siteEntry(x.pattern, x.channel, x.publishButton))
      : [],
  };
}

function siteEntry(pattern, channel, publishButton) {
  const entry = { pattern, channel };
  if (isChosenButton(publishButton)) {
    entry.publishButton = { selector: publishButton.selector, label: publishButton.label };
  }
  return entry;
}

/**
 * The extra sites as edited on the options page, keeping the publish button chosen earlier
 * for every site that is still listed (the text field does not show it, so a save must not
 * drop it).
 */
export function carryPublishButtons(sites, previous) {
  return sites.map((site) => {
    const before = previous.find((p) => p.pattern === site.pattern);
    return siteEntry(site.pattern, site.channel, site.publishButton ?? before?.publishButton);
  });
}

/** Settings with `button` as the publish button of the extra site `pattern` (null forgets it). */
export function withPublishButton(settings, pattern, button) {
  return {
    ...settings,
    extraSites: settings.extraSites.map((site) =>
      site.pattern === pattern ? siteEntry(site.pattern, site.channel, button) : site,
    ),
  };
}

/** True when the extension can call the service at all. */
export function isConfigured(settings) {
  return Boolean(settings.serviceUrl && settings.apiKey);
}

/** The host permissions these settings need at run time: the service and the extra sites. */
export function requiredOrigins(settings) {
  const origins = [];
  if (settings.serviceUrl) origins.push(hostPattern(settings.serviceUrl));
  for (const site of settings.extraSites) origins.push(site.pattern);
  return [...new Set(origins)];
}
