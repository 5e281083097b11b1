/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vrtc-codec.h"
#include "vrtc-engine.h"
#include "vrtc-optable.h"

/* ---- helpers: ops and messages built from short JSON snippets ---- */

static void
parse_value (const char *json,
             VrtcValue  *out)
{
  g_autoptr(GError) error = NULL;

  if (json == NULL)
    return;
  if (!vrtc_codec_parse_value (json, -1, out, &error))
    g_error ("bad test JSON %s: %s", json, error->message);
}

static VrtcOperation
op_make (const char *key,
         const char *otype,
         const char *path,
         const char *value_json)
{
  VrtcOperation op = { 0 };

  op.key = g_strdup (key);
  op.otype = g_strdup (otype);
  op.path = g_strdup (path);
  parse_value (value_json, &op.value);
  vrtc_op_resolve (&op);
  return op;
}

static VrtcOperation
op_insert (const char *key,
           const char *parent,
           const char *tag,
           const char *props_json)
{
  VrtcOperation op = op_make (key, "node.insert", "", props_json);

  op.parent_key = g_strdup (parent);
  op.tag = g_strdup (tag);
  return op;
}

static VrtcOperation
op_extras (VrtcOperation op,
           const char   *extras_json)
{
  parse_value (extras_json, &op.extras);
  return op;
}

/* A remote message; takes the ops. */
static VrtcMessage *
msg_make (const char    *session,
          guint64        seq,
          gint64         lamport,
          double         timestamp,
          guint          n_ops,
          VrtcOperation *ops)
{
  VrtcMessage *msg = vrtc_msg_alloc ();

  msg->session_id = g_strdup (session);
  msg->id = g_strdup_printf ("%s:%" G_GUINT64_FORMAT, session, seq);
  msg->lamport = lamport;
  msg->timestamp = timestamp;
  vrtc_clock_set (&msg->clock, session, seq);
  msg->ops = g_new0 (VrtcOperation, n_ops);
  memcpy (msg->ops, ops, sizeof (VrtcOperation) * n_ops);
  msg->n_ops = n_ops;
  return msg;
}

static VrtcMessage *
msg1 (const char    *session,
      guint64        seq,
      gint64         lamport,
      VrtcOperation  op)
{
  return msg_make (session, seq, lamport, 1000.0 * lamport, 1, &op);
}

/* The bookkeeping next to the refs (vrtc_engine_check_refs) holds. */
static void
assert_refs_ok (VrtcEngine *engine)
{
  g_autofree char *error = vrtc_engine_check_refs (engine);

  g_assert_cmpstr (error, ==, NULL);
}

static void
receive (VrtcEngine  *engine,
         VrtcMessage *msg)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vrtc_engine_receive (engine, msg, NULL, &error));
  g_assert_no_error (error);
}

static void
edit (VrtcEngine    *engine,
      VrtcOperation  op)
{
  vrtc_engine_edit (engine, &op);
  vrtc_op_clear (&op);
}

static VrtcMessage *
commit1 (VrtcEngine    *engine,
         VrtcOperation  op)
{
  edit (engine, op);
  return vrtc_engine_commit (engine, 5000);
}

static char *
prop_json (VrtcEngine *engine,
           const char *key,
           const char *path)
{
  const VrtcValue *v = vrtc_engine_get_property (engine, key, path);

  return v ? vrtc_value_to_json (v) : NULL;
}

static char *
graph_json (VrtcEngine *engine)
{
  GString *out = g_string_new (NULL);

  vrtc_engine_write_graph (engine, out);
  return g_string_free (out, FALSE);
}

#define assert_prop(engine, key, path, expected) \
  G_STMT_START { \
    g_autofree char *_got = prop_json ((engine), (key), (path)); \
    g_assert_cmpstr (_got, ==, (expected)); \
  } G_STMT_END

/* ---- the seed's examples ---- */

static void
test_quickstart (void)
{
  VrtcEngine *e = vrtc_engine_new ("my-session");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL;
  VrtcNodeInfo info;

  m1 = commit1 (e, op_insert ("cube-1", "scene", "Mesh", NULL));
  m2 = commit1 (e, op_make ("cube-1", "vector3.add", "transform.position", "[1,0,0]"));
  assert_prop (e, "cube-1", "transform.position", "[1,0,0]");
  g_assert_cmpstr (m1->id, ==, "my-session:1");
  g_assert_cmpstr (m2->id, ==, "my-session:2");
  g_assert_cmpint (m2->lamport, ==, 2);
  g_assert_cmpuint (vrtc_clock_get (&m2->clock, "my-session"), ==, 2);
  g_assert_true (vrtc_engine_get_node (e, "cube-1", &info));
  g_assert_cmpstr (info.tag, ==, "Mesh");
  g_assert_cmpstr (info.parent, ==, "scene");
  g_assert_true (info.visible);
  g_assert_cmpuint (vrtc_engine_get_n_children (e, "scene"), ==, 1);
  g_assert_cmpstr (vrtc_engine_get_child (e, "scene", 0), ==, "cube-1");
  vrtc_engine_free (e);
}

static void
test_concurrent_add (void)
{
  VrtcEngine *a = vrtc_engine_new ("alice");
  VrtcEngine *b = vrtc_engine_new ("bob");
  g_autoptr(VrtcMessage) ma = NULL, mb = NULL;
  g_autofree char *ga = NULL, *gb = NULL;

  ma = commit1 (a, op_make ("cube", "vector3.add", "position", "[1,0,0]"));
  mb = commit1 (b, op_make ("cube", "vector3.add", "position", "[0,1,0]"));
  receive (a, mb);
  receive (b, ma);
  assert_prop (a, "cube", "position", "[1,1,0]");
  assert_prop (b, "cube", "position", "[1,1,0]");
  ga = graph_json (a);
  gb = graph_json (b);
  g_assert_cmpstr (ga, ==, gb);
  vrtc_engine_free (a);
  vrtc_engine_free (b);
}

static void
lww_case (const char *s5, gint64 l5, const char *v5,
          const char *s6, gint64 l6, const char *v6,
          const char *expected)
{
  for (guint order = 0; order < 2; order++)
    {
      VrtcEngine *e = vrtc_engine_new ("observer");
      g_autoptr(VrtcMessage) m5 = msg1 (s5, 1, l5, op_make ("n", "number.set", "x", v5));
      g_autoptr(VrtcMessage) m6 = msg1 (s6, 1, l6, op_make ("n", "number.set", "x", v6));

      receive (e, order ? m6 : m5);
      receive (e, order ? m5 : m6);
      assert_prop (e, "n", "x", expected);
      vrtc_engine_free (e);
    }
}

static void
test_lww_lamport (void)
{
  /* the set at Lamport 6 wins whichever arrives first, even from the "smaller" session */
  lww_case ("zed", 5, "5", "amy", 6, "6", "6");
}

static void
test_lww_session (void)
{
  /* equal Lamport times: the higher session id wins, in either order */
  lww_case ("alice", 7, "1", "bob", 7, "2", "2");
  lww_case ("bob", 7, "2", "alice", 7, "1", "2");
}

/* ---- every op type: exact result, identity, mismatch ---- */

typedef struct {
  const char *set_otype;   /* NULL: no set before the delta */
  const char *set_value;
  const char *otype;
  const char *value;
  const char *extras;
  const char *expected;    /* NULL: rejected, the value stays as the set left it */
} OpCase;

static const OpCase op_cases[] = {
  { "number.set", "2", "number.add", "3", NULL, "5" },
  { NULL, NULL, "number.add", "3", NULL, "3" },
  { "number.set", "2", "number.multiply", "3.5", NULL, "7" },
  { NULL, NULL, "number.multiply", "4", NULL, "4" },
  { "number.set", "2", "number.min", "-1", NULL, "-1" },
  { NULL, NULL, "number.min", "9", NULL, "9" },
  { "number.set", "2", "number.max", "1", NULL, "2" },
  { NULL, NULL, "number.max", "-9", NULL, "-9" },
  { "number.set", "0.1", "number.add", "0.2", NULL, "0.30000000000000004" },
  { "number.set", "1e308", "number.multiply", "10", NULL, NULL },
  { "string.set", "\"ab\"", "number.add", "1", NULL, NULL },
  { "number.set", "1", "number.add", "\"1\"", NULL, NULL },
  { "string.set", "\"foo\"", "string.concat", "\"bar\"", NULL, "\"foobar\"" },
  { NULL, NULL, "string.concat", "\"bar\"", NULL, "\"bar\"" },
  { "string.set", "\"a\"", "string.concat", "{\"value\":\"b\",\"separator\":\", \"}", NULL, "\"a, b\"" },
  { "string.set", "\"\"", "string.concat", "{\"value\":\"b\",\"separator\":\", \"}", NULL, "\"b\"" },
  { "string.set", "\"a\"", "string.concat", "\"b\"", "{\"separator\":\"/\"}", "\"a/b\"" },
  { "number.set", "1", "string.concat", "\"b\"", NULL, NULL },
  { "text.init", "\"héllo\"", "text.insert", "{\"position\":2,\"value\":\"XY\"}", NULL, "\"héXYllo\"" },
  { "text.init", "\"abc\"", "text.insert", "\"Z\"", "{\"position\":99}", "\"abcZ\"" },
  { NULL, NULL, "text.insert", "{\"position\":0,\"value\":\"new\"}", NULL, "\"new\"" },
  { "text.init", "\"abc\"", "text.insert", "{\"position\":-1,\"value\":\"x\"}", NULL, NULL },
  { "text.init", "\"h€llo\"", "text.delete", "{\"position\":1,\"length\":2}", NULL, "\"hlo\"" },
  { "text.init", "\"abc\"", "text.delete", "null", "{\"position\":1,\"length\":10}", "\"a\"" },
  { "text.init", "\"abc\"", "text.delete", "{\"position\":1}", NULL, NULL },
  { "boolean.set", "false", "boolean.or", "true", NULL, "true" },
  { NULL, NULL, "boolean.or", "false", NULL, "false" },
  { "boolean.set", "true", "boolean.and", "false", NULL, "false" },
  { NULL, NULL, "boolean.and", "true", NULL, "true" },
  { "boolean.set", "true", "boolean.and", "1", NULL, NULL },
  { "vector3.set", "[1,2,3]", "vector3.add", "[1,1,1]", NULL, "[2,3,4]" },
  { NULL, NULL, "vector3.add", "[0,0,0]", NULL, "[0,0,0]" },
  { "vector3.set", "[1,2,3]", "vector3.multiply", "[2,0,-1]", NULL, "[2,0,-3]" },
  { NULL, NULL, "vector3.multiply", "[5,6,7]", NULL, "[5,6,7]" },
  { "vector3.set", "[1,0,0]", "vector3.applyEuler", "[0,0,1.5707963267948966]", NULL, "[6.123233995736766e-17,1,0]" },
  { "vector3.set", "[0,1,0]", "vector3.applyEuler", "[1.5707963267948966,0,0]", NULL, "[0,6.123233995736766e-17,1]" },
  { "vector3.set", "[1,2,3]", "vector3.applyQuaternion", "[0,0,1,0]", NULL, "[-1,-2,3]" },
  { "vector3.set", "[1,2,3]", "vector3.applyQuaternion", "[0,0,-3,0]", NULL, "[-1,-2,3]" },
  { "vector3.set", "[1,2,3]", "vector3.applyQuaternion", "[0,0,0,2]", NULL, "[1,2,3]" },
  { "vector3.set", "[1,2,3]", "vector3.applyQuaternion", "[0,0,0,0]", NULL, NULL },
  { "vector3.set", "[1,2,3]", "vector3.add", "[1,2]", NULL, NULL },
  { "string.set", "\"x\"", "vector3.add", "[1,2,3]", NULL, NULL },
  /* the malformed set is rejected, so the add folds from the identity */
  { "vector3.set", "[1,2]", "vector3.add", "[1,2,3]", NULL, "[1,2,3]" },
  { "euler.set", "[0.5,0,0]", "euler.add", "[0.25,1,0]", NULL, "[0.75,1,0]" },
  { NULL, NULL, "euler.add", "[1,2,3]", NULL, "[1,2,3]" },
  { "quaternion.set", "[0,0,0,1]", "quaternion.multiply", "[1,0,0,0]", NULL, "[1,0,0,0]" },
  { "quaternion.set", "[1,0,0,0]", "quaternion.multiply", "[0,1,0,0]", NULL, "[0,0,1,0]" },
  { "quaternion.set", "[0,1,0,0]", "quaternion.multiply", "[1,0,0,0]", NULL, "[0,0,-1,0]" },
  { NULL, NULL, "quaternion.multiply", "[0.5,0.5,0.5,0.5]", NULL, "[0.5,0.5,0.5,0.5]" },
  { "quaternion.set", "[0,0,0,1]", "quaternion.multiply", "[0,0,1]", NULL, NULL },
  { "color.set", "\"#ff0000\"", "color.blend", "\"#0000ff\"", NULL, "\"#7f007f\"" },
  { "color.set", "\"#FF0000\"", "color.blend", "\"#00ff00\"", "{\"alpha\":0.25}", "\"#bf3f00\"" },
  { NULL, NULL, "color.blend", "\"#123456\"", NULL, "\"#123456\"" },
  { NULL, NULL, "color.blend", "\"#abc\"", NULL, "\"#aabbcc\"" },
  { "color.set", "\"red\"", "color.blend", "\"#0000ff\"", NULL, NULL },
  { "color.set", "\"#ff0000\"", "color.blend", "\"#0000ff\"", "{\"alpha\":2}", NULL },
  { "array.set", "[1,\"a\"]", "array.push", "{\"k\":1}", NULL, "[1,\"a\",{\"k\":1}]" },
  { NULL, NULL, "array.push", "1", NULL, "[1]" },
  { "array.set", "[1,2,3]", "array.union", "[3,4,4,5]", NULL, "[1,2,3,4,5]" },
  { "array.set", "[1,2]", "array.union", "2", NULL, "[1,2]" },
  { NULL, NULL, "array.union", "[\"a\",\"a\"]", NULL, "[\"a\"]" },
  { "array.set", "[1,2,1]", "array.remove", "1", NULL, "[2,1]" },
  { "array.set", "[1,2]", "array.remove", "7", NULL, "[1,2]" },
  { NULL, NULL, "array.remove", "7", NULL, "[]" },
  { "object.set", "{\"a\":1}", "array.push", "1", NULL, NULL },
  { "object.set", "{\"a\":1,\"b\":2}", "object.merge", "{\"b\":3,\"c\":4}", NULL, "{\"a\":1,\"b\":3,\"c\":4}" },
  { NULL, NULL, "object.merge", "{\"z\":1}", NULL, "{\"z\":1}" },
  { "object.set", "{\"a\":1}", "object.merge", "[1]", NULL, NULL },
};

