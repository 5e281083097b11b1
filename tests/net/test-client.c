/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "vrtc-client.h"
#include "vrtc-error.h"
#include "vrtc-relay.h"
#include "vrtc-store.h"
#include "vrtc-journal-entry.h"
#include "vrtc-operation.h"

/* Conditions are waited for with the main loop running; this is only the give-up time. */
#define TIMEOUT_S 30

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until cond holds; fails the test after TIMEOUT_S seconds. */
#define WAIT_FOR(cond) G_STMT_START {                                          \
    gint64 deadline_ = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;    \
    guint tick_ = g_timeout_add (20, wake_up, NULL);                            \
    while (!(cond) && g_get_monotonic_time () < deadline_)                      \
      g_main_context_iteration (NULL, TRUE);                                    \
    g_source_remove (tick_);                                                    \
    if (!(cond))                                                                \
      g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond);   \
  } G_STMT_END

/* Runs the main loop for a while without waiting for anything (lets frames interleave). */
static void
spin (guint iterations)
{
  for (guint i = 0; i < iterations; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* A relay on loopback with its own data directory */

typedef struct {
  char      *data_dir;
  VrtcRelay *relay;
  guint      port;
} Relay;

static VrtcRelay *
relay_start (const char *data_dir,
             guint       port)
{
  g_autoptr(GError) error = NULL;
  VrtcRelay *relay = vrtc_relay_new (data_dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (relay);
  vrtc_relay_listen (relay, "127.0.0.1", port, &error);
  g_assert_no_error (error);
  return relay;
}

static void
relay_setup (Relay *r)
{
  g_autoptr(GError) error = NULL;

  r->data_dir = g_dir_make_tmp ("vrtc-test-client-XXXXXX", &error);
  g_assert_no_error (error);
  r->relay = relay_start (r->data_dir, 0);
  r->port = vrtc_relay_get_port (r->relay);
  g_assert_cmpuint (r->port, >, 0);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static void
relay_teardown (Relay *r)
{
  if (r->relay != NULL)
    {
      vrtc_relay_stop (r->relay);
      g_clear_object (&r->relay);
    }
  spin (100);
  remove_tree (r->data_dir);
  g_free (r->data_dir);
}

static char *
relay_url (Relay      *r,
           const char *room)
{
  return vrtc_relay_get_url (r->relay, room);
}

/* A replica: a store and its client, with what the client reported */

typedef struct {
  VrtcStore  *store;
  VrtcClient *client;
  GArray     *statuses;     /* VrtcClientStatus, each change */
  GPtrArray  *errors;       /* "MSG_ID: message" of each error signal */
  GPtrArray  *frames;       /* text of each frame received */
  guint       n_states;
  guint       n_acked;
} Peer;

static void
on_status (VrtcClient *client,
           GParamSpec *pspec,
           Peer       *p)
{
  VrtcClientStatus status = vrtc_client_get_status (client);

  g_array_append_val (p->statuses, status);
}

static void
on_error (VrtcClient *client,
          const char *message,
          const char *msg_id,
          Peer       *p)
{
  g_ptr_array_add (p->errors, g_strdup_printf ("%s: %s", msg_id ? msg_id : "-", message));
}

static void
on_frame (VrtcClient *client,
          const char *text,
          Peer       *p)
{
  g_ptr_array_add (p->frames, g_strdup (text));
}

static void
on_state (VrtcClient *client,
          Peer       *p)
{
  p->n_states++;
}

static void
on_acked (VrtcClient *client,
          const char *msg_id,
          Peer       *p)
{
  p->n_acked++;
}

static Peer *
peer_new (const char *url,
          const char *session)
{
  Peer *p = g_new0 (Peer, 1);

  p->store = vrtc_store_new (session);
  p->client = vrtc_client_new (p->store, url);
  p->statuses = g_array_new (FALSE, FALSE, sizeof (VrtcClientStatus));
  p->errors = g_ptr_array_new_with_free_func (g_free);
  p->frames = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (p->client, "notify::status", G_CALLBACK (on_status), p);
  g_signal_connect (p->client, "error", G_CALLBACK (on_error), p);
  g_signal_connect (p->client, "frame-received", G_CALLBACK (on_frame), p);
  g_signal_connect (p->client, "state-received", G_CALLBACK (on_state), p);
  g_signal_connect (p->client, "acked", G_CALLBACK (on_acked), p);
  return p;
}

static void
peer_free (Peer *p)
{
  vrtc_client_disconnect (p->client);
  g_signal_handlers_disconnect_by_data (p->client, p);
  g_object_unref (p->client);
  g_object_unref (p->store);
  g_array_unref (p->statuses);
  g_ptr_array_unref (p->errors);
  g_ptr_array_unref (p->frames);
  g_free (p);
}

static gboolean
is_connected (Peer *p)
{
  return vrtc_client_get_status (p->client) == VRTC_CLIENT_STATUS_CONNECTED;
}

static guint
n_unacked (Peer *p)
{
  g_autoptr(GPtrArray) unacked = vrtc_store_get_unacked (p->store);

  return unacked->len;
}

/* Connected, nothing unacked, and the same vector clock as everyone: the same messages. */
static gboolean
all_synced (Peer  **peers,
            guint   n)
{
  g_autofree char *clock0 = vrtc_store_get_vector_clock_json (peers[0]->store);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *clock = vrtc_store_get_vector_clock_json (peers[i]->store);

      if (!is_connected (peers[i]) || n_unacked (peers[i]) > 0 || strcmp (clock, clock0) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
assert_same_graph (Peer **peers,
                   guint  n)
{
  g_autofree char *json0 = vrtc_store_to_json (peers[0]->store);

  for (guint i = 1; i < n; i++)
    {
      g_autofree char *json = vrtc_store_to_json (peers[i]->store);

      g_assert_cmpstr (json, ==, json0);
    }
}

static void
assert_no_errors (Peer **peers,
                  guint  n)
{
  for (guint i = 0; i < n; i++)
    if (peers[i]->errors->len > 0)
      g_error ("%s reported: %s", vrtc_store_get_session_id (peers[i]->store),
               (char *) peers[i]->errors->pdata[0]);
}

/* Every message id at most once in the journal. */
static void
assert_journal_unique (Peer *p)
{
  GListModel *journal = vrtc_store_get_journal (p->store);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = g_list_model_get_n_items (journal);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (journal, i);
      const char *id = vrtc_journal_entry_get_message_id (entry);

      if (g_hash_table_contains (ids, id))
        g_error ("%s has %s twice in its journal", vrtc_store_get_session_id (p->store), id);
      g_hash_table_add (ids, g_strdup (id));
    }
}

static void
edit (VrtcStore  *store,
      const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = vrtc_operation_new_from_json (json, &error);

  g_assert_no_error (error);
  vrtc_store_edit (store, op);
}

static void
commit_one (VrtcStore  *store,
            const char *json)
{
  g_autoptr(VrtcMessage) msg = NULL;

  edit (store, json);
  msg = vrtc_store_commit (store);
  g_assert_nonnull (msg);
}

static void
insert_node (VrtcStore  *store,
             const char *key)
{
  g_autofree char *json =
    g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
                     "\"parentKey\":\"scene\",\"value\":{\"count\":0}}", key);

  commit_one (store, json);
}

/* One random op (and commit), or an undo or redo. */
static void
random_step (GRand  *rand,
             Peer  **peers,
             guint   n,
             guint   i)
{
  VrtcStore *store = peers[i]->store;
  guint target = g_rand_int_range (rand, 0, n);
  g_autofree char *key = g_strdup_printf ("n%u", target);
  g_autofree char *json = NULL;
  g_autoptr(VrtcMessage) msg = NULL;

  switch (g_rand_int_range (rand, 0, 8))
    {
    case 0:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"number.set\",\"path\":\"count\","
                              "\"value\":%d}", key, g_rand_int_range (rand, 0, 100));
      break;
    case 1:
    case 2:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"number.add\",\"path\":\"count\","
                              "\"value\":%d}", key, g_rand_int_range (rand, 1, 10));
      break;
    case 3:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"color.set\",\"path\":\"color\","
                              "\"value\":\"#%06x\"}", key, g_rand_int_range (rand, 0, 0xffffff));
      break;
    case 4:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"vector3.add\","
                              "\"path\":\"transform.position\",\"value\":[%d,%d,%d]}", key,
                              g_rand_int_range (rand, -5, 5), g_rand_int_range (rand, -5, 5),
                              g_rand_int_range (rand, -5, 5));
      break;
    case 5:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"string.concat\",\"path\":\"log\","
                              "\"value\":\"%u\"}", key, i);
      break;
    case 6:
      msg = vrtc_store_undo (store);
      return;
    case 7:
      msg = vrtc_store_redo (store);
      return;
    default:
      g_assert_not_reached ();
    }
  commit_one (store, json);
}

