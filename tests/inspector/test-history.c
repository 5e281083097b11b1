/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "inspector-window-private.h"
#include "widget-test-helpers.h"

/*
 * History in the real window: a local session (the sample scene, 4 messages from the
 * session "sample") to which bob sends 26 more, then alice (the window's own session) and
 * bob write the cube's label concurrently. Positions are journal model positions:
 *
 *   0-3    the sample scene; the cube at [-0.4,0.25,0], the ball on the table
 *   4      bob: the scene's label "bob was here"
 *   5+i    bob: cube position [i,0,0], i = 0..24; at i = 10 (position 15) also the chair
 *          inserted under the table, at i = 20 (position 25) the ball removed
 *   30     alice: cube label "from alice"
 *   31     bob, concurrently: cube label "from bob"
 */

typedef struct
{
  InspectorWindow *window;
  VrtcStore       *store;     /* live, the window's */
  VrtcStore       *bob;
  char            *alice_label_id;
  char            *bob_label_id;
} HistoryFixture;

static void
send_from_bob (HistoryFixture *f,
               const char     *json)
{
  g_autoptr(VrtcMessage) message = NULL;

  edit_json (f->bob, json);
  message = commit (f->bob);
  deliver (f->store, message);
}

static void
history_set_up (HistoryFixture *f,
                gconstpointer   data)
{
  g_autoptr(InspectorSession) session = inspector_session_new_local ();
  GListModel *journal;
  g_autoptr(VrtcMessage) alice = NULL;
  g_autoptr(VrtcMessage) bob = NULL;

  f->window = inspector_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  inspector_window_set_session (f->window, session);
  f->store = inspector_session_get_store (session);
  g_assert_nonnull (f->window->timeline);

  f->bob = new_store ("bob");
  journal = vrtc_store_get_journal (f->store);
  for (guint i = 0; i < g_list_model_get_n_items (journal); i++)
    {
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (journal, i);

      deliver (f->bob, vrtc_journal_entry_get_message (entry));
    }
  g_assert_cmpuint (vrtc_store_get_journal_length (f->store), ==, 4);
  send_from_bob (f, "{\"key\":\"scene\",\"otype\":\"string.set\",\"path\":\"label\","
                    "\"value\":\"bob was here\"}");

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"key\":\"cube\",\"otype\":\"vector3.set\",\"path\":\"position\","
        "\"value\":[%u,0,0]}", i);

      edit_json (f->bob, json);
      if (i == 10)
        edit_json (f->bob, "{\"key\":\"chair\",\"otype\":\"node.insert\",\"path\":\"\","
                           "\"tag\":\"Mesh\",\"name\":\"Chair\",\"parentKey\":\"table\","
                           "\"value\":{\"position\":[1,0,1]}}");
      if (i == 20)
        edit_json (f->bob, "{\"key\":\"ball\",\"otype\":\"node.remove\",\"path\":\"\"}");
      {
        g_autoptr(VrtcMessage) message = commit (f->bob);

        deliver (f->store, message);
      }
    }

  /* Concurrent: neither has seen the other's label when writing it. */
  edit_json (f->store, "{\"key\":\"cube\",\"otype\":\"string.set\",\"path\":\"label\","
                       "\"value\":\"from alice\"}");
  alice = commit (f->store);
  edit_json (f->bob, "{\"key\":\"cube\",\"otype\":\"string.set\",\"path\":\"label\","
                     "\"value\":\"from bob\"}");
  bob = commit (f->bob);
  deliver (f->store, bob);
  f->alice_label_id = g_strdup (vrtc_message_get_id (alice));
  f->bob_label_id = g_strdup (vrtc_message_get_id (bob));

  g_assert_cmpuint (vrtc_store_get_journal_length (f->store), ==, 32);
  drain ();
  g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "cube");
}

