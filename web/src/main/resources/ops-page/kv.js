// The key-value store's LSM figures (GET /api/v1/admin/kv/stats): one row per kv store partition held by the
// instance that serves the page, asked for again with every live update, one request at a time.

import { el, table, show, empty, number, bytes } from './dom.js';

const STATS = '/api/v1/admin/kv/stats';
// the answer waits for the brokers' changelog end offsets: a hung request must not stop the panel for good
const TIMEOUT_MS = 10000;
let asking = false;

/** Asks for the figures with the given request headers and draws them into #kv; skipped while one is asked. */
export async function refreshKvStats(headers) {
  if (asking) {
    return;
  }
  asking = true;
  try {
    const response = await fetch(STATS, { headers: headers(), cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = await response.json().catch(() => null);
    if (response.status === 404) {
      show('kv', empty('This instance serves no key-value store.'));
    } else if (!response.ok) {
      const detail = body?.detail ?? body?.title ?? '';
      show('kv', el('p', { class: 'error', 'data-testid': 'kv-error' },
        `The figures answered ${response.status}${detail ? `: ${detail}` : ''}`));
    } else {
      draw(body);
    }
  } catch (error) {
    show('kv', el('p', { class: 'error', 'data-testid': 'kv-error' }, `The request failed: ${error.message}`));
  } finally {
    asking = false;
  }
}

/** "L0 3 · L1 1": the files of each level up to the last that holds any. */
function levels(counts) {
  if (counts === null || counts === undefined) {
    return '–';
  }
  const last = counts.reduce((found, count, level) => (count > 0 ? level : found), -1);
  return last < 0 ? 'none' : counts.slice(0, last + 1).map((count, level) => `L${level} ${number(count)}`).join(' · ');
}

function hitRate(cache) {
  if (!cache) {
    return '–';
  }
  const share = cache.hitRate === null || cache.hitRate === undefined ? '–' : `${number(cache.hitRate * 100, 1)} %`;
  return `${share} (${number(cache.hits)} hits, ${number(cache.misses)} misses)`;
}

function draw(stats) {
  const rows = stats?.stores ?? [];
  if (rows.length === 0) {
    show('kv', empty('No kv store partition on this instance yet.'));
    return;
  }
  show('kv',
    el('p', { class: 'muted' }, 'On ', el('strong', { 'data-testid': 'kv-instance' }, stats.instance ?? '?'),
      ', the instance serving this page. Bloom filter and block cache count since each store opened; files per '
      + 'level are as of the last flush or compaction.'),
    table([
      { label: 'Store', field: 'store', value: (row) => row.store },
      { label: 'Partition', field: 'partition', numeric: true, value: (row) => row.partition },
      { label: 'Copy', field: 'role', value: (row) => row.role },
      { label: 'Memtable', field: 'memtableBytes', numeric: true, value: (row) => row.memtable?.bytes, format: bytes },
      { label: 'Memtable entries', field: 'memtableEntries', numeric: true, value: (row) => row.memtable?.entries },
      { label: 'SST files per level', field: 'sstLevels', value: (row) => levels(row.sstFiles?.levels) },
      { label: 'SST size', field: 'sstBytes', numeric: true, value: (row) => row.sstFiles?.totalBytes, format: bytes },
      { label: 'Bloom useful', field: 'bloomUseful', numeric: true, value: (row) => row.bloomFilter?.useful },
      { label: 'Bloom false positives', field: 'bloomFalsePositives', numeric: true,
        value: (row) => row.bloomFilter?.falsePositives },
      { label: 'Block cache hit rate', field: 'blockCache', value: (row) => hitRate(row.blockCache) },
      { label: 'Pending compaction', field: 'pendingCompaction', numeric: true,
        value: (row) => row.pendingCompactionBytes, format: bytes },
      { label: 'Changelog end offset', field: 'changelogEnd', numeric: true, value: (row) => row.changelog?.endOffset },
      { label: 'Changelog lag', field: 'changelogLag', numeric: true, value: (row) => row.changelog?.lag },
    ], rows, (row) => ({ 'data-testid': 'kv-store', 'data-store': row.store, 'data-partition': row.partition,
      'data-role': row.role }), { class: 'kv' }));
}
