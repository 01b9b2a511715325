// One load generator for two chat servers: ejabberd over its XMPP WebSocket endpoint (RFC 7395, @xmpp/client) and
// Eventline over its chat socket (ws). Same clients, same pairs, same schedule, same body, same measurement.
//
//   node side-by-side.mjs --system ejabberd --url ws://127.0.0.1:15280/ws --api http://127.0.0.1:15280/api \
//       --domain localhost [options]
//   EVENTLINE_JWT_SECRET=... node side-by-side.mjs --system eventline --url http://127.0.0.1:18580 [options]
//
// Options: --clients 1000 (two per pair), --rates 100,1000 (messages/s in all), --warmup 10 and --duration 30
// (seconds, per rate), --prewarm 120 at --prewarm-rate 100 (seconds, unmeasured, once before the rates), --drain 30
// (seconds to wait for the last messages), --connect-concurrency 20, --server-pid PID (its CPU per phase, from
// /proc/PID/stat), --register (ejabberd: register the users first, through its HTTP API).
//
// Open loop: message i of a phase is due at start + i / R; it goes from one member of pair i mod P to the other,
// the two members of a pair taking turns. Its body is the same JSON text on both systems:
// {"id":"<phase>-<i>","p":pair,"d":direction,"k":n-th message of that pair and direction,"t":intended send time}.
// Latency is the intended send time to the moment the recipient's client has parsed the message, both on this
// process's clock, so a late send counts against the server (as it would for a user). The recipient checks each
// message against those it has: a second copy is a duplicate, a k below the highest seen of that pair and direction
// is out of order, and a message sent but not received by the end of the drain is lost.
import { readFileSync } from "node:fs";
import { createHmac } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import WebSocket from "ws";

// @xmpp/websocket uses the global WebSocket, which Node 20 has only behind a flag: both systems get ws's
globalThis.WebSocket = WebSocket;
const { client: xmppClient, xml } = await import("@xmpp/client");

const { values: opts } = parseArgs({
  options: {
    system: { type: "string" },
    url: { type: "string" },
    api: { type: "string" },
    domain: { type: "string", default: "localhost" },
    clients: { type: "string", default: "1000" },
    rates: { type: "string", default: "100,1000" },
    warmup: { type: "string", default: "10" },
    duration: { type: "string", default: "30" },
    prewarm: { type: "string", default: "120" },
    "prewarm-rate": { type: "string", default: "100" },
    drain: { type: "string", default: "30" },
    "connect-concurrency": { type: "string", default: "20" },
    "server-pid": { type: "string" },
    register: { type: "boolean", default: false },
    prefix: { type: "string", default: `sbs${Date.now().toString(36)}` },
  },
});
if (!["ejabberd", "eventline"].includes(opts.system) || !opts.url) {
  console.error("usage: side-by-side.mjs --system ejabberd|eventline --url URL [options] (see the top of the file)");
  process.exit(2);
}
const clients = Number(opts.clients);
if (!(clients >= 2 && clients % 2 === 0)) throw new Error("--clients must be even and at least 2");
const pairs = clients / 2;
const rates = opts.rates.split(",").map(Number);
const serverPid = opts["server-pid"] ? Number(opts["server-pid"]) : null;
const users = Array.from({ length: clients }, (_, u) => `${opts.prefix}u${u}`);
const partnerOf = (u) => (u % 2 === 0 ? u + 1 : u - 1);

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => console.log(line);
const fmtMs = (v) => (v === undefined || Number.isNaN(v) ? "-" : v >= 100 ? v.toFixed(0) : v.toFixed(1));

// --- CPU from /proc ---------------------------------------------------------------------------------------------
const CLK_TCK = 100;
function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}
function machineCpuSeconds() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / CLK_TCK; // user nice system irq softirq steal
}
function cpuMark() {
  return {
    wall: now(),
    server: serverPid ? processCpuSeconds(serverPid) : NaN,
    machine: machineCpuSeconds(),
    client: process.cpuUsage(),
  };
}
function cpuSince(mark) {
  const seconds = (now() - mark.wall) / 1000;
  const c = process.cpuUsage(mark.client);
  const client = (c.user + c.system) / 1e6;
  const server = serverPid ? processCpuSeconds(serverPid) - mark.server : NaN;
  const machine = machineCpuSeconds() - mark.machine;
  const cores = (s) => (Number.isNaN(s) ? "-" : `${s.toFixed(1)} s = ${(s / seconds).toFixed(2)} cores`);
  return `server ${cores(server)}, load generator ${cores(client)}, machine ${cores(machine)} of 2, over ${seconds.toFixed(1)} s`;
}

