/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "inspector-bench.h"
#include "inspector-window-private.h"

/*
 * A big scene in the real window. A peer builds a scene of --nodes nodes (groups of
 * --per-group children under the root, each node with six properties; the first group,
 * "big", has --big children), and its journal is saved as JSON lines. Then, as a user
 * would:
 *
 *  - "open file": inspector_window_open_file() on that file, timed until the tree has
 *    painted its first rows (the root and the first group), until the messages are all
 *    applied, and until the frame after that;
 *  - "show session": a second window pointed at the loaded session, timed until its tree
 *    has painted its first rows;
 *  - then, in that window, frames while scrolling the tree: wheel-sized steps down the
 *    list and jumps anywhere (what dragging the scrollbar does), each timed as the work
 *    from the change until the main loop is idle, plus the frame that shows it (from its
 *    layout to the end of its paint; waiting for the frame clock is not counted);
 *  - and the "big" group collapsed and expanded again, timed the same way, as the keys
 *    do it (Left and Right on the selected row: the actions tree.collapse-row and
 *    tree.expand-row).
 *
 * The same runs on a small scene first (--baseline-nodes), in the same process, and the
 * table gives the ratios; the "CPU" rows give this thread's CPU time for the same steps,
 * which a busy machine inflates less than the wall-clock times. Run it with
 * `xvfb-run -a meson test --benchmark --suite inspector`, or directly:
 * inspector-tree --nodes 100000.
 */

typedef struct {
  double open_parsed;     /* ms from open_file() to the session, read and parsed */
  double open_first;      /* ms from open_file() to the first rows painted */
  double open_loaded;     /* ms to the last message applied */
  double open_done;       /* ms to the frame after that */
  double show_first;      /* ms from set_session() to the first rows painted */
  guint  n_nodes;
  guint  n_rows;
  GArray *wheel;          /* double, ms per step: update + frame */
  GArray *jump;
  GArray *toggle;
  GArray *wheel_cpu;      /* the same, this thread's CPU time */
  GArray *jump_cpu;
  GArray *toggle_cpu;
} Run;

static double step_cpu;       /* the CPU time of the last finish_step() */

static InspectorWindow *watched;
static gint64           first_rows_at;

static gboolean
rows_shown (InspectorWindow *window)
{
  GtkWidget *root = inspector_scene_tree_get_row_widget (window->scene_tree, "scene");
  GtkWidget *first = inspector_scene_tree_get_row_widget (window->scene_tree, "big");

  return root != NULL && first != NULL && gtk_widget_get_mapped (root) &&
         gtk_widget_get_mapped (first);
}

/* after each paint: the first one that shows the watched window's first rows */
static void
note_first_rows (void)
{
  if (watched != NULL && first_rows_at == 0 && rows_shown (watched))
    first_rows_at = paint_end;
}

static void
watch_frames (InspectorWindow *window)
{
  after_paint_hook = note_first_rows;
  watch_frame_clock (GTK_WIDGET (window));
}

