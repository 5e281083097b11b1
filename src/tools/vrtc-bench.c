/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vrtc-codec.h"
#include "vrtc-bench-relay.h"
#include "vrtc-engine.h"
#include "vrtc-snapshot-load.h"
#include "vrtc-tool.h"

/*
 * vrtc bench: the workloads of issue 6 on the engine, one child process per workload (so
 * that each peak RSS is its own), each figure the median of several timed repetitions
 * after a warm-up, timed with the monotonic clock.
 *
 * The same workloads run on Yjs, Automerge and Loro in bench/peers/run.mjs, with the same
 * shapes, names and JSON lines; bench/run-all runs both and prints one table with ratios.
 * Every figure is one JSON object per line with --json:
 *   {"impl":"vrtc","workload":"W1","metric":"w1.rate","label":...,"size":...,
 *    "value":..., "unit":"msg/s","better":"higher","n":5,
 *    "target":">= 500000","target_op":">=","target_value":500000,"pass":true,...}
 * "better" says which direction is good, so a ratio can always be printed as "how many
 * times better we are" (peer/ours for times and memory, ours/peer for rates).
 *
 * The shapes (bench/peers/run.mjs builds the same):
 * - 1,000 nodes "n0".."n999" under the root, created by one setup message that is not
 *   timed (peers: one transaction creating 1,000 maps in a "nodes" map);
 * - W1 commit i touches node i mod 1000; it is a number.set of "x" to i when
 *   (i + i / 1000) is even, else a vector3.add of [1, 0.5, -0.25] to "transform.position",
 *   so commits alternate and every node gets both (peers: one map set per transaction).
 */

#define N_NODES 1000
#define BASE_TS 1.7e12

typedef struct {
  gboolean quick;
  gboolean cold_heap;        /* leave glibc's trimming on (--cold-heap) */
  guint    reps;             /* timed repetitions (after one warm-up) */
  guint64  seed;
  guint    w1_commits;
  guint    w3_sessions;
  guint    w3_messages;      /* per session */
  guint    b31_sessions;
  guint    c12_sessions;
  guint    w5_undos;
  guint    w6_positions;
  guint    w6_graph_positions;
  guint    w6_replay_positions;
  guint    w7_nodes;
  guint    w8_clients;
  double   w8_seconds;
  char    *tmpdir;           /* W7 snapshot and graph files */
} BenchConfig;

/* What a child writes: JSON lines, one per figure. */
typedef struct {
  const BenchConfig *cfg;
  GString           *out;
  gboolean           failed;
} Bench;

