/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <adwaita.h>

#include "widget-test-helpers.h"

/* The property editor on a real store, in a real window next to the scene tree: rows by
 * value type, the ops that edits and nudges make, commit and cancel, remote changes,
 * validation, read-only mode, provenance and adding properties. */

static InspectorPropertyRow *
row_for (Fixture    *f,
         const char *path)
{
  InspectorPropertyRow *row = inspector_property_editor_get_row (f->editor, path);

  g_assert_nonnull (row);
  return row;
}

static GtkSpinButton *
spin_for (Fixture    *f,
          const char *path,
          guint       index)
{
  GtkWidget *spin = inspector_property_row_get_component (row_for (f, path), index);

  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  return GTK_SPIN_BUTTON (spin);
}

static GtkEditable *
entry_for (Fixture    *f,
           const char *path,
           guint       index)
{
  GtkWidget *entry = inspector_property_row_get_component (row_for (f, path), index);

  g_assert_true (GTK_IS_ENTRY (entry));
  return GTK_EDITABLE (entry);
}

static gboolean
has_css_class (GtkWidget     *widget,
               gconstpointer  name)
{
  return gtk_widget_has_css_class (widget, name);
}

static guint
count_rows (Fixture *f)
{
  guint n = 0;
  GtkWidget *list = find_widget (GTK_WIDGET (f->editor), GTK_TYPE_LIST_BOX, NULL, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (list);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (INSPECTOR_IS_PROPERTY_ROW (child))
      n++;

  return n;
}

static void
select_node (Fixture    *f,
             const char *key)
{
  g_assert_true (inspector_scene_tree_select_key (f->tree, key));
  g_assert_true (inspector_property_editor_get_node (f->editor) ==
                 vrtc_store_get_node (f->store, key));
  drain ();
}

static void
type_into (GtkSpinButton *spin,
           const char    *text)
{
  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  /* Enter in the spin button's text (GtkSpinButton has no ::activate of its own in 4.8). */
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (spin)), "activate");
}

static void
commit_editor (Fixture *f)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.commit", NULL));
  g_assert_false (vrtc_store_has_pending_edits (f->store));
}

static const char *
committed_op (Fixture *f,
              guint    i)
{
  g_assert_cmpuint (i, <, f->committed.ops->len);
  return g_ptr_array_index (f->committed.ops, i);
}

static void
assert_property (Fixture    *f,
                 const char *key,
                 const char *path,
                 const char *expected)
{
  g_autofree char *json = property_json (f->store, key, path);

  g_assert_cmpstr (json, ==, expected);
}

static void
test_rows (Fixture       *f,
           gconstpointer  data)
{
  static const struct {
    const char *path;
    const char *kind;
  } expected[] = {
    { "color", "color" }, { "label", "string" }, { "meta", "object" },
    { "position", "vector3" }, { "quat", "quaternion" }, { "rotation", "euler" },
    { "size", "number" }, { "tags", "array" }, { "visible", "boolean" },
  };
  GtkWidget *color_button;
  GdkRGBA rgba;

  /* Nothing selected: an empty page. */
  g_assert_nonnull (find_widget (GTK_WIDGET (f->editor), GTK_TYPE_LABEL, label_has_text,
                                 "No Node Selected"));

  select_node (f, "cube-1");
  g_assert_cmpuint (count_rows (f), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (inspector_property_row_get_editor_kind (row_for (f, expected[i].path)), ==,
                     expected[i].kind);

  /* The values are in the editors. */
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_for (f, "position", 0)), ==, 0);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_for (f, "position", 1)), ==, 0.5);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_for (f, "position", 2)), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spin_for (f, "position", 1))), ==, "0.500");
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_for (f, "rotation", 1)), ==, 1.5);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_for (f, "quat", 3)), ==, 1);
  g_assert_null (inspector_property_row_get_component (row_for (f, "position"), 3));
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_for (f, "size", 0)), ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (entry_for (f, "color", 1)), ==, "#ff0000");
  color_button = inspector_property_row_get_component (row_for (f, "color"), 0);
  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (color_button), &rgba);
  g_assert_cmpfloat (rgba.red, ==, 1);
  g_assert_cmpfloat (rgba.green, ==, 0);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (
    inspector_property_row_get_component (row_for (f, "visible"), 0))));
  g_assert_cmpstr (gtk_editable_get_text (entry_for (f, "label", 0)), ==, "hello");
  g_assert_cmpstr (gtk_editable_get_text (entry_for (f, "tags", 0)), ==, "[\"a\"]");
  g_assert_cmpstr (gtk_editable_get_text (entry_for (f, "meta", 0)), ==, "{\"k\":1}");

  /* The header names the node. */
  g_assert_nonnull (find_widget (GTK_WIDGET (f->editor), GTK_TYPE_LABEL, label_has_text,
                                 "Mesh · Cube"));
  g_assert_nonnull (find_widget (GTK_WIDGET (f->editor), GTK_TYPE_LABEL, label_has_text,
                                 "Parent: table"));
  g_assert_nonnull (find_widget (GTK_WIDGET (f->editor), GTK_TYPE_LABEL, label_has_text,
                                 "Live"));

  /* Another node, another list. */
  select_node (f, "lamp");
  g_assert_cmpuint (count_rows (f), ==, 2);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_for (f, "intensity", 0)), ==, 1.5);

  /* A property set by anyone appears as a row; its removal from the node's list too. */
  edit_json (f->store, "{\"key\":\"lamp\",\"otype\":\"string.set\",\"path\":\"note\","
                       "\"value\":\"warm\"}");
  g_assert_cmpuint (count_rows (f), ==, 3);
  g_assert_cmpstr (gtk_editable_get_text (entry_for (f, "note", 0)), ==, "warm");
  vrtc_store_cancel_edits (f->store);
  g_assert_cmpuint (count_rows (f), ==, 2);
}

