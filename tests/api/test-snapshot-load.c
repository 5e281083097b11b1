/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vrtc-codec.h"
#include "vrtc-engine.h"
#include "vrtc-snapshot-load.h"

/*
 * Streaming a snapshot's text into an engine (vrtc_snapshot_init_engine) must give what the
 * value path gives (vrtc_codec_parse_value + vrtc_engine_init_from_server), for every shape
 * of snapshot, and refuse what the value path refuses without changing the engine.
 */

static char *
graph_of (VrtcEngine *engine)
{
  GString *out = g_string_new (NULL);

  vrtc_engine_write_graph (engine, out);
  return g_string_free (out, FALSE);
}

static VrtcEngine *
load_by_value (const char *text,
               GError    **error)
{
  VrtcEngine *e = vrtc_engine_new ("me");
  VrtcValue v = VRTC_VALUE_INIT;

  if (!vrtc_codec_parse_value (text, -1, &v, error) ||
      !vrtc_engine_init_from_server (e, &v, NULL, 0, error))
    g_clear_pointer (&e, vrtc_engine_free);
  vrtc_value_clear (&v);
  return e;
}

static VrtcEngine *
load_streamed (const char *text,
               GError    **error)
{
  VrtcEngine *e = vrtc_engine_new ("me");

  if (!vrtc_snapshot_init_engine (e, text, -1, NULL, 0, error))
    g_clear_pointer (&e, vrtc_engine_free);
  return e;
}

/* A replica with a bit of everything: nested nodes, a removed one, a move, sets and deltas
 * after the inserts, a key with ops but no insert (an orphan), an undone message. */
static VrtcEngine *
busy_replica (void)
{
  static const char *const lines[] = {
    "{\"id\":\"a:1\",\"sessionId\":\"a\",\"clock\":{\"a\":1},\"lamportTime\":1,\"timestamp\":1000,\"ops\":["
      "{\"key\":\"g\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\",\"parentKey\":\"scene\",\"value\":{\"visible\":true}},"
      "{\"key\":\"box\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\",\"parentKey\":\"g\","
      "\"value\":{\"position\":[1,2,3],\"color\":\"#ff0000\",\"label\":\"Box \\u00e9\"}}]}",
    "{\"id\":\"b:1\",\"sessionId\":\"b\",\"clock\":{\"a\":1,\"b\":1},\"lamportTime\":2,\"timestamp\":2000,\"ops\":["
      "{\"key\":\"box\",\"otype\":\"vector3.add\",\"path\":\"position\",\"value\":[0.5,0,-1]},"
      "{\"key\":\"box\",\"otype\":\"number.set\",\"path\":\"opacity\",\"value\":0.25},"
      "{\"key\":\"ghost\",\"otype\":\"number.set\",\"path\":\"x\",\"value\":7}]}",
    "{\"id\":\"a:2\",\"sessionId\":\"a\",\"clock\":{\"a\":2,\"b\":1},\"lamportTime\":3,\"timestamp\":3000,\"ops\":["
      "{\"key\":\"cone\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\",\"parentKey\":\"scene\",\"value\":{}},"
      "{\"key\":\"cone\",\"otype\":\"node.move\",\"path\":\"\",\"parentKey\":\"g\"}]}",
    "{\"id\":\"b:2\",\"sessionId\":\"b\",\"clock\":{\"a\":2,\"b\":2},\"lamportTime\":4,\"timestamp\":4000,\"ops\":["
      "{\"key\":\"g\",\"otype\":\"node.remove\",\"path\":\"\"}]}",
    "{\"id\":\"b:3\",\"sessionId\":\"b\",\"clock\":{\"a\":2,\"b\":3},\"lamportTime\":5,\"timestamp\":5000,\"ops\":["
      "{\"key\":\"\",\"otype\":\"meta.undo\",\"path\":\"\",\"targetMsgId\":\"b:2\"}]}",
  };
  VrtcEngine *e = vrtc_engine_new ("server");

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(GError) error = NULL;
      VrtcMessage *msg = vrtc_codec_parse_message (lines[i], -1, &error);

      g_assert_no_error (error);
      g_assert_true (vrtc_engine_receive (e, msg, NULL, &error));
      g_assert_no_error (error);
      vrtc_msg_unref (msg);
    }
  return e;
}

static void
assert_same_load (const char *text)
{
  g_autoptr(GError) error = NULL;
  VrtcEngine *by_value = load_by_value (text, &error);
  VrtcEngine *streamed;
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(GString) sa = g_string_new (NULL), sb = g_string_new (NULL);

  g_assert_no_error (error);
  streamed = load_streamed (text, &error);
  g_assert_no_error (error);
  a = graph_of (by_value);
  b = graph_of (streamed);
  g_assert_cmpstr (a, ==, b);
  /* the stamps too: what each would write as its own snapshot */
  vrtc_engine_write_snapshot (by_value, sa);
  vrtc_engine_write_snapshot (streamed, sb);
  g_assert_cmpstr (sa->str, ==, sb->str);
  vrtc_engine_free (by_value);
  vrtc_engine_free (streamed);
}

static void
test_same_as_value (void)
{
  VrtcEngine *server = busy_replica ();
  g_autoptr(GString) snap = g_string_new (NULL);
  g_autofree char *graph = graph_of (server);
  VrtcEngine *streamed;
  g_autofree char *streamed_graph = NULL;
  g_autoptr(GError) error = NULL;

  vrtc_engine_write_snapshot (server, snap);
  /* the orphan key, the removal undone, the move: all in this snapshot */
  g_assert_nonnull (strstr (snap->str, "\"ghost\""));
  assert_same_load (snap->str);

  streamed = load_streamed (snap->str, &error);
  g_assert_no_error (error);
  streamed_graph = graph_of (streamed);
  g_assert_cmpstr (streamed_graph, ==, graph);
  vrtc_engine_free (streamed);
  vrtc_engine_free (server);
}

