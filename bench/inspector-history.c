/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <adwaita.h>

#include "inspector-bench.h"
#include "inspector-window-private.h"

/*
 * Scrubbing history in the real window: a local session whose store holds a long journal
 * (100,000 messages by default, from three peers, over a scene of about 1,000 nodes), the
 * journal pane open, a node selected and its group expanded. Each step moves the timeline's
 * history position, which is what dragging its scale does, and is timed until the tree and
 * the property editor show that state and the main loop is idle ("update"), then the frame
 * that follows is timed from its layout to the end of its paint ("frame"). The baseline,
 * measured in the same run, is the same step back to the live store. Steps that leave
 * live (a drag starting at the scale's live end) or reach it are counted apart from the
 * drag steps, which move one view of history.
 *
 * Run it with `xvfb-run -a meson test --benchmark --suite inspector`, or directly:
 * inspector-history --messages 100000 --steps 200. --timeline-only, --no-journal and
 * --collapsed split the cost: the timeline alone, the window without the journal pane, and
 * a tree of a few rows instead of a thousand. "CPU" is this thread's CPU time for the
 * update and the frame, which a busy machine inflates less than the wall-clock times.
 */

typedef struct {
  GArray *update;   /* double, ms */
  GArray *frame;    /* double, ms */
  GArray *cpu;      /* double, ms: this thread's CPU time over update and frame */
} Samples;



static void
deliver (VrtcStore *peer,
         VrtcStore *to)
{
  g_autoptr(VrtcMessage) message = vrtc_store_commit (peer);
  g_autoptr(GError) error = NULL;

  if (!vrtc_store_receive (to, message, &error))
    g_error ("refused: %s", error->message);
}

/* A scene of n_groups × per_group nodes written by the peers, then writes until the journal
 * holds n_messages: positions, colors and sizes of random nodes, concurrent (the peers do
 * not hear each other), with a node added or removed now and then. */
static void
fill (VrtcStore *store,
      guint      n_messages,
      guint      n_groups,
      guint      per_group)
{
  VrtcStore *peers[3];
  GRand *rand = g_rand_new_with_seed (42);
  guint extra = 0;

  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    {
      g_autofree char *name = g_strdup_printf ("peer-%u", i);

      peers[i] = vrtc_store_new (name);
      vrtc_store_set_fixed_time (peers[i], 1717200000000.0 + i);
    }

  for (guint g = 0; g < n_groups; g++)
    {
      g_autofree char *group = g_strdup_printf (
        "{\"key\":\"g%u\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\","
        "\"name\":\"Group %u\",\"parentKey\":\"scene\",\"value\":{\"position\":[0,0,0]}}", g, g);

      edit_json (peers[0], group);
      for (guint i = 0; i < per_group; i++)
        {
          g_autofree char *node = g_strdup_printf (
            "{\"key\":\"n%u-%u\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
            "\"name\":\"Node %u.%u\",\"parentKey\":\"g%u\",\"value\":{\"position\":[0,0,0],"
            "\"rotation\":[0,0,0],\"color\":\"#ffffff\",\"size\":1,\"visible\":true,"
            "\"label\":\"node\"}}", g, i, g, i, g);

          edit_json (peers[0], node);
        }
      deliver (peers[0], store);
    }

  while (vrtc_store_get_journal_length (store) < n_messages)
    {
      VrtcStore *peer = peers[g_rand_int_range (rand, 0, G_N_ELEMENTS (peers))];
      guint g = g_rand_int_range (rand, 0, n_groups);
      guint i = g_rand_int_range (rand, 0, per_group);
      guint what = g_rand_int_range (rand, 0, 100);
      g_autofree char *op = NULL;

      if (what < 50)
        op = g_strdup_printf ("{\"key\":\"n%u-%u\",\"otype\":\"vector3.set\",\"path\":"
                              "\"position\",\"value\":[%d,%d,%d]}", g, i,
                              g_rand_int_range (rand, -50, 50),
                              g_rand_int_range (rand, -50, 50),
                              g_rand_int_range (rand, -50, 50));
      else if (what < 75)
        op = g_strdup_printf ("{\"key\":\"n%u-%u\",\"otype\":\"color.set\",\"path\":\"color\","
                              "\"value\":\"#%06x\"}", g, i,
                              g_rand_int_range (rand, 0, 0xffffff));
      else if (what < 98)
        op = g_strdup_printf ("{\"key\":\"n%u-%u\",\"otype\":\"number.add\",\"path\":\"size\","
                              "\"value\":1}", g, i);
      else if (what < 99)
        op = g_strdup_printf ("{\"key\":\"x%u\",\"otype\":\"node.insert\",\"path\":\"\","
                              "\"tag\":\"Mesh\",\"name\":\"Extra\",\"parentKey\":\"g%u\","
                              "\"value\":{\"size\":1}}", extra++, g);
      else
        op = g_strdup_printf ("{\"key\":\"n%u-%u\",\"otype\":\"node.remove\",\"path\":\"\"}",
                              g, i);

      edit_json (peer, op);
      deliver (peer, store);
    }

  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    g_object_unref (peers[i]);
  g_rand_free (rand);
}

