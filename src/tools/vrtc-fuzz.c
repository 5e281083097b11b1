/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vrtc-codec.h"
#include "vrtc-engine.h"
#include "vrtc-optable.h"
#include "vrtc-tool.h"

/*
 * vrtc fuzz: random sessions edit a small scene concurrently; messages wait in per-replica
 * inboxes and are delivered in random order, some twice, some as a codec round trip of the
 * original. At the end every replica gets every message, and all canonical graphs must be
 * byte-identical (SEMANTICS.md 2).
 */

typedef enum {
  FUZZ_COMPACT_NEVER,
  FUZZ_COMPACT_STABLE,
  FUZZ_COMPACT_ANY,
} FuzzCompaction;

typedef struct {
  guint          replicas;
  guint          messages;
  guint          schedules;
  guint          start;
  guint64        seed;
  char          *out;
  gboolean       verbose;
  gboolean       no_codec;
  gboolean       no_rejoin;
  FuzzCompaction compaction;
} FuzzOptions;

typedef struct {
  char        *session;
  VrtcEngine  *engine;
  double       skew;            /* this replica's wall clock offset, ms */
  GPtrArray   *inbox;           /* VrtcMessage: waiting for delivery, maybe twice */
  GPtrArray   *arrivals;        /* VrtcMessage: in the order they entered the journal */
  GHashTable  *has;             /* message ids it applied (set, owns the keys) */
  GHashTable  *covered;         /* message ids inside a snapshot it joined from: a relay
                                 * never sends those again (set, owns the keys) */
  gboolean     pending;         /* has uncommitted edits */
  GString     *state_frame;     /* the `state` frame it rejoined from, or NULL */
  guint        n_frame_messages;  /* arrivals that came in that frame */
  char        *before_pending;  /* graph before the pending edits, NULL when not checked */
} FuzzReplica;

typedef struct {
  const FuzzOptions *opts;
  guint              number;
  GRand             *rand;
  FuzzReplica       *reps;
  guint              n_reps;
  GPtrArray         *all;       /* VrtcMessage: every message made, in creation order */
  double             now;       /* simulated wall clock, ms */
  GString           *failure;   /* empty while all is well */
  /* the first pair of replicas found to differ; n_reps stands for the reference */
  guint              left;
  guint              right;
  /* counters for --verbose */
  guint              n_deliveries;
  guint              n_duplicates;
  guint              n_compactions;
  guint              n_folded;
  guint              n_undos;
  guint              n_cancels;
  guint              n_roundtrips;
  guint              n_rejoins;
  gboolean           rejoined;    /* at most one rejoin per schedule */
  gboolean           no_undo;     /* see step_rejoin() */
} FuzzSchedule;

/* ---- randomness ---- */

static guint
pick (FuzzSchedule *s,
      guint         n)
{
  return n <= 1 ? 0 : (guint) g_rand_int_range (s->rand, 0, (gint32) n);
}

static gboolean
chance (FuzzSchedule *s,
        double        p)
{
  return g_rand_double (s->rand) < p;
}

#define PICK(s, array) ((array)[pick ((s), G_N_ELEMENTS (array))])

static const char *const session_pool[] = {
  /* prefixes of each other, upper and lower case, non-ASCII: bytewise order matters */
  "r0", "r", "r00", "r1", "R", "rr", "r0a", "s", "\xc3\xa9", "r01",
};

static const char *const prop_keys[] = { "scene", "a", "b", "c", "d", "e", "f", "z" };
static const char *const node_keys[] = { "a", "b", "c", "d", "e", "f" };
static const char *const tags[] = { "Mesh", "Group", "PointLight", "Box" };
static const char *const names[] = { "Cube", "Lamp", "Group 1", "\xe7\x9b\x92" };
static const char *const strings[] = {
  "", "a", "b", "h\xc3\xa9llo", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "x y", "\"q\"", "tab\t",
};
static const double numbers[] = {
  0, 1, -1, 2, 0.5, 0.1, 3, -2.5, 1e-7, 1234567.25, 0.3, 7,
};
static const double factors[] = { 2, -1, 0.5, 1.5, 0, -0.25, 1 };
static const double angles[] = { 0, G_PI / 2, G_PI, 0.3, -1.25 };
static const double quaternions[][4] = {
  { 0, 0, 0, 1 },
  { G_SQRT2 / 2, 0, 0, G_SQRT2 / 2 },
  { 0, G_SQRT2 / 2, 0, G_SQRT2 / 2 },
  { 0.5, 0.5, 0.5, 0.5 },
  { 0, 0, 1, 0 },
};
static const char *const object_keys[] = { "k", "m", "n" };

/* ---- values ---- */

static void
set_vec3 (FuzzSchedule *s,
          VrtcValue    *v)
{
  double xyz[3];

  for (guint i = 0; i < 3; i++)
    xyz[i] = PICK (s, numbers);
  vrtc_value_set_vec (v, xyz, 3);
}

static void
set_color (FuzzSchedule *s,
           VrtcValue    *v)
{
  static const char *const odd[] = { "#FF8800", "red", "#12345", "" };

  if (chance (s, 0.1))
    vrtc_value_set_string (v, PICK (s, odd));
  else
    vrtc_value_take_string (v, g_strdup_printf ("#%02x%02x%02x",
                                                pick (s, 256), pick (s, 256), pick (s, 256)));
}

/* A value of the wrong type for most registers. */
static void
set_junk (FuzzSchedule *s,
          VrtcValue    *v)
{
  static const double two[2] = { 1, 2 };

  switch (pick (s, 6))
    {
    case 0: vrtc_value_set_string (v, "junk"); break;
    case 1: vrtc_value_set_bool (v, TRUE); break;
    case 2: vrtc_value_set_number (v, 4); break;
    case 3: vrtc_value_set_vec (v, two, 2); break;
    case 4: vrtc_value_set_null (v); break;
    default: vrtc_value_take_object (v, NULL, 0); break;
    }
}

static void
set_scalar (FuzzSchedule *s,
            VrtcValue    *v)
{
  switch (pick (s, 4))
    {
    case 0: vrtc_value_set_string (v, PICK (s, strings)); break;
    case 1: vrtc_value_set_number (v, PICK (s, numbers)); break;
    case 2: vrtc_value_set_bool (v, chance (s, 0.5)); break;
    default: vrtc_value_set_number (v, pick (s, 3)); break;
    }
}

/* Builds an object from members added one at a time. */
static VrtcValue *
member_add (GArray     *members,
            const char *key)
{
  VrtcMember m = { g_strdup (key), VRTC_VALUE_INIT };

  g_array_append_val (members, m);
  return &g_array_index (members, VrtcMember, members->len - 1).value;
}

static void
members_take (GArray    *members,
              VrtcValue *out)
{
  guint len = members->len;

  vrtc_value_take_object (out, (VrtcMember *) (gpointer) g_array_free (members, FALSE), len);
}

static void
set_small_object (FuzzSchedule *s,
                  VrtcValue    *v)
{
  GArray *members = g_array_new (FALSE, FALSE, sizeof (VrtcMember));
  guint n = pick (s, 3);

  for (guint i = 0; i < n; i++)
    set_scalar (s, member_add (members, PICK (s, object_keys)));
  members_take (members, v);
}

