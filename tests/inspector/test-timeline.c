/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <adwaita.h>

#include "inspector-timeline.h"
#include "widget-test-helpers.h"

/* The journal timeline on a real store, in a real window: rows, filters that only hide,
 * the history scale, undo from the context menu's action, the details, the peers view,
 * compaction and a long journal. */

#define N_ROUNDS 16   /* alice, bob and carol each send this many after the scene */

typedef struct
{
  VrtcStore         *store;      /* alice's: the one shown */
  VrtcStore         *bob;
  VrtcStore         *carol;
  GtkWindow         *window;
  InspectorTimeline *timeline;
  Committed          committed;
  GPtrArray         *ids;        /* message ids, in journal order */
  GPtrArray         *signals;    /* "name arg…" lines of the timeline's signals */
} TimelineFixture;

static void
on_node_activated (InspectorTimeline *timeline,
                   const char        *key,
                   TimelineFixture   *f)
{
  g_ptr_array_add (f->signals, g_strdup_printf ("node-activated %s", key));
}

static void
on_open_snapshot (InspectorTimeline *timeline,
                  TimelineFixture   *f)
{
  g_ptr_array_add (f->signals, g_strdup ("open-snapshot"));
}

static void
on_diff_requested (InspectorTimeline *timeline,
                   int                from,
                   int                to,
                   TimelineFixture   *f)
{
  g_ptr_array_add (f->signals, g_strdup_printf ("diff-requested %d %d", from, to));
}

static void
on_message (InspectorTimeline *timeline,
            const char        *text,
            TimelineFixture   *f)
{
  g_ptr_array_add (f->signals, g_strdup_printf ("message %s", text));
}

static gboolean
has_signal (TimelineFixture *f,
            const char      *prefix)
{
  for (guint i = 0; i < f->signals->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->signals, i), prefix))
      return TRUE;
  return FALSE;
}

static void
commit_op (TimelineFixture *f,
           VrtcStore       *from,
           double           time,
           const char      *key,
           const char      *otype,
           const char      *path,
           const char      *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = vrtc_operation_new (key, otype, path, value, &error);
  g_autoptr(VrtcMessage) message = NULL;

  g_assert_no_error (error);
  vrtc_store_set_fixed_time (from, time);
  vrtc_store_edit (from, op);
  message = commit (from);
  if (from != f->store)
    deliver (f->store, message);
  g_ptr_array_add (f->ids, g_strdup (vrtc_message_get_id (message)));
}

/*
 * Position 0: alice's scene (4 node.insert); then rounds of
 *   alice: vector3.set cube-1 position, bob: number.set lamp intensity,
 *   carol: color.set cube-1 color.
 */
static void
timeline_set_up (TimelineFixture *f,
                gconstpointer    data)
{
  g_autoptr(VrtcMessage) scene = NULL;
  double t = 1700000000000.0;

  f->ids = g_ptr_array_new_with_free_func (g_free);
  f->signals = g_ptr_array_new_with_free_func (g_free);
  f->store = new_store ("alice");
  f->bob = new_store ("bob");
  f->carol = new_store ("carol");

  scene = build_scene (f->store);
  g_ptr_array_add (f->ids, g_strdup (vrtc_message_get_id (scene)));
  deliver (f->bob, scene);
  deliver (f->carol, scene);

  for (guint i = 0; i < N_ROUNDS; i++)
    {
      g_autofree char *position = g_strdup_printf ("[%u,0,0]", i);
      g_autofree char *intensity = g_strdup_printf ("%u", i + 1);
      g_autofree char *color = g_strdup_printf ("\"#0000%02x\"", i);

      commit_op (f, f->store, t += 1000, "cube-1", "vector3.set", "position", position);
      commit_op (f, f->bob, t += 1000, "lamp", "number.set", "intensity", intensity);
      commit_op (f, f->carol, t += 1000, "cube-1", "color.set", "color", color);
    }

  committed_init (&f->committed, f->store);

  f->timeline = INSPECTOR_TIMELINE (inspector_timeline_new ());
  g_signal_connect (f->timeline, "node-activated", G_CALLBACK (on_node_activated), f);
  g_signal_connect (f->timeline, "open-snapshot", G_CALLBACK (on_open_snapshot), f);
  g_signal_connect (f->timeline, "diff-requested", G_CALLBACK (on_diff_requested), f);
  g_signal_connect (f->timeline, "message", G_CALLBACK (on_message), f);
  g_object_set (f->timeline, "store", f->store, NULL);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1200, 600);
  gtk_window_set_child (f->window, GTK_WIDGET (f->timeline));
  gtk_window_present (f->window);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  WAIT_UNTIL (inspector_timeline_get_row_widget (f->timeline, g_ptr_array_index (f->ids, 0)));
}

