/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <adwaita.h>

#include "widget-test-helpers.h"

/* The scene tree on a real store, in a real window: rows, selection, search, highlight,
 * removed nodes and the context menu, checked through the widgets. */

static void
test_rows (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *keys = shown_keys (f->tree);
  g_autoptr(GtkTreeListRow) cube = NULL;
  GtkWidget *row;

  /* The root and the first level are expanded on their own; deeper ones are not. */
  g_assert_cmpstr (keys, ==, "scene table cube-1 lamp");
  cube = shown_row (f->tree, "cube-1");
  g_assert_false (gtk_tree_list_row_get_expanded (cube));
  g_assert_null (inspector_scene_tree_get_selected_node (f->tree));

  /* A bound row shows key, tag and name. */
  row = inspector_scene_tree_get_row_widget (f->tree, "cube-1");
  g_assert_nonnull (row);
  g_assert_cmpstr (inspector_node_row_get_key (node_row (row)), ==, "cube-1");
  g_assert_cmpstr (inspector_node_row_get_tag (node_row (row)), ==, "Mesh");
  g_assert_cmpstr (inspector_node_row_get_name (node_row (row)), ==, "Cube");
  g_assert_nonnull (inspector_node_row_get_icon (node_row (row)));
  g_assert_false (inspector_node_row_get_struck (node_row (row)));

  /* A child inserted by anyone shows up in place. */
  edit_json (f->store, "{\"key\":\"sun\",\"otype\":\"node.insert\",\"path\":\"\","
                       "\"tag\":\"DirectionalLight\",\"parentKey\":\"scene\"}");
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 lamp sun");
  vrtc_store_cancel_edits (f->store);
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 lamp");
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_select_key (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GtkTreeListRow) cube = NULL;
  g_autofree char *keys = NULL;
  guint notified = 0;

  g_signal_connect (f->tree, "notify::selected-node", G_CALLBACK (on_notify_count), &notified);

  g_assert_true (inspector_scene_tree_select_key (f->tree, "deep"));
  g_assert_cmpstr (selected_key (f->tree), ==, "deep");
  g_assert_cmpuint (notified, ==, 1);

  /* Its ancestors were expanded to show it. */
  cube = shown_row (f->tree, "cube-1");
  g_assert_true (gtk_tree_list_row_get_expanded (cube));
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 deep lamp");

  /* The property editor follows the selection. */
  g_assert_true (inspector_property_editor_get_node (f->editor) ==
                 vrtc_store_get_node (f->store, "deep"));

  g_assert_true (inspector_scene_tree_select_key (f->tree, "scene"));
  g_assert_cmpstr (selected_key (f->tree), ==, "scene");
  g_assert_false (inspector_scene_tree_select_key (f->tree, "no-such-node"));
  g_assert_cmpstr (selected_key (f->tree), ==, "scene");

  g_signal_handlers_disconnect_by_data (f->tree, &notified);
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *entry = find_widget (GTK_WIDGET (f->tree), GTK_TYPE_SEARCH_ENTRY, NULL, NULL);
  g_autoptr(GtkTreeListRow) cube = NULL;
  g_autofree char *keys = NULL;
  const char *first;

  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.search", NULL));
  WAIT_UNTIL (gtk_widget_has_focus (entry) || gtk_widget_is_focus (entry) ||
              gtk_widget_get_focus_child (entry) != NULL);

  /* Typed text is searched after the entry's short delay: tags match. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "mesh");
  WAIT_UNTIL (inspector_scene_tree_get_n_matches (f->tree) == 2);
  keys = shown_keys (f->tree);
  /* Matches and their ancestors only; the hidden match's parent was expanded. */
  g_assert_cmpstr (keys, ==, "scene table cube-1 deep");
  cube = shown_row (f->tree, "cube-1");
  g_assert_true (gtk_tree_list_row_get_expanded (cube));
  g_assert_nonnull (find_widget (GTK_WIDGET (f->tree), GTK_TYPE_LABEL, label_has_text,
                                 "2 matches"));

  /* The first match is selected; Enter goes to the next one and wraps around. */
  first = selected_key (f->tree);
  g_assert_cmpstr (first, ==, "cube-1");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (selected_key (f->tree), ==, "deep");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (selected_key (f->tree), ==, "cube-1");

  /* Names, case-insensitively. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "LAMP");
  WAIT_UNTIL (inspector_scene_tree_get_n_matches (f->tree) == 1);
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene lamp");

  /* Property values. */
  inspector_scene_tree_set_search_text (f->tree, "#ff0000");
  g_assert_cmpuint (inspector_scene_tree_get_n_matches (f->tree), ==, 1);
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1");
  g_assert_cmpstr (selected_key (f->tree), ==, "cube-1");

  /* A value changed by an edit is found again. */
  edit_json (f->store, "{\"key\":\"lamp\",\"otype\":\"color.set\",\"path\":\"color\","
                       "\"value\":\"#ff0000\"}");
  WAIT_UNTIL (inspector_scene_tree_get_n_matches (f->tree) == 2);
  vrtc_store_cancel_edits (f->store);
  WAIT_UNTIL (inspector_scene_tree_get_n_matches (f->tree) == 1);

  /* Nothing found. */
  inspector_scene_tree_set_search_text (f->tree, "zebra");
  g_assert_cmpuint (inspector_scene_tree_get_n_matches (f->tree), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (inspector_scene_tree_get_model (f->tree)), ==, 0);
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_nonnull (find_widget (GTK_WIDGET (f->tree), GTK_TYPE_LABEL, label_has_text,
                                 "No matches"));

  /* Escape ends the search: every row is back, the expanded ones stay expanded. */
  g_signal_emit_by_name (entry, "stop-search");
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 deep lamp");
  g_assert_cmpuint (inspector_scene_tree_get_n_matches (f->tree), ==, 0);

  /* Selecting a node the search hides ends the search. */
  inspector_scene_tree_set_search_text (f->tree, "lamp");
  g_assert_true (inspector_scene_tree_select_key (f->tree, "deep"));
  g_assert_cmpstr (selected_key (f->tree), ==, "deep");
  g_assert_cmpuint (inspector_scene_tree_get_n_matches (f->tree), ==, 0);
}