static void
set_small_array (FuzzSchedule *s,
                 VrtcValue    *v)
{
  guint n = pick (s, 4);
  VrtcValue *items = g_new0 (VrtcValue, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    set_scalar (s, &items[i]);
  vrtc_value_take_array (v, items, n);
}

/* ---- op generators: one per otype of the op table ---- */

typedef void (*FuzzGen) (FuzzSchedule *s, VrtcOperation *op);

static void
gen_number (FuzzSchedule *s, VrtcOperation *op)
{
  if (strcmp (op->otype, "number.multiply") == 0)
    vrtc_value_set_number (&op->value, PICK (s, factors));
  else
    vrtc_value_set_number (&op->value, PICK (s, numbers));
}

static void
gen_bool (FuzzSchedule *s, VrtcOperation *op)
{
  vrtc_value_set_bool (&op->value, chance (s, 0.5));
}

static void
gen_string (FuzzSchedule *s, VrtcOperation *op)
{
  vrtc_value_set_string (&op->value, PICK (s, strings));
}

static void
gen_concat (FuzzSchedule *s, VrtcOperation *op)
{
  if (chance (s, 0.3))
    {
      GArray *members = g_array_new (FALSE, FALSE, sizeof (VrtcMember));

      vrtc_value_set_string (member_add (members, "value"), PICK (s, strings));
      vrtc_value_set_string (member_add (members, "separator"), chance (s, 0.5) ? ", " : "/");
      members_take (members, &op->value);
    }
  else
    vrtc_value_set_string (&op->value, PICK (s, strings));
}

static void
gen_text_insert (FuzzSchedule *s, VrtcOperation *op)
{
  GArray *members = g_array_new (FALSE, FALSE, sizeof (VrtcMember));

  if (chance (s, 0.5))
    {
      vrtc_value_set_number (member_add (members, "position"), pick (s, 8));
      vrtc_value_set_string (member_add (members, "value"), PICK (s, strings));
      members_take (members, &op->value);
    }
  else
    {
      /* the flat form: position is an extra */
      vrtc_value_set_number (member_add (members, "position"), pick (s, 8));
      members_take (members, &op->extras);
      vrtc_value_set_string (&op->value, PICK (s, strings));
    }
}

static void
gen_text_delete (FuzzSchedule *s, VrtcOperation *op)
{
  GArray *members = g_array_new (FALSE, FALSE, sizeof (VrtcMember));

  vrtc_value_set_number (member_add (members, "length"), pick (s, 4));
  vrtc_value_set_number (member_add (members, "position"), pick (s, 8));
  if (chance (s, 0.5))
    members_take (members, &op->value);
  else
    {
      members_take (members, &op->extras);
      vrtc_value_set_null (&op->value);
    }
}

static void
gen_vec3 (FuzzSchedule *s, VrtcOperation *op)
{
  if (strcmp (op->otype, "vector3.multiply") == 0)
    {
      double xyz[3] = { PICK (s, factors), PICK (s, factors), PICK (s, factors) };

      vrtc_value_set_vec (&op->value, xyz, 3);
    }
  else
    set_vec3 (s, &op->value);
}

static void
gen_euler (FuzzSchedule *s, VrtcOperation *op)
{
  double xyz[3] = { PICK (s, angles), PICK (s, angles), PICK (s, angles) };

  vrtc_value_set_vec (&op->value, xyz, 3);
}

static void
gen_quaternion (FuzzSchedule *s, VrtcOperation *op)
{
  vrtc_value_set_vec (&op->value, quaternions[pick (s, G_N_ELEMENTS (quaternions))], 4);
}

static void
gen_color (FuzzSchedule *s, VrtcOperation *op)
{
  static const double alphas[] = { 0, 0.25, 0.5, 1, 0.8 };

  set_color (s, &op->value);
  if (strcmp (op->otype, "color.blend") == 0 && chance (s, 0.5))
    {
      GArray *members = g_array_new (FALSE, FALSE, sizeof (VrtcMember));

      vrtc_value_set_number (member_add (members, "alpha"), PICK (s, alphas));
      members_take (members, &op->extras);
    }
}

static void
gen_array (FuzzSchedule *s, VrtcOperation *op)
{
  if (strcmp (op->otype, "array.set") == 0 ||
      (strcmp (op->otype, "array.union") == 0 && chance (s, 0.6)))
    set_small_array (s, &op->value);
  else
    set_scalar (s, &op->value);
}

static void
gen_object (FuzzSchedule *s, VrtcOperation *op)
{
  set_small_object (s, &op->value);
}

static void
gen_insert (FuzzSchedule *s, VrtcOperation *op)
{
  g_free (op->key);
  op->key = g_strdup (chance (s, 0.02) ? "scene" : PICK (s, node_keys));
  g_clear_pointer (&op->path, g_free);
  op->path = g_strdup ("");
  op->tag = g_strdup (PICK (s, tags));
  if (chance (s, 0.7))
    op->name = g_strdup (PICK (s, names));
  switch (pick (s, 3))
    {
    case 0: break;                                  /* the root */
    case 1: op->parent_key = g_strdup ("scene"); break;
    default: op->parent_key = g_strdup (PICK (s, node_keys)); break;
    }
  if (chance (s, 0.6))
    {
      GArray *members = g_array_new (FALSE, FALSE, sizeof (VrtcMember));

      if (chance (s, 0.7))
        set_vec3 (s, member_add (members, "position"));
      if (chance (s, 0.5))
        set_color (s, member_add (members, "color"));
      if (chance (s, 0.3))
        vrtc_value_set_bool (member_add (members, "visible"), chance (s, 0.5));
      if (chance (s, 0.2))
        vrtc_value_set_string (member_add (members, "text"), PICK (s, strings));
      members_take (members, &op->value);
    }
}

static void
gen_remove (FuzzSchedule *s, VrtcOperation *op)
{
  g_free (op->key);
  op->key = g_strdup (chance (s, 0.03) ? "scene" : PICK (s, node_keys));
  g_clear_pointer (&op->path, g_free);
  op->path = g_strdup ("");
}

static void
gen_move (FuzzSchedule *s, VrtcOperation *op)
{
  g_free (op->key);
  op->key = g_strdup (chance (s, 0.03) ? "scene" : PICK (s, node_keys));
  g_clear_pointer (&op->path, g_free);
  op->path = g_strdup ("");
  op->parent_key = g_strdup (chance (s, 0.25) ? "scene" : PICK (s, node_keys));
}

typedef struct {
  const char *otype;
  const char *path;    /* the register it usually targets */
  FuzzGen     gen;
} FuzzOpRow;

static const FuzzOpRow fuzz_ops[] = {
  { "number.set", "count", gen_number },
  { "number.add", "count", gen_number },
  { "number.multiply", "count", gen_number },
  { "number.min", "count", gen_number },
  { "number.max", "count", gen_number },
  { "string.set", "label", gen_string },
  { "string.concat", "label", gen_concat },
  { "text.init", "text", gen_string },
  { "text.insert", "text", gen_text_insert },
  { "text.delete", "text", gen_text_delete },
  { "boolean.set", "visible", gen_bool },
  { "boolean.or", "visible", gen_bool },
  { "boolean.and", "visible", gen_bool },
  { "vector3.set", "position", gen_vec3 },
  { "vector3.add", "position", gen_vec3 },
  { "vector3.multiply", "position", gen_vec3 },
  { "vector3.applyEuler", "position", gen_euler },
  { "vector3.applyQuaternion", "position", gen_quaternion },
  { "euler.set", "rotation", gen_euler },
  { "euler.add", "rotation", gen_euler },
  { "quaternion.set", "quaternion", gen_quaternion },
  { "quaternion.multiply", "quaternion", gen_quaternion },
  { "color.set", "color", gen_color },
  { "color.blend", "color", gen_color },
  { "array.set", "tags", gen_array },
  { "array.push", "tags", gen_array },
  { "array.union", "tags", gen_array },
  { "array.remove", "tags", gen_array },
  { "object.set", "meta", gen_object },
  { "object.merge", "meta", gen_object },
  { "node.insert", NULL, gen_insert },
  { "node.remove", NULL, gen_remove },
  { "node.move", NULL, gen_move },
};

static const FuzzOpRow *
find_row (const char *otype)
{
  for (guint i = 0; i < G_N_ELEMENTS (fuzz_ops); i++)
    if (strcmp (fuzz_ops[i].otype, otype) == 0)
      return &fuzz_ops[i];
  return NULL;
}

/* Every op type of the engine's table must be exercised; meta ops come from undo/redo. */
static gboolean
check_coverage (void)
{
  const VrtcOpType *rows;
  guint n_rows = 0;
  gboolean ok = TRUE;

  rows = vrtc_optable_rows (&n_rows);
  for (guint i = 0; i < n_rows; i++)
    if (rows[i].kind != VRTC_OP_KIND_META_UNDO && rows[i].kind != VRTC_OP_KIND_META_REDO &&
        rows[i].kind != VRTC_OP_KIND_UNSUPPORTED && find_row (rows[i].otype) == NULL)
      {
        g_printerr (_("vrtc fuzz: no generator for the op type “%s”\n"), rows[i].otype);
        ok = FALSE;
      }
  return ok;
}

static void
make_op (FuzzSchedule  *s,
         VrtcOperation *op)
{
  const FuzzOpRow *row;

  memset (op, 0, sizeof *op);

  if (chance (s, 0.01))
    {
      /* kept in the journal, flagged unsupported, no effect */
      op->key = g_strdup (PICK (s, prop_keys));
      op->otype = g_strdup ("custom.unknown");
      op->path = g_strdup ("count");
      vrtc_value_set_number (&op->value, 1);
      vrtc_op_resolve (op);
      return;
    }

  /* node ops a bit more often than one row in 33, so the tree keeps changing */
  if (chance (s, 0.15))
    row = &fuzz_ops[G_N_ELEMENTS (fuzz_ops) - 3 + pick (s, 3)];
  else
    row = &fuzz_ops[pick (s, G_N_ELEMENTS (fuzz_ops))];

  op->otype = g_strdup (row->otype);
  op->key = g_strdup (PICK (s, prop_keys));
  if (row->path != NULL)
    {
      /* sometimes on another type's register: type mismatches */
      op->path = g_strdup (chance (s, 0.1) ? PICK (s, fuzz_ops).path : row->path);
      if (op->path == NULL)
        op->path = g_strdup ("count");
    }

  if (row->path != NULL && chance (s, 0.04))
    set_junk (s, &op->value);
  else
    row->gen (s, op);

  vrtc_op_resolve (op);
}

/* ---- replicas ---- */

static void
msg_unref (gpointer msg)
{
  vrtc_msg_unref (msg);
}

static char *
graph_of (VrtcEngine *engine)
{
  GString *out = g_string_new (NULL);

  vrtc_engine_write_graph (engine, out);
  return g_string_free (out, FALSE);
}

static void fuzz_fail (FuzzSchedule *s, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
fuzz_fail (FuzzSchedule *s,
           const char   *format,
           ...)
{
  va_list args;

  if (s->failure->len > 0)
    return;     /* the first failure is the one to explain */
  va_start (args, format);
  g_string_append_vprintf (s->failure, format, args);
  va_end (args);
}

static double
replica_now (FuzzSchedule *s,
             FuzzReplica  *r)
{
  s->now += pick (s, 40);
  return s->now + r->skew;
}

static void
note_arrival (FuzzReplica *r,
              VrtcMessage *msg)
{
  g_ptr_array_add (r->arrivals, vrtc_msg_ref (msg));
  g_hash_table_add (r->has, g_strdup (msg->id));
}

/* A copy of msg that went through the codec, or a new ref to msg. */
static VrtcMessage *
wire_copy (FuzzSchedule *s,
           VrtcMessage  *msg)
{
  g_autoptr(GString) text = NULL;
  g_autoptr(GString) again = NULL;
  g_autoptr(GError) error = NULL;
  VrtcMessage *copy;
  /* drawn even with --no-codec, so that the schedule stays the same */
  gboolean roundtrip = chance (s, 0.2);
  VrtcDialect dialect = chance (s, 0.5) ? VRTC_DIALECT_SEED : VRTC_DIALECT_COMPACT;

  if (!roundtrip || s->opts->no_codec)
    return vrtc_msg_ref (msg);

  s->n_roundtrips++;
  text = g_string_new (NULL);
  vrtc_codec_write_message (msg, dialect, text);
  copy = vrtc_codec_parse_message (text->str, text->len, &error);
  if (copy == NULL)
    {
      fuzz_fail (s, _("the codec refused its own output %s: %s"), text->str, error->message);
      return vrtc_msg_ref (msg);
    }

  again = g_string_new (NULL);
  vrtc_codec_write_message (copy, dialect, again);
  if (!g_string_equal (text, again))
    fuzz_fail (s, _("a codec round trip changed a message:\n  %s\n  %s"), text->str, again->str);
  return copy;
}

static void
publish (FuzzSchedule *s,
         guint         from,
         VrtcMessage  *msg)   /* transfer full */
{
  g_ptr_array_add (s->all, msg);
  note_arrival (&s->reps[from], msg);

  for (guint i = 0; i < s->n_reps; i++)
    if (i != from || chance (s, 0.05))     /* a relay may echo a message to its author */
      g_ptr_array_add (s->reps[i].inbox, wire_copy (s, msg));
}

static void
commit_pending (FuzzSchedule *s,
                guint         i)
{
  FuzzReplica *r = &s->reps[i];
  VrtcMessage *msg;

  msg = vrtc_engine_commit (r->engine, replica_now (s, r));
  if (msg == NULL)
    fuzz_fail (s, _("%s: commit with pending edits made no message"), r->session);
  else
    publish (s, i, msg);
  r->pending = FALSE;
  g_clear_pointer (&r->before_pending, g_free);
}

static void
cancel_pending (FuzzSchedule *s,
                guint         i)
{
  FuzzReplica *r = &s->reps[i];

  vrtc_engine_cancel_edits (r->engine);
  s->n_cancels++;
  if (r->before_pending != NULL)
    {
      g_autofree char *after = graph_of (r->engine);

      if (strcmp (after, r->before_pending) != 0)
        fuzz_fail (s, _("%s: cancel_edits did not restore the state:\n  before %s\n  after  %s"),
                   r->session, r->before_pending, after);
    }
  if (vrtc_engine_get_pending_count (r->engine) != 0)
    fuzz_fail (s, _("%s: pending edits left after cancel_edits"), r->session);
  r->pending = FALSE;
  g_clear_pointer (&r->before_pending, g_free);
}

static void
step_edit (FuzzSchedule *s,
           guint         i)
{
  FuzzReplica *r = &s->reps[i];
  guint n_ops = chance (s, 0.1) ? 4 + pick (s, 4) : 1 + pick (s, 3);

  if (r->pending && chance (s, 0.4))
    cancel_pending (s, i);

  if (!r->pending && chance (s, 0.3))
    r->before_pending = graph_of (r->engine);

  for (guint k = 0; k < n_ops; k++)
    {
      VrtcOperation op;

      make_op (s, &op);
      vrtc_engine_edit (r->engine, &op);
      vrtc_op_clear (&op);
    }
  r->pending = TRUE;

  if (chance (s, 0.1))
    cancel_pending (s, i);
  else if (!chance (s, 0.15))     /* else they stay pending while messages arrive */
    commit_pending (s, i);
}

static void
step_undo (FuzzSchedule *s,
           guint         i)
{
  FuzzReplica *r = &s->reps[i];
  gboolean redo = chance (s, 0.35);
  VrtcMessage *msg = NULL;

  /* undo would commit pending edits itself; commit them here so they are published */
  if (r->pending)
    commit_pending (s, i);
  if (s->no_undo)
    return;

  if (chance (s, 0.2) && vrtc_engine_journal_length (r->engine) > 0)
    {
      /* the timeline's "undo this message", on anyone's message */
      VrtcEntry *entry = vrtc_engine_journal_get (r->engine,
                                                  pick (s, vrtc_engine_journal_length (r->engine)));
      VrtcMessage *target = vrtc_entry_get_message (entry);
      g_autoptr(GError) error = NULL;

      msg = vrtc_engine_undo_message (r->engine, target->id, redo, replica_now (s, r), &error);
    }
  else if (redo && vrtc_engine_can_redo (r->engine))
    msg = vrtc_engine_redo (r->engine, replica_now (s, r));
  else if (!redo && vrtc_engine_can_undo (r->engine))
    msg = vrtc_engine_undo (r->engine, replica_now (s, r));

  if (msg != NULL)
    {
      s->n_undos++;
      publish (s, i, msg);
    }
}

static gboolean
replica_has (FuzzReplica *r,
             const char  *id)
{
  return g_hash_table_contains (r->has, id) || g_hash_table_contains (r->covered, id);
}

static void
deliver (FuzzSchedule *s,
         guint         i,
         VrtcMessage  *msg)
{
  FuzzReplica *r = &s->reps[i];
  g_autoptr(GError) error = NULL;
  VrtcReceiveResult result;

  if (g_hash_table_contains (r->covered, msg->id))
    return;
  s->n_deliveries++;
  if (!vrtc_engine_receive (r->engine, msg, &result, &error))
    {
      fuzz_fail (s, _("%s refused %s: %s"), r->session, msg->id, error->message);
      return;
    }
  if (result == VRTC_RECEIVE_DUPLICATE)
    s->n_duplicates++;
  else
    {
      if (g_hash_table_contains (r->has, msg->id))
        fuzz_fail (s, _("%s applied %s twice"), r->session, msg->id);
      note_arrival (r, msg);
      /* the state moved under the pending edits: cancel can no longer be compared */
      g_clear_pointer (&r->before_pending, g_free);
    }
}

static gboolean
step_deliver (FuzzSchedule *s)
{
  guint with_mail[64];
  guint n = 0;
  FuzzReplica *r;
  VrtcMessage *msg;
  guint k;

  for (guint i = 0; i < s->n_reps; i++)
    if (s->reps[i].inbox->len > 0)
      with_mail[n++] = i;
  if (n == 0)
    return FALSE;

  k = with_mail[pick (s, n)];
  r = &s->reps[k];
  msg = vrtc_msg_ref (r->inbox->pdata[pick (s, r->inbox->len)]);
  if (!chance (s, 0.12))       /* else it stays, to arrive again later */
    g_ptr_array_remove_fast (r->inbox, msg);
  deliver (s, k, msg);
  vrtc_msg_unref (msg);
  return TRUE;
}

/* --compaction stable: fold only what no later message can sort below, i.e. every replica
 * has the message (later commits get higher stamps) and this replica has every lower stamp.
 * The engine must converge without this; it isolates a compaction bug from the rest. */
static gboolean
stable_prefix (FuzzSchedule *s,
               guint         i)
{
  FuzzReplica *r = &s->reps[i];
  guint len = vrtc_engine_journal_length (r->engine);

  for (guint p = 0; p < len; p++)
    {
      VrtcEntry *entry = vrtc_engine_journal_get (r->engine, p);
      VrtcMessage *msg = vrtc_entry_get_message (entry);
      VrtcStamp stamp = { msg->lamport, msg->session_id, 0 };

      if (!vrtc_entry_is_acked (entry) || vrtc_entry_is_undone (entry))
        return TRUE;     /* the foldable prefix ends here */

      for (guint q = 0; q < s->n_reps; q++)
        if (!replica_has (&s->reps[q], msg->id))
          return FALSE;
      for (guint m = 0; m < s->all->len; m++)
        {
          VrtcMessage *other = s->all->pdata[m];
          VrtcStamp other_stamp = { other->lamport, other->session_id, 0 };

          if (vrtc_stamp_compare (&other_stamp, &stamp) < 0 &&
              !replica_has (r, other->id))
            return FALSE;
        }
    }
  return TRUE;
}

static void
step_compact (FuzzSchedule *s,
              guint         i)
{
  FuzzReplica *r = &s->reps[i];
  g_autoptr(GPtrArray) unacked = vrtc_engine_get_unacked (r->engine);
  guint n_ack = pick (s, unacked->len + 1);
  g_autofree char *before = NULL;
  gboolean check = chance (s, 0.3);
  guint folded;

  /* a relay acks in the order it stored the messages */
  for (guint k = 0; k < n_ack; k++)
    {
      VrtcMessage *msg = unacked->pdata[k];

      if (!vrtc_engine_ack (r->engine, msg->id))
        fuzz_fail (s, _("%s: ack of its own %s failed"), r->session, msg->id);
    }

  if (s->opts->compaction == FUZZ_COMPACT_NEVER ||
      (s->opts->compaction == FUZZ_COMPACT_STABLE && !stable_prefix (s, i)))
    return;

  if (!r->pending && check)
    before = graph_of (r->engine);
  folded = vrtc_engine_compact (r->engine);
  s->n_compactions++;
  s->n_folded += folded;
  if (before != NULL)
    {
      g_autofree char *after = graph_of (r->engine);

      if (strcmp (before, after) != 0)
        fuzz_fail (s, _("%s: compact changed the graph:\n  before %s\n  after  %s"),
                   r->session, before, after);
    }
}

static int
compare_stamps (VrtcMessage *a,
                VrtcMessage *b)
{
  VrtcStamp sa = { a->lamport, a->session_id, 0 };
  VrtcStamp sb = { b->lamport, b->session_id, 0 };

  return vrtc_stamp_compare (&sa, &sb);
}

/*
 * A client that reconnects: replica i starts over from replica j's last snapshot and the
 * journal after it (a `state` frame), keeping its own unacked messages.
 *
 * A snapshot holds folded registers, not the messages, so the state frame only converges
 * when nothing can later sort below what the snapshot folded, and nothing later undoes it.
 * The relay's side of that is modelled here: the room is quiet (every replica has every
 * message), the snapshot covers a prefix of the stamp order, and after a rejoin this
 * schedule makes no more undo or redo.
 */
static void
step_rejoin (FuzzSchedule *s,
             guint         i)
{
  FuzzReplica *r = &s->reps[i];
  guint j = (i + 1 + pick (s, s->n_reps - 1)) % s->n_reps;
  FuzzReplica *q = &s->reps[j];
  g_autoptr(GPtrArray) journal = g_ptr_array_new ();
  g_autoptr(GPtrArray) unacked = NULL;
  g_autoptr(GHashTable) in_journal = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) covered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  VrtcMessage *newest_folded = NULL;
  const char *snapshot_json;
  VrtcValue snapshot = VRTC_VALUE_INIT;
  GHashTableIter iter;
  const char *id;
  guint len, n_new;

  s->rejoined = TRUE;

  /* a quiet room */
  for (guint k = 0; k < s->n_reps; k++)
    {
      if (s->reps[k].pending)
        commit_pending (s, k);
    }
  for (guint k = 0; k < s->n_reps && s->failure->len == 0; k++)
    for (guint m = 0; m < s->all->len; m++)
      deliver (s, k, s->all->pdata[m]);
  if (s->failure->len > 0)
    return;

  /* the server side folds all it can */
  unacked = vrtc_engine_get_unacked (q->engine);
  for (guint k = 0; k < unacked->len; k++)
    vrtc_engine_ack (q->engine, ((VrtcMessage *) unacked->pdata[k])->id);
  g_clear_pointer (&unacked, g_ptr_array_unref);
  vrtc_engine_compact (q->engine);

  /* r made edits the server has not seen yet: they stay unacked and are kept */
  n_new = pick (s, 3);
  for (guint k = 0; k < n_new; k++)
    {
      VrtcOperation op;

      make_op (s, &op);
      vrtc_engine_edit (r->engine, &op);
      vrtc_op_clear (&op);
      r->pending = TRUE;
      commit_pending (s, i);
    }

  len = vrtc_engine_journal_length (q->engine);
  for (guint p = 0; p < len; p++)
    {
      VrtcMessage *msg = vrtc_entry_get_message (vrtc_engine_journal_get (q->engine, p));

      g_ptr_array_add (journal, msg);
      g_hash_table_add (in_journal, msg->id);
    }
  for (guint m = 0; m < s->all->len; m++)
    {
      VrtcMessage *msg = s->all->pdata[m];

      if (replica_has (q, msg->id) && !g_hash_table_contains (in_journal, msg->id))
        {
          g_hash_table_add (covered, g_strdup (msg->id));
          if (newest_folded == NULL || compare_stamps (msg, newest_folded) > 0)
            newest_folded = msg;
        }
    }
  /* the snapshot must be a prefix in stamp order, or the journal would fold below it; and
   * no undo or redo after it may target what it folded (its last compaction may be older
   * than an undo that arrived since) */
  for (guint p = 0; p < journal->len; p++)
    {
      VrtcMessage *msg = journal->pdata[p];

      if (newest_folded != NULL && compare_stamps (msg, newest_folded) < 0)
        return;
      for (guint o = 0; o < msg->n_ops; o++)
        if (msg->ops[o].target_msg_id != NULL &&
            g_hash_table_contains (covered, msg->ops[o].target_msg_id))
          return;
    }

  s->n_rejoins++;
  s->no_undo = TRUE;

  /* the relay acked what it stored */
  unacked = vrtc_engine_get_unacked (r->engine);
  for (guint k = 0; k < unacked->len; k++)
    {
      VrtcMessage *msg = unacked->pdata[k];

      if (replica_has (q, msg->id))
        vrtc_engine_ack (r->engine, msg->id);
    }

  snapshot_json = vrtc_engine_get_snapshot_json (q->engine);
  if (snapshot_json == NULL && g_hash_table_size (covered) > 0)
    {
      fuzz_fail (s, _("%s: no snapshot after a compaction that folded %u messages"),
                 q->session, g_hash_table_size (covered));
      return;
    }
  if (snapshot_json != NULL &&
      !vrtc_codec_parse_value (snapshot_json, -1, &snapshot, &error))
    {
      fuzz_fail (s, _("%s: its own snapshot does not parse: %s"), q->session, error->message);
      return;
    }

  if (!vrtc_engine_init_from_server (r->engine, snapshot_json != NULL ? &snapshot : NULL,
                                     (VrtcMessage **) journal->pdata, journal->len, &error))
    {
      fuzz_fail (s, _("%s: init_from_server with the state of %s failed: %s"),
                 r->session, q->session, error->message);
      vrtc_value_clear (&snapshot);
      return;
    }
  vrtc_value_clear (&snapshot);

  /* kept for the reproduction: the frame, then what arrives after it */
  r->state_frame = g_string_new ("{\"mtype\":\"state\",\"snapshot\":");
  g_string_append (r->state_frame, snapshot_json != NULL ? snapshot_json : "null");
  g_string_append (r->state_frame, ",\"journal\":[");
  for (guint p = 0; p < journal->len; p++)
    {
      if (p > 0)
        g_string_append_c (r->state_frame, ',');
      vrtc_codec_write_message (journal->pdata[p], VRTC_DIALECT_SEED, r->state_frame);
    }
  g_string_append (r->state_frame, "]}\n");

  /* what the snapshot holds is never sent again; the rest is what r's journal holds now */
  g_hash_table_remove_all (r->covered);
  g_hash_table_iter_init (&iter, covered);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_hash_table_add (r->covered, g_strdup (id));
  g_hash_table_remove_all (r->has);
  g_ptr_array_set_size (r->arrivals, 0);
  len = vrtc_engine_journal_length (r->engine);
  for (guint p = 0; p < len; p++)
    note_arrival (r, vrtc_entry_get_message (vrtc_engine_journal_get (r->engine, p)));
  r->n_frame_messages = journal->len;
  g_clear_pointer (&r->before_pending, g_free);
  if (s->opts->verbose)
    g_print (_("schedule %u: %s rejoined from the state of %s (%u messages in the snapshot, "
               "%u in the journal)\n"),
             s->number, r->session, q->session, g_hash_table_size (covered), journal->len);
}

/* ---- minimising a divergence ---- */

/*
 * Fresh engines receive the messages in the arrival orders of the two replicas that differ;
 * messages are dropped greedily while the two graphs still differ. The messages replayed
 * are first those the file will hold (each through the codec, as `vrtc replay` reads them),
 * then, if that does not differ, the very objects each replica was handed.
 */
typedef enum {
  REPLAY_THROUGH_CODEC,
  REPLAY_AS_DELIVERED,
} ReplayMode;

typedef struct {
  FuzzSchedule *s;
  GHashTable   *index;     /* message id -> position in s->all + 1 */
  VrtcMessage **parsed;    /* s->all through the codec (NULL when it refused one) */
  gboolean     *keep;      /* by position in s->all */
  ReplayMode    mode;
} Minimiser;

static guint
minimiser_index (Minimiser   *mm,
                 VrtcMessage *msg)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (mm->index, msg->id)) - 1;
}

