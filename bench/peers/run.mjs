#!/usr/bin/env node
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The workloads of `vrtc bench` (issue 6) on Yjs, Automerge and Loro, with the same shapes,
// printed as the same JSON lines, so that bench/run-all can put them next to ours.
//
//   node bench/peers/run.mjs [--quick] [--workload W1,W2,...|all] [--lib yjs,automerge,loro]
//
// The shape, as in src/tools/vrtc-bench.c: a "nodes" map holding 1,000 maps "n0".."n999"
// (created by one untimed setup transaction); W1 commit i touches node i mod 1000 and is
// either a set of "x" to i (when i + floor(i / 1000) is even) or a vector add of
// [1, 0.5, -0.25] to "transform.position" (read, add, set: the peers have no vector add).
// One map set per transaction (Yjs), change (Automerge) or commit (Loro).
//
// Every figure is one JSON object per line on stdout:
//   {"impl":"yjs","workload":"W1","metric":"w1.rate","value":123,"unit":"msg/s","n":3,...}
// A library that cannot be imported gives {"impl":..., "status":"not installed", ...} and
// the others still run. W7 runs in child processes of this script (one per step and
// library) so that each peak RSS (VmHWM) is its own.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const HERE = dirname(fileURLToPath(import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);
const N_NODES = 1000;

// ---- options ----

const argv = process.argv.slice(2);
function opt(name, dflt) {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
}
const QUICK = argv.includes('--quick');
const VERBOSE = argv.includes('--verbose');
const CHILD = opt('--child', null);
const WORKLOADS = new Set(
  (opt('--workload', 'all') === 'all' ? 'W1,W2,W3,W4,W5,W6,W7,W8' : opt('--workload')).toUpperCase().split(','));
const LIBS = opt('--lib', 'yjs,automerge,loro').split(',');
const SEED = Number(opt('--seed', '1'));
// the peers are slower; fewer timed repetitions keep the whole run within minutes
const REPS = Number(opt('--reps', QUICK ? '2' : '3'));

const CFG = {
  w1Commits: QUICK ? 10000 : 100000,
  w3Sessions: 8,
  w3Messages: QUICK ? 1000 : 10000,
  b31Sessions: 1540,
  c12Sessions: QUICK ? 3000 : 30000,
  w5Undos: QUICK ? 100 : 1000,
  w6Positions: QUICK ? 100 : 1000,
  w6GraphPositions: QUICK ? 20 : 200,
  w7Nodes: QUICK ? 10000 : 100000,
  // a workload's timed loop stops early after this many seconds (the count is reported)
  budget: QUICK ? 10 : 60,
};

// Automerge's JS API applies or makes about 1,400 changes per second on this document (every
// change re-materialises the 1,000-key "nodes" object), so the full W3 would take about 8
// minutes per run and a W7 built one node per change about 15: those two run smaller or
// batched for it, and the table says so.
const LIMITS = QUICK ? {} : {
  automerge: { w3Messages: 1000, w7Batch: 1000 },
};
const limit = (lib, key, dflt) => LIMITS[lib.name]?.[key] ?? dflt;

// A timed repetition that takes longer than this is not repeated: its first run is the figure.
const SLOW_REP = 20;

// Runs fn (which returns seconds) once as a warm-up, then REPS times; a slow first run is
// kept as the only sample instead. Returns { times, note }.
function timeReps(fn, reps = REPS) {
  const first = fn();
  if (first > SLOW_REP) return { times: [first], first, note: `1 run (${first.toFixed(0)} s, not repeated)` };
  const times = [];
  for (let k = 0; k < reps; k++) times.push(fn());
  if (VERBOSE) process.stderr.write(`peers: first ${first.toFixed(4)} s, then ${times.map((t) => t.toFixed(4)).join(' ')} s\n`);
  return { times, first, note: null };
}

// ---- helpers ----

const now = () => Number(process.hrtime.bigint()) / 1e9;