static void
test_op_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (op_cases); i++)
    {
      const OpCase *c = &op_cases[i];
      VrtcEngine *e = vrtc_engine_new ("s");
      g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL;
      g_autofree char *before = NULL, *after = NULL;
      VrtcEntry *entry;

      g_test_message ("case %u: %s %s", i, c->otype, c->value);
      if (c->set_otype)
        m1 = commit1 (e, op_make ("n", c->set_otype, "p", c->set_value));
      before = prop_json (e, "n", "p");
      m2 = commit1 (e, op_extras (op_make ("n", c->otype, "p", c->value), c->extras));
      after = prop_json (e, "n", "p");
      entry = vrtc_engine_lookup_entry (e, m2->id);
      if (c->expected)
        {
          g_assert_cmpstr (after, ==, c->expected);
          g_assert_cmpuint (vrtc_entry_get_n_rejected (entry), ==, 0);
        }
      else
        {
          g_assert_cmpstr (after, ==, before);
          g_assert_cmpuint (vrtc_entry_get_n_rejected (entry), ==, 1);
        }
      vrtc_engine_free (e);
    }
}

static void
assert_vec_near (VrtcEngine   *e,
                 const double *want)
{
  const VrtcValue *v = vrtc_engine_get_property (e, "n", "p");

  g_assert_nonnull (v);
  g_assert_cmpint (v->kind, ==, VRTC_VALUE_VEC);
  g_assert_cmpuint (v->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (v->u.vec[i], want[i], 1e-12);
}

static void
test_rotations (void)
{
  static const struct {
    const char *start, *otype, *value;
    double want[3];
  } cases[] = {
    /* 90 degrees about Z, right-handed: X goes to Y */
    { "[1,0,0]", "vector3.applyQuaternion", "[0,0,0.7071067811865476,0.7071067811865476]", { 0, 1, 0 } },
    { "[1,0,0]", "vector3.applyQuaternion", "[0,0,1,1]", { 0, 1, 0 } },
    /* 90 degrees about X: Y goes to Z */
    { "[0,1,0]", "vector3.applyQuaternion", "[0.7071067811865476,0,0,0.7071067811865476]", { 0, 0, 1 } },
    /* X first, then Y: Y -> Z -> X (the other order would give Z) */
    { "[0,1,0]", "vector3.applyEuler", "[1.5707963267948966,1.5707963267948966,0]", { 1, 0, 0 } },
    /* then Z: X -> Y */
    { "[0,1,0]", "vector3.applyEuler", "[1.5707963267948966,1.5707963267948966,1.5707963267948966]", { 0, 1, 0 } },
    { "[3,4,5]", "vector3.applyEuler", "[0,0,0]", { 3, 4, 5 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VrtcEngine *e = vrtc_engine_new ("s");
      g_autoptr(VrtcMessage) m1 = commit1 (e, op_make ("n", "vector3.set", "p", cases[i].start));
      g_autoptr(VrtcMessage) m2 = commit1 (e, op_make ("n", cases[i].otype, "p", cases[i].value));

      assert_vec_near (e, cases[i].want);
      vrtc_engine_free (e);
    }
}

static void
test_op_table_complete (void)
{
  static const char *expected[] = {
    "number.set", "number.add", "number.multiply", "number.min", "number.max",
    "string.set", "string.concat", "text.init", "text.insert", "text.delete",
    "boolean.set", "boolean.or", "boolean.and",
    "vector3.set", "vector3.add", "vector3.multiply", "vector3.applyEuler",
    "vector3.applyQuaternion", "euler.set", "euler.add", "quaternion.set",
    "quaternion.multiply", "color.set", "color.blend", "array.set", "array.push",
    "array.union", "array.remove", "object.set", "object.merge", "node.insert",
    "node.remove", "node.move", "meta.undo", "meta.redo",
  };
  guint n;

  vrtc_optable_rows (&n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (vrtc_optable_lookup (expected[i])->kind, !=, VRTC_OP_KIND_UNSUPPORTED);
  g_assert_cmpint (vrtc_optable_lookup ("vector4.add")->kind, ==, VRTC_OP_KIND_UNSUPPORTED);
}

static void
test_set_types_checked (void)
{
  VrtcEngine *e = vrtc_engine_new ("s");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL, m3 = NULL;

  m1 = commit1 (e, op_make ("n", "vector3.set", "p", "[1,2,3]"));
  /* a malformed set does not win, even though it is newer */
  m2 = commit1 (e, op_make ("n", "vector3.set", "p", "[1,2]"));
  assert_prop (e, "n", "p", "[1,2,3]");
  g_assert_cmpuint (vrtc_entry_get_n_rejected (vrtc_engine_lookup_entry (e, m2->id)), ==, 1);
  /* a set of another type replaces the value (LWW) */
  m3 = commit1 (e, op_make ("n", "string.set", "p", "\"now a string\""));
  assert_prop (e, "n", "p", "\"now a string\"");
  vrtc_engine_free (e);
}

/* ---- ordering: deltas fold in stamp order above the winning set ---- */

static void
test_fold_order (void)
{
  /* set 10 @1, add 5 @3, multiply 2 @2: stamp order gives (10*2)+5 = 25 */
  g_autoptr(VrtcMessage) a = msg1 ("a", 1, 1, op_make ("n", "number.set", "x", "10"));
  g_autoptr(VrtcMessage) b = msg1 ("b", 1, 3, op_make ("n", "number.add", "x", "5"));
  g_autoptr(VrtcMessage) c = msg1 ("c", 1, 2, op_make ("n", "number.multiply", "x", "2"));
  g_autoptr(VrtcMessage) d = msg1 ("d", 1, 0, op_make ("n", "number.add", "x", "1000"));
  VrtcMessage *orders[][4] = {
    { a, b, c, d }, { d, c, b, a }, { b, a, d, c }, { c, d, a, b },
  };

  for (guint o = 0; o < G_N_ELEMENTS (orders); o++)
    {
      VrtcEngine *e = vrtc_engine_new ("obs");

      for (guint i = 0; i < 4; i++)
        receive (e, orders[o][i]);
      /* d is below the winning set: superseded */
      assert_prop (e, "n", "x", "25");
      vrtc_engine_free (e);
    }
}

static void
test_duplicate (void)
{
  VrtcEngine *e = vrtc_engine_new ("obs");
  g_autoptr(VrtcMessage) m = msg1 ("a", 1, 1, op_make ("n", "number.add", "x", "5"));
  VrtcReceiveResult result;

  g_assert_true (vrtc_engine_receive (e, m, &result, NULL));
  g_assert_cmpint (result, ==, VRTC_RECEIVE_APPLIED);
  g_assert_true (vrtc_engine_receive (e, m, &result, NULL));
  g_assert_cmpint (result, ==, VRTC_RECEIVE_DUPLICATE);
  assert_prop (e, "n", "x", "5");
  g_assert_cmpuint (vrtc_engine_journal_length (e), ==, 1);
  vrtc_engine_free (e);
}

static void
test_bad_id (void)
{
  VrtcEngine *e = vrtc_engine_new ("obs");
  g_autoptr(VrtcMessage) m = msg1 ("a", 1, 1, op_make ("n", "number.add", "x", "5"));
  g_autoptr(GError) error = NULL;
  g_autofree char *before = graph_json (e), *after = NULL;

  g_free (m->id);
  m->id = g_strdup ("b:1");
  g_assert_false (vrtc_engine_receive (e, m, NULL, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_ID_MISMATCH);
  g_assert_nonnull (strstr (error->message, "id"));
  after = graph_json (e);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (vrtc_engine_journal_length (e), ==, 0);
  vrtc_engine_free (e);
}

static void
test_unknown_otype (void)
{
  VrtcEngine *e = vrtc_engine_new ("obs");
  g_autoptr(VrtcMessage) m = msg1 ("a", 1, 1, op_make ("n", "vector4.add", "x", "[1,2,3,4]"));
  VrtcEntry *entry;

  receive (e, m);
  entry = vrtc_engine_journal_get (e, 0);
  g_assert_cmpuint (vrtc_entry_get_n_unsupported (entry), ==, 1);
  g_assert_null (vrtc_engine_get_property (e, "n", "x"));
  vrtc_engine_free (e);
}

/* ---- nodes ---- */

static void
test_nodes (void)
{
  VrtcEngine *e = vrtc_engine_new ("obs");
  g_autoptr(VrtcMessage) early = msg1 ("a", 1, 1, op_make ("late", "number.set", "x", "1"));
  g_autoptr(VrtcMessage) i1 = msg1 ("a", 2, 2, op_insert ("g", "scene", "Group", "{\"name\":\"G\",\"visible\":true}"));
  g_autoptr(VrtcMessage) i2 = msg1 ("b", 1, 3, op_insert ("late", "g", "Mesh", NULL));
  g_autoptr(VrtcMessage) i3 = msg1 ("c", 1, 2, op_insert ("first", "g", "Mesh", NULL));
  g_autoptr(VrtcMessage) rm = msg1 ("a", 3, 4, op_make ("g", "node.remove", "", NULL));
  g_autoptr(VrtcMessage) back = msg1 ("b", 2, 5, op_insert ("g", "scene", "Group", NULL));
  VrtcNodeInfo info;

  receive (e, early);
  /* an op on a key with no insert yet is kept, the node does not exist */
  g_assert_false (vrtc_engine_get_node (e, "late", &info));
  receive (e, i1);
  receive (e, i2);
  receive (e, i3);
  g_assert_true (vrtc_engine_get_node (e, "late", &info));
  assert_prop (e, "late", "x", "1");
  assert_prop (e, "g", "visible", "true");
  /* children by first insert stamp: (2,"c") before (3,"b") */
  g_assert_cmpuint (vrtc_engine_get_n_children (e, "g"), ==, 2);
  g_assert_cmpstr (vrtc_engine_get_child (e, "g", 0), ==, "first");
  g_assert_cmpstr (vrtc_engine_get_child (e, "g", 1), ==, "late");

  receive (e, rm);
  g_assert_true (vrtc_engine_get_node (e, "g", &info));
  g_assert_false (info.live);
  g_assert_cmpuint (vrtc_engine_get_n_children (e, "scene"), ==, 0);
  g_assert_true (vrtc_engine_get_node (e, "late", &info));
  g_assert_true (info.live);
  g_assert_false (info.visible);
  /* properties survive the remove */
  assert_prop (e, "g", "visible", "true");

  receive (e, back);
  g_assert_true (vrtc_engine_get_node (e, "g", &info));
  g_assert_true (info.live);
  g_assert_cmpuint (vrtc_engine_get_n_children (e, "scene"), ==, 1);
  g_assert_true (vrtc_engine_get_node (e, "late", &info));
  g_assert_true (info.visible);
  vrtc_engine_free (e);
}

/* A node with far more properties than PROPS_SCAN_MAX (crdt-benchmarks C1.2): each one is
 * found, whatever the order they arrived in, and a loaded node that drops some keeps the rest. */
static void
test_many_properties (void)
{
  const guint n = 300;
  VrtcEngine *forward = vrtc_engine_new ("me");
  VrtcEngine *backward = vrtc_engine_new ("me");
  VrtcEngine *loaded = vrtc_engine_new ("me");
  GString *graph = g_string_new ("{\"key\":\"n\",\"tag\":\"Mesh\",\"name\":\"\",\"children\":[],\"lamportTime\":1");
  GString *stamps = g_string_new ("{\"insert\":[1,\"a\",0],\"parent\":[\"scene\"],\"props\":{");
  VrtcValue gv = VRTC_VALUE_INIT, sv = VRTC_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *g1 = NULL, *g2 = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *session = g_strdup_printf ("s%u", i);
      g_autofree char *path = g_strdup_printf ("p%u", i);
      g_autofree char *value = g_strdup_printf ("%u", i);
      g_autoptr(VrtcMessage) m = msg1 (session, 1, 1, op_make ("n", "number.set", path, value));
      g_autofree char *rsession = g_strdup_printf ("s%u", n - 1 - i);
      g_autofree char *rpath = g_strdup_printf ("p%u", n - 1 - i);
      g_autofree char *rvalue = g_strdup_printf ("%u", n - 1 - i);
      g_autoptr(VrtcMessage) r = msg1 (rsession, 1, 1, op_make ("n", "number.set", rpath, rvalue));

      receive (forward, m);
      receive (backward, r);
      /* every property made so far is still found after the index grew */
      if (i == 17 || i == 100)
        for (guint j = 0; j <= i; j++)
          {
            g_autofree char *pj = g_strdup_printf ("p%u", j);
            g_autofree char *vj = g_strdup_printf ("%u", j);

            assert_prop (forward, "n", pj, vj);
          }
      g_string_append_printf (stamps, "%s\"%s\":[1,\"a\",0]", i ? "," : "", path);
      /* the graph gives every other property a value: the rest are dropped at load */
      if (i % 2 == 0)
        g_string_append_printf (graph, ",\"%s\":%u", path, i);
    }
  g_string_append (graph, "}");
  g_string_append (stamps, "}}");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("p%u", i);
      g_autofree char *value = g_strdup_printf ("%u", i);

      assert_prop (forward, "n", path, value);
      assert_prop (backward, "n", path, value);
    }
  g_assert_null (vrtc_engine_get_property (forward, "n", "p300"));
  g_assert_null (vrtc_engine_get_property (forward, "n", "nowhere"));
  g1 = graph_json (forward);
  g2 = graph_json (backward);
  g_assert_cmpstr (g1, ==, g2);
  assert_refs_ok (backward);

  parse_value (graph->str, &gv);
  parse_value (stamps->str, &sv);
  g_assert_true (vrtc_engine_load_stamps (loaded, "n", &sv, &error));
  g_assert_true (vrtc_engine_load_graph_node (loaded, "n", &gv, &error));
  g_assert_true (vrtc_engine_load_finish (loaded, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("p%u", i);
      g_autofree char *value = g_strdup_printf ("%u", i);

      if (i % 2 == 0)
        assert_prop (loaded, "n", path, value);
      else
        g_assert_null (vrtc_engine_get_property (loaded, "n", path));
    }
  vrtc_value_clear (&gv);
  vrtc_value_clear (&sv);
  g_string_free (graph, TRUE);
  g_string_free (stamps, TRUE);
  vrtc_engine_free (forward);
  vrtc_engine_free (backward);
  vrtc_engine_free (loaded);
}

/* The registers a node.insert gives share the node's list of inserts until either changes:
 * a later set, a second concurrent insert, an undo of the insert and a cancelled pending
 * insert each leave every replica with the same state and sound bookkeeping. */
static void
test_insert_shared_refs (void)
{
  VrtcEngine *a = vrtc_engine_new ("alice");
  VrtcEngine *b = vrtc_engine_new ("bob");
  VrtcEngine *c = vrtc_engine_new ("carol");
  g_autoptr(VrtcMessage) ia = NULL, ib = NULL, set = NULL, u = NULL;
  g_autofree char *ga = NULL, *gb = NULL, *gc = NULL, *before = NULL, *after = NULL;

  ia = commit1 (a, op_insert ("n", NULL, "Mesh", "{\"x\":1,\"y\":2,\"label\":\"a\"}"));
  assert_refs_ok (a);
  /* bob inserts the same key concurrently, naming x and a new z: his stamp is higher */
  ib = commit1 (b, op_insert ("n", NULL, "Mesh", "{\"x\":10,\"z\":30}"));
  receive (a, ib);
  assert_refs_ok (a);
  assert_prop (a, "n", "x", "10");
  assert_prop (a, "n", "y", "2");
  assert_prop (a, "n", "z", "30");
  /* a set on one of alice's registers */
  set = commit1 (a, op_make ("n", "number.set", "y", "5"));
  assert_refs_ok (a);
  assert_prop (a, "n", "y", "5");

  /* undoing bob's insert brings alice's x back; the others are unchanged */
  receive (b, ia);
  receive (b, set);
  u = vrtc_engine_undo (b, 9000);
  g_assert_nonnull (u);
  g_assert_cmpstr (u->ops[0].target_msg_id, ==, ib->id);
  receive (a, u);
  assert_refs_ok (a);
  assert_refs_ok (b);
  assert_prop (a, "n", "x", "1");
  assert_prop (b, "n", "x", "1");
  g_assert_null (vrtc_engine_get_property (a, "n", "z"));

  /* carol gets them in another order */
  receive (c, u);
  receive (c, set);
  receive (c, ib);
  receive (c, ia);
  assert_refs_ok (c);
  ga = graph_json (a);
  gb = graph_json (b);
  gc = graph_json (c);
  g_assert_cmpstr (ga, ==, gb);
  g_assert_cmpstr (ga, ==, gc);

  /* a pending insert of a new node, cancelled, leaves nothing behind */
  before = graph_json (c);
  edit (c, op_insert ("m", NULL, "Mesh", "{\"p\":1,\"q\":2}"));
  assert_prop (c, "m", "p", "1");
  assert_refs_ok (c);
  vrtc_engine_cancel_edits (c);
  assert_refs_ok (c);
  g_assert_null (vrtc_engine_get_property (c, "m", "p"));
  after = graph_json (c);
  g_assert_cmpstr (after, ==, before);

  vrtc_engine_free (a);
  vrtc_engine_free (b);
  vrtc_engine_free (c);
}

static void
test_root_not_removable (void)
{
  VrtcEngine *e = vrtc_engine_new ("obs");
  g_autoptr(VrtcMessage) m = msg1 ("a", 1, 1, op_make ("scene", "node.remove", "", NULL));
  VrtcNodeInfo info;

  receive (e, m);
  g_assert_true (vrtc_engine_get_node (e, "scene", &info));
  g_assert_true (info.live);
  g_assert_cmpuint (vrtc_entry_get_n_rejected (vrtc_engine_journal_get (e, 0)), ==, 1);
  vrtc_engine_free (e);
}

static VrtcOperation
op_move (const char *key,
         const char *parent)
{
  VrtcOperation op = op_make (key, "node.move", "", NULL);

  op.parent_key = g_strdup (parent);
  return op;
}

static void
test_move_cycle (void)
{
  g_autoptr(VrtcMessage) ia = msg1 ("s", 1, 1, op_insert ("a", "scene", "Group", NULL));
  g_autoptr(VrtcMessage) ib = msg1 ("s", 2, 2, op_insert ("b", "scene", "Group", NULL));
  g_autoptr(VrtcMessage) ma = msg1 ("x", 1, 3, op_move ("a", "b"));
  g_autoptr(VrtcMessage) mb = msg1 ("y", 1, 3, op_move ("b", "a"));
  VrtcMessage *orders[][4] = { { ia, ib, ma, mb }, { mb, ma, ib, ia }, { ia, mb, ib, ma } };
  g_autofree char *first = NULL;

  for (guint o = 0; o < G_N_ELEMENTS (orders); o++)
    {
      VrtcEngine *e = vrtc_engine_new ("obs");
      VrtcNodeInfo info;
      g_autofree char *json = NULL;

      for (guint i = 0; i < 4; i++)
        receive (e, orders[o][i]);
      /* the move stamped (3,"y") would close the cycle: it is the one ignored */
      g_assert_true (vrtc_engine_get_node (e, "a", &info));
      g_assert_cmpstr (info.parent, ==, "b");
      g_assert_true (vrtc_engine_get_node (e, "b", &info));
      g_assert_cmpstr (info.parent, ==, "scene");
      g_assert_true (info.visible);
      json = graph_json (e);
      if (first == NULL)
        first = g_steal_pointer (&json);
      else
        g_assert_cmpstr (json, ==, first);
      vrtc_engine_free (e);
    }
}

/* ---- undo / redo ---- */

static void
test_undo_redo_across_sessions (void)
{
  VrtcEngine *a = vrtc_engine_new ("alice");
  VrtcEngine *b = vrtc_engine_new ("bob");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL, m3 = NULL, u = NULL, r = NULL;

  m1 = commit1 (a, op_make ("n", "number.set", "x", "1"));
  receive (b, m1);
  m2 = commit1 (a, op_make ("n", "number.add", "x", "10"));
  m3 = commit1 (b, op_make ("n", "number.add", "x", "100"));
  receive (b, m2);
  receive (a, m3);
  assert_prop (a, "n", "x", "111");

  g_assert_true (vrtc_engine_can_undo (a));
  u = vrtc_engine_undo (a, 9000);
  g_assert_nonnull (u);
  g_assert_cmpstr (u->ops[0].otype, ==, "meta.undo");
  g_assert_cmpstr (u->ops[0].target_msg_id, ==, m2->id);
  assert_prop (a, "n", "x", "101");
  receive (b, u);
  assert_prop (b, "n", "x", "101");
  g_assert_true (vrtc_entry_is_undone (vrtc_engine_lookup_entry (b, m2->id)));
  g_assert_cmpfloat (vrtc_entry_get_deleted_at (vrtc_engine_lookup_entry (b, m2->id)), ==, 9000);

  g_assert_true (vrtc_engine_can_redo (a));
  r = vrtc_engine_redo (a, 9500);
  g_assert_cmpstr (r->ops[0].otype, ==, "meta.redo");
  receive (b, r);
  assert_prop (a, "n", "x", "111");
  assert_prop (b, "n", "x", "111");
  g_assert_false (vrtc_engine_can_redo (a));
  vrtc_engine_free (a);
  vrtc_engine_free (b);
}

static void
test_undo_set_restores_previous (void)
{
  VrtcEngine *e = vrtc_engine_new ("s");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL, m3 = NULL, u = NULL, u2 = NULL;

  m1 = commit1 (e, op_insert ("box", "scene", "Mesh", "{\"color\":\"#ffffff\"}"));
  m2 = commit1 (e, op_make ("box", "color.set", "color", "\"#ff0000\""));
  m3 = commit1 (e, op_make ("box", "color.blend", "color", "\"#0000ff\""));
  assert_prop (e, "box", "color", "\"#7f007f\"");
  u = vrtc_engine_undo (e, 1);
  assert_prop (e, "box", "color", "\"#ff0000\"");
  u2 = vrtc_engine_undo (e, 2);
  assert_prop (e, "box", "color", "\"#ffffff\"");
  vrtc_msg_unref (vrtc_engine_undo (e, 3));
  g_assert_cmpuint (vrtc_engine_get_n_children (e, "scene"), ==, 0);
  g_assert_false (vrtc_engine_can_undo (e));
  vrtc_engine_free (e);
}

/* undo() walks back through own commits, redo() brings back the one undone most recently,
 * whoever undid it; a redo in the middle makes that message the next undo() target again */
static void
test_undo_redo_stack_order (void)
{
  VrtcEngine *e = vrtc_engine_new ("s");
  VrtcEngine *peer = vrtc_engine_new ("p");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL, m3 = NULL, m4 = NULL;
  VrtcMessage *u, *remote_undo;
  double ts = 10;

  m1 = commit1 (e, op_make ("n", "number.set", "a", "1"));
  m2 = commit1 (e, op_make ("n", "number.set", "b", "1"));
  m3 = commit1 (e, op_make ("n", "number.set", "c", "1"));
  m4 = commit1 (e, op_make ("n", "number.set", "d", "1"));
  g_assert_false (vrtc_engine_can_redo (e));

  /* undo d, c, b: each the next older one */
  for (const char *const *p = (const char *const[]) { "d", "c", "b", NULL }; *p; p++)
    {
      vrtc_msg_unref (vrtc_engine_undo (e, ts++));
      g_assert_null (vrtc_engine_get_property (e, "n", *p));
    }
  assert_prop (e, "n", "a", "1");
  /* redo brings back b (undone last), then c */
  vrtc_msg_unref (vrtc_engine_redo (e, ts++));
  assert_prop (e, "n", "b", "1");
  g_assert_null (vrtc_engine_get_property (e, "n", "c"));
  vrtc_msg_unref (vrtc_engine_redo (e, ts++));
  assert_prop (e, "n", "c", "1");
  g_assert_null (vrtc_engine_get_property (e, "n", "d"));
  /* b and c are live again: undo takes c, the newest not-undone commit, not a */
  u = vrtc_engine_undo (e, ts++);
  g_assert_null (vrtc_engine_get_property (e, "n", "c"));
  assert_prop (e, "n", "b", "1");

  /* a peer that has seen that undo undoes a: its stamp is now the newest undo, so redo()
   * brings a back first */
  receive (peer, m1);
  receive (peer, u);
  vrtc_msg_unref (u);
  remote_undo = vrtc_engine_undo_message (peer, m1->id, FALSE, ts++, NULL);
  g_assert_nonnull (remote_undo);
  receive (e, remote_undo);
  g_assert_null (vrtc_engine_get_property (e, "n", "a"));
  u = vrtc_engine_redo (e, ts++);
  g_assert_nonnull (u);
  assert_prop (e, "n", "a", "1");
  g_assert_null (vrtc_engine_get_property (e, "n", "c"));
  vrtc_msg_unref (u);
  /* then c (undone after d), then d, then nothing */
  vrtc_msg_unref (vrtc_engine_redo (e, ts++));
  assert_prop (e, "n", "c", "1");
  vrtc_msg_unref (vrtc_engine_redo (e, ts++));
  assert_prop (e, "n", "d", "1");
  g_assert_false (vrtc_engine_can_redo (e));
  g_assert_null (vrtc_engine_redo (e, ts++));
  /* and undo walks all four back again */
  for (int i = 0; i < 4; i++)
    vrtc_msg_unref (vrtc_engine_undo (e, ts++));
  g_assert_false (vrtc_engine_can_undo (e));
  g_assert_null (vrtc_engine_get_property (e, "n", "a"));
  vrtc_msg_unref (remote_undo);
  vrtc_engine_free (peer);
  vrtc_engine_free (e);
}

/*
 * Long registers refold from a kept checkpoint when an op arrives late. Floating-point sums
 * depend on the order, so folding from a wrong state or in a wrong order shows in the value:
 * every replica, whatever order the messages came in (and with undos and previews on the
 * way), must give the bytes and the rejected counts of the one that got them in order.
 */
static void
test_late_deltas_long_register (void)
{
  static const char *const deltas[] = { "[0.1,1e16,3]", "[0.2,-1e16,0.7]", "[1e-3,1,1e15]",
                                        "[0.3,0.1,-1e15]", "[7,2.5,1e-7]" };
  g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  VrtcEngine *in_order = vrtc_engine_new ("observer");
  g_autofree char *expected = NULL;
  VrtcOperation undo;

  g_ptr_array_add (msgs, msg1 ("s0", 1, 1, op_insert ("n", "scene", "Mesh",
                                                      "{\"p\":[0,0,0],\"x\":0}")));
  /* 3 sessions x 60 messages: mostly vector deltas on p, a few sets, a wrong-type delta,
   * number deltas on x; lamports interleave so late arrivals land in the middle */
  for (guint seq = 1; seq <= 60; seq++)
    for (guint s = 0; s < 3; s++)
      {
        g_autofree char *session = g_strdup_printf ("s%u", s);
        guint64 my_seq = s == 0 ? seq + 1 : seq;
        VrtcOperation op;

        if (seq % 23 == 0 && s == 1)
          op = op_make ("n", "vector3.set", "p", "[1.5,-2.5,0.25]");
        else if (seq % 17 == 0)
          op = op_make ("n", "number.add", "p", "1");   /* wrong type: rejected */
        else if (seq % 5 == 0)
          op = op_make ("n", "number.add", "x", "0.1");
        else
          op = op_make ("n", "vector3.add", "p", deltas[(seq + s) % G_N_ELEMENTS (deltas)]);
        g_ptr_array_add (msgs, msg1 (session, my_seq, 1 + seq + (s * 7 + seq) % 5, op));
      }
  /* an undo of a delta in the middle */
  undo = op_make ("", "meta.undo", "", NULL);
  undo.target_msg_id = g_strdup ("s2:30");
  g_ptr_array_add (msgs, msg1 ("s2", 61, 90, undo));

  for (guint i = 0; i < msgs->len; i++)
    receive (in_order, g_ptr_array_index (msgs, i));
  expected = graph_json (in_order);

  for (guint round = 0; round < 12; round++)
    {
      VrtcEngine *e = vrtc_engine_new ("me");
      g_autoptr(GPtrArray) order = g_ptr_array_copy (msgs, NULL, NULL);
      g_autofree char *got = NULL;

      g_ptr_array_set_free_func (order, NULL);   /* msgs owns them */
      /* a shuffle; in some rounds the first 100 go in order first, so that the registers
       * are long (and have checkpoints) before the late ones come */
      for (guint i = round % 2 ? 100 : 0; i + 1 < order->len; i++)
        {
          guint j = g_rand_int_range (rand, (gint32) i, (gint32) order->len);
          gpointer t = order->pdata[i];

          order->pdata[i] = order->pdata[j];
          order->pdata[j] = t;
        }
      for (guint i = 0; i < order->len; i++)
        {
          receive (e, g_ptr_array_index (order, i));
          assert_refs_ok (e);
          if (i % 37 == 36)
            {
              /* a preview of an own edit, then cancelled: the state must come back exactly */
              edit (e, op_make ("n", "vector3.add", "p", "[0.5,0.5,0.5]"));
              assert_refs_ok (e);
              vrtc_engine_cancel_edits (e);
              assert_refs_ok (e);
            }
        }
      got = graph_json (e);
      g_assert_cmpstr (got, ==, expected);
      for (guint i = 0; i < msgs->len; i++)
        {
          const char *id = ((VrtcMessage *) g_ptr_array_index (msgs, i))->id;

          g_assert_cmpuint (vrtc_entry_get_n_rejected (vrtc_engine_lookup_entry (e, id)), ==,
                            vrtc_entry_get_n_rejected (vrtc_engine_lookup_entry (in_order, id)));
        }
      vrtc_engine_free (e);
    }
  vrtc_engine_free (in_order);
}

typedef struct {
  VrtcEngine *engine;
  GPtrArray  *seen;     /* "key.path=value" per property_changed */
} Changes;

static void
changes_property (gpointer    data,
                  const char *key,
                  const char *path)
{
  Changes *c = data;
  const VrtcValue *v = vrtc_engine_get_property (c->engine, key, path);
  g_autofree char *json = v != NULL ? vrtc_value_to_json (v) : g_strdup ("none");

  g_ptr_array_add (c->seen, g_strdup_printf ("%s.%s=%s", key, path, json));
}

/* An undo of a message with two ops on one register refolds it with both ops undone at
 * once: listeners see the final value only, never a state with one of them still active
 * (the folds read each ref's copy of the undone state, so all copies change before any
 * refold). The copies are checked after each step. */
static void
test_undo_two_ops_one_register (void)
{
  VrtcEngine *e = vrtc_engine_new ("obs");
  VrtcEngine *b = vrtc_engine_new ("b");
  VrtcOperation two[2];
  g_autoptr(VrtcMessage) setup = msg1 ("a", 1, 1, op_insert ("n", "scene", "Mesh",
                                                              "{\"p\":[1,1,1]}"));
  g_autoptr(VrtcMessage) both = NULL;
  g_autoptr(VrtcMessage) undo = NULL;
  g_autoptr(VrtcMessage) redo = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  Changes changes = { e, seen };
  VrtcEngineListener listener = { .property_changed = changes_property };

  two[0] = op_make ("n", "vector3.add", "p", "[1,0,0]");
  two[1] = op_make ("n", "vector3.add", "p", "[0,2,0]");
  both = msg_make ("b", 1, 2, 2000, 2, two);
  receive (b, setup);
  receive (b, both);
  undo = vrtc_engine_undo_message (b, "b:1", FALSE, 3000, NULL);
  redo = vrtc_engine_undo_message (b, "b:1", TRUE, 4000, NULL);
  g_assert_nonnull (undo);
  g_assert_nonnull (redo);

  receive (e, setup);
  receive (e, both);
  assert_refs_ok (e);
  /* a pending set and delta, then cancelled: their refs leave the register again */
  edit (e, op_make ("n", "vector3.set", "p", "[5,5,5]"));
  edit (e, op_make ("n", "vector3.add", "p", "[1,1,1]"));
  assert_refs_ok (e);
  vrtc_engine_cancel_edits (e);
  assert_refs_ok (e);
  vrtc_engine_set_listener (e, &listener, &changes);
  receive (e, undo);
  assert_refs_ok (e);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "n.p=[1,1,1]");
  receive (e, redo);
  assert_refs_ok (e);
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (seen, 1), ==, "n.p=[2,3,1]");
  vrtc_engine_free (e);
  vrtc_engine_free (b);
}

static void
test_meta_before_target (void)
{
  g_autoptr(VrtcMessage) m = msg1 ("a", 1, 1, op_make ("n", "number.set", "x", "1"));
  VrtcOperation undo = op_make ("n", "meta.undo", "", NULL);
  g_autoptr(VrtcMessage) u = NULL;
  VrtcEngine *e = vrtc_engine_new ("obs");

  undo.target_msg_id = g_strdup ("a:1");
  u = msg1 ("a", 2, 2, undo);
  receive (e, u);
  receive (e, m);
  g_assert_null (vrtc_engine_get_property (e, "n", "x"));
  g_assert_true (vrtc_entry_is_undone (vrtc_engine_lookup_entry (e, "a:1")));
  vrtc_engine_free (e);
}

/* ---- journal: acks, unacked, compaction ---- */

static void
test_acks_unacked (void)
{
  VrtcEngine *e = vrtc_engine_new ("me");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL, m3 = NULL, remote = NULL;
  g_autoptr(GPtrArray) unacked = NULL, unacked2 = NULL;

  m1 = commit1 (e, op_make ("n", "number.set", "x", "1"));
  m2 = commit1 (e, op_make ("n", "number.set", "y", "1"));
  remote = msg1 ("other", 1, 1, op_make ("n", "number.set", "z", "1"));
  receive (e, remote);
  m3 = commit1 (e, op_make ("n", "number.set", "w", "1"));
  g_assert_false (vrtc_entry_is_acked (vrtc_engine_lookup_entry (e, m1->id)));
  g_assert_true (vrtc_entry_is_acked (vrtc_engine_lookup_entry (e, remote->id)));

  g_assert_true (vrtc_engine_ack (e, m1->id));
  g_assert_false (vrtc_engine_ack (e, "me:99"));
  unacked = vrtc_engine_get_unacked (e);
  g_assert_cmpuint (unacked->len, ==, 2);
  g_assert_true (g_ptr_array_index (unacked, 0) == m2);
  g_assert_true (g_ptr_array_index (unacked, 1) == m3);

  /* undone messages are not resent */
  vrtc_msg_unref (vrtc_engine_undo (e, 1));
  unacked2 = vrtc_engine_get_unacked (e);
  g_assert_cmpuint (unacked2->len, ==, 2);
  g_assert_true (g_ptr_array_index (unacked2, 0) == m2);
  g_assert_cmpstr (((VrtcMessage *) g_ptr_array_index (unacked2, 1))->ops[0].otype, ==, "meta.undo");
  vrtc_engine_free (e);
}

static void
test_compact_then_undo (void)
{
  VrtcEngine *e = vrtc_engine_new ("me");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL, m3 = NULL;
  g_autofree char *before = NULL, *after = NULL;

  m1 = commit1 (e, op_insert ("n", "scene", "Mesh", NULL));
  m2 = commit1 (e, op_make ("n", "number.set", "x", "1"));
  m3 = commit1 (e, op_make ("n", "number.add", "x", "5"));
  vrtc_engine_ack (e, m1->id);
  vrtc_engine_ack (e, m2->id);
  before = graph_json (e);
  /* m3 is not acked: only the first two fold */
  g_assert_cmpuint (vrtc_engine_compact (e), ==, 2);
  g_assert_cmpuint (vrtc_engine_journal_length (e), ==, 1);
  g_assert_cmpuint (vrtc_engine_journal_offset (e), ==, 2);
  g_assert_nonnull (vrtc_engine_get_snapshot_json (e));
  g_assert_nonnull (strstr (vrtc_engine_get_snapshot_json (e), "\"journalIndex\":2"));
  after = graph_json (e);
  g_assert_cmpstr (before, ==, after);

  vrtc_msg_unref (vrtc_engine_undo (e, 1));
  assert_prop (e, "n", "x", "1");
  /* a compacted message can still be undone: the registers kept its stamp */
  vrtc_msg_unref (vrtc_engine_undo (e, 2));
  g_assert_null (vrtc_engine_get_property (e, "n", "x"));
  vrtc_engine_free (e);
}

static void
test_compact_late_set (void)
{
  /* a set that arrives after compaction with a stamp between folded ops compares right */
  VrtcEngine *e = vrtc_engine_new ("me");
  VrtcEngine *fresh = vrtc_engine_new ("me");
  g_autoptr(VrtcMessage) a = msg1 ("a", 1, 1, op_make ("n", "number.set", "x", "1"));
  g_autoptr(VrtcMessage) b = msg1 ("b", 1, 5, op_make ("n", "number.add", "x", "10"));
  g_autoptr(VrtcMessage) late = msg1 ("c", 1, 3, op_make ("n", "number.set", "x", "100"));
  g_autofree char *g1 = NULL, *g2 = NULL;

  receive (e, a);
  receive (e, b);
  g_assert_cmpuint (vrtc_engine_compact (e), ==, 2);
  receive (e, late);
  assert_prop (e, "n", "x", "110");
  receive (fresh, late);
  receive (fresh, b);
  receive (fresh, a);
  g1 = graph_json (e);
  g2 = graph_json (fresh);
  g_assert_cmpstr (g1, ==, g2);
  vrtc_engine_free (e);
  vrtc_engine_free (fresh);
}

/* ---- pending edits ---- */

static void
test_pending_cancel (void)
{
  VrtcEngine *e = vrtc_engine_new ("me");
  g_autoptr(VrtcMessage) m1 = NULL, remote = NULL, c = NULL;
  g_autofree char *before = NULL, *during = NULL, *after = NULL;

  m1 = commit1 (e, op_insert ("n", "scene", "Mesh", "{\"p\":[1,2,3]}"));
  before = graph_json (e);
  edit (e, op_make ("n", "vector3.add", "p", "[1,1,1]"));
  edit (e, op_insert ("child", "n", "Mesh", NULL));
  edit (e, op_make ("n", "string.set", "label", "\"hi\""));
  g_assert_cmpuint (vrtc_engine_get_pending_count (e), ==, 3);
  assert_prop (e, "n", "p", "[2,3,4]");
  assert_prop (e, "n", "label", "\"hi\"");
  g_assert_cmpuint (vrtc_engine_get_n_children (e, "n"), ==, 1);
  during = graph_json (e);
  g_assert_cmpstr (during, !=, before);
  g_assert_cmpuint (vrtc_engine_journal_length (e), ==, 1);

  vrtc_engine_cancel_edits (e);
  after = graph_json (e);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (vrtc_engine_get_pending_count (e), ==, 0);
  g_assert_null (vrtc_engine_commit (e, 1));

  /* a preview stays on top of remote messages that arrive meanwhile */
  edit (e, op_make ("n", "vector3.set", "p", "[0,0,0]"));
  remote = msg1 ("zz", 1, 10, op_make ("n", "vector3.set", "p", "[9,9,9]"));
  receive (e, remote);
  assert_prop (e, "n", "p", "[0,0,0]");
  c = vrtc_engine_commit (e, 2);
  g_assert_cmpint (c->lamport, ==, 11);
  assert_prop (e, "n", "p", "[0,0,0]");
  vrtc_engine_free (e);
}

/* ---- init_from_server and history ---- */

static void
test_init_from_server (void)
{
  VrtcEngine *server = vrtc_engine_new ("server");
  VrtcEngine *client = vrtc_engine_new ("client");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL, m3 = NULL, mine = NULL;
  g_autoptr(GString) snap = g_string_new (NULL);
  VrtcValue snapshot = VRTC_VALUE_INIT;
  g_autofree char *gs = NULL, *gc = NULL;
  g_autoptr(GError) error = NULL;

  m1 = commit1 (server, op_insert ("a", "scene", "Mesh", "{\"x\":1}"));
  m2 = commit1 (server, op_make ("a", "number.add", "x", "2"));
  vrtc_engine_ack (server, m1->id);
  vrtc_engine_ack (server, m2->id);
  vrtc_engine_compact (server);
  m3 = commit1 (server, op_make ("a", "number.add", "x", "4"));

  /* the client has one own message the server has not seen */
  mine = commit1 (client, op_make ("a", "string.set", "label", "\"mine\""));

  parse_value (vrtc_engine_get_snapshot_json (server), &snapshot);
  g_assert_true (vrtc_engine_init_from_server (client, &snapshot, &m3, 1, &error));
  g_assert_no_error (error);
  assert_prop (client, "a", "x", "7");
  assert_prop (client, "a", "label", "\"mine\"");
  {
    g_autoptr(GPtrArray) unacked = vrtc_engine_get_unacked (client);

    g_assert_cmpuint (unacked->len, ==, 1);
    g_assert_cmpstr (((VrtcMessage *) g_ptr_array_index (unacked, 0))->id, ==, mine->id);
  }

  receive (server, mine);
  gs = graph_json (server);
  gc = graph_json (client);
  g_assert_cmpstr (gs, ==, gc);

  /* a broken snapshot is refused and changes nothing */
  {
    VrtcValue bad = VRTC_VALUE_INIT;
    g_autoptr(GError) err2 = NULL;
    g_autofree char *again = NULL;

    parse_value ("{\"graph\":{\"nodes\":[]}}", &bad);
    g_assert_false (vrtc_engine_init_from_server (client, &bad, NULL, 0, &err2));
    g_assert_error (err2, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE);
    again = graph_json (client);
    g_assert_cmpstr (again, ==, gc);
    vrtc_value_clear (&bad);
  }
  vrtc_value_clear (&snapshot);
  vrtc_engine_free (server);
  vrtc_engine_free (client);
}

/* Loads text into a fresh replica "me"; NULL on error (set). */
static VrtcEngine *
load_text (const char *json,
           GError    **error)
{
  VrtcEngine *e = vrtc_engine_new ("me");
  VrtcValue v = VRTC_VALUE_INIT;
  gboolean ok;

  parse_value (json, &v);
  ok = vrtc_engine_init_from_server (e, &v, NULL, 0, error);
  vrtc_value_clear (&v);
  if (!ok)
    g_clear_pointer (&e, vrtc_engine_free);
  return e;
}

/* What the stamps say decides later sets: "color" was set at [7,"b",0] (a set at 6 loses,
 * at 8 wins); "x" has the insert's stamp [5,"a",0] (a set at 4 loses, at 6 wins). */
static void
assert_loaded_stamps (VrtcEngine *e)
{
  g_autoptr(VrtcMessage) c6 = msg1 ("z", 1, 6, op_make ("box", "color.set", "color", "\"#000006\""));
  g_autoptr(VrtcMessage) x4 = msg1 ("z", 2, 4, op_make ("box", "number.set", "x", "4"));
  g_autoptr(VrtcMessage) c8 = msg1 ("y", 1, 8, op_make ("box", "color.set", "color", "\"#000008\""));
  g_autoptr(VrtcMessage) x6 = msg1 ("y", 2, 6, op_make ("box", "number.set", "x", "6"));

  assert_prop (e, "box", "color", "\"#ff0000\"");
  assert_prop (e, "box", "x", "1");
  receive (e, c6);
  receive (e, x4);
  assert_prop (e, "box", "color", "\"#ff0000\"");
  assert_prop (e, "box", "x", "1");
  receive (e, c8);
  receive (e, x6);
  assert_prop (e, "box", "color", "\"#000008\"");
  assert_prop (e, "box", "x", "6");
  {
    VrtcNodeInfo info;

    g_assert_true (vrtc_engine_get_node (e, "box", &info));
    g_assert_true (info.live);
    g_assert_cmpstr (info.parent, ==, "scene");
    g_assert_cmpstr (info.tag, ==, "Mesh");
  }
}

#define BOX_GRAPH \
  "\"graph\":{\"nodes\":{\"box\":{\"children\":[],\"clock\":{\"a\":1,\"b\":1},\"color\":\"#ff0000\"," \
  "\"createdAt\":5000,\"key\":\"box\",\"lamportTime\":7,\"name\":\"\",\"tag\":\"Mesh\",\"updatedAt\":7000,\"x\":1}," \
  "\"scene\":{\"children\":[\"box\"],\"clock\":{},\"createdAt\":0,\"key\":\"scene\",\"lamportTime\":0," \
  "\"name\":\"Root\",\"tag\":\"Scene\",\"updatedAt\":0}},\"rootKey\":\"scene\"}"

static char *
snapshot_text (VrtcEngine *engine)
{
  GString *out = g_string_new (NULL);

  vrtc_engine_write_snapshot (engine, out);
  return g_string_free (out, FALSE);
}

/* A node's first insert leaves its registers unmade until something reaches them: what the
 * node shows, writes and tells listeners is what it would be with them made, and reading
 * makes none. */
static void
test_virtual_registers (void)
{
  VrtcEngine *a = vrtc_engine_new ("alice");
  VrtcEngine *b = vrtc_engine_new ("bob");
  VrtcEngine *c = vrtc_engine_new ("carol");
  VrtcEngine *view, *loaded;
  g_autoptr(VrtcMessage) ins = NULL, set = NULL, rm = NULL, u = NULL;
  g_autoptr(GPtrArray) seen_a = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) seen_b = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GArray) prov = NULL;
  g_autoptr(GError) error = NULL;
  Changes changes_a = { a, seen_a }, changes_b = { b, seen_b };
  VrtcEngineListener listener = { .property_changed = changes_property };
  g_autofree char *snap_a = NULL, *snap_b = NULL, *snap_made = NULL, *graph_b = NULL;
  g_autofree char *graph_loaded = NULL, *snap_c = NULL, *snap_c2 = NULL;

  vrtc_engine_set_listener (b, &listener, &changes_b);
  /* a pending insert reads the same before and after its commit */
  edit (a, op_insert ("n", "scene", "Mesh", "{\"p\":[1,2,3],\"c\":\"#ff0000\",\"o\":0.5}"));
  assert_prop (a, "n", "p", "[1,2,3]");
  ins = vrtc_engine_commit (a, 5000);
  assert_prop (a, "n", "p", "[1,2,3]");
  receive (b, ins);
  g_assert_cmpuint (seen_b->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (seen_b, 0), ==, "n.c=\"#ff0000\"");
  g_assert_cmpstr (g_ptr_array_index (seen_b, 2), ==, "n.p=[1,2,3]");

  /* reads: properties, their list, a view, the snapshot and the graph */
  assert_prop (b, "n", "c", "\"#ff0000\"");
  assert_prop (b, "n", "o", "0.5");
  g_assert_null (vrtc_engine_get_property (b, "n", "q"));
  paths = vrtc_engine_list_properties (b, "n");
  g_assert_cmpuint (paths->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (paths, 0), ==, "c");
  g_assert_cmpstr (g_ptr_array_index (paths, 2), ==, "p");
  view = vrtc_engine_new_view (b, 0);
  assert_prop (view, "n", "p", "[1,2,3]");
  vrtc_engine_free (view);
  snap_a = snapshot_text (a);
  snap_b = snapshot_text (b);
  graph_b = graph_json (b);
  g_assert_nonnull (strstr (graph_b, "\"o\":0.5"));
  g_assert_cmpuint (vrtc_engine_count_registers (a), ==, 0);
  g_assert_cmpuint (vrtc_engine_count_registers (b), ==, 0);
  assert_refs_ok (a);
  assert_refs_ok (b);

  /* what a virtual node wrote loads back to the same scene */
  loaded = load_text (snap_b, &error);
  g_assert_no_error (error);
  graph_loaded = graph_json (loaded);
  g_assert_cmpstr (graph_loaded, ==, graph_b);
  vrtc_engine_free (loaded);

  /* provenance makes alice's registers: nothing she shows or writes changes, and her
   * listener hears nothing */
  vrtc_engine_set_listener (a, &listener, &changes_a);
  prov = vrtc_engine_get_provenance (a, "n", "p");
  g_assert_cmpuint (prov->len, ==, 1);
  g_assert_cmpuint (vrtc_engine_count_registers (a), ==, 3);
  g_assert_cmpuint (seen_a->len, ==, 0);
  snap_made = snapshot_text (a);
  g_assert_cmpstr (snap_made, ==, snap_a);
  g_assert_cmpstr (snap_made, ==, snap_b);
  assert_refs_ok (a);

  /* a set on one property makes bob's registers too, and only that property changes */
  set = commit1 (a, op_make ("n", "number.set", "o", "0.25"));
  g_ptr_array_set_size (seen_b, 0);
  receive (b, set);
  g_assert_cmpuint (vrtc_engine_count_registers (b), ==, 3);
  g_assert_cmpuint (seen_b->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen_b, 0), ==, "n.o=0.25");
  assert_prop (b, "n", "p", "[1,2,3]");
  assert_refs_ok (b);

  /* a removal leaves them unmade; views before and after it read the insert */
  rm = commit1 (a, op_make ("n", "node.remove", "", NULL));
  receive (c, ins);
  receive (c, rm);
  g_assert_cmpuint (vrtc_engine_count_registers (c), ==, 0);
  view = vrtc_engine_new_view (c, 0);
  assert_prop (view, "n", "c", "\"#ff0000\"");
  vrtc_engine_free (view);
  snap_c = graph_json (c);

  /* undoing the insert makes them, and then they have no value */
  u = vrtc_engine_undo_message (a, ins->id, FALSE, 9000, &error);
  g_assert_no_error (error);
  receive (c, u);
  g_assert_cmpuint (vrtc_engine_count_registers (c), ==, 3);
  g_assert_null (vrtc_engine_get_property (c, "n", "p"));
  view = vrtc_engine_new_view (c, 1);
  snap_c2 = graph_json (view);
  g_assert_cmpstr (snap_c2, ==, snap_c);
  assert_prop (view, "n", "p", "[1,2,3]");
  vrtc_engine_free (view);
  assert_refs_ok (c);

  /* a view from before the insert reads no properties of the node yet */
  {
    VrtcEngine *d = vrtc_engine_new ("dave");
    g_autoptr(VrtcMessage) other = commit1 (d, op_insert ("o", "scene", "Mesh", "{\"q\":1}"));
    g_autoptr(GPtrArray) none = NULL;

    receive (d, ins);
    view = vrtc_engine_new_view (d, 0);
    g_assert_null (vrtc_engine_get_property (view, "n", "p"));
    none = vrtc_engine_list_properties (view, "n");
    g_assert_cmpuint (none->len, ==, 0);
    vrtc_engine_free (view);
    view = vrtc_engine_new_view (d, 1);
    assert_prop (view, "n", "p", "[1,2,3]");
    vrtc_engine_free (view);
    g_assert_cmpuint (vrtc_engine_count_registers (d), ==, 0);
    vrtc_engine_free (d);
  }

  vrtc_engine_free (a);
  vrtc_engine_free (b);
  vrtc_engine_free (c);
}

