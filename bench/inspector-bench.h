/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the inspector benchmarks share: the frame clock's timings (a frame is timed from its
 * layout to the end of its paint, in wall-clock and this thread's CPU time), running the
 * main loop, and the statistics of the samples. Included by one benchmark each: everything
 * here is static.
 */

#include <time.h>

#include <adwaita.h>

#include "vrtc.h"

static gint64 paint_start;
static gint64 paint_end;
static guint  n_paints;
static double paint_cpu_start;
static double paint_cpu_end;
/* called after each paint has been recorded (nullable) */
static void (*after_paint_hook) (void);

static inline double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline void
on_layout (GdkFrameClock *clock,
           gpointer       data)
{
  paint_start = g_get_monotonic_time ();
  paint_cpu_start = cpu_ms ();
}

static inline void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  paint_end = g_get_monotonic_time ();
  paint_cpu_end = cpu_ms ();
  n_paints++;
  if (after_paint_hook != NULL)
    after_paint_hook ();
}

/* Times the frames of widget's frame clock (it must be realized). */
static inline void
watch_frame_clock (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_connect (clock, "layout", G_CALLBACK (on_layout), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
}

static inline gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static inline void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Runs the main loop until the next frame was painted, for at most 500 ms. */
static inline gboolean
wait_for_paint (void)
{
  guint before = n_paints;
  gint64 end = g_get_monotonic_time () + 500 * 1000;
  guint tick = g_timeout_add (2, wake_up, NULL);

  while (n_paints == before && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);

  return n_paints != before;
}

static inline void
edit_json (VrtcStore  *store,
           const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = vrtc_operation_new_from_json (json, &error);

  g_assert_no_error (error);
  vrtc_store_edit (store, op);
}

/* Parses the options and opens the display: 0 to go on, else the exit status (2: bad
 * options, 77: no display, which meson counts as a skip). */
static inline int
bench_start (int                 *argc,
             char              ***argv,
             const char         *summary,
             const GOptionEntry *entries)
{
  g_autoptr(GOptionContext) context = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (!gtk_init_check ())
    {
      printf ("no display: run under xvfb-run -a\n");
      return 77;
    }
  adw_init ();
  return 0;
}

static inline int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The value at fraction p of the sorted values (0 when there are none). */
static inline double
percentile (GArray *values,
            double  p)
{
  g_autoptr(GArray) sorted = g_array_copy (values);
  guint index;

  if (sorted->len == 0)
    return 0;
  g_array_sort (sorted, compare_doubles);
  index = MIN ((guint) (p * sorted->len), sorted->len - 1);
  return g_array_index (sorted, double, index);
}