static void
test_highlight (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(VrtcStore) bob = new_store ("bob");
  g_autoptr(VrtcMessage) scene = NULL;
  g_autoptr(VrtcMessage) edit = NULL;
  GListModel *journal = vrtc_store_get_journal (f->store);
  g_autoptr(VrtcJournalEntry) first = g_list_model_get_item (journal, 0);
  GtkWidget *row = inspector_scene_tree_get_row_widget (f->tree, "lamp");

  g_assert_nonnull (row);
  g_assert_false (row_flashing (row));

  /* Bob has Alice's scene and changes the lamp: Alice receives it. */
  deliver (bob, vrtc_journal_entry_get_message (first));
  edit_json (bob, "{\"key\":\"lamp\",\"otype\":\"number.set\",\"path\":\"intensity\",\"value\":3}");
  edit = commit (bob);
  deliver (f->store, edit);

  g_assert_true (row_flashing (row));
  g_assert_false (row_flashing (inspector_scene_tree_get_row_widget (f->tree, "table")));
  /* The highlight is brief. */
  WAIT_UNTIL (!row_flashing (row));

  /* A node-level change (a rename by a new insert) highlights too. */
  edit_json (bob, "{\"key\":\"table\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\","
                  "\"name\":\"Desk\",\"parentKey\":\"scene\"}");
  g_clear_pointer (&edit, vrtc_message_unref);
  edit = commit (bob);
  deliver (f->store, edit);
  row = inspector_scene_tree_get_row_widget (f->tree, "table");
  g_assert_true (row_flashing (row));
  g_assert_cmpstr (inspector_node_row_get_name (node_row (row)), ==, "Desk");

  /* A node that arrives gets a row that lights up as it appears. */
  edit_json (bob, "{\"key\":\"sun\",\"otype\":\"node.insert\",\"path\":\"\","
                  "\"tag\":\"DirectionalLight\",\"parentKey\":\"scene\"}");
  g_clear_pointer (&edit, vrtc_message_unref);
  edit = commit (bob);
  deliver (f->store, edit);
  WAIT_UNTIL (inspector_scene_tree_get_row_widget (f->tree, "sun") != NULL);
  g_assert_true (row_flashing (inspector_scene_tree_get_row_widget (f->tree, "sun")));
}

static void
test_add_child (Fixture       *f,
                gconstpointer  data)
{
  VrtcNode *added;

  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.add-child", NULL) &&
                  f->committed.n_messages > 0);
  g_assert_true (inspector_scene_tree_select_key (f->tree, "table"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.add-child", NULL));

  g_assert_cmpuint (f->committed.n_messages, ==, 1);
  g_assert_cmpuint (f->committed.ops->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->committed.ops, 0), ==, "node.insert node-1  -");
  added = vrtc_store_get_node (f->store, "node-1");
  g_assert_nonnull (added);
  g_assert_cmpstr (vrtc_node_get_tag (added), ==, "Group");
  g_assert_cmpstr (vrtc_node_get_parent_key (added), ==, "table");
  g_assert_false (vrtc_store_has_pending_edits (f->store));

  /* The new node is selected, and a second one gets the next free key. */
  g_assert_cmpstr (selected_key (f->tree), ==, "node-1");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.add-child", NULL));
  g_assert_nonnull (vrtc_store_get_node (f->store, "node-2"));
  g_assert_cmpstr (vrtc_node_get_parent_key (vrtc_store_get_node (f->store, "node-2")), ==,
                   "node-1");
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *keys = NULL;

  /* The root cannot be removed. */
  g_assert_true (inspector_scene_tree_select_key (f->tree, "scene"));
  gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.remove", NULL);
  g_assert_cmpuint (f->committed.n_messages, ==, 0);

  g_assert_true (inspector_scene_tree_select_key (f->tree, "lamp"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.remove", NULL));
  g_assert_cmpuint (f->committed.n_messages, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->committed.ops, 0), ==, "node.remove lamp  -");
  g_assert_false (vrtc_node_is_live (vrtc_store_get_node (f->store, "lamp")));

  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1");
  WAIT_UNTIL (inspector_scene_tree_get_selected_node (f->tree) == NULL);
}

static void
on_text_read (GObject      *clipboard,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (clipboard), result, &error);
  g_assert_no_error (error);
}

static void
test_copy_key (Fixture       *f,
               gconstpointer  data)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->tree));
  g_autofree char *text = NULL;

  g_assert_true (inspector_scene_tree_select_key (f->tree, "cube-1"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.copy-key", NULL));

  gdk_clipboard_read_text_async (clipboard, NULL, on_text_read, &text);
  WAIT_UNTIL (text != NULL);
  g_assert_cmpstr (text, ==, "cube-1");
}

static GtkGesture *
click_gesture (GtkWidget *widget,
               guint      button)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller) &&
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == button)
        return GTK_GESTURE (controller);
    }

  return NULL;
}

/* A click at x, y of a row (its own coordinates), as the list's gesture for button sees it. */
static void
click_row (Fixture    *f,
           const char *key,
           guint       button,
           double      x,
           double      y)
{
  GtkWidget *list = find_widget (GTK_WIDGET (f->tree), GTK_TYPE_LIST_VIEW, NULL, NULL);
  GtkWidget *row = inspector_scene_tree_get_row_widget (f->tree, key);
  GtkGesture *click = click_gesture (list, button);
  graphene_point_t at;

  g_assert_nonnull (click);
  WAIT_UNTIL (gtk_widget_get_height (row) > 0);
  g_assert_true (gtk_widget_compute_point (row, list, &GRAPHENE_POINT_INIT (x, y), &at));
  g_signal_emit_by_name (click, "pressed", 1, (double) at.x, (double) at.y);
}

/* A key pressed in the tree, as its shortcuts take it: whether one took it. */
static gboolean
press_key (InspectorSceneTree *tree,
           guint               keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (tree));
  g_autoptr(GtkShortcutTrigger) want = gtk_keyval_trigger_new (keyval, 0);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      for (guint j = 0; GTK_IS_SHORTCUT_CONTROLLER (controller) &&
                        j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), want))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                 GTK_WIDGET (tree),
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