// --- phases: what was sent and what arrived -------------------------------------------------------------------
const phases = new Map();
function newPhase(name, rate, warmupMs, durationMs) {
  const phase = {
    name, rate, warmupMs, durationMs,
    start: 0, sent: 0, sendFailed: 0, received: 0, duplicates: 0, outOfOrder: 0, measuredSent: 0,
    seen: new Set(), highestK: new Int32Array(pairs * 2).fill(-1), nextK: new Int32Array(pairs * 2),
    latencies: [], sendLag: [], windowLatencies: [], acks: 0, errors: new Map(),
  };
  phases.set(name, phase);
  return phase;
}
function countError(phase, kind) {
  if (!phase) return;
  phase.errors.set(kind, (phase.errors.get(kind) ?? 0) + 1);
}
// the recipient's client parsed a message body
function onBody(body, at) {
  if (!body || body[0] !== "{") return;
  let m;
  try {
    m = JSON.parse(body);
  } catch {
    return;
  }
  const phase = phases.get(m.id.slice(0, m.id.lastIndexOf("-")));
  if (!phase) return;
  if (phase.seen.has(m.id)) {
    phase.duplicates++;
    return;
  }
  phase.seen.add(m.id);
  phase.received++;
  const slot = m.p * 2 + m.d;
  if (m.k < phase.highestK[slot]) phase.outOfOrder++;
  else phase.highestK[slot] = m.k;
  const latency = at - m.t;
  phase.windowLatencies.push(latency);
  if (m.t >= phase.start + phase.warmupMs) phase.latencies.push(latency);
}

function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

// --- the two systems --------------------------------------------------------------------------------------------
class Ejabberd {
  constructor() {
    this.clients = new Array(clients);
    this.disconnects = 0;
  }

  password(u) {
    return `pw-${users[u]}`;
  }