static void
timeline_tear_down (TimelineFixture *f,
                   gconstpointer    data)
{
  committed_clear (&f->committed, f->store);
  gtk_window_destroy (f->window);
  drain ();
  g_clear_object (&f->store);
  g_clear_object (&f->bob);
  g_clear_object (&f->carol);
  g_ptr_array_unref (f->ids);
  g_ptr_array_unref (f->signals);
}

static const char *
id_at (TimelineFixture *f,
       guint            position)
{
  return g_ptr_array_index (f->ids, position);
}

static gpointer
template_child (TimelineFixture *f,
                const char      *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (f->timeline), INSPECTOR_TYPE_TIMELINE, name);
}

static guint
n_shown (TimelineFixture *f)
{
  return g_list_model_get_n_items (inspector_timeline_get_model (f->timeline));
}

static void
wait_filtered (TimelineFixture *f)
{
  WAIT_UNTIL (!inspector_timeline_get_filtering (f->timeline));
  drain ();
}

/* Every shown row satisfies @check. */
static void
assert_all_shown (TimelineFixture *f,
                  gboolean       (*check) (VrtcJournalEntry *entry))
{
  GListModel *model = inspector_timeline_get_model (f->timeline);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (model, i);

      g_assert_true (check (entry));
    }
}

static gboolean
is_bob (VrtcJournalEntry *entry)
{
  return g_str_equal (vrtc_journal_entry_get_session_id (entry), "bob");
}

static gboolean
is_not_bob (VrtcJournalEntry *entry)
{
  return !is_bob (entry);
}

static const char *
hidden_label_text (TimelineFixture *f)
{
  GtkWidget *label = template_child (f, "hidden_label");

  return gtk_widget_get_visible (label) ? gtk_label_get_label (GTK_LABEL (label)) : "";
}

static void
test_rows (TimelineFixture *f,
           gconstpointer    data)
{
  GtkWidget *row;
  guint total = 1 + 3 * N_ROUNDS;

  g_assert_cmpuint (n_shown (f), ==, total);
  g_assert_cmpuint (inspector_timeline_get_n_hidden (f->timeline), ==, 0);
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, -1);

  /* The first row: its summary, and its session chip in alice's color. */
  row = inspector_timeline_get_row_widget (f->timeline, id_at (f, 0));
  g_assert_nonnull (row);
  g_assert_nonnull (find_widget (row, GTK_TYPE_WIDGET, shows_text, "4 ops"));
  g_assert_false (gtk_widget_has_css_class (row, "undone"));

  row = inspector_timeline_get_row_widget (f->timeline, id_at (f, 2));
  g_assert_nonnull (row);
  g_assert_nonnull (find_widget (row, GTK_TYPE_WIDGET, shows_text,
                                 "number.set intensity on lamp"));
}

static void
test_filter (TimelineFixture *f,
             gconstpointer    data)
{
  g_autofree char *before = vrtc_store_to_json (f->store);
  g_autofree char *after = NULL;
  guint total = 1 + 3 * N_ROUNDS;

  /* By session */
  inspector_timeline_set_filter (f->timeline, "bob", NULL, NULL);
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, N_ROUNDS);
  g_assert_cmpuint (inspector_timeline_get_n_hidden (f->timeline), ==, total - N_ROUNDS);
  assert_all_shown (f, is_bob);
  g_assert_nonnull (strstr (hidden_label_text (f), "33 hidden"));

  /* By node: an op anywhere in the message counts (the scene inserts lamp) */
  inspector_timeline_set_filter (f->timeline, NULL, "lamp", NULL);
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, N_ROUNDS + 1);
  g_assert_cmpuint (inspector_timeline_get_n_hidden (f->timeline), ==, total - N_ROUNDS - 1);

  /* By op type, whole or by family */
  inspector_timeline_set_filter (f->timeline, NULL, NULL, "color.set");
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, N_ROUNDS);
  inspector_timeline_set_filter (f->timeline, NULL, NULL, "vector3");
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, N_ROUNDS);
  inspector_timeline_set_filter (f->timeline, NULL, NULL, "node.insert");
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, 1);

  /* All three together */
  inspector_timeline_set_filter (f->timeline, "alice", "cube-1", "vector3.set");
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, N_ROUNDS);
  g_assert_cmpstr (inspector_timeline_get_filter_text (f->timeline), ==,
                   "session:alice node:cube-1 type:vector3.set");

  /* Hiding rather than keeping, typed */
  inspector_timeline_set_filter_text (f->timeline, "-session:bob");
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, total - N_ROUNDS);
  assert_all_shown (f, is_not_bob);

  /* The entry, as a user types: applied after the search delay */
  gtk_editable_set_text (GTK_EDITABLE (template_child (f, "filter_entry")),
                         "session:carol");
  WAIT_UNTIL (g_str_equal (inspector_timeline_get_filter_text (f->timeline), "session:carol"));
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, N_ROUNDS);

  /* Clearing shows all again */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.clear-filter", NULL);
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, total);
  g_assert_cmpuint (inspector_timeline_get_n_hidden (f->timeline), ==, 0);
  g_assert_cmpstr (hidden_label_text (f), ==, "");

  /* Hidden rows keep their effect: the state never changed */
  after = vrtc_store_to_json (f->store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (f->committed.n_messages, ==, 0);
}