/* ---- clock, statistics, process memory ---- */

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static int
double_compare (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

/* Quantile q (0..1) of n values (sorted in place), nearest rank. */
static double
quantile (double *v,
          guint   n,
          double  q)
{
  guint i;

  if (n == 0)
    return NAN;
  qsort (v, n, sizeof (double), double_compare);
  i = (guint) ceil (q * n);
  return v[i == 0 ? 0 : MIN (i, n) - 1];
}

static gboolean verbose;

/* With --verbose, every repetition's time goes to stderr (in the order they ran). */
static void
trace (const char   *what,
       const double *v,
       guint         n)
{
  if (!verbose)
    return;
  g_printerr ("vrtc bench: %s:", what);
  for (guint i = 0; i < n; i++)
    g_printerr (" %.4g", v[i]);
  g_printerr (" s\n");
}

static double
median (double *v,
        guint   n)
{
  if (n == 0)
    return NAN;
  qsort (v, n, sizeof (double), double_compare);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A field of /proc/self/status in MB (VmRSS, VmHWM), or NAN. */
static double
proc_status_mb (const char *field)
{
  g_autofree char *text = NULL;
  const char *p;
  gsize flen = strlen (field);

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return NAN;
  for (p = text; p != NULL && *p; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
    if (strncmp (p, field, flen) == 0 && p[flen] == ':')
      return g_ascii_strtod (p + flen + 1, NULL) / 1024.0;
  return NAN;
}

/* The 1, 5 and 15 minute load averages, as /proc/loadavg prints them (the machine is shared:
 * this says how busy it was around the run). */
static char *
loadavg (void)
{
  g_autofree char *text = NULL;
  char **parts;
  char *out;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("?");
  parts = g_strsplit (text, " ", 4);
  out = g_strdup_printf ("%s %s %s", parts[0] ? parts[0] : "?",
                         parts[0] && parts[1] ? parts[1] : "?",
                         parts[0] && parts[1] && parts[2] ? parts[2] : "?");
  g_strfreev (parts);
  return out;
}

/* ---- results ---- */

typedef enum {
  TARGET_NONE,
  TARGET_GE,
  TARGET_LE,
} TargetOp;

typedef struct {
  const char *workload;
  const char *metric;
  const char *label;
  const char *size;
  double      value;
  const char *unit;
  const char *better;        /* "higher", "lower", or "none" */
  guint       n;
  TargetOp    target_op;
  double      target;
  const char *note;          /* nullable */
  const char *ratio_peer;    /* nullable: a target on the ratio against this peer */
  double      ratio_min;
} Figure;

static void
emit (Bench        *b,
      const Figure *f)
{
  GString *o = b->out;

  g_string_append (o, "{\"impl\":\"vrtc\",\"workload\":");
  vrtc_json_write_string (o, f->workload);
  g_string_append (o, ",\"metric\":");
  vrtc_json_write_string (o, f->metric);
  g_string_append (o, ",\"label\":");
  vrtc_json_write_string (o, f->label);
  g_string_append (o, ",\"size\":");
  vrtc_json_write_string (o, f->size ? f->size : "");
  g_string_append (o, ",\"value\":");
  if (isfinite (f->value))
    vrtc_json_write_number (o, f->value);
  else
    g_string_append (o, "null");
  g_string_append (o, ",\"unit\":");
  vrtc_json_write_string (o, f->unit);
  g_string_append (o, ",\"better\":");
  vrtc_json_write_string (o, f->better ? f->better : "none");
  g_string_append_printf (o, ",\"n\":%u", f->n);
  if (f->target_op != TARGET_NONE)
    {
      const char *op = f->target_op == TARGET_GE ? ">=" : "<=";
      g_autofree char *t = NULL;
      GString *num = g_string_new (NULL);

      vrtc_json_write_number (num, f->target);
      t = g_strdup_printf ("%s %s %s", op, num->str, f->unit);
      g_string_append (o, ",\"target\":");
      vrtc_json_write_string (o, t);
      g_string_append_printf (o, ",\"target_op\":\"%s\",\"target_value\":%s", op, num->str);
      g_string_free (num, TRUE);
      if (b->cfg->quick || !isfinite (f->value))
        g_string_append (o, ",\"pass\":null");
      else
        g_string_append_printf (o, ",\"pass\":%s",
                                (f->target_op == TARGET_GE ? f->value >= f->target
                                                           : f->value <= f->target)
                                ? "true" : "false");
    }
  if (f->ratio_peer != NULL)
    {
      g_string_append (o, ",\"ratio_target_peer\":");
      vrtc_json_write_string (o, f->ratio_peer);
      g_string_append (o, ",\"ratio_target_min\":");
      vrtc_json_write_number (o, f->ratio_min);
    }
  if (f->note != NULL)
    {
      g_string_append (o, ",\"note\":");
      vrtc_json_write_string (o, f->note);
    }
  g_string_append (o, "}\n");
}

/* ---- building ops and messages ---- */

static char **node_keys;   /* "n0".."n<N-1>", shared by every workload */
static guint  n_node_keys;

static void
node_keys_init (guint n)
{
  if (n <= n_node_keys)
    return;
  node_keys = g_renew (char *, node_keys, n);
  for (guint i = n_node_keys; i < n; i++)
    node_keys[i] = g_strdup_printf ("n%u", i);
  n_node_keys = n;
}

/* An op whose strings are borrowed (never vrtc_op_clear it; vrtc_engine_edit copies). */
static void
op_borrowed (VrtcOperation *op,
             const char    *key,
             const char    *otype,
             const char    *path)
{
  memset (op, 0, sizeof *op);
  op->key = (char *) key;
  op->otype = (char *) otype;
  op->path = (char *) path;
  vrtc_op_resolve (op);
}

/* The untimed setup: one message inserting nodes n0..n(count-1) under the root. */
static VrtcMessage *
commit_setup (VrtcEngine *engine,
              guint       count)
{
  VrtcOperation op;

  node_keys_init (count);
  op_borrowed (&op, NULL, "node.insert", "");
  op.parent_key = (char *) "scene";
  op.tag = (char *) "Mesh";
  for (guint i = 0; i < count; i++)
    {
      op.key = node_keys[i];
      vrtc_engine_edit (engine, &op);
    }
  return vrtc_engine_commit (engine, BASE_TS);
}

/* The W1 op stream. */
typedef struct {
  VrtcOperation set;
  VrtcOperation add;
} W1Ops;

static void
w1_ops_init (W1Ops *ops)
{
  static const double delta[3] = { 1, 0.5, -0.25 };

  op_borrowed (&ops->set, NULL, "number.set", "x");
  op_borrowed (&ops->add, NULL, "vector3.add", "transform.position");
  vrtc_value_set_vec (&ops->add.value, delta, 3);
}

static void
w1_ops_clear (W1Ops *ops)
{
  vrtc_value_clear (&ops->add.value);
}

/* Commit number i of a W1-shaped stream; node_offset rotates the nodes (W3 sessions). */
static VrtcMessage *
w1_commit (VrtcEngine *engine,
           W1Ops      *ops,
           guint       i,
           guint       node_offset)
{
  VrtcOperation *op;

  if ((i + i / N_NODES) % 2 == 0)
    {
      op = &ops->set;
      op->value.kind = VRTC_VALUE_NUMBER;
      op->value.u.num = (double) i;
    }
  else
    op = &ops->add;
  op->key = node_keys[(i + node_offset) % N_NODES];
  vrtc_engine_edit (engine, op);
  return vrtc_engine_commit (engine, BASE_TS + 1 + i);
}

/* W1: a new engine with the setup and `commits` commits. msgs (nullable) receives every
 * message, setup first; seconds the time of the commits alone. */
static VrtcEngine *
build_w1 (guint       commits,
          GPtrArray  *msgs,
          double     *seconds)
{
  VrtcEngine *engine = vrtc_engine_new ("bench-a");
  VrtcMessage *setup = commit_setup (engine, N_NODES);
  W1Ops ops;
  double t0;

  w1_ops_init (&ops);
  if (msgs)
    g_ptr_array_add (msgs, setup);
  else
    vrtc_msg_unref (setup);

  t0 = now_s ();
  if (msgs)
    for (guint i = 0; i < commits; i++)
      g_ptr_array_add (msgs, w1_commit (engine, &ops, i, 0));
  else
    for (guint i = 0; i < commits; i++)
      vrtc_msg_unref (w1_commit (engine, &ops, i, 0));
  if (seconds)
    *seconds = now_s () - t0;
  w1_ops_clear (&ops);
  return engine;
}

static char *
graph_of (VrtcEngine *engine)
{
  GString *out = g_string_new (NULL);

  vrtc_engine_write_graph (engine, out);
  return g_string_free (out, FALSE);
}

static void
receive_or_fail (Bench       *b,
                 VrtcEngine  *engine,
                 VrtcMessage *msg)
{
  g_autoptr(GError) error = NULL;

  if (!vrtc_engine_receive (engine, msg, NULL, &error))
    {
      g_printerr ("vrtc bench: receive %s: %s\n", msg->id, error->message);
      b->failed = TRUE;
    }
}

static void
shuffle (GRand     *rand,
         gpointer  *items,
         guint      n)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
      gpointer t = items[i - 1];

      items[i - 1] = items[j];
      items[j] = t;
    }
}

static char *
size_str (const char *fmt,
          ...) G_GNUC_PRINTF (1, 2);

static char *
size_str (const char *fmt,
          ...)
{
  va_list args;
  char *s;

  va_start (args, fmt);
  s = g_strdup_vprintf (fmt, args);
  va_end (args);
  return s;
}

/* ---- W1: local commits ---- */

static void
run_w1 (Bench *b)
{
  const BenchConfig *cfg = b->cfg;
  g_autofree double *t = g_new (double, cfg->reps);
  g_autofree char *size = size_str ("%u commits, %u nodes", cfg->w1_commits, N_NODES);
  double med, cold;

  /* the warm-up is the cold run: the first in a fresh process, the heap grows (page faults) */
  vrtc_engine_free (build_w1 (cfg->w1_commits, NULL, &cold));
  for (guint r = 0; r < cfg->reps; r++)
    vrtc_engine_free (build_w1 (cfg->w1_commits, NULL, &t[r]));
  trace ("W1 commits", t, cfg->reps);
  med = median (t, cfg->reps);

  emit (b, &(Figure) {
    .workload = "W1", .metric = "w1.rate", .label = "local commits (1 op each)",
    .size = size, .value = cfg->w1_commits / med, .unit = "msg/s", .better = "higher",
    .n = cfg->reps, .target_op = TARGET_GE, .target = 500000,
    .ratio_peer = "yjs", .ratio_min = 10,
    .note = "warm heap: median of the repetitions after a warm-up in the same process; "
            "target: >= 500,000 commits/s and >= 10x Yjs" });
  emit (b, &(Figure) {
    .workload = "W1", .metric = "w1.cold.rate", .label = "local commits, cold (first run in a fresh process)",
    .size = size, .value = cfg->w1_commits / cold, .unit = "msg/s", .better = "higher",
    .n = 1,
    .note = "the warm-up run: the heap grows from nothing, so it includes the page faults; "
            "peers: their first (warm-up) run, JIT included" });
}

/* ---- W2: receive ---- */

static void
run_w2 (Bench *b)
{
  const BenchConfig *cfg = b->cfg;
  g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *t_mem = g_new (double, cfg->reps);
  g_autofree double *t_json = g_new (double, cfg->reps);
  g_autofree double *t_join = g_new (double, cfg->reps);
  g_autofree char *size = size_str ("%u msgs, %u nodes", cfg->w1_commits, N_NODES);
  g_autofree char *size_join = NULL;
  g_autofree char *reference = NULL;
  GString *lines = g_string_new (NULL);
  VrtcEngine *a;
  gboolean same = TRUE;
  guint n = cfg->w1_commits;

  a = build_w1 (n, msgs, NULL);
  reference = graph_of (a);
  vrtc_engine_free (a);

  for (guint i = 0; i < msgs->len; i++)
    {
      GString *s = g_string_new (NULL);

      vrtc_codec_write_message (g_ptr_array_index (msgs, i), VRTC_DIALECT_SEED, s);
      g_string_append (lines, s->str);
      g_string_append_c (lines, '\n');
      g_ptr_array_add (texts, g_string_free (s, FALSE));
    }
  size_join = size_str ("%u msgs, %.1f MB of JSON lines", n + 1, lines->len / 1e6);

  for (guint r = 0; r <= cfg->reps; r++)   /* r == 0 is the warm-up */
    {
      VrtcEngine *e;
      double t0;

      /* from memory: the sender's VrtcMessage structs */
      e = vrtc_engine_new ("bench-b");
      receive_or_fail (b, e, g_ptr_array_index (msgs, 0));
      t0 = now_s ();
      for (guint i = 1; i < msgs->len; i++)
        receive_or_fail (b, e, g_ptr_array_index (msgs, i));
      if (r > 0)
        t_mem[r - 1] = now_s () - t0;
      if (r == cfg->reps)
        {
          g_autofree char *g = graph_of (e);
          same = same && strcmp (g, reference) == 0;
        }
      vrtc_engine_free (e);

      /* from the wire: one JSON text per message, parsed and received */
      e = vrtc_engine_new ("bench-b");
      {
        VrtcMessage *m = vrtc_codec_parse_message (g_ptr_array_index (texts, 0), -1, NULL);
        receive_or_fail (b, e, m);
        vrtc_msg_unref (m);
      }
      t0 = now_s ();
      for (guint i = 1; i < texts->len; i++)
        {
          g_autoptr(GError) error = NULL;
          const char *text = g_ptr_array_index (texts, i);
          VrtcMessage *m = vrtc_codec_parse_message (text, -1, &error);

          if (m == NULL)
            {
              g_printerr ("vrtc bench: parse: %s\n", error->message);
              b->failed = TRUE;
              break;
            }
          receive_or_fail (b, e, m);
          vrtc_msg_unref (m);
        }
      if (r > 0)
        t_json[r - 1] = now_s () - t0;
      if (r == cfg->reps)
        {
          g_autofree char *g = graph_of (e);
          same = same && strcmp (g, reference) == 0;
        }
      vrtc_engine_free (e);

      /* joining: the whole history as one text (JSON lines), parsed, init_from_server */
      {
        g_autoptr(GPtrArray) parsed =
          g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);
        g_autoptr(GError) error = NULL;
        VrtcValue snapshot = VRTC_VALUE_INIT;

        e = vrtc_engine_new ("bench-b");
        t0 = now_s ();
        if (!vrtc_codec_parse_journal (lines->str, lines->len, "w2", parsed, &snapshot, &error) ||
            !vrtc_engine_init_from_server (e, NULL, (VrtcMessage **) parsed->pdata, parsed->len,
                                           &error))
          {
            g_printerr ("vrtc bench: join: %s\n", error->message);
            b->failed = TRUE;
          }
        if (r > 0)
          t_join[r - 1] = now_s () - t0;
        if (r == cfg->reps)
          {
            g_autofree char *g = graph_of (e);
            same = same && strcmp (g, reference) == 0;
          }
        vrtc_engine_free (e);
        vrtc_value_clear (&snapshot);
      }
    }
  g_string_free (lines, TRUE);
  trace ("W2 from memory", t_mem, cfg->reps);
  trace ("W2 from JSON text", t_json, cfg->reps);
  trace ("W2 join", t_join, cfg->reps);

  emit (b, &(Figure) {
    .workload = "W2", .metric = "w2.mem.rate", .label = "receive, from memory",
    .size = size, .value = n / median (t_mem, cfg->reps), .unit = "msg/s",
    .better = "higher", .n = cfg->reps, .target_op = TARGET_GE, .target = 1000000,
    .note = "ours: VrtcMessage structs; peers: their per-transaction binary update, "
            "applied one by one (a peer has no decoded in-memory form of an update)" });
  emit (b, &(Figure) {
    .workload = "W2", .metric = "w2.wire.rate", .label = "receive, from the wire",
    .size = size, .value = n / median (t_json, cfg->reps), .unit = "msg/s",
    .better = "higher", .n = cfg->reps, .target_op = TARGET_GE, .target = 250000,
    .note = "ours: one JSON text per message, vrtc_codec_parse_message + receive; "
            "peers: the same per-update binary apply as above (binary is their wire)" });
  emit (b, &(Figure) {
    .workload = "W2", .metric = "w2.join.time", .label = "join: whole history in one blob",
    .size = size_join, .value = 1000 * median (t_join, cfg->reps), .unit = "ms",
    .better = "lower", .n = cfg->reps,
    .note = "ours: JSON lines -> vrtc_codec_parse_journal + init_from_server; peers: "
            "Y.encodeStateAsUpdate -> applyUpdate, Automerge.save -> load, Loro "
            "export(update) -> import" });
  emit (b, &(Figure) {
    .workload = "W2", .metric = "w2.same", .label = "receivers' graph == sender's",
    .size = size, .value = same ? 1 : 0, .unit = "bool", .better = "higher", .n = 1,
    .target_op = TARGET_GE, .target = 1 });
  if (!same)
    b->failed = TRUE;
}