static Peer **
connect_peers (const char *url,
               const char *prefix,
               guint       n)
{
  Peer **peers = g_new0 (Peer *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *session = g_strdup_printf ("%s%u", prefix, i);

      peers[i] = peer_new (url, session);
      vrtc_client_connect (peers[i]->client);
    }
  for (guint i = 0; i < n; i++)
    WAIT_FOR (is_connected (peers[i]));
  return peers;
}

static void
free_peers (Peer **peers)
{
  for (guint i = 0; peers[i] != NULL; i++)
    peer_free (peers[i]);
  g_free (peers);
}

/* Concurrent random edits with undo and redo from every peer, then convergence. */
static void
run_concurrent (Peer  **peers,
                guint   n,
                guint   rounds,
                guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("n%u", i);

      insert_node (peers[i]->store, key);
    }
  for (guint r = 0; r < rounds; r++)
    {
      for (guint i = 0; i < n; i++)
        random_step (rand, peers, n, i);
      /* some rounds go out before the previous ones came back, some after */
      spin (g_rand_int_range (rand, 0, 20));
    }
  WAIT_FOR (all_synced (peers, n));
  assert_same_graph (peers, n);
  assert_no_errors (peers, n);
}

/* Tests */

static void
test_two_clients (void)
{
  Relay r = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *json = NULL;
  Peer **peers;
  g_autoptr(VrtcMessage) undo = NULL;
  g_autoptr(VrtcMessage) redo = NULL;

  relay_setup (&r);
  url = relay_url (&r, "two");
  peers = connect_peers (url, "two-", 2);

  /* concurrent sets on one register and adds on another */
  insert_node (peers[0]->store, "box");
  WAIT_FOR (all_synced (peers, 2));
  commit_one (peers[0]->store,
              "{\"key\":\"box\",\"otype\":\"color.set\",\"path\":\"color\",\"value\":\"#ff0000\"}");
  commit_one (peers[1]->store,
              "{\"key\":\"box\",\"otype\":\"color.set\",\"path\":\"color\",\"value\":\"#00ff00\"}");
  for (guint k = 0; k < 5; k++)
    {
      commit_one (peers[0]->store,
                  "{\"key\":\"box\",\"otype\":\"number.add\",\"path\":\"count\",\"value\":1}");
      commit_one (peers[1]->store,
                  "{\"key\":\"box\",\"otype\":\"number.add\",\"path\":\"count\",\"value\":10}");
    }
  WAIT_FOR (all_synced (peers, 2));
  assert_same_graph (peers, 2);
  json = vrtc_node_get_property_json (vrtc_store_get_node (peers[1]->store, "box"), "count");
  g_assert_cmpstr (json, ==, "55");

  /* undo on one side, redo on the other */
  undo = vrtc_store_undo (peers[0]->store);
  g_assert_nonnull (undo);
  g_clear_pointer (&undo, vrtc_message_unref);
  undo = vrtc_store_undo (peers[1]->store);
  g_assert_nonnull (undo);
  WAIT_FOR (all_synced (peers, 2));
  assert_same_graph (peers, 2);
  g_clear_pointer (&json, g_free);
  json = vrtc_node_get_property_json (vrtc_store_get_node (peers[0]->store, "box"), "count");
  g_assert_cmpstr (json, ==, "44");

  redo = vrtc_store_redo (peers[1]->store);
  g_assert_nonnull (redo);
  WAIT_FOR (all_synced (peers, 2));
  assert_same_graph (peers, 2);
  g_assert_cmpuint (vrtc_store_get_journal_length (peers[0]->store), ==,
                    vrtc_store_get_journal_length (peers[1]->store));
  assert_journal_unique (peers[0]);
  assert_journal_unique (peers[1]);
  assert_no_errors (peers, 2);
  g_assert_cmpuint (peers[0]->n_states, ==, 1);

  free_peers (peers);
  relay_teardown (&r);
}