  async setup() {
    if (!opts.register) return;
    const api = opts.api ?? opts.url.replace(/^ws/, "http").replace(/\/ws$/, "/api");
    const t0 = now();
    let failed = 0;
    await forEachLimited(clients, 16, async (u) => {
      const response = await fetch(`${api}/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user: users[u], host: opts.domain, password: this.password(u) }),
      });
      if (!response.ok) {
        failed++;
        if (failed <= 3) log(`register ${users[u]}: ${response.status} ${await response.text()}`);
      }
    });
    log(`setup        ${clients - failed} users registered through ${api}/register in ${((now() - t0) / 1000).toFixed(1)} s`);
    if (failed > 0) throw new Error(`${failed} users were not registered`);
  }

  async connect(u) {
    const xmpp = xmppClient({
      service: opts.url,
      domain: opts.domain,
      username: users[u],
      password: this.password(u),
      resource: "load",
    });
    xmpp.reconnect.stop();
    xmpp.on("error", () => {});
    xmpp.on("disconnect", () => this.disconnects++);
    xmpp.on("stanza", (stanza) => {
      const at = now();
      if (!stanza.is("message")) return;
      const body = stanza.getChildText("body");
      if (stanza.attrs.type === "error") {
        countError(currentPhase, `message error ${stanza.getChild("error")?.children?.[0]?.name ?? "?"}`);
        return;
      }
      onBody(body, at);
    });
    // a session that is not up within 30 s is a failed connect, not a hung run
    let timer;
    try {
      await Promise.race([xmpp.start(), new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("not online within 30 s")), 30_000);
      })]);
    } catch (error) {
      xmpp.stop().catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
    // available, so messages to the bare JID reach this session (as a chat client does on login)
    await xmpp.send(xml("presence"));
    this.clients[u] = xmpp;
  }

  send(from, to, id, body) {
    this.clients[from]
      .send(xml("message", { to: `${users[to]}@${opts.domain}`, type: "chat", id }, xml("body", {}, body)))
      .catch(() => countError(currentPhase, "send failed"));
  }

  // the archive of pair 0's first member, as a client reads it (XEP-0313 with RSM count)
  async archiveCount() {
    const xmpp = this.clients[0];
    const result = await xmpp.iqCaller.request(
      xml("iq", { type: "set" }, xml("query", { xmlns: "urn:xmpp:mam:2" },
        xml("set", { xmlns: "http://jabber.org/protocol/rsm" }, xml("max", {}, "0")))),
      30_000,
    );
    return result.getChild("fin")?.getChild("set")?.getChildText("count");
  }

  async close() {
    await Promise.allSettled(this.clients.filter(Boolean).map((c) => c.stop()));
  }

  describe() {
    return `${this.disconnects} sessions ended during the run`;
  }
}

class Eventline {
  constructor() {
    const secret = process.env.EVENTLINE_JWT_SECRET;
    if (!secret || secret.length < 32) throw new Error("EVENTLINE_JWT_SECRET must be the instance's secret");
    this.key = Buffer.from(secret, "utf8");
    this.sockets = new Array(clients);
    this.channels = new Array(pairs);
    this.maxSeq = new Float64Array(clients);
    this.ackedSeq = new Float64Array(clients);
    this.closes = new Map();
    this.seqAcksSent = 0;
    this.heartbeatsSent = 0;
    this.base = opts.url.replace(/\/$/, "");
  }

  // HS256 as the instance issues them (producers' JwtTokens): issuer eventline, subject, issued, expiry, no roles
  token(u) {
    const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const iat = Math.floor(Date.now() / 1000);
    const signed = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: "eventline", sub: users[u], iat, exp: iat + 86400, roles: [] })}`;
    return `${signed}.${createHmac("sha256", this.key).update(signed).digest("base64url")}`;
  }

  async setup() {
    const t0 = now();
    const statuses = new Map();
    await forEachLimited(pairs, 8, async (p) => {
      for (let attempt = 1; attempt <= 6; attempt++) {
        const response = await fetch(`${this.base}/api/v1/channels`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${this.token(2 * p)}` },
          body: JSON.stringify({ type: "direct", members: [users[2 * p + 1]] }),
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 429 || response.status === 503) {
          await sleep(1000 * Math.min(30, Number(response.headers.get("retry-after") ?? 1)));
          continue;
        }
        if (response.ok) this.channels[p] = JSON.parse(text).channelId;
        else if (statuses.get(response.status) <= 3) log(`channel ${p}: ${response.status} ${text.slice(0, 200)}`);
        return;
      }
    });
    const failed = this.channels.filter((c) => !c).length;
    log(`setup        ${pairs - failed} direct channels created in ${((now() - t0) / 1000).toFixed(1)} s (statuses ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(", ")})`);
    if (failed > 0) throw new Error(`${failed} channels were not created`);
    // ack the highest seq each socket received, once a second (as a client does now and then)
    this.acker = setInterval(() => {
      for (let u = 0; u < clients; u++) {
        const ws = this.sockets[u];
        if (ws && this.maxSeq[u] > this.ackedSeq[u] && ws.readyState === WebSocket.OPEN) {
          ws.send(`{"type":"ack","seq":${this.maxSeq[u]}}`);
          this.ackedSeq[u] = this.maxSeq[u];
          this.seqAcksSent++;
        }
      }
    }, 1000);
  }

  connect(u) {
    return new Promise((resolve, reject) => {
      const url = `${this.base.replace(/^http/, "ws")}/ws?device=load&access_token=${this.token(u)}`;
      const ws = new WebSocket(url, { perMessageDeflate: false });
      let hello = false;
      let heartbeat = null;
      ws.on("message", (data) => {
        const at = now();
        const frame = JSON.parse(data.toString());
        switch (frame.type) {
          case "message":
            if (frame.seq > this.maxSeq[u]) this.maxSeq[u] = frame.seq;
            if (frame.senderId !== users[u]) onBody(frame.text, at);
            break;
          case "ack":
            if (currentPhase) currentPhase.acks++;
            break;
          case "error":
            countError(currentPhase, `error ${frame.problem?.status ?? "?"} ${frame.problem?.title ?? ""}`.trim());
            break;
          case "hello":
            hello = true;
            heartbeat = setInterval(() => {
              if (ws.readyState === WebSocket.OPEN) {
                ws.send('{"type":"heartbeat"}');
                this.heartbeatsSent++;
              }
            }, 1000 * (frame.heartbeatIntervalSeconds ?? 5));
            this.sockets[u] = ws;
            resolve();
            break;
          default:
        }
      });
      ws.on("close", (code) => {
        clearInterval(heartbeat);
        if (hello) this.closes.set(code, (this.closes.get(code) ?? 0) + 1);
        else reject(new Error(`closed before hello: ${code}`));
      });
      ws.on("error", (error) => {
        if (!hello) reject(error);
      });
    });
  }

  send(from, to, id, body) {
    const ws = this.sockets[from];
    if (ws.readyState !== WebSocket.OPEN) {
      countError(currentPhase, "socket not open");
      return;
    }
    ws.send(JSON.stringify({ type: "send", channelId: this.channels[from >> 1], text: body, clientMessageId: id }));
  }

  async archiveCount() {
    const response = await fetch(`${this.base}/api/v1/channels/${this.channels[0]}/messages?limit=100`, {
      headers: { Authorization: `Bearer ${this.token(0)}` },
    });
    return response.ok ? `${(await response.json()).messages?.length ?? "?"} (the first page of its channel, at most 100)` : `HTTP ${response.status}`;
  }

  async close() {
    clearInterval(this.acker);
    for (const ws of this.sockets) ws?.close(1000);
    await sleep(500);
  }

  describe() {
    const closes = [...this.closes].filter(([code]) => code !== 1000 && code !== 1005);
    return `${this.heartbeatsSent} heartbeats, ${this.seqAcksSent} seq acks sent; ${closes.length === 0 ? "no socket closed by the server" : `sockets closed by the server: ${closes.map(([c, n]) => `${n} with ${c}`).join(", ")}`}`;
  }
}

async function forEachLimited(count, limit, task) {
  let next = 0;
  const errors = [];
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (error) {
        errors.push(error);
      }
    }
  }));
  return errors;
}

// --- one phase of the open loop -------------------------------------------------------------------------------
let currentPhase = null;

async function runPhase(system, name, rate, warmupS, durationS, measured) {
  const phase = newPhase(name, rate, warmupS * 1000, durationS * 1000);
  currentPhase = phase;
  const total = Math.round(rate * (warmupS + durationS));
  const interval = 1000 / rate;
  const cpu = cpuMark();
  phase.start = now() + 200;
  let i = 0;
  let windowSent = 0;
  let windowReceived = 0;
  const timeline = measured ? setInterval(() => {
    const t = now();
    const sorted = Float64Array.from(phase.windowLatencies).sort();
    log(`  ${((t - phase.start) / 1000).toFixed(0).padStart(4)} s  sent ${String(phase.sent - windowSent).padStart(5)}` +
      `  received ${String(phase.received - windowReceived).padStart(5)}  p50 ${fmtMs(percentile(sorted, 0.5))}` +
      `  p99 ${fmtMs(percentile(sorted, 0.99))}  max ${fmtMs(sorted[sorted.length - 1])} ms${t - phase.start <= phase.warmupMs ? " (warm-up)" : ""}`);
    windowSent = phase.sent;
    windowReceived = phase.received;
    phase.windowLatencies = [];
  }, 5000) : null;
  await new Promise((resolve) => {
    const tick = () => {
      const t = now();
      while (i < total && phase.start + i * interval <= t) {
        const intended = phase.start + i * interval;
        const p = i % pairs;
        const turn = Math.floor(i / pairs) % 2;
        const from = 2 * p + turn;
        const slot = p * 2 + turn;
        const k = phase.nextK[slot]++;
        const id = `${name}-${i}`;
        const body = JSON.stringify({ id, p, d: turn, k, t: intended });
        try {
          system.send(from, partnerOf(from), id, body);
          phase.sent++;
          if (intended >= phase.start + phase.warmupMs) {
            phase.measuredSent++;
            phase.sendLag.push(now() - intended);
          }
        } catch {
          phase.sendFailed++;
        }
        i++;
      }
      if (i >= total) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, phase.start + i * interval - now()));
    };
    setTimeout(tick, Math.max(0, phase.start - now()));
  });
  const lastSend = now();
  while (phase.received < phase.sent && now() - lastSend < Number(opts.drain) * 1000) await sleep(50);
  const drained = (now() - lastSend) / 1000;
  await sleep(1000); // a late second copy still counts as a duplicate
  if (timeline) clearInterval(timeline);
  const cpuText = cpuSince(cpu);
  currentPhase = null;

  const lost = phase.sent - phase.received;
  if (!measured) {
    log(`${name}: ${phase.sent} sent, ${phase.received} received, ${lost} lost, ${phase.duplicates} duplicated, ${phase.outOfOrder} out of order (unmeasured); ${cpuText}`);
    return null;
  }
  const sorted = Float64Array.from(phase.latencies).sort();
  const lag = Float64Array.from(phase.sendLag).sort();
  const result = {
    system: opts.system, rate, sent: phase.sent, received: phase.received, lost, duplicates: phase.duplicates,
    outOfOrder: phase.outOfOrder, measured: sorted.length, measuredSent: phase.measuredSent,
    p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
  log(`result       ${opts.system} at ${rate} msg/s: ${result.sent} sent (${phase.sendFailed} failed to send), ${result.received} received, ${lost} lost, ${result.duplicates} duplicated, ${result.outOfOrder} out of order per pair; ${phase.acks ? `${phase.acks} send acks; ` : ""}last message ${drained.toFixed(1)} s after the last send`);
  log(`latency      intended send time to the recipient, ${result.measured} of ${phase.measuredSent} messages due in the ${durationS} s after the ${warmupS} s warm-up: p50 ${fmtMs(result.p50)} ms, p90 ${fmtMs(result.p90)} ms, p99 ${fmtMs(result.p99)} ms, max ${fmtMs(result.max)} ms`);
  log(`send lag     actual send behind the intended time: p50 ${fmtMs(percentile(lag, 0.5))} ms, p99 ${fmtMs(percentile(lag, 0.99))} ms, max ${fmtMs(lag[lag.length - 1])} ms`);
  if (phase.errors.size > 0) log(`errors       ${[...phase.errors].map(([k, n]) => `${n} × ${k}`).join("; ")}`);
  log(`cpu          ${cpuText}`);
  log(`summary-json ${JSON.stringify(result)}`);
  return result;
}

// --- main -------------------------------------------------------------------------------------------------------
const system = opts.system === "ejabberd" ? new Ejabberd() : new Eventline();
log(`system       ${opts.system} at ${opts.url}; ${clients} clients in ${pairs} pairs; rates ${rates.join(", ")} msg/s, each ${opts.duration} s after a ${opts.warmup} s warm-up; node ${process.version}`);
await system.setup();
{
  const t0 = now();
  const cpu = cpuMark();
  const errors = await forEachLimited(clients, Number(opts["connect-concurrency"]), (u) => system.connect(u));
  log(`connect      ${clients - errors.length} of ${clients} clients connected in ${((now() - t0) / 1000).toFixed(1)} s; ${cpuSince(cpu)}`);
  if (errors.length > 0) {
    log(`connect      first failure: ${errors[0]?.message ?? errors[0]}`);
    await system.close();
    process.exit(1);
  }
}
if (Number(opts.prewarm) > 0) {
  log(`prewarm      ${opts.prewarm} s at ${opts["prewarm-rate"]} msg/s, unmeasured`);
  await runPhase(system, "prewarm", Number(opts["prewarm-rate"]), 0, Number(opts.prewarm), false);
}
for (const rate of rates) {
  log("");
  log(`run          ${rate} msg/s`);
  await runPhase(system, `r${rate}`, rate, Number(opts.warmup), Number(opts.duration), true);
  await sleep(3000);
}
try {
  log(`archive      pair 0's first member's archive: ${await system.archiveCount()} messages`);
} catch (error) {
  log(`archive      could not be read: ${error.message}`);
}
log(`sessions     ${system.describe()}`);
await system.close();
process.exit(0);