/* ---- W3: concurrent merge ---- */

typedef struct {
  VrtcEngine **reps;
  GPtrArray  **own;       /* per session: VrtcMessage in commit order */
  guint        n;
} W3World;

static void
w3_build (const BenchConfig *cfg,
          W3World           *w)
{
  VrtcMessage *setup;
  W1Ops ops;

  w->n = cfg->w3_sessions;
  w->reps = g_new0 (VrtcEngine *, w->n);
  w->own = g_new0 (GPtrArray *, w->n);
  for (guint s = 0; s < w->n; s++)
    {
      g_autofree char *name = g_strdup_printf ("s%u", s);

      w->reps[s] = vrtc_engine_new (name);
      w->own[s] = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);
    }
  setup = commit_setup (w->reps[0], N_NODES);
  for (guint s = 1; s < w->n; s++)
    vrtc_engine_receive (w->reps[s], setup, NULL, NULL);
  vrtc_msg_unref (setup);

  w1_ops_init (&ops);
  for (guint s = 0; s < w->n; s++)
    for (guint i = 0; i < cfg->w3_messages; i++)
      g_ptr_array_add (w->own[s], w1_commit (w->reps[s], &ops, i, s * 125));
  w1_ops_clear (&ops);
}

static void
w3_free (W3World *w)
{
  for (guint s = 0; s < w->n; s++)
    {
      vrtc_engine_free (w->reps[s]);
      g_ptr_array_unref (w->own[s]);
    }
  g_free (w->reps);
  g_free (w->own);
}

/* Delivery orders for replica r: every other session's messages, either shuffled
 * completely, or a random interleaving that keeps each session's own order. */
static GPtrArray *
w3_order (W3World  *w,
          guint     r,
          gboolean  causal,
          GRand    *rand)
{
  GPtrArray *order = g_ptr_array_new ();

  if (!causal)
    {
      for (guint s = 0; s < w->n; s++)
        if (s != r)
          for (guint i = 0; i < w->own[s]->len; i++)
            g_ptr_array_add (order, g_ptr_array_index (w->own[s], i));
      shuffle (rand, order->pdata, order->len);
    }
  else
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      g_autofree guint *next = g_new0 (guint, w->n);

      for (guint s = 0; s < w->n; s++)
        if (s != r)
          for (guint i = 0; i < w->own[s]->len; i++)
            g_ptr_array_add (labels, GUINT_TO_POINTER (s));
      shuffle (rand, labels->pdata, labels->len);
      for (guint i = 0; i < labels->len; i++)
        {
          guint s = GPOINTER_TO_UINT (g_ptr_array_index (labels, i));

          g_ptr_array_add (order, g_ptr_array_index (w->own[s], next[s]++));
        }
    }
  return order;
}

static void
run_w3 (Bench *b)
{
  const BenchConfig *cfg = b->cfg;
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) cfg->seed);
  g_autofree double *t_random = g_new (double, cfg->reps);
  g_autofree double *t_causal = g_new (double, cfg->reps);
  g_autofree double *t_build = g_new (double, cfg->reps);
  g_autofree char *size = size_str ("%u sessions x %u msgs", cfg->w3_sessions, cfg->w3_messages);
  guint n_received = cfg->w3_sessions * (cfg->w3_sessions - 1) * cfg->w3_messages;
  gboolean converged = TRUE;

  for (guint pass = 0; pass < 2; pass++)
    for (guint r = 0; r <= cfg->reps; r++)
      {
        gboolean causal = pass == 1;
        W3World w;
        g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
        double t0, t1;

        t0 = now_s ();
        w3_build (cfg, &w);
        t1 = now_s ();
        if (r > 0 && !causal)
          t_build[r - 1] = t1 - t0;
        for (guint s = 0; s < w.n; s++)
          g_ptr_array_add (orders, w3_order (&w, s, causal, rand));

        t0 = now_s ();
        for (guint s = 0; s < w.n; s++)
          {
            GPtrArray *order = g_ptr_array_index (orders, s);

            for (guint i = 0; i < order->len; i++)
              receive_or_fail (b, w.reps[s], g_ptr_array_index (order, i));
          }
        t1 = now_s ();
        if (r > 0)
          (causal ? t_causal : t_random)[r - 1] = t1 - t0;

        {
          g_autofree char *first = graph_of (w.reps[0]);

          for (guint s = 1; s < w.n; s++)
            {
              g_autofree char *g = graph_of (w.reps[s]);

              if (strcmp (g, first) != 0)
                {
                  g_printerr ("vrtc bench: W3: replica s%u differs from s0\n", s);
                  converged = FALSE;
                }
            }
        }
        w3_free (&w);
      }

  trace ("W3 full shuffle", t_random, cfg->reps);
  trace ("W3 interleaving", t_causal, cfg->reps);
  emit (b, &(Figure) {
    .workload = "W3", .metric = "w3.random.rate", .label = "merge, any order (full shuffle)",
    .size = size, .value = n_received / median (t_random, cfg->reps), .unit = "msg/s",
    .better = "higher", .n = cfg->reps, .target_op = TARGET_GE, .target = 500000,
    .note = "every replica receives the other 7 sessions' messages completely shuffled; "
            "peers need causal delivery, so they only run the row below" });
  emit (b, &(Figure) {
    .workload = "W3", .metric = "w3.causal.rate", .label = "merge, random interleaving",
    .size = size, .value = n_received / median (t_causal, cfg->reps), .unit = "msg/s",
    .better = "higher", .n = cfg->reps, .target_op = TARGET_GE, .target = 500000,
    .note = "sessions interleaved at random, each session's own messages in order" });
  emit (b, &(Figure) {
    .workload = "W3", .metric = "w3.local.rate", .label = "the sessions' local commits",
    .size = size, .value = cfg->w3_sessions * cfg->w3_messages / median (t_build, cfg->reps),
    .unit = "msg/s", .better = "higher", .n = cfg->reps });
  emit (b, &(Figure) {
    .workload = "W3", .metric = "w3.converged", .label = "identical canonical JSON, all runs",
    .size = size, .value = converged ? 1 : 0, .unit = "bool", .better = "higher",
    .n = 2 * (cfg->reps + 1), .target_op = TARGET_GE, .target = 1 });
  if (!converged)
    b->failed = TRUE;
}

/* ---- W4: crdt-benchmarks B3.1 and C1.2 ---- */

