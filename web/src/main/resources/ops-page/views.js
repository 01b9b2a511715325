// Draws one whole-cluster snapshot (GET /api/v1/admin/ops/snapshot) into the page's sections.

import { el, table, show, empty, number, rate, millis, bytes, duration, time } from './dom.js';
import { lineChart } from './chart.js';

// which <details> the user opened, kept open across redraws
const opened = new Set();

export function render(snapshot) {
  const instances = snapshot.instances ?? [];
  const names = instanceNames(snapshot);
  drawInstances(snapshot);
  drawTaskMap(snapshot.cluster?.applications ?? [], names);
  drawApplications(instances);
  drawLag(snapshot.lag, Date.parse(snapshot.at) || Date.now());
  drawRoutes(instances);
  drawStores(instances);
  drawRateLimit(instances);
  drawDeadLetters(snapshot.deadLetters);
  drawNotify(instances);
  drawChat(instances);
  drawProblems(instances);
}

function percent(fraction) {
  return fraction === null || fraction === undefined ? '–' : `${number(fraction * 100, 0)} %`;
}

/** Instance URL → its ID, from the cluster view and the instances' own parts. */
export function instanceNames(snapshot) {
  const names = new Map();
  for (const instance of [...(snapshot.cluster?.instances ?? []), ...(snapshot.instances ?? [])]) {
    if (instance.url) {
      names.set(instance.url, instance.id ?? instance.url);
    }
  }
  return names;
}

function keptOpen(key, summary, ...content) {
  const details = el('details', { 'data-key': key, open: opened.has(key) }, el('summary', {}, summary), ...content);
  details.addEventListener('toggle', () => (details.open ? opened.add(key) : opened.delete(key)));
  return details;
}

function drawInstances(snapshot) {
  // the cluster view lists every instance, up or not; the snapshot's parts add what each one reported
  const parts = new Map((snapshot.instances ?? []).map((instance) => [instance.url ?? instance.id, instance]));
  const rows = (snapshot.cluster?.instances?.length ? snapshot.cluster.instances : snapshot.instances ?? [])
    .map((instance) => ({ ...instance, ...(parts.get(instance.url ?? instance.id) ?? {}) }));
  if (rows.length === 0) {
    show('instances', empty('No instance reported.'));
    return;
  }
  show('instances', table([
    { label: 'Instance', field: 'id', value: (row) => row.id },
    { label: 'URL', field: 'url', value: (row) => row.url },
    { label: 'Up', field: 'up', value: (row) => el('span', { class: row.up ? 'up' : 'down' }, row.up ? 'up' : 'down') },
    { label: 'Ready', field: 'ready', value: (row) => (row.ready ? 'ready' : 'not ready') },
    { label: 'Version', field: 'version', value: (row) => row.version },
    { label: 'Uptime', field: 'uptime', numeric: true, value: (row) => row.uptimeSeconds, format: duration },
    { label: 'CPU (process / machine)', field: 'cpu', value: (row) => (row.host
      ? `${percent(row.host.processCpu)} / ${percent(row.host.systemCpu)}` : '–') },
    { label: 'Heap', field: 'heap', value: (row) => (row.host
      ? `${bytes(row.host.heapUsedBytes)} of ${bytes(row.host.heapMaxBytes)}` : '–') },
    { label: 'Free disk (data)', field: 'disk', numeric: true, value: (row) => row.host?.dataDiskFreeBytes,
      format: bytes },
    { label: 'Warnings / errors', field: 'problems', value: (row) => (row.problems
      ? `${number(row.problems.warnings)} / ${number(row.problems.errors)}` : '–') },
    { label: '', field: 'error', value: (row) => (row.error ? el('span', { class: 'error' }, row.error) : '') },
  ], rows, (row) => ({ 'data-testid': 'instance', 'data-instance': row.id })));
  document.getElementById('served-by').textContent = `served by ${snapshot.servedBy ?? '?'}`;
}

