// The live snapshot feed: server-sent events read through fetch (so the token goes in a header, never in the
// address), reconnecting with backoff; polling the snapshot every 2 s only while the stream keeps failing.

const STREAM = '/api/v1/admin/ops/live';
const SNAPSHOT = '/api/v1/admin/ops/snapshot';
const POLL_MS = 2000;
// the server sends a snapshot every 2 s: a stream silent for longer than this is dead
const SILENCE_MS = 7000;
const FAILURES_BEFORE_POLLING = 3;
const POLLS_BEFORE_RETRYING_STREAM = 15;

/** Thrown when the server refuses the token: retrying would not help. */
export class Refused extends Error {
  constructor(status) {
    super(status === 403 ? 'this token is not an admin\'s (403)' : 'the token was refused (401)');
    this.status = status;
  }
}

/**
 * Feeds snapshots to handlers.snapshot(snapshot, mode) and connection states to handlers.state(state, detail)
 * ('connecting', 'live', 'disconnected', 'polling'); handlers.refused(error) when the token is refused.
 */
export class LiveFeed {
  #headers;
  #handlers;
  #controller = null;
  #timer = null;
  #stopped = true;
  #failures = 0;

  /** headers() gives the request headers, the bearer token among them. */
  constructor(headers, handlers) {
    this.#headers = headers;
    this.#handlers = handlers;
  }

  start() {
    this.#stopped = false;
    this.#failures = 0;
    this.#stream();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#controller?.abort();
  }

  async #stream() {
    const controller = new AbortController();
    this.#controller = controller;
    this.#handlers.state('connecting');
    let silence = null;
    const quiet = () => {
      clearTimeout(silence);
      silence = setTimeout(() => controller.abort(new Error('no update for 7 s')), SILENCE_MS);
    };
    try {
      quiet();
      const response = await fetch(STREAM, {
        headers: { ...this.#headers(), Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: controller.signal,
      });
      if (response.status === 401 || response.status === 403) {
        throw new Refused(response.status);
      }
      if (!response.ok || !response.body) {
        throw new Error(`the live stream answered ${response.status}`);
      }
      for await (const event of serverSentEvents(response.body, quiet)) {
        if (event.type === 'snapshot' || event.type === 'message') {
          this.#failures = 0;
          this.#handlers.state('live');
          this.#handlers.snapshot(JSON.parse(event.data), 'live');
        }
      }
      throw new Error('the live stream ended');
    } catch (error) {
      clearTimeout(silence);
      if (this.#stopped) {
        return;
      }
      if (error instanceof Refused) {
        this.#handlers.refused(error);
        return;
      }
      this.#failures += 1;
      const reason = controller.signal.aborted && controller.signal.reason instanceof Error
        ? controller.signal.reason.message : error.message;
      this.#handlers.state('disconnected', reason);
      if (this.#failures >= FAILURES_BEFORE_POLLING) {
        this.#timer = setTimeout(() => this.#poll(0), POLL_MS);
      } else {
        this.#timer = setTimeout(() => this.#stream(), backoff(this.#failures));
      }
    } finally {
      clearTimeout(silence);
      controller.abort();
    }
  }

  async #poll(polls) {
    if (this.#stopped) {
      return;
    }
    if (polls >= POLLS_BEFORE_RETRYING_STREAM) {
      // one more failure of the stream brings the polling back
      this.#failures = FAILURES_BEFORE_POLLING - 1;
      this.#stream();
      return;
    }
    try {
      const response = await fetch(SNAPSHOT, { headers: this.#headers(), cache: 'no-store' });
      if (response.status === 401 || response.status === 403) {
        throw new Refused(response.status);
      }
      if (!response.ok) {
        throw new Error(`the snapshot answered ${response.status}`);
      }
      const snapshot = await response.json();
      if (this.#stopped) {
        return;
      }
      this.#handlers.state('polling');
      this.#handlers.snapshot(snapshot, 'polling');
    } catch (error) {
      if (this.#stopped) {
        return;
      }
      if (error instanceof Refused) {
        this.#handlers.refused(error);
        return;
      }
      this.#handlers.state('disconnected', error.message);
    }
    this.#timer = setTimeout(() => this.#poll(polls + 1), POLL_MS);
  }
}

function backoff(failures) {
  const base = Math.min(1000 * 2 ** (failures - 1), 10000);
  return base / 2 + Math.random() * base / 2;
}

/**
 * The events of a text/event-stream body (WHATWG HTML, "parsing an event stream"): fields per line, an event
 * dispatched at each blank line; comments (":") and ids are skipped. onChunk() is called for every chunk read.
 */
export async function* serverSentEvents(body, onChunk = () => {}) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let type = '';
  let data = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      onChunk();
      buffer += value;
      let end;
      while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
        if (buffer[end] === '\r' && end === buffer.length - 1) {
          break; // a CR ending the chunk may be the first half of a CRLF
        }
        const line = buffer.slice(0, end);
        buffer = buffer.slice(buffer[end] === '\r' && buffer[end + 1] === '\n' ? end + 2 : end + 1);
        if (line === '') {
          if (data.length > 0) {
            yield { type: type || 'message', data: data.join('\n') };
          }
          type = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) {
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) {
          value = value.slice(1);
        }
        if (field === 'event') {
          type = value;
        } else if (field === 'data') {
          data.push(value);
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
