/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "vrtc-bench-relay.h"
#include "vrtc-client.h"
#include "vrtc-operation.h"
#include "vrtc-store.h"

/*
 * W8, the load test of the net layer: the real vrtc-relay, started as a child process with
 * its rooms in a temporary directory, and N clients (a VrtcStore and a VrtcClient each) in
 * one room, all in this process's main loop; so the relay and the clients each have a core
 * of a two-core machine. Each client keeps up to `window` messages unacked and commits
 * another as each ack comes in, for `seconds`. A single client alone in a room, measured
 * first in the same run, is the baseline the load figures are compared with.
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
  VrtcBenchRelayFigures *out;
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
    g_printerr ("vrtc bench: W8: %s: %s%s%s\n", c->run->name, msg_id ? msg_id : "",
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
run_load (Run        *run,
          const char *base_url,
          const char *room,
          double      seconds,
          gboolean    check)
{
  g_autofree char *url = g_strconcat (base_url, room, NULL);
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
      g_printerr ("vrtc bench: W8: %s: the clients did not join within %d s\n", run->name, SETTLE_S);
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
      g_printerr ("vrtc bench: W8: %s: did not drain within %d s\n", run->name, SETTLE_S);
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
              g_printerr ("vrtc bench: W8: %s: replicas 0 and %u differ\n", run->name, i);
              ok = FALSE;
            }
        }
    }

  g_array_sort (run->latencies, compare_doubles);
  run->out->n_clients = run->n_clients;
  run->out->seconds = run->seconds;
  run->out->acked_per_s = run->acked / run->seconds;
  run->out->delivered_per_s = run->delivered / run->seconds;
  run->out->ack_p50_ms = percentile (run->latencies, 0.50);
  run->out->ack_p99_ms = percentile (run->latencies, 0.99);
  run->out->converged = ok;
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

/* vrtc-relay next to this program (the build tree, or bindir), else on PATH. */
static char *
find_relay (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      char *path = g_build_filename (dir, "vrtc-relay", NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return path;
      g_free (path);
    }
  return g_find_program_in_path ("vrtc-relay");
}

/* Starts vrtc-relay on a free port of 127.0.0.1; *url gets "ws://127.0.0.1:PORT/". */
static GSubprocess *
start_relay (const char  *data_dir,
             char       **url,
             GError     **error)
{
  g_autofree char *program = find_relay ();
  g_autoptr(GSubprocess) relay = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *prefix = "vrtc-relay: listening on ";

  if (program == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "vrtc-relay is neither next to vrtc nor on PATH");
      return NULL;
    }
  relay = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, program, "--data-dir",
                            data_dir, "--port", "0", "--max-clients", "0", NULL);
  if (relay == NULL)
    return NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relay));
  line = g_data_input_stream_read_line (out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, prefix))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "%s did not say where it listens", program);
      g_subprocess_force_exit (relay);
      return NULL;
    }
  *url = g_strdup (line + strlen (prefix));
  return g_steal_pointer (&relay);
}

gboolean
vrtc_bench_relay (guint                  n_clients,
                  guint                  window,
                  double                 baseline_seconds,
                  double                 seconds,
                  VrtcBenchRelayFigures *baseline,
                  VrtcBenchRelayFigures *load,
                  GError               **error)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) relay = NULL;
  Run base_run = { 0 }, load_run = { 0 };
  gboolean ok;

  data_dir = g_dir_make_tmp ("vrtc-bench-relay-XXXXXX", error);
  if (data_dir == NULL)
    return FALSE;
  relay = start_relay (data_dir, &url, error);
  if (relay == NULL)
    {
      remove_tree (data_dir);
      return FALSE;
    }

  base_run.name = "baseline";
  base_run.out = baseline;
  base_run.n_clients = 1;
  base_run.window = window;
  ok = run_load (&base_run, url, "baseline", MIN (baseline_seconds, seconds), FALSE);

  load_run.name = "load";
  load_run.out = load;
  load_run.n_clients = n_clients;
  load_run.window = window;
  ok = run_load (&load_run, url, "load", seconds, TRUE) && ok;

  run_clear (&base_run);
  run_clear (&load_run);
  g_subprocess_send_signal (relay, SIGTERM);
  g_subprocess_wait (relay, NULL, NULL);
  remove_tree (data_dir);
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 "the clients did not all converge or an error frame came back (see above)");
  return ok;
}