/* Runs the timeline's window-wide shortcut for @keyval: what a key press there would do. */
static gboolean
press_global_key (TimelineFixture *f,
                  guint            keyval,
                  GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->timeline));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
          gtk_shortcut_controller_get_scope (GTK_SHORTCUT_CONTROLLER (controller)) !=
          GTK_SHORTCUT_SCOPE_GLOBAL)
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                 GTK_WIDGET (f->timeline), NULL);
        }
    }

  g_assert_not_reached ();
  return FALSE;
}

static void
count_notify (int *count)
{
  (*count)++;
}

static void
count_bind (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            guint                    *count)
{
  (*count)++;
}

/*
 * A step along the history scale selects the row of its position. A GTK 4.8 list view binds
 * again each row it is told changed; told of every row from the old selection to the new,
 * it would bind them all, on every step, for two rows that look any different.
 */
static void
test_history_step_rows (TimelineFixture *f,
                        gconstpointer    data)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (template_child (f, "column_view"));
  GListModel *columns = gtk_column_view_get_columns (view);
  GtkSelectionModel *selection = gtk_column_view_get_model (view);
  g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);
  GtkListItemFactory *factory = gtk_column_view_column_get_factory (column);
  VrtcJournalEntry *selected;
  GtkLabel *title;
  guint binds = 0;
  int notified = 0;

  inspector_timeline_set_history_position (f->timeline, 2);
  drain ();
  /* Every row has its widgets: nothing is bound for scrolling. */
  WAIT_UNTIL (inspector_timeline_get_row_widget (f->timeline, id_at (f, 40)) != NULL);
  WAIT_UNTIL (inspector_timeline_get_row_widget (f->timeline, id_at (f, 2)) != NULL);

  g_signal_connect (factory, "bind", G_CALLBACK (count_bind), &binds);
  g_signal_connect_swapped (selection, "notify::selected-item", G_CALLBACK (count_notify),
                            &notified);
  inspector_timeline_set_history_position (f->timeline, 40);
  drain ();
  g_signal_handlers_disconnect_by_func (factory, count_bind, &binds);
  g_signal_handlers_disconnect_by_func (selection, count_notify, &notified);

  selected = inspector_timeline_get_selected_entry (f->timeline);
  g_assert_nonnull (selected);
  g_assert_cmpuint (vrtc_journal_entry_get_position (selected), ==, 40);
  g_assert_true (gtk_selection_model_is_selected (selection, 40));
  g_assert_false (gtk_selection_model_is_selected (selection, 2));
  g_assert_cmpint (notified, ==, 1);
  /* The row that was selected and the one that is, not the 37 between. */
  g_assert_cmpuint (binds, <=, 2);

  /* The details follow the row: at once, or a moment later while the scale is dragged. */
  title = GTK_LABEL (template_child (f, "details_title"));
  WAIT_UNTIL (strstr (gtk_label_get_label (title), id_at (f, 40)) != NULL);
}

