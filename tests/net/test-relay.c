/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "vrtc-codec.h"
#include "vrtc-engine.h"
#include "vrtc-protocol.h"
#include "vrtc-relay.h"

/*
 * VrtcRelay over real loopback sockets, with raw libsoup WebSocket clients (not
 * VrtcClient) so that every frame is visible, and the rooms' SQLite files read back
 * directly. Waits are on conditions with a generous deadline, never on fixed sleeps.
 */

#define DEADLINE_SECONDS 30

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VrtcEngine, vrtc_engine_free)

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until cond holds; fails the test after DEADLINE_SECONDS. */
#define WAIT_FOR(cond)                                                                  \
  G_STMT_START {                                                                        \
    gint64 deadline_ = g_get_monotonic_time () + DEADLINE_SECONDS * G_USEC_PER_SEC;     \
    guint wake_ = g_timeout_add (50, wake_cb, NULL);                                    \
    while (!(cond))                                                                     \
      {                                                                                 \
        if (g_get_monotonic_time () > deadline_)                                        \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond);       \
        g_main_context_iteration (NULL, TRUE);                                          \
      }                                                                                 \
    g_source_remove (wake_);                                                            \
  } G_STMT_END

/* ---- temporary data directories ---- */

static void
rm_rf (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          rm_rf (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static gint64
db_query (const char *dir,
          const char *room,
          const char *sql)
{
  g_autofree char *file = g_strconcat (room, ".sqlite", NULL);
  g_autofree char *path = g_build_filename (dir, "rooms", file, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 result;

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  result = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

static gint64
count_rows (const char *dir,
            const char *room)
{
  return db_query (dir, room, "SELECT count(*) FROM messages");
}

/* ---- messages ---- */

/* A valid message: inserts node SESSION-SEQ and adds SEQ to the root's "total". */
static char *
make_msg (const char *session,
          guint       seq)
{
  return g_strdup_printf ("{\"id\":\"%s:%u\",\"sessionId\":\"%s\",\"clock\":{\"%s\":%u},"
                          "\"lamportTime\":%u,\"timestamp\":%u,\"ops\":["
                          "{\"key\":\"%s-%u\",\"otype\":\"node.insert\",\"path\":\"\","
                          "\"tag\":\"Mesh\",\"parentKey\":\"scene\",\"value\":{\"n\":%u}},"
                          "{\"key\":\"scene\",\"otype\":\"number.add\",\"path\":\"total\","
                          "\"value\":%u}]}",
                          session, seq, session, session, seq, seq, 1000 + seq,
                          session, seq, seq, seq);
}

static char *
make_meta (const char *session,
           guint       seq,
           const char *otype,
           const char *target)
{
  return g_strdup_printf ("{\"id\":\"%s:%u\",\"sessionId\":\"%s\",\"clock\":{\"%s\":%u},"
                          "\"lamportTime\":%u,\"timestamp\":%u,\"ops\":["
                          "{\"key\":\"\",\"otype\":\"%s\",\"path\":\"\",\"value\":null,"
                          "\"targetMsgId\":\"%s\"}]}",
                          session, seq, session, session, seq, seq, 1000 + seq, otype, target);
}

static char *
crdt_frame (const char *msg)
{
  return g_strdup_printf ("{\"mtype\":\"crdt\",\"msg\":%s}", msg);
}

static const char heartbeat_frame[] =
  "{\"mtype\":\"heartbeat\",\"sessionId\":\"probe\",\"vectorClock\":{}}";

/* A replica that received every message: the reference a room's state must match. */
static void
reference_receive (VrtcEngine *engine,
                   const char *msg_json)
{
  g_autoptr(GError) error = NULL;
  VrtcMessage *msg = vrtc_codec_parse_message (msg_json, -1, &error);

  g_assert_no_error (error);
  g_assert_true (vrtc_engine_receive (engine, msg, NULL, &error));
  g_assert_no_error (error);
  vrtc_msg_unref (msg);
}

static char *
engine_graph (VrtcEngine *engine)
{
  GString *s = g_string_new (NULL);

  vrtc_engine_write_graph (engine, s);
  return g_string_free (s, FALSE);
}

/* ---- raw WebSocket clients ---- */

typedef struct {
  SoupSession             *session;
  SoupMessage             *msg;
  SoupWebsocketConnection *ws;
  GQueue                   frames;    /* char *, oldest first */
  GPtrArray               *presence;  /* sessionId of each other client's heartbeat */
  gboolean                 done;      /* the upgrade finished, either way */
  GError                  *error;
  guint                    status;    /* HTTP status of the upgrade */
  gboolean                 closed;
  gushort                  close_code;
} Client;

static void
on_client_message (SoupWebsocketConnection *ws,
                   gint                     type,
                   GBytes                  *message,
                   gpointer                 data)
{
  Client *c = data;
  gsize len;
  const char *text = g_bytes_get_data (message, &len);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  /* other clients' heartbeats (presence) come at any time: kept apart from the rest */
  if (g_strstr_len (text, len, "\"mtype\":\"heartbeat\"") != NULL &&
      g_strstr_len (text, len, "\"sessionId\":\"" VRTC_RELAY_SESSION_ID "\"") == NULL)
    {
      VrtcFrame frame = { 0 };

      g_assert_true (vrtc_frame_parse (text, len, &frame, NULL));
      if (c->presence == NULL)
        c->presence = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (c->presence, g_strdup (frame.session_id));
      vrtc_frame_clear (&frame);
      return;
    }
  g_queue_push_tail (&c->frames, g_strndup (text, len));
}

static void
on_client_closed (SoupWebsocketConnection *ws,
                  gpointer                 data)
{
  Client *c = data;

  c->closed = TRUE;
  c->close_code = soup_websocket_connection_get_close_code (ws);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Client *c = data;

  c->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &c->error);
  c->status = soup_message_get_status (c->msg);
  if (c->ws != NULL)
    {
      soup_websocket_connection_set_max_incoming_payload_size (c->ws, 0);
      g_signal_connect (c->ws, "message", G_CALLBACK (on_client_message), c);
      g_signal_connect (c->ws, "closed", G_CALLBACK (on_client_closed), c);
    }
  c->done = TRUE;
}

static Client *
client_open (const char *url,
             const char *authorization)
{
  Client *c = g_new0 (Client, 1);

  c->session = soup_session_new ();
  c->msg = soup_message_new ("GET", url);
  g_assert_nonnull (c->msg);
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (c->msg),
                                  "Authorization", authorization);
  soup_session_websocket_connect_async (c->session, c->msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, connected_cb, c);
  WAIT_FOR (c->done);
  return c;
}

static void
client_free (Client *c)
{
  if (c->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (c->ws, c);
      if (soup_websocket_connection_get_state (c->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (c->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (c->ws);
    }
  g_queue_clear_full (&c->frames, g_free);
  g_clear_pointer (&c->presence, g_ptr_array_unref);
  g_clear_error (&c->error);
  g_clear_object (&c->msg);
  g_clear_object (&c->session);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static void
client_send (Client     *c,
             const char *text)
{
  g_assert_nonnull (c->ws);
  soup_websocket_connection_send_text (c->ws, text);
}

static char *
client_pop (Client *c)
{
  WAIT_FOR (!g_queue_is_empty (&c->frames) || c->closed);
  g_assert_false (g_queue_is_empty (&c->frames));
  return g_queue_pop_head (&c->frames);
}

static const char *frame_names[] = {
  "state", "crdt", "broadcast", "ack", "error", "heartbeat", "room-reset"
};

/* The next frame, which must be of the type given. */
static void
client_expect (Client        *c,
               VrtcFrameType  type,
               VrtcFrame     *frame)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = client_pop (c);

  if (!vrtc_frame_parse (text, strlen (text), frame, &error))
    g_error ("cannot parse frame %s: %s", text, error->message);
  if (frame->type != type)
    g_error ("expected a %s frame, got %s", frame_names[type], text);
}

static char *
client_expect_error (Client *c)
{
  VrtcFrame frame = { 0 };
  char *error;

  client_expect (c, VRTC_FRAME_ERROR, &frame);
  error = g_steal_pointer (&frame.error);
  vrtc_frame_clear (&frame);
  return error;
}

static gint64
client_expect_ack (Client     *c,
                   const char *msg_id)
{
  VrtcFrame frame = { 0 };
  gint64 seq;

  client_expect (c, VRTC_FRAME_ACK, &frame);
  g_assert_cmpstr (frame.msg_id, ==, msg_id);
  seq = frame.server_seq;
  vrtc_frame_clear (&frame);
  return seq;
}

static void
client_expect_broadcast (Client     *c,
                         const char *msg_id)
{
  VrtcFrame frame = { 0 };

  client_expect (c, VRTC_FRAME_BROADCAST, &frame);
  g_assert_cmpstr (frame.msg->id, ==, msg_id);
  vrtc_frame_clear (&frame);
}

/* Asserts that nothing else reached the client so far: the relay writes frames to a
 * connection in order, so anything sent before the heartbeat's answer arrives first. */
static void
client_barrier (Client *c)
{
  VrtcFrame frame = { 0 };

  client_send (c, heartbeat_frame);
  client_expect (c, VRTC_FRAME_HEARTBEAT, &frame);
  g_assert_cmpstr (frame.session_id, ==, "relay");
  vrtc_frame_clear (&frame);
}

/* Sends one message and waits for its ack; returns the serverSeq. */
static gint64
client_commit (Client     *c,
               const char *msg_json,
               const char *msg_id)
{
  g_autofree char *frame = crdt_frame (msg_json);

  client_send (c, frame);
  return client_expect_ack (c, msg_id);
}

/* An engine initialised from the client's `state` frame, as a client does. */
static VrtcEngine *
client_expect_state (Client *c,
                     guint  *n_journal,
                     gboolean *has_snapshot)
{
  g_autoptr(GError) error = NULL;
  VrtcFrame frame = { 0 };
  VrtcEngine *engine = vrtc_engine_new ("joiner");

  client_expect (c, VRTC_FRAME_STATE, &frame);
  if (n_journal)
    *n_journal = frame.journal->len;
  if (has_snapshot)
    *has_snapshot = frame.snapshot.kind == VRTC_VALUE_OBJECT;
  g_assert_true (vrtc_engine_init_from_server (engine,
                                               frame.snapshot.kind == VRTC_VALUE_OBJECT
                                               ? &frame.snapshot : NULL,
                                               (VrtcMessage **) frame.journal->pdata,
                                               frame.journal->len, &error));
  g_assert_no_error (error);
  vrtc_frame_clear (&frame);
  return engine;
}

static Client *
client_join (const char *base,
             const char *room,
             const char *session)
{
  g_autofree char *url = g_strdup_printf ("%s%s?session=%s", base, room, session);
  Client *c = client_open (url, NULL);

  g_assert_no_error (c->error);
  g_assert_nonnull (c->ws);
  return c;
}

/* ---- fixture ---- */

typedef struct {
  char      *dir;
  VrtcRelay *relay;
  char      *base;     /* ws://127.0.0.1:PORT/ */
} Fixture;

static void
fixture_start_relay (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->relay = vrtc_relay_new (f->dir, &error);
  g_assert_no_error (error);
  /* no unsolicited heartbeats: tests that want them turn them on */
  vrtc_relay_set_heartbeat_interval (f->relay, 0);
  vrtc_relay_set_heartbeat_timeout (f->relay, 0);
  g_assert_true (vrtc_relay_listen (f->relay, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vrtc_relay_get_port (f->relay), >, 0);
  g_free (f->base);
  f->base = vrtc_relay_get_url (f->relay, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("vrtc-relay-XXXXXX", &error);
  g_assert_no_error (error);
  fixture_start_relay (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->relay);
  /* let the closed connections wind down before the next test */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->base);
}

/* ---- tests ---- */

static void
test_join_state (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Client) a = NULL;
  g_autofree char *url = vrtc_relay_get_url (f->relay, "lobby");
  g_autofree char *expected = g_strdup_printf ("ws://127.0.0.1:%u/lobby",
                                               vrtc_relay_get_port (f->relay));
  g_autofree char *text = NULL;
  VrtcFrame frame = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (url, ==, expected);
  g_assert_cmpuint (vrtc_relay_get_n_rooms (f->relay), ==, 0);
  g_assert_cmpuint (vrtc_relay_get_n_clients (f->relay), ==, 0);

  a = client_join (f->base, "lobby", "alice");
  text = client_pop (a);
  g_assert_true (vrtc_frame_parse (text, strlen (text), &frame, &error));
  g_assert_no_error (error);
  g_assert_cmpint (frame.type, ==, VRTC_FRAME_STATE);
  g_assert_cmpint (frame.snapshot.kind, ==, VRTC_VALUE_NONE);
  g_assert_cmpuint (frame.journal->len, ==, 0);
  vrtc_frame_clear (&frame);

  g_assert_cmpuint (vrtc_relay_get_n_rooms (f->relay), ==, 1);
  g_assert_cmpuint (vrtc_relay_get_n_clients (f->relay), ==, 1);
  client_barrier (a);

  soup_websocket_connection_close (a->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  WAIT_FOR (vrtc_relay_get_n_clients (f->relay) == 0);
}

/* Presence: who is in a room is known without anyone editing. A joiner hears of those
 * present and they of it; a client's heartbeat is passed on to the others of its room, and
 * not to other rooms. */
static gboolean
saw_presence (Client     *c,
              const char *session,
              guint       times)
{
  guint n = 0;

  for (guint i = 0; c->presence != NULL && i < c->presence->len; i++)
    if (g_strcmp0 (c->presence->pdata[i], session) == 0)
      n++;
  return n >= times;
}

static void
test_presence (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Client) a = client_join (f->base, "one", "a");
  g_autoptr(Client) b = NULL;
  g_autoptr(Client) c = client_join (f->base, "two", "c");
  VrtcFrame frame = { 0 };

  client_expect (a, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  client_expect (c, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  b = client_join (f->base, "one", "b");
  client_expect (b, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  WAIT_FOR (saw_presence (a, "b", 1) && saw_presence (b, "a", 1));

  client_send (a, "{\"mtype\":\"heartbeat\",\"sessionId\":\"a\",\"vectorClock\":{}}");
  client_expect (a, VRTC_FRAME_HEARTBEAT, &frame);   /* the relay's own answer */
  g_assert_cmpstr (frame.session_id, ==, VRTC_RELAY_SESSION_ID);
  vrtc_frame_clear (&frame);
  WAIT_FOR (saw_presence (b, "a", 2));

  client_barrier (c);
  g_assert_null (c->presence);
  g_assert_false (saw_presence (a, "a", 1));
}

static void
test_ack_broadcast (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Client) a = client_join (f->base, "one", "a");
  g_autoptr(Client) b = client_join (f->base, "one", "b");
  g_autoptr(Client) c = client_join (f->base, "two", "c");
  g_autoptr(Client) late = NULL;
  g_autofree char *m1 = make_msg ("a", 1);
  g_autofree char *m2 = make_msg ("b", 1);
  g_autofree char *m3 = make_msg ("a", 2);
  VrtcFrame frame = { 0 };

  for (guint i = 0; i < 3; i++)
    {
      client_expect (i == 0 ? a : i == 1 ? b : c, VRTC_FRAME_STATE, &frame);
      vrtc_frame_clear (&frame);
    }
  g_assert_cmpuint (vrtc_relay_get_n_rooms (f->relay), ==, 2);
  g_assert_cmpuint (vrtc_relay_get_n_clients (f->relay), ==, 3);

  g_assert_cmpint (client_commit (a, m1, "a:1"), ==, 1);
  client_expect_broadcast (b, "a:1");
  g_assert_cmpint (client_commit (b, m2, "b:1"), ==, 2);
  client_expect_broadcast (a, "b:1");
  g_assert_cmpint (client_commit (a, m3, "a:2"), ==, 3);
  client_expect_broadcast (b, "a:2");

  /* the sender gets no broadcast of its own message, the other room nothing at all */
  client_barrier (a);
  client_barrier (b);
  client_barrier (c);

  g_assert_cmpint (count_rows (f->dir, "one"), ==, 3);
  g_assert_cmpint (count_rows (f->dir, "two"), ==, 0);

  /* a late joiner's state holds the three, in server order */
  late = client_join (f->base, "one", "late");
  client_expect (late, VRTC_FRAME_STATE, &frame);
  g_assert_cmpuint (frame.journal->len, ==, 3);
  g_assert_cmpstr (((VrtcMessage *) frame.journal->pdata[0])->id, ==, "a:1");
  g_assert_cmpstr (((VrtcMessage *) frame.journal->pdata[1])->id, ==, "b:1");
  g_assert_cmpstr (((VrtcMessage *) frame.journal->pdata[2])->id, ==, "a:2");
  vrtc_frame_clear (&frame);
}

static void
test_duplicate (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Client) a = client_join (f->base, "dup", "a");
  g_autoptr(Client) b = client_join (f->base, "dup", "b");
  g_autofree char *m1 = make_msg ("a", 1);
  g_autofree char *frame1 = crdt_frame (m1);
  VrtcFrame frame = { 0 };

  client_expect (a, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  client_expect (b, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);

  /* twice in a row (most likely in one group commit), then again once it is on disk */
  client_send (a, frame1);
  client_send (a, frame1);
  g_assert_cmpint (client_expect_ack (a, "a:1"), ==, 1);
  g_assert_cmpint (client_expect_ack (a, "a:1"), ==, 1);
  g_assert_cmpint (client_commit (a, m1, "a:1"), ==, 1);
  /* from another connection of the same session, as after a reconnect */
  {
    g_autoptr(Client) again = client_join (f->base, "dup", "a");

    client_expect (again, VRTC_FRAME_STATE, &frame);
    g_assert_cmpuint (frame.journal->len, ==, 1);
    vrtc_frame_clear (&frame);
    g_assert_cmpint (client_commit (again, m1, "a:1"), ==, 1);
    client_barrier (again);
  }

  client_expect_broadcast (b, "a:1");
  client_barrier (b);
  client_barrier (a);
  g_assert_cmpint (count_rows (f->dir, "dup"), ==, 1);
}

typedef struct {
  const char *frame;
  const char *expected;    /* in the error text */
} Malformed;

static void
test_malformed (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Client) a = client_join (f->base, "bad", "a");
  g_autoptr(Client) b = client_join (f->base, "bad", "b");
  g_autofree char *valid = make_msg ("a", 1);
  g_autofree char *valid_b = make_msg ("b", 1);
  g_autofree char *from_b = crdt_frame (valid_b);
  g_autofree char *as_broadcast = g_strdup_printf ("{\"mtype\":\"broadcast\",\"msg\":%s}", valid);
  const Malformed cases[] = {
    { "{not json", "JSON" },
    { "", "JSON" },
    { "[1, 2]", "frame" },
    { "{}", "mtype" },
    { "{\"mtype\": 42}", "mtype" },
    { "{\"mtype\": \"bogus\"}", "mtype" },
    { "{\"mtype\": \"crdt\"}", "msg" },
    { "{\"mtype\": \"crdt\", \"msg\": [1]}", "msg" },
    { "{\"mtype\": \"crdt\", \"msg\": {\"sessionId\": \"a\", \"lamportTime\": 1, \"ops\": []}}",
      "id" },
    { "{\"mtype\": \"crdt\", \"msg\": {\"id\": \"x:1\", \"sessionId\": \"a\", "
      "\"lamportTime\": 1, \"ops\": []}}", "id" },
    { "{\"mtype\": \"crdt\", \"msg\": {\"id\": \"a:1\", \"lamportTime\": 1, \"ops\": []}}",
      "sessionId" },
    { "{\"mtype\": \"crdt\", \"msg\": {\"id\": \"a:1\", \"sessionId\": \"a\", "
      "\"lamportTime\": \"one\", \"ops\": []}}", "lamportTime" },
    { "{\"mtype\": \"crdt\", \"msg\": {\"id\": \"a:1\", \"sessionId\": \"a\", "
      "\"lamportTime\": 1, \"ops\": {}}}", "ops" },
    { "{\"mtype\": \"crdt\", \"msg\": {\"id\": \"a:1\", \"sessionId\": \"a\", "
      "\"lamportTime\": 1, \"ops\": [{\"key\": \"k\", \"path\": \"p\"}]}}", "otype" },
    { from_b, "sessionId" },
    { as_broadcast, "mtype" },
    { "{\"mtype\": \"state\", \"snapshot\": null, \"journal\": []}", "mtype" },
    { "{\"mtype\": \"ack\", \"msgId\": \"a:1\", \"serverSeq\": 1}", "mtype" },
    { "{\"mtype\": \"room-reset\"}", "mtype" },
    { "{\"etype\": \"RTC\", \"value\": {\"mtype\": \"crdt\"}}", "msg" },
    { "{\"etype\": \"other\", \"value\": {}}", "etype" },
  };
  VrtcFrame frame = { 0 };

  client_expect (a, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  client_expect (b, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *error = NULL;

      client_send (a, cases[i].frame);
      error = client_expect_error (a);
      g_test_message ("%s -> %s", cases[i].frame, error);
      if (strstr (error, cases[i].expected) == NULL)
        g_error ("case %u: the error \"%s\" does not name \"%s\"", i, error, cases[i].expected);
      /* the connection goes on, nothing was stored or passed on */
      client_barrier (a);
      g_assert_false (a->closed);
      g_assert_cmpint (count_rows (f->dir, "bad"), ==, 0);
    }

  /* binary frames are refused the same way */
  soup_websocket_connection_send_binary (a->ws, "\x01\x02", 2);
  {
    g_autofree char *error = client_expect_error (a);

    g_assert_nonnull (strstr (error, "binary"));
  }

  client_barrier (b);
  g_assert_cmpuint (vrtc_relay_get_n_clients (f->relay), ==, 2);

  /* and the room still works: the id none of the bad frames could take is free */
  g_assert_cmpint (client_commit (a, valid, "a:1"), ==, 1);
  client_expect_broadcast (b, "a:1");
  g_assert_cmpint (count_rows (f->dir, "bad"), ==, 1);
}

static void
test_frame_too_large (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Client) a = NULL;
  g_autoptr(Client) b = NULL;
  g_autoptr(Client) c = NULL;
  g_autofree char *error = NULL;
  GString *big = g_string_new ("{\"mtype\":\"heartbeat\",\"pad\":\"");
  VrtcFrame frame = { 0 };

  vrtc_relay_set_max_frame_size (f->relay, 1024);
  a = client_join (f->base, "big", "a");
  client_expect (a, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);

  /* at the limit: fine */
  while (big->len < 1024 - 2)
    g_string_append_c (big, 'x');
  g_string_append (big, "\"}");
  g_assert_cmpuint (big->len, ==, 1024);
  client_send (a, big->str);
  client_expect (a, VRTC_FRAME_HEARTBEAT, &frame);
  vrtc_frame_clear (&frame);

  /* one byte over: an error frame, then a close with 1009 */
  g_string_insert_c (big, 30, 'x');
  client_send (a, big->str);
  error = client_expect_error (a);
  g_assert_nonnull (strstr (error, "frame"));
  g_assert_nonnull (strstr (error, "1024"));
  WAIT_FOR (a->closed);
  g_assert_cmpuint (a->close_code, ==, SOUP_WEBSOCKET_CLOSE_TOO_BIG);
  WAIT_FOR (vrtc_relay_get_n_clients (f->relay) == 0);

  /* far over (past what the relay reads at all): dropped too, the relay goes on */
  b = client_join (f->base, "big", "b");
  client_expect (b, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  g_string_truncate (big, 29);
  while (big->len < 64 * 1024)
    g_string_append_c (big, 'x');
  g_string_append (big, "\"}");
  client_send (b, big->str);
  WAIT_FOR (b->closed);
  WAIT_FOR (vrtc_relay_get_n_clients (f->relay) == 0);

  c = client_join (f->base, "big", "c");
  client_expect (c, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  client_barrier (c);
  g_string_free (big, TRUE);
}

static void
test_token (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *plain = g_strdup_printf ("%sroom?session=a", f->base);
  g_autofree char *wrong = g_strdup_printf ("%sroom?session=a&token=nope", f->base);
  g_autofree char *right = g_strdup_printf ("%sroom?session=a&token=s3cret", f->base);
  VrtcFrame frame = { 0 };

  vrtc_relay_set_token (f->relay, "s3cret");

  {
    g_autoptr(Client) c = client_open (plain, NULL);

    g_assert_null (c->ws);
    g_assert_nonnull (c->error);
    g_assert_cmpuint (c->status, ==, SOUP_STATUS_UNAUTHORIZED);
  }
  {
    g_autoptr(Client) c = client_open (wrong, NULL);

    g_assert_null (c->ws);
    g_assert_cmpuint (c->status, ==, SOUP_STATUS_UNAUTHORIZED);
  }
  {
    g_autoptr(Client) c = client_open (plain, "Bearer s3cre");

    g_assert_null (c->ws);
    g_assert_cmpuint (c->status, ==, SOUP_STATUS_UNAUTHORIZED);
  }
  g_assert_cmpuint (vrtc_relay_get_n_clients (f->relay), ==, 0);
  g_assert_cmpuint (vrtc_relay_get_n_rooms (f->relay), ==, 0);

  {
    g_autoptr(Client) c = client_open (right, NULL);

    g_assert_no_error (c->error);
    g_assert_cmpuint (c->status, ==, SOUP_STATUS_SWITCHING_PROTOCOLS);
    client_expect (c, VRTC_FRAME_STATE, &frame);
    vrtc_frame_clear (&frame);
  }
  {
    g_autoptr(Client) c = client_open (plain, "Bearer s3cret");

    g_assert_no_error (c->error);
    client_expect (c, VRTC_FRAME_STATE, &frame);
    vrtc_frame_clear (&frame);
  }
}

static void
test_bad_request (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *too_long = g_strnfill (65, 'r');
  g_autofree char *longest = g_strnfill (64, 'r');
  const char *refused[] = {
    "bad$name?session=a",
    "?session=a",
    "a/b?session=a",
    "a%2Fb?session=a",
    ".hidden?session=a",
    "caf%C3%A9?session=a",
    "room",
    "room?session=",
    "room?session=two%20words",
    "room?session=a&dialect=xml",
    NULL,   /* too_long */
  };
  VrtcFrame frame = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *url = refused[i]
        ? g_strconcat (f->base, refused[i], NULL)
        : g_strdup_printf ("%s%s?session=a", f->base, too_long);
      g_autoptr(Client) c = client_open (url, NULL);

      g_test_message ("%s -> %u", url, c->status);
      g_assert_null (c->ws);
      g_assert_cmpuint (c->status, ==, SOUP_STATUS_BAD_REQUEST);
    }
  g_assert_cmpuint (vrtc_relay_get_n_rooms (f->relay), ==, 0);

  {
    g_autoptr(Client) c = client_join (f->base, longest, "a.b_c-D:9@x");

    client_expect (c, VRTC_FRAME_STATE, &frame);
    vrtc_frame_clear (&frame);
  }
}

static void
test_max_clients (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Client) a = NULL;
  g_autoptr(Client) b = NULL;
  g_autoptr(Client) d = NULL;
  g_autofree char *url = g_strdup_printf ("%sfull?session=c", f->base);
  VrtcFrame frame = { 0 };

  vrtc_relay_set_max_clients_per_room (f->relay, 2);
  a = client_join (f->base, "full", "a");
  b = client_join (f->base, "full", "b");
  {
    g_autoptr(Client) c = client_open (url, NULL);

    g_assert_null (c->ws);
    g_assert_cmpuint (c->status, ==, SOUP_STATUS_SERVICE_UNAVAILABLE);
  }
  /* another room is not full */
  {
    g_autoptr(Client) c = client_join (f->base, "other", "c");

    client_expect (c, VRTC_FRAME_STATE, &frame);
    vrtc_frame_clear (&frame);
  }

  soup_websocket_connection_close (a->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  WAIT_FOR (vrtc_relay_get_n_clients (f->relay) == 1);
  d = client_join (f->base, "full", "d");
  client_expect (d, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
}

static void
test_max_rooms (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Client) a = NULL;
  g_autoptr(Client) b = NULL;
  g_autofree char *url = g_strdup_printf ("%ssecond?session=c", f->base);
  VrtcFrame frame = { 0 };

  vrtc_relay_set_max_rooms (f->relay, 1);
  a = client_join (f->base, "first", "a");
  {
    g_autoptr(Client) c = client_open (url, NULL);

    g_assert_null (c->ws);
    g_assert_cmpuint (c->status, ==, SOUP_STATUS_SERVICE_UNAVAILABLE);
  }
  b = client_join (f->base, "first", "b");
  client_expect (b, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  g_assert_cmpuint (vrtc_relay_get_n_rooms (f->relay), ==, 1);
  {
    g_autofree char *path = g_build_filename (f->dir, "rooms", "second.sqlite", NULL);

    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }

  /* once the first room is empty, it makes way at once (it would linger otherwise) */
  client_free (g_steal_pointer (&a));
  client_free (g_steal_pointer (&b));
  WAIT_FOR (vrtc_relay_get_n_clients (f->relay) == 0);
  g_assert_cmpuint (vrtc_relay_get_n_rooms (f->relay), ==, 1);
  b = client_join (f->base, "second", "b");
  client_expect (b, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  g_assert_cmpuint (vrtc_relay_get_n_rooms (f->relay), ==, 1);
}

static void
collect_log (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        data)
{
  g_ptr_array_add (data, g_strdup (message));
}

static gboolean
log_has (GPtrArray  *lines,
         const char *prefix,
         const char *part)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_str_has_prefix (lines->pdata[i], prefix) && strstr (lines->pdata[i], part) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_log (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *bad = g_strdup_printf ("%sno$such?session=x", f->base);
  guint handler = g_log_set_handler ("Vrtc", G_LOG_LEVEL_MESSAGE, collect_log, lines);
  VrtcFrame frame = { 0 };

  {
    g_autoptr(Client) a = client_join (f->base, "logged", "alice");
    g_autoptr(Client) refused = client_open (bad, NULL);

    client_expect (a, VRTC_FRAME_STATE, &frame);
    vrtc_frame_clear (&frame);
    client_barrier (a);
    vrtc_relay_set_verbose (f->relay, TRUE);
    client_barrier (a);
    vrtc_relay_set_verbose (f->relay, FALSE);
    soup_websocket_connection_close (a->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, "bye");
    WAIT_FOR (vrtc_relay_get_n_clients (f->relay) == 0);
  }
  g_log_remove_handler ("Vrtc", handler);

  for (guint i = 0; i < lines->len; i++)
    g_test_message ("%s", (char *) lines->pdata[i]);
  /* one line per join, leave and refusal; every frame only while verbose */
  g_assert_true (log_has (lines, "join room=logged session=alice peer=127.0.0.1:", " clients=1"));
  g_assert_true (log_has (lines, "refuse room=- session=x peer=127.0.0.1:", "status=400"));
  g_assert_true (log_has (lines, "leave room=logged session=alice peer=127.0.0.1:",
                          "code=1000 reason=\"bye\" clients=0"));
  g_assert_true (log_has (lines, "frame room=logged session=alice", " in {\"mtype\":\"heartbeat\""));
  g_assert_true (log_has (lines, "frame room=logged session=alice", " out {"));
  g_assert_cmpuint (lines->len, ==, 5);
}

static void
test_dialect (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Client) seed = client_join (f->base, "d", "s");
  g_autoptr(Client) compact = NULL;
  g_autofree char *url = g_strdup_printf ("%sd?session=c&dialect=compact", f->base);
  g_autofree char *m1 = make_msg ("s", 1);
  g_autofree char *m2 = make_msg ("s", 2);
  g_autofree char *m3 = make_msg ("c", 1);
  g_autofree char *text = NULL;
  VrtcFrame frame = { 0 };

  client_expect (seed, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  g_assert_cmpint (client_commit (seed, m1, "s:1"), ==, 1);

  compact = client_open (url, NULL);
  g_assert_no_error (compact->error);
  text = client_pop (compact);
  g_assert_nonnull (strstr (text, "\"mtype\":\"state\""));
  g_assert_nonnull (strstr (text, "\"client\":\"s\""));
  g_assert_null (strstr (text, "sessionId"));
  g_clear_pointer (&text, g_free);

  g_assert_cmpint (client_commit (seed, m2, "s:2"), ==, 2);
  text = client_pop (compact);
  g_assert_nonnull (strstr (text, "\"mtype\":\"broadcast\""));
  g_assert_nonnull (strstr (text, "\"lt\":2"));
  g_clear_pointer (&text, g_free);

  /* compact in, seed out to the seed client */
  g_assert_cmpint (client_commit (compact, m3, "c:1"), ==, 3);
  text = client_pop (seed);
  g_assert_nonnull (strstr (text, "\"sessionId\":\"c\""));
  g_assert_nonnull (strstr (text, "\"otype\":\"node.insert\""));
}

static void
test_heartbeat (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Client) a = client_join (f->base, "hb", "a");
  g_autoptr(Client) b = NULL;
  g_autofree char *m1 = make_msg ("a", 1);
  g_autofree char *m2 = make_msg ("a", 2);
  VrtcFrame frame = { 0 };

  client_expect (a, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  client_commit (a, m1, "a:1");
  client_commit (a, m2, "a:2");

  /* answered with the room's vector clock */
  client_send (a, heartbeat_frame);
  client_expect (a, VRTC_FRAME_HEARTBEAT, &frame);
  g_assert_cmpstr (frame.session_id, ==, "relay");
  g_assert_cmpuint (vrtc_clock_get (&frame.clock, "a"), ==, 2);
  vrtc_frame_clear (&frame);

  /* a quiet relay says it is alive */
  vrtc_relay_set_heartbeat_interval (f->relay, 0.05);
  client_expect (a, VRTC_FRAME_HEARTBEAT, &frame);
  vrtc_frame_clear (&frame);
  vrtc_relay_set_heartbeat_interval (f->relay, 0);

  /* a silent client is dropped */
  b = client_join (f->base, "hb", "b");
  vrtc_relay_set_heartbeat_timeout (f->relay, 0.2);
  WAIT_FOR (a->closed && b->closed);
  g_assert_cmpuint (a->close_code, ==, 4408);
  g_assert_cmpuint (b->close_code, ==, 4408);
  g_assert_cmpuint (vrtc_relay_get_n_clients (f->relay), ==, 0);
}

/* Sends count messages of session, one at a time (each after the previous ack). */
static void
commit_series (Client     *c,
               VrtcEngine *reference,
               const char *session,
               guint       first,
               guint       count)
{
  for (guint i = first; i < first + count; i++)
    {
      g_autofree char *m = make_msg (session, i);
      g_autofree char *id = g_strdup_printf ("%s:%u", session, i);

      client_commit (c, m, id);
      if (reference)
        reference_receive (reference, m);
    }
}

static void
assert_same_graph (VrtcEngine *a,
                   VrtcEngine *b)
{
  g_autofree char *ga = engine_graph (a);
  g_autofree char *gb = engine_graph (b);

  g_assert_cmpstr (ga, ==, gb);
}

static void
test_compaction (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Client) a = client_join (f->base, "cmp", "a");
  g_autoptr(Client) b = client_join (f->base, "cmp", "b");
  g_autoptr(VrtcEngine) reference = vrtc_engine_new ("reference");
  g_autofree char *m1 = make_msg ("a", 1);
  VrtcFrame frame = { 0 };
  gboolean has_snapshot = FALSE;
  guint n_journal = 0;

  vrtc_relay_set_compact_threshold (f->relay, 10);
  client_expect (a, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  client_expect (b, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);

  /* compactions after the 11th and the 22nd message: 22 folded, 3 in the journal */
  commit_series (a, reference, "a", 1, 25);
  for (guint i = 1; i <= 25; i++)
    {
      g_autofree char *id = g_strdup_printf ("a:%u", i);

      client_expect_broadcast (b, id);
    }
  g_assert_cmpint (db_query (f->dir, "cmp", "SELECT count(*) FROM snapshots"), ==, 1);
  g_assert_cmpint (db_query (f->dir, "cmp", "SELECT journal_index FROM snapshots"), ==, 22);
  g_assert_cmpint (db_query (f->dir, "cmp", "SELECT last_seq FROM snapshots"), ==, 22);
  g_assert_cmpint (count_rows (f->dir, "cmp"), ==, 25);
  g_assert_cmpint (db_query (f->dir, "cmp", "SELECT count(json) FROM messages"), ==, 3);

  {
    g_autoptr(Client) late = client_join (f->base, "cmp", "late");
    g_autoptr(VrtcEngine) joined = client_expect_state (late, &n_journal, &has_snapshot);

    g_assert_true (has_snapshot);
    g_assert_cmpuint (n_journal, ==, 3);
    assert_same_graph (joined, reference);
  }

  /* a folded message sent again is acked with its old serverSeq and not applied again */
  g_assert_cmpint (client_commit (a, m1, "a:1"), ==, 1);
  client_barrier (b);
  g_assert_cmpint (count_rows (f->dir, "cmp"), ==, 25);

  /* ...also after a restart, when only the database knows the id */
  client_free (g_steal_pointer (&a));
  client_free (g_steal_pointer (&b));
  g_clear_object (&f->relay);
  fixture_start_relay (f);
  vrtc_relay_set_compact_threshold (f->relay, 10);
  a = client_join (f->base, "cmp", "a");
  {
    g_autoptr(VrtcEngine) joined = client_expect_state (a, &n_journal, &has_snapshot);

    g_assert_true (has_snapshot);
    g_assert_cmpuint (n_journal, ==, 3);
    assert_same_graph (joined, reference);
  }
  g_assert_cmpint (client_commit (a, m1, "a:1"), ==, 1);
  commit_series (a, reference, "a", 26, 1);
  g_assert_cmpint (count_rows (f->dir, "cmp"), ==, 26);
  {
    g_autoptr(Client) late = client_join (f->base, "cmp", "late");
    g_autoptr(VrtcEngine) joined = client_expect_state (late, &n_journal, NULL);

    g_assert_cmpuint (n_journal, ==, 4);
    assert_same_graph (joined, reference);
  }
}

static void
test_compaction_undo (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Client) a = client_join (f->base, "undo", "a");
  g_autoptr(VrtcEngine) reference = vrtc_engine_new ("reference");
  g_autofree char *undo = make_meta ("a", 3, "meta.undo", "a:1");
  g_autofree char *redo = make_meta ("a", 10, "meta.redo", "a:1");
  VrtcFrame frame = { 0 };
  gboolean has_snapshot = TRUE;
  guint n_journal = 0;

  vrtc_relay_set_compact_threshold (f->relay, 3);
  client_expect (a, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);

  /* an undone message at the front holds compaction back */
  commit_series (a, reference, "a", 1, 2);
  client_commit (a, undo, "a:3");
  reference_receive (reference, undo);
  commit_series (a, reference, "a", 4, 6);
  g_assert_cmpint (db_query (f->dir, "undo", "SELECT count(*) FROM snapshots"), ==, 0);
  {
    g_autoptr(Client) late = client_join (f->base, "undo", "late");
    g_autoptr(VrtcEngine) joined = client_expect_state (late, &n_journal, &has_snapshot);

    g_assert_false (has_snapshot);
    g_assert_cmpuint (n_journal, ==, 9);
    assert_same_graph (joined, reference);
  }

  /* redone, it folds with the rest */
  client_commit (a, redo, "a:10");
  reference_receive (reference, redo);
  commit_series (a, reference, "a", 11, 4);
  g_assert_cmpint (db_query (f->dir, "undo", "SELECT count(*) FROM snapshots"), ==, 1);
  {
    g_autoptr(Client) late = client_join (f->base, "undo", "late");
    g_autoptr(VrtcEngine) joined = client_expect_state (late, &n_journal, &has_snapshot);

    g_assert_true (has_snapshot);
    g_assert_cmpuint (n_journal, <, 14);
    assert_same_graph (joined, reference);
  }
}

static void
stopped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vrtc_relay_stop_finish (VRTC_RELAY (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) data = TRUE;
}

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  gboolean stopped = FALSE;
  g_autoptr(Client) a = client_join (f->base, "keep", "a");
  g_autoptr(VrtcEngine) reference = vrtc_engine_new ("reference");
  VrtcFrame frame = { 0 };
  guint n_journal = 0;

  client_expect (a, VRTC_FRAME_STATE, &frame);
  vrtc_frame_clear (&frame);
  commit_series (a, reference, "a", 1, 7);

  /* stop: the client is told the relay is going away, everything acked is on disk */
  vrtc_relay_stop_async (f->relay, NULL, stopped_cb, &stopped);
  g_assert_cmpuint (vrtc_relay_get_n_clients (f->relay), ==, 0);
  g_assert_cmpint (count_rows (f->dir, "keep"), ==, 7);
  WAIT_FOR (stopped);
  WAIT_FOR (a->closed);
  g_assert_cmpuint (a->close_code, ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_cmpuint (vrtc_relay_get_n_clients (f->relay), ==, 0);
  g_assert_cmpuint (vrtc_relay_get_n_rooms (f->relay), ==, 0);
  g_clear_object (&f->relay);
  client_free (g_steal_pointer (&a));

  fixture_start_relay (f);
  a = client_join (f->base, "keep", "a");
  {
    g_autoptr(VrtcEngine) joined = client_expect_state (a, &n_journal, NULL);

    g_assert_cmpuint (n_journal, ==, 7);
    assert_same_graph (joined, reference);
  }
  /* server order goes on where it stopped; the dedupe survived */
  commit_series (a, reference, "a", 8, 1);
  {
    g_autofree char *m7 = make_msg ("a", 7);

    g_assert_cmpint (client_commit (a, m7, "a:7"), ==, 7);
  }
  g_assert_cmpint (count_rows (f->dir, "keep"), ==, 8);
}

static void
test_many (Fixture       *f,
           gconstpointer  data)
{
  const guint n = 300;
  g_autoptr(Client) a = client_join (f->base, "many", "a");
  g_autoptr(Client) b = client_join (f->base, "many", "b");
  g_autoptr(GHashTable) seqs = g_hash_table_new (NULL, NULL);
  g_autoptr(GTimer) timer = NULL;
  Client *clients[2] = { a, b };
  guint acks[2] = { 0, 0 }, broadcasts[2] = { 0, 0 };
  VrtcFrame frame = { 0 };

  for (guint k = 0; k < 2; k++)
    {
      client_expect (clients[k], VRTC_FRAME_STATE, &frame);
      vrtc_frame_clear (&frame);
    }

  /* both fire everything at once; the relay group-commits and acks each */
  timer = g_timer_new ();
  for (guint i = 1; i <= n; i++)
    for (guint k = 0; k < 2; k++)
      {
        g_autofree char *m = make_msg (k == 0 ? "a" : "b", i);
        g_autofree char *text = crdt_frame (m);

        client_send (clients[k], text);
      }
  for (guint k = 0; k < 2; k++)
    while (acks[k] < n || broadcasts[k] < n)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *text = client_pop (clients[k]);

        g_assert_true (vrtc_frame_parse (text, strlen (text), &frame, &error));
        if (frame.type == VRTC_FRAME_ACK)
          {
            g_autofree char *id = g_strdup_printf ("%s:%u", k == 0 ? "a" : "b", acks[k] + 1);

            /* acks come in the order sent, each with a serverSeq of its own */
            g_assert_cmpstr (frame.msg_id, ==, id);
            g_assert_cmpint (frame.server_seq, >=, 1);
            g_assert_cmpint (frame.server_seq, <=, 2 * n);
            g_assert_false (g_hash_table_contains (seqs, GINT_TO_POINTER (frame.server_seq)));
            g_hash_table_add (seqs, GINT_TO_POINTER (frame.server_seq));
            acks[k]++;
          }
        else
          {
            g_assert_cmpint (frame.type, ==, VRTC_FRAME_BROADCAST);
            g_assert_cmpstr (frame.msg->session_id, ==, k == 0 ? "b" : "a");
            broadcasts[k]++;
          }
        vrtc_frame_clear (&frame);
      }
  g_test_message ("%u messages from 2 clients acked in %.3f s", 2 * n,
                  g_timer_elapsed (timer, NULL));
  g_assert_cmpuint (g_hash_table_size (seqs), ==, 2 * n);
  g_assert_cmpint (count_rows (f->dir, "many"), ==, 2 * n);
  client_barrier (a);
  client_barrier (b);
}

/* ---- the real binary, killed ---- */

typedef struct {
  GSubprocess *process;
  char        *base;
} RelayProcess;

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  char **line = data;
  g_autoptr(GError) error = NULL;

  *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                     NULL, &error);
  g_assert_no_error (error);
  if (*line == NULL)
    *line = g_strdup ("");
}

#ifdef __linux__
/* a failed assertion must not leave the server running */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}
#endif

static void
relay_process_start (RelayProcess *p,
                     const char   *binary,
                     const char   *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *prefix = "vrtc-relay: listening on ";

  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

#ifdef __linux__
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
#endif
  p->process = g_subprocess_launcher_spawn (launcher, &error, binary,
                                            "--data-dir", dir, "--port", "0",
                                            "--compact-after", "64", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p->process));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, line_cb, &line);
  WAIT_FOR (line != NULL);
  g_test_message ("%s", line);
  g_assert_true (g_str_has_prefix (line, prefix));
  g_assert_true (g_str_has_prefix (line + strlen (prefix), "ws://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (line, "/"));
  g_free (p->base);
  p->base = g_strdup (line + strlen (prefix));
}

static void
test_durability_kill (void)
{
  const char *binary = g_getenv ("VRTC_RELAY");
  const guint n = 200;
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcEngine) reference = vrtc_engine_new ("reference");
  g_autofree char *dir = NULL;
  RelayProcess p = { 0 };
  guint n_journal = 0, acked = 0;
  gboolean has_snapshot = FALSE;
  VrtcFrame frame = { 0 };

  if (binary == NULL)
    {
      g_test_skip ("VRTC_RELAY is not set to the vrtc-relay binary");
      return;
    }
  dir = g_dir_make_tmp ("vrtc-relay-kill-XXXXXX", &error);
  g_assert_no_error (error);

  relay_process_start (&p, binary, dir);
  {
    g_autoptr(Client) a = client_join (p.base, "durable", "a");

    client_expect (a, VRTC_FRAME_STATE, &frame);
    vrtc_frame_clear (&frame);
    /* the first half one at a time: the relay handles a frame only after the commit (and
     * the compaction) of the one before, so a snapshot is on disk by the 66th ack... */
    commit_series (a, reference, "a", 1, n / 2);
    acked = n / 2;
    /* ...the second half at once, in group commits, the last compaction maybe cut short */
    for (guint i = n / 2 + 1; i <= n; i++)
      {
        g_autofree char *m = make_msg ("a", i);
        g_autofree char *text = crdt_frame (m);

        client_send (a, text);
        reference_receive (reference, m);
      }
    while (acked < n)
      {
        g_autofree char *id = g_strdup_printf ("a:%u", acked + 1);

        client_expect_ack (a, id);
        acked++;
      }

    /* every one acked: now the relay dies without a chance to clean up */
    g_subprocess_force_exit (p.process);
    g_assert_true (g_subprocess_wait (p.process, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_signaled (p.process));
    g_assert_cmpint (g_subprocess_get_term_sig (p.process), ==, SIGKILL);
    WAIT_FOR (a->closed);
  }
  g_clear_object (&p.process);

  relay_process_start (&p, binary, dir);
  {
    g_autoptr(Client) late = client_join (p.base, "durable", "a");
    g_autoptr(VrtcEngine) joined = client_expect_state (late, &n_journal, &has_snapshot);

    g_test_message ("after the restart: snapshot %s, %u journal entries",
                    has_snapshot ? "yes" : "no", n_journal);
    g_assert_true (has_snapshot);
    assert_same_graph (joined, reference);
    g_assert_cmpint (count_rows (dir, "durable"), ==, n);

    /* every one of the n is there and known: sending one again changes nothing */
    {
      g_autofree char *m = make_msg ("a", n);

      client_send (late, heartbeat_frame);
      client_expect (late, VRTC_FRAME_HEARTBEAT, &frame);
      g_assert_cmpuint (vrtc_clock_get (&frame.clock, "a"), ==, n);
      vrtc_frame_clear (&frame);
      g_assert_cmpint (client_commit (late, m, "a:200"), ==, n);
    }
  }

  /* SIGTERM stops it cleanly */
  g_subprocess_send_signal (p.process, SIGTERM);
  g_assert_true (g_subprocess_wait (p.process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (p.process));
  g_assert_cmpint (g_subprocess_get_exit_status (p.process), ==, 0);
  g_assert_cmpint (count_rows (dir, "durable"), ==, n);

  g_clear_object (&p.process);
  g_free (p.base);
  rm_rf (dir);
}

static void
test_new_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vrtc-relay-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_autofree char *below = g_build_filename (file, "data", NULL);
  g_autoptr(VrtcRelay) relay = NULL;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (file, "", 0, &error));
  relay = vrtc_relay_new (below, &error);
  g_assert_null (relay);
  g_assert_nonnull (error);
  g_clear_error (&error);

  relay = vrtc_relay_new (dir, &error);
  g_assert_no_error (error);
  g_assert_null (vrtc_relay_get_url (relay, "x"));
  g_assert_true (vrtc_relay_listen (relay, "127.0.0.1", 0, &error));
  g_assert_false (vrtc_relay_listen (relay, "127.0.0.1", 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_object (&relay);
  rm_rf (dir);
}

static void
drop_log (const char     *domain,
          GLogLevelFlags  level,
          const char     *message,
          gpointer        data)
{
}

int
main (int    argc,
      char **argv)
{
  gboolean debug = g_getenv ("G_MESSAGES_DEBUG") != NULL;

  g_test_init (&argc, &argv, NULL);
  /* libsoup's per-frame debug lines would drown the log (G_MESSAGES_DEBUG brings them back) */
  if (!debug)
    {
      g_log_set_handler ("libsoup", G_LOG_LEVEL_DEBUG, drop_log, NULL);
      g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_DEBUG, drop_log, NULL);
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/relay/join/state", test_join_state);
  ADD ("/relay/crdt/ack-broadcast", test_ack_broadcast);
  ADD ("/relay/presence", test_presence);
  ADD ("/relay/crdt/duplicate", test_duplicate);
  ADD ("/relay/crdt/malformed", test_malformed);
  ADD ("/relay/limits/frame-size", test_frame_too_large);
  ADD ("/relay/limits/clients", test_max_clients);
  ADD ("/relay/limits/rooms", test_max_rooms);
  ADD ("/relay/upgrade/token", test_token);
  ADD ("/relay/upgrade/bad-request", test_bad_request);
  ADD ("/relay/dialect", test_dialect);
  ADD ("/relay/log", test_log);
  ADD ("/relay/heartbeat", test_heartbeat);
  ADD ("/relay/compaction/threshold", test_compaction);
  ADD ("/relay/compaction/undo", test_compaction_undo);
  ADD ("/relay/restart", test_restart);
  ADD ("/relay/load/two-clients", test_many);
  g_test_add_func ("/relay/new/errors", test_new_errors);
  g_test_add_func ("/relay/durability/kill-9", test_durability_kill);

  return g_test_run ();
}