/* Snapshots as earlier versions wrote them (every stamp spelled out) and as they are written
 * now (what equals the insert's stamp left out) load to the same state. */
static void
test_snapshot_formats (void)
{
  const char *old_format =
    "{" BOX_GRAPH ",\"journalIndex\":2,\"lamportTime\":7,\"orphans\":{},\"stamps\":{"
    "\"box\":{\"first\":[5,\"a\",0],\"insert\":[5,\"a\",0],\"parent\":[\"scene\",[5,\"a\",0]],"
    "\"props\":{\"color\":[[7,\"b\",0],[7,\"b\",0]],\"x\":[[5,\"a\",0],[5,\"a\",0]]},\"remove\":null},"
    "\"scene\":{\"first\":null,\"insert\":null,\"parent\":null,\"props\":{},\"remove\":null}},"
    "\"vectorClock\":{\"a\":1,\"b\":1}}";
  const char *compact_format =
    "{" BOX_GRAPH ",\"journalIndex\":2,\"lamportTime\":7,\"orphans\":{},\"stamps\":{"
    "\"box\":{\"insert\":[5,\"a\",0],\"parent\":[\"scene\"],\"props\":{\"color\":[7,\"b\",0]}},"
    "\"scene\":{\"insert\":null}},\"vectorClock\":{\"a\":1,\"b\":1}}";
  g_autoptr(GError) error = NULL;
  VrtcEngine *from_old = load_text (old_format, &error);
  VrtcEngine *from_compact;
  g_autoptr(GString) written = g_string_new (NULL);

  g_assert_no_error (error);
  from_compact = load_text (compact_format, &error);
  g_assert_no_error (error);

  /* the writer leaves out what the loader infers */
  vrtc_engine_write_snapshot (from_old, written);
  g_assert_nonnull (strstr (written->str,
                            "\"box\":{\"insert\":[5,\"a\",0],\"parent\":[\"scene\"],"
                            "\"props\":{\"color\":[7,\"b\",0]}}"));
  g_assert_null (strstr (written->str, "\"first\""));
  g_assert_null (strstr (written->str, "\"remove\""));

  assert_loaded_stamps (from_old);
  assert_loaded_stamps (from_compact);
  vrtc_engine_free (from_old);
  vrtc_engine_free (from_compact);

  /* and what it wrote loads back to the same behaviour */
  from_compact = load_text (written->str, &error);
  g_assert_no_error (error);
  assert_loaded_stamps (from_compact);
  vrtc_engine_free (from_compact);
}