static void
test_history (TimelineFixture *f,
              gconstpointer    data)
{
  GtkAdjustment *adjustment = GTK_ADJUSTMENT (
    template_child (f, "history_adjustment"));
  GtkLabel *position_label = GTK_LABEL (
    template_child (f, "position_label"));
  guint total = 1 + 3 * N_ROUNDS;
  VrtcJournalEntry *selected;
  GtkWidget *row;
  int notified = 0;
  g_autoptr(VrtcMessage) late = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = NULL;

  g_signal_connect_swapped (f->timeline, "notify::history-position",
                            G_CALLBACK (count_notify), &notified);

  /* Live: the scale sits at its end, one past the last entry */
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, total);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, total);
  g_assert_nonnull (strstr (gtk_label_get_label (position_label), "Live"));

  /* Dragging the scale moves the position and highlights its row; focus stays on the scale */
  gtk_widget_grab_focus (template_child (f, "history_scale"));
  gtk_adjustment_set_value (adjustment, 10);
  drain ();
  g_assert_true (gtk_window_get_focus (f->window) == template_child (f, "history_scale"));
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, 10);
  g_assert_cmpint (notified, ==, 1);
  selected = inspector_timeline_get_selected_entry (f->timeline);
  g_assert_nonnull (selected);
  g_assert_cmpuint (vrtc_journal_entry_get_position (selected), ==, 10);
  g_assert_nonnull (strstr (gtk_label_get_label (position_label), "Position 11 of 49"));
  WAIT_UNTIL (inspector_timeline_get_row_widget (f->timeline, id_at (f, 11)) != NULL);
  row = inspector_timeline_get_row_widget (f->timeline, id_at (f, 11));
  g_assert_cmpfloat (gtk_widget_get_opacity (row), <, 0.5);
  row = inspector_timeline_get_row_widget (f->timeline, id_at (f, 10));
  g_assert_cmpfloat (gtk_widget_get_opacity (row), ==, 1);

  /* The property, from code; a hidden row highlights the last shown one before it */
  inspector_timeline_set_filter (f->timeline, "bob", NULL, NULL);
  wait_filtered (f);
  inspector_timeline_set_history_position (f->timeline, 4);
  selected = inspector_timeline_get_selected_entry (f->timeline);
  g_assert_cmpstr (vrtc_journal_entry_get_session_id (selected), ==, "bob");
  g_assert_cmpuint (vrtc_journal_entry_get_position (selected), ==, 2);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 4);
  inspector_timeline_set_filter (f->timeline, NULL, NULL, NULL);
  wait_filtered (f);

  /* A live message grows the range but leaves the position where it is */
  op = vrtc_operation_new ("lamp", "number.set", "intensity", "99", &error);
  g_assert_no_error (error);
  vrtc_store_edit (f->bob, op);
  late = commit (f->bob);
  deliver (f->store, late);
  drain ();
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, 4);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, total + 1);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 4);

  /* Alt+Left and Alt+Right step by one; past the end is live */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.step", "i", -1);
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, 3);
  inspector_timeline_set_history_position (f->timeline, total);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.step", "i", 1);
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, -1);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.step", "i", -1);
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, total);

  /* Back to live: the scale follows the journal's end again */
  g_assert_true (gtk_widget_get_visible (
    template_child (f, "live_button")));
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.back-to-live", NULL);
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, -1);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, total + 1);
  row = inspector_timeline_get_row_widget (f->timeline, id_at (f, 11));
  if (row != NULL)
    g_assert_cmpfloat (gtk_widget_get_opacity (row), ==, 1);

  /* The keys, from anywhere in the window: Escape only while in history */
  g_assert_false (press_global_key (f, GDK_KEY_Escape, 0));
  g_assert_true (press_global_key (f, GDK_KEY_Left, GDK_ALT_MASK));
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, total);
  g_assert_true (press_global_key (f, GDK_KEY_Left, GDK_ALT_MASK));
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, total - 1);
  g_assert_true (press_global_key (f, GDK_KEY_Right, GDK_ALT_MASK));
  g_assert_true (press_global_key (f, GDK_KEY_Escape, 0));
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, -1);
  g_assert_false (press_global_key (f, GDK_KEY_Right, GDK_ALT_MASK));

  /* Show State After This Message, from the row's menu action */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.show-state", "s", id_at (f, 7));
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, 7);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.back-to-live", NULL);
}

