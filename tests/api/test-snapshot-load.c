/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

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

static void
receive_lines (VrtcEngine         *e,
               const char *const  *lines,
               guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      VrtcMessage *msg = vrtc_codec_parse_message (lines[i], -1, &error);

      g_assert_no_error (error);
      g_assert_true (vrtc_engine_receive (e, msg, NULL, &error));
      g_assert_no_error (error);
      vrtc_msg_unref (msg);
    }
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

  receive_lines (e, lines, G_N_ELEMENTS (lines));
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

/* A loaded replica keeps its registers in one block per node and most stamps implicit: ops
 * on loaded registers, new properties, new nodes and removals after the load must give what
 * the replica that never compacted gives. */
static void
test_after_load (void)
{
  static const char *const more[] = {
    "{\"id\":\"c:1\",\"sessionId\":\"c\",\"clock\":{\"a\":2,\"b\":3,\"c\":1},\"lamportTime\":6,\"timestamp\":6000,\"ops\":["
      "{\"key\":\"box\",\"otype\":\"vector3.add\",\"path\":\"position\",\"value\":[1,1,1]},"
      "{\"key\":\"box\",\"otype\":\"string.set\",\"path\":\"label\",\"value\":\"Box 2\"},"
      "{\"key\":\"box\",\"otype\":\"vector3.set\",\"path\":\"scale\",\"value\":[2,2,2]},"
      "{\"key\":\"g\",\"otype\":\"boolean.set\",\"path\":\"visible\",\"value\":false},"
      "{\"key\":\"lamp\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Light\",\"parentKey\":\"g\",\"value\":{\"intensity\":2}}]}",
    "{\"id\":\"c:2\",\"sessionId\":\"c\",\"clock\":{\"a\":2,\"b\":3,\"c\":2},\"lamportTime\":7,\"timestamp\":7000,\"ops\":["
      "{\"key\":\"cone\",\"otype\":\"node.remove\",\"path\":\"\"},"
      "{\"key\":\"box\",\"otype\":\"number.add\",\"path\":\"opacity\",\"value\":0.5},"
      "{\"key\":\"box\",\"otype\":\"node.move\",\"path\":\"\",\"parentKey\":\"scene\"}]}",
    "{\"id\":\"c:3\",\"sessionId\":\"c\",\"clock\":{\"a\":2,\"b\":3,\"c\":3},\"lamportTime\":8,\"timestamp\":8000,\"ops\":["
      "{\"key\":\"\",\"otype\":\"meta.undo\",\"path\":\"\",\"targetMsgId\":\"c:1\"}]}",
  };
  VrtcEngine *server = busy_replica ();
  g_autoptr(GString) snap = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  VrtcEngine *loaded;

  vrtc_engine_write_snapshot (server, snap);
  loaded = load_streamed (snap->str, &error);
  g_assert_no_error (error);
  for (guint i = 1; i <= G_N_ELEMENTS (more); i++)
    {
      g_autofree char *a = NULL, *b = NULL;

      receive_lines (server, &more[i - 1], 1);
      receive_lines (loaded, &more[i - 1], 1);
      a = graph_of (server);
      b = graph_of (loaded);
      g_assert_cmpstr (a, ==, b);
      /* the new node and property are really there before the undo */
      if (i == 1)
        g_assert_true (strstr (b, "\"lamp\"") != NULL && strstr (b, "\"scale\"") != NULL);
    }
  vrtc_engine_free (server);
  vrtc_engine_free (loaded);
}