/** The headline: per application, a grid of instances (rows) by tasks (columns), active or standby. */
function drawTaskMap(applications, names) {
  if (applications.length === 0) {
    show('task-map', empty('No task assignment reported yet.'));
    return;
  }
  show('task-map', applications.map((application) => {
    const tasks = [...(application.tasks ?? [])].sort((a, b) =>
      (a.subtopology - b.subtopology) || (a.partition - b.partition));
    const urls = [...names.keys()];
    for (const task of tasks) {
      for (const url of [task.active, ...(task.standbys ?? [])]) {
        if (url && !urls.includes(url)) {
          urls.push(url);
        }
      }
    }
    const subtopologies = [];
    for (const task of tasks) {
      const last = subtopologies[subtopologies.length - 1];
      if (last && last.id === task.subtopology) {
        last.count += 1;
      } else {
        subtopologies.push({ id: task.subtopology, count: 1 });
      }
    }
    const head = [
      el('tr', {}, el('th', { class: 'instance' }, 'subtopology'),
        subtopologies.map((sub) => el('th', { class: 'task', colspan: sub.count }, String(sub.id)))),
      el('tr', {}, el('th', { class: 'instance' }, 'partition'),
        tasks.map((task) => el('th', { class: 'task' }, String(task.partition)))),
    ];
    const rows = urls.map((url) => {
      const active = tasks.filter((task) => task.active === url).length;
      const standby = tasks.filter((task) => (task.standbys ?? []).includes(url)).length;
      return el('tr', { 'data-testid': 'task-map-row', 'data-instance': names.get(url) ?? url },
        el('th', { class: 'instance', title: url },
          `${names.get(url) ?? url} `, el('small', {}, `${active} active, ${standby} standby`)),
        tasks.map((task) => {
          const role = task.active === url ? 'active' : (task.standbys ?? []).includes(url) ? 'standby' : null;
          return el('td', {
            class: role, 'data-task': task.taskId, 'data-role': role ?? 'none',
            title: `task ${task.taskId} · partition ${task.partition}`
              + ` · topics ${(task.topics ?? []).join(', ') || '–'} · stores ${(task.stores ?? []).join(', ') || '–'}`,
          }, role === 'active' ? 'A' : role === 'standby' ? 'S' : '');
        }));
    });
    const unowned = tasks.filter((task) => !task.active).length;
    return el('div', { 'data-testid': 'task-map-application', 'data-application': application.application },
      el('h3', {}, `${application.application} `, el('small', {},
        `${application.applicationId ?? ''} · ${tasks.length} tasks${unowned ? ` · ${unowned} without an active owner` : ''}`)),
      el('table', { class: 'task-map' }, el('thead', {}, head), el('tbody', {}, rows)));
  }));
}

function drawApplications(instances) {
  const rows = instances.flatMap((instance) => (instance.applications ?? [])
    .map((application) => ({ instance: instance.id, ...application })));
  if (rows.length === 0) {
    show('applications', empty('No streams application reported.'));
    return;
  }
  const totals = new Map();
  for (const row of rows) {
    const total = totals.get(row.application) ?? { application: row.application, processRate: 0, avg: [], max: null };
    total.processRate += row.processRate ?? 0;
    if (row.processLatencyAvgMs !== null && row.processLatencyAvgMs !== undefined) {
      total.avg.push(row.processLatencyAvgMs);
    }
    if (row.processLatencyMaxMs !== null && row.processLatencyMaxMs !== undefined) {
      total.max = Math.max(total.max ?? 0, row.processLatencyMaxMs);
    }
    totals.set(row.application, total);
  }
  show('applications',
    table([
      { label: 'Application', field: 'application', value: (row) => row.application },
      { label: 'Records/s (cluster)', field: 'processRate', numeric: true, value: (row) => row.processRate, format: rate },
      { label: 'Latency avg (mean of instances)', field: 'latencyAvg', numeric: true, format: millis,
        value: (row) => (row.avg.length ? row.avg.reduce((a, b) => a + b, 0) / row.avg.length : null) },
      { label: 'Latency max', field: 'latencyMax', numeric: true, value: (row) => row.max, format: millis },
    ], [...totals.values()], (row) => ({ 'data-testid': 'application-total', 'data-application': row.application })),
    el('h3', {}, 'Per instance'),
    table([
      { label: 'Instance', field: 'instance', value: (row) => row.instance },
      { label: 'Application', field: 'application', value: (row) => row.application },
      { label: 'State', field: 'state', value: (row) => row.state },
      { label: 'Records/s', field: 'processRate', numeric: true, value: (row) => row.processRate, format: rate },
      { label: 'Latency avg', field: 'latencyAvg', numeric: true, value: (row) => row.processLatencyAvgMs, format: millis },
      { label: 'Latency max', field: 'latencyMax', numeric: true, value: (row) => row.processLatencyMaxMs, format: millis },
    ], rows, (row) => ({ 'data-testid': 'application', 'data-application': row.application, 'data-instance': row.instance })));
}