/* Rows open and close by their arrow (leaves have none), and by the keys of other trees. */
static void
test_expand (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GtkTreeListRow) cube = shown_row (f->tree, "cube-1");
  g_autofree char *keys = NULL;

  g_assert_false (inspector_node_row_get_leaf (
    node_row (inspector_scene_tree_get_row_widget (f->tree, "cube-1"))));
  g_assert_true (inspector_node_row_get_leaf (
    node_row (inspector_scene_tree_get_row_widget (f->tree, "lamp"))));

  /* cube-1 is two levels down: its arrow is after two indents of 20 */
  click_row (f, "cube-1", GDK_BUTTON_PRIMARY, 2 * 20 + 8, 5);
  g_assert_true (gtk_tree_list_row_get_expanded (cube));
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 deep lamp");
  g_assert_null (inspector_scene_tree_get_selected_node (f->tree));
  click_row (f, "cube-1", GDK_BUTTON_PRIMARY, 2 * 20 + 8, 5);
  g_assert_false (gtk_tree_list_row_get_expanded (cube));
  /* a click on its text opens nothing, nor does one on the arrow's place of a leaf */
  click_row (f, "cube-1", GDK_BUTTON_PRIMARY, 120, 5);
  g_assert_false (gtk_tree_list_row_get_expanded (cube));
  click_row (f, "lamp", GDK_BUTTON_PRIMARY, 1 * 20 + 8, 5);
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 lamp");

  /* The arrow follows the children, live: one inserted under the leaf, then moved away. */
  edit_json (f->store, "{\"key\":\"bulb\",\"otype\":\"node.insert\",\"path\":\"\","
                       "\"tag\":\"Mesh\",\"parentKey\":\"lamp\"}");
  WAIT_UNTIL (!inspector_node_row_get_leaf (
    node_row (inspector_scene_tree_get_row_widget (f->tree, "lamp"))));
  edit_json (f->store, "{\"key\":\"bulb\",\"otype\":\"node.move\",\"path\":\"\","
                       "\"value\":{\"nodeKey\":\"bulb\",\"newParent\":\"scene\"}}");
  WAIT_UNTIL (inspector_node_row_get_leaf (
    node_row (inspector_scene_tree_get_row_widget (f->tree, "lamp"))));
  vrtc_store_cancel_edits (f->store);
  drain ();

  /* Right (or +) opens the selected row, then goes to its first child; Left goes back up
   * to the parent, then closes it */
  g_assert_true (inspector_scene_tree_select_key (f->tree, "cube-1"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.expand-row", "b", FALSE));
  g_assert_true (gtk_tree_list_row_get_expanded (cube));
  g_assert_cmpstr (selected_key (f->tree), ==, "cube-1");
  gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.expand-row", "b", TRUE);
  g_assert_cmpstr (selected_key (f->tree), ==, "deep");
  gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.collapse-row", "b", TRUE);
  g_assert_cmpstr (selected_key (f->tree), ==, "cube-1");
  g_assert_true (gtk_tree_list_row_get_expanded (cube));
  gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.collapse-row", "b", TRUE);
  g_assert_false (gtk_tree_list_row_get_expanded (cube));
  g_assert_cmpstr (selected_key (f->tree), ==, "cube-1");
  /* - only closes */
  gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.collapse-row", "b", FALSE);
  g_assert_cmpstr (selected_key (f->tree), ==, "cube-1");

  /* the keys do that while a row has the focus, and leave the search entry its keys */
  gtk_widget_grab_focus (gtk_widget_get_parent (inspector_scene_tree_get_row_widget (f->tree,
                                                                                   "cube-1")));
  g_assert_true (press_key (f->tree, GDK_KEY_Right));
  g_assert_true (gtk_tree_list_row_get_expanded (cube));
  g_assert_true (press_key (f->tree, GDK_KEY_minus));
  g_assert_false (gtk_tree_list_row_get_expanded (cube));
  g_assert_true (press_key (f->tree, GDK_KEY_plus));
  g_assert_true (gtk_tree_list_row_get_expanded (cube));
  g_assert_true (press_key (f->tree, GDK_KEY_Left));
  g_assert_false (gtk_tree_list_row_get_expanded (cube));
  inspector_scene_tree_start_search (f->tree);
  g_assert_false (press_key (f->tree, GDK_KEY_Right));
  g_assert_false (gtk_tree_list_row_get_expanded (cube));
}

typedef struct
{
  double      y;
  const char *key;
} ShownRow;

static int
compare_shown_rows (gconstpointer a,
                    gconstpointer b)
{
  const ShownRow *ra = a, *rb = b;

  return (ra->y > rb->y) - (ra->y < rb->y);
}

/* The keys the rows on screen show, top to bottom, joined by spaces: what the widgets are
 * bound to, not what the model says. */
static char *
keys_on_screen (InspectorSceneTree *tree)
{
  GtkWidget *list = find_widget (GTK_WIDGET (tree), GTK_TYPE_LIST_VIEW, NULL, NULL);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (ShownRow));
  GString *out = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *content = gtk_widget_get_first_child (child);
      graphene_rect_t bounds;
      ShownRow row;

      if (!INSPECTOR_IS_NODE_ROW (content) || !gtk_widget_get_child_visible (child) ||
          !gtk_widget_compute_bounds (child, list, &bounds) ||
          bounds.origin.y + bounds.size.height <= 0 ||
          bounds.origin.y >= gtk_widget_get_height (list))
        continue;
      row.y = bounds.origin.y;
      row.key = inspector_node_row_get_key (INSPECTOR_NODE_ROW (content));
      g_array_append_val (rows, row);
    }
  g_array_sort (rows, compare_shown_rows);
  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "", g_array_index (rows, ShownRow, i).key);

  return g_string_free (out, FALSE);
}

/* The rows on screen are @first and the rows after it in the model, in order. */
static void
assert_screen_shows_model (InspectorSceneTree *tree,
                           const char         *first)
{
  g_autofree char *model = shown_keys (tree);
  g_autofree char *screen = keys_on_screen (tree);
  g_autofree char *padded_model = g_strdup_printf (" %s ", model);
  g_autofree char *padded_screen = g_strdup_printf (" %s ", screen);
  g_auto(GStrv) rows = g_strsplit (screen, " ", -1);

  g_assert_true (g_str_has_prefix (screen, first));
  /* a screenful: the fixture's window shows more than ten rows */
  g_assert_cmpuint (g_strv_length (rows), >, 10);
  if (strstr (padded_model, padded_screen) == NULL)
    g_error ("on screen: %s\nnot a run of the model: %.400s…", screen, model);
}