static char *
replay_graph (Minimiser *mm,
              GPtrArray *order)
{
  VrtcEngine *engine = vrtc_engine_new ("vrtc-fuzz-check");
  char *graph;

  for (guint k = 0; k < order->len; k++)
    {
      VrtcMessage *msg = order->pdata[k];
      guint m = minimiser_index (mm, msg);
      VrtcReceiveResult result;

      if (!mm->keep[m])
        continue;
      if (mm->mode == REPLAY_THROUGH_CODEC)
        msg = mm->parsed[m];
      if (msg != NULL)
        vrtc_engine_receive (engine, msg, &result, NULL);
    }
  graph = graph_of (engine);
  vrtc_engine_free (engine);
  return graph;
}

static gboolean
replays_diverge (Minimiser *mm,
                 GPtrArray *left,
                 GPtrArray *right)
{
  g_autofree char *a = replay_graph (mm, left);
  g_autofree char *b = replay_graph (mm, right);

  return strcmp (a, b) != 0;
}

static void
minimise (Minimiser *mm,
          GPtrArray *left,
          GPtrArray *right)
{
  gboolean changed = TRUE;

  while (changed)
    {
      changed = FALSE;
      for (guint m = mm->s->all->len; m-- > 0;)
        if (mm->keep[m])
          {
            mm->keep[m] = FALSE;
            if (replays_diverge (mm, left, right))
              changed = TRUE;
            else
              mm->keep[m] = TRUE;
          }
    }
}