static void
test_five_clients (void)
{
  Relay r = { 0 };
  g_autofree char *url = NULL;
  Peer **peers;

  relay_setup (&r);
  url = relay_url (&r, "five");
  peers = connect_peers (url, "five-", 5);

  run_concurrent (peers, 5, 40, 5);
  /* everyone committed within the last dead-timeout */
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (vrtc_client_get_peers (peers[i]->client), ==, 4);
  for (guint i = 0; i < 5; i++)
    {
      g_assert_cmpuint (vrtc_store_get_journal_length (peers[i]->store), ==,
                        vrtc_store_get_journal_length (peers[0]->store));
      assert_journal_unique (peers[i]);
    }

  free_peers (peers);
  relay_teardown (&r);
}

static void
test_late_join (void)
{
  Relay r = { 0 };
  g_autofree char *url = NULL;
  Peer **peers;
  Peer *late;
  Peer *all[4];

  relay_setup (&r);
  /* so that the state frame carries a snapshot as well as a journal */
  vrtc_relay_set_compact_threshold (r.relay, 16);
  url = relay_url (&r, "late");
  peers = connect_peers (url, "late-", 3);
  run_concurrent (peers, 3, 30, 3);

  late = peer_new (url, "late-joiner");
  vrtc_client_connect (late->client);
  WAIT_FOR (is_connected (late));
  g_assert_cmpuint (late->n_states, ==, 1);
  g_assert_nonnull (strstr (late->frames->pdata[0], "\"mtype\":\"state\""));
  g_assert_null (strstr (late->frames->pdata[0], "\"snapshot\":null"));
  for (guint i = 0; i < 3; i++)
    all[i] = peers[i];
  all[3] = late;
  assert_same_graph (all, 4);

  /* and it takes part like anyone */
  commit_one (late->store,
              "{\"key\":\"n0\",\"otype\":\"number.add\",\"path\":\"count\",\"value\":7}");
  WAIT_FOR (all_synced (all, 4));
  assert_same_graph (all, 4);
  assert_no_errors (all, 4);

  peer_free (late);
  free_peers (peers);
  relay_teardown (&r);
}

static gboolean
is_reconnecting (Peer *p)
{
  return vrtc_client_get_status (p->client) == VRTC_CLIENT_STATUS_RECONNECTING;
}