static double
row_y (InspectorSceneTree *tree,
       const char         *key)
{
  GtkWidget *list = find_widget (GTK_WIDGET (tree), GTK_TYPE_LIST_VIEW, NULL, NULL);
  GtkWidget *row = inspector_scene_tree_get_row_widget (tree, key);
  graphene_rect_t bounds;

  g_assert_nonnull (row);
  g_assert_true (gtk_widget_compute_bounds (row, list, &bounds));
  return bounds.origin.y;
}

/* The row widgets of a list, watched for being finalized. */
typedef struct
{
  guint      destroyed;
  GPtrArray *watched;
} Watch;

static void
count_destroyed (gpointer  data,
                 GObject  *where)
{
  Watch *watch = data;

  watch->destroyed++;
  g_ptr_array_remove_fast (watch->watched, where);
}

/* Watches every row widget of the list: @watch counts those finalized from now on. */
static void
watch_row_widgets (InspectorSceneTree *tree,
                   Watch              *watch)
{
  GtkWidget *list = find_widget (GTK_WIDGET (tree), GTK_TYPE_LIST_VIEW, NULL, NULL);

  watch->destroyed = 0;
  watch->watched = g_ptr_array_new ();
  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GObject *row = G_OBJECT (gtk_widget_get_first_child (child));

      g_object_weak_ref (row, count_destroyed, watch);
      g_ptr_array_add (watch->watched, row);
    }
  /* a GTK 4.8 list keeps widgets for about 200 rows around the screen */
  g_assert_cmpuint (watch->watched->len, >, 100);
}

static void
unwatch_row_widgets (Watch *watch)
{
  for (guint i = 0; i < watch->watched->len; i++)
    g_object_weak_unref (watch->watched->pdata[i], count_destroyed, watch);
  g_clear_pointer (&watch->watched, g_ptr_array_unref);
}

static void
scroll_tree_to (InspectorSceneTree *tree,
                double              value)
{
  GtkWidget *list = find_widget (GTK_WIDGET (tree), GTK_TYPE_LIST_VIEW, NULL, NULL);
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));

  /* after the list is laid out: a scroll to a row it was asked for comes then */
  spin_main_loop (50);
  gtk_adjustment_set_value (adj, value);
  spin_main_loop (50);
}

static gboolean
row_has_focus (InspectorSceneTree *tree,
               const char         *key)
{
  GtkWidget *row = inspector_scene_tree_get_row_widget (tree, key);

  return row != NULL && gtk_widget_has_focus (gtk_widget_get_parent (row));
}

/* Selects a row as a click on it does. */
static void
click_select (InspectorSceneTree *tree,
              const char         *key)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  GtkWidget *list = find_widget (GTK_WIDGET (tree), GTK_TYPE_LIST_VIEW, NULL, NULL);

  g_assert_true (inspector_scene_tree_select_key (tree, key));
  spin_main_loop (50);
  row = shown_row (tree, key);
  g_assert_true (gtk_widget_activate_action (list, "list.select-item", "(ubb)",
                                             gtk_tree_list_row_get_position (row), FALSE, FALSE));
  g_assert_cmpstr (selected_key (tree), ==, key);
}

/* Marks @row when the selection @model notifies another selected item. */
static void
on_selected_item_other (GtkSingleSelection *model,
                        GParamSpec         *pspec,
                        GtkTreeListRow     *row)
{
  if (gtk_single_selection_get_selected_item (model) != row)
    g_object_set_data (G_OBJECT (row), "selected-other", GINT_TO_POINTER (TRUE));
}

/*
 * Closing a big group on screen, by its arrow or the keys, leaves the list as closing it at
 * once would (the group where it was, the rows after it right under it, the selection), and
 * the list's row widgets are bound again, not destroyed and made anew.
 */