static const char *
replica_name (FuzzSchedule *s,
              guint         i)
{
  return i < s->n_reps ? s->reps[i].session : _("the reference replica");
}

static GPtrArray *
arrival_order (FuzzSchedule *s,
               guint         i)
{
  return i < s->n_reps ? s->reps[i].arrivals : s->all;
}

static char *
repro_path (FuzzSchedule *s)
{
  if (s->opts->out != NULL)
    return g_strdup (s->opts->out);
  return g_strdup_printf ("vrtc-fuzz-repro-%" G_GUINT64_FORMAT "-%u.jsonl",
                          s->opts->seed, s->number);
}

/* A replica that rejoined is reproduced by its state frame and what arrived after it;
 * every message of the schedule goes to a second file, for the state everyone should have. */
static char *
write_rejoin_repro (FuzzSchedule *s,
                    guint         i)
{
  FuzzReplica *r = &s->reps[i];
  g_autoptr(GString) text = g_string_new (r->state_frame->str);
  g_autoptr(GString) all = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *all_path = NULL;
  char *path = repro_path (s);

  for (guint k = r->n_frame_messages; k < r->arrivals->len; k++)
    {
      vrtc_codec_write_message (r->arrivals->pdata[k], VRTC_DIALECT_SEED, text);
      g_string_append_c (text, '\n');
    }
  for (guint m = 0; m < s->all->len; m++)
    {
      vrtc_codec_write_message (s->all->pdata[m], VRTC_DIALECT_SEED, all);
      g_string_append_c (all, '\n');
    }
  all_path = g_strconcat (path, ".all", NULL);

  if (!g_file_set_contents (path, text->str, text->len, &error) ||
      !g_file_set_contents (all_path, all->str, all->len, &error))
    {
      g_printerr (_("vrtc fuzz: cannot write the reproduction: %s\n"), error->message);
      g_free (path);
      return NULL;
    }
  g_printerr (_("vrtc fuzz: %s rejoined from a state frame: wrote it and the %u messages that "
                "arrived after it to %s; all %u messages of the schedule are in %s\n"),
              r->session, r->arrivals->len - r->n_frame_messages, path, s->all->len, all_path);
  return path;
}

