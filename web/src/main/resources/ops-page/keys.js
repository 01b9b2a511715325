// One key's story: who owns a key and what happened to it lately (GET /api/v1/admin/keys/{kind}/{key}).

import { el, table, show, empty, time, jsonDetails } from './dom.js';

const KINDS = new Set(['user', 'shorturl', 'channel', 'ratelimit']);

/** Asks for the story of kind/key with the given request headers and draws it into #key-story. */
export async function showStory(kind, key, headers, names) {
  if (!KINDS.has(kind) || key === '') {
    show('key-story', el('p', { class: 'error', 'data-testid': 'key-error' }, 'Choose a kind and enter a key.'));
    return;
  }
  show('key-story', el('p', { class: 'muted', 'data-testid': 'key-loading' }, 'Looking…'));
  let response;
  try {
    response = await fetch(`/api/v1/admin/keys/${encodeURIComponent(kind)}/${encodeURIComponent(key)}`,
      { headers: headers(), cache: 'no-store' });
  } catch (error) {
    show('key-story', el('p', { class: 'error', 'data-testid': 'key-error' }, `The request failed: ${error.message}`));
    return;
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body?.detail ?? body?.title ?? '';
    show('key-story', el('p', { class: 'error', 'data-testid': 'key-error' },
      `${response.status}${detail ? `: ${detail}` : ''}`));
    return;
  }
  draw(body, names);
}

function draw(story, names) {
  const name = (url) => (url ? names.get(url) ?? url : '–');
  const owners = story.owners ?? [];
  const events = story.events ?? [];
  const state = story.state ?? [];
  show('key-story',
    el('h3', {}, `${story.kind} `, el('code', { 'data-testid': 'key-story-key' }, story.key)),
    el('h3', {}, 'Owners'),
    owners.length ? table([
      { label: 'Application', field: 'application', value: (row) => row.application },
      { label: 'Store', field: 'store', value: (row) => row.store },
      { label: 'Partition', field: 'partition', numeric: true, value: (row) => row.partition },
      { label: 'Active', field: 'active', value: (row) => name(row.active) },
      { label: 'Standbys', field: 'standbys', value: (row) => (row.standbys ?? []).map(name).join(', ') || '–' },
    ], owners, (row) => ({ 'data-testid': 'key-owner', 'data-store': row.store })) : empty('No store holds this kind of key.'),
    el('h3', {}, `Recent events (${events.length})`),
    events.length ? table([
      { label: 'At', field: 'at', value: (row) => time(row.at) },
      { label: 'Topic', field: 'topic', value: (row) => `${row.topic} [${row.partition}] @${row.offset}` },
      { label: 'Type', field: 'type', value: (row) => row.type },
      { label: 'Outcome', field: 'outcome', value: (row) => row.outcome ?? '' },
      { label: 'Summary', field: 'summary', value: (row) => row.summary ?? '' },
      { label: '', field: 'event', value: (row) => jsonDetails('JSON', row.event) },
    ], events, (row) => ({ 'data-testid': 'key-event', 'data-topic': row.topic })) : empty('No recent event for this key.'),
    el('h3', {}, 'State'),
    state.length ? el('ul', {}, state.map((line) => el('li', { 'data-testid': 'key-state' },
      el('code', {}, line.store), ': ', line.summary))) : empty('No state line for this key.'));
}