/* For the README screenshot: the sample scene as three people would edit it. */
static void
fill_demo (VrtcStore *store)
{
  static const char * const edits[] = {
    "bob|{\"key\":\"cube\",\"otype\":\"vector3.set\",\"path\":\"position\","
    "\"value\":[-0.2,0.25,0.1]}",
    "carol|{\"key\":\"key-light\",\"otype\":\"number.add\",\"path\":\"intensity\",\"value\":0.25}",
    "bob|{\"key\":\"chair\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
    "\"name\":\"Chair\",\"parentKey\":\"world\",\"value\":{\"position\":[1.2,0,0.4],"
    "\"color\":\"#865e3c\",\"visible\":true}}",
    "carol|{\"key\":\"ball\",\"otype\":\"color.set\",\"path\":\"color\",\"value\":\"#33d17a\"}",
    "dave|{\"key\":\"cube\",\"otype\":\"color.set\",\"path\":\"color\",\"value\":\"#f6d32d\"}",
    "bob|{\"key\":\"cube\",\"otype\":\"color.set\",\"path\":\"color\",\"value\":\"#c061cb\"}",
    "carol|{\"key\":\"camera\",\"otype\":\"number.set\",\"path\":\"fov\",\"value\":42}",
    "dave|{\"key\":\"ball\",\"otype\":\"node.remove\",\"path\":\"\"}",
    "bob|{\"key\":\"cube\",\"otype\":\"string.set\",\"path\":\"label\",\"value\":\"Grab me\"}",
    "carol|{\"key\":\"table\",\"otype\":\"euler.add\",\"path\":\"rotation\",\"value\":[0,0.125,0]}",
  };
  GHashTable *peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  GListModel *journal = vrtc_store_get_journal (store);
  guint n_sample = g_list_model_get_n_items (journal);

  for (guint round = 0; round < 12; round++)
    for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
      {
        g_auto(GStrv) parts = g_strsplit (edits[i], "|", 2);
        VrtcStore *peer = g_hash_table_lookup (peers, parts[0]);

        if (round > 0 && (strstr (parts[1], "node.") != NULL || i % 3 == round % 3))
          continue;
        if (peer == NULL)
          {
            peer = vrtc_store_new (parts[0]);
            vrtc_store_set_fixed_time (peer, 1717200000000.0);
            for (guint j = 0; j < n_sample; j++)
              {
                g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (journal, j);

                vrtc_store_receive (peer, vrtc_journal_entry_get_message (entry), NULL);
              }
            g_hash_table_insert (peers, g_strdup (parts[0]), peer);
          }
        vrtc_store_set_fixed_time (peer, 1717200000000.0 + 60000.0 * round + 4000.0 * i);
        if (round > 0 && strstr (parts[1], "position") != NULL)
          {
            g_autofree char *moved = g_strdup_printf (
              "{\"key\":\"cube\",\"otype\":\"vector3.add\",\"path\":\"position\","
              "\"value\":[0.0625,0,%g]}", 0.03125 * (round % 4));

            edit_json (peer, moved);
          }
        else
          {
            edit_json (peer, parts[1]);
          }
        deliver (peer, store);
      }

  g_hash_table_unref (peers);
}