/* The parts of a snapshot may come in any order (a streaming reader follows the text). */
static void
test_snapshot_load_order (void)
{
  VrtcEngine *e = vrtc_engine_new ("me");
  VrtcEngine *loaded = vrtc_engine_new ("me");
  VrtcValue box = VRTC_VALUE_INIT, scene = VRTC_VALUE_INIT, stamps = VRTC_VALUE_INIT;
  VrtcValue clock = VRTC_VALUE_INIT, bad = VRTC_VALUE_INIT;
  g_autoptr(VrtcMessage) mine = commit1 (e, op_make ("box", "number.set", "y", "2"));
  g_autoptr(GError) error = NULL;

  parse_value ("{\"children\":[],\"clock\":{\"a\":1,\"b\":1},\"color\":\"#ff0000\",\"key\":\"box\","
               "\"lamportTime\":7,\"name\":\"\",\"tag\":\"Mesh\",\"x\":1}", &box);
  parse_value ("{\"children\":[\"box\"],\"key\":\"scene\",\"name\":\"Root\",\"tag\":\"Scene\"}", &scene);
  parse_value ("{\"insert\":[5,\"a\",0],\"parent\":[\"scene\"],\"props\":{\"color\":[7,\"b\",0]}}",
               &stamps);
  parse_value ("{\"a\":1,\"b\":1}", &clock);
  parse_value ("{\"insert\":[5,\"a\"]}", &bad);

  /* stamps first, then the graph */
  g_assert_true (vrtc_engine_load_stamps (loaded, "box", &stamps, &error));
  g_assert_true (vrtc_engine_load_graph_node (loaded, "box", &box, &error));
  g_assert_true (vrtc_engine_load_graph_node (loaded, "scene", &scene, &error));
  g_assert_true (vrtc_engine_load_clock (loaded, &clock, &error));
  vrtc_engine_load_lamport (loaded, 7);
  g_assert_true (vrtc_engine_load_finish (loaded, &error));
  g_assert_no_error (error);
  /* the values were moved out of the node object */
  g_assert_cmpint (vrtc_value_object_get (&box, "x")->kind, ==, VRTC_VALUE_NONE);
  g_assert_true (vrtc_engine_init_from_loaded (e, loaded, NULL, 0, &error));
  g_assert_no_error (error);
  assert_loaded_stamps (e);
  assert_prop (e, "box", "y", "2");   /* own unacked work is applied again on top */
  g_assert_cmpuint (vrtc_engine_get_clock (e)->len, ==, 5);   /* a, b, me, y, z */

  /* a wrong stamp names the key and field; nothing loaded is applied */
  loaded = vrtc_engine_new ("me");
  g_assert_false (vrtc_engine_load_stamps (loaded, "box", &bad, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE);
  g_assert_nonnull (strstr (error->message, "snapshot.stamps.box.insert"));
  vrtc_engine_free (loaded);
  assert_prop (e, "box", "color", "\"#000008\"");

  vrtc_value_clear (&box);
  vrtc_value_clear (&scene);
  vrtc_value_clear (&stamps);
  vrtc_value_clear (&clock);
  vrtc_value_clear (&bad);
  vrtc_engine_free (e);
}

static void
test_history (void)
{
  VrtcEngine *e = vrtc_engine_new ("me");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL, m3 = NULL;
  VrtcEngine *at;

  m1 = commit1 (e, op_make ("n", "number.set", "x", "1"));
  m2 = commit1 (e, op_make ("n", "number.add", "x", "1"));
  m3 = vrtc_engine_undo (e, 1);
  assert_prop (e, "n", "x", "1");

  at = vrtc_engine_new_at (e, 1);
  /* right after entry 1: the undo had not arrived yet */
  assert_prop (at, "n", "x", "2");
  g_assert_false (vrtc_entry_is_undone (vrtc_engine_lookup_entry (at, m2->id)));
  vrtc_engine_free (at);
  at = vrtc_engine_new_at (e, 0);
  assert_prop (at, "n", "x", "1");
  vrtc_engine_free (at);
  vrtc_engine_free (e);
}

/* ---- canonical output ---- */

static void
test_graph_json (void)
{
  VrtcEngine *e = vrtc_engine_new ("s");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL;
  g_autofree char *json = NULL;

  edit (e, op_insert ("cube-1", "scene", "Mesh", "{\"name\":\"reserved: never a property\"}"));
  vrtc_engine_cancel_edits (e);
  {
    VrtcOperation op = op_insert ("cube-1", "scene", "Mesh", "{\"color\":\"#ff0000\"}");

    op.name = g_strdup ("Cube");
    m1 = commit1 (e, op);
  }
  m2 = commit1 (e, op_make ("cube-1", "vector3.add", "transform.position", "[1,0,0]"));
  json = graph_json (e);
  g_assert_cmpstr (json, ==,
                   "{\"nodes\":{"
                   "\"cube-1\":{\"children\":[],\"clock\":{\"s\":1},\"color\":\"#ff0000\","
                   "\"createdAt\":5000,\"key\":\"cube-1\",\"lamportTime\":2,\"name\":\"Cube\","
                   "\"tag\":\"Mesh\",\"transform.position\":[1,0,0],\"updatedAt\":5000},"
                   "\"scene\":{\"children\":[\"cube-1\"],\"clock\":{},\"createdAt\":0,"
                   "\"key\":\"scene\",\"lamportTime\":0,\"name\":\"Root\",\"tag\":\"Scene\","
                   "\"updatedAt\":0}},"
                   "\"rootKey\":\"scene\"}");
  vrtc_engine_free (e);
}

static void
test_clock (void)
{
  VrtcClock a = { 0 }, b = { 0 };

  g_assert_cmpint (vrtc_clock_compare (&a, &b), ==, VRTC_CLOCK_EQUAL);
  vrtc_clock_increment (&a, "x");
  g_assert_cmpint (vrtc_clock_compare (&a, &b), ==, VRTC_CLOCK_AFTER);
  g_assert_cmpint (vrtc_clock_compare (&b, &a), ==, VRTC_CLOCK_BEFORE);
  vrtc_clock_increment (&b, "y");
  g_assert_cmpint (vrtc_clock_compare (&a, &b), ==, VRTC_CLOCK_CONCURRENT);
  vrtc_clock_merge (&a, &b);
  g_assert_cmpuint (vrtc_clock_get (&a, "x"), ==, 1);
  g_assert_cmpuint (vrtc_clock_get (&a, "y"), ==, 1);
  g_assert_cmpint (vrtc_clock_compare (&a, &b), ==, VRTC_CLOCK_AFTER);
  vrtc_clock_increment (&b, "x");
  g_assert_cmpint (vrtc_clock_compare (&a, &b), ==, VRTC_CLOCK_EQUAL);
  vrtc_clock_clear (&a);
  vrtc_clock_clear (&b);
}

/* ---- commits: one allocation per own message (MessageBlock in vrtc-engine.c) ---- */

/* Receives msg and drops it. */
static void
receive_take (VrtcEngine  *engine,
              VrtcMessage *msg)
{
  receive (engine, msg);
  vrtc_msg_unref (msg);
}

static char *
message_json (const VrtcMessage *msg)
{
  GString *out = g_string_new (NULL);

  vrtc_codec_write_message (msg, VRTC_DIALECT_SEED, out);
  return g_string_free (out, FALSE);
}

/* The JSON of msg, and of its parse written again: the same text. */
static char *
message_json_checked (const VrtcMessage *msg)
{
  g_autoptr(GError) error = NULL;
  char *json = message_json (msg);
  g_autoptr(VrtcMessage) parsed = vrtc_codec_parse_message (json, -1, &error);
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  again = message_json (parsed);
  g_assert_cmpstr (json, ==, again);
  return json;
}

/* Every part of v (arrays, keys, strings, doubles) lies in msg's block. */
static void
assert_value_in_block (const VrtcMessage *msg,
                       const VrtcValue   *v)
{
  switch ((VrtcValueKind) v->kind)
    {
    case VRTC_VALUE_STRING:
      g_assert_true (vrtc_msg_block_holds (msg, v->u.str));
      break;
    case VRTC_VALUE_VEC:
      g_assert_true (vrtc_msg_block_holds (msg, v->u.vec));
      break;
    case VRTC_VALUE_ARRAY:
      g_assert_true (vrtc_msg_block_holds (msg, v->u.items));
      for (guint i = 0; i < v->len; i++)
        assert_value_in_block (msg, &v->u.items[i]);
      break;
    case VRTC_VALUE_OBJECT:
      g_assert_true (vrtc_msg_block_holds (msg, v->u.members));
      for (guint i = 0; i < v->len; i++)
        {
          g_assert_true (vrtc_msg_block_holds (msg, v->u.members[i].key));
          assert_value_in_block (msg, &v->u.members[i].value);
        }
      break;
    case VRTC_VALUE_NONE:
    case VRTC_VALUE_NULL:
    case VRTC_VALUE_BOOL:
    case VRTC_VALUE_NUMBER:
    default:
      break;
    }
}

static void
assert_clock (const VrtcMessage *msg,
              const char        *expected)
{
  GString *out = g_string_new (NULL);

  vrtc_clock_write_json (&msg->clock, out);
  g_assert_cmpstr (out->str, ==, expected);
  g_string_free (out, TRUE);
}

/* A commit of one op lays the message, the op's strings and vector, the id, the session and
 * the clock in the message's own block, shares the otype with the op table, and frees all
 * of it with the message, which outlives the engine. */
static void
test_commit_block (void)
{
  VrtcEngine *e = vrtc_engine_new ("blk");
  VrtcMessage *m[5];
  char *json[5];
  VrtcOperation copy = { 0 };

  m[0] = commit1 (e, op_insert ("n", NULL, "Mesh",
                                "{\"x\":1,\"label\":\"a\",\"list\":[1,\"b\",{\"k\":[1,2]},[]],"
                                "\"none\":{}}"));
  m[1] = commit1 (e, op_make ("n", "vector3.add", "transform.position", "[1,0.5,-0.25]"));
  m[2] = commit1 (e, op_make ("n", "string.set", "label", "\"hello\""));
  m[3] = commit1 (e, op_extras (op_make ("n", "text.insert", "label", "\"XY\""), "{\"position\":2}"));
  m[4] = commit1 (e, op_make ("n", "custom.unknown", "x", "3"));
  for (guint i = 0; i < G_N_ELEMENTS (m); i++)
    json[i] = message_json_checked (m[i]);

  g_assert_cmpstr (m[1]->id, ==, "blk:2");
  g_assert_cmpstr (m[1]->session_id, ==, "blk");
  assert_clock (m[1], "{\"blk\":2}");
  for (guint i = 0; i < G_N_ELEMENTS (m); i++)
    {
      const VrtcOperation *op = &m[i]->ops[0];

      g_assert_cmpuint (m[i]->n_ops, ==, 1);
      g_assert_true (vrtc_msg_block_holds (m[i], m[i]->id));
      g_assert_true (vrtc_msg_block_holds (m[i], m[i]->session_id));
      g_assert_true (vrtc_msg_block_holds (m[i], m[i]->ops));
      g_assert_true (vrtc_msg_block_holds (m[i], m[i]->clock.entries));
      g_assert_true (vrtc_msg_block_holds (m[i], m[i]->clock.entries[0].session));
      g_assert_true (vrtc_msg_block_holds (m[i], op->key));
      g_assert_true (vrtc_msg_block_holds (m[i], op->path));
      /* a known otype is the table's string; an unknown one a copy in the block */
      if (i < 4)
        g_assert_true (op->otype == op->type->otype);
      else
        g_assert_true (vrtc_msg_block_holds (m[i], op->otype));
    }
  g_assert_true (vrtc_msg_block_holds (m[0], m[0]->ops[0].tag));
  /* an insert's initial values are in the block whole, down to the nested parts */
  assert_value_in_block (m[0], &m[0]->ops[0].value);
  assert_prop (e, "n", "list", "[1,\"b\",{\"k\":[1,2]},[]]");
  assert_prop (e, "n", "none", "{}");
  g_assert_true (vrtc_msg_block_holds (m[1], m[1]->ops[0].value.u.vec));
  g_assert_true (vrtc_msg_block_holds (m[2], m[2]->ops[0].value.u.str));
  g_assert_false (vrtc_msg_block_holds (m[3], m[3]->ops[0].extras.u.members));

  /* a copy shares the table's otype and owns the rest; clearing it frees only those */
  vrtc_op_copy (&copy, &m[1]->ops[0]);
  g_assert_true (copy.otype == m[1]->ops[0].otype);
  g_assert_false (vrtc_msg_block_holds (m[1], copy.key));
  vrtc_op_clear (&copy);

  assert_prop (e, "n", "label", "\"heXYllo\"");
  vrtc_engine_free (e);
  for (guint i = 0; i < G_N_ELEMENTS (m); i++)
    {
      g_autofree char *after = message_json (m[i]);

      g_assert_cmpstr (after, ==, json[i]);
      g_free (json[i]);
      vrtc_msg_unref (m[i]);
    }
}

/* The clock's room is set aside at the first edit: sessions that appear before the commit
 * send the clock to the heap; this session's count is bumped in place wherever it sorts. */
static void
test_commit_clock (void)
{
  VrtcEngine *e = vrtc_engine_new ("m");
  VrtcMessage *m;

  /* a session before the first commit */
  receive_take (e, msg1 ("q", 1, 1, op_make ("n", "number.set", "x", "1")));
  m = commit1 (e, op_make ("n", "number.add", "x", "1"));
  g_assert_cmpstr (m->id, ==, "m:1");
  assert_clock (m, "{\"m\":1,\"q\":1}");
  g_assert_true (vrtc_msg_block_holds (m, m->clock.entries));
  vrtc_msg_unref (m);

  /* two sessions arrive while an edit is pending, one sorting before this one */
  edit (e, op_make ("n", "number.add", "x", "1"));
  receive_take (e, msg1 ("a", 1, 5, op_make ("n", "number.add", "x", "10")));
  receive_take (e, msg1 ("z", 1, 6, op_make ("n", "number.add", "x", "100")));
  m = vrtc_engine_commit (e, 5000);
  g_assert_cmpstr (m->id, ==, "m:2");
  assert_clock (m, "{\"a\":1,\"m\":2,\"q\":1,\"z\":1}");
  g_assert_false (vrtc_msg_block_holds (m, m->clock.entries));
  g_assert_cmpint (m->lamport, ==, 7);
  vrtc_msg_unref (m);

  m = commit1 (e, op_make ("n", "number.add", "x", "1"));
  assert_clock (m, "{\"a\":1,\"m\":3,\"q\":1,\"z\":1}");
  g_assert_true (vrtc_msg_block_holds (m, m->clock.entries));
  vrtc_msg_unref (m);

  /* an own message from elsewhere (the server's journal) raises the count */
  receive_take (e, msg1 ("m", 10, 20, op_make ("n", "number.add", "x", "1")));
  m = commit1 (e, op_make ("n", "number.add", "x", "1"));
  g_assert_cmpstr (m->id, ==, "m:11");
  assert_clock (m, "{\"a\":1,\"m\":11,\"q\":1,\"z\":1}");
  vrtc_msg_unref (m);

  /* and a session that sorts first, with nothing pending */
  receive_take (e, msg1 ("0", 3, 30, op_make ("n", "number.add", "x", "1")));
  m = commit1 (e, op_make ("n", "number.add", "x", "1"));
  assert_clock (m, "{\"0\":3,\"a\":1,\"m\":12,\"q\":1,\"z\":1}");
  vrtc_msg_unref (m);
  assert_prop (e, "n", "x", "118");
  vrtc_engine_free (e);
}

/* Ops after the first go to a heap array (the first moves there too); edit_take moves the
 * first op into the block without copying; a cancelled message frees its block. */
static void
test_commit_batch (void)
{
  VrtcEngine *e = vrtc_engine_new ("b");
  VrtcOperation take = op_make ("n", "number.set", "x", "1");
  VrtcMessage *m;
  g_autofree char *json = NULL, *after = NULL;

  edit (e, op_make ("gone", "number.set", "x", "1"));
  vrtc_engine_cancel_edits (e);

  vrtc_engine_edit_take (e, &take);
  g_assert_null (take.key);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *v = g_strdup_printf ("%u", i);

      edit (e, op_make ("n", "number.add", "x", v));
    }
  g_assert_cmpuint (vrtc_engine_get_pending_count (e), ==, 7);
  m = vrtc_engine_commit (e, 5000);
  g_assert_cmpstr (m->id, ==, "b:1");
  g_assert_cmpuint (m->n_ops, ==, 7);
  g_assert_false (vrtc_msg_block_holds (m, m->ops));
  g_assert_false (vrtc_msg_block_holds (m, m->ops[0].key));   /* taken, not copied */
  g_assert_cmpstr (m->ops[6].path, ==, "x");
  assert_prop (e, "gone", "x", NULL);
  assert_prop (e, "n", "x", "16");
  json = message_json_checked (m);
  vrtc_engine_free (e);
  after = message_json (m);
  g_assert_cmpstr (after, ==, json);
  vrtc_msg_unref (m);
}