/* sessions sessions each commit one number.set from a fresh replica: on "v" (same) or on
 * "p<i>" (distinct), on the root. */
static GPtrArray *
w4_messages (guint    sessions,
             gboolean same_property)
{
  GPtrArray *msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);

  for (guint i = 0; i < sessions; i++)
    {
      g_autofree char *name = g_strdup_printf ("c%u", i);
      g_autofree char *path = same_property ? g_strdup ("v") : g_strdup_printf ("p%u", i);
      VrtcEngine *e = vrtc_engine_new (name);
      VrtcOperation op;

      op_borrowed (&op, "scene", "number.set", path);
      vrtc_value_set_number (&op.value, i);
      vrtc_engine_edit (e, &op);
      g_ptr_array_add (msgs, vrtc_engine_commit (e, BASE_TS + i));
      vrtc_engine_free (e);
    }
  return msgs;
}

static void
run_w4_one (Bench       *b,
            const char  *name,
            guint        sessions,
            gboolean     same_property,
            double       target_ms)
{
  const BenchConfig *cfg = b->cfg;
  g_autoptr(GPtrArray) msgs = w4_messages (sessions, same_property);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  guint reps = MAX (cfg->reps, 5);
  g_autofree double *t_mem = g_new (double, reps);
  g_autofree double *t_json = g_new (double, reps);
  g_autofree char *size = size_str ("%u sessions", sessions);
  g_autofree char *metric_mem = g_strdup_printf ("w4.%s.mem.time", name);
  g_autofree char *metric_json = g_strdup_printf ("w4.%s.wire.time", name);
  g_autofree char *label_mem = g_strdup_printf ("%s merge into a fresh replica, from memory",
                                                strcmp (name, "b31") == 0 ? "B3.1" : "C1.2");
  g_autofree char *label_json = g_strdup_printf ("%s merge into a fresh replica, from the wire",
                                                 strcmp (name, "b31") == 0 ? "B3.1" : "C1.2");

  for (guint i = 0; i < msgs->len; i++)
    {
      GString *s = g_string_new (NULL);

      vrtc_codec_write_message (g_ptr_array_index (msgs, i), VRTC_DIALECT_SEED, s);
      g_ptr_array_add (texts, g_string_free (s, FALSE));
    }

  for (guint r = 0; r <= reps; r++)
    {
      VrtcEngine *e = vrtc_engine_new ("merge");
      double t0 = now_s ();

      for (guint i = 0; i < msgs->len; i++)
        receive_or_fail (b, e, g_ptr_array_index (msgs, i));
      if (r > 0)
        t_mem[r - 1] = now_s () - t0;
      vrtc_engine_free (e);

      e = vrtc_engine_new ("merge");
      t0 = now_s ();
      for (guint i = 0; i < texts->len; i++)
        {
          VrtcMessage *m = vrtc_codec_parse_message (g_ptr_array_index (texts, i), -1, NULL);

          receive_or_fail (b, e, m);
          vrtc_msg_unref (m);
        }
      if (r > 0)
        t_json[r - 1] = now_s () - t0;
      if (r == reps && same_property)
        {
          const VrtcValue *v = vrtc_engine_get_property (e, "scene", "v");

          /* highest stamp: lamport 1 everywhere, so the bytewise-greatest session wins */
          if (v == NULL || v->kind != VRTC_VALUE_NUMBER)
            {
              g_printerr ("vrtc bench: W4: no value after the merge\n");
              b->failed = TRUE;
            }
        }
      vrtc_engine_free (e);
    }

  trace (metric_mem, t_mem, reps);
  trace (metric_json, t_json, reps);
  emit (b, &(Figure) {
    .workload = "W4", .metric = metric_mem, .label = label_mem, .size = size,
    .value = 1000 * median (t_mem, reps), .unit = "ms", .better = "lower", .n = reps,
    .target_op = TARGET_LE, .target = target_ms,
    .note = "ours: VrtcMessage structs; peers: each session's encoded update applied "
            "one by one (their only form)" });
  emit (b, &(Figure) {
    .workload = "W4", .metric = metric_json, .label = label_json, .size = size,
    .value = 1000 * median (t_json, reps), .unit = "ms", .better = "lower", .n = reps,
    .target_op = TARGET_LE, .target = target_ms,
    .note = "ours: JSON text per message; peers: the same per-update binary apply" });
}

static void
run_w4 (Bench *b)
{
  run_w4_one (b, "b31", b->cfg->b31_sessions, TRUE, 5);
  run_w4_one (b, "c12", b->cfg->c12_sessions, FALSE, 50);
}

/* ---- W5: undo ---- */

static void
run_w5 (Bench *b)
{
  const BenchConfig *cfg = b->cfg;
  guint n = cfg->w5_undos, warm = MAX (n / 10, 5);
  g_autofree double *t_undo = g_new (double, n);
  g_autofree double *t_redo = g_new (double, n);
  g_autofree double *t_any = g_new (double, n);
  g_autofree char *size = NULL;
  g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) cfg->seed + 5);
  VrtcEngine *e = build_w1 (cfg->w1_commits, msgs, NULL);
  guint journal = vrtc_engine_journal_length (e);
  double ts = BASE_TS + 1e6;

  size = size_str ("journal of %u entries", journal + 1);

  /* undo() again and again: each undoes the next older commit (a different message and
   * register each time), as a user pressing Ctrl+Z repeatedly; then redo() as often */
  for (guint i = 0; i < warm + n; i++)
    {
      double t0 = now_s ();
      VrtcMessage *m = vrtc_engine_undo (e, ts++);
      double t1 = now_s ();

      vrtc_msg_unref (m);
      if (i >= warm)
        t_undo[i - warm] = t1 - t0;
    }
  for (guint i = 0; i < warm + n; i++)
    {
      double t0 = now_s ();
      VrtcMessage *m = vrtc_engine_redo (e, ts++);
      double t1 = now_s ();

      vrtc_msg_unref (m);
      if (i < n)
        t_redo[i] = t1 - t0;
    }
  /* the timeline's "undo this message": random messages of the 100,000 */
  for (guint i = 0; i < n; i++)
    {
      VrtcMessage *target = g_ptr_array_index (msgs, 1 + g_rand_int_range (rand, 0, (gint32) msgs->len - 1));
      double t0 = now_s ();
      VrtcMessage *m = vrtc_engine_undo_message (e, target->id, FALSE, ts++, NULL);
      double t1 = now_s ();

      if (m != NULL)
        vrtc_msg_unref (m);
      t_any[i] = t1 - t0;
    }
  vrtc_engine_free (e);

  emit (b, &(Figure) {
    .workload = "W5", .metric = "w5.undo.p50", .label = "one undo(), median",
    .size = size, .value = 1e6 * quantile (t_undo, n, 0.5), .unit = "us", .better = "lower", .n = n,
    .target_op = TARGET_LE, .target = 50,
    .note = "undo() repeated: each undoes the next older own commit; peers: UndoManager.undo()" });
  emit (b, &(Figure) {
    .workload = "W5", .metric = "w5.undo.p99", .label = "one undo(), p99",
    .size = size, .value = 1e6 * quantile (t_undo, n, 0.99), .unit = "us", .better = "lower", .n = n });
  emit (b, &(Figure) {
    .workload = "W5", .metric = "w5.redo.p50", .label = "one redo(), median",
    .size = size, .value = 1e6 * quantile (t_redo, n, 0.5), .unit = "us", .better = "lower", .n = n,
    .note = "redo() after those undos, as often" });
  emit (b, &(Figure) {
    .workload = "W5", .metric = "w5.undo_any.p50", .label = "undo a random message by id, median",
    .size = size, .value = 1e6 * quantile (t_any, n, 0.5), .unit = "us", .better = "lower", .n = n,
    .note = "vrtc_engine_undo_message on random messages of W1 (the timeline's context menu)" });
}

/* ---- W6: history ---- */

/* What one history position costs to look at: the root's children, then every property of
 * 10 random nodes. Returns a checksum so nothing is skipped. */
static double
w6_read (VrtcEngine *view,
         GRand      *rand)
{
  double sum = 0;
  guint n = vrtc_engine_get_n_children (view, "scene");

  for (guint i = 0; i < n; i++)
    sum += strlen (vrtc_engine_get_child (view, "scene", i));
  for (guint k = 0; k < 10; k++)
    {
      const char *key = node_keys[g_rand_int_range (rand, 0, N_NODES)];
      g_autoptr(GPtrArray) paths = vrtc_engine_list_properties (view, key);

      for (guint i = 0; paths != NULL && i < paths->len; i++)
        {
          const VrtcValue *v = vrtc_engine_get_property (view, key, g_ptr_array_index (paths, i));

          if (v != NULL && v->kind == VRTC_VALUE_NUMBER)
            sum += v->u.num;
          else if (v != NULL && v->kind == VRTC_VALUE_VEC)
            sum += v->u.vec[0];
        }
    }
  return sum;
}

