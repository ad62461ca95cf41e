// The pre-check of one compose box: what is in it, when to ask the service, what the badge
// shows, and what a press on Post does. No DOM and no browser APIs: the service is reached
// through `send` (a message to the background worker), time through `timers`.

import { debounce } from './debounce.js';
import { postAttemptAction } from './guard.js';
import { isImageFile } from './images.js';
import { MAX_IMAGES } from './service_client.js';
import { checkingView, emptyView, viewFromResult } from './verdict.js';

export const DEBOUNCE_MS = 700;

function contentKeyOf(text, images) {
  // Enough to tell two drafts apart; the key never leaves the page.
  const parts = images.map((i) =>
    i.ok ? `${i.image.name}:${i.image.data.length}:${i.image.data.slice(-24)}` : `!${i.name}`,
  );
  return `${text}\u0001${parts.join('\u0002')}`;
}

export class PrecheckController {
  /**
   * @param {object} opts
   * @param {(msg: object) => Promise<any>} opts.send  message to the background worker
   * @param {string} opts.channel
   * @param {string} [opts.lang]
   * @param {(view: object) => void} [opts.onView]
   * @param {(file: any) => Promise<any>} [opts.prepareImage]
   * @param {number} [opts.debounceMs]
   * @param {{setTimeout: Function, clearTimeout: Function}} [opts.timers]
   */
  constructor({
    send,
    channel,
    lang = 'nl',
    onView = () => {},
    prepareImage,
    debounceMs = DEBOUNCE_MS,
    timers = globalThis,
  }) {
    this.send = send;
    this.channel = channel;
    this.lang = lang;
    this.onView = onView;
    this.prepareImage = prepareImage;
    this.text = '';
    /** @type {Promise<any>[]} photos being prepared, in the order they were attached */
    this.imageJobs = [];
    this.images = [];
    this.seq = 0;
    this.checkedKey = null;
    this.allowedKey = null;
    this.inflight = null;
    this.view = emptyView(lang);
    this.debounced = debounce(() => this.startCheck(), debounceMs, timers);
  }

  /** True when neither text nor photos are there to check. */
  isEmpty() {
    return this.text.trim() === '' && this.imageJobs.length === 0;
  }

  contentKey() {
    return contentKeyOf(this.text, this.images);
  }

  setView(view) {
    this.view = view;
    this.onView(view);
  }

  /** The language changed (options page). */
  setLang(lang) {
    this.lang = lang;
  }

  /** The text in the box changed. */
  setText(text) {
    if (text === this.text) return;
    this.text = text;
    this.changed();
  }

  /** Photos were attached to the post. */
  addFiles(files) {
    for (const file of files) {
      // A video or other file cannot be checked here; it keeps the post from turning green.
      const job = isImageFile(file)
        ? this.prepareImage(file).catch(() => ({ ok: false, name: file.name, why: 'unreadable' }))
        : Promise.resolve({ ok: false, name: file.name, why: 'unreadable' });
      this.imageJobs.push(job);
    }
    this.changed();
  }

  /** The composer was closed or emptied: forget the draft. */
  reset() {
    this.debounced.cancel();
    this.seq += 1;
    this.text = '';
    this.imageJobs = [];
    this.images = [];
    this.checkedKey = null;
    this.allowedKey = null;
    this.inflight = null;
    this.setView(emptyView(this.lang));
  }

  changed() {
    // Any answer still on its way is for content that no longer exists.
    this.seq += 1;
    this.checkedKey = null;
    if (this.isEmpty()) {
      this.debounced.cancel();
      this.setView(emptyView(this.lang));
      return;
    }
    if (this.view.state !== 'checking') this.setView(checkingView(this.lang));
    this.debounced();
  }

  /** Whether the view does not belong to the content in the box. */
  isStale() {
    return !this.isEmpty() && (this.checkedKey === null || this.inflight !== null);
  }

  startCheck() {
    const seq = ++this.seq;
    const job = this.runCheck(seq);
    this.inflight = job;
    job.finally(() => {
      if (this.inflight === job) this.inflight = null;
    });
    return job;
  }

  async runCheck(seq) {
    const prepared = await Promise.all(this.imageJobs);
    if (seq !== this.seq) return;
    this.images = prepared;
    const ready = prepared.filter((p) => p.ok).map((p) => p.image);
    const unchecked = prepared.filter((p) => !p.ok).map((p) => ({ name: p.name, why: p.why }));
    if (ready.length > MAX_IMAGES) unchecked.push({ why: 'too_many', max: MAX_IMAGES });
    const sent = ready.slice(0, MAX_IMAGES);
    let result;
    try {
      result = await this.send({ type: 'precheck', text: this.text, channel: this.channel, images: sent });
    } catch {
      // The background worker is gone (extension updated or disabled): nothing was checked.
      result = { ok: false, error: { kind: 'unreachable' } };
    }
    if (seq !== this.seq) return;
    if (result && (result.lang === 'nl' || result.lang === 'en')) this.lang = result.lang;
    this.checkedKey = this.contentKey();
    this.setView(
      viewFromResult(result, { lang: this.lang, uncheckedImages: unchecked, imageCount: sent.length }),
    );
  }

  /** Runs any due check now and resolves with the view for the current content. */
  async flush() {
    for (let round = 0; round < 5 && this.isStale(); round += 1) {
      if (this.debounced.pending()) this.debounced.flush();
      else if (this.inflight === null) this.startCheck();
      await this.inflight;
    }
    return this.view;
  }

  /** What a press on Post should do now: 'allow', 'wait', 'warn_hold' or 'warn_unchecked'. */
  postAttempt() {
    return postAttemptAction(this.view, {
      stale: this.isStale(),
      allowedKey: this.allowedKey,
      contentKey: this.contentKey(),
    });
  }

  /** The user confirmed posting this exact content despite the view. */
  allowCurrent() {
    this.allowedKey = this.contentKey();
  }

  /** Records the user's reason for posting despite the hold; resolves with the service result. */
  async recordOverride({ reason, officer }) {
    const view = this.view;
    if (view.state !== 'hold' || !view.postId) {
      return { ok: false, error: { kind: 'bad_response' } };
    }
    try {
      return await this.send({
        type: 'override',
        postId: view.postId,
        findingIds: view.holdFindingIds,
        reason: reason.trim(),
        officer: officer ? officer.trim() : '',
      });
    } catch {
      return { ok: false, error: { kind: 'unreachable' } };
    }
  }
}
