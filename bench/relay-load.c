/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vrtc-client.h"
#include "vrtc-operation.h"
#include "vrtc-relay.h"
#include "vrtc-store.h"

/*
 * The bounded load test of the net layer: N clients (a VrtcStore and a VrtcClient each) in
 * one room of an in-process VrtcRelay on loopback, all in this one thread and main loop.
 * Each client keeps up to WINDOW messages unacked and commits another as each ack comes
 * in, for SECONDS. A single client alone in a room, measured first in the same run, is the
 * baseline the load figures are divided by.
 *
 * Run it with `meson test --benchmark`, or directly: relay-load --seconds 10 --clients 20.
 */

/* Setting up, draining and converging are waited for this long at most. */
#define SETTLE_S 60

typedef struct Run Run;

typedef struct {
  Run           *run;
  VrtcStore     *store;
  VrtcClient    *client;
  VrtcOperation *op;          /* the edit each commit makes */
  GHashTable    *sent_at;     /* message id -> monotonic µs of the commit (gint64 *) */
  guint          in_flight;
} LoadClient;

struct Run {
  const char  *name;
  guint        n_clients;
  guint        window;
  gboolean     committing;
  gboolean     measuring;
  LoadClient  *clients;

  /* measured while measuring */
  guint64      acked;
  guint64      delivered;     /* messages applied by a store from a peer */
  GArray      *latencies;     /* double, ms */
  double       seconds;
  guint64      errors;
};

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until cond holds or SETTLE_S pass; evaluates to cond. */
#define RUN_UNTIL(cond) ({                                                     \
    gint64 deadline_ = g_get_monotonic_time () + SETTLE_S * G_USEC_PER_SEC;     \
    guint tick_ = g_timeout_add (20, wake_up, NULL);                            \
    while (!(cond) && g_get_monotonic_time () < deadline_)                      \
      g_main_context_iteration (NULL, TRUE);                                    \
    g_source_remove (tick_);                                                    \
    (cond);                                                                     \
  })

static void
commit_more (LoadClient *c)
{
  while (c->run->committing && c->in_flight < c->run->window)
    {
      g_autoptr(VrtcMessage) msg = NULL;
      gint64 now = g_get_monotonic_time ();

      vrtc_store_edit (c->store, c->op);
      msg = vrtc_store_commit (c->store);
      g_hash_table_insert (c->sent_at, g_strdup (vrtc_message_get_id (msg)),
                           g_memdup2 (&now, sizeof now));
      c->in_flight++;
    }
}

static void
on_acked (VrtcClient *client,
          const char *msg_id,
          LoadClient *c)
{
  gint64 *sent = g_hash_table_lookup (c->sent_at, msg_id);

  if (sent == NULL)
    return;    /* an ack repeated after a resend, or the node insert */
  if (c->run->measuring)
    {
      double ms = (g_get_monotonic_time () - *sent) / 1000.0;

      g_array_append_val (c->run->latencies, ms);
      c->run->acked++;
    }
  g_hash_table_remove (c->sent_at, msg_id);
  c->in_flight--;

  /* keep memory flat over a long run: fold the acked prefix into the snapshot */
  if (vrtc_store_get_journal_length (c->store) > 4096)
    vrtc_store_compact (c->store);

  commit_more (c);
}

static void
on_received (VrtcStore   *store,
             VrtcMessage *msg,
             LoadClient  *c)
{
  if (c->run->measuring)
    c->run->delivered++;
}

static void
on_error (VrtcClient *client,
          const char *message,
          const char *msg_id,
          LoadClient *c)
{
  if (c->run->errors++ == 0)
    g_printerr ("relay-load: %s: %s%s%s\n", c->run->name, msg_id ? msg_id : "",
                msg_id ? ": " : "", message);
}

static gboolean
all_connected (Run *run)
{
  for (guint i = 0; i < run->n_clients; i++)
    if (vrtc_client_get_status (run->clients[i].client) != VRTC_CLIENT_STATUS_CONNECTED)
      return FALSE;
  return TRUE;
}