static void
run_w6 (Bench *b)
{
  const BenchConfig *cfg = b->cfg;
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) cfg->seed + 6);
  VrtcEngine *e = build_w1 (cfg->w1_commits, NULL, NULL);
  guint len = vrtc_engine_journal_length (e);
  guint n = cfg->w6_positions, ng = cfg->w6_graph_positions, nr = cfg->w6_replay_positions;
  g_autofree double *t_view = g_new (double, n);
  g_autofree double *t_graph = g_new (double, ng);
  g_autofree double *t_replay = g_new (double, nr);
  g_autofree char *size = size_str ("%u random positions of a %u-entry journal", n, len);
  g_autofree char *size_g = size_str ("%u random positions of a %u-entry journal", ng, len);
  g_autofree char *size_r = size_str ("%u random positions of a %u-entry journal", nr, len);
  gboolean same = TRUE;
  volatile double sink = 0;

  /* warm-up */
  for (guint i = 0; i < MIN (n, 50u); i++)
    {
      VrtcEngine *v = vrtc_engine_new_view (e, (guint) g_rand_int_range (rand, 0, (gint32) len));

      sink += w6_read (v, rand);
      vrtc_engine_free (v);
    }

  for (guint i = 0; i < n; i++)
    {
      guint pos = (guint) g_rand_int_range (rand, 0, (gint32) len);
      double t0 = now_s ();
      VrtcEngine *v = vrtc_engine_new_view (e, pos);

      sink += w6_read (v, rand);
      vrtc_engine_free (v);
      t_view[i] = now_s () - t0;
    }

  for (guint i = 0; i < ng; i++)
    {
      guint pos = (guint) g_rand_int_range (rand, 0, (gint32) len);
      GString *out = g_string_new (NULL);
      double t0 = now_s ();
      VrtcEngine *v = vrtc_engine_new_view (e, pos);

      vrtc_engine_write_graph (v, out);
      vrtc_engine_free (v);
      t_graph[i] = now_s () - t0;
      g_string_free (out, TRUE);
    }

  for (guint i = 0; i < nr; i++)
    {
      guint pos = (guint) g_rand_int_range (rand, 0, (gint32) len);
      double t0 = now_s ();
      VrtcEngine *at = vrtc_engine_new_at (e, pos);
      double t1 = now_s ();

      t_replay[i] = t1 - t0;
      /* the view must say exactly what a replay says */
      if (i < 5)
        {
          VrtcEngine *v = vrtc_engine_new_view (e, pos);
          g_autofree char *gv = graph_of (v);
          g_autofree char *ga = graph_of (at);

          if (strcmp (gv, ga) != 0)
            {
              g_printerr ("vrtc bench: W6: the view at %u differs from a replay\n", pos);
              same = FALSE;
            }
          vrtc_engine_free (v);
        }
      vrtc_engine_free (at);
    }
  vrtc_engine_free (e);
  (void) sink;

  {
    double p50 = quantile (t_view, n, 0.5), p99 = quantile (t_view, n, 0.99);
    double g50 = quantile (t_graph, ng, 0.5), g99 = quantile (t_graph, ng, 0.99);
    double r50 = quantile (t_replay, nr, 0.5), r99 = quantile (t_replay, nr, 0.99);
    const char *read_note = "new_view + the root's 1,000 children + every property of 10 "
                            "random nodes; peers: Automerge view(heads), Loro "
                            "checkout(frontiers), Yjs createDocFromSnapshot (gc off), same reads";

    emit (b, &(Figure) {
      .workload = "W6", .metric = "w6.read.p50", .label = "state at a position: p50",
      .size = size, .value = 1e3 * p50, .unit = "ms", .better = "lower", .n = n,
      .target_op = TARGET_LE, .target = 1, .note = read_note });
    emit (b, &(Figure) {
      .workload = "W6", .metric = "w6.read.p99", .label = "state at a position: p99",
      .size = size, .value = 1e3 * p99, .unit = "ms", .better = "lower", .n = n,
      .target_op = TARGET_LE, .target = 5, .note = read_note });
    emit (b, &(Figure) {
      .workload = "W6", .metric = "w6.graph.p50", .label = "full canonical JSON at a position: p50",
      .size = size_g, .value = 1e3 * g50, .unit = "ms", .better = "lower", .n = ng,
      .note = "ours: new_view + write_graph; peers: view/checkout/snapshot + toJSON" });
    emit (b, &(Figure) {
      .workload = "W6", .metric = "w6.graph.p99", .label = "full canonical JSON at a position: p99",
      .size = size_g, .value = 1e3 * g99, .unit = "ms", .better = "lower", .n = ng });
    emit (b, &(Figure) {
      .workload = "W6", .metric = "w6.replay.p50", .label = "baseline: vrtc_engine_new_at replay, p50",
      .size = size_r, .value = 1e3 * r50, .unit = "ms", .better = "lower", .n = nr });
    emit (b, &(Figure) {
      .workload = "W6", .metric = "w6.replay.p99", .label = "baseline: vrtc_engine_new_at replay, p99",
      .size = size_r, .value = 1e3 * r99, .unit = "ms", .better = "lower", .n = nr });
    emit (b, &(Figure) {
      .workload = "W6", .metric = "w6.same", .label = "view graph == replay graph",
      .size = size_r, .value = same ? 1 : 0, .unit = "bool", .better = "higher",
      .n = MIN (nr, 5u), .target_op = TARGET_GE, .target = 1 });
  }
  if (!same)
    b->failed = TRUE;
}

/* ---- W7: a big scene ---- */

/* The 10 properties of node i: 3 vector3, 3 numbers, 2 strings, 2 colors. */
static void
w7_props (guint      i,
          VrtcValue *out)
{
  static const char *const materials[] = { "metal", "wood", "glass", "plastic", "stone" };
  VrtcMember *m = g_new0 (VrtcMember, 10);
  double pos[3] = { i % 100, (i / 100) % 100, i / 10000 };
  double rot[3] = { 0, (i % 360) * G_PI / 180, 0 };
  double scale[3] = { 1, 1 + (i % 3) * 0.5, 1 };

  m[0].key = g_strdup ("transform.position");
  vrtc_value_set_vec (&m[0].value, pos, 3);
  m[1].key = g_strdup ("transform.rotation");
  vrtc_value_set_vec (&m[1].value, rot, 3);
  m[2].key = g_strdup ("transform.scale");
  vrtc_value_set_vec (&m[2].value, scale, 3);
  m[3].key = g_strdup ("opacity");
  vrtc_value_set_number (&m[3].value, (i % 10) / 10.0);
  m[4].key = g_strdup ("intensity");
  vrtc_value_set_number (&m[4].value, i * 0.25);
  m[5].key = g_strdup ("roughness");
  vrtc_value_set_number (&m[5].value, (i % 7) / 7.0);
  m[6].key = g_strdup ("material");
  vrtc_value_set_string (&m[6].value, materials[i % G_N_ELEMENTS (materials)]);
  m[7].key = g_strdup ("label");
  vrtc_value_take_string (&m[7].value, g_strdup_printf ("Object %u", i));
  m[8].key = g_strdup ("color");
  vrtc_value_take_string (&m[8].value, g_strdup_printf ("#%06x", (i * 2654435761u) & 0xffffff));
  m[9].key = g_strdup ("emissive");
  vrtc_value_take_string (&m[9].value, g_strdup_printf ("#%06x", (i * 40503u) & 0xffffff));
  vrtc_value_take_object (out, m, 10);
}

static char *
w7_path (const BenchConfig *cfg,
         const char        *name)
{
  return g_build_filename (cfg->tmpdir, name, NULL);
}

static gboolean
w7_write_chunk (GString  *out,
                gpointer  user_data)
{
  if (fwrite (out->str, 1, out->len, user_data) != out->len)
    return FALSE;
  g_string_truncate (out, 0);
  return TRUE;
}

/* Writes the snapshot (graph_only: the graph) to path a megabyte at a time, as
 * vrtc_store_save_snapshot does; FALSE with errno set on error. */
static gboolean
w7_write_file (VrtcEngine *e,
               const char *path,
               gboolean    graph_only)
{
  g_autoptr(GString) buf = g_string_sized_new (1 << 20);
  FILE *f = fopen (path, "w");
  gboolean ok;

  if (f == NULL)
    return FALSE;
  ok = graph_only ? vrtc_engine_write_graph_chunked (e, buf, 1 << 20, w7_write_chunk, f)
                  : vrtc_engine_write_snapshot_chunked (e, buf, 1 << 20, w7_write_chunk, f);
  return fclose (f) == 0 && ok;
}