static void
history_tear_down (HistoryFixture *f,
                   gconstpointer   data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  drain ();
  g_clear_object (&f->bob);
  g_free (f->alice_label_id);
  g_free (f->bob_label_id);
}

/* Helpers */

static VrtcStore *
shown_store (HistoryFixture *f)
{
  return inspector_scene_tree_get_store (f->window->scene_tree);
}

static double
row_component (HistoryFixture *f,
               const char     *path,
               guint           index)
{
  InspectorPropertyRow *row = inspector_property_editor_get_row (f->window->property_editor,
                                                                 path);
  GtkWidget *spin;

  g_assert_nonnull (row);
  spin = inspector_property_row_get_component (row, index);
  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  return gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin));
}

static const char *
row_text (HistoryFixture *f,
          const char     *path)
{
  InspectorPropertyRow *row = inspector_property_editor_get_row (f->window->property_editor,
                                                                 path);

  g_assert_nonnull (row);
  return gtk_editable_get_text (GTK_EDITABLE (inspector_property_row_get_component (row, 0)));
}

static gboolean
property_is_json (VrtcStore  *store,
                  const char *key,
                  const char *path,
                  const char *json)
{
  g_autofree char *value = property_json (store, key, path);

  return g_strcmp0 (value, json) == 0;
}

static gboolean
banner_says (HistoryFixture *f,
             const char     *text)
{
  return gtk_revealer_get_reveal_child (f->window->history_revealer) &&
         strstr (gtk_label_get_label (f->window->history_label), text) != NULL;
}

/* Activates the window's own shortcut for a key, as pressing it would. */
static gboolean
press (GtkWidget       *widget,
       guint            keyval,
       GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }

  return FALSE;
}

static void
go_to (HistoryFixture *f,
       int             position)
{
  inspector_timeline_set_history_position (f->window->timeline, position);
  drain ();
}

/* Tests */