/* Every committed id is found again, across the indexes' growth; others are not. */
static void
test_commit_by_id (void)
{
  VrtcEngine *e = vrtc_engine_new ("id");
  g_autoptr(GPtrArray) msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);
  VrtcReceiveResult result;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3000; i++)
    g_ptr_array_add (msgs, commit1 (e, op_make ("n", "number.add", "x", "1")));
  for (guint i = 0; i < msgs->len; i++)
    {
      VrtcMessage *m = g_ptr_array_index (msgs, i);
      VrtcEntry *entry = vrtc_engine_lookup_entry (e, m->id);

      g_assert_nonnull (entry);
      g_assert_true (vrtc_entry_get_message (entry) == m);
    }
  g_assert_null (vrtc_engine_lookup_entry (e, "id:0"));
  g_assert_null (vrtc_engine_lookup_entry (e, "id:3001"));
  g_assert_null (vrtc_engine_lookup_entry (e, "di:1"));
  g_assert_null (vrtc_engine_lookup_entry (e, "id:01"));   /* ids match exactly, not by seq */
  g_assert_null (vrtc_engine_lookup_entry (e, "id:1x"));
  g_assert_null (vrtc_engine_lookup_entry (e, "id:"));
  g_assert_null (vrtc_engine_lookup_entry (e, "id:18446744073709551617"));   /* 2^64 + 1 */
  g_assert_null (vrtc_engine_lookup_entry (e, "id"));
  /* own messages from elsewhere (a server's journal) are found too, and new commits after them */
  receive_take (e, msg1 ("id", 5000, 9000, op_make ("n", "number.add", "x", "1")));
  g_assert_nonnull (vrtc_engine_lookup_entry (e, "id:5000"));
  g_ptr_array_add (msgs, commit1 (e, op_make ("n", "number.add", "x", "1")));
  g_assert_cmpstr (((VrtcMessage *) g_ptr_array_index (msgs, msgs->len - 1))->id, ==, "id:5001");
  g_assert_true (vrtc_entry_get_message (vrtc_engine_lookup_entry (e, "id:5001")) ==
                 g_ptr_array_index (msgs, msgs->len - 1));
  g_assert_nonnull (vrtc_engine_lookup_entry (e, "id:1"));
  g_assert_true (vrtc_engine_receive (e, g_ptr_array_index (msgs, 1234), &result, &error));
  g_assert_cmpint (result, ==, VRTC_RECEIVE_DUPLICATE);
  g_assert_true (vrtc_engine_ack (e, "id:2999"));
  g_assert_true (vrtc_entry_is_acked (vrtc_engine_lookup_entry (e, "id:2999")));
  vrtc_engine_free (e);
}