/* Node clocks are kept compactly when they are counts; each comes back as it was given. */
static void
test_node_clocks (void)
{
  g_autoptr(GError) error = NULL;
  VrtcEngine *e = load_streamed (
    "{\"graph\":{\"rootKey\":\"scene\",\"nodes\":{"
    "\"scene\":{\"key\":\"scene\",\"tag\":\"Scene\",\"children\":[\"p\",\"q\",\"r\",\"s\",\"t\"]},"
    "\"p\":{\"key\":\"p\",\"tag\":\"Mesh\",\"clock\":{\"b\":2,\"a\":1.5,\"z\\u00e9\":3}},"
    "\"q\":{\"key\":\"q\",\"tag\":\"Mesh\",\"clock\":{\"one\":7}},"
    "\"r\":{\"key\":\"r\",\"tag\":\"Mesh\",\"clock\":{\"a\":1,\"x\":\"odd\"}},"
    "\"s\":{\"key\":\"s\",\"tag\":\"Mesh\",\"clock\":null},"
    "\"t\":{\"key\":\"t\",\"tag\":\"Mesh\"}}}}", &error);
  g_autofree char *g = NULL;

  g_assert_no_error (error);
  g = graph_of (e);
  g_assert_nonnull (strstr (g, "\"clock\":{\"a\":1.5,\"b\":2,\"z\u00e9\":3}"));
  g_assert_nonnull (strstr (g, "\"clock\":{\"one\":7}"));
  g_assert_nonnull (strstr (g, "\"clock\":{\"a\":1,\"x\":\"odd\"}"));
  g_assert_nonnull (strstr (g, "\"clock\":null"));
  g_assert_nonnull (strstr (g, "\"clock\":{}"));
  vrtc_engine_free (e);
}