static void
test_reconnect (void)
{
  Relay r = { 0 };
  g_autofree char *url = NULL;
  Peer **peers;
  Peer *fresh;
  Peer *all[3];
  guint total;

  relay_setup (&r);
  url = relay_url (&r, "reconnect");
  peers = connect_peers (url, "re-", 2);
  for (guint i = 0; i < 2; i++)
    {
      /* if the relay's stop did not close the sockets, silence would */
      vrtc_client_set_heartbeat_interval (peers[i]->client, 0.2);
      vrtc_client_set_dead_timeout (peers[i]->client, 2);
    }

  insert_node (peers[0]->store, "n0");
  insert_node (peers[1]->store, "n1");
  WAIT_FOR (all_synced (peers, 2));

  vrtc_relay_stop (r.relay);
  g_clear_object (&r.relay);
  WAIT_FOR (is_reconnecting (peers[0]) && is_reconnecting (peers[1]));

  /* offline: commits queue up as unacked messages */
  for (guint k = 0; k < 6; k++)
    commit_one (peers[0]->store,
                "{\"key\":\"n0\",\"otype\":\"number.add\",\"path\":\"count\",\"value\":1}");
  for (guint k = 0; k < 3; k++)
    commit_one (peers[1]->store,
                "{\"key\":\"n0\",\"otype\":\"number.add\",\"path\":\"count\",\"value\":100}");
  {
    g_autoptr(VrtcMessage) undo = vrtc_store_undo (peers[1]->store);
    g_assert_nonnull (undo);
  }
  spin (50);
  g_assert_cmpuint (n_unacked (peers[0]), ==, 6);
  /* two of the adds, and the undo; the undone add is not sent */
  g_assert_cmpuint (n_unacked (peers[1]), ==, 3);
  g_assert_true (is_reconnecting (peers[0]));

  /* a new relay on the same data and port */
  r.relay = relay_start (r.data_dir, r.port);
  WAIT_FOR (all_synced (peers, 2));
  assert_same_graph (peers, 2);
  {
    g_autofree char *json =
      vrtc_node_get_property_json (vrtc_store_get_node (peers[0]->store, "n0"), "count");

    g_assert_cmpstr (json, ==, "206");
  }
  g_assert_cmpuint (vrtc_store_get_journal_length (peers[0]->store), ==,
                    vrtc_store_get_journal_length (peers[1]->store));
  assert_journal_unique (peers[0]);
  assert_journal_unique (peers[1]);
  g_assert_cmpuint (peers[0]->n_states, ==, 2);

  /* what the relay stored: each message once */
  fresh = peer_new (url, "re-fresh");
  vrtc_client_connect (fresh->client);
  WAIT_FOR (is_connected (fresh));
  all[0] = peers[0];
  all[1] = peers[1];
  all[2] = fresh;
  assert_same_graph (all, 3);
  assert_journal_unique (fresh);
  total = vrtc_store_get_journal_offset (fresh->store) +
          vrtc_store_get_journal_length (fresh->store);
  g_assert_cmpuint (total, ==, vrtc_store_get_journal_length (peers[0]->store));
  assert_no_errors (all, 3);

  peer_free (fresh);
  free_peers (peers);
  relay_teardown (&r);
}