static void
test_collapse_big_group (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(VrtcStore) big = new_store ("carol");
  g_autoptr(VrtcMessage) message = NULL;
  g_autoptr(GtkTreeListRow) group = NULL;
  g_autoptr(GtkTreeListRow) kept = NULL;
  Watch watch;
  double y, h;

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *op = g_strdup_printf (
        "{\"key\":\"a%03u\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\","
        "\"parentKey\":\"scene\"}", i);

      edit_json (big, op);
    }
  edit_json (big, "{\"key\":\"big\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\","
                  "\"parentKey\":\"scene\"}");
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *child = g_strdup_printf (
        "{\"key\":\"c%03u\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
        "\"parentKey\":\"big\"}", i);
      g_autofree char *after = g_strdup_printf (
        "{\"key\":\"g%03u\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\","
        "\"parentKey\":\"scene\"}", i);

      edit_json (big, child);
      edit_json (big, after);
    }
  message = commit (big);
  inspector_scene_tree_set_store (f->tree, big);
  drain ();
  group = shown_row (f->tree, "big");
  g_assert_nonnull (group);
  g_assert_true (gtk_tree_list_row_get_expanded (group));

  /* The group second on screen, a row far after it clicked (the list keeps its widget,
   * where its selection started) and focused, a row right after it selected since: the
   * group's arrow closes it, and gives it the focus. The selection stays, untouched. */
  click_select (f->tree, "g290");
  gtk_widget_grab_focus (gtk_widget_get_parent (inspector_scene_tree_get_row_widget (f->tree,
                                                                                   "g290")));
  g_assert_true (inspector_scene_tree_select_key (f->tree, "g001"));
  spin_main_loop (50);
  h = row_y (f->tree, "g001") - row_y (f->tree, "g000");
  g_assert_cmpfloat (h, >, 10);
  scroll_tree_to (f->tree, 200 * h);
  assert_screen_shows_model (f->tree, "a199 big c000 c001 c002 c003");
  y = row_y (f->tree, "big");
  /* the list's selection never lets go of it */
  kept = shown_row (f->tree, "g001");
  g_signal_connect (inspector_scene_tree_get_model (f->tree), "notify::selected-item",
                    G_CALLBACK (on_selected_item_other), kept);
  watch_row_widgets (f->tree, &watch);
  click_row (f, "big", GDK_BUTTON_PRIMARY, 1 * 20 + 8, 5);
  g_assert_false (gtk_tree_list_row_get_expanded (group));
  spin_main_loop (50);
  g_assert_cmpfloat (row_y (f->tree, "big"), ==, y);
  assert_screen_shows_model (f->tree, "a199 big g000 g001 g002");
  g_assert_cmpstr (selected_key (f->tree), ==, "g001");
  g_assert_null (g_object_get_data (G_OBJECT (kept), "selected-other"));
  g_assert_true (row_has_focus (f->tree, "big"));
  g_assert_cmpuint (watch.destroyed, <, 10);
  unwatch_row_widgets (&watch);
  g_signal_handlers_disconnect_by_data (inspector_scene_tree_get_model (f->tree), kept);

  /* Opened again, where it is. */
  click_row (f, "big", GDK_BUTTON_PRIMARY, 1 * 20 + 8, 5);
  g_assert_true (gtk_tree_list_row_get_expanded (group));
  spin_main_loop (50);
  g_assert_cmpfloat (row_y (f->tree, "big"), ==, y);
  assert_screen_shows_model (f->tree, "a199 big c000 c001");

  /* The same with no focus anywhere, the list anchored on a child again by scrolling
   * there: the group stays where it is. */
  gtk_window_set_focus (f->window, NULL);
  scroll_tree_to (f->tree, 0);
  scroll_tree_to (f->tree, 200 * h);
  g_assert_cmpfloat (row_y (f->tree, "big"), ==, y);
  watch_row_widgets (f->tree, &watch);
  click_row (f, "big", GDK_BUTTON_PRIMARY, 1 * 20 + 8, 5);
  spin_main_loop (50);
  g_assert_cmpfloat (row_y (f->tree, "big"), ==, y);
  assert_screen_shows_model (f->tree, "a199 big g000 g001 g002");
  g_assert_cmpuint (watch.destroyed, <, 10);
  unwatch_row_widgets (&watch);
  click_row (f, "big", GDK_BUTTON_PRIMARY, 1 * 20 + 8, 5);
  spin_main_loop (50);
  assert_screen_shows_model (f->tree, "a199 big c000 c001");

  /* A row right after the group clicked: shown twice, it would have two widgets. Closing
   * the group still leaves the list as it should be. */
  click_select (f->tree, "g001");
  scroll_tree_to (f->tree, 0);
  scroll_tree_to (f->tree, 200 * h);
  click_row (f, "big", GDK_BUTTON_PRIMARY, 1 * 20 + 8, 5);
  spin_main_loop (50);
  g_assert_cmpfloat (row_y (f->tree, "big"), ==, y);
  assert_screen_shows_model (f->tree, "a199 big g000 g001 g002");
  g_assert_cmpstr (selected_key (f->tree), ==, "g001");
  click_row (f, "big", GDK_BUTTON_PRIMARY, 1 * 20 + 8, 5);
  spin_main_loop (50);
  assert_screen_shows_model (f->tree, "a199 big c000 c001");

  /* Unless the group is the selected row: the list's selection then starts there. */
  g_assert_true (inspector_scene_tree_select_key (f->tree, "big"));
  watch_row_widgets (f->tree, &watch);
  click_row (f, "big", GDK_BUTTON_PRIMARY, 1 * 20 + 8, 5);
  spin_main_loop (50);
  g_assert_cmpfloat (row_y (f->tree, "big"), ==, y);
  assert_screen_shows_model (f->tree, "a199 big g000 g001 g002");
  g_assert_cmpstr (selected_key (f->tree), ==, "big");
  g_assert_cmpuint (watch.destroyed, <, 10);
  unwatch_row_widgets (&watch);
  click_row (f, "big", GDK_BUTTON_PRIMARY, 1 * 20 + 8, 5);
  spin_main_loop (50);
  assert_screen_shows_model (f->tree, "a199 big c000 c001");

  /* The group fourth on screen, a child selected and focused: Left goes to the group, with
   * the focus, and Left again closes it; the selection stays on the group. */
  scroll_tree_to (f->tree, 198 * h);
  g_assert_true (inspector_scene_tree_select_key (f->tree, "c002"));
  gtk_widget_grab_focus (gtk_widget_get_parent (inspector_scene_tree_get_row_widget (f->tree,
                                                                                   "c002")));
  spin_main_loop (50);
  assert_screen_shows_model (f->tree, "a197 a198 a199 big c000");
  y = row_y (f->tree, "big");
  g_assert_true (press_key (f->tree, GDK_KEY_Left));
  g_assert_cmpstr (selected_key (f->tree), ==, "big");
  g_assert_true (row_has_focus (f->tree, "big"));
  spin_main_loop (50);
  g_assert_cmpfloat (row_y (f->tree, "big"), ==, y);
  watch_row_widgets (f->tree, &watch);
  g_assert_true (press_key (f->tree, GDK_KEY_Left));
  g_assert_false (gtk_tree_list_row_get_expanded (group));
  spin_main_loop (50);
  g_assert_cmpfloat (row_y (f->tree, "big"), ==, y);
  assert_screen_shows_model (f->tree, "a197 a198 a199 big g000 g001");
  g_assert_cmpstr (selected_key (f->tree), ==, "big");
  g_assert_true (row_has_focus (f->tree, "big"));
  g_assert_cmpuint (watch.destroyed, <, 10);
  unwatch_row_widgets (&watch);

  /* Right opens it, Right again goes to its first child. */
  g_assert_true (press_key (f->tree, GDK_KEY_Right));
  g_assert_true (gtk_tree_list_row_get_expanded (group));
  g_assert_true (press_key (f->tree, GDK_KEY_Right));
  g_assert_cmpstr (selected_key (f->tree), ==, "c000");
  g_assert_true (row_has_focus (f->tree, "c000"));

  /* The group scrolled off the top: closing it (by the keys, it selected) leaves the rows
   * on screen bound to the rows of the model, wherever the list settles. */
  g_assert_true (inspector_scene_tree_select_key (f->tree, "big"));
  scroll_tree_to (f->tree, 240 * h);
  {
    g_autofree char *screen = keys_on_screen (f->tree);

    g_assert_true (g_str_has_prefix (screen, "c0"));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.collapse-row", "b",
                                             FALSE));
  g_assert_false (gtk_tree_list_row_get_expanded (group));
  spin_main_loop (50);
  {
    g_autofree char *screen = keys_on_screen (f->tree);
    g_auto(GStrv) first = g_strsplit (screen, " ", 2);

    assert_screen_shows_model (f->tree, first[0]);
  }

  inspector_scene_tree_set_store (f->tree, f->store);
}