static void
test_set_vector3 (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *bar;

  select_node (f, "cube-1");

  /* Typing a component and Enter sets the whole vector. */
  type_into (spin_for (f, "position", 0), "2.5");
  g_assert_cmpuint (vrtc_store_get_pending_count (f->store), ==, 1);
  assert_property (f, "cube-1", "position", "[2.5,0.5,0]");
  g_assert_cmpuint (f->committed.n_messages, ==, 0);

  /* The pending bar says so. */
  bar = find_widget (GTK_WIDGET (f->editor), GTK_TYPE_ACTION_BAR, NULL, NULL);
  g_assert_true (gtk_action_bar_get_revealed (GTK_ACTION_BAR (bar)));
  g_assert_nonnull (find_widget (bar, GTK_TYPE_LABEL, label_has_text, "1 edit"));

  /* More edits preview together and commit as one message. */
  type_into (spin_for (f, "rotation", 1), "0.25");
  type_into (spin_for (f, "size", 0), "3");
  type_into (spin_for (f, "quat", 2), "0.5");
  g_assert_nonnull (find_widget (bar, GTK_TYPE_LABEL, label_has_text, "4 edits"));
  commit_editor (f);

  g_assert_cmpuint (f->committed.n_messages, ==, 1);
  g_assert_cmpuint (f->committed.ops->len, ==, 4);
  g_assert_cmpstr (committed_op (f, 0), ==, "vector3.set cube-1 position [2.5,0.5,0]");
  g_assert_cmpstr (committed_op (f, 1), ==, "euler.set cube-1 rotation [0,0.25,0]");
  g_assert_cmpstr (committed_op (f, 2), ==, "number.set cube-1 size 3");
  g_assert_cmpstr (committed_op (f, 3), ==, "quaternion.set cube-1 quat [0,0,0.5,1]");
  g_assert_false (gtk_action_bar_get_revealed (GTK_ACTION_BAR (bar)));

  /* Leaving a field untouched, or typing what it shows, makes no op. */
  type_into (spin_for (f, "position", 1), "0.5");
  type_into (spin_for (f, "position", 1), "0.500");
  gtk_spin_button_update (spin_for (f, "position", 2));
  g_assert_false (vrtc_store_has_pending_edits (f->store));

  /* Text that is not a number is refused and the value shown again. */
  type_into (spin_for (f, "position", 2), "abc");
  g_assert_false (vrtc_store_has_pending_edits (f->store));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spin_for (f, "position", 2))), ==, "0.000");

  /* Text typed but not applied is committed by Commit. */
  gtk_editable_set_text (GTK_EDITABLE (spin_for (f, "position", 2)), "-4");
  commit_editor (f);
  g_assert_cmpstr (committed_op (f, 4), ==, "vector3.set cube-1 position [2.5,0.5,-4]");
}