function drawLag(lag, endMs) {
  const groups = lag?.groups ?? [];
  if (groups.length === 0) {
    show('lag-chart', empty('No consumer group reported yet.'));
    show('lag', []);
    return;
  }
  show('lag-chart', lineChart(groups.map((group) => ({ name: group.group, points: group.history ?? [] })),
    lag.windowSeconds ?? 900, endMs, 'lag-chart-svg'));
  show('lag', table([
    { label: 'Consumer group', field: 'group', value: (row) => row.group },
    { label: 'Members', field: 'members', numeric: true, value: (row) => row.members },
    { label: 'Lag', field: 'total', numeric: true, value: (row) => row.total },
    { label: 'Per partition', field: 'partitions', value: (row) => keptOpen(`lag:${row.group}`,
      `${(row.partitions ?? []).length} partition${(row.partitions ?? []).length === 1 ? '' : 's'}`,
      table([
        { label: 'Topic', field: 'topic', value: (p) => p.topic },
        { label: 'Partition', field: 'partition', numeric: true, value: (p) => p.partition },
        { label: 'Lag', field: 'lag', numeric: true, value: (p) => p.lag },
      ], [...(row.partitions ?? [])].sort((a, b) => (b.lag - a.lag) || a.topic.localeCompare(b.topic)))) },
  ], [...groups].sort((a, b) => b.total - a.total), (row) => ({ 'data-testid': 'lag-group', 'data-group': row.group })));
}

function drawRoutes(instances) {
  const byRoute = new Map();
  for (const instance of instances) {
    for (const route of instance.routes ?? []) {
      const total = byRoute.get(route.route) ?? { route: route.route, ratePerSec: 0, count: 0, p99Ms: null };
      total.ratePerSec += route.ratePerSec ?? 0;
      total.count += route.count ?? 0;
      if (route.p99Ms !== null && route.p99Ms !== undefined) {
        total.p99Ms = Math.max(total.p99Ms ?? 0, route.p99Ms);
      }
      byRoute.set(route.route, total);
    }
  }
  if (byRoute.size === 0) {
    show('routes', empty('No request served yet.'));
    return;
  }
  const rows = [...byRoute.values()].sort((a, b) => (b.ratePerSec - a.ratePerSec) || (b.count - a.count));
  show('routes', table([
    { label: 'Route', field: 'route', value: (row) => row.route },
    { label: 'Requests/s', field: 'ratePerSec', numeric: true, value: (row) => row.ratePerSec, format: rate },
    { label: 'p99 (slowest instance)', field: 'p99Ms', numeric: true, value: (row) => row.p99Ms, format: millis },
    { label: 'Requests', field: 'count', numeric: true, value: (row) => row.count },
  ], rows, (row) => ({ 'data-testid': 'route', 'data-route': row.route })));
}