static void
test_scrub (HistoryFixture *f,
            gconstpointer   data)
{
  g_autoptr(VrtcStore) expected = vrtc_store_get_state_at (f->store, 9);
  g_autofree char *expected_position = property_json (expected, "cube", "position");
  g_autofree char *shown_position = NULL;
  InspectorPropertyRow *row;
  GtkWidget *spin;

  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (f->window->undo_button)));
  g_assert_false (gtk_revealer_get_reveal_child (f->window->history_revealer));
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 24);

  go_to (f, 9);

  /* The tree and the editor show the state after position 9, read-only. */
  g_assert_true (shown_store (f) != f->store);
  g_assert_true (vrtc_store_get_read_only (shown_store (f)));
  g_assert_true (inspector_property_editor_get_store (f->window->property_editor) ==
                 shown_store (f));
  g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "cube");
  g_assert_cmpstr (expected_position, ==, "[4,0,0]");
  shown_position = property_json (shown_store (f), "cube", "position");
  g_assert_cmpstr (shown_position, ==, expected_position);
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 4);
  g_assert_cmpstr (row_text (f, "label"), ==, "Red cube");
  g_assert_null (shown_row (f->window->scene_tree, "chair"));
  {
    g_autoptr(GtkTreeListRow) ball = shown_row (f->window->scene_tree, "ball");

    g_assert_nonnull (ball);
  }
  /* Numbered as the timeline numbers them: from 1. The banner is there at once: sliding
   * in, it would lay the whole window out again on each frame while the scale is dragged. */
  g_assert_true (banner_says (f, "position 10 of 32"));
  g_assert_true (gtk_revealer_get_child_revealed (f->window->history_revealer));

  /* Edits are refused: undo, the editors, the tree's menu. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (f->window->undo_button)));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.undo", NULL);
  row = inspector_property_editor_get_row (f->window->property_editor, "position");
  g_assert_true (inspector_property_row_get_read_only (row));
  spin = inspector_property_row_get_component (row, 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 7);
  drain ();
  g_assert_cmpuint (vrtc_store_get_pending_count (f->store), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (f->window->scene_tree), "tree.add-child", NULL);
  drain ();
  g_assert_cmpuint (vrtc_store_get_journal_length (f->store), ==, 32);
  g_assert_cmpuint (vrtc_store_get_pending_count (f->store), ==, 0);
  g_assert_true (property_is_json (f->store, "cube", "position", "[24,0,0]"));

  /* Another position: the same node stays picked. */
  go_to (f, 20);
  g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "cube");
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 15);
  {
    g_autoptr(GtkTreeListRow) chair = shown_row (f->window->scene_tree, "chair");

    g_assert_nonnull (chair);
  }
  go_to (f, 9);

  /* A live message meanwhile: the view stays, the live store takes it, the range grows. */
  send_from_bob (f, "{\"key\":\"cube\",\"otype\":\"vector3.set\",\"path\":\"position\","
                    "\"value\":[99,0,0]}");
  drain ();
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 4);
  g_assert_true (property_is_json (f->store, "cube", "position", "[99,0,0]"));
  g_assert_cmpuint (vrtc_store_get_journal_length (f->store), ==, 33);
  g_assert_cmpint (inspector_timeline_get_history_position (f->window->timeline), ==, 9);
  g_assert_true (banner_says (f, "position 10 of 33"));

  /* Escape returns to live, with the newest values. */
  g_assert_true (press (GTK_WIDGET (f->window), GDK_KEY_Escape, 0));
  drain ();
  g_assert_true (shown_store (f) == f->store);
  g_assert_false (gtk_revealer_get_reveal_child (f->window->history_revealer));
  g_assert_false (gtk_revealer_get_child_revealed (f->window->history_revealer));
  /* Gone, and its room with it. */
  WAIT_UNTIL (gtk_widget_get_height (GTK_WIDGET (f->window->history_revealer)) == 0);
  g_assert_cmpint (inspector_timeline_get_history_position (f->window->timeline), ==, -1);
  g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "cube");
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 99);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (f->window->undo_button)));
  g_assert_false (inspector_property_row_get_read_only (
    inspector_property_editor_get_row (f->window->property_editor, "position")));
  {
    g_autoptr(GtkTreeListRow) chair = shown_row (f->window->scene_tree, "chair");

    g_assert_nonnull (chair);
  }

  /* Escape when live leaves the window as it is. */
  g_assert_false (press (GTK_WIDGET (f->window), GDK_KEY_Escape, 0));

  /* And the banner's button does the same. */
  go_to (f, 3);
  g_assert_true (banner_says (f, "position 4 of 33"));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (f->window->live_button)));
  g_signal_emit_by_name (f->window->live_button, "clicked");
  drain ();
  g_assert_true (shown_store (f) == f->store);
  g_assert_cmpint (inspector_timeline_get_history_position (f->window->timeline), ==, -1);
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 99);
}

static void
test_expansion_kept (HistoryFixture *f,
                     gconstpointer   data)
{
  g_autoptr(GtkTreeListRow) world = shown_row (f->window->scene_tree, "world");

  /* Collapse the world: the next state opens the same way, nothing selected inside. */
  inspector_scene_tree_select_key (f->window->scene_tree, "key-light");
  gtk_tree_list_row_set_expanded (world, FALSE);
  drain ();
  go_to (f, 12);
  {
    g_autoptr(GtkTreeListRow) row = shown_row (f->window->scene_tree, "world");

    g_assert_nonnull (row);
    g_assert_false (gtk_tree_list_row_get_expanded (row));
    g_assert_null (shown_row (f->window->scene_tree, "table"));
  }
  g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "key-light");

  /* A node that does not exist at a position is picked again where it does. */
  go_to (f, 20);
  g_assert_true (inspector_scene_tree_select_key (f->window->scene_tree, "chair"));
  drain ();
  go_to (f, 12);
  g_assert_null (inspector_scene_tree_get_selected_node (f->window->scene_tree));
  g_assert_null (inspector_property_editor_get_node (f->window->property_editor));
  go_to (f, 16);
  g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "chair");
  g_assert_true (inspector_property_editor_get_node (f->window->property_editor) ==
                 vrtc_store_get_node (shown_store (f), "chair"));
}