static GtkGesture *
drag_gesture (GtkWidget *handle)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (handle);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_DRAG (controller))
        return GTK_GESTURE (controller);
    }

  return NULL;
}

static void
test_nudge (Fixture       *f,
            gconstpointer  data)
{
  GtkWidget *handle;
  GtkGesture *drag;

  select_node (f, "cube-1");

  /* A step of the spin button's +/- adds the step to that component only. */
  gtk_spin_button_spin (spin_for (f, "position", 0), GTK_SPIN_STEP_FORWARD, 0);
  g_assert_cmpuint (vrtc_store_get_pending_count (f->store), ==, 1);
  assert_property (f, "cube-1", "position", "[0.1,0.5,0]");

  /* Arrow keys and Page Up/Down (the spin button's key bindings) are steps too. */
  g_signal_emit_by_name (spin_for (f, "position", 1), "change-value", GTK_SCROLL_STEP_DOWN);
  g_signal_emit_by_name (spin_for (f, "position", 2), "change-value", GTK_SCROLL_PAGE_UP);
  g_signal_emit_by_name (spin_for (f, "rotation", 1), "change-value", GTK_SCROLL_STEP_UP);
  gtk_spin_button_spin (spin_for (f, "size", 0), GTK_SPIN_STEP_BACKWARD, 0);
  gtk_spin_button_spin (spin_for (f, "quat", 0), GTK_SPIN_STEP_FORWARD, 0);

  /* Dragging a component's label nudges by a step per few pixels, in one add. */
  handle = inspector_property_row_get_drag_handle (row_for (f, "position"), 0);
  g_assert_true (GTK_IS_LABEL (handle));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (handle)), ==, "x");
  drag = drag_gesture (handle);
  g_assert_nonnull (drag);
  g_signal_emit_by_name (drag, "drag-begin", 5.0, 5.0);
  g_signal_emit_by_name (drag, "drag-update", 10.0, 0.0);
  g_signal_emit_by_name (drag, "drag-update", 20.0, 3.0);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (spin_for (f, "position", 0)), 0.6,
                                  1e-9);
  g_assert_cmpuint (vrtc_store_get_pending_count (f->store), ==, 6);
  g_signal_emit_by_name (drag, "drag-end", 20.0, 3.0);
  g_assert_cmpuint (vrtc_store_get_pending_count (f->store), ==, 7);

  /* A number's handle is its path label. */
  handle = inspector_property_row_get_drag_handle (row_for (f, "size"), 0);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (handle)), ==, "size");
  drag = drag_gesture (handle);
  g_signal_emit_by_name (drag, "drag-begin", 0.0, 0.0);
  g_signal_emit_by_name (drag, "drag-update", -8.0, 0.0);
  g_signal_emit_by_name (drag, "drag-end", -8.0, 0.0);

  commit_editor (f);
  g_assert_cmpuint (f->committed.ops->len, ==, 8);
  g_assert_cmpstr (committed_op (f, 0), ==, "vector3.add cube-1 position [0.1,0,0]");
  g_assert_cmpstr (committed_op (f, 1), ==, "vector3.add cube-1 position [0,-0.1,0]");
  g_assert_cmpstr (committed_op (f, 2), ==, "vector3.add cube-1 position [0,0,1]");
  g_assert_cmpstr (committed_op (f, 3), ==, "euler.add cube-1 rotation [0,0.1,0]");
  g_assert_cmpstr (committed_op (f, 4), ==, "number.add cube-1 size -0.1");
  /* Quaternions have no add: a nudge sets the whole, nudged. */
  g_assert_cmpstr (committed_op (f, 5), ==, "quaternion.set cube-1 quat [0.1,0,0,1]");
  g_assert_cmpstr (committed_op (f, 6), ==, "vector3.add cube-1 position [0.5,0,0]");
  g_assert_cmpstr (committed_op (f, 7), ==, "number.add cube-1 size -0.2");
  assert_property (f, "cube-1", "size", "1.7");
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  GtkSpinButton *x;

  select_node (f, "cube-1");
  x = spin_for (f, "position", 0);

  type_into (x, "9");
  gtk_spin_button_spin (spin_for (f, "size", 0), GTK_SPIN_STEP_FORWARD, 0);
  assert_property (f, "cube-1", "position", "[9,0.5,0]");
  assert_property (f, "cube-1", "size", "2.1");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.cancel", NULL));
  g_assert_false (vrtc_store_has_pending_edits (f->store));
  assert_property (f, "cube-1", "position", "[0,0.5,0]");
  assert_property (f, "cube-1", "size", "2");
  g_assert_cmpfloat (gtk_spin_button_get_value (x), ==, 0);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_for (f, "size", 0)), ==, 2);
  g_assert_cmpuint (f->committed.n_messages, ==, 0);

  /* Even the field being edited goes back. */
  gtk_widget_grab_focus (GTK_WIDGET (x));
  WAIT_UNTIL (gtk_widget_has_focus (gtk_widget_get_first_child (GTK_WIDGET (x))) ||
              gtk_widget_get_focus_child (GTK_WIDGET (x)) != NULL);
  type_into (x, "7");
  assert_property (f, "cube-1", "position", "[7,0.5,0]");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.cancel", NULL));
  g_assert_cmpfloat (gtk_spin_button_get_value (x), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (x)), ==, "0.000");

  /* Nothing pending: Cancel and Commit are off. */
  g_assert_false (vrtc_store_has_pending_edits (f->store));
  gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.commit", NULL);
  g_assert_cmpuint (f->committed.n_messages, ==, 0);
}