static gboolean
meta_targets (VrtcMessage *message,
              const char  *otype,
              const char  *target)
{
  for (guint i = 0; i < vrtc_message_get_n_operations (message); i++)
    {
      VrtcOperation *op = vrtc_message_get_operation (message, i);

      if (g_strcmp0 (vrtc_operation_get_otype (op), otype) == 0 &&
          g_strcmp0 (vrtc_operation_get_target_msg_id (op), target) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
capture_committed (VrtcStore    *store,
                   VrtcMessage  *message,
                   VrtcMessage **out)
{
  g_clear_pointer (out, vrtc_message_unref);
  *out = vrtc_message_ref (message);
}

static void
test_undo (TimelineFixture *f,
           gconstpointer    data)
{
  const char *target = id_at (f, 3);   /* carol's first color */
  g_autoptr(VrtcMessage) meta = NULL;
  g_autofree char *color = NULL;
  gulong id;
  GtkWidget *row;

  color = property_json (f->store, "cube-1", "color");
  g_assert_cmpstr (color, ==, "\"#00000f\"");

  id = g_signal_connect (f->store, "message-committed", G_CALLBACK (capture_committed), &meta);

  /* Undo, as the context menu does it */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.undo-message", "s", target);
  g_assert_nonnull (meta);
  g_assert_true (meta_targets (meta, "meta.undo", target));
  g_assert_cmpuint (f->committed.n_messages, ==, 1);

  /* The row looks undone at once, and the new meta message has a row of its own */
  g_assert_true (inspector_timeline_select_message (f->timeline, target));
  WAIT_UNTIL (inspector_timeline_get_row_widget (f->timeline, target) != NULL);
  row = inspector_timeline_get_row_widget (f->timeline, target);
  g_assert_true (gtk_widget_has_css_class (row, "undone"));
  g_assert_cmpfloat (gtk_widget_get_opacity (row), <, 1);
  g_assert_nonnull (find_widget (row, GTK_TYPE_LABEL, label_has_text, "undone"));
  g_assert_cmpuint (n_shown (f), ==, 2 + 3 * N_ROUNDS);

  /* The menu of an undone row offers Redo */
  inspector_timeline_popup_menu (f->timeline);
  {
    GtkWidget *popover = find_widget (GTK_WIDGET (f->timeline), GTK_TYPE_POPOVER_MENU, NULL,
                                      NULL);
    GMenuModel *model = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover));
    GMenuModel *section = g_menu_model_get_item_link (model, 0, G_MENU_LINK_SECTION);
    g_autofree char *action = NULL;

    g_assert_true (gtk_widget_get_visible (popover));
    g_assert_true (g_menu_model_get_item_attribute (section, 0, G_MENU_ATTRIBUTE_ACTION, "s",
                                                    &action));
    g_assert_cmpstr (action, ==, "timeline.redo-message");
    gtk_popover_popdown (GTK_POPOVER (popover));
    g_object_unref (section);
  }

  /* Redo: a meta.redo, and the row is back */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.redo-message", "s", target);
  g_assert_true (meta_targets (meta, "meta.redo", target));
  row = inspector_timeline_get_row_widget (f->timeline, target);
  g_assert_nonnull (row);
  g_assert_false (gtk_widget_has_css_class (row, "undone"));
  g_assert_cmpfloat (gtk_widget_get_opacity (row), ==, 1);

  /* Scrubbed to between the undo and the redo, the row shows it undone then; to before the
   * undo, not; back to live, as it is now */
  {
    guint n = vrtc_store_get_journal_length (f->store);

    inspector_timeline_set_history_position (f->timeline, n - 2);
    g_assert_true (inspector_timeline_select_message (f->timeline, target));
    g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, n - 2);
    WAIT_UNTIL ((row = inspector_timeline_get_row_widget (f->timeline, target)) != NULL);
    g_assert_true (gtk_widget_has_css_class (row, "undone"));
    inspector_timeline_set_history_position (f->timeline, n - 3);
    g_assert_true (inspector_timeline_select_message (f->timeline, target));
    WAIT_UNTIL ((row = inspector_timeline_get_row_widget (f->timeline, target)) != NULL);
    g_assert_false (gtk_widget_has_css_class (row, "undone"));
    inspector_timeline_set_history_position (f->timeline, n - 2);
    g_assert_true (inspector_timeline_select_message (f->timeline, target));
    WAIT_UNTIL ((row = inspector_timeline_get_row_widget (f->timeline, target)) != NULL);
    g_assert_true (gtk_widget_has_css_class (row, "undone"));
    inspector_timeline_set_history_position (f->timeline, -1);
    g_assert_true (inspector_timeline_select_message (f->timeline, target));
    WAIT_UNTIL ((row = inspector_timeline_get_row_widget (f->timeline, target)) != NULL);
    g_assert_false (gtk_widget_has_css_class (row, "undone"));
  }

  /* An unknown message: no commit, a message for a toast */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.undo-message", "s", "nobody:1");
  g_assert_cmpuint (f->committed.n_messages, ==, 2);
  g_assert_true (has_signal (f, "message Could not undo nobody:1"));

  g_signal_handler_disconnect (f->store, id);
}

static const char *
json_text (TimelineFixture *f)
{
  GtkTextView *view = GTK_TEXT_VIEW (template_child (f, "json_view"));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  static char *text;

  g_free (text);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return text;
}

static gboolean
button_has_label (GtkWidget     *widget,
                  gconstpointer  text)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0;
}