/* Picking again the node shown, in the state of another position, leaves the tree where it
 * was: scrolling to a row on screen anchored the list on it before its rows were laid out
 * again, and left the top row cut in half. */
static void
test_tree_stays (HistoryFixture *f,
                 gconstpointer   data)
{
  GtkWidget *list = find_widget (GTK_WIDGET (f->window->scene_tree), GTK_TYPE_LIST_VIEW,
                                 NULL, NULL);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  GtkWidget *row;

  /* The journal open, the tree has fewer rows than its scene. */
  g_object_set (f->window, "show-journal", TRUE, NULL);
  WAIT_UNTIL (gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment));
  g_assert_true (inspector_scene_tree_select_key (f->window->scene_tree, "cube"));
  WAIT_UNTIL ((row = inspector_scene_tree_get_row_widget (f->window->scene_tree, "cube")) &&
              gtk_widget_get_mapped (row));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);

  for (int position = 5; position < 20; position += 7)
    {
      go_to (f, position);
      g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "cube");
      for (int i = 0; i < 3; i++)
        {
          gtk_widget_queue_draw (GTK_WIDGET (f->window));
          WAIT_UNTIL ((row = inspector_scene_tree_get_row_widget (f->window->scene_tree,
                                                                  "cube")) &&
                      gtk_widget_get_mapped (row));
          drain ();
        }
      g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
    }
}

/* A step keeps the rows, their widgets, what is expanded and what is picked, and points
 * them at the values of the past instead of making them again. */
static void
test_step_keeps_rows (HistoryFixture *f,
                      gconstpointer   data)
{
  InspectorSceneTree *tree = f->window->scene_tree;
  g_autoptr(GtkTreeListRow) table = shown_row (tree, "table");
  g_autoptr(GtkTreeListRow) world = shown_row (tree, "world");
  InspectorPropertyRow *position = inspector_property_editor_get_row (f->window->property_editor,
                                                                      "position");
  GtkWidget *table_widget;
  VrtcProperty *property;

  g_assert_nonnull (table);
  g_assert_true (gtk_tree_list_row_get_expanded (table));
  g_assert_nonnull (position);
  WAIT_UNTIL (inspector_scene_tree_get_row_widget (tree, "table") != NULL);
  table_widget = inspector_scene_tree_get_row_widget (tree, "table");

  go_to (f, 20);
  {
    g_autoptr(GtkTreeListRow) table_then = shown_row (tree, "table");
    g_autoptr(GtkTreeListRow) world_then = shown_row (tree, "world");
    g_autoptr(GtkTreeListRow) chair = shown_row (tree, "chair");

    /* The same rows, still open; the chair, new in this state, under the table. */
    g_assert_true (table_then == table);
    g_assert_true (world_then == world);
    g_assert_true (gtk_tree_list_row_get_expanded (table));
    g_assert_nonnull (chair);
    g_assert_cmpuint (gtk_tree_list_row_get_depth (chair), ==,
                      gtk_tree_list_row_get_depth (table) + 1);
  }
  g_assert_cmpstr (selected_key (tree), ==, "cube");
  g_assert_true (inspector_scene_tree_get_selected_node (tree) ==
                 vrtc_store_get_node (shown_store (f), "cube"));
  WAIT_UNTIL (inspector_scene_tree_get_row_widget (tree, "table") != NULL);
  g_assert_true (inspector_scene_tree_get_row_widget (tree, "table") == table_widget);

  /* The property row is the same widget, showing the value of then, from the view. */
  g_assert_true (inspector_property_editor_get_row (f->window->property_editor, "position") ==
                 position);
  property = inspector_property_row_get_property (position);
  g_assert_true (vrtc_property_get_node (property) ==
                 vrtc_store_get_node (shown_store (f), "cube"));
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 15);
  g_assert_true (inspector_property_row_get_read_only (position));

  /* Further back: the chair goes, the rest stays. */
  go_to (f, 9);
  g_assert_null (shown_row (tree, "chair"));
  {
    g_autoptr(GtkTreeListRow) table_then = shown_row (tree, "table");

    g_assert_true (table_then == table);
  }
  g_assert_cmpstr (selected_key (tree), ==, "cube");
  g_assert_true (inspector_property_editor_get_row (f->window->property_editor, "position") ==
                 position);
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 4);
  g_assert_cmpstr (row_text (f, "label"), ==, "Red cube");

  /* After the ball was removed, and back to live: the same rows again, editable. */
  go_to (f, 28);
  g_assert_null (shown_row (tree, "ball"));
  go_to (f, -1);
  g_assert_true (shown_store (f) == f->store);
  {
    g_autoptr(GtkTreeListRow) table_now = shown_row (tree, "table");

    g_assert_true (table_now == table);
  }
  g_assert_nonnull (shown_row (tree, "chair"));
  g_assert_true (inspector_property_editor_get_row (f->window->property_editor, "position") ==
                 position);
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 24);
  g_assert_false (inspector_property_row_get_read_only (position));
  g_assert_true (vrtc_property_get_node (inspector_property_row_get_property (position)) ==
                 vrtc_store_get_node (f->store, "cube"));
}