static void
test_status (void)
{
  Relay r = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *closed_url = NULL;
  Peer *p, *q;
  const VrtcClientStatus expected[] = {
    VRTC_CLIENT_STATUS_CONNECTING,
    VRTC_CLIENT_STATUS_CONNECTED,
    VRTC_CLIENT_STATUS_DISCONNECTED,
  };

  relay_setup (&r);
  url = relay_url (&r, "status");

  p = peer_new (url, "status-a");
  g_assert_cmpint (vrtc_client_get_status (p->client), ==, VRTC_CLIENT_STATUS_DISCONNECTED);
  vrtc_client_connect (p->client);
  g_assert_cmpint (vrtc_client_get_status (p->client), ==, VRTC_CLIENT_STATUS_CONNECTING);
  WAIT_FOR (is_connected (p));
  g_assert_cmpfloat (vrtc_client_get_reconnect_delay (p->client), ==, 0);
  vrtc_client_disconnect (p->client);
  g_assert_cmpuint (p->statuses->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (g_array_index (p->statuses, VrtcClientStatus, i), ==, expected[i]);

  /* connect again: it commits offline first, and the message goes out on join */
  commit_one (p->store, "{\"key\":\"x\",\"otype\":\"number.set\",\"path\":\"v\",\"value\":1}");
  vrtc_client_connect (p->client);
  WAIT_FOR (is_connected (p) && n_unacked (p) == 0);
  peer_free (p);

  /* nobody listening: connecting, then reconnecting with a countdown, until disconnected */
  closed_url = g_strdup_printf ("ws://127.0.0.1:%u/status", r.port);
  vrtc_relay_stop (r.relay);
  g_clear_object (&r.relay);
  q = peer_new (closed_url, "status-b");
  vrtc_client_connect (q->client);
  WAIT_FOR (is_reconnecting (q));
  g_assert_cmpint (g_array_index (q->statuses, VrtcClientStatus, 0), ==,
                   VRTC_CLIENT_STATUS_CONNECTING);
  g_assert_nonnull (vrtc_client_get_last_error (q->client));
  g_assert_cmpfloat (vrtc_client_get_reconnect_delay (q->client), >, 0);
  g_assert_cmpfloat (vrtc_client_get_reconnect_delay (q->client), <=, 1.2);
  /* a second failed attempt doubles the delay (1.6 s at least with the jitter) */
  WAIT_FOR (vrtc_client_get_reconnect_delay (q->client) > 1.5);
  g_assert_true (is_reconnecting (q));
  vrtc_client_disconnect (q->client);
  g_assert_cmpint (vrtc_client_get_status (q->client), ==, VRTC_CLIENT_STATUS_DISCONNECTED);
  g_assert_cmpfloat (vrtc_client_get_reconnect_delay (q->client), ==, 0);
  peer_free (q);

  /* an unusable URL: no attempt at all */
  q = peer_new ("http://127.0.0.1:1/room", "status-c");
  vrtc_client_connect (q->client);
  g_assert_cmpint (vrtc_client_get_status (q->client), ==, VRTC_CLIENT_STATUS_DISCONNECTED);
  g_assert_error ((GError *) vrtc_client_get_last_error (q->client), G_IO_ERROR,
                  G_IO_ERROR_INVALID_ARGUMENT);
  peer_free (q);

  relay_teardown (&r);
}

static void
test_token (void)
{
  Relay r = { 0 };
  g_autofree char *url = NULL;
  Peer *without, *with;

  relay_setup (&r);
  vrtc_relay_set_token (r.relay, "s3cret");
  url = relay_url (&r, "token");

  without = peer_new (url, "token-a");
  vrtc_client_connect (without->client);
  WAIT_FOR (is_reconnecting (without));
  g_assert_nonnull (strstr (vrtc_client_get_last_error (without->client)->message, "401"));
  g_assert_cmpuint (without->n_states, ==, 0);

  with = peer_new (url, "token-b");
  vrtc_client_set_token (with->client, "s3cret");
  vrtc_client_connect (with->client);
  WAIT_FOR (is_connected (with));

  peer_free (without);
  peer_free (with);
  relay_teardown (&r);
}

static void
test_compact_dialect (void)
{
  Relay r = { 0 };
  g_autofree char *url = NULL;
  Peer *peers[2];
  gboolean saw_compact = FALSE;

  relay_setup (&r);
  url = relay_url (&r, "dialect");
  peers[0] = peer_new (url, "dialect-seed");
  peers[1] = peer_new (url, "dialect-compact");
  vrtc_client_set_dialect (peers[1]->client, VRTC_DIALECT_COMPACT);
  vrtc_client_connect (peers[0]->client);
  vrtc_client_connect (peers[1]->client);
  WAIT_FOR (is_connected (peers[0]) && is_connected (peers[1]));

  insert_node (peers[0]->store, "n0");
  insert_node (peers[1]->store, "n1");
  commit_one (peers[1]->store,
              "{\"key\":\"n0\",\"otype\":\"number.add\",\"path\":\"count\",\"value\":3}");
  WAIT_FOR (all_synced (peers, 2));
  assert_same_graph (peers, 2);
  assert_no_errors (peers, 2);

  for (guint i = 0; i < peers[1]->frames->len; i++)
    if (strstr (peers[1]->frames->pdata[i], "\"broadcast\"") != NULL)
      {
        g_assert_null (strstr (peers[1]->frames->pdata[i], "\"lamportTime\""));
        saw_compact = TRUE;
      }
  g_assert_true (saw_compact);

  peer_free (peers[0]);
  peer_free (peers[1]);
  relay_teardown (&r);
}

static guint
count_status (Peer             *p,
              VrtcClientStatus  status)
{
  guint n = 0;

  for (guint i = 0; i < p->statuses->len; i++)
    n += g_array_index (p->statuses, VrtcClientStatus, i) == status;
  return n;
}

/* A message over the relay's frame limit: refused once, not resent at every reconnect. */
static void
test_too_large (void)
{
  Relay r = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *big = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GPtrArray) unacked = NULL;
  g_autoptr(VrtcMessage) msg = NULL;
  const char *big_id;
  Peer *peers[2];

  relay_setup (&r);
  vrtc_relay_set_max_frame_size (r.relay, 1024);
  url = relay_url (&r, "too-large");
  peers[0] = peer_new (url, "big-a");
  peers[1] = peer_new (url, "big-b");
  vrtc_client_connect (peers[0]->client);
  vrtc_client_connect (peers[1]->client);
  WAIT_FOR (is_connected (peers[0]) && is_connected (peers[1]));

  big = g_strnfill (2000, 'x');
  json = g_strdup_printf ("{\"key\":\"k\",\"otype\":\"string.set\",\"path\":\"s\","
                          "\"value\":\"%s\"}", big);
  edit (peers[0]->store, json);
  msg = vrtc_store_commit (peers[0]->store);
  big_id = vrtc_message_get_id (msg);

  /* the relay says why and closes; the client reconnects and leaves that message out */
  WAIT_FOR (peers[0]->n_states == 2 && is_connected (peers[0]));
  g_assert_cmpuint (count_status (peers[0], VRTC_CLIENT_STATUS_RECONNECTING), ==, 1);
  g_assert_cmpuint (peers[0]->errors->len, >=, 1);
  g_assert_nonnull (strstr (peers[0]->errors->pdata[peers[0]->errors->len - 1], big_id));
  g_assert_error ((GError *) vrtc_client_get_last_error (peers[0]->client), VRTC_ERROR,
                  VRTC_ERROR_TOO_LARGE);

  /* later messages go through; the refused one stays unacked, and nobody else has it */
  insert_node (peers[0]->store, "after");
  WAIT_FOR (vrtc_store_get_node (peers[1]->store, "after") != NULL && n_unacked (peers[0]) == 1);
  unacked = vrtc_store_get_unacked (peers[0]->store);
  g_assert_cmpstr (vrtc_message_get_id (unacked->pdata[0]), ==, big_id);
  g_assert_cmpuint (count_status (peers[0], VRTC_CLIENT_STATUS_RECONNECTING), ==, 1);
  g_assert_cmpuint (peers[0]->n_states, ==, 2);
  g_assert_cmpuint (peers[1]->n_states, ==, 1);
  g_assert_cmpuint (peers[1]->errors->len, ==, 0);

  peer_free (peers[0]);
  peer_free (peers[1]);
  relay_teardown (&r);
}