/* Builds the scene with one node.insert (10 initial properties) per commit, writes the
 * snapshot and the graph for the load step. Peak RSS comes from the parent (wait4). */
static void
run_w7_build (Bench *b)
{
  const BenchConfig *cfg = b->cfg;
  guint n = cfg->w7_nodes;
  VrtcEngine *e = vrtc_engine_new ("bench-w7");
  g_autofree char *snap_path = w7_path (cfg, "w7-snapshot.json");
  g_autofree char *graph_path = w7_path (cfg, "w7-graph.json");
  g_autofree char *size = size_str ("%u nodes x 10 properties", n);
  g_autoptr(GError) error = NULL;
  VrtcOperation op;
  double t0, t_build, t_snap, rss_state;
  GStatBuf st = { 0 };

  node_keys_init (n);
  op_borrowed (&op, NULL, "node.insert", "");
  op.parent_key = (char *) "scene";
  op.tag = (char *) "Mesh";
  t0 = now_s ();
  for (guint i = 0; i < n; i++)
    {
      op.key = node_keys[i];
      w7_props (i, &op.value);
      vrtc_engine_edit (e, &op);
      vrtc_msg_unref (vrtc_engine_commit (e, BASE_TS + i));
    }
  t_build = now_s () - t0;
  vrtc_value_clear (&op.value);
  malloc_trim (0);   /* what the replica holds, not what malloc kept of freed blocks */
  rss_state = proc_status_mb ("VmRSS");

  t0 = now_s ();
  if (!w7_write_file (e, snap_path, FALSE) || g_stat (snap_path, &st) != 0)
    {
      g_printerr ("vrtc bench: W7: %s: %s\n", snap_path, g_strerror (errno));
      b->failed = TRUE;
    }
  t_snap = now_s () - t0;
  if (!w7_write_file (e, graph_path, TRUE))
    {
      g_printerr ("vrtc bench: W7: %s: %s\n", graph_path, g_strerror (errno));
      b->failed = TRUE;
    }

  emit (b, &(Figure) {
    .workload = "W7", .metric = "w7.build.rate", .label = "build: one node.insert (10 props) per commit",
    .size = size, .value = n / t_build, .unit = "msg/s", .better = "higher", .n = 1 });
  emit (b, &(Figure) {
    .workload = "W7", .metric = "w7.build.rss_state", .label = "RSS after building (journal kept)",
    .size = size, .value = rss_state, .unit = "MB", .better = "lower", .n = 1,
    .note = "ours: the engine keeps every message of the journal too; peers: the same "
            "document built with one transaction per node" });
  emit (b, &(Figure) {
    .workload = "W7", .metric = "w7.snapshot.bytes", .label = "snapshot size",
    .size = size, .value = st.st_size / 1e6, .unit = "MB", .better = "lower", .n = 1,
    .note = "ours: snapshot JSON (graph + per-register stamps); peers: Y.encodeStateAsUpdate, "
            "Automerge.save, Loro export(snapshot)" });
  emit (b, &(Figure) {
    .workload = "W7", .metric = "w7.snapshot.write", .label = "write the snapshot file",
    .size = size, .value = 1e3 * t_snap, .unit = "ms", .better = "lower", .n = 1,
    .note = "vrtc_engine_write_snapshot_chunked, a megabyte at a time, as "
            "vrtc_store_save_snapshot writes it" });
  vrtc_engine_free (e);
}

/* Maps the snapshot file and streams it into a fresh engine; NULL (reported) on error. */
static VrtcEngine *
w7_load_file (Bench      *b,
              const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);
  VrtcEngine *e = vrtc_engine_new ("bench-w7-load");

  if (file == NULL || !vrtc_snapshot_init_engine_mapped (e, file, NULL, 0, &error))
    {
      g_printerr ("vrtc bench: W7: %s (run the W7 build first)\n", error->message);
      b->failed = TRUE;
      g_clear_pointer (&e, vrtc_engine_free);
    }
  return e;
}

static void
run_w7_load (Bench *b)
{
  const BenchConfig *cfg = b->cfg;
  g_autofree char *snap_path = w7_path (cfg, "w7-snapshot.json");
  g_autofree char *graph_path = w7_path (cfg, "w7-graph.json");
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *size = NULL;
  g_autoptr(GError) error = NULL;
  guint reps = MAX (cfg->reps, 3);
  g_autofree double *t_load = g_new (double, reps);
  g_autofree double *t_text = g_new (double, reps);
  g_autofree double *t_parse = g_new (double, reps);
  gsize len;
  gboolean same = FALSE;
  double rss_state = NAN, rss_peak = NAN;

  /* r == 0: the cold load, which is also the warm-up; the memory figures come from it,
   * before later repetitions can leave freed-but-kept heap behind, and before the text is
   * read into memory for the other two ways of loading */
  for (guint r = 0; r <= reps; r++)
    {
      double t0 = now_s (), t1;
      VrtcEngine *e = w7_load_file (b, snap_path);

      if (e == NULL)
        return;
      t1 = now_s ();
      if (r > 0)
        t_load[r - 1] = t1 - t0;
      else
        {
          g_autofree char *g = NULL;

          rss_peak = proc_status_mb ("VmHWM");
          malloc_trim (0);
          rss_state = proc_status_mb ("VmRSS");
          /* the expected graph is the bench's, read after the memory figures */
          if (!g_file_get_contents (graph_path, &expected, NULL, &error))
            {
              g_printerr ("vrtc bench: W7: %s (run the W7 build first)\n", error->message);
              b->failed = TRUE;
              vrtc_engine_free (e);
              return;
            }
          g = graph_of (e);
          same = strcmp (g, expected) == 0;
        }
      vrtc_engine_free (e);
    }

  if (!g_file_get_contents (snap_path, &text, &len, &error))
    {
      g_printerr ("vrtc bench: W7: %s\n", error->message);
      b->failed = TRUE;
      return;
    }
  size = size_str ("%.1f MB snapshot JSON, %u nodes x 10 properties", len / 1e6, cfg->w7_nodes);
  /* the same text already in memory (as received from the wire), streamed */
  for (guint r = 0; r < reps; r++)
    {
      VrtcEngine *e = vrtc_engine_new ("bench-w7-load");
      double t0 = now_s ();

      if (!vrtc_snapshot_init_engine (e, text, (gssize) len, NULL, 0, &error))
        {
          g_printerr ("vrtc bench: W7: %s\n", error->message);
          b->failed = TRUE;
          vrtc_engine_free (e);
          return;
        }
      t_text[r] = now_s () - t0;
      vrtc_engine_free (e);
    }
  /* the baseline, in the same process: the whole text parsed into one value first */
  for (guint r = 0; r < reps; r++)
    {
      VrtcValue snapshot = VRTC_VALUE_INIT;
      VrtcEngine *e = vrtc_engine_new ("bench-w7-load");
      double t0 = now_s (), t1, t2;

      if (!vrtc_codec_parse_value (text, (gssize) len, &snapshot, &error) ||
          !vrtc_engine_init_from_server (e, &snapshot, NULL, 0, &error))
        {
          g_printerr ("vrtc bench: W7: %s\n", error->message);
          b->failed = TRUE;
          vrtc_value_clear (&snapshot);
          vrtc_engine_free (e);
          return;
        }
      t1 = now_s ();
      vrtc_value_clear (&snapshot);
      t2 = now_s ();
      t_parse[r] = t1 - t0 + (t2 - t1);
      vrtc_engine_free (e);
    }
  g_unlink (snap_path);
  g_unlink (graph_path);

  trace ("W7 load", t_load, reps);
  emit (b, &(Figure) {
    .workload = "W7", .metric = "w7.load.time", .label = "load the snapshot file",
    .size = size, .value = 1e3 * median (t_load, reps), .unit = "ms", .better = "lower",
    .n = reps, .target_op = TARGET_LE, .target = 1000,
    .note = "vrtc_snapshot_new_from_file + vrtc_store_init_from_server's path: the file is "
            "mapped and streamed into the engine one key at a time, pages behind the reader "
            "given back; peers: Y.applyUpdate into a fresh doc, Automerge.load, LoroDoc import "
            "(from bytes in memory)" });
  emit (b, &(Figure) {
    .workload = "W7", .metric = "w7.load.text", .label = "load the snapshot from text in memory",
    .size = size, .value = 1e3 * median (t_text, reps), .unit = "ms", .better = "lower",
    .n = reps,
    .note = "vrtc_snapshot_init_engine on the text, as a state frame from the wire is loaded" });
  emit (b, &(Figure) {
    .workload = "W7", .metric = "w7.load.value", .label = "baseline: parse to one value, then load it",
    .size = size, .value = 1e3 * median (t_parse, reps), .unit = "ms", .better = "lower",
    .n = reps,
    .note = "vrtc_codec_parse_value + init_from_server, the path before streaming, same process" });
  emit (b, &(Figure) {
    .workload = "W7", .metric = "w7.load.rss", .label = "peak RSS, loading the snapshot file",
    .size = size, .value = rss_peak, .unit = "MB", .better = "lower", .n = 1,
    .target_op = TARGET_LE, .target = 150,
    .note = "VmHWM right after the first load, in a child process that ran only this step "
            "(mapped pages of the file included); peers: VmHWM of a separate node process "
            "that read the snapshot bytes into memory" });
  emit (b, &(Figure) {
    .workload = "W7", .metric = "w7.load.rss_state", .label = "RSS of the loaded replica",
    .size = size, .value = rss_state, .unit = "MB", .better = "lower", .n = 1,
    .note = "VmRSS after the first load (malloc_trim); peers: the same after a full GC" });
  emit (b, &(Figure) {
    .workload = "W7", .metric = "w7.load.same", .label = "loaded graph == builder's graph",
    .size = size, .value = same ? 1 : 0, .unit = "bool", .better = "higher", .n = 1,
    .target_op = TARGET_GE, .target = 1 });
  if (!same)
    b->failed = TRUE;
}