/* Scrubbing moves one view of history: no store is made per step, the tree's and the
 * editor's objects read each new position, and a comparison keeps its own states. */
static void
test_one_view (HistoryFixture *f,
               gconstpointer   data)
{
  InspectorSceneTree *tree = f->window->scene_tree;
  VrtcStore *view;
  VrtcNode *cube;
  VrtcProperty *property;
  InspectorDiff *diff;

  go_to (f, 5);
  view = shown_store (f);
  g_assert_true (vrtc_store_get_read_only (view));
  g_assert_cmpuint (vrtc_store_get_history_position (view), ==, 5);
  cube = inspector_scene_tree_get_selected_node (tree);
  g_assert_cmpstr (vrtc_node_get_key (cube), ==, "cube");
  property = inspector_property_row_get_property (
    inspector_property_editor_get_row (f->window->property_editor, "position"));
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 0);

  for (int position = 6; position < 31; position += 3)
    {
      g_autoptr(VrtcStore) expected = vrtc_store_get_state_at (f->store, position);
      g_autofree char *json = property_json (expected, "cube", "position");
      g_autoptr(GtkTreeListRow) chair = NULL;
      g_autoptr(GtkTreeListRow) ball = NULL;

      go_to (f, position);
      g_assert_true (shown_store (f) == view);
      g_assert_true (inspector_property_editor_get_store (f->window->property_editor) == view);
      g_assert_cmpuint (vrtc_store_get_history_position (view), ==, position);
      g_assert_true (inspector_scene_tree_get_selected_node (tree) == cube);
      g_assert_true (inspector_property_row_get_property (
        inspector_property_editor_get_row (f->window->property_editor, "position")) == property);
      g_assert_cmpstr (vrtc_property_get_value_json (property), ==, json);
      chair = shown_row (tree, "chair");
      ball = shown_row (tree, "ball");
      g_assert_cmpint (chair != NULL, ==, position >= 15);
      g_assert_cmpint (ball != NULL, ==, position < 25);
    }

  /* The comparison with live is of the position of then, whatever the scale does next. */
  go_to (f, 9);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.diff", NULL);
  drain ();
  diff = inspector_diff_view_get_diff (f->window->diff_view);
  g_assert_true (inspector_diff_get_old_store (diff) != view);
  go_to (f, 20);
  g_assert_cmpuint (vrtc_store_get_history_position (inspector_diff_get_old_store (diff)), ==, 9);

  /* Live drops the view; history again makes one. */
  go_to (f, -1);
  g_assert_true (shown_store (f) == f->store);
  g_assert_null (f->window->history_store);
  go_to (f, 12);
  g_assert_true (vrtc_store_get_read_only (shown_store (f)));
  g_assert_cmpuint (vrtc_store_get_history_position (shown_store (f)), ==, 12);
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 7);
}