static void
test_numbers (void)
{
  static const struct { double n; const char *s; } cases[] = {
    /* the layout of ECMAScript's Number::toString */
    { 1, "1" }, { 0.1, "0.1" }, { -0.0, "0" }, { 1e21, "1e+21" }, { 1.5e-7, "1.5e-7" },
    { 123456789012, "123456789012" }, { 0.30000000000000004, "0.30000000000000004" },
    { -2.5, "-2.5" }, { 1e15, "1000000000000000" }, { 1e20, "100000000000000000000" },
    { 0.000001, "0.000001" }, { 1e-7, "1e-7" }, { 5e-324, "5e-324" },
    { 1.7976931348623157e308, "1.7976931348623157e+308" },
    { 7.120236347223045e-307, "7.120236347223045e-307" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      vrtc_json_write_number (out, cases[i].n);
      g_assert_cmpstr (out->str, ==, cases[i].s);
    }
}


/* A random session: three senders, every kind of node op, deltas, undo and redo. */
static VrtcEngine *
random_session (guint32 seed,
                guint   n_messages)
{
  static const char *keys[] = { "a", "b", "c", "d", "scene" };
  static const char *paths[] = { "p", "q" };
  VrtcEngine *senders[3], *e = vrtc_engine_new ("observer");
  GRand *rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) inbox = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);

  senders[0] = vrtc_engine_new ("s0");
  senders[1] = vrtc_engine_new ("s1");
  senders[2] = vrtc_engine_new ("zz");
  for (guint i = 0; i < n_messages; i++)
    {
      VrtcEngine *s = senders[g_rand_int_range (rand, 0, 3)];
      const char *key = keys[g_rand_int_range (rand, 0, 4)];
      const char *other = keys[g_rand_int_range (rand, 0, 5)];
      const char *path = paths[g_rand_int_range (rand, 0, 2)];
      VrtcMessage *msg = NULL;

      switch (g_rand_int_range (rand, 0, 9))
        {
        case 0: msg = commit1 (s, op_insert (key, other, "Group", "{\"p\":1}")); break;
        case 1: msg = commit1 (s, op_make (key, "node.remove", "", NULL)); break;
        case 2: msg = commit1 (s, op_move (key, other)); break;
        case 3: msg = commit1 (s, op_make (key, "number.set", path, "2")); break;
        case 4: msg = commit1 (s, op_make (key, "number.add", path, "3")); break;
        case 5: msg = commit1 (s, op_make (key, "number.multiply", path, "-1")); break;
        case 6: msg = commit1 (s, op_make (key, "string.set", path, "\"x\"")); break;
        case 7: msg = vrtc_engine_undo (s, 7); break;
        default: msg = vrtc_engine_redo (s, 8); break;
        }
      if (msg == NULL)
        continue;
      /* other senders hear about it now and then, so stamps interleave */
      for (guint r = 0; r < 3; r++)
        if (senders[r] != s && g_rand_boolean (rand))
          vrtc_engine_receive (senders[r], msg, NULL, NULL);
      g_ptr_array_add (inbox, msg);
    }
  /* the observer gets everything in a shuffled order */
  for (guint i = inbox->len; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      gpointer tmp = inbox->pdata[i - 1];

      inbox->pdata[i - 1] = inbox->pdata[j];
      inbox->pdata[j] = tmp;
    }
  for (guint i = 0; i < inbox->len; i++)
    receive (e, g_ptr_array_index (inbox, i));
  for (guint r = 0; r < 3; r++)
    vrtc_engine_free (senders[r]);
  g_rand_free (rand);
  return e;
}