/* ---- W8: the relay ---- */

static void
run_w8 (Bench *b)
{
  const BenchConfig *cfg = b->cfg;
  const guint window = 8;
  VrtcBenchRelayFigures one = { 0 }, many = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *size1 = NULL, *size = NULL;
  gboolean ok;

  ok = vrtc_bench_relay (cfg->w8_clients, window, cfg->w8_seconds / 3, cfg->w8_seconds,
                         &one, &many, &error);
  if (!ok)
    {
      g_printerr ("vrtc bench: W8: %s\n", error->message);
      b->failed = TRUE;
      if (many.n_clients == 0)
        return;
    }
  size1 = size_str ("1 client, window %u, %.0f s", window, one.seconds);
  size = size_str ("%u clients in one room, window %u, %.0f s", many.n_clients, window,
                   many.seconds);
  emit (b, &(Figure) {
    .workload = "W8", .metric = "w8.one.acked", .label = "relay: acked messages, one client",
    .size = size1, .value = one.acked_per_s, .unit = "msg/s", .better = "higher", .n = 1,
    .note = "the real vrtc-relay (a child process, SQLite in WAL mode, acked once committed) "
            "on 127.0.0.1; the clients are VrtcStore + VrtcClient in the bench process" });
  emit (b, &(Figure) {
    .workload = "W8", .metric = "w8.one.p50", .label = "relay: commit to ack, one client, p50",
    .size = size1, .value = one.ack_p50_ms, .unit = "ms", .better = "lower", .n = 1 });
  emit (b, &(Figure) {
    .workload = "W8", .metric = "w8.acked", .label = "relay: acked messages, all clients",
    .size = size, .value = many.acked_per_s, .unit = "msg/s", .better = "higher", .n = 1 });
  emit (b, &(Figure) {
    .workload = "W8", .metric = "w8.delivered", .label = "relay: broadcasts applied by peers",
    .size = size, .value = many.delivered_per_s, .unit = "msg/s", .better = "higher", .n = 1,
    .note = "each message is broadcast to every other client of the room" });
  emit (b, &(Figure) {
    .workload = "W8", .metric = "w8.p50", .label = "relay: commit to ack, p50",
    .size = size, .value = many.ack_p50_ms, .unit = "ms", .better = "lower", .n = 1 });
  emit (b, &(Figure) {
    .workload = "W8", .metric = "w8.p99", .label = "relay: commit to ack, p99",
    .size = size, .value = many.ack_p99_ms, .unit = "ms", .better = "lower", .n = 1 });
  emit (b, &(Figure) {
    .workload = "W8", .metric = "w8.same", .label = "relay: every replica's graph identical",
    .size = size, .value = many.converged ? 1 : 0, .unit = "bool", .better = "higher", .n = 1,
    .target_op = TARGET_GE, .target = 1 });
}

/* ---- the driver: one child process per job ---- */

typedef struct {
  const char *workload;     /* what --workload selects */
  const char *job;
  void      (*run) (Bench *b);
  const char *rss_metric;   /* nullable: the peak RSS is a figure with a target */
  const char *rss_label;
} BenchJob;

static const BenchJob jobs[] = {
  { "W1", "W1", run_w1, NULL, NULL },
  { "W2", "W2", run_w2, NULL, NULL },
  { "W3", "W3", run_w3, NULL, NULL },
  { "W4", "W4", run_w4, NULL, NULL },
  { "W5", "W5", run_w5, NULL, NULL },
  { "W6", "W6", run_w6, NULL, NULL },
  { "W7", "W7-build", run_w7_build, "w7.build.rss", "peak RSS, building (journal kept)" },
  { "W7", "W7-load", run_w7_load, NULL, NULL },
  { "W8", "W8", run_w8, NULL, NULL },
};