static void
test_diff (HistoryFixture *f,
           gconstpointer   data)
{
  g_autofree char *winner = property_json (f->store, "cube", "label");
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  InspectorDiff *diff;

  /* Ctrl+D compares the position shown with live. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.diff", NULL);
  drain ();
  g_assert_false (gtk_revealer_get_reveal_child (f->window->diff_revealer));
  go_to (f, 9);
  g_assert_true (press (GTK_WIDGET (f->window), GDK_KEY_d, GDK_CONTROL_MASK));
  drain ();
  g_assert_true (gtk_revealer_get_reveal_child (f->window->diff_revealer));
  diff = inspector_diff_view_get_diff (f->window->diff_view);
  g_assert_nonnull (diff);
  g_assert_true (g_str_equal (winner, "\"from alice\"") || g_str_equal (winner, "\"from bob\""));
  expected = g_strdup_printf ("+ chair\n"
                              "- ball\n"
                              "~ cube label: \"Red cube\" -> %s\n"
                              "~ cube position: [4,0,0] -> [24,0,0]\n", winner);
  text = inspector_diff_to_string (diff);
  g_assert_cmpstr (text, ==, expected);
  {
    g_autofree char *range = inspector_diff_view_dup_range_text (f->window->diff_view);

    g_assert_cmpstr (range, ==, "Position 10 → Live");
  }

  /* A removed node is shown where it still was. */
  go_to (f, 30);
  inspector_diff_view_activate_item (f->window->diff_view, 1);
  drain ();
  g_assert_cmpint (f->window->view_mode, ==, INSPECTOR_VIEW_HISTORY);
  g_assert_cmpint (inspector_timeline_get_history_position (f->window->timeline), ==, 9);
  g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "ball");

  /* An added one, and a change, in the later state: here live. */
  inspector_diff_view_activate_item (f->window->diff_view, 0);
  drain ();
  g_assert_cmpint (f->window->view_mode, ==, INSPECTOR_VIEW_LIVE);
  g_assert_true (shown_store (f) == f->store);
  g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "chair");
  inspector_diff_view_activate_item (f->window->diff_view, 3);
  drain ();
  g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "cube");
  g_assert_true (inspector_property_row_get_flashing (
    inspector_property_editor_get_row (f->window->property_editor, "position")));

  /* Two positions from the timeline, in either order. */
  g_signal_emit_by_name (f->window->timeline, "diff-requested", 15, 5);
  drain ();
  diff = inspector_diff_view_get_diff (f->window->diff_view);
  g_clear_pointer (&text, g_free);
  text = inspector_diff_to_string (diff);
  g_assert_cmpstr (text, ==,
                   "+ chair\n"
                   "~ cube position: [0,0,0] -> [10,0,0]\n");
  {
    g_autofree char *range = inspector_diff_view_dup_range_text (f->window->diff_view);

    g_assert_cmpstr (range, ==, "Position 6 → Position 16");
  }

  /* Identical states: nothing listed. */
  g_signal_emit_by_name (f->window->timeline, "diff-requested", 31, -1);
  drain ();
  g_assert_cmpuint (g_list_model_get_n_items (
    G_LIST_MODEL (inspector_diff_view_get_diff (f->window->diff_view))), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window->diff_view), "diff.close",
                                             NULL));
  drain ();
  g_assert_false (gtk_revealer_get_reveal_child (f->window->diff_revealer));
  g_assert_null (inspector_diff_view_get_diff (f->window->diff_view));
}