/* A scripted server: answers the upgrade, sends the given frames, then stays silent. */

typedef struct {
  SoupServer  *server;
  guint        port;
  GPtrArray   *conns;
  GPtrArray   *received;
  const char **frames;        /* sent on the first connection */
  const char **later_frames;  /* sent on the others */
} FakeServer;

static void
fake_on_message (SoupWebsocketConnection *conn,
                 int                      type,
                 GBytes                  *bytes,
                 FakeServer              *fake)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_ptr_array_add (fake->received, g_strndup (data, len));
}

static void
fake_on_websocket (SoupServer              *server,
                   SoupServerMessage       *msg,
                   const char              *path,
                   SoupWebsocketConnection *conn,
                   gpointer                 data)
{
  FakeServer *fake = data;
  const char **frames = fake->conns->len == 0 ? fake->frames : fake->later_frames;

  g_ptr_array_add (fake->conns, g_object_ref (conn));
  g_signal_connect (conn, "message", G_CALLBACK (fake_on_message), fake);
  for (guint i = 0; frames != NULL && frames[i] != NULL; i++)
    soup_websocket_connection_send_text (conn, frames[i]);
}

static void
fake_start (FakeServer  *fake,
            const char **frames)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->frames = frames;
  fake->conns = g_ptr_array_new_with_free_func (g_object_unref);
  fake->received = g_ptr_array_new_with_free_func (g_free);
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (fake->server, NULL, NULL, NULL, fake_on_websocket, fake,
                                     NULL);
  soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  fake->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
fake_stop (FakeServer *fake)
{
  for (guint i = 0; i < fake->conns->len; i++)
    g_signal_handlers_disconnect_by_data (fake->conns->pdata[i], fake);
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_ptr_array_unref (fake->conns);
  g_ptr_array_unref (fake->received);
  spin (50);
}

static char *
message_json (const char *session,
              const char *op)
{
  g_autoptr(VrtcStore) store = vrtc_store_new (session);
  g_autoptr(VrtcMessage) msg = NULL;

  edit (store, op);
  msg = vrtc_store_commit (store);
  g_assert_nonnull (msg);
  return vrtc_message_to_json (msg, VRTC_DIALECT_SEED);
}

static void
test_error_frames (void)
{
  FakeServer fake = { 0 };
  g_autofree char *good = message_json ("peer",
    "{\"key\":\"k\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
    "\"parentKey\":\"scene\",\"value\":{\"v\":5}}");
  g_autofree char *good_frame = g_strdup_printf ("{\"mtype\":\"broadcast\",\"msg\":%s}", good);
  g_autoptr(GString) bad = g_string_new (good);
  g_autofree char *bad_frame = NULL;
  g_autofree char *url = NULL;
  g_autofree char *value = NULL;
  const char *frames[6];
  Peer *p;

  /* the same message, with an id that does not match its session */
  g_assert_cmpuint (g_string_replace (bad, "\"peer:1\"", "\"other:1\"", 0), ==, 1);
  bad_frame = g_strdup_printf ("{\"mtype\":\"broadcast\",\"msg\":%s}", bad->str);

  frames[0] = "{\"mtype\":\"state\",\"snapshot\":null,\"journal\":[]}";
  frames[1] = "{\"mtype\":\"error\",\"msgId\":\"err-a:1\",\"error\":\"refused for the test\"}";
  frames[2] = "this is not JSON";
  frames[3] = bad_frame;
  frames[4] = good_frame;
  frames[5] = NULL;
  fake_start (&fake, frames);
  url = g_strdup_printf ("ws://127.0.0.1:%u/room", fake.port);

  p = peer_new (url, "err-a");
  vrtc_client_connect (p->client);
  WAIT_FOR (p->frames->len == 5);
  g_assert_true (is_connected (p));

  g_assert_cmpuint (p->errors->len, ==, 3);
  g_assert_cmpstr (p->errors->pdata[0], ==, "err-a:1: refused for the test");
  g_assert_true (g_str_has_prefix (p->errors->pdata[1], "-: "));
  g_assert_nonnull (strstr (p->errors->pdata[2], "other:1"));
  g_assert_nonnull (vrtc_client_get_last_error (p->client));

  /* the connection went on: the good message after the bad ones was applied */
  g_assert_nonnull (vrtc_store_get_node (p->store, "k"));
  value = vrtc_node_get_property_json (vrtc_store_get_node (p->store, "k"), "v");
  g_assert_cmpstr (value, ==, "5");
  g_assert_true (is_connected (p));

  peer_free (p);
  fake_stop (&fake);
}

/* A state frame whose snapshot is wrong inside (it is loaded as a stream, not parsed first):
 * the error names the place, and the store keeps what it had, own work included. */
static void
test_bad_snapshot (void)
{
  FakeServer fake = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *before = NULL, *after = NULL;
  const char *frames[2];
  Peer *p;

  frames[0] = "{\"mtype\":\"state\",\"snapshot\":{\"graph\":{\"nodes\":{\"scene\":{\"key\":\"scene\"}}},"
              "\"stamps\":{\"a\":{\"insert\":[1,2,3]}}},\"journal\":[]}";
  frames[1] = NULL;
  fake_start (&fake, frames);
  url = g_strdup_printf ("ws://127.0.0.1:%u/room", fake.port);

  p = peer_new (url, "bad-snap");
  commit_one (p->store, "{\"key\":\"mine\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
                        "\"parentKey\":\"scene\",\"value\":{\"v\":1}}");
  before = vrtc_store_to_json (p->store);
  vrtc_client_connect (p->client);
  WAIT_FOR (p->errors->len >= 1);
  g_assert_nonnull (strstr (p->errors->pdata[0], "snapshot.stamps.a.insert"));
  after = vrtc_store_to_json (p->store);
  g_assert_cmpstr (after, ==, before);
  g_assert_nonnull (vrtc_store_get_node (p->store, "mine"));

  peer_free (p);
  fake_stop (&fake);
}