static void
test_views_match_replay (void)
{
  for (guint32 seed = 1; seed <= 40; seed++)
    {
      VrtcEngine *e = random_session (seed, 30);
      guint n = vrtc_engine_journal_length (e);

      for (guint p = 0; p < n; p++)
        {
          VrtcEngine *view = vrtc_engine_new_view (e, p);
          VrtcEngine *replay = vrtc_engine_new_at (e, p);
          g_autofree char *a = graph_json (view);
          g_autofree char *b = graph_json (replay);

          if (g_strcmp0 (a, b) != 0)
            g_test_message ("seed %u position %u", seed, p);
          g_assert_cmpstr (a, ==, b);
          g_assert_cmpint (vrtc_engine_get_lamport (view), ==, vrtc_engine_get_lamport (replay));
          g_assert_cmpuint (vrtc_engine_journal_length (view), ==, p + 1);
          vrtc_engine_free (view);
          vrtc_engine_free (replay);
        }
      /* the last position is the present */
      {
        VrtcEngine *view = vrtc_engine_new_view (e, n - 1);
        g_autofree char *a = graph_json (view);
        g_autofree char *b = graph_json (e);

        g_assert_cmpstr (a, ==, b);
        vrtc_engine_free (view);
      }
      vrtc_engine_free (e);
    }
}