static void
test_snapshot (HistoryFixture *f,
               gconstpointer   data)
{
  g_autoptr(GPtrArray) unacked = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *shown = NULL;

  /* Nothing folded yet: the window says so and stays live. */
  g_signal_emit_by_name (f->window->timeline, "open-snapshot");
  drain ();
  g_assert_cmpint (f->window->view_mode, ==, INSPECTOR_VIEW_LIVE);

  /* The relay would ack alice's message; then everything folds. */
  unacked = vrtc_store_get_unacked (f->store);
  for (guint i = 0; i < unacked->len; i++)
    vrtc_store_ack (f->store, vrtc_message_get_id (g_ptr_array_index (unacked, i)));
  g_assert_cmpuint (vrtc_store_compact (f->store), ==, 32);
  g_assert_cmpuint (vrtc_store_get_journal_length (f->store), ==, 0);
  folded = vrtc_store_to_json (f->store);
  drain ();

  /* A message after the compaction: the snapshot stays what was folded. */
  send_from_bob (f, "{\"key\":\"cube\",\"otype\":\"vector3.set\",\"path\":\"position\","
                    "\"value\":[77,0,0]}");
  drain ();

  g_signal_emit_by_name (f->window->timeline, "open-snapshot");
  drain ();
  g_assert_cmpint (f->window->view_mode, ==, INSPECTOR_VIEW_SNAPSHOT);
  g_assert_true (shown_store (f) != f->store);
  shown = vrtc_store_to_json (shown_store (f));
  g_assert_cmpstr (shown, ==, folded);
  g_assert_true (banner_says (f, "32 messages folded together"));
  g_assert_cmpstr (selected_key (f->window->scene_tree), ==, "cube");
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 24);
  g_assert_true (inspector_scene_tree_get_read_only (f->window->scene_tree));
  g_assert_true (inspector_property_row_get_read_only (
    inspector_property_editor_get_row (f->window->property_editor, "position")));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (f->window->undo_button)));
  gtk_widget_activate_action (GTK_WIDGET (f->window->scene_tree), "tree.add-child", NULL);
  drain ();
  g_assert_cmpuint (vrtc_store_get_pending_count (shown_store (f)), ==, 0);
  g_assert_cmpuint (vrtc_store_get_journal_length (shown_store (f)), ==, 0);

  /* Compared with live: the one message since. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.diff", NULL));
  drain ();
  {
    g_autofree char *text = inspector_diff_to_string (
      inspector_diff_view_get_diff (f->window->diff_view));
    g_autofree char *range = inspector_diff_view_dup_range_text (f->window->diff_view);

    g_assert_cmpstr (text, ==, "~ cube position: [24,0,0] -> [77,0,0]\n");
    g_assert_cmpstr (range, ==, "Snapshot → Live");
  }

  g_assert_true (press (GTK_WIDGET (f->window), GDK_KEY_Escape, 0));
  drain ();
  g_assert_cmpint (f->window->view_mode, ==, INSPECTOR_VIEW_LIVE);
  g_assert_true (shown_store (f) == f->store);
  g_assert_cmpfloat (row_component (f, "position", 0), ==, 77);
  g_assert_false (inspector_scene_tree_get_read_only (f->window->scene_tree));
}

static GtkWidget *
find_timeline_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && !GTK_IS_MENU_BUTTON (root) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), "Show in _Timeline") == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_timeline_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
show_in_timeline (HistoryFixture *f,
                  const char     *path)
{
  InspectorPropertyRow *row = inspector_property_editor_get_row (f->window->property_editor,
                                                                 path);
  GtkWidget *button = NULL;

  g_assert_nonnull (row);
  inspector_property_row_show_provenance (row);
  WAIT_UNTIL ((button = find_timeline_button (GTK_WIDGET (row))) != NULL &&
              gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  drain ();
}

static const char *
selected_message (HistoryFixture *f)
{
  VrtcJournalEntry *entry = inspector_timeline_get_selected_entry (f->window->timeline);

  return entry ? vrtc_journal_entry_get_message_id (entry) : NULL;
}

static void
test_provenance (HistoryFixture *f,
                 gconstpointer   data)
{
  g_autofree char *winner = property_json (f->store, "cube", "label");
  const char *winner_id, *lost_id;
  GtkWidget *lost_row = NULL;

  winner_id = g_str_equal (winner, "\"from alice\"") ? f->alice_label_id : f->bob_label_id;
  lost_id = winner_id == f->alice_label_id ? f->bob_label_id : f->alice_label_id;

  g_object_set (f->window, "show-journal", FALSE, NULL);
  show_in_timeline (f, "label");

  /* The journal opens on the winning message; the concurrent write is marked lost. */
  g_assert_true (f->window->show_journal);
  g_assert_cmpstr (selected_message (f), ==, winner_id);
  WAIT_UNTIL ((lost_row = inspector_timeline_get_row_widget (f->window->timeline,
                                                             lost_id)) != NULL &&
              gtk_widget_has_css_class (lost_row, "lost"));
  g_assert_false (gtk_widget_has_css_class (
    inspector_timeline_get_row_widget (f->window->timeline, winner_id), "lost"));

  /* In history, the value shown then: position 9 was written by bob's message there, and
   * nothing concurrent lost to it. */
  go_to (f, 9);
  show_in_timeline (f, "position");
  {
    g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (vrtc_store_get_journal (f->store),
                                                               9);

    g_assert_cmpstr (selected_message (f), ==, vrtc_journal_entry_get_message_id (entry));
  }
  g_assert_false (gtk_widget_has_css_class (
    inspector_timeline_get_row_widget (f->window->timeline, lost_id), "lost"));
}