static void
test_details (TimelineFixture *f,
              gconstpointer    data)
{
  GtkWidget *changes = template_child (f, "changes_list");
  GtkStack *stack = GTK_STACK (template_child (f, "details_stack"));
  GtkWidget *button;
  guint n_rows = 0;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  /* Carol's color: one op, in both dialects */
  g_assert_true (inspector_timeline_select_message (f->timeline, id_at (f, 3)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "details");
  g_assert_nonnull (strstr (json_text (f), "\"sessionId\" : \"carol\""));
  g_assert_nonnull (strstr (json_text (f), "\"otype\" : \"color.set\""));
  g_assert_null (strstr (json_text (f), "\"client\""));

  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.dialect", "s", "compact");
  g_assert_nonnull (strstr (json_text (f), "\"client\" : \"carol\""));
  g_assert_nonnull (strstr (json_text (f), "\"ot\" : \"color.set\""));
  g_assert_null (strstr (json_text (f), "\"sessionId\""));
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.dialect", "s", "seed");
  g_assert_nonnull (strstr (json_text (f), "\"sessionId\""));

  for (GtkWidget *c = gtk_widget_get_first_child (changes); c; c = gtk_widget_get_next_sibling (c))
    n_rows++;
  g_assert_cmpuint (n_rows, ==, 1);
  g_assert_nonnull (find_widget (changes, GTK_TYPE_LABEL, label_has_text, "color"));
  g_assert_nonnull (find_widget (changes, GTK_TYPE_LABEL, label_has_text, "color.set"));
  g_assert_nonnull (find_widget (changes, GTK_TYPE_LABEL, label_has_text, "\"#000000\""));

  /* The node key is a link to the node */
  button = find_widget (changes, GTK_TYPE_BUTTON, button_has_label, "cube-1");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (has_signal (f, "node-activated cube-1"));

  /* The scene: one row per op */
  g_assert_true (inspector_timeline_select_message (f->timeline, id_at (f, 0)));
  n_rows = 0;
  for (GtkWidget *c = gtk_widget_get_first_child (changes); c; c = gtk_widget_get_next_sibling (c))
    n_rows++;
  g_assert_cmpuint (n_rows, ==, 4);
  g_assert_nonnull (find_widget (changes, GTK_TYPE_BUTTON, button_has_label, "lamp"));
  g_assert_nonnull (find_widget (changes, GTK_TYPE_LABEL, label_has_text, "PointLight under scene"));

  /* Compare: with live, and with the selected message */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.compare-with-live", "s",
                              id_at (f, 5));
  g_assert_true (has_signal (f, "diff-requested 5 -1"));
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.compare-with-selected", "s",
                              id_at (f, 9));
  g_assert_true (has_signal (f, "diff-requested 0 9"));

  /* An unknown message selects nothing */
  g_assert_false (inspector_timeline_select_message (f->timeline, "nobody:1"));
}

static void
test_select_clears_filter (TimelineFixture *f,
                           gconstpointer    data)
{
  inspector_timeline_set_filter (f->timeline, "bob", NULL, NULL);
  wait_filtered (f);

  /* Provenance asks for a message the filter hides: the filter goes */
  g_assert_true (inspector_timeline_select_message (f->timeline, id_at (f, 1)));
  g_assert_cmpstr (inspector_timeline_get_filter_text (f->timeline), ==, "");
  g_assert_cmpstr (vrtc_journal_entry_get_message_id (
                     inspector_timeline_get_selected_entry (f->timeline)), ==, id_at (f, 1));
}

static void
test_marks (TimelineFixture *f,
            gconstpointer    data)
{
  const char *lost[] = { id_at (f, 3), id_at (f, 6), NULL };
  GtkWidget *row;

  inspector_timeline_mark_messages (f->timeline, lost, "lost");
  row = inspector_timeline_get_row_widget (f->timeline, id_at (f, 3));
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_has_css_class (row, "lost"));
  g_assert_nonnull (find_widget (row, GTK_TYPE_LABEL, label_has_text, "lost"));
  g_assert_false (gtk_widget_has_css_class (inspector_timeline_get_row_widget (f->timeline,
                                                                               id_at (f, 4)),
                                            "lost"));

  inspector_timeline_mark_messages (f->timeline, NULL, "lost");
  g_assert_false (gtk_widget_has_css_class (row, "lost"));
}