/* Runs the main loop until @done says so or @seconds pass. */
static gboolean
run_until (gboolean (*done) (gpointer),
           gpointer  data,
           double    seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint tick = g_timeout_add (2, wake_up, NULL);
  gboolean ok;

  while (!(ok = done (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);

  return ok;
}

static gboolean
first_rows_painted (gpointer data)
{
  return first_rows_at != 0;
}

static gboolean
session_opened (gpointer data)
{
  InspectorWindow *window = data;
  InspectorSession *session = inspector_window_get_session (window);

  return session != NULL && inspector_session_get_kind (session) == INSPECTOR_SESSION_FILE;
}

static gboolean
session_loaded (gpointer data)
{
  InspectorWindow *window = data;
  InspectorSession *session = inspector_window_get_session (window);

  return session != NULL && inspector_session_get_kind (session) == INSPECTOR_SESSION_FILE &&
         !inspector_session_get_loading (session);
}

static void
add_node (VrtcStore  *peer,
          const char *key,
          const char *parent,
          const char *tag,
          guint       i)
{
  g_autofree char *json = g_strdup_printf (
    "{\"key\":\"%s\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"%s\","
    "\"name\":\"Node %u\",\"parentKey\":\"%s\",\"value\":{\"position\":[%u,0,0],"
    "\"rotation\":[0,0,0],\"color\":\"#%06x\",\"size\":1,\"visible\":true,"
    "\"label\":\"node %u\"}}", key, tag, i, parent, i % 97, (i * 2654435761u) & 0xffffff, i);

  edit_json (peer, json);
}

static void
write_message (GString     *out,
               VrtcMessage *message)
{
  g_autofree char *json = vrtc_message_to_json (message, VRTC_DIALECT_SEED);

  g_string_append (out, json);
  g_string_append_c (out, '\n');
}

/* The scene as one message per group, saved as JSON lines; returns the number of nodes. */
static guint
write_scene (const char *path,
             guint       n_nodes,
             guint       per_group,
             guint       big)
{
  g_autoptr(VrtcStore) peer = vrtc_store_new ("builder");
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint made = 1;   /* the root */

  vrtc_store_set_fixed_time (peer, 1717200000000.0);
  big = MIN (big, n_nodes / 2);

  for (guint g = 0; made < n_nodes; g++)
    {
      g_autofree char *group = g == 0 ? g_strdup ("big") : g_strdup_printf ("g%u", g);
      guint n = g == 0 ? big : per_group;
      g_autoptr(VrtcMessage) message = NULL;

      add_node (peer, group, "scene", "Group", g);
      made++;
      for (guint i = 0; i < n && made < n_nodes; i++, made++)
        {
          g_autofree char *key = g_strdup_printf ("n%u-%u", g, i);

          add_node (peer, key, group, "Mesh", i);
        }
      message = vrtc_store_commit (peer);
      write_message (out, message);
    }

  if (!g_file_set_contents (path, out->str, out->len, &error))
    g_error ("%s", error->message);

  return made;
}

static InspectorWindow *
new_window (void)
{
  InspectorWindow *window = inspector_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  watch_frames (window);
  drain ();
  wait_for_paint ();

  return window;
}

static GtkWidget *
find_list_view (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_list_view (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The work a change costs: from @start until the main loop is idle, plus the next frame
 * from its layout to the end of its paint. Waiting for the frame clock is not counted. */
static double
finish_step (gint64 start,
             double cpu_start)
{
  double update, frame = 0, cpu_update, cpu_frame_start;

  drain ();
  update = (g_get_monotonic_time () - start) / 1000.0;
  cpu_update = cpu_ms () - cpu_start;
  cpu_frame_start = paint_cpu_start = cpu_ms ();
  step_cpu = cpu_update;
  if (wait_for_paint () && paint_end > paint_start)
    {
      frame = (paint_end - paint_start) / 1000.0;
      step_cpu += MAX (0, paint_cpu_end - MAX (paint_cpu_start, cpu_frame_start));
    }
  drain ();

  return update + frame;
}

static void
measure_scrolling (InspectorWindow *window,
                   Run             *run,
                   guint            n_steps)
{
  GtkWidget *list = find_list_view (GTK_WIDGET (window->scene_tree));
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  GRand *rand = g_rand_new_with_seed (11);

  gtk_adjustment_set_value (adj, 0);
  finish_step (g_get_monotonic_time (), cpu_ms ());

  /* A wheel notch is about three rows; the list is gone through top to bottom. */
  for (guint i = 0; i < n_steps; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu = cpu_ms ();
      double value = gtk_adjustment_get_value (adj) + 3 * 34;
      double t;

      if (value > gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj))
        value = 0;
      gtk_adjustment_set_value (adj, value);
      t = finish_step (start, cpu);
      g_array_append_val (run->wheel, t);
      g_array_append_val (run->wheel_cpu, step_cpu);
    }

  for (guint i = 0; i < n_steps; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu = cpu_ms ();
      double range = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
      double t;

      gtk_adjustment_set_value (adj, g_rand_double_range (rand, 0, MAX (range, 1)));
      t = finish_step (start, cpu);
      g_array_append_val (run->jump, t);
      g_array_append_val (run->jump_cpu, step_cpu);
    }

  gtk_adjustment_set_value (adj, 0);
  finish_step (g_get_monotonic_time (), cpu_ms ());
  g_rand_free (rand);
}

static GtkTreeListRow *
find_row (InspectorWindow *window,
          const char      *key)
{
  GListModel *rows = inspector_scene_tree_get_model (window->scene_tree);
  guint n = g_list_model_get_n_items (rows);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(InspectorSceneItem) item = gtk_tree_list_row_get_item (row);

      if (g_str_equal (inspector_scene_item_get_key (item), key))
        return g_steal_pointer (&row);
    }

  return NULL;
}

static void
measure_toggling (InspectorWindow *window,
                  Run             *run,
                  guint            n_steps)
{
  g_autoptr(GtkTreeListRow) row = find_row (window, "big");
  GtkWidget *tree = GTK_WIDGET (window->scene_tree);

  g_assert (row != NULL);
  /* selected and focused, as a click leaves it */
  g_assert (inspector_scene_tree_select_key (window->scene_tree, "big"));
  gtk_widget_grab_focus (gtk_widget_get_parent (
    inspector_scene_tree_get_row_widget (window->scene_tree, "big")));
  finish_step (g_get_monotonic_time (), cpu_ms ());
  for (guint i = 0; i < 2 * n_steps; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu = cpu_ms ();
      gboolean expanded = gtk_tree_list_row_get_expanded (row);
      double t;

      gtk_widget_activate_action (tree, expanded ? "tree.collapse-row" : "tree.expand-row",
                                  "b", FALSE);
      g_assert (gtk_tree_list_row_get_expanded (row) != expanded);
      t = finish_step (start, cpu);
      g_array_append_val (run->toggle, t);
      g_array_append_val (run->toggle_cpu, step_cpu);
    }
  g_assert (gtk_tree_list_row_get_expanded (row));
}

static void
run_scene (Run   *run,
           guint  n_nodes,
           guint  per_group,
           guint  big,
           guint  n_steps)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(InspectorSession) session = NULL;
  g_autoptr(GError) error = NULL;
  InspectorWindow *opener, *window;
  gint64 start;
  int fd;

  memset (run, 0, sizeof *run);
  run->wheel = g_array_new (FALSE, FALSE, sizeof (double));
  run->jump = g_array_new (FALSE, FALSE, sizeof (double));
  run->toggle = g_array_new (FALSE, FALSE, sizeof (double));
  run->wheel_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  run->jump_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  run->toggle_cpu = g_array_new (FALSE, FALSE, sizeof (double));

  fd = g_file_open_tmp ("inspector-tree-XXXXXX.jsonl", &path, &error);
  g_assert_no_error (error);
  close (fd);
  run->n_nodes = write_scene (path, n_nodes, per_group, big);
  file = g_file_new_for_path (path);

  /* Opening the file, as the command line, Open and drag and drop do. */
  opener = new_window ();
  watched = opener;
  first_rows_at = 0;
  start = g_get_monotonic_time ();
  inspector_window_open_file (opener, file);
  if (!run_until (session_opened, opener, 120))
    g_error ("the file never opened");
  run->open_parsed = (g_get_monotonic_time () - start) / 1000.0;
  if (!run_until (first_rows_painted, NULL, 120))
    g_error ("the tree never showed its rows");
  run->open_first = (first_rows_at - start) / 1000.0;
  if (!run_until (session_loaded, opener, 600))
    g_error ("the file never finished loading");
  run->open_loaded = (g_get_monotonic_time () - start) / 1000.0;
  drain ();
  wait_for_paint ();
  run->open_done = (paint_end - start) / 1000.0;
  session = g_object_ref (inspector_window_get_session (opener));
  watched = NULL;
  gtk_window_destroy (GTK_WINDOW (opener));
  drain ();
  g_unlink (path);

  /* The loaded session in a window of its own: the store is all there at once. */
  window = new_window ();
  watched = window;
  first_rows_at = 0;
  start = g_get_monotonic_time ();
  inspector_window_set_session (window, session);
  if (!run_until (first_rows_painted, NULL, 120))
    g_error ("the tree never showed its rows");
  run->show_first = (first_rows_at - start) / 1000.0;
  watched = NULL;
  drain ();
  wait_for_paint ();
  run->n_rows = g_list_model_get_n_items (inspector_scene_tree_get_model (window->scene_tree));

  measure_scrolling (window, run, n_steps);
  measure_toggling (window, run, MAX (n_steps / 10, 5));

  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
}

static void
row (const char *what,
     double      big,
     double      small,
     const char *target,
     gboolean    pass)
{
  printf ("| %-34s | %10.1f ms | %10.1f ms | %6.1f× | %-8s | %-4s |\n", what, big, small,
          small > 0 ? big / small : 0, target, pass ? "pass" : "MISS");
}

/* Two rows, "WHAT: p50" and "WHAT: p99", each against the 16 ms of a frame. */
static void
rows_p50_p99 (const char *what,
              GArray     *big,
              GArray     *small)
{
  static const double quantiles[] = { 0.5, 0.99 };

  for (guint i = 0; i < G_N_ELEMENTS (quantiles); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s: p%g", what, 100 * quantiles[i]);
      double b = percentile (big, quantiles[i]);

      row (name, b, percentile (small, quantiles[i]), "≤ 16", b <= 16);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;
  Run big, small;
  int n_nodes = 100000;
  int n_baseline = 1000;
  int per_group = 100;
  int n_big = 1000;
  int n_steps = 100;
  const GOptionEntry entries[] = {
    { "nodes", 0, 0, G_OPTION_ARG_INT, &n_nodes, "Nodes in the scene", "N" },
    { "baseline-nodes", 0, 0, G_OPTION_ARG_INT, &n_baseline, "Nodes in the baseline scene",
      "N" },
    { "per-group", 0, 0, G_OPTION_ARG_INT, &per_group, "Children of each group", "N" },
    { "big", 0, 0, G_OPTION_ARG_INT, &n_big, "Children of the group expanded and collapsed",
      "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &n_steps, "Scroll steps measured, of each kind", "N" },
    { NULL }
  };

  if ((status = bench_start (&argc, &argv, "- time a big scene tree in the inspector window", entries)) != 0)
    return status;

  run_scene (&small, n_baseline, per_group, n_big, n_steps);
  run_scene (&big, n_nodes, per_group, n_big, n_steps);

  printf ("scene: %u nodes (%u tree rows); baseline: %u nodes (%u rows); "
          "groups of %d, \"big\" of %d\n\n", big.n_nodes, big.n_rows, small.n_nodes,
          small.n_rows, per_group, MIN (n_big, n_nodes / 2));
  printf ("| %-34s | %13s | %13s | %7s | %-8s | %-4s |\n", "what", "scene", "baseline",
          "ratio", "target", "");
  printf ("|------------------------------------|---------------|---------------|"
          "---------|----------|------|\n");
  row ("open file: read and parsed", big.open_parsed, small.open_parsed, "", TRUE);
  row ("open file: first rows painted", big.open_first, small.open_first, "≤ 1000",
       big.open_first <= 1000);
  row ("open file: all messages applied", big.open_loaded, small.open_loaded, "", TRUE);
  row ("open file: the frame after that", big.open_done, small.open_done, "", TRUE);
  row ("show session: first rows painted", big.show_first, small.show_first, "≤ 1000",
       big.show_first <= 1000);
  rows_p50_p99 ("scroll, wheel steps", big.wheel, small.wheel);
  rows_p50_p99 ("scroll, jumps", big.jump, small.jump);
  rows_p50_p99 ("expand/collapse \"big\"", big.toggle, small.toggle);
  rows_p50_p99 ("CPU: scroll, wheel steps", big.wheel_cpu, small.wheel_cpu);
  rows_p50_p99 ("CPU: scroll, jumps", big.jump_cpu, small.jump_cpu);
  rows_p50_p99 ("CPU: expand/collapse \"big\"", big.toggle_cpu, small.toggle_cpu);
  printf ("\nsteps: the change until the main loop is idle, plus the frame that shows it "
          "(%u wheel steps, %u jumps, %u toggles); CPU: this thread's CPU time for the same, "
          "which a busy machine inflates less\n", big.wheel->len, big.jump->len,
          big.toggle->len);

  return 0;
}