static void
test_remote_change (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(VrtcStore) bob = new_store ("bob");
  g_autoptr(VrtcJournalEntry) first = g_list_model_get_item (vrtc_store_get_journal (f->store), 0);
  g_autoptr(VrtcMessage) edit = NULL;
  GtkSpinButton *x, *y;
  GtkWidget *tree_row;

  select_node (f, "cube-1");
  x = spin_for (f, "position", 0);
  y = spin_for (f, "position", 1);
  deliver (bob, vrtc_journal_entry_get_message (first));

  /* Bob's edit arrives: the editor shows it, the tree row lights up. */
  tree_row = inspector_scene_tree_get_row_widget (f->tree, "cube-1");
  edit_json (bob, "{\"key\":\"cube-1\",\"otype\":\"vector3.set\",\"path\":\"position\","
                  "\"value\":[5,5,5]}");
  edit = commit (bob);
  deliver (f->store, edit);
  g_assert_cmpfloat (gtk_spin_button_get_value (x), ==, 5);
  g_assert_cmpfloat (gtk_spin_button_get_value (y), ==, 5);
  g_assert_true (row_flashing (tree_row));
  g_assert_true (inspector_property_row_get_flashing (row_for (f, "position")));
  /* It fades, drawn by the row: no class restyles the editors it holds. */
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row_for (f, "position")), "changed"));
  WAIT_UNTIL (!inspector_property_row_get_flashing (row_for (f, "position")));

  /* While the user is in the field, a remote change waits for them to leave it. */
  gtk_widget_grab_focus (GTK_WIDGET (y));
  WAIT_UNTIL (gtk_widget_get_focus_child (GTK_WIDGET (y)) != NULL);
  gtk_editable_set_text (GTK_EDITABLE (y), "1.25");
  edit_json (bob, "{\"key\":\"cube-1\",\"otype\":\"vector3.set\",\"path\":\"position\","
                  "\"value\":[6,6,6]}");
  g_clear_pointer (&edit, vrtc_message_unref);
  edit = commit (bob);
  deliver (f->store, edit);
  g_assert_cmpfloat (gtk_spin_button_get_value (x), ==, 5);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (y)), ==, "1.25");

  /* Leaving applies what was typed (on top of the remote value), then shows the result. */
  gtk_widget_grab_focus (GTK_WIDGET (f->tree));
  WAIT_UNTIL (gtk_spin_button_get_value (x) == 6);
  assert_property (f, "cube-1", "position", "[6,1.25,6]");
  g_assert_cmpfloat (gtk_spin_button_get_value (y), ==, 1.25);
  commit_editor (f);
  g_assert_cmpstr (committed_op (f, 0), ==, "vector3.set cube-1 position [6,1.25,6]");
}