static gboolean
all_acked (Run *run)
{
  for (guint i = 0; i < run->n_clients; i++)
    {
      g_autoptr(GPtrArray) unacked = vrtc_store_get_unacked (run->clients[i].store);

      if (unacked->len > 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
all_same_clock (Run *run)
{
  g_autofree char *clock0 = vrtc_store_get_vector_clock_json (run->clients[0].store);

  for (guint i = 1; i < run->n_clients; i++)
    {
      g_autofree char *clock = vrtc_store_get_vector_clock_json (run->clients[i].store);

      if (strcmp (clock, clock0) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
stop_measuring (gpointer data)
{
  Run *run = data;

  run->measuring = FALSE;
  run->committing = FALSE;
  return G_SOURCE_REMOVE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint rank;

  if (sorted->len == 0)
    return NAN;
  rank = (guint) ceil (p * sorted->len);
  return g_array_index (sorted, double, MAX (rank, 1) - 1);
}

/* Runs one measurement; FALSE when it could not be set up or did not converge. */
static gboolean
run_load (Run       *run,
          VrtcRelay *relay,
          const char *room,
          double     seconds,
          gboolean   check)
{
  g_autofree char *url = vrtc_relay_get_url (relay, room);
  gint64 start;
  gboolean ok = TRUE;

  run->clients = g_new0 (LoadClient, run->n_clients);
  run->latencies = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < run->n_clients; i++)
    {
      LoadClient *c = &run->clients[i];
      g_autofree char *session = g_strdup_printf ("%s-%02u", room, i);
      g_autofree char *key = g_strdup_printf ("c%02u", i);
      g_autofree char *insert = g_strdup_printf (
        "{\"key\":\"%s\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
        "\"parentKey\":\"scene\",\"value\":{\"count\":0}}", key);
      g_autoptr(VrtcOperation) op = NULL;
      g_autoptr(VrtcMessage) msg = NULL;

      c->run = run;
      c->store = vrtc_store_new (session);
      c->client = vrtc_client_new (c->store, url);
      c->sent_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      c->op = vrtc_operation_new (key, "number.add", "count", "1", NULL);
      g_signal_connect (c->client, "acked", G_CALLBACK (on_acked), c);
      g_signal_connect (c->client, "error", G_CALLBACK (on_error), c);
      g_signal_connect (c->store, "message-received", G_CALLBACK (on_received), c);

      op = vrtc_operation_new_from_json (insert, NULL);
      vrtc_store_edit (c->store, op);
      msg = vrtc_store_commit (c->store);
      vrtc_client_connect (c->client);
    }

  if (!RUN_UNTIL (all_connected (run) && all_acked (run) && all_same_clock (run)))
    {
      g_printerr ("relay-load: %s: the clients did not join within %d s\n", run->name, SETTLE_S);
      return FALSE;
    }

  run->committing = TRUE;
  run->measuring = TRUE;
  start = g_get_monotonic_time ();
  g_timeout_add ((guint) (seconds * 1000), stop_measuring, run);
  for (guint i = 0; i < run->n_clients; i++)
    commit_more (&run->clients[i]);
  while (run->measuring)
    g_main_context_iteration (NULL, TRUE);
  run->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  /* drain what is in flight, then every replica must hold the same graph */
  if (!RUN_UNTIL (all_acked (run) && all_same_clock (run)))
    {
      g_printerr ("relay-load: %s: did not drain within %d s\n", run->name, SETTLE_S);
      ok = FALSE;
    }
  else if (check)
    {
      g_autofree char *json0 = vrtc_store_to_json (run->clients[0].store);

      for (guint i = 1; i < run->n_clients && ok; i++)
        {
          g_autofree char *json = vrtc_store_to_json (run->clients[i].store);

          if (strcmp (json, json0) != 0)
            {
              g_printerr ("relay-load: %s: replicas 0 and %u differ\n", run->name, i);
              ok = FALSE;
            }
        }
    }

  g_array_sort (run->latencies, compare_doubles);
  return ok && run->errors == 0;
}

static void
run_clear (Run *run)
{
  for (guint i = 0; run->clients != NULL && i < run->n_clients; i++)
    {
      LoadClient *c = &run->clients[i];

      vrtc_client_disconnect (c->client);
      g_signal_handlers_disconnect_by_data (c->client, c);
      g_signal_handlers_disconnect_by_data (c->store, c);
      g_clear_object (&c->client);
      g_clear_object (&c->store);
      g_clear_pointer (&c->op, vrtc_operation_free);
      g_clear_pointer (&c->sent_at, g_hash_table_unref);
    }
  g_clear_pointer (&run->clients, g_free);
  g_clear_pointer (&run->latencies, g_array_unref);
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
print_row (const Run *run,
           double     baseline_rate)
{
  double rate = run->acked / run->seconds;

  printf ("%-10s %7u %8.1f %12.0f %7.2fx %14.0f %11.2f %11.2f\n",
          run->name, run->n_clients, run->seconds, rate,
          baseline_rate > 0 ? rate / baseline_rate : 0,
          run->delivered / run->seconds,
          percentile (run->latencies, 0.50), percentile (run->latencies, 0.99));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcRelay) relay = NULL;
  g_autofree char *data_dir = NULL;
  double seconds = 10;
  double baseline_seconds = 3;
  int clients = 20;
  int window = 8;
  Run baseline = { 0 }, load = { 0 };
  gboolean ok;
  const GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Length of the load run (10)", "S" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &clients, "Clients in the room (20)", "N" },
    { "window", 0, 0, G_OPTION_ARG_INT, &window,
      "Unacked messages each client keeps in flight (8)", "W" },
    { "baseline-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &baseline_seconds,
      "Length of the single-client baseline run (3)", "S" },
    { NULL }
  };

  context = g_option_context_new ("— load a relay with many clients on loopback");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("relay-load: %s\n", error->message);
      return 2;
    }
  if (seconds <= 0 || baseline_seconds <= 0 || clients < 1 || window < 1)
    {
      g_printerr ("relay-load: --seconds, --baseline-seconds, --clients and --window must be "
                  "positive\n");
      return 2;
    }

  data_dir = g_dir_make_tmp ("vrtc-relay-load-XXXXXX", &error);
  if (data_dir == NULL ||
      (relay = vrtc_relay_new (data_dir, &error)) == NULL ||
      !vrtc_relay_listen (relay, "127.0.0.1", 0, &error))
    {
      g_printerr ("relay-load: cannot start the relay: %s\n", error->message);
      return 1;
    }

  baseline.name = "baseline";
  baseline.n_clients = 1;
  baseline.window = window;
  ok = run_load (&baseline, relay, "baseline", MIN (baseline_seconds, seconds), FALSE);

  load.name = "load";
  load.n_clients = clients;
  load.window = window;
  ok = run_load (&load, relay, "load", seconds, TRUE) && ok;

  printf ("relay-load: in-process VrtcRelay and VrtcClients on 127.0.0.1, one thread, "
          "window %d, relay data under %s\n", window, g_get_tmp_dir ());
  printf ("%-10s %7s %8s %12s %8s %14s %11s %11s\n", "run", "clients", "seconds", "acked msg/s",
          "ratio", "deliveries/s", "ack p50 ms", "ack p99 ms");
  print_row (&baseline, baseline.acked / baseline.seconds);
  print_row (&load, baseline.acked / baseline.seconds);
  printf ("acked msg/s: messages committed and acked per second, all clients together; "
          "deliveries/s: messages applied by a replica from a peer; ratio: acked msg/s over "
          "the baseline's; %s\n",
          ok ? "the replicas converged to identical JSON" : "FAILED (see above)");
  fflush (stdout);

  run_clear (&baseline);
  run_clear (&load);
  vrtc_relay_stop (relay);
  g_clear_object (&relay);
  remove_tree (data_dir);

  return ok ? 0 : 1;
}