static void
samples_init (Samples *samples)
{
  samples->update = g_array_new (FALSE, FALSE, sizeof (double));
  samples->frame = g_array_new (FALSE, FALSE, sizeof (double));
  samples->cpu = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
samples_report (Samples    *samples,
                const char *name)
{
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < samples->update->len; i++)
    {
      double t = g_array_index (samples->update, double, i) +
                 g_array_index (samples->frame, double, i);

      g_array_append_val (total, t);
    }

  printf ("%-24s n=%-4u step p50 %7.2f ms  p99 %7.2f ms   "
          "(update p50 %7.2f p99 %7.2f, frame p50 %6.2f p99 %6.2f; "
          "CPU p50 %7.2f p99 %7.2f)\n",
          name, samples->update->len, percentile (total, 0.5), percentile (total, 0.99),
          percentile (samples->update, 0.5), percentile (samples->update, 0.99),
          percentile (samples->frame, 0.5), percentile (samples->frame, 0.99),
          percentile (samples->cpu, 0.5), percentile (samples->cpu, 0.99));
  g_array_unref (samples->update);
  g_array_unref (samples->frame);
  g_array_unref (samples->cpu);
}

/* One step: the position moves to @position, then update + the frame that shows it;
 * counted in @samples, or in @if_live when the window went live. */
static void
step (InspectorWindow *window,
      int              position,
      Samples         *samples,
      Samples         *if_live)
{
  gint64 start = g_get_monotonic_time ();
  double cpu_start = cpu_ms (), cpu_update, cpu_frame_start, cpu;
  double update, frame = 0;

  inspector_timeline_set_history_position (window->timeline, position);
  drain ();
  update = (g_get_monotonic_time () - start) / 1000.0;
  cpu_update = cpu_ms () - cpu_start;

  /* Waiting for the frame clock is not work: only the frame's own CPU time counts. */
  cpu_frame_start = paint_cpu_start = cpu_ms ();
  if (wait_for_paint () && paint_end > paint_start)
    frame = (paint_end - paint_start) / 1000.0;
  cpu = cpu_update + MAX (0, paint_cpu_end - MAX (paint_cpu_start, cpu_frame_start));
  drain ();

  if (inspector_timeline_get_history_position (window->timeline) < 0)
    samples = if_live;
  g_array_append_val (samples->update, update);
  g_array_append_val (samples->frame, frame);
  g_array_append_val (samples->cpu, cpu);
}