/* Members in another order than the writer's, unknown members, a plain graph without stamps
 * (as the Python module writes), and the previous format with every stamp spelled out. */
static void
test_shapes (void)
{
  assert_same_load ("{\"vectorClock\":{\"a\":1},\"extra\":[1,{\"x\":null}],"
                    "\"stamps\":{\"box\":{\"insert\":[1,\"a\",0],\"parent\":[\"scene\"],"
                    "\"props\":{\"x\":[2,\"b\",0]}}},\"lamportTime\":2,"
                    "\"graph\":{\"rootKey\":\"scene\",\"nodes\":{"
                    "\"box\":{\"key\":\"box\",\"tag\":\"Mesh\",\"x\":5,\"y\":[1,2,3],\"children\":[]},"
                    "\"scene\":{\"key\":\"scene\",\"tag\":\"Scene\",\"children\":[\"box\"]}}}}");
  assert_same_load ("{\"graph\":{\"nodes\":{"
                    "\"scene\":{\"key\":\"scene\",\"tag\":\"Scene\",\"children\":[\"a\",\"b\"]},"
                    "\"a\":{\"key\":\"a\",\"tag\":\"Group\",\"lamportTime\":3,\"children\":[\"c\"]},"
                    "\"b\":{\"key\":\"b\",\"tag\":\"Mesh\",\"lamportTime\":1,\"deletedAt\":9},"
                    "\"c\":{\"key\":\"c\",\"tag\":\"Mesh\",\"lamportTime\":2,\"color\":\"#00ff00\"}},"
                    "\"rootKey\":\"scene\"}}");
  assert_same_load ("{\"graph\":{\"nodes\":{\"box\":{\"children\":[],\"key\":\"box\",\"tag\":\"Mesh\",\"x\":1},"
                    "\"scene\":{\"children\":[\"box\"],\"key\":\"scene\",\"tag\":\"Scene\"}},\"rootKey\":\"scene\"},"
                    "\"journalIndex\":1,\"lamportTime\":5,\"orphans\":{\"gone\":{\"z\":4}},\"stamps\":{"
                    "\"box\":{\"first\":[5,\"a\",0],\"insert\":[5,\"a\",0],\"parent\":[\"scene\",[5,\"a\",0]],"
                    "\"props\":{\"x\":[[5,\"a\",0],[5,\"a\",0]]},\"remove\":null},"
                    "\"gone\":{\"exists\":false,\"insert\":null,\"props\":{\"z\":[[4,\"b\",0],[4,\"b\",0]]}}},"
                    "\"vectorClock\":{\"a\":1,\"b\":1}}");
}

/* What the value path refuses, streaming refuses with a message naming the place, and the
 * engine keeps what it had. */
static void
test_errors (void)
{
  static const struct {
    const char *text;
    const char *expected;   /* in the message */
  } bad[] = {
    { "[]", "snapshot" },
    { "{\"graph\":{}}", "snapshot.graph.nodes" },
    { "{\"graph\":{\"nodes\":[]}}", "snapshot.graph.nodes" },
    { "{\"graph\":{\"nodes\":{\"a\":3}}}", "snapshot.graph.nodes.a" },
    { "{\"graph\":{\"nodes\":{}},\"stamps\":{\"a\":{\"insert\":[1,2,3]}}}", "snapshot.stamps.a.insert" },
    { "{\"graph\":{\"nodes\":{}},\"stamps\":{\"a\":{\"parent\":7}}}", "snapshot.stamps.a.parent" },
    { "{\"graph\":{\"nodes\":{}},\"stamps\":[]}", "snapshot.stamps" },
    { "{\"graph\":{\"nodes\":{}},\"orphans\":{\"k\":1}}", "snapshot.orphans.k" },
    { "{\"graph\":{\"nodes\":{}},\"vectorClock\":[]}", "snapshot.vectorClock" },
    { "{\"graph\":{\"nodes\":{\"a\":{\"x\":1}}},\"lamportTime\":\"7\"}", "expected" },
    /* malformed text after a node was already read */
    { "{\"graph\":{\"nodes\":{\"a\":{\"tag\":\"Mesh\"},\"b\":{\"x\":tru}}}}", "2:" },
    { "{\"graph\":{\"nodes\":{\"a\":{\"tag\":\"Mesh\"}}}} trailing", "1:" },
  };
  VrtcEngine *e = busy_replica ();
  g_autofree char *before = graph_of (e);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;
      g_autofree char *text = g_strdup (bad[i].text);

      /* the malformed-in-the-middle case sits on line 2 */
      if (strstr (text, "tru}") != NULL)
        *strstr (text, ",\"b\"") = '\n';
      g_assert_false (vrtc_snapshot_init_engine (e, text, -1, NULL, 0, &error));
      g_assert_nonnull (error);
      if (strstr (error->message, bad[i].expected) == NULL)
        g_error ("case %u: \"%s\" does not name %s", i, error->message, bad[i].expected);
      after = graph_of (e);
      g_assert_cmpstr (after, ==, before);
    }
  vrtc_engine_free (e);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/snapshot-load/same-as-value", test_same_as_value);
  g_test_add_func ("/snapshot-load/shapes", test_shapes);
  g_test_add_func ("/snapshot-load/errors", test_errors);

  return g_test_run ();
}