function drawStores(instances) {
  const rows = instances.flatMap((instance) => (instance.stores ?? [])
    .map((store) => ({ instance: instance.id, ...store })));
  if (rows.length === 0) {
    show('stores', empty('No store reported.'));
    return;
  }
  const byStore = new Map();
  for (const row of rows) {
    const key = `${row.application} ${row.store}`;
    const total = byStore.get(key) ?? { application: row.application, store: row.store, partitions: 0,
      standbys: 0, entries: 0, bytes: null };
    if (row.standby) {
      total.standbys += 1;
    } else {
      total.partitions += 1;
      total.entries += row.entries ?? 0;
      if (row.bytes !== null && row.bytes !== undefined) {
        total.bytes = (total.bytes ?? 0) + row.bytes;
      }
    }
    byStore.set(key, total);
  }
  show('stores',
    table([
      { label: 'Application', field: 'application', value: (row) => row.application },
      { label: 'Store', field: 'store', value: (row) => row.store },
      { label: 'Active partitions', field: 'partitions', numeric: true, value: (row) => row.partitions },
      { label: 'Standby copies', field: 'standbys', numeric: true, value: (row) => row.standbys },
      { label: 'Entries', field: 'entries', numeric: true, value: (row) => row.entries },
      { label: 'Size', field: 'bytes', numeric: true, value: (row) => row.bytes, format: bytes },
    ], [...byStore.values()].sort((a, b) => b.entries - a.entries),
    (row) => ({ 'data-testid': 'store', 'data-store': row.store })),
    keptOpen('stores:partitions', 'per instance and partition', table([
      { label: 'Instance', field: 'instance', value: (row) => row.instance },
      { label: 'Application', field: 'application', value: (row) => row.application },
      { label: 'Store', field: 'store', value: (row) => row.store },
      { label: 'Partition', field: 'partition', numeric: true, value: (row) => row.partition },
      { label: 'Copy', field: 'standby', value: (row) => (row.standby ? 'standby' : 'active') },
      { label: 'Entries', field: 'entries', numeric: true, value: (row) => row.entries },
      { label: 'Size', field: 'bytes', numeric: true, value: (row) => row.bytes, format: bytes },
    ], rows)));
}

function drawRateLimit(instances) {
  const byRule = new Map();
  for (const instance of instances) {
    for (const line of instance.rateLimit ?? []) {
      const rule = byRule.get(line.rule) ?? { rule: line.rule };
      const outcome = rule[line.outcome] ?? { ratePerSec: 0, total: 0 };
      outcome.ratePerSec += line.ratePerSec ?? 0;
      outcome.total += line.total ?? 0;
      rule[line.outcome] = outcome;
      byRule.set(line.rule, rule);
    }
  }
  if (byRule.size === 0) {
    show('rate-limit', empty('No request checked against a rule yet.'));
    return;
  }
  const column = (outcome, label) => ({
    label, field: outcome, value: (row) => {
      const counted = row[outcome];
      return counted ? `${number(counted.total)} (${rate(counted.ratePerSec)}/s)` : '0';
    },
  });
  show('rate-limit', table([
    { label: 'Rule', field: 'rule', value: (row) => row.rule },
    column('allowed', 'Allowed'),
    column('limited', 'Limited'),
    column('shadow_limited', 'Shadow-limited'),
  ], [...byRule.values()].sort((a, b) => a.rule.localeCompare(b.rule)),
  (row) => ({ 'data-testid': 'rate-limit-rule', 'data-rule': row.rule })));
}