function median(xs) {
  const v = [...xs].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

function quantile(xs, q) {
  const v = [...xs].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const i = Math.ceil(q * v.length);
  return v[Math.min(Math.max(i, 1), v.length) - 1];
}

// mulberry32: a small seeded generator, so positions and orders are the same every run
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(rand, a) {
  for (let i = a.length; i > 1; i--) {
    const j = Math.floor(rand() * i);
    [a[i - 1], a[j]] = [a[j], a[i - 1]];
  }
  return a;
}

function vmField(field) {
  try {
    const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

// canonical JSON: sorted keys, so replicas can be compared
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const KEYS = [];
function keys(n) {
  for (let i = KEYS.length; i < n; i++) KEYS.push(`n${i}`);
  return KEYS;
}

function out(fig) {
  const line = { impl: fig.impl, workload: fig.workload, metric: fig.metric, value: fig.value };
  for (const [k, v] of Object.entries(fig)) if (!(k in line) && v !== null && v !== undefined) line[k] = v;
  if (typeof line.value === 'number' && !Number.isFinite(line.value)) line.value = null;
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function na(impl, workload, metric, why) {
  out({ impl, workload, metric, value: null, status: 'n/a', caveat: why });
}

// The W1 op: what commit i does.
function w1Op(i, offset) {
  return {
    key: KEYS[(i + offset) % N_NODES],
    set: (i + Math.floor(i / N_NODES)) % 2 === 0,
  };
}

const addVec = (cur) => (cur ? [cur[0] + 1, cur[1] + 0.5, cur[2] - 0.25] : [1, 0.5, -0.25]);

// W7: the 10 properties of node i (as vrtc-bench.c's w7_props)
const MATERIALS = ['metal', 'wood', 'glass', 'plastic', 'stone'];
function w7Props(i) {
  return {
    'transform.position': [i % 100, Math.floor(i / 100) % 100, Math.floor(i / 10000)],
    'transform.rotation': [0, ((i % 360) * Math.PI) / 180, 0],
    'transform.scale': [1, 1 + (i % 3) * 0.5, 1],
    opacity: (i % 10) / 10,
    intensity: i * 0.25,
    roughness: (i % 7) / 7,
    material: MATERIALS[i % MATERIALS.length],
    label: `Object ${i}`,
    color: `#${((Math.imul(i, 2654435761) >>> 0) & 0xffffff).toString(16).padStart(6, '0')}`,
    emissive: `#${((Math.imul(i, 40503) >>> 0) & 0xffffff).toString(16).padStart(6, '0')}`,
  };
}

// ---- the three libraries behind one interface ----
//
// A replica: setup(n) makes the nodes (returns the setup update), commit(i, offset) makes
// one W1 commit (returns its update when capture is on), apply(u) / applyAll(us) merge
// updates, json() the plain state, version() something to go back to (W6), readAt(v, rand)
// and jsonAt(v) look at that version.

async function loadLib(name) {
  const pkg = { yjs: 'yjs', automerge: '@automerge/automerge', loro: 'loro-crdt' }[name];
  if (!pkg) throw new Error(`unknown library ${name}`);
  const mod = await import(pkg);
  let version = '?';
  try {
    version = JSON.parse(readFileSync(join(HERE, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch { /* keep ? */ }
  return { mod, version };
}

function makeYjs(Y) {
  class YReplica {
    constructor(id, { gc = true, capture = false } = {}) {
      this.doc = new Y.Doc({ gc });
      this.doc.clientID = id + 1;
      this.nodes = this.doc.getMap('nodes');
      this.last = null;
      if (capture) this.doc.on('update', (u) => { this.last = u; });
    }
    setup(n) {
      this.doc.transact(() => {
        for (let i = 0; i < n; i++) this.nodes.set(KEYS[i], new Y.Map());
      });
      return Y.encodeStateAsUpdate(this.doc);
    }
    commit(i, offset = 0) {
      const op = w1Op(i, offset);
      const m = this.nodes.get(op.key);
      this.doc.transact(() => {
        if (op.set) m.set('x', i);
        else m.set('transform.position', addVec(m.get('transform.position')));
      });
      return this.last;
    }
    insertNode(i) {
      this.doc.transact(() => {
        const m = new Y.Map();
        this.nodes.set(KEYS[i], m);
        for (const [k, v] of Object.entries(w7Props(i))) m.set(k, v);
      });
    }
    apply(u) { Y.applyUpdate(this.doc, u); }
    applyAll(us) { this.doc.transact(() => { for (const u of us) Y.applyUpdate(this.doc, u); }); }
    free() { this.doc.destroy(); }
    json() { return this.nodes.toJSON(); }
    encodeAll() { return Y.encodeStateAsUpdate(this.doc); }
    static loadAll(bytes) {
      const r = new YReplica(999);
      Y.applyUpdate(r.doc, bytes);
      return r;
    }
    setRoot(key, value) {
      this.doc.getMap('root').set(key, value);
      return Y.encodeStateAsUpdate(this.doc);
    }
    rootJSON() { return this.doc.getMap('root').toJSON(); }
    version() { return Y.snapshot(this.doc); }
    readAt(snap, rand) {
      const d = Y.createDocFromSnapshot(this.doc, snap);
      const nodes = d.getMap('nodes');
      let sum = 0;
      for (const k of nodes.keys()) sum += k.length;
      for (let j = 0; j < 10; j++) {
        const m = nodes.get(KEYS[Math.floor(rand() * N_NODES)]);
        if (m) for (const [, v] of m.entries()) sum += Array.isArray(v) ? v[0] : v;
      }
      d.destroy();
      return sum;
    }
    jsonAt(snap) {
      const d = Y.createDocFromSnapshot(this.doc, snap);
      const s = JSON.stringify(d.getMap('nodes').toJSON());
      d.destroy();
      return s;
    }
    undoManager() {
      const um = new Y.UndoManager(this.nodes, { captureTimeout: 0 });
      return { undo: () => um.undo(), redo: () => um.redo() };
    }
  }
  return {
    Replica: YReplica,
    history: 'Y.snapshot per position + Y.createDocFromSnapshot on a gc:false doc',
    historyOpts: { gc: false },
    joinNote: 'Y.encodeStateAsUpdate -> Y.applyUpdate into a fresh doc',
    snapshotNote: 'Y.encodeStateAsUpdate',
  };
}

function makeAutomerge(A) {
  const actor = (id) => (id + 1).toString(16).padStart(8, '0');
  class AReplica {
    constructor(id, { capture = false } = {}) {
      this.doc = A.init({ actor: actor(id) });
      this.capture = capture;
    }
    setup(n) {
      this.doc = A.change(this.doc, (d) => {
        d.nodes = {};
        for (let i = 0; i < n; i++) d.nodes[KEYS[i]] = {};
      });
      return A.getLastLocalChange(this.doc);
    }
    commit(i, offset = 0) {
      const op = w1Op(i, offset);
      this.doc = A.change(this.doc, (d) => {
        const m = d.nodes[op.key];
        if (op.set) m.x = i;
        else {
          const cur = m['transform.position'];
          m['transform.position'] = addVec(cur ? [cur[0], cur[1], cur[2]] : null);
        }
      });
      return this.capture ? A.getLastLocalChange(this.doc) : null;
    }
    insertNode(i) { this.insertNodes(i, 1); }
    insertNodes(i, count) {
      this.doc = A.change(this.doc, (d) => {
        if (!d.nodes) d.nodes = {};
        for (let k = i; k < i + count; k++) d.nodes[KEYS[k]] = w7Props(k);
      });
    }
    apply(u) { [this.doc] = A.applyChanges(this.doc, [u]); }
    applyAll(us) { [this.doc] = A.applyChanges(this.doc, us); }
    free() { A.free(this.doc); }
    json() { return JSON.parse(JSON.stringify(this.doc.nodes ?? {})); }
    encodeAll() { return A.save(this.doc); }
    static loadAll(bytes) {
      const r = new AReplica(999);
      r.doc = A.load(bytes);
      return r;
    }
    setRoot(key, value) {
      this.doc = A.change(this.doc, (d) => { d[key] = value; });
      return A.getLastLocalChange(this.doc);
    }
    rootJSON() { return JSON.parse(JSON.stringify(this.doc)); }
    version() { return A.getHeads(this.doc); }
    readAt(heads, rand) {
      const v = A.view(this.doc, heads);
      const nodes = v.nodes;
      let sum = 0;
      for (const k of Object.keys(nodes)) sum += k.length;
      for (let j = 0; j < 10; j++) {
        const m = nodes[KEYS[Math.floor(rand() * N_NODES)]];
        if (m) for (const val of Object.values(m)) sum += typeof val === 'number' ? val : val[0];
      }
      return sum;
    }
    jsonAt(heads) { return JSON.stringify(A.view(this.doc, heads).nodes); }
    undoManager() { return null; }
  }
  return {
    Replica: AReplica,
    history: 'Automerge.getHeads per position + Automerge.view(doc, heads)',
    historyOpts: {},
    joinNote: 'Automerge.save -> Automerge.load',
    snapshotNote: 'Automerge.save',
    noUndo: 'Automerge has no undo API; an app must write the inverse change itself',
  };
}

function makeLoro(L) {
  class LReplica {
    constructor(id, { capture = false } = {}) {
      this.doc = new L.LoroDoc();
      this.doc.setPeerId(id + 1);
      this.nodes = this.doc.getMap('nodes');
      this.last = null;
      if (capture) this.doc.subscribeLocalUpdates((u) => { this.last = u; });
    }
    setup(n) {
      for (let i = 0; i < n; i++) this.nodes.setContainer(KEYS[i], new L.LoroMap());
      this.doc.commit();
      return this.doc.export({ mode: 'update' });
    }
    commit(i, offset = 0) {
      const op = w1Op(i, offset);
      const m = this.nodes.get(op.key);
      if (op.set) m.set('x', i);
      else m.set('transform.position', addVec(m.get('transform.position')));
      this.doc.commit();
      return this.last;
    }
    insertNode(i) {
      const m = this.nodes.setContainer(KEYS[i], new L.LoroMap());
      for (const [k, v] of Object.entries(w7Props(i))) m.set(k, v);
      this.doc.commit();
    }
    apply(u) { this.doc.import(u); }
    applyAll(us) { this.doc.importBatch(us); }
    free() { this.doc.free(); }
    json() { return this.nodes.toJSON(); }
    encodeAll() { return this.doc.export({ mode: 'snapshot' }); }
    static loadAll(bytes) {
      const r = new LReplica(999);
      r.doc = L.LoroDoc.fromSnapshot(bytes);
      r.nodes = r.doc.getMap('nodes');
      return r;
    }
    setRoot(key, value) {
      this.doc.getMap('root').set(key, value);
      this.doc.commit();
      return this.doc.export({ mode: 'update' });
    }
    rootJSON() { return this.doc.getMap('root').toJSON(); }
    version() { return this.doc.frontiers(); }
    readAt(frontiers, rand) {
      this.doc.checkout(frontiers);
      const nodes = this.doc.getMap('nodes');
      let sum = 0;
      for (const k of nodes.keys()) sum += k.length;
      for (let j = 0; j < 10; j++) {
        const m = nodes.get(KEYS[Math.floor(rand() * N_NODES)]);
        if (m) for (const [, v] of m.entries()) sum += Array.isArray(v) ? v[0] : v;
      }
      return sum;
    }
    jsonAt(frontiers) {
      this.doc.checkout(frontiers);
      return JSON.stringify(this.doc.getMap('nodes').toJSON());
    }
    undoManager() {
      const um = new L.UndoManager(this.doc, { mergeInterval: 0, maxUndoSteps: 1 << 20 });
      return { undo: () => um.undo(), redo: () => um.redo() };
    }
  }
  return {
    Replica: LReplica,
    history: 'LoroDoc.frontiers per position + doc.checkout(frontiers) (detached doc)',
    historyOpts: {},
    joinNote: 'export({mode: "snapshot"}) -> LoroDoc.fromSnapshot',
    snapshotNote: 'export({mode: "snapshot"})',
  };
}

async function adapter(name) {
  const { mod, version } = await loadLib(name);
  const a = name === 'yjs' ? makeYjs(mod) : name === 'automerge' ? makeAutomerge(mod) : makeLoro(mod);
  return { name, version, ...a };
}

// ---- workloads ----

// W1 replica: setup + n commits; returns the replica, the time of the commits, and (when
// capture) the setup update and every commit's update.
function buildW1(lib, n, { capture = false, opts = {}, at = null } = {}) {
  const r = new lib.Replica(0, { ...opts, capture });
  const setup = r.setup(N_NODES);
  const updates = capture ? [] : null;
  const versions = at ? new Map() : null;
  if (at && at.has(0)) versions.set(0, r.version());
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const u = r.commit(i, 0);
    if (capture) updates.push(u);
    if (at && at.has(i + 1)) versions.set(i + 1, r.version());
  }
  return { r, setup, updates, versions, seconds: now() - t0 };
}

function runW1(lib) {
  const n = CFG.w1Commits;
  const { times, first, note } = timeReps(() => buildW1(lib, n).seconds);
  out({ impl: lib.name, workload: 'W1', metric: 'w1.rate', value: n / median(times), unit: 'msg/s',
        n: times.length,
        note: 'one map set per transaction/change/commit; the update bytes are not requested', caveat: note });
  out({ impl: lib.name, workload: 'W1', metric: 'w1.cold.rate', value: n / first, unit: 'msg/s', n: 1,
        note: 'the first (warm-up) run: JIT and heap cold' });
}

function runW2(lib) {
  const n = CFG.w1Commits;
  const { r: sender, setup, updates } = buildW1(lib, n, { capture: true });
  const reference = canonical(sender.json());
  const blob = sender.encodeAll();
  let same = true;
  let last = null;
  const apply = () => {
    const r = new lib.Replica(1);
    r.apply(setup);
    const t0 = now();
    for (const u of updates) r.apply(u);
    const dt = now() - t0;
    last = r;
    return dt;
  };
  const a = timeReps(apply);
  same = same && canonical(last.json()) === reference;
  last = null;
  const join = () => {
    const t0 = now();
    const j = lib.Replica.loadAll(blob);
    const dt = now() - t0;
    last = j;
    return dt;
  };
  const j = timeReps(join);
  same = same && canonical(last.json()) === reference;
  const rate = n / median(a.times);
  const note = 'each transaction\'s binary update applied one by one; binary is also the wire form';
  out({ impl: lib.name, workload: 'W2', metric: 'w2.mem.rate', value: rate, unit: 'msg/s', n: a.times.length,
        note, caveat: a.note });
  out({ impl: lib.name, workload: 'W2', metric: 'w2.wire.rate', value: rate, unit: 'msg/s', n: a.times.length,
        note: 'same figure as from memory: a peer\'s update exists only as encoded bytes' });
  out({ impl: lib.name, workload: 'W2', metric: 'w2.join.time', value: 1000 * median(j.times), unit: 'ms',
        n: j.times.length, note: `${lib.joinNote}, ${(blob.length / 1e6).toFixed(2)} MB`, caveat: j.note });
  out({ impl: lib.name, workload: 'W2', metric: 'w2.same', value: same ? 1 : 0, unit: 'bool', n: 1 });
}

function runW3(lib) {
  const S = CFG.w3Sessions;
  const M = limit(lib, 'w3Messages', CFG.w3Messages);
  const reduced = M < CFG.w3Messages ? `run at ${S} x ${M} messages (full size: about 8 min per run)` : null;
  const rand = rng(SEED + 3);
  const tMerge = [];
  const tLocal = [];
  let converged = true;
  let runs = REPS;
  for (let k = 0; k <= runs; k++) {
    const tRun = now();
    const reps = [];
    for (let s = 0; s < S; s++) reps.push(new lib.Replica(s, { capture: true }));
    const setup = reps[0].setup(N_NODES);
    for (let s = 1; s < S; s++) reps[s].apply(setup);
    const own = [];
    const t0 = now();
    for (let s = 0; s < S; s++) {
      const mine = [];
      for (let i = 0; i < M; i++) mine.push(reps[s].commit(i, s * 125));
      own.push(mine);
    }
    if (k > 0) tLocal.push(now() - t0);
    // random interleaving that keeps each session's own order (the peers need causal order)
    const orders = [];
    for (let r = 0; r < S; r++) {
      const labels = [];
      for (let s = 0; s < S; s++) if (s !== r) for (let i = 0; i < M; i++) labels.push(s);
      shuffle(rand, labels);
      const next = new Array(S).fill(0);
      orders.push(labels.map((s) => own[s][next[s]++]));
    }
    const t1 = now();
    for (let r = 0; r < S; r++) for (const u of orders[r]) reps[r].apply(u);
    if (k > 0) tMerge.push(now() - t1);
    const first = canonical(reps[0].json());
    for (let r = 1; r < S; r++) if (canonical(reps[r].json()) !== first) converged = false;
    if (k === 0 && now() - tRun > SLOW_REP) {
      // slow: keep the first run as the only sample
      tMerge.push(now() - t1);
      tLocal.push(t1 - t0);
      runs = 0;
    }
  }
  const received = S * (S - 1) * M;
  const size = `${S} sessions x ${M} msgs`;
  na(lib.name, 'W3', 'w3.random.rate', 'needs causal delivery (updates wait for their dependencies)');
  out({ impl: lib.name, workload: 'W3', metric: 'w3.causal.rate', value: received / median(tMerge), unit: 'msg/s',
        n: tMerge.length, size, caveat: reduced });
  out({ impl: lib.name, workload: 'W3', metric: 'w3.local.rate', value: (S * M) / median(tLocal), unit: 'msg/s',
        n: tLocal.length, size, note: 'with the update bytes requested for sending', caveat: reduced });
  out({ impl: lib.name, workload: 'W3', metric: 'w3.converged', value: converged ? 1 : 0, unit: 'bool', n: runs + 1, size });
}

function runW4(lib) {
  for (const [name, sessions, same] of [['b31', CFG.b31Sessions, true], ['c12', CFG.c12Sessions, false]]) {
    const updates = [];
    for (let i = 0; i < sessions; i++) {
      const r = new lib.Replica(i);
      updates.push(r.setRoot(same ? 'v' : `p${i}`, i));
      r.free();
    }
    const reps = Math.max(REPS, 5);
    let ok = true;
    let m = null;
    const { times, note } = timeReps(() => {
      m?.free();
      m = new lib.Replica(sessions + 10);
      const t0 = now();
      m.applyAll(updates);
      return now() - t0;
    }, reps);
    const j = m.rootJSON();
    ok = same ? typeof j.v === 'number' : Object.keys(j).length === sessions;
    m.free();
    const v = 1000 * median(times);
    const how = 'as crdt-benchmarks: every session\'s encoded update merged in one batch (Yjs: one '
              + 'transaction; Automerge: applyChanges; Loro: importBatch)';
    out({ impl: lib.name, workload: 'W4', metric: `w4.${name}.mem.time`, value: v, unit: 'ms', n: times.length,
          note: how, caveat: note, ok });
    out({ impl: lib.name, workload: 'W4', metric: `w4.${name}.wire.time`, value: v, unit: 'ms', n: times.length,
          note: 'same figure: the updates are the wire form', ok });
  }
}

function runW5(lib) {
  const probe = new lib.Replica(0).undoManager();
  if (probe === null) {
    na(lib.name, 'W5', 'w5.undo.p50', lib.noUndo);
    na(lib.name, 'W5', 'w5.undo.p99', lib.noUndo);
    na(lib.name, 'W5', 'w5.redo.p50', lib.noUndo);
    na(lib.name, 'W5', 'w5.undo_any.p50', lib.noUndo);
    return;
  }
  const r = new lib.Replica(0);
  r.setup(N_NODES);
  const um = r.undoManager();   // tracks W1's 100,000 commits, one undo step each
  for (let i = 0; i < CFG.w1Commits; i++) r.commit(i, 0);
  const n = CFG.w5Undos;
  const warm = Math.max(Math.floor(n / 10), 5);
  const tu = [];
  const tr = [];
  // undo() again and again (each the next older commit), then redo() as often, like vrtc bench
  for (let i = 0; i < warm + n; i++) {
    const t0 = now();
    um.undo();
    if (i >= warm) tu.push(now() - t0);
  }
  for (let i = 0; i < warm + n; i++) {
    const t0 = now();
    um.redo();
    if (i < n) tr.push(now() - t0);
  }
  const note = lib.name === 'yjs' ? 'Y.UndoManager on the nodes map, captureTimeout 0'
                                  : 'Loro UndoManager, mergeInterval 0';
  out({ impl: lib.name, workload: 'W5', metric: 'w5.undo.p50', value: 1e6 * quantile(tu, 0.5), unit: 'us', n, note });
  out({ impl: lib.name, workload: 'W5', metric: 'w5.undo.p99', value: 1e6 * quantile(tu, 0.99), unit: 'us', n });
  out({ impl: lib.name, workload: 'W5', metric: 'w5.redo.p50', value: 1e6 * quantile(tr, 0.5), unit: 'us', n });
  na(lib.name, 'W5', 'w5.undo_any.p50', 'an UndoManager undoes its own stack in order; no undo of an arbitrary past change');
}

function runW6(lib) {
  const len = CFG.w1Commits + 1;        // journal positions 0 (setup) .. n
  const rand = rng(SEED + 6);
  const pick = (count) => Array.from({ length: count }, () => Math.floor(rand() * len));
  const readPos = pick(CFG.w6Positions);
  const graphPos = pick(CFG.w6GraphPositions);
  const warmPos = pick(Math.min(CFG.w6Positions, 20));
  const { r, versions } = buildW1(lib, CFG.w1Commits,
    { opts: lib.historyOpts, at: new Set([...readPos, ...graphPos, ...warmPos]) });
  let sink = 0;
  for (const p of warmPos) sink += r.readAt(versions.get(p), rand);

  const t = [];
  let start = now();
  for (const p of readPos) {
    const t0 = now();
    sink += r.readAt(versions.get(p), rand);
    t.push(now() - t0);
    if (now() - start > CFG.budget) break;
  }
  const tg = [];
  start = now();
  for (const p of graphPos) {
    const t0 = now();
    sink += r.jsonAt(versions.get(p)).length;
    tg.push(now() - t0);
    if (now() - start > CFG.budget) break;
  }
  const cut = (have, want) => (have < want ? `stopped after ${have} of ${want} positions (${CFG.budget} s budget)` : null);
  out({ impl: lib.name, workload: 'W6', metric: 'w6.read.p50', value: 1e3 * quantile(t, 0.5), unit: 'ms', n: t.length,
        note: lib.history, caveat: cut(t.length, readPos.length) });
  out({ impl: lib.name, workload: 'W6', metric: 'w6.read.p99', value: 1e3 * quantile(t, 0.99), unit: 'ms', n: t.length });
  out({ impl: lib.name, workload: 'W6', metric: 'w6.graph.p50', value: 1e3 * quantile(tg, 0.5), unit: 'ms', n: tg.length,
        note: 'the same + JSON of the whole nodes map', caveat: cut(tg.length, graphPos.length) });
  out({ impl: lib.name, workload: 'W6', metric: 'w6.graph.p99', value: 1e3 * quantile(tg, 0.99), unit: 'ms', n: tg.length });
  if (sink === -1) console.error('unreachable');
}

// W7 runs as children: build (writes the encoded doc), then load (reads it back).
function w7Child(lib, step, file) {
  const n = CFG.w7Nodes;
  keys(n);
  if (step === 'build') {
    const r = new lib.Replica(0);
    const batch = limit(lib, 'w7Batch', 1);
    const t0 = now();
    if (batch > 1) for (let i = 0; i < n; i += batch) r.insertNodes(i, Math.min(batch, n - i));
    else for (let i = 0; i < n; i++) r.insertNode(i);
    const tBuild = now() - t0;
    const batchNote = batch > 1 ? `built with one change per ${batch} nodes (one per node: about 15 min)` : null;
    global.gc?.();
    const rssState = vmField('VmRSS');
    const bytes = r.encodeAll();
    writeFileSync(file, bytes);
    out({ impl: lib.name, workload: 'W7', metric: 'w7.build.rate', value: batch > 1 ? null : n / tBuild,
          unit: 'msg/s', n: 1, caveat: batch > 1 ? `${batchNote}: ${(n / tBuild).toFixed(0)} nodes/s` : null });
    out({ impl: lib.name, workload: 'W7', metric: 'w7.build.rss_state', value: rssState, unit: 'MB', n: 1,
          note: 'VmRSS after building, after a full GC; node itself takes about 40 MB', caveat: batchNote });
    out({ impl: lib.name, workload: 'W7', metric: 'w7.snapshot.bytes', value: bytes.length / 1e6, unit: 'MB', n: 1,
          note: lib.snapshotNote });
    out({ impl: lib.name, workload: 'W7', metric: 'w7.build.rss', value: vmField('VmHWM'), unit: 'MB', n: 1,
          caveat: batchNote });
  } else {
    const bytes = new Uint8Array(readFileSync(file));
    const reps = Math.max(REPS, 3);
    const t = [];
    let first = null;
    for (let k = 0; k <= reps; k++) {
      const t0 = now();
      let r = lib.Replica.loadAll(bytes);
      const dt = now() - t0;
      if (k === 0) {
        global.gc?.();
        first = { peak: vmField('VmHWM'), state: vmField('VmRSS') - bytes.length / 1048576,
                  count: Object.keys(r.json()).length };
      } else t.push(dt);
      r = null;
      global.gc?.();
    }
    out({ impl: lib.name, workload: 'W7', metric: 'w7.load.time', value: 1e3 * median(t), unit: 'ms', n: reps });
    out({ impl: lib.name, workload: 'W7', metric: 'w7.load.rss', value: first.peak, unit: 'MB', n: 1,
          note: 'VmHWM after the first load (the encoded bytes included)' });
    out({ impl: lib.name, workload: 'W7', metric: 'w7.load.rss_state', value: first.state, unit: 'MB', n: 1 });
    out({ impl: lib.name, workload: 'W7', metric: 'w7.load.same', value: first.count === n ? 1 : 0, unit: 'bool', n: 1 });
  }
}

function runW7(lib) {
  const dir = mkdtempSync(join(tmpdir(), 'vrtc-peers-'));
  const file = join(dir, `${lib.name}.bin`);
  try {
    for (const step of ['build', 'load']) {
      const args = ['--expose-gc', '--max-old-space-size=12000', SELF, '--child', `w7-${step}`,
                    '--lib', lib.name, '--file', file, '--reps', String(REPS)];
      if (QUICK) args.push('--quick');
      const res = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 1800e3 });
      process.stdout.write(res.stdout ?? '');
      if (res.status !== 0) {
        process.stderr.write(res.stderr ?? '');
        na(lib.name, 'W7', `w7.${step}.failed`, `the ${step} step failed: ${res.signal ?? `exit ${res.status}`}`);
        break;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// W8 measures vrtc's own relay server; the three libraries ship no server of their own
// (y-websocket, automerge-repo's sync server and Loro's are separate projects).
function runW8(lib) {
  const why = 'the library has no relay server of its own';
  for (const m of ['w8.one.acked', 'w8.acked', 'w8.p50', 'w8.p99']) na(lib.name, 'W8', m, why);
}

const RUNNERS = { W1: runW1, W2: runW2, W3: runW3, W4: runW4, W5: runW5, W6: runW6, W7: runW7, W8: runW8 };

async function main() {
  keys(N_NODES);
  if (CHILD) {
    const lib = await adapter(opt('--lib'));
    w7Child(lib, CHILD.replace('w7-', ''), opt('--file'));
    return;
  }
  const loadavg = () => { try { return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '); } catch { return '?'; } };
  out({ impl: 'peers', workload: 'machine', metric: 'machine', value: null, node: process.version,
        quick: QUICK, reps: REPS, loadavg_start: loadavg() });
  for (const name of LIBS) {
    let lib;
    try {
      lib = await adapter(name);
    } catch (e) {
      out({ impl: name, workload: '*', metric: '*', value: null, status: 'not installed',
            note: String(e.message ?? e).split('\n')[0] });
      continue;
    }
    out({ impl: name, workload: 'version', metric: 'version', value: null, version: lib.version });
    for (const w of ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8']) {
      if (!WORKLOADS.has(w)) continue;
      const t0 = now();
      process.stderr.write(`peers: ${name} ${w}…\n`);
      try {
        RUNNERS[w](lib);
      } catch (e) {
        na(name, w, `${w.toLowerCase()}.failed`, `failed: ${String(e.message ?? e).split('\n')[0]}`);
      }
      process.stderr.write(`peers: ${name} ${w} took ${(now() - t0).toFixed(1)} s\n`);
    }
  }
  out({ impl: 'peers', workload: 'machine', metric: 'loadavg', value: null, loadavg_end: loadavg() });
}

if (!existsSync(join(HERE, 'node_modules'))) {
  process.stderr.write('peers: bench/peers/node_modules is missing; run `npm ci` in bench/peers\n');
}
await main();