/* Writes the repro file; returns its name. */
static char *
write_repro (FuzzSchedule *s)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) other_order = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *keep = g_new (gboolean, MAX (s->all->len, 1));
  g_autofree VrtcMessage **parsed = g_new0 (VrtcMessage *, MAX (s->all->len, 1));
  GPtrArray *left = arrival_order (s, s->left);
  GPtrArray *right = arrival_order (s, s->right);
  Minimiser mm = { s, index, parsed, keep, REPLAY_THROUGH_CODEC };
  gboolean minimal = FALSE;
  guint kept = 0;
  char *path;

  if (s->left < s->n_reps && s->reps[s->left].state_frame != NULL)
    return write_rejoin_repro (s, s->left);
  if (s->right < s->n_reps && s->reps[s->right].state_frame != NULL)
    return write_rejoin_repro (s, s->right);

  for (guint m = 0; m < s->all->len; m++)
    {
      VrtcMessage *msg = s->all->pdata[m];
      g_autoptr(GString) line = g_string_new (NULL);

      g_hash_table_insert (index, msg->id, GUINT_TO_POINTER (m + 1));
      keep[m] = TRUE;
      vrtc_codec_write_message (msg, VRTC_DIALECT_SEED, line);
      parsed[m] = vrtc_codec_parse_message (line->str, line->len, NULL);
    }

  if (s->left != s->right)
    {
      if (replays_diverge (&mm, left, right))
        minimal = TRUE;
      else
        {
          mm.mode = REPLAY_AS_DELIVERED;
          minimal = replays_diverge (&mm, left, right);
        }
      if (minimal)
        minimise (&mm, left, right);
    }

  for (guint k = 0; k < left->len; k++)
    {
      guint m = minimiser_index (&mm, left->pdata[k]);

      if (!keep[m])
        continue;
      vrtc_codec_write_message (s->all->pdata[m], VRTC_DIALECT_SEED, text);
      g_string_append_c (text, '\n');
      kept++;
    }
  for (guint k = 0; k < right->len; k++)
    {
      VrtcMessage *msg = right->pdata[k];

      if (keep[minimiser_index (&mm, msg)])
        g_string_append_printf (other_order, " %s", msg->id);
    }
  for (guint m = 0; m < s->all->len; m++)
    g_clear_pointer (&parsed[m], vrtc_msg_unref);

  path = repro_path (s);
  if (!g_file_set_contents (path, text->str, text->len, &error))
    {
      g_printerr (_("vrtc fuzz: cannot write the reproduction: %s\n"), error->message);
      g_free (path);
      return NULL;
    }

  if (minimal)
    g_printerr (_("vrtc fuzz: wrote %u messages to %s, in the order %s received them; "
                  "%s received them in the order:%s\n"),
                kept, path, replica_name (s, s->left), replica_name (s, s->right),
                other_order->str);
  else
    g_printerr (_("vrtc fuzz: wrote all %u messages to %s, in the order %s received them; "
                  "replaying them alone does not show the failure: rerun the schedule\n"),
                kept, path, replica_name (s, s->left));
  if (minimal && mm.mode == REPLAY_AS_DELIVERED)
    g_printerr (_("vrtc fuzz: the replicas differ only with the messages as they were "
                  "delivered, some of them after a codec round trip: read from this file, "
                  "all are the same\n"));
  return path;
}