static char *
write_temp (const char *text,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("vrtc-snapshot-XXXXXX.json", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, text, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

static VrtcEngine *
load_mapped (const char *path,
             GError    **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  VrtcEngine *e = vrtc_engine_new ("me");

  if (file == NULL || !vrtc_snapshot_init_engine_mapped (e, file, NULL, 0, error))
    g_clear_pointer (&e, vrtc_engine_free);
  return e;
}

/* A mapped file loads like its text, and a bad one leaves the engine as it was. */
static void
test_mapped_file (void)
{
  VrtcEngine *server = busy_replica ();
  g_autoptr(GString) snap = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL, *bad = NULL, *empty = NULL;
  g_autofree char *expected = graph_of (server);
  g_autofree char *got = NULL, *before = NULL, *after = NULL;
  g_autoptr(GMappedFile) file = NULL;
  VrtcEngine *e;

  vrtc_engine_write_snapshot (server, snap);
  path = write_temp (snap->str, snap->len);
  e = load_mapped (path, &error);
  g_assert_no_error (error);
  got = graph_of (e);
  g_assert_cmpstr (got, ==, expected);

  before = graph_of (e);
  bad = write_temp ("{\"graph\":{\"nodes\":{\"a\":{\"x\":1}}}", 31);
  file = g_mapped_file_new (bad, FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (vrtc_snapshot_init_engine_mapped (e, file, NULL, 0, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_nonnull (strstr (error->message, "1:32: unexpected end of text"));
  g_clear_error (&error);
  g_clear_pointer (&file, g_mapped_file_unref);
  empty = write_temp ("", 0);
  file = g_mapped_file_new (empty, FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (vrtc_snapshot_init_engine_mapped (e, file, NULL, 0, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE);
  g_clear_error (&error);
  after = graph_of (e);
  g_assert_cmpstr (after, ==, before);

  g_unlink (path);
  g_unlink (bad);
  g_unlink (empty);
  vrtc_engine_free (e);
  vrtc_engine_free (server);
}

/* Resident size (kB) of the mapping that starts at addr, from /proc/self/smaps. */
static gssize
mapping_rss_kb (const void *addr)
{
  g_autofree char *smaps = NULL;
  g_autofree char *start = g_strdup_printf ("%" G_GINT64_MODIFIER "x-", (gint64) (guintptr) addr);
  const char *at, *rss;

  if (!g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL))
    return -1;
  for (at = smaps; at != NULL; at = strchr (at, '\n') ? strchr (at, '\n') + 1 : NULL)
    if (g_str_has_prefix (at, start))
      break;
  if (at == NULL || (rss = strstr (at, "\nRss:")) == NULL)
    return -1;
  return (gssize) g_ascii_strtoll (rss + 5, NULL, 10);
}

/* Loading a mapped file gives back the pages the reader has passed: a 10 MB snapshot leaves
 * at most a window of it resident. */
static void
test_mapped_release (void)
{
  VrtcEngine *big = vrtc_engine_new ("builder");
  g_autoptr(GString) snap = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autofree char *path = NULL, *a = NULL, *b = NULL;
  VrtcEngine *e = vrtc_engine_new ("me");
  VrtcOperation op = { 0 };
  gssize rss_kb;

  if (!g_file_test ("/proc/self/smaps", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /proc/self/smaps to see what is resident");
      vrtc_engine_free (big);
      vrtc_engine_free (e);
      return;
    }
  op.otype = (char *) "node.insert";
  op.path = (char *) "";
  op.parent_key = (char *) "scene";
  op.tag = (char *) "Mesh";
  vrtc_op_resolve (&op);
  for (guint i = 0; i < 30000; i++)
    {
      g_autofree char *key = g_strdup_printf ("node-%u", i);
      g_autofree char *label = g_strdup_printf ("Object number %u with a longer label", i);
      VrtcMember *m = g_new0 (VrtcMember, 3);
      double pos[3] = { i, i * 0.5, -1.0 * i };

      m[0].key = g_strdup ("position");
      vrtc_value_set_vec (&m[0].value, pos, 3);
      m[1].key = g_strdup ("label");
      vrtc_value_set_string (&m[1].value, label);
      m[2].key = g_strdup ("opacity");
      vrtc_value_set_number (&m[2].value, (i % 10) / 10.0);
      vrtc_value_take_object (&op.value, m, 3);
      op.key = key;
      vrtc_engine_edit (big, &op);
      vrtc_msg_unref (vrtc_engine_commit (big, 1000 + i));
      vrtc_value_clear (&op.value);
    }
  vrtc_engine_write_snapshot (big, snap);
  g_assert_cmpuint (snap->len, >, 8u << 20);
  path = write_temp (snap->str, snap->len);

  file = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (vrtc_snapshot_init_engine_mapped (e, file, NULL, 0, &error));
  g_assert_no_error (error);
  rss_kb = mapping_rss_kb (g_mapped_file_get_contents (file));
  g_assert_cmpint (rss_kb, >=, 0);
  /* the release step and what is kept behind the reader, and the stamps' tail */
  g_assert_cmpint (rss_kb, <, 3 * 1024);
  a = graph_of (big);
  b = graph_of (e);
  g_assert_cmpstr (a, ==, b);

  g_unlink (path);
  vrtc_engine_free (big);
  vrtc_engine_free (e);
}

typedef struct {
  GString *all;
  guint    calls;
  guint    fail_at;   /* 0: never */
} Chunks;

static gboolean
take_chunk (GString  *out,
            gpointer  user_data)
{
  Chunks *c = user_data;

  if (++c->calls == c->fail_at)
    return FALSE;
  g_string_append_len (c->all, out->str, out->len);
  g_string_truncate (out, 0);
  return TRUE;
}

/* Written in chunks, a snapshot or a graph is the same text as written at once; a flush that
 * fails stops the writing. */
static void
test_chunked_write (void)
{
  VrtcEngine *e = busy_replica ();
  g_autoptr(GString) whole = g_string_new (NULL), graph = g_string_new (NULL);
  g_autoptr(GString) buf = g_string_new (NULL);
  Chunks c = { g_string_new (NULL), 0, 0 };

  vrtc_engine_write_snapshot (e, whole);
  g_assert_true (vrtc_engine_write_snapshot_chunked (e, buf, 64, take_chunk, &c));
  g_assert_cmpstr (c.all->str, ==, whole->str);
  g_assert_cmpuint (c.calls, >, 3);
  g_assert_cmpuint (buf->len, ==, 0);

  vrtc_engine_write_graph (e, graph);
  g_string_truncate (c.all, 0);
  c.calls = 0;
  g_assert_true (vrtc_engine_write_graph_chunked (e, buf, 32, take_chunk, &c));
  g_assert_cmpstr (c.all->str, ==, graph->str);

  g_string_truncate (c.all, 0);
  g_string_truncate (buf, 0);
  c.calls = 0;
  c.fail_at = 2;
  g_assert_false (vrtc_engine_write_snapshot_chunked (e, buf, 64, take_chunk, &c));
  g_assert_cmpuint (c.calls, ==, 2);
  g_assert_cmpuint (c.all->len + buf->len, <, whole->len);

  g_string_free (c.all, TRUE);
  vrtc_engine_free (e);
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
  g_test_add_func ("/snapshot-load/after-load", test_after_load);
  g_test_add_func ("/snapshot-load/node-clocks", test_node_clocks);
  g_test_add_func ("/snapshot-load/mapped-file", test_mapped_file);
  g_test_add_func ("/snapshot-load/mapped-release", test_mapped_release);
  g_test_add_func ("/snapshot-load/chunked-write", test_chunked_write);

  return g_test_run ();
}