static void
test_context_menu (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *menu;

  g_assert_true (inspector_scene_tree_select_key (f->tree, "lamp"));
  gtk_widget_grab_focus (GTK_WIDGET (f->tree));

  /* The Menu key (and Shift+F10) open it at the selected row. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.popup-menu", NULL));
  menu = find_widget (GTK_WIDGET (f->tree), GTK_TYPE_POPOVER_MENU, NULL, NULL);
  g_assert_nonnull (menu);
  WAIT_UNTIL (gtk_widget_get_mapped (menu));

  /* Its items run the tree's actions on the selected node. */
  g_assert_nonnull (find_widget (menu, GTK_TYPE_LABEL, label_has_text, "Child Node"));
  g_assert_nonnull (find_widget (menu, GTK_TYPE_LABEL, label_has_text, "Copy"));
  gtk_popover_popdown (GTK_POPOVER (menu));
  WAIT_UNTIL (!gtk_widget_get_mapped (menu));

  /* A right click on a row selects it and opens the menu there. */
  click_row (f, "table", GDK_BUTTON_SECONDARY, 30, 5);
  g_assert_cmpstr (selected_key (f->tree), ==, "table");
  WAIT_UNTIL (gtk_widget_get_mapped (menu));
  gtk_popover_popdown (GTK_POPOVER (menu));
  WAIT_UNTIL (!gtk_widget_get_mapped (menu));
  g_assert_true (inspector_scene_tree_select_key (f->tree, "lamp"));

  /* Read-only (history) turns the editing items off, not copying. */
  inspector_scene_tree_set_read_only (f->tree, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.add-child", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.remove", NULL);
  g_assert_cmpuint (f->committed.n_messages, ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.copy-key", NULL));
  inspector_scene_tree_set_read_only (f->tree, FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->tree), "tree.remove", NULL));
  g_assert_cmpuint (f->committed.n_messages, ==, 1);
}

static void
test_show_removed (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VrtcMessage) removal = NULL;
  g_autofree char *keys = NULL;
  GtkWidget *row;

  edit_json (f->store, "{\"key\":\"lamp\",\"otype\":\"node.remove\",\"path\":\"\"}");
  removal = commit (f->store);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1");

  /* Shown greyed out where it was, when asked. */
  inspector_scene_tree_set_show_removed (f->tree, TRUE);
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 lamp");
  WAIT_UNTIL (inspector_scene_tree_get_row_widget (f->tree, "lamp") != NULL);
  row = inspector_scene_tree_get_row_widget (f->tree, "lamp");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (node_row (row)), "dim-label"));
  g_assert_true (inspector_node_row_get_struck (node_row (row)));

  /* A node removed while they are shown moves to its parent's end, greyed out. */
  edit_json (f->store, "{\"key\":\"cube-1\",\"otype\":\"node.remove\",\"path\":\"\"}");
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 lamp");
  WAIT_UNTIL (inspector_scene_tree_get_row_widget (f->tree, "cube-1") != NULL);
  row = inspector_scene_tree_get_row_widget (f->tree, "cube-1");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (node_row (row)), "dim-label"));

  /* Undoing the removal brings it back to life in place. */
  vrtc_store_cancel_edits (f->store);
  row = inspector_scene_tree_get_row_widget (f->tree, "cube-1");
  WAIT_UNTIL ((row = inspector_scene_tree_get_row_widget (f->tree, "cube-1")) != NULL &&
              !gtk_widget_has_css_class (GTK_WIDGET (node_row (row)), "dim-label"));
  g_assert_false (inspector_node_row_get_struck (node_row (row)));

  /* Removed nodes can be selected and searched. */
  g_assert_true (inspector_scene_tree_select_key (f->tree, "lamp"));
  g_assert_cmpstr (selected_key (f->tree), ==, "lamp");
  inspector_scene_tree_set_search_text (f->tree, "PointLight");
  g_assert_cmpuint (inspector_scene_tree_get_n_matches (f->tree), ==, 1);
  inspector_scene_tree_set_search_text (f->tree, NULL);

  inspector_scene_tree_set_show_removed (f->tree, FALSE);
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1");
}

static void
test_selection_follows_move (Fixture       *f,
                             gconstpointer  data)
{
  g_assert_true (inspector_scene_tree_select_key (f->tree, "cube-1"));

  /* A move takes the row out of one children model and into another: the selection
   * follows the node. */
  edit_json (f->store, "{\"key\":\"cube-1\",\"otype\":\"node.move\",\"path\":\"\","
                       "\"value\":{\"nodeKey\":\"cube-1\",\"newParent\":\"lamp\"}}");
  WAIT_UNTIL (shown_row (f->tree, "cube-1") != NULL &&
              g_strcmp0 (selected_key (f->tree), "cube-1") == 0 &&
              gtk_single_selection_get_selected_item (
                GTK_SINGLE_SELECTION (inspector_scene_tree_get_model (f->tree))) != NULL);
  g_assert_cmpstr (vrtc_node_get_parent_key (inspector_scene_tree_get_selected_node (f->tree)),
                   ==, "lamp");
}

static void
test_store_swap (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(VrtcStore) other = new_store ("carol");
  g_autoptr(VrtcMessage) message = NULL;
  g_autofree char *keys = NULL;

  g_assert_true (inspector_scene_tree_select_key (f->tree, "lamp"));

  edit_json (other, "{\"key\":\"only\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
                    "\"parentKey\":\"scene\"}");
  message = commit (other);
  inspector_scene_tree_set_store (f->tree, other);
  g_assert_null (inspector_scene_tree_get_selected_node (f->tree));
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene only");

  inspector_scene_tree_set_store (f->tree, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (inspector_scene_tree_get_model (f->tree)), ==, 0);
  inspector_scene_tree_set_store (f->tree, f->store);
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 lamp");
}

/* A view of history that moves: the tree follows it with the same rows and nodes, no other
 * store needed. */