static guint
count_received (FakeServer *fake,
                const char *needle)
{
  guint n = 0;

  for (guint i = 0; i < fake->received->len; i++)
    n += strstr (fake->received->pdata[i], needle) != NULL;
  return n;
}

/* room-reset: join again at once, and send what is unacked again */
static void
test_room_reset (void)
{
  FakeServer fake = { 0 };
  g_autofree char *url = NULL;
  const char *first[] = { "{\"mtype\":\"state\",\"snapshot\":null,\"journal\":[]}", NULL };
  const char *later[] = { "{\"mtype\":\"state\",\"snapshot\":null,\"journal\":[]}", NULL };
  const VrtcClientStatus expected[] = {
    VRTC_CLIENT_STATUS_CONNECTING,
    VRTC_CLIENT_STATUS_CONNECTED,
    VRTC_CLIENT_STATUS_RECONNECTING,
    VRTC_CLIENT_STATUS_CONNECTED,
  };
  Peer *p;

  fake_start (&fake, first);
  fake.later_frames = later;
  url = g_strdup_printf ("ws://127.0.0.1:%u/room", fake.port);
  p = peer_new (url, "reset");
  /* committed before joining: sent on join, never acked by this server */
  commit_one (p->store, "{\"key\":\"x\",\"otype\":\"number.set\",\"path\":\"v\",\"value\":1}");
  vrtc_client_connect (p->client);
  WAIT_FOR (is_connected (p) && count_received (&fake, "\"reset:1\"") == 1);

  soup_websocket_connection_send_text (fake.conns->pdata[0], "{\"mtype\":\"room-reset\"}");
  WAIT_FOR (p->n_states == 2 && is_connected (p));
  g_assert_cmpuint (fake.conns->len, ==, 2);
  WAIT_FOR (count_received (&fake, "\"reset:1\"") == 2);
  g_assert_cmpuint (p->statuses->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (g_array_index (p->statuses, VrtcClientStatus, i), ==, expected[i]);
  g_assert_cmpuint (p->errors->len, ==, 0);

  peer_free (p);
  fake_stop (&fake);
}

static void
test_dead_timeout (void)
{
  FakeServer fake = { 0 };
  g_autofree char *url = NULL;
  const GError *error;
  Peer *p;

  fake_start (&fake, NULL);
  url = g_strdup_printf ("ws://127.0.0.1:%u/room", fake.port);
  p = peer_new (url, "dead");
  vrtc_client_set_heartbeat_interval (p->client, 0.1);
  vrtc_client_set_dead_timeout (p->client, 0.5);
  vrtc_client_connect (p->client);

  WAIT_FOR (fake.conns->len == 1);
  WAIT_FOR (is_reconnecting (p));
  error = vrtc_client_get_last_error (p->client);
  g_assert_nonnull (error);
  g_assert_error ((GError *) error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  /* it sent heartbeats while it waited */
  g_assert_cmpuint (fake.received->len, >=, 2);
  g_assert_nonnull (strstr (fake.received->pdata[0], "\"heartbeat\""));
  g_assert_nonnull (strstr (fake.received->pdata[0], "\"dead\""));

  /* and tries again */
  WAIT_FOR (fake.conns->len == 2);
  g_assert_cmpuint (p->n_states, ==, 0);

  peer_free (p);
  fake_stop (&fake);
}

/* vrtc watch, run as a subprocess against the in-process relay */

static const char *
tool_path (void)
{
  const char *path = g_getenv ("VRTC_TOOL");

  if (path == NULL)
    g_test_skip ("VRTC_TOOL is not set");
  return path;
}

typedef struct {
  gboolean  done;
  char     *out;
  char     *err;
  GError   *error;
} Communicated;

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Communicated *c = data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &c->out, &c->err,
                                        &c->error);
  c->done = TRUE;
}

static void
test_watch_state (void)
{
  const char *tool = tool_path ();
  Relay r = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *closed_url = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Communicated c = { 0 };
  Peer **peers;

  if (tool == NULL)
    return;
  relay_setup (&r);
  url = relay_url (&r, "watch");
  peers = connect_peers (url, "watch-", 2);
  run_concurrent (peers, 2, 10, 7);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error, tool, "watch", url, "--state", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, on_communicated, &c);
  WAIT_FOR (c.done);
  g_assert_no_error (c.error);
  g_assert_cmpstr (c.err, ==, "");
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  expected = vrtc_store_to_json (peers[0]->store);
  g_assert_true (g_str_has_suffix (c.out, "\n"));
  c.out[strlen (c.out) - 1] = '\0';
  g_assert_cmpstr (c.out, ==, expected);
  /* watching sent nothing */
  assert_same_graph (peers, 2);
  g_clear_pointer (&c.out, g_free);
  g_clear_pointer (&c.err, g_free);
  g_clear_object (&proc);

  /* nobody listening: a message and status 1 */
  closed_url = g_strdup_printf ("ws://127.0.0.1:%u/watch", r.port);
  free_peers (peers);
  vrtc_relay_stop (r.relay);
  g_clear_object (&r.relay);
  c.done = FALSE;
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error, tool, "watch", closed_url, "--state", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, on_communicated, &c);
  WAIT_FOR (c.done);
  g_assert_cmpstr (c.out, ==, "");
  g_assert_nonnull (strstr (c.err, "cannot connect"));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_free (c.out);
  g_free (c.err);

  relay_teardown (&r);
}