static void
test_json_validation (Fixture       *f,
                      gconstpointer  data)
{
  GtkEditable *meta, *tags;

  select_node (f, "cube-1");
  meta = entry_for (f, "meta", 0);
  tags = entry_for (f, "tags", 0);

  /* Invalid JSON is flagged as you type, with a tooltip naming the problem; no op. */
  gtk_editable_set_text (meta, "{\"k\": ");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (meta), "error"));
  g_assert_nonnull (inspector_get_tooltip_text (GTK_WIDGET (meta)));
  g_signal_emit_by_name (meta, "activate");
  g_assert_false (vrtc_store_has_pending_edits (f->store));

  /* Valid JSON of the wrong kind too. */
  gtk_editable_set_text (tags, "{\"a\":1}");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (tags), "error"));
  g_assert_nonnull (strstr (inspector_get_tooltip_text (GTK_WIDGET (tags)), "array"));
  g_signal_emit_by_name (tags, "activate");
  g_assert_false (vrtc_store_has_pending_edits (f->store));

  /* Fixed: the flag goes, and Enter sets the value. */
  gtk_editable_set_text (meta, "{\"k\": 2, \"b\": [true]}");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (meta), "error"));
  g_assert_null (inspector_get_tooltip_text (GTK_WIDGET (meta)));
  g_signal_emit_by_name (meta, "activate");
  gtk_editable_set_text (tags, "[\"a\", \"b\"]");
  g_signal_emit_by_name (tags, "activate");
  commit_editor (f);
  g_assert_cmpstr (committed_op (f, 0), ==, "object.set cube-1 meta {\"b\":[true],\"k\":2}");
  g_assert_cmpstr (committed_op (f, 1), ==, "array.set cube-1 tags [\"a\",\"b\"]");
  g_assert_cmpstr (gtk_editable_get_text (meta), ==, "{\"b\":[true],\"k\":2}");
}

static void
test_other_editors (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *toggle, *color_button;
  GtkEditable *hex;
  GdkRGBA rgba;

  select_node (f, "cube-1");

  /* Color: the hex entry and the color button stay in step. */
  hex = entry_for (f, "color", 1);
  gtk_editable_set_text (hex, "#00FF00");
  g_signal_emit_by_name (hex, "activate");
  color_button = inspector_property_row_get_component (row_for (f, "color"), 0);
  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (color_button), &rgba);
  g_assert_cmpfloat (rgba.green, ==, 1);
  g_assert_cmpfloat (rgba.red, ==, 0);
  gtk_editable_set_text (hex, "#zz");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (hex), "error"));
  g_signal_emit_by_name (hex, "activate");
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (color_button),
                              &(GdkRGBA) { 0, 0, 1, 1 });
  g_signal_emit_by_name (color_button, "color-set");
  g_assert_cmpstr (gtk_editable_get_text (hex), ==, "#0000ff");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (hex), "error"));

  /* Boolean, string. */
  toggle = inspector_property_row_get_component (row_for (f, "visible"), 0);
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  gtk_editable_set_text (entry_for (f, "label", 0), "world \"quoted\"");
  g_signal_emit_by_name (entry_for (f, "label", 0), "activate");

  commit_editor (f);
  g_assert_cmpuint (f->committed.ops->len, ==, 4);
  g_assert_cmpstr (committed_op (f, 0), ==, "color.set cube-1 color \"#00ff00\"");
  g_assert_cmpstr (committed_op (f, 1), ==, "color.set cube-1 color \"#0000ff\"");
  g_assert_cmpstr (committed_op (f, 2), ==, "boolean.set cube-1 visible false");
  g_assert_cmpstr (committed_op (f, 3), ==, "string.set cube-1 label \"world \\\"quoted\\\"\"");
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(VrtcStore) past = NULL;
  GtkWidget *add_button;

  select_node (f, "cube-1");
  add_button = find_widget (GTK_WIDGET (f->editor), GTK_TYPE_MENU_BUTTON, NULL, NULL);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (spin_for (f, "position", 0))));

  inspector_property_editor_set_read_only (f->editor, TRUE);
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (spin_for (f, "position", 0))));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (entry_for (f, "meta", 0))));
  g_assert_false (gtk_widget_is_sensitive (
    inspector_property_row_get_component (row_for (f, "visible"), 0)));
  g_assert_false (gtk_widget_is_sensitive (add_button));

  /* Nothing gets through, whatever the widgets are made to do. */
  gtk_spin_button_spin (spin_for (f, "position", 0), GTK_SPIN_STEP_FORWARD, 0);
  g_assert_false (vrtc_store_has_pending_edits (f->store));
  g_assert_false (inspector_property_editor_add_property (f->editor, "x", "number", NULL));

  /* Rows made while read-only are read-only. */
  select_node (f, "lamp");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (spin_for (f, "intensity", 0))));

  inspector_property_editor_set_read_only (f->editor, FALSE);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (spin_for (f, "intensity", 0))));

  /* A view of history is read-only by itself. */
  past = vrtc_store_get_state_at (f->store, 0);
  inspector_property_editor_set_store (f->editor, past);
  inspector_property_editor_set_node (f->editor, vrtc_store_get_node (past, "cube-1"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (spin_for (f, "position", 0))));
  inspector_property_editor_set_store (f->editor, f->store);
}