/* ---- one schedule ---- */

static void
schedule_init (FuzzSchedule      *s,
               const FuzzOptions *opts,
               guint              number)
{
  guint32 seed[3] = { (guint32) opts->seed, (guint32) (opts->seed >> 32), number };
  const char *pool[G_N_ELEMENTS (session_pool)];
  guint n_pool = G_N_ELEMENTS (session_pool);

  memset (s, 0, sizeof *s);
  s->opts = opts;
  s->number = number;
  s->rand = g_rand_new_with_seed_array (seed, G_N_ELEMENTS (seed));
  s->n_reps = opts->replicas;
  s->reps = g_new0 (FuzzReplica, s->n_reps);
  s->all = g_ptr_array_new_with_free_func (msg_unref);
  s->failure = g_string_new (NULL);
  s->now = 1700000000000.0 + pick (s, 1000000);
  s->left = s->right = 0;

  memcpy (pool, session_pool, sizeof pool);
  for (guint i = 0; i < s->n_reps; i++)
    {
      FuzzReplica *r = &s->reps[i];

      if (n_pool > 0)
        {
          guint k = pick (s, n_pool);

          r->session = g_strdup (pool[k]);
          pool[k] = pool[--n_pool];
        }
      else
        r->session = g_strdup_printf ("r%u", i);
      r->engine = vrtc_engine_new (r->session);
      r->skew = (double) pick (s, 1001) - 500;
      r->inbox = g_ptr_array_new_with_free_func (msg_unref);
      r->arrivals = g_ptr_array_new_with_free_func (msg_unref);
      r->has = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      r->covered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
}

static void
schedule_clear (FuzzSchedule *s)
{
  for (guint i = 0; i < s->n_reps; i++)
    {
      FuzzReplica *r = &s->reps[i];

      vrtc_engine_free (r->engine);
      g_ptr_array_unref (r->inbox);
      g_ptr_array_unref (r->arrivals);
      g_hash_table_unref (r->has);
      g_hash_table_unref (r->covered);
      g_free (r->before_pending);
      g_free (r->session);
      if (r->state_frame != NULL)
        g_string_free (r->state_frame, TRUE);
    }
  g_free (s->reps);
  g_ptr_array_unref (s->all);
  g_string_free (s->failure, TRUE);
  g_rand_free (s->rand);
}

static void
shuffle (FuzzSchedule *s,
         GPtrArray    *array)
{
  for (guint k = array->len; k > 1; k--)
    {
      guint j = pick (s, k);
      gpointer tmp = array->pdata[k - 1];

      array->pdata[k - 1] = array->pdata[j];
      array->pdata[j] = tmp;
    }
}

static void
run_schedule (FuzzSchedule *s)
{
  guint max_steps = 40 * s->opts->messages + 100;
  g_autoptr(GPtrArray) graphs = g_ptr_array_new_with_free_func (g_free);
  VrtcEngine *reference;

  /* a quarter of the schedules have a client rejoin somewhere in their second half */
  guint rejoin_at = chance (s, 0.25) ? s->opts->messages / 2 + pick (s, s->opts->messages / 2 + 1)
                                     : G_MAXUINT;

  if (s->opts->no_rejoin)
    rejoin_at = G_MAXUINT;

  for (guint step = 0; step < max_steps && s->all->len < s->opts->messages; step++)
    {
      if (!s->rejoined && s->all->len >= rejoin_at)
        step_rejoin (s, pick (s, s->n_reps));

      guint i = pick (s, s->n_reps);
      double roll = g_rand_double (s->rand);

      if (roll < 0.42)
        step_edit (s, i);
      else if (roll < 0.52)
        step_undo (s, i);
      else if (roll < 0.56)
        step_compact (s, i);
      else
        step_deliver (s);
      if (s->failure->len > 0)
        return;
    }

  /* the end: no pending edits, everyone gets everything, in any order, some twice */
  for (guint i = 0; i < s->n_reps; i++)
    if (s->reps[i].pending)
      {
        if (chance (s, 0.5))
          commit_pending (s, i);
        else
          cancel_pending (s, i);
      }

  for (guint i = 0; i < s->n_reps && s->failure->len == 0; i++)
    {
      FuzzReplica *r = &s->reps[i];
      g_autoptr(GPtrArray) mail = g_ptr_array_new_with_free_func (msg_unref);

      for (guint m = 0; m < s->all->len; m++)
        g_ptr_array_add (mail, vrtc_msg_ref (s->all->pdata[m]));
      for (guint m = 0; m < r->inbox->len; m++)
        g_ptr_array_add (mail, vrtc_msg_ref (r->inbox->pdata[m]));
      g_ptr_array_set_size (r->inbox, 0);
      shuffle (s, mail);
      for (guint m = 0; m < mail->len && s->failure->len == 0; m++)
        deliver (s, i, mail->pdata[m]);

      /* now that everything is everywhere, compaction is safe in any mode */
      if (s->opts->compaction != FUZZ_COMPACT_NEVER && chance (s, 0.5))
        {
          g_autoptr(GPtrArray) unacked = vrtc_engine_get_unacked (r->engine);

          for (guint k = 0; k < unacked->len; k++)
            vrtc_engine_ack (r->engine, ((VrtcMessage *) unacked->pdata[k])->id);
          s->n_folded += vrtc_engine_compact (r->engine);
          s->n_compactions++;
        }
    }
  if (s->failure->len > 0)
    return;

  /* a replica that only ever received, in creation order */
  reference = vrtc_engine_new ("~reference");
  for (guint m = 0; m < s->all->len; m++)
    {
      g_autoptr(GError) error = NULL;

      if (!vrtc_engine_receive (reference, s->all->pdata[m], NULL, &error))
        fuzz_fail (s, _("the reference replica refused %s: %s"),
                   ((VrtcMessage *) s->all->pdata[m])->id, error->message);
    }

  for (guint i = 0; i < s->n_reps; i++)
    g_ptr_array_add (graphs, graph_of (s->reps[i].engine));
  g_ptr_array_add (graphs, graph_of (reference));
  vrtc_engine_free (reference);

  /* the engine's own bookkeeping (undone and rejected bits, shared ref lists) holds */
  for (guint i = 0; i < s->n_reps && s->failure->len == 0; i++)
    {
      g_autofree char *bad = vrtc_engine_check_refs (s->reps[i].engine);

      if (bad != NULL)
        fuzz_fail (s, _("%s: its refs are inconsistent: %s"), replica_name (s, i), bad);
    }

  for (guint i = 1; i <= s->n_reps && s->failure->len == 0; i++)
    if (strcmp (graphs->pdata[0], graphs->pdata[i]) != 0)
      {
        s->left = 0;
        s->right = i;
        fuzz_fail (s, _("%s and %s diverge:\n  %s\n  %s"),
                   replica_name (s, 0), replica_name (s, i),
                   (char *) graphs->pdata[0], (char *) graphs->pdata[i]);
      }

  /* the history position of the last entry is the present */
  for (guint i = 0; i < s->n_reps && s->failure->len == 0; i++)
    {
      VrtcEngine *engine = s->reps[i].engine;
      guint len = vrtc_engine_journal_length (engine);

      if (len > 0)
        {
          VrtcEngine *past = vrtc_engine_new_at (engine, len - 1);
          g_autofree char *graph = graph_of (past);

          vrtc_engine_free (past);
          if (strcmp (graph, graphs->pdata[i]) != 0)
            {
              s->left = s->right = i;
              fuzz_fail (s, _("%s: the state at the last journal position differs from the "
                              "present:\n  %s\n  %s"),
                         s->reps[i].session, graph, (char *) graphs->pdata[i]);
            }
        }
    }

  /* an earlier history position is what the entries up to it give (SEMANTICS.md 6) */
  for (guint i = 0; i < s->n_reps && s->failure->len == 0; i++)
    {
      FuzzReplica *r = &s->reps[i];
      guint len = vrtc_engine_journal_length (r->engine);
      guint offset = vrtc_engine_journal_offset (r->engine);
      guint p = pick (s, MAX (len, 1));
      VrtcEngine *past, *fresh;
      g_autofree char *expected = NULL;
      g_autofree char *graph = NULL;

      if (len == 0 || r->state_frame != NULL)
        continue;
      if (offset + len != r->arrivals->len)
        {
          s->left = s->right = i;
          fuzz_fail (s, _("%s: the journal holds %u + %u entries, %u messages arrived"),
                     r->session, offset, len, r->arrivals->len);
          break;
        }

      past = vrtc_engine_new_at (r->engine, p);
      graph = graph_of (past);
      vrtc_engine_free (past);

      fresh = vrtc_engine_new ("vrtc-fuzz-check");
      for (guint k = 0; k <= offset + p; k++)
        {
          VrtcReceiveResult result;

          vrtc_engine_receive (fresh, r->arrivals->pdata[k], &result, NULL);
        }
      expected = graph_of (fresh);
      vrtc_engine_free (fresh);

      if (strcmp (graph, expected) != 0)
        {
          s->left = s->right = i;
          fuzz_fail (s, _("%s: the state at journal position %u (+ %u compacted) differs from "
                          "a replay of the first %u messages it received:\n  %s\n  %s"),
                     r->session, p, offset, offset + p + 1, graph, expected);
        }
    }
}

static gboolean
parse_compaction (const char     *text,
                  FuzzCompaction *out)
{
  if (g_strcmp0 (text, "stable") == 0)
    *out = FUZZ_COMPACT_STABLE;
  else if (g_strcmp0 (text, "any") == 0)
    *out = FUZZ_COMPACT_ANY;
  else if (g_strcmp0 (text, "never") == 0)
    *out = FUZZ_COMPACT_NEVER;
  else
    return FALSE;
  return TRUE;
}

int
vrtc_tool_fuzz (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *compaction = NULL;
  gint replicas = 3, messages = 40, schedules = 100, start = 0;
  gint64 seed = 1;
  gboolean verbose = FALSE;
  gboolean no_codec = FALSE;
  gboolean no_rejoin = FALSE;
  gboolean wrote = FALSE;
  guint divergent = 0;
  FuzzOptions opts;
  const GOptionEntry entries[] = {
    { "replicas", 'r', 0, G_OPTION_ARG_INT, &replicas,
      N_("Number of replicas (sessions), 2 to 64 (default 3)"), N_("N") },
    { "messages", 'm', 0, G_OPTION_ARG_INT, &messages,
      N_("Messages made per schedule, by all replicas together (default 40)"), N_("M") },
    { "schedules", 'k', 0, G_OPTION_ARG_INT, &schedules,
      N_("Number of schedules (default 100)"), N_("K") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed,
      N_("Seed; each schedule is seeded from it and its number (default 1)"), N_("S") },
    { "start", 0, 0, G_OPTION_ARG_INT, &start,
      N_("Number of the first schedule, to rerun one (default 0)"), N_("NUMBER") },
    { "compaction", 0, 0, G_OPTION_ARG_STRING, &compaction,
      N_("When replicas compact: “any” (at random points, the default), “stable” (only "
         "when no later message can sort below what is folded), or “never”"), N_("MODE") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Where to write the reproduction of the first divergence (default "
         "vrtc-fuzz-repro-SEED-SCHEDULE.jsonl)"), N_("FILE") },
    { "no-codec", 0, 0, G_OPTION_ARG_NONE, &no_codec,
      N_("Deliver the messages as made, never through a codec round trip"), NULL },
    { "no-rejoin", 0, 0, G_OPTION_ARG_NONE, &no_rejoin,
      N_("Never have a replica rejoin from another's snapshot (init_from_server)"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Print a line per schedule"), NULL },
    { NULL }
  };

  g_set_prgname ("vrtc fuzz");
  context = g_option_context_new (_("— check that replicas converge"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("For each schedule, N replicas make M messages of random concurrent edits over every\n"
      "op type, with undo and redo, cancelled pending edits, duplicate and out-of-order\n"
      "delivery, codec round trips, compaction, and in some schedules a replica that\n"
      "rejoins from another's snapshot. Then every replica receives every\n"
      "message, and their canonical graph JSON must be byte-identical, to each other and to\n"
      "a replica that received everything in creation order."));
  g_option_context_set_description (context,
    _("The last line printed is “K schedules, D divergent”. On a divergence, the exit\n"
      "status is 1 and a minimal list of messages that reproduces it (JSON lines, seed\n"
      "dialect) is written to a file named on standard error. Usage errors exit with\n"
      "status 2."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vrtc fuzz: %s\n", error->message);
      return VRTC_TOOL_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr (_("vrtc fuzz: unexpected argument “%s”\n"), argv[1]);
      return VRTC_TOOL_EXIT_USAGE;
    }
  if (replicas < 2 || replicas > 64 || messages < 0 || schedules < 0 || start < 0 || seed < 0)
    {
      g_printerr (_("vrtc fuzz: --replicas must be 2 to 64; --messages, --schedules, --start "
                    "and --seed must not be negative\n"));
      return VRTC_TOOL_EXIT_USAGE;
    }

  opts.replicas = (guint) replicas;
  opts.messages = (guint) messages;
  opts.schedules = (guint) schedules;
  opts.start = (guint) start;
  opts.seed = (guint64) seed;
  opts.out = out;
  opts.verbose = verbose;
  opts.no_codec = no_codec;
  opts.no_rejoin = no_rejoin;
  opts.compaction = FUZZ_COMPACT_ANY;
  if (compaction != NULL && !parse_compaction (compaction, &opts.compaction))
    {
      g_printerr (_("vrtc fuzz: --compaction must be stable, any or never\n"));
      return VRTC_TOOL_EXIT_USAGE;
    }

  if (!check_coverage ())
    return VRTC_TOOL_EXIT_FAILURE;

  for (guint k = 0; k < opts.schedules; k++)
    {
      FuzzSchedule s;

      schedule_init (&s, &opts, opts.start + k);
      run_schedule (&s);

      if (s.failure->len > 0)
        {
          divergent++;
          g_printerr (_("vrtc fuzz: schedule %u: %s\n"), s.number, s.failure->str);
          if (!wrote)
            {
              g_autofree char *path = write_repro (&s);

              wrote = TRUE;
              if (path != NULL)
                {
                  g_autofree char *command =
                    g_strdup_printf ("vrtc fuzz --seed %" G_GUINT64_FORMAT " --start %u "
                                     "--schedules 1 --replicas %u --messages %u%s%s%s%s "
                                     "--verbose",
                                     opts.seed, s.number, opts.replicas, opts.messages,
                                     compaction != NULL ? " --compaction " : "",
                                     compaction != NULL ? compaction : "",
                                     opts.no_codec ? " --no-codec" : "",
                                     opts.no_rejoin ? " --no-rejoin" : "");

                  g_printerr (_("vrtc fuzz: rerun it with: %s\n"), command);
                }
            }
        }
      else if (opts.verbose)
        g_print (_("schedule %u: ok (%u messages, %u deliveries, %u duplicates, %u undo/redo, "
                   "%u cancels, %u codec round trips, %u compactions folding %u entries, %u rejoins)\n"),
                 s.number, s.all->len, s.n_deliveries, s.n_duplicates, s.n_undos,
                 s.n_cancels, s.n_roundtrips, s.n_compactions, s.n_folded, s.n_rejoins);

      schedule_clear (&s);
    }

  /* machine-readable, so not translated */
  g_print ("%u schedules, %u divergent\n", opts.schedules, divergent);
  return divergent > 0 ? VRTC_TOOL_EXIT_FAILURE : VRTC_TOOL_EXIT_OK;
}