static void
test_peers (TimelineFixture *f,
            gconstpointer    data)
{
  InspectorPeers *peers = inspector_timeline_get_peers (f->timeline);
  const char *sessions[] = { "alice", "bob", "carol" };
  guint expected[] = { N_ROUNDS + 1, N_ROUNDS, N_ROUNDS };
  g_autoptr(VrtcMessage) late = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = NULL;
  guint n = 0;

  WAIT_UNTIL (!inspector_peers_get_busy (peers));
  g_assert_cmpuint (inspector_peers_get_n_sessions (peers), ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      double last_seen = 0;
      gint64 clock = -1;

      g_assert_true (inspector_peers_lookup (peers, sessions[i], &n, &last_seen, &clock));
      g_assert_cmpuint (n, ==, expected[i]);
      g_assert_cmpint (clock, ==, expected[i]);
      g_assert_cmpfloat (last_seen, >, 1700000000000.0);
    }

  /* Colors: stable, from the palette, the chip's class matches the timeline's */
  g_assert_cmpstr (inspector_session_color ("bob"), ==, inspector_session_color ("bob"));
  g_assert_true (inspector_session_color ("alice")[0] == '#');
  g_assert_cmpuint (strlen (inspector_session_color ("carol")), ==, 7);

  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.view", "s", "peers");
  WAIT_UNTIL (inspector_peers_get_row_widget (peers, "bob") != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      GtkWidget *chip = inspector_peers_get_row_widget (peers, sessions[i]);
      GtkWidget *dot = gtk_widget_get_first_child (chip);

      g_assert_true (gtk_widget_has_css_class (dot, inspector_session_color_class (sessions[i])));
      g_assert_nonnull (find_widget (chip, GTK_TYPE_INSCRIPTION, shows_text, sessions[i]));
    }

  /* Incremental: one more message from bob */
  op = vrtc_operation_new ("lamp", "number.set", "intensity", "7", &error);
  g_assert_no_error (error);
  vrtc_store_edit (f->bob, op);
  late = commit (f->bob);
  deliver (f->store, late);
  WAIT_UNTIL (inspector_peers_lookup (peers, "bob", &n, NULL, NULL) && n == N_ROUNDS + 1);

  /* Activating a session filters the messages by it */
  g_signal_emit_by_name (peers, "session-activated", "carol");
  g_assert_cmpstr (inspector_timeline_get_filter_text (f->timeline), ==, "session:carol");
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, N_ROUNDS);
}

static void
test_compact (TimelineFixture *f,
              gconstpointer    data)
{
  g_autoptr(GPtrArray) unacked = NULL;
  GtkWidget *button = template_child (f, "compact_now_button");
  GtkListBox *list = GTK_LIST_BOX (template_child (f, "snapshots_list"));
  GtkWidget *row;

  /* alice's own messages are not acknowledged: nothing can be folded */
  g_assert_false (gtk_widget_is_sensitive (button));
  g_assert_nonnull (strstr (inspector_get_tooltip_text (button), "acknowledged"));

  /* Undo message 20 and acknowledge everything: the fold stops at the undone one */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.undo-message", "s",
                              id_at (f, 20));
  unacked = vrtc_store_get_unacked (f->store);
  for (guint i = 0; i < unacked->len; i++)
    vrtc_store_ack (f->store, vrtc_message_get_id (g_ptr_array_index (unacked, i)));
  drain ();
  g_assert_true (gtk_widget_is_sensitive (button));

  inspector_timeline_set_history_position (f->timeline, 25);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.compact", NULL);
  g_assert_true (has_signal (f, "message Folded 20 messages"));
  g_assert_cmpuint (vrtc_store_get_journal_offset (f->store), ==, 20);
  g_assert_cmpuint (n_shown (f), ==, 2 + 3 * N_ROUNDS - 20);
  /* The position follows its entry */
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, 5);

  /* Rows keep their absolute numbers */
  WAIT_UNTIL (inspector_timeline_get_row_widget (f->timeline, id_at (f, 20)) != NULL);

  /* The snapshot is listed, and opens */
  gtk_menu_button_popup (GTK_MENU_BUTTON (template_child (f, "snapshots_button")));
  row = gtk_widget_get_first_child (GTK_WIDGET (list));
  g_assert_nonnull (row);
  g_assert_nonnull (find_widget (row, GTK_TYPE_LABEL, label_has_text, "Snapshot at 20 (folded)"));
  g_signal_emit_by_name (find_widget (row, GTK_TYPE_BUTTON, NULL, NULL), "clicked");
  g_assert_true (has_signal (f, "open-snapshot"));

  /* Redo 20 and acknowledge all: everything folds, and a folded position goes live */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.redo-message", "s",
                              id_at (f, 20));
  g_clear_pointer (&unacked, g_ptr_array_unref);
  unacked = vrtc_store_get_unacked (f->store);
  for (guint i = 0; i < unacked->len; i++)
    vrtc_store_ack (f->store, vrtc_message_get_id (g_ptr_array_index (unacked, i)));
  inspector_timeline_set_history_position (f->timeline, 2);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.compact", NULL);
  g_assert_cmpuint (n_shown (f), ==, 0);
  g_assert_cmpint (inspector_timeline_get_history_position (f->timeline), ==, -1);
  g_assert_true (has_signal (f, "message Back to live"));
  drain ();
  g_assert_false (gtk_widget_is_sensitive (button));
}