function drawDeadLetters(deadLetters) {
  const total = deadLetters?.total ?? 0;
  const byTopic = Object.entries(deadLetters?.byTopic ?? {}).sort((a, b) => b[1] - a[1]);
  const latest = deadLetters?.latest ?? [];
  show('dead-letters',
    el('p', {}, 'Dead letters: ', el('strong', { 'data-testid': 'dead-letters-total', 'data-value': total }, number(total))),
    byTopic.length ? table([
      { label: 'Source topic', field: 'topic', value: (row) => row[0] },
      { label: 'Dead letters', field: 'count', numeric: true, value: (row) => row[1] },
    ], byTopic, (row) => ({ 'data-testid': 'dead-letter-topic', 'data-topic': row[0] })) : null,
    latest.length ? el('h3', {}, 'Latest') : null,
    latest.length ? table([
      { label: 'At', field: 'at', value: (row) => time(row.at) },
      { label: 'Topic', field: 'topic', value: (row) => row.topic },
      { label: 'Partition', field: 'partition', numeric: true, value: (row) => row.partition },
      { label: 'Offset', field: 'offset', numeric: true, value: (row) => row.offset },
      { label: 'Reason', field: 'reason', value: (row) => row.reason },
    ], latest, () => ({ 'data-testid': 'dead-letter' })) : null);
}

function drawNotify(instances) {
  const byProvider = new Map();
  const outcomes = new Set();
  for (const instance of instances) {
    for (const line of instance.notify ?? []) {
      const key = `${line.channel} ${line.provider}`;
      const row = byProvider.get(key) ?? { channel: line.channel, provider: line.provider, counts: {} };
      row.counts[line.outcome] = (row.counts[line.outcome] ?? 0) + (line.total ?? 0);
      outcomes.add(line.outcome);
      byProvider.set(key, row);
    }
  }
  if (byProvider.size === 0) {
    show('notify', empty('No notification sent yet.'));
    return;
  }
  show('notify', table([
    { label: 'Channel', field: 'channel', value: (row) => row.channel },
    { label: 'Provider', field: 'provider', value: (row) => row.provider },
    ...[...outcomes].sort().map((outcome) => ({
      label: outcome, field: outcome, numeric: true, value: (row) => row.counts[outcome] ?? 0,
    })),
  ], [...byProvider.values()], (row) => ({ 'data-testid': 'notify-outcome', 'data-channel': row.channel })));
}

function drawChat(instances) {
  const rows = instances.filter((instance) => instance.chat).map((instance) => ({ instance: instance.id, ...instance.chat }));
  if (rows.length === 0) {
    show('chat', empty('No chat figures reported.'));
    return;
  }
  // each instance counts the online users of the partitions it owns, so both add up over the cluster
  const sum = (field) => rows.reduce((total, row) => total + (row[field] ?? 0), 0);
  show('chat', table([
    { label: 'Instance', field: 'instance', value: (row) => row.instance },
    { label: 'Open sockets', field: 'sockets', numeric: true, value: (row) => row.sockets },
    { label: 'Users present', field: 'presenceOnline', numeric: true, value: (row) => row.presenceOnline },
  ], [...rows, { instance: 'cluster', sockets: sum('sockets'), presenceOnline: sum('presenceOnline') }],
  (row) => ({ 'data-testid': 'chat-instance', 'data-instance': row.instance })));
}

/** The warnings and errors every instance logged lately, newest first. */
function drawProblems(instances) {
  const latest = instances.flatMap((instance) => (instance.problems?.latest ?? [])
    .map((problem) => ({ instance: instance.id, ...problem })))
    .sort((a, b) => String(b.at).localeCompare(String(a.at)));
  if (latest.length === 0) {
    show('problems', empty('No warning or error logged lately.'));
    return;
  }
  show('problems', table([
    { label: 'At', field: 'at', value: (row) => time(row.at) },
    { label: 'Instance', field: 'instance', value: (row) => row.instance },
    { label: 'Level', field: 'level', value: (row) => el('span', { class: row.level === 'ERROR' ? 'down' : null }, row.level) },
    { label: 'Logger', field: 'logger', value: (row) => row.logger },
    { label: 'Message', field: 'message', value: (row) => row.message },
  ], latest, () => ({ 'data-testid': 'problem' })));
}