typedef struct {
  GDataInputStream *in;
  GPtrArray        *lines;
  gboolean          eof;
} LineReader;

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  LineReader *reader = data;
  char *line = g_data_input_stream_read_line_finish_utf8 (reader->in, result, NULL, NULL);

  if (line == NULL)
    {
      reader->eof = TRUE;
      return;
    }
  g_ptr_array_add (reader->lines, line);
  g_data_input_stream_read_line_async (reader->in, G_PRIORITY_DEFAULT, NULL, on_line, reader);
}

static gboolean
has_line_with (LineReader *reader,
               const char *needle)
{
  for (guint i = 0; i < reader->lines->len; i++)
    if (strstr (reader->lines->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

/* Presence: clients that never send a message still count each other as peers, from the
 * moment they join (the relay introduces them) and for as long as they stay (it passes
 * their heartbeats on); one that leaves drops out once its heartbeats stop. */
static void
test_presence (void)
{
  Relay r = { 0 };
  g_autofree char *url = NULL;
  Peer **peers;

  relay_setup (&r);
  url = relay_url (&r, "presence");
  peers = connect_peers (url, "quiet-", 3);
  for (guint i = 0; i < 3; i++)
    WAIT_FOR (vrtc_client_get_peers (peers[i]->client) == 2);

  /* quiet for several times the dead timeout: the counts hold, nobody reconnects */
  for (guint i = 0; i < 3; i++)
    g_object_set (peers[i]->client, "heartbeat-interval", 0.05, "dead-timeout", 0.4, NULL);
  {
    gint64 until = g_get_monotonic_time () + 1500 * 1000;

    while (g_get_monotonic_time () < until)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
        for (guint i = 0; i < 3; i++)
          {
            g_assert_cmpuint (vrtc_client_get_peers (peers[i]->client), ==, 2);
            g_assert_cmpint (vrtc_client_get_status (peers[i]->client), ==,
                             VRTC_CLIENT_STATUS_CONNECTED);
          }
      }
  }

  /* the third leaves: the other two count one peer once its heartbeats stop */
  vrtc_client_disconnect (peers[2]->client);
  WAIT_FOR (vrtc_client_get_peers (peers[0]->client) == 1 &&
            vrtc_client_get_peers (peers[1]->client) == 1);
  assert_no_errors (peers, 3);
  free_peers (peers);
  relay_teardown (&r);
}

static void
test_watch_frames (void)
{
  const char *tool = tool_path ();
  Relay r = { 0 };
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  LineReader reader = { 0 };
  guint n_clients;
  Peer **peers;

  if (tool == NULL)
    return;
  relay_setup (&r);
  url = relay_url (&r, "watch-frames");
  peers = connect_peers (url, "wf-", 1);
  n_clients = vrtc_relay_get_n_clients (r.relay);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           tool, "watch", url, "--compact", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  reader.in = in;
  reader.lines = g_ptr_array_new_with_free_func (g_free);
  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL, on_line, &reader);
  WAIT_FOR (has_line_with (&reader, "\"state\""));
  WAIT_FOR (vrtc_relay_get_n_clients (r.relay) == n_clients + 1);

  insert_node (peers[0]->store, "watched");
  WAIT_FOR (has_line_with (&reader, "\"watched\""));
  for (guint i = 0; i < reader.lines->len; i++)
    g_assert_nonnull (strstr (reader.lines->pdata[i], "\"mtype\""));
  /* compact dialect: the broadcast says lt, not lamportTime */
  g_assert_false (has_line_with (&reader, "\"lamportTime\""));

  g_subprocess_send_signal (proc, SIGTERM);
  WAIT_FOR (reader.eof);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_ptr_array_unref (reader.lines);

  free_peers (peers);
  relay_teardown (&r);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/two-clients", test_two_clients);
  g_test_add_func ("/client/five-clients", test_five_clients);
  g_test_add_func ("/client/late-join", test_late_join);
  g_test_add_func ("/client/reconnect", test_reconnect);
  g_test_add_func ("/client/status", test_status);
  g_test_add_func ("/client/token", test_token);
  g_test_add_func ("/client/compact-dialect", test_compact_dialect);
  g_test_add_func ("/client/too-large", test_too_large);
  g_test_add_func ("/client/error-frames", test_error_frames);
  g_test_add_func ("/client/bad-snapshot", test_bad_snapshot);
  g_test_add_func ("/client/room-reset", test_room_reset);
  g_test_add_func ("/client/dead-timeout", test_dead_timeout);
  g_test_add_func ("/client/presence", test_presence);
  g_test_add_func ("/client/watch-state", test_watch_state);
  g_test_add_func ("/client/watch-frames", test_watch_frames);

  return g_test_run ();
}