static void
test_view_is_stable (void)
{
  VrtcEngine *e = vrtc_engine_new ("me");
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL, m3 = NULL, u = NULL;
  VrtcEngine *view;
  VrtcNodeInfo info;
  g_autofree char *before = NULL, *after = NULL;

  m1 = commit1 (e, op_insert ("n", "scene", "Mesh", "{\"x\":1}"));
  m2 = commit1 (e, op_make ("n", "number.add", "x", "1"));
  view = vrtc_engine_new_view (e, 1);
  before = graph_json (view);
  assert_prop (view, "n", "x", "2");

  /* what arrives later, undo included, does not change a view of the past */
  m3 = commit1 (e, op_make ("n", "number.set", "x", "10"));
  u = vrtc_engine_undo (e, 1);
  vrtc_msg_unref (vrtc_engine_undo (e, 2));
  assert_prop (e, "n", "x", "1");
  after = graph_json (view);
  g_assert_cmpstr (before, ==, after);
  assert_prop (view, "n", "x", "2");
  g_assert_true (vrtc_engine_get_node (view, "n", &info));
  g_assert_cmpstr (info.parent, ==, "scene");
  g_assert_cmpuint (vrtc_engine_get_n_children (view, "scene"), ==, 1);
  g_assert_false (vrtc_engine_can_undo (view));

  /* after the engine is replaced wholesale, an old view reads as empty, not garbage */
  g_assert_true (vrtc_engine_init_from_server (e, NULL, NULL, 0, NULL));
  g_assert_false (vrtc_engine_get_node (view, "n", &info));
  g_assert_cmpuint (vrtc_engine_journal_length (view), ==, 0);
  vrtc_engine_free (view);
  vrtc_engine_free (e);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/quickstart", test_quickstart);
  g_test_add_func ("/engine/convergence/concurrent-add", test_concurrent_add);
  g_test_add_func ("/engine/convergence/lww-lamport", test_lww_lamport);
  g_test_add_func ("/engine/convergence/lww-session", test_lww_session);
  g_test_add_func ("/engine/convergence/fold-order", test_fold_order);
  g_test_add_func ("/engine/ops/table", test_op_table);
  g_test_add_func ("/engine/ops/complete", test_op_table_complete);
  g_test_add_func ("/engine/ops/rotations", test_rotations);
  g_test_add_func ("/engine/ops/set-types", test_set_types_checked);
  g_test_add_func ("/engine/ops/unknown", test_unknown_otype);
  g_test_add_func ("/engine/receive/duplicate", test_duplicate);
  g_test_add_func ("/engine/receive/bad-id", test_bad_id);
  g_test_add_func ("/engine/nodes/lifecycle", test_nodes);
  g_test_add_func ("/engine/nodes/root", test_root_not_removable);
  g_test_add_func ("/engine/nodes/many-properties", test_many_properties);
  g_test_add_func ("/engine/nodes/insert-shared-refs", test_insert_shared_refs);
  g_test_add_func ("/engine/nodes/virtual-registers", test_virtual_registers);
  g_test_add_func ("/engine/nodes/move-cycle", test_move_cycle);
  g_test_add_func ("/engine/undo/across-sessions", test_undo_redo_across_sessions);
  g_test_add_func ("/engine/undo/restores-previous", test_undo_set_restores_previous);
  g_test_add_func ("/engine/undo/meta-first", test_meta_before_target);
  g_test_add_func ("/engine/undo/stack-order", test_undo_redo_stack_order);
  g_test_add_func ("/engine/register/late-deltas-long", test_late_deltas_long_register);
  g_test_add_func ("/engine/undo/two-ops-one-register", test_undo_two_ops_one_register);
  g_test_add_func ("/engine/journal/acks", test_acks_unacked);
  g_test_add_func ("/engine/journal/compact-undo", test_compact_then_undo);
  g_test_add_func ("/engine/journal/compact-late-set", test_compact_late_set);
  g_test_add_func ("/engine/pending/cancel", test_pending_cancel);
  g_test_add_func ("/engine/journal/init-from-server", test_init_from_server);
  g_test_add_func ("/engine/journal/snapshot-formats", test_snapshot_formats);
  g_test_add_func ("/engine/journal/snapshot-load-order", test_snapshot_load_order);
  g_test_add_func ("/engine/journal/history", test_history);
  g_test_add_func ("/engine/history/views-match-replay", test_views_match_replay);
  g_test_add_func ("/engine/history/view-is-stable", test_view_is_stable);
  g_test_add_func ("/engine/output/graph", test_graph_json);
  g_test_add_func ("/engine/output/numbers", test_numbers);
  g_test_add_func ("/engine/clock", test_clock);
  g_test_add_func ("/engine/commit/block", test_commit_block);
  g_test_add_func ("/engine/commit/clock", test_commit_clock);
  g_test_add_func ("/engine/commit/batch", test_commit_batch);
  g_test_add_func ("/engine/commit/by-id", test_commit_by_id);

  return g_test_run ();
}