/* Runs a job in a child; appends its JSON lines (and its peak RSS) to out. */
static gboolean
run_job (const BenchConfig *cfg,
         const BenchJob    *job,
         GString           *out)
{
  int fds[2];
  pid_t pid;
  int status = 0;
  struct rusage usage;
  char buf[4096];
  ssize_t got;
  double t0 = now_s ();
  GString *mine = g_string_new (NULL);
  gboolean ok;

  if (pipe (fds) != 0)
    {
      g_printerr ("vrtc bench: pipe: %s\n", g_strerror (errno));
      return FALSE;
    }
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    {
      g_printerr ("vrtc bench: fork: %s\n", g_strerror (errno));
      return FALSE;
    }
  if (pid == 0)
    {
      Bench b = { cfg, g_string_new (NULL), FALSE };
      gsize done = 0;

      close (fds[0]);
      /* Keep freed memory in the process: otherwise glibc gives the heap back after each
       * repetition and the next one pays the page faults again (expensive and erratic on
       * this VM), so repetitions measured the kernel more than the engine. The first,
       * cold run of a workload in a fresh process is reported separately where it matters
       * (W1 cold). */
      if (!cfg->cold_heap)
        {
          mallopt (M_TRIM_THRESHOLD, 1 << 30);
          mallopt (M_MMAP_THRESHOLD, 1 << 30);
        }
      job->run (&b);
      while (done < b.out->len)
        {
          ssize_t w = write (fds[1], b.out->str + done, b.out->len - done);

          if (w <= 0 && errno != EINTR)
            break;
          if (w > 0)
            done += (gsize) w;
        }
      close (fds[1]);
      _exit (b.failed ? 1 : 0);
    }

  close (fds[1]);
  while ((got = read (fds[0], buf, sizeof buf)) != 0)
    {
      if (got < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      g_string_append_len (mine, buf, got);
    }
  close (fds[0]);
  while (wait4 (pid, &status, 0, &usage) < 0 && errno == EINTR)
    ;
  ok = WIFEXITED (status) && WEXITSTATUS (status) == 0;
  if (!ok)
    g_printerr ("vrtc bench: %s failed (%s %d)\n", job->job,
                WIFEXITED (status) ? "exit status" : "signal",
                WIFEXITED (status) ? WEXITSTATUS (status) : WTERMSIG (status));

  {
    Bench b = { cfg, mine, FALSE };
    double rss = usage.ru_maxrss / 1024.0;
    g_autofree char *metric = g_strdup_printf ("rss.%s", job->job);
    g_autofree char *size = g_strdup_printf ("%.1f s of wall time", now_s () - t0);
    g_autofree char *w7_size = g_strdup_printf ("%u nodes x 10 properties", cfg->w7_nodes);

    if (job->rss_metric != NULL)
      emit (&b, &(Figure) {
        .workload = job->workload, .metric = job->rss_metric, .label = job->rss_label,
        .size = w7_size, .value = rss,
        .unit = "MB", .better = "lower", .n = 1, .target_op = TARGET_LE, .target = 150,
        .note = "getrusage ru_maxrss of the child process that ran only this step; "
                "peers: VmHWM of a separate node process doing the same" });
    else
      emit (&b, &(Figure) {
        .workload = job->workload, .metric = metric, .label = "peak RSS of this workload's process",
        .size = size, .value = rss, .unit = "MB", .better = "none", .n = 1 });
  }
  g_string_append (out, mine->str);
  g_string_free (mine, TRUE);
  return ok;
}

/* ---- the table ---- */

static const char *
fmt_value (double      v,
           const char *unit,
           char       *buf,
           gsize       size)
{
  if (!isfinite (v))
    return "n/a";
  if (strcmp (unit, "bool") == 0)
    return v >= 1 ? "yes" : "NO";
  if (strcmp (unit, "msg/s") == 0)
    {
      if (v >= 1e6)
        g_snprintf (buf, size, "%.2f M msg/s", v / 1e6);
      else
        g_snprintf (buf, size, "%.0f k msg/s", v / 1e3);
    }
  else if (fabs (v) >= 100)
    g_snprintf (buf, size, "%.0f %s", v, unit);
  else if (fabs (v) >= 10)
    g_snprintf (buf, size, "%.1f %s", v, unit);
  else
    g_snprintf (buf, size, "%.3g %s", v, unit);
  return buf;
}

static void
print_table (const char *jsonl)
{
  g_auto(GStrv) lines = g_strsplit (jsonl, "\n", -1);

  g_print ("%-4s %-46s %-44s %16s  %-22s %s\n", "", "workload", "size", "vrtc", "target", "");
  for (guint i = 0; lines[i] != NULL; i++)
    {
      VrtcValue v = VRTC_VALUE_INIT;
      const VrtcValue *f;
      char vbuf[64];
      const char *target = "", *pass = "";
      double value = NAN;

      if (lines[i][0] == '\0' || !vrtc_codec_parse_value (lines[i], -1, &v, NULL))
        continue;
      if (vrtc_value_object_get (&v, "label") == NULL)
        {
          vrtc_value_clear (&v);
          continue;
        }
      if ((f = vrtc_value_object_get (&v, "value")) && f->kind == VRTC_VALUE_NUMBER)
        value = f->u.num;
      if ((f = vrtc_value_object_get (&v, "target")) && f->kind == VRTC_VALUE_STRING)
        target = f->u.str;
      if ((f = vrtc_value_object_get (&v, "pass")) && f->kind == VRTC_VALUE_BOOL)
        pass = f->u.b ? "pass" : "MISS";
      else if (*target)
        pass = "(quick)";
      g_print ("%-4s %-46s %-44s %16s  %-22s %s\n",
               vrtc_value_object_get (&v, "workload")->u.str,
               vrtc_value_object_get (&v, "label")->u.str,
               vrtc_value_object_get (&v, "size")->u.str,
               fmt_value (value, vrtc_value_object_get (&v, "unit")->u.str, vbuf, sizeof vbuf),
               target, pass);
      vrtc_value_clear (&v);
    }
}

static gboolean
parse_workloads (const char *spec,
                 gboolean   *selected)
{
  g_auto(GStrv) parts = g_strsplit (spec, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *p = g_strstrip (parts[i]);

      if (g_ascii_strcasecmp (p, "all") == 0)
        {
          for (guint w = 1; w <= 8; w++)
            selected[w] = TRUE;
        }
      else if ((p[0] == 'W' || p[0] == 'w') && p[1] >= '1' && p[1] <= '8' && p[2] == '\0')
        selected[p[1] - '0'] = TRUE;
      else
        return FALSE;
    }
  return TRUE;
}

int
vrtc_tool_bench (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *workload = NULL;
  gboolean quick = FALSE, json = FALSE, cold_heap = FALSE;
  gint reps = 0;
  gint64 seed = 1;
  gboolean selected[9] = { FALSE };
  BenchConfig cfg = { 0 };
  GString *out = g_string_new (NULL);
  gboolean ok = TRUE;
  const GOptionEntry entries[] = {
    { "workload", 'w', 0, G_OPTION_ARG_STRING, &workload,
      N_("W1 … W8, a comma-separated list, or “all” (the default)"), N_("W") },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
      N_("Smaller sizes, for a CI smoke run (targets are not judged)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object per figure and line instead of the table"), NULL },
    { "reps", 'n', 0, G_OPTION_ARG_INT, &reps,
      N_("Timed repetitions per figure, after one warm-up (default 5, quick 2)"), N_("N") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed,
      N_("Seed of the random orders and positions (default 1)"), N_("S") },
    { "cold-heap", 0, 0, G_OPTION_ARG_NONE, &cold_heap,
      N_("Let malloc give freed memory back between repetitions (each one then pays the "
         "page faults of a growing heap again)"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Print every repetition's time to standard error"), NULL },
    { NULL }
  };

  g_set_prgname ("vrtc bench");
  context = g_option_context_new (_("— run the performance workloads"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Runs the workloads of issue 6 on the engine, each in its own child process:\n"
      "W1 local commits, W2 receive, W3 concurrent merge, W4 crdt-benchmarks B3.1 and C1.2,\n"
      "W5 undo, W6 history positions, W7 a 100,000-node scene (memory and load),\n"
      "W8 the vrtc-relay server with clients on loopback.\n"
      "Times are medians of several runs after a warm-up, on the monotonic clock."));
  g_option_context_set_description (context,
    _("bench/run-all runs this with --json next to the same workloads on Yjs, Automerge\n"
      "and Loro (bench/peers/run.mjs) and prints one table with the ratios. The exit\n"
      "status is 1 when a workload fails or a convergence check fails, never because a\n"
      "performance target is missed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vrtc bench: %s\n", error->message);
      return VRTC_TOOL_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr (_("vrtc bench: unexpected argument “%s”\n"), argv[1]);
      return VRTC_TOOL_EXIT_USAGE;
    }
  if (!parse_workloads (workload ? workload : "all", selected) || reps < 0 || seed < 0)
    {
      g_printerr (_("vrtc bench: --workload takes W1 to W8, a comma-separated list, or all; "
                    "--reps and --seed must not be negative\n"));
      return VRTC_TOOL_EXIT_USAGE;
    }

  cfg.quick = quick;
  cfg.cold_heap = cold_heap;
  cfg.seed = (guint64) seed;
  cfg.reps = reps > 0 ? (guint) reps : quick ? 2 : 5;
  cfg.w1_commits = quick ? 10000 : 100000;
  cfg.w3_sessions = 8;
  cfg.w3_messages = quick ? 1000 : 10000;
  cfg.b31_sessions = 1540;
  cfg.c12_sessions = quick ? 3000 : 30000;
  cfg.w5_undos = quick ? 100 : 1000;
  cfg.w6_positions = quick ? 100 : 1000;
  cfg.w6_graph_positions = quick ? 20 : 200;
  cfg.w6_replay_positions = quick ? 3 : 20;
  cfg.w7_nodes = quick ? 10000 : 100000;
  cfg.w8_clients = quick ? 5 : 20;
  cfg.w8_seconds = quick ? 2 : 10;
  cfg.tmpdir = g_dir_make_tmp ("vrtc-bench-XXXXXX", &error);
  if (cfg.tmpdir == NULL)
    {
      g_printerr ("vrtc bench: %s\n", error->message);
      return VRTC_TOOL_EXIT_FAILURE;
    }
  node_keys_init (N_NODES);

  {
    g_autofree char *cpu = NULL;
    g_autofree char *cpuinfo = NULL;

    if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
      {
        char *p = strstr (cpuinfo, "model name");

        if (p && (p = strchr (p, ':')))
          cpu = g_strndup (p + 2, strcspn (p + 2, "\n"));
      }
    g_string_append (out, "{\"impl\":\"vrtc\",\"workload\":\"machine\",\"metric\":\"machine\",\"cpu\":");
    vrtc_json_write_string (out, cpu ? cpu : "unknown");
    {
      g_autofree char *load = loadavg ();

      g_string_append_printf (out, ",\"nproc\":%ld,\"quick\":%s,\"reps\":%u,\"version\":\"%s\","
                              "\"loadavg_start\":\"%s\"}\n",
                              sysconf (_SC_NPROCESSORS_ONLN), quick ? "true" : "false",
                              cfg.reps, PACKAGE_VERSION, load);
    }
  }

  for (guint j = 0; j < G_N_ELEMENTS (jobs); j++)
    {
      guint w = (guint) (jobs[j].workload[1] - '0');

      if (!selected[w])
        continue;
      if (!json)
        g_printerr ("vrtc bench: running %s…\n", jobs[j].job);
      if (!run_job (&cfg, &jobs[j], out))
        ok = FALSE;
      if (json)
        {
          g_print ("%s", out->str);
          g_string_truncate (out, 0);
        }
    }

  {
    g_autofree char *load = loadavg ();

    g_string_append_printf (out, "{\"impl\":\"vrtc\",\"workload\":\"machine\",\"metric\":\"loadavg\","
                            "\"loadavg_end\":\"%s\"}\n", load);
  }
  if (json)
    g_print ("%s", out->str);
  else
    print_table (out->str);
  g_string_free (out, TRUE);
  g_rmdir (cfg.tmpdir);
  g_free (cfg.tmpdir);
  return ok ? VRTC_TOOL_EXIT_OK : VRTC_TOOL_EXIT_FAILURE;
}