/* 20,000 messages: binding, filtering and scrolling touch only what is shown. */
static void
test_long_journal (TimelineFixture *f,
                   gconstpointer    data)
{
  g_autoptr(VrtcStore) big = new_store ("bulk");
  g_autoptr(GTimer) timer = g_timer_new ();
  const guint n = 20000;
  g_autofree char *last_id = NULL;
  g_autofree char *far_id = NULL;
  GtkWidget *row;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("n%u", i % 100);
      g_autofree char *value = g_strdup_printf ("%u", i);
      g_autoptr(GError) error = NULL;
      g_autoptr(VrtcOperation) op = vrtc_operation_new (key, "number.set", "x", value, &error);
      g_autoptr(VrtcMessage) message = NULL;

      vrtc_store_set_fixed_time (big, 1700000000000.0 + i);
      vrtc_store_edit (big, op);
      message = commit (big);
      if (i == n - 10)
        last_id = g_strdup (vrtc_message_get_id (message));
    }
  g_test_message ("built %u messages in %.2f s", n, g_timer_elapsed (timer, NULL));

  g_timer_start (timer);
  inspector_timeline_set_store (f->timeline, big);
  WAIT_UNTIL (n_shown (f) == n);
  drain ();
  g_test_message ("bound in %.3f s", g_timer_elapsed (timer, NULL));

  g_timer_start (timer);
  inspector_timeline_set_filter (f->timeline, NULL, "n7", NULL);
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, n / 100);
  g_assert_cmpuint (inspector_timeline_get_n_hidden (f->timeline), ==, n - n / 100);
  g_test_message ("filtered in %.3f s", g_timer_elapsed (timer, NULL));

  g_timer_start (timer);
  inspector_timeline_set_filter (f->timeline, NULL, NULL, NULL);
  wait_filtered (f);
  g_assert_cmpuint (n_shown (f), ==, n);
  g_assert_true (inspector_timeline_select_message (f->timeline, last_id));
  WAIT_UNTIL (inspector_timeline_get_row_widget (f->timeline, last_id) != NULL);
  /* While the position moves, the list and the details stay; they follow once the
   * position rests. */
  {
    gint64 moved;

    inspector_timeline_set_history_position (f->timeline, n / 4);
    drain ();
    inspector_timeline_set_history_position (f->timeline, n / 2);
    moved = g_get_monotonic_time ();
    drain ();
    far_id = g_strdup (vrtc_journal_entry_get_message_id (
      inspector_timeline_get_selected_entry (f->timeline)));
    if (g_get_monotonic_time () - moved < 100 * 1000)
      {
        g_assert_null (inspector_timeline_get_row_widget (f->timeline, far_id));
        g_assert_null (strstr (json_text (f), far_id));
      }
    else
      {
        g_test_message ("too slow to see the list wait");
      }
    WAIT_UNTIL (strstr (json_text (f), far_id) != NULL);
  }
  row = NULL;
  WAIT_UNTIL ((row = inspector_timeline_get_row_widget (f->timeline,
                                                        vrtc_journal_entry_get_message_id (
                                                          inspector_timeline_get_selected_entry (
                                                            f->timeline)))) != NULL);
  g_assert_cmpuint (vrtc_journal_entry_get_position (
                      inspector_timeline_get_selected_entry (f->timeline)), ==, n / 2);
  g_test_message ("scrolled in %.3f s", g_timer_elapsed (timer, NULL));

  WAIT_UNTIL (!inspector_peers_get_busy (inspector_timeline_get_peers (f->timeline)));
  g_assert_true (inspector_peers_lookup (inspector_timeline_get_peers (f->timeline), "bulk",
                                         &(guint) { 0 }, NULL, NULL));
  inspector_timeline_set_store (f->timeline, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run under xvfb-run -a\n");
      return 0;
    }
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/inspector/timeline/" path, TimelineFixture, NULL, timeline_set_up, func, \
              timeline_tear_down)

  ADD ("rows", test_rows);
  ADD ("filter", test_filter);
  ADD ("history", test_history);
  ADD ("history-step-rows", test_history_step_rows);
  ADD ("undo", test_undo);
  ADD ("details", test_details);
  ADD ("select-clears-filter", test_select_clears_filter);
  ADD ("marks", test_marks);
  ADD ("peers", test_peers);
  ADD ("compact", test_compact);
  ADD ("long-journal", test_long_journal);

  return g_test_run ();
}