static void
test_provenance (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(VrtcStore) bob = new_store ("bob");
  g_autoptr(VrtcJournalEntry) first = g_list_model_get_item (vrtc_store_get_journal (f->store), 0);
  g_autoptr(VrtcMessage) mine = NULL;
  g_autoptr(VrtcMessage) theirs = NULL;
  g_autofree char *provenance = NULL;
  InspectorPropertyRow *row;
  GtkWidget *popover, *button;

  deliver (bob, vrtc_journal_entry_get_message (first));

  /* Alice and Bob set the color concurrently: one of the writes loses. */
  edit_json (f->store, "{\"key\":\"cube-1\",\"otype\":\"color.set\",\"path\":\"color\","
                       "\"value\":\"#00ff00\"}");
  mine = commit (f->store);
  edit_json (bob, "{\"key\":\"cube-1\",\"otype\":\"color.set\",\"path\":\"color\","
                  "\"value\":\"#0000ff\"}");
  theirs = commit (bob);
  deliver (f->store, theirs);

  select_node (f, "cube-1");
  row = row_for (f, "color");
  provenance = vrtc_property_get_provenance_json (inspector_property_row_get_property (row));
  g_assert_nonnull (strstr (provenance, "\"role\":\"lost\""));

  button = find_widget (GTK_WIDGET (row), GTK_TYPE_MENU_BUTTON, NULL, NULL);
  g_assert_nonnull (button);
  /* a popover asked to pop up before its button is on screen never maps (a loaded machine
   * can still be mapping the window here) */
  WAIT_UNTIL (gtk_widget_get_mapped (button));
  inspector_property_row_show_provenance (row);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  g_assert_nonnull (popover);
  WAIT_UNTIL (gtk_widget_get_mapped (popover));

  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "Provenance of color"));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "Winner"));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "Lost"));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text,
                                 "1 concurrent write lost"));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "message alice:"));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "message bob:"));
  /* The insert's value was seen by both writers: overwritten, not lost concurrently. */
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "Overwritten"));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text,
                                 "1 earlier write overwritten"));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "2023-11-14"));

  gtk_popover_popdown (GTK_POPOVER (popover));
  WAIT_UNTIL (!gtk_widget_get_mapped (popover));

  /* A pending edit shows as such. */
  edit_json (f->store, "{\"key\":\"cube-1\",\"otype\":\"color.set\",\"path\":\"color\","
                       "\"value\":\"#123456\"}");
  inspector_property_row_show_provenance (row);
  WAIT_UNTIL (gtk_widget_get_mapped (popover));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "pending edit"));
  gtk_popover_popdown (GTK_POPOVER (popover));
  vrtc_store_cancel_edits (f->store);
}

static void
test_rejected_provenance (Fixture       *f,
                          gconstpointer  data)
{
  InspectorPropertyRow *row;
  GtkWidget *popover, *button;
  g_autoptr(VrtcMessage) message = NULL;

  edit_json (f->store, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\",\"path\":\"label\","
                       "\"value\":[1,0,0]}");
  message = commit (f->store);

  select_node (f, "cube-1");
  row = row_for (f, "label");
  inspector_property_row_show_provenance (row);
  button = find_widget (GTK_WIDGET (row), GTK_TYPE_MENU_BUTTON, NULL, NULL);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  WAIT_UNTIL (gtk_widget_get_mapped (popover));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "Rejected"));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "1 op rejected"));
  gtk_popover_popdown (GTK_POPOVER (popover));
}