static void
test_view_moves (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(VrtcStore) view = NULL;
  g_autoptr(GtkTreeListRow) table = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keys = NULL;
  VrtcNode *cube;

  edit_json (f->store, "{\"key\":\"ball\",\"otype\":\"node.insert\",\"path\":\"\","
                       "\"tag\":\"Mesh\",\"parentKey\":\"scene\"}");
  vrtc_message_unref (commit (f->store));
  edit_json (f->store, "{\"key\":\"lamp\",\"otype\":\"node.remove\",\"path\":\"\"}");
  vrtc_message_unref (commit (f->store));
  edit_json (f->store, "{\"key\":\"cup\",\"otype\":\"node.insert\",\"path\":\"\","
                       "\"tag\":\"Mesh\",\"parentKey\":\"table\"}");
  vrtc_message_unref (commit (f->store));

  view = vrtc_store_get_state_at (f->store, 0);
  inspector_scene_tree_set_store (f->tree, view);
  g_assert_true (inspector_scene_tree_select_key (f->tree, "cube-1"));
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 lamp");
  cube = inspector_scene_tree_get_selected_node (f->tree);
  table = shown_row (f->tree, "table");

  g_assert_true (vrtc_store_set_history_position (view, 3, &error));
  g_assert_no_error (error);
  g_assert_true (inspector_scene_tree_get_store (f->tree) == view);
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 cup ball");
  g_assert_true (inspector_scene_tree_get_selected_node (f->tree) == cube);
  {
    g_autoptr(GtkTreeListRow) table_then = shown_row (f->tree, "table");

    g_assert_true (table_then == table);
  }
  WAIT_UNTIL (inspector_scene_tree_get_row_widget (f->tree, "cup") != NULL);

  /* Removed nodes, when shown, follow too. */
  inspector_scene_tree_set_show_removed (f->tree, TRUE);
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 cup ball lamp");
  g_assert_true (vrtc_store_set_history_position (view, 1, &error));
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 lamp ball");
  inspector_scene_tree_set_show_removed (f->tree, FALSE);

  /* The live store did not move. */
  inspector_scene_tree_set_store (f->tree, f->store);
  g_clear_pointer (&keys, g_free);
  keys = shown_keys (f->tree);
  g_assert_cmpstr (keys, ==, "scene table cube-1 cup ball");
}

/* Inserts under the root @n_groups groups keyed by @group_key (a printf format of the
 * group's number), each with @per_group meshes keyed by @child_key (of the group's number,
 * then the child's). */
static void
insert_groups (VrtcStore  *store,
               guint       n_groups,
               const char *group_key,
               guint       per_group,
               const char *child_key)
{
  for (guint g = 0; g < n_groups; g++)
    {
      g_autofree char *key = g_strdup_printf (group_key, g);
      g_autofree char *group = g_strdup_printf (
        "{\"key\":\"%s\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\","
        "\"parentKey\":\"scene\"}", key);

      edit_json (store, group);
      for (guint i = 0; i < per_group; i++)
        {
          g_autofree char *child_key_i = g_strdup_printf (child_key, g, i);
          g_autofree char *child = g_strdup_printf (
            "{\"key\":\"%s\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
            "\"parentKey\":\"%s\"}", child_key_i, key);

          edit_json (store, child);
        }
    }
}

/* One op for each group number from 0 to @n - 1: @json, a printf format taking the number
 * (twice at most). */
static void
edit_per_group (VrtcStore  *store,
                guint       n,
                const char *json)
{
  for (guint g = 0; g < n; g++)
    {
      g_autofree char *op = g_strdup_printf (json, g, g);

      edit_json (store, op);
    }
}

/*
 * A copy of a list model kept by its items-changed alone, each added row read when it is
 * announced, as a list view does: announcements that do not add up to the model leave it
 * different from the model, or of another length than the model says at the time.
 */
typedef struct
{
  GPtrArray *rows;
  gboolean   out_of_step;
} Mirror;

static void
on_mirror_changed (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   Mirror     *mirror)
{
  if (position + removed > mirror->rows->len)
    {
      mirror->out_of_step = TRUE;
      return;
    }
  g_ptr_array_remove_range (mirror->rows, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror->rows, position + i, g_list_model_get_item (model, position + i));
  if (g_list_model_get_n_items (model) != mirror->rows->len)
    mirror->out_of_step = TRUE;
}

static void
mirror_start (Mirror     *mirror,
              GListModel *model)
{
  mirror->rows = g_ptr_array_new_with_free_func (g_object_unref);
  mirror->out_of_step = FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (mirror->rows, g_list_model_get_item (model, i));
  g_signal_connect (model, "items-changed", G_CALLBACK (on_mirror_changed), mirror);
}

/* Stops following, and checks the copy is the model. */
static void
mirror_check (Mirror     *mirror,
              GListModel *model)
{
  g_signal_handlers_disconnect_by_data (model, mirror);
  g_assert_false (mirror->out_of_step);
  g_assert_cmpuint (mirror->rows->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < mirror->rows->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (item == mirror->rows->pdata[i]);
    }
  g_clear_pointer (&mirror->rows, g_ptr_array_unref);
}

/*
 * A view of history moving under the list: the rows that stay keep their widgets and the
 * first row on screen stays where it is, rows coming and going above it, among the rows on
 * screen and below them. The list hears of changes that add up to the model.
 */