int
main (int   argc,
      char *argv[])
{
  int status;
  g_autoptr(InspectorSession) session = NULL;
  InspectorWindow *window;
  VrtcStore *store;
  Samples history, live, far, enter;
  GRand *rand;
  int n_messages = 100000;
  int n_steps = 200;
  int n_groups = 10;
  int per_group = 100;
  gboolean no_journal = FALSE;
  gboolean collapsed = FALSE;
  gboolean timeline_only = FALSE;
  gboolean demo = FALSE;
  gint64 start;
  guint length;
  const GOptionEntry entries[] = {
    { "messages", 0, 0, G_OPTION_ARG_INT, &n_messages, "Journal length", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &n_steps, "History steps measured", "N" },
    { "groups", 0, 0, G_OPTION_ARG_INT, &n_groups, "Groups of nodes", "N" },
    { "per-group", 0, 0, G_OPTION_ARG_INT, &per_group, "Nodes per group", "N" },
    { "no-journal", 0, 0, G_OPTION_ARG_NONE, &no_journal, "Keep the journal pane closed", NULL },
    { "collapsed", 0, 0, G_OPTION_ARG_NONE, &collapsed, "Groups collapsed, fewer tree rows",
      NULL },
    { "timeline-only", 0, 0, G_OPTION_ARG_NONE, &timeline_only,
      "Time the timeline alone: the window does not follow it", NULL },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      "Measure nothing: show history and a comparison, for a screenshot", NULL },
    { NULL }
  };

  if ((status = bench_start (&argc, &argv, "- time history steps in the inspector window", entries)) != 0)
    return status;

  session = inspector_session_new_local ();
  store = inspector_session_get_store (session);

  if (demo)
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      /* What the application would load. */
      gtk_css_provider_load_from_resource (css, "/io/github/vrtc/Inspector/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      fill_demo (store);
      window = inspector_window_new (NULL);
      gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
      gtk_window_present (GTK_WINDOW (window));
      inspector_window_set_session (window, session);
      g_object_set (window, "show-journal", TRUE, NULL);
      drain ();
      /* Before the chair came and the ball went. */
      inspector_timeline_set_history_position (window->timeline, 5);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.diff", NULL);
      while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
        g_main_context_iteration (NULL, TRUE);
      return 0;
    }

  start = g_get_monotonic_time ();
  fill (store, n_messages, n_groups, per_group);
  length = vrtc_store_get_journal_length (store);
  printf ("journal: %u messages, %d nodes, filled in %.1f s\n", length,
          n_groups * (per_group + 1), (g_get_monotonic_time () - start) / 1e6);

  window = inspector_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  start = g_get_monotonic_time ();
  inspector_window_set_session (window, session);
  g_object_set (window, "show-journal", !no_journal, NULL);
  drain ();
  wait_for_paint ();
  printf ("window on the session: %.1f ms\n", (g_get_monotonic_time () - start) / 1000.0);

  /* The peers view counts the journal's messages from a low-priority idle: it is no part of
   * a step, and must not land in the first ones. */
  while (inspector_peers_get_busy (inspector_timeline_get_peers (window->timeline)))
    g_main_context_iteration (NULL, TRUE);

  watch_frame_clock (GTK_WIDGET (window));

  /* A node picked and its group open, as a user would have them; or, to see what the
   * number of rows costs, only the groups. */
  if (collapsed)
    {
      GListModel *rows = inspector_scene_tree_get_model (window->scene_tree);

      for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
        {
          g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);

          if (gtk_tree_list_row_get_depth (row) == 1)
            gtk_tree_list_row_set_expanded (row, FALSE);
        }
    }
  else
    {
      inspector_scene_tree_select_key (window->scene_tree, "n3-7");
    }
  drain ();
  wait_for_paint ();
  printf ("tree rows: %u, journal pane %s%s\n",
          g_list_model_get_n_items (inspector_scene_tree_get_model (window->scene_tree)),
          no_journal ? "closed" : "open",
          timeline_only ? ", the window not following the timeline" : "");

  /* What the timeline alone costs: the window no longer follows it. */
  if (timeline_only)
    g_signal_handlers_disconnect_matched (window->timeline, G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                                          NULL, window);

  samples_init (&history);
  samples_init (&live);
  samples_init (&far);
  samples_init (&enter);
  rand = g_rand_new_with_seed (7);

  /* A warm-up step, not counted. */
  step (window, length / 2, &far, &far);
  g_array_set_size (far.update, 0);
  g_array_set_size (far.frame, 0);
  g_array_set_size (far.cpu, 0);

  for (int i = 0; i < n_steps; i++)
    {
      /* Dragging: short moves along the journal; every fifth step a jump anywhere, and
       * every tenth back to live, the baseline. A drag from live starts at the scale's
       * live end, and one that reaches the end goes live: those steps are counted as
       * entering history and going back to live, not as drag steps. */
      int p = inspector_timeline_get_history_position (window->timeline);

      if (i % 10 == 9)
        step (window, -1, &live, &live);
      else if (i % 5 == 4)
        step (window, g_rand_int_range (rand, 0, length), &far, &live);
      else if (p < 0)
        step (window, length - 1 - g_rand_int_range (rand, 0, 400), &enter, &live);
      else
        step (window, CLAMP (p + g_rand_int_range (rand, -400, 400), 0, (int) length - 1),
              &history, &live);
    }

  printf ("\n");
  samples_report (&history, "history, drag steps");
  samples_report (&far, "history, jumps");
  samples_report (&enter, "entering history at its end");
  samples_report (&live, "baseline: back to live");
  printf ("target: 16 ms a step\n");

  g_rand_free (rand);
  gtk_window_destroy (GTK_WINDOW (window));
  drain ();

  return 0;
}