static void
test_new_session_leaves_history (HistoryFixture *f,
                                 gconstpointer   data)
{
  g_autoptr(InspectorSession) other = inspector_session_new_local ();

  go_to (f, 9);
  g_signal_emit_by_name (f->window->timeline, "diff-requested", 3, 9);
  drain ();
  g_assert_true (gtk_revealer_get_reveal_child (f->window->diff_revealer));

  inspector_window_set_session (f->window, other);
  drain ();
  g_assert_cmpint (f->window->view_mode, ==, INSPECTOR_VIEW_LIVE);
  g_assert_true (shown_store (f) == inspector_session_get_store (other));
  g_assert_false (gtk_revealer_get_reveal_child (f->window->history_revealer));
  g_assert_false (gtk_revealer_get_reveal_child (f->window->diff_revealer));
  g_assert_cmpint (inspector_timeline_get_history_position (f->window->timeline), ==, -1);
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

  g_test_add ("/history/scrub", HistoryFixture, NULL,
              history_set_up, test_scrub, history_tear_down);
  g_test_add ("/history/expansion-kept", HistoryFixture, NULL,
              history_set_up, test_expansion_kept, history_tear_down);
  g_test_add ("/history/tree-stays", HistoryFixture, NULL,
              history_set_up, test_tree_stays, history_tear_down);
  g_test_add ("/history/step-keeps-rows", HistoryFixture, NULL,
              history_set_up, test_step_keeps_rows, history_tear_down);
  g_test_add ("/history/one-view", HistoryFixture, NULL,
              history_set_up, test_one_view, history_tear_down);
  g_test_add ("/history/diff", HistoryFixture, NULL,
              history_set_up, test_diff, history_tear_down);
  g_test_add ("/history/snapshot", HistoryFixture, NULL,
              history_set_up, test_snapshot, history_tear_down);
  g_test_add ("/history/provenance", HistoryFixture, NULL,
              history_set_up, test_provenance, history_tear_down);
  g_test_add ("/history/new-session", HistoryFixture, NULL,
              history_set_up, test_new_session_leaves_history, history_tear_down);

  return g_test_run ();
}