static void
test_add_property (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *popover, *entry, *dropdown, *add;
  guint rows;

  select_node (f, "cube-1");
  rows = count_rows (f);

  /* Through the API. */
  g_assert_true (inspector_property_editor_add_property (f->editor, "transform.scale", "vector3",
                                                         &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_rows (f), ==, rows + 1);
  g_assert_cmpstr (inspector_property_row_get_editor_kind (row_for (f, "transform.scale")), ==,
                   "vector3");
  g_assert_false (inspector_property_editor_add_property (f->editor, "position", "number",
                                                          &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (inspector_property_editor_add_property (f->editor, "  ", "number", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Through the popover: path, type picker, Add. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->editor), "editor.add-property", NULL));
  popover = find_widget (GTK_WIDGET (f->editor), GTK_TYPE_POPOVER, NULL, NULL);
  WAIT_UNTIL (gtk_widget_get_mapped (popover));
  entry = find_widget (popover, GTK_TYPE_ENTRY, NULL, NULL);
  dropdown = find_widget (popover, GTK_TYPE_DROP_DOWN, NULL, NULL);
  add = find_widget (popover, GTK_TYPE_BUTTON, has_css_class, "suggested-action");
  g_assert_nonnull (add);

  /* An existing path is refused in words. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "color");
  g_signal_emit_by_name (add, "clicked");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_nonnull (find_widget (popover, GTK_TYPE_LABEL, label_has_text, "already has a value"));
  g_assert_true (gtk_widget_get_mapped (popover));

  gtk_editable_set_text (GTK_EDITABLE (entry), "spin.rotation");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 2);   /* euler */
  g_signal_emit_by_name (add, "clicked");
  WAIT_UNTIL (!gtk_widget_get_mapped (popover));
  g_assert_cmpstr (inspector_property_row_get_editor_kind (row_for (f, "spin.rotation")), ==,
                   "euler");

  for (guint i = 0; inspector_property_editor_get_types ()[i] != NULL; i++)
    {
      const char *type = inspector_property_editor_get_types ()[i];
      g_autofree char *path = g_strconcat ("new-", type, NULL);

      g_assert_true (inspector_property_editor_add_property (f->editor, path, type, NULL));
    }

  commit_editor (f);
  g_assert_cmpstr (committed_op (f, 0), ==, "vector3.set cube-1 transform.scale [0,0,0]");
  g_assert_cmpstr (committed_op (f, 1), ==, "euler.set cube-1 spin.rotation [0,0,0]");
  g_assert_cmpstr (committed_op (f, 2), ==, "number.set cube-1 new-number 0");
  g_assert_cmpstr (committed_op (f, 5), ==, "quaternion.set cube-1 new-quaternion [0,0,0,1]");
  g_assert_cmpstr (committed_op (f, 6), ==, "color.set cube-1 new-color \"#ffffff\"");
  g_assert_cmpstr (committed_op (f, 7), ==, "boolean.set cube-1 new-boolean false");
  g_assert_cmpstr (committed_op (f, 8), ==, "string.set cube-1 new-string \"\"");
  g_assert_cmpstr (committed_op (f, 9), ==, "array.set cube-1 new-array []");
  g_assert_cmpstr (committed_op (f, 10), ==, "object.set cube-1 new-object {}");
  g_assert_cmpstr (inspector_property_row_get_editor_kind (row_for (f, "new-quaternion")), ==,
                   "quaternion");
  g_assert_cmpstr (inspector_property_row_get_editor_kind (row_for (f, "new-color")), ==,
                   "color");
}

static void
test_removed_node_header (Fixture       *f,
                          gconstpointer  data)
{
  select_node (f, "lamp");
  edit_json (f->store, "{\"key\":\"lamp\",\"otype\":\"node.remove\",\"path\":\"\"}");
  inspector_property_editor_set_node (f->editor, vrtc_store_get_node (f->store, "lamp"));
  g_assert_nonnull (find_widget (GTK_WIDGET (f->editor), GTK_TYPE_LABEL, label_has_text,
                                 "Removed"));
  vrtc_store_cancel_edits (f->store);
  g_assert_nonnull (find_widget (GTK_WIDGET (f->editor), GTK_TYPE_LABEL, label_has_text,
                                 "Live"));
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
  g_test_add ("/inspector/property-editor/" path, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)

  ADD ("rows", test_rows);
  ADD ("set-vector3", test_set_vector3);
  ADD ("nudge", test_nudge);
  ADD ("cancel", test_cancel);
  ADD ("remote-change", test_remote_change);
  ADD ("json-validation", test_json_validation);
  ADD ("other-editors", test_other_editors);
  ADD ("read-only", test_read_only);
  ADD ("provenance", test_provenance);
  ADD ("rejected-provenance", test_rejected_provenance);
  ADD ("add-property", test_add_property);
  ADD ("removed-node-header", test_removed_node_header);

  return g_test_run ();
}