static void
test_view_moves_in_place (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(VrtcStore) store = new_store ("dave");
  g_autoptr(VrtcStore) view = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) first = NULL;
  g_autofree char *screen = NULL;
  Watch watch;
  Mirror mirror;
  double y, h;

  insert_groups (store, 6, "a%u", 20, "c%u-%02u");
  vrtc_message_unref (commit (store));
  /* then a child of every group removed: above the rows on screen, among them (below the
   * first), and below them */
  edit_per_group (store, 6, "{\"key\":\"c%u-08\",\"otype\":\"node.remove\",\"path\":\"\"}");
  vrtc_message_unref (commit (store));
  /* and one more child in every group, last, two in the first group and the last ones */
  edit_per_group (store, 6, "{\"key\":\"late%u\",\"otype\":\"node.insert\",\"path\":\"\","
                            "\"tag\":\"Mesh\",\"parentKey\":\"a%u\"}");
  edit_json (store, "{\"key\":\"more0\",\"otype\":\"node.insert\",\"path\":\"\","
                    "\"tag\":\"Mesh\",\"parentKey\":\"a0\"}");
  for (guint g = 3; g < 6; g++)
    {
      g_autofree char *more = g_strdup_printf (
        "{\"key\":\"more%u\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
        "\"parentKey\":\"a%u\"}", g, g);

      edit_json (store, more);
    }
  vrtc_message_unref (commit (store));
  /* and last, the fifth child of every group removed */
  edit_per_group (store, 6, "{\"key\":\"c%u-05\",\"otype\":\"node.remove\",\"path\":\"\"}");
  vrtc_message_unref (commit (store));

  view = vrtc_store_get_state_at (store, 2);
  inspector_scene_tree_set_store (f->tree, view);
  g_assert_null (inspector_scene_tree_get_selected_node (f->tree));
  WAIT_UNTIL (inspector_scene_tree_get_row_widget (f->tree, "c0-01") != NULL);
  g_assert_null (shown_row (f->tree, "c0-08"));
  spin_main_loop (50);
  h = row_y (f->tree, "c0-01") - row_y (f->tree, "c0-00");
  g_assert_cmpfloat (h, >, 10);
  /* c2-05 at the top: the rows of a0, a1 and the first of a2 above it */
  scroll_tree_to (f->tree, (1 + 2 * 21 + 1 + 1 + 5) * h);
  assert_screen_shows_model (f->tree, "c2-05 c2-06 c2-07 c2-09");
  y = row_y (f->tree, "c2-05");

  watch_row_widgets (f->tree, &watch);
  mirror_start (&mirror, inspector_scene_tree_get_model (f->tree));
  g_assert_true (vrtc_store_set_history_position (view, 0, &error));
  g_assert_no_error (error);
  mirror_check (&mirror, inspector_scene_tree_get_model (f->tree));
  spin_main_loop (50);
  g_assert_nonnull (shown_row (f->tree, "c0-08"));
  g_assert_nonnull (shown_row (f->tree, "c5-08"));
  g_assert_null (shown_row (f->tree, "late0"));
  g_assert_null (shown_row (f->tree, "more5"));
  screen = keys_on_screen (f->tree);
  first = g_strsplit (screen, " ", 2);
  g_assert_cmpstr (first[0], ==, "c2-05");
  g_assert_cmpfloat (row_y (f->tree, "c2-05"), ==, y);
  assert_screen_shows_model (f->tree, "c2-05 c2-06 c2-07 c2-08 c2-09");
  /* the rows that went, in the range the list keeps widgets for */
  g_assert_cmpuint (watch.destroyed, <=, 10);
  unwatch_row_widgets (&watch);

  /* The first row on screen going too, the list settles where it can. */
  mirror_start (&mirror, inspector_scene_tree_get_model (f->tree));
  g_assert_true (vrtc_store_set_history_position (view, 3, &error));
  g_assert_no_error (error);
  mirror_check (&mirror, inspector_scene_tree_get_model (f->tree));
  spin_main_loop (50);
  g_assert_null (shown_row (f->tree, "c2-05"));
  g_clear_pointer (&screen, g_free);
  g_clear_pointer (&first, g_strfreev);
  screen = keys_on_screen (f->tree);
  first = g_strsplit (screen, " ", 2);
  assert_screen_shows_model (f->tree, first[0]);

  inspector_scene_tree_set_store (f->tree, f->store);
}

/* A big scene opens on its top level: groups are opened on their own only while the tree
 * stays small, and one opened by hand shows all its children, kept up to date. */
static void
test_big_scene (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(VrtcStore) big = new_store ("carol");
  g_autoptr(VrtcMessage) message = NULL;
  g_autoptr(GtkTreeListRow) first = NULL;
  g_autoptr(GtkTreeListRow) last = NULL;
  GListModel *rows = inspector_scene_tree_get_model (f->tree);
  guint n_rows;

  insert_groups (big, 40, "g%u", 100, "n%u-%u");
  message = commit (big);

  inspector_scene_tree_set_store (f->tree, big);
  drain ();
  n_rows = g_list_model_get_n_items (rows);
  /* The root, the 40 groups, and the children of the first groups only. */
  g_assert_cmpuint (n_rows, >=, 2000);
  g_assert_cmpuint (n_rows, <, 2200);
  first = shown_row (f->tree, "g0");
  last = shown_row (f->tree, "g39");
  g_assert_true (gtk_tree_list_row_get_expanded (first));
  g_assert_false (gtk_tree_list_row_get_expanded (last));
  g_assert_true (gtk_tree_list_row_is_expandable (last));
  g_assert_null (shown_row (f->tree, "n39-0"));

  gtk_tree_list_row_set_expanded (last, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_rows + 100);
  {
    g_autoptr(GtkTreeListRow) child = shown_row (f->tree, "n39-99");

    g_assert_nonnull (child);
    g_assert_cmpuint (gtk_tree_list_row_get_position (child), ==,
                      g_list_model_get_n_items (rows) - 1);
  }

  edit_json (big, "{\"key\":\"late\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
                  "\"parentKey\":\"g39\"}");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_rows + 101);
  g_assert_nonnull (shown_row (f->tree, "late"));
  g_assert_true (inspector_scene_tree_select_key (f->tree, "n39-50"));
  g_assert_cmpstr (selected_key (f->tree), ==, "n39-50");

  inspector_scene_tree_set_store (f->tree, f->store);
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
  g_test_add ("/inspector/scene-tree/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("rows", test_rows);
  ADD ("select-key", test_select_key);
  ADD ("search", test_search);
  ADD ("highlight", test_highlight);
  ADD ("add-child", test_add_child);
  ADD ("remove", test_remove);
  ADD ("copy-key", test_copy_key);
  ADD ("context-menu", test_context_menu);
  ADD ("expand", test_expand);
  ADD ("collapse-big-group", test_collapse_big_group);
  ADD ("view-moves", test_view_moves);
  ADD ("view-moves-in-place", test_view_moves_in_place);
  ADD ("show-removed", test_show_removed);
  ADD ("selection-follows-move", test_selection_follows_move);
  ADD ("store-swap", test_store_swap);
  ADD ("big-scene", test_big_scene);

  return g_test_run ();
}
