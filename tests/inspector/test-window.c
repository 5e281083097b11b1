/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "inspector-application.h"
#include "inspector-connect-dialog.h"
#include "inspector-node-row.h"
#include "inspector-list-util.h"
#include "inspector-window-private.h"

/* The real window on a real store, driven through its actions and widgets as a user
 * would, with a private X server (xvfb-run) and settings in memory. */

#define TIMEOUT_MS 10000

static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until cond holds; a test that times out fails saying what it waited
 * for. A ticking source keeps the loop from sleeping through a condition set by polling. */
#define WAIT_UNTIL(cond) G_STMT_START {                                         \
    gint64 _end = g_get_monotonic_time () + TIMEOUT_MS * 1000;                  \
    guint _tick = g_timeout_add (10, tick, NULL);                               \
    while (!(cond))                                                             \
      {                                                                         \
        if (g_get_monotonic_time () > _end)                                     \
          g_error ("timed out waiting for %s", #cond);                          \
        g_main_context_iteration (NULL, TRUE);                                  \
      }                                                                         \
    g_source_remove (_tick);                                                    \
  } G_STMT_END

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static InspectorWindow *
new_window (void)
{
  InspectorWindow *window = inspector_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
  return window;
}

static InspectorWindow *
new_local_window (void)
{
  InspectorWindow *window = new_window ();
  g_autoptr(InspectorSession) session = inspector_session_new_local ();

  inspector_window_set_session (window, session);
  drain ();
  return window;
}

static void
close_window (InspectorWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
}

static VrtcStore *
window_store (InspectorWindow *window)
{
  return inspector_session_get_store (inspector_window_get_session (window));
}

static char *
property_json (VrtcStore  *store,
               const char *key,
               const char *path)
{
  VrtcNode *node = vrtc_store_get_node (store, key);

  return node ? vrtc_node_get_property_json (node, path) : NULL;
}

static gboolean
property_is (VrtcStore  *store,
             const char *key,
             const char *path,
             const char *json)
{
  g_autofree char *value = property_json (store, key, path);

  return g_strcmp0 (value, json) == 0;
}

static void
edit_and_commit (VrtcStore  *store,
                 const char *key,
                 const char *otype,
                 const char *path,
                 const char *value_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = vrtc_operation_new (key, otype, path, value_json, &error);
  VrtcMessage *message;

  g_assert_no_error (error);
  vrtc_store_edit (store, op);
  message = vrtc_store_commit (store);
  g_assert_nonnull (message);
  vrtc_message_unref (message);
}

static GtkWindow *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static void
assert_same_json (const char *actual,
                  const char *expected_path)
{
  g_autoptr(JsonParser) a = json_parser_new ();
  g_autoptr(JsonParser) b = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (a, actual, -1, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (b, expected_path, &error));
  g_assert_no_error (error);

  if (!json_node_equal (json_parser_get_root (a), json_parser_get_root (b)))
    {
      g_test_message ("got: %s", actual);
      g_test_fail_printf ("the store differs from %s", expected_path);
    }
}

static char *
vector_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "..", "vectors", "replay", name, NULL);
}

/* With no arguments: the sample scene, editable at once. */
static void
test_local_session (void)
{
  InspectorWindow *window = new_local_window ();
  InspectorSession *session = inspector_window_get_session (window);
  VrtcNode *selected;

  g_assert_cmpint (inspector_session_get_kind (session), ==, INSPECTOR_SESSION_LOCAL);
  g_assert_cmpstr (adw_window_title_get_title (window->window_title), ==, "Local session");
  g_assert_cmpstr (gtk_label_get_label (window->status_label), ==, "Local");

  /* the tree shows the scene, and selecting a row shows the node in the editor */
  WAIT_UNTIL (g_list_model_get_n_items (inspector_scene_tree_get_model (window->scene_tree)) > 0);
  g_assert_true (inspector_scene_tree_select_key (window->scene_tree, "camera"));
  drain ();
  selected = inspector_scene_tree_get_selected_node (window->scene_tree);
  g_assert_nonnull (selected);
  g_assert_cmpstr (vrtc_node_get_key (selected), ==, "camera");
  g_assert_true (inspector_property_editor_get_node (window->property_editor) == selected);

  /* the sample's properties cover every editor type */
  g_assert_true (property_is (window_store (window), "cube", "color", "\"#e01b24\""));
  g_assert_true (property_is (window_store (window), "ball", "quaternion", "[0,0,0,1]"));
  g_assert_true (property_is (window_store (window), "key-light", "intensity", "1.5"));
  g_assert_true (property_is (window_store (window), "cube", "visible", "true"));

  /* the sample was written by another session: nothing of the user's to undo yet */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (window->undo_button)));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (window->redo_button)));

  /* the journal pane starts collapsed and the action opens it */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->timeline)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-journal", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->timeline)));
  g_assert_true (inspector_timeline_get_store (window->timeline) == window_store (window));
  g_assert_true (window->show_journal);

  close_window (window);
}

/* Undo and redo from the header bar change the store and the buttons. */
static void
test_undo_redo (void)
{
  InspectorWindow *window = new_local_window ();
  VrtcStore *store = window_store (window);

  edit_and_commit (store, "key-light", "number.set", "intensity", "3");
  drain ();
  g_assert_true (property_is (store, "key-light", "intensity", "3"));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window->undo_button)));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (window->redo_button)));

  g_signal_emit_by_name (window->undo_button, "clicked");
  drain ();
  g_assert_true (property_is (store, "key-light", "intensity", "1.5"));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (window->undo_button)));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window->redo_button)));

  g_signal_emit_by_name (window->redo_button, "clicked");
  drain ();
  g_assert_true (property_is (store, "key-light", "intensity", "3"));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window->undo_button)));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (window->redo_button)));

  /* and through the actions, as the keys Ctrl+Z and Ctrl+Shift+Z do */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (property_is (store, "key-light", "intensity", "1.5"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_true (property_is (store, "key-light", "intensity", "3"));

  close_window (window);
}

static void
open_and_wait (InspectorWindow *window,
               GFile           *file)
{
  InspectorSession *before = inspector_window_get_session (window);

  inspector_window_open_file (window, file);
  WAIT_UNTIL (inspector_window_get_session (window) != before);
  WAIT_UNTIL (!inspector_session_get_loading (inspector_window_get_session (window)));
  drain ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->progress_bar)));
}

/* Opening file is refused: a dialog whose body says expected, and the window keeps its
 * session and what its store holds. */
static void
assert_open_refused (InspectorWindow *window,
                     GFile           *file,
                     const char      *expected)
{
  InspectorSession *before = inspector_window_get_session (window);
  g_autofree char *shown = vrtc_store_to_json (inspector_session_get_store (before));
  g_autofree char *after = NULL;
  GtkWindow *dialog;
  const char *body;

  inspector_window_open_file (window, file);
  WAIT_UNTIL (find_message_dialog () != NULL);
  dialog = find_message_dialog ();
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  if (strstr (body, expected) == NULL)
    g_error ("\"%s\" does not say %s", body, expected);
  g_assert_true (inspector_window_get_session (window) == before);
  after = vrtc_store_to_json (inspector_session_get_store (before));
  g_assert_cmpstr (after, ==, shown);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->progress_bar)));
  gtk_window_destroy (dialog);
  drain ();
}

/* `vrtc-inspector FILE` goes through GApplication::open to inspector_window_open_file. */
static void
test_open_file_both_dialects (void)
{
  g_autoptr(InspectorApplication) app = inspector_application_new ();
  g_autoptr(GError) error = NULL;
  const char *names[] = { "quickstart.jsonl", "quickstart-compact.jsonl" };
  g_autofree char *expected = vector_path ("quickstart.expected.json");

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = vector_path (names[i]);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      InspectorWindow *window;
      InspectorSession *session;
      g_autofree char *json = NULL;

      g_application_open (G_APPLICATION (app), &file, 1, "");
      WAIT_UNTIL (gtk_application_get_active_window (GTK_APPLICATION (app)) != NULL);
      window = INSPECTOR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
      WAIT_UNTIL (inspector_window_get_session (window) != NULL);
      session = inspector_window_get_session (window);
      WAIT_UNTIL (!inspector_session_get_loading (session));
      drain ();

      g_assert_cmpint (inspector_session_get_kind (session), ==, INSPECTOR_SESSION_FILE);
      g_assert_cmpstr (adw_window_title_get_title (window->window_title), ==, names[i]);
      json = vrtc_store_to_json (inspector_session_get_store (session));
      assert_same_json (json, expected);

      close_window (window);
    }
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint n = g_list_model_get_n_items (controllers);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  return NULL;
}

/* A file dropped on the window opens like one given on the command line. */
static void
test_drop_file (void)
{
  InspectorWindow *window = new_local_window ();
  InspectorSession *before = inspector_window_get_session (window);
  g_autofree char *path = vector_path ("quickstart.jsonl");
  g_autofree char *expected = vector_path ("quickstart.expected.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *json = NULL;
  GtkDropTarget *target = find_drop_target (GTK_WIDGET (window));
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  g_assert_nonnull (target);
  g_assert_true (g_type_is_a (G_TYPE_FILE, gtk_drop_target_get_gtypes (target, NULL)[0]));

  g_value_init (&value, G_TYPE_FILE);
  g_value_set_object (&value, file);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);

  WAIT_UNTIL (inspector_window_get_session (window) != before);
  WAIT_UNTIL (!inspector_session_get_loading (inspector_window_get_session (window)));
  json = vrtc_store_to_json (window_store (window));
  assert_same_json (json, expected);

  close_window (window);
}

/* Window size and the removed-nodes switch are remembered. */
static void
test_window_state (void)
{
  g_autoptr(GSettings) settings = g_settings_new (INSPECTOR_APP_ID);
  InspectorWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 600);
  g_settings_set_boolean (settings, "show-removed", FALSE);

  window = new_local_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 600);

  g_assert_false (inspector_scene_tree_get_show_removed (window->scene_tree));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-removed", NULL));
  g_assert_true (inspector_scene_tree_get_show_removed (window->scene_tree));
  g_assert_true (g_settings_get_boolean (settings, "show-removed"));

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_close (GTK_WINDOW (window));
  drain ();
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_settings_set_boolean (settings, "show-removed", FALSE);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

/* A big journal goes in slices, with progress, and the export reads back the same. */
static void
test_open_big_file_and_save (void)
{
  InspectorWindow *window = new_local_window ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *dir = g_dir_make_tmp ("test-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.jsonl", NULL);
  g_autofree char *copy_path = g_build_filename (dir, "copy.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) copy = g_file_new_for_path (copy_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *exported = NULL;
  InspectorSession *before = inspector_window_get_session (window);
  InspectorSession *session;
  const guint n = 20000;
  gboolean saw_progress = FALSE;

  g_string_append (text, "{\"id\":\"gen:1\",\"sessionId\":\"gen\",\"clock\":{\"gen\":1},"
                         "\"lamportTime\":1,\"timestamp\":1700000000000,\"ops\":[{\"key\":"
                         "\"counter\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\","
                         "\"parentKey\":\"scene\",\"value\":{\"n\":0}}]}\n");
  for (guint i = 2; i <= n; i++)
    g_string_append_printf (text, "{\"id\":\"gen:%u\",\"sessionId\":\"gen\",\"clock\":"
                            "{\"gen\":%u},\"lamportTime\":%u,\"timestamp\":1700000000000,"
                            "\"ops\":[{\"key\":\"counter\",\"otype\":\"number.add\","
                            "\"path\":\"n\",\"value\":1}]}\n", i, i, i);
  g_assert_true (g_file_set_contents (path, text->str, text->len, &error));
  g_assert_no_error (error);

  inspector_window_open_file (window, file);
  WAIT_UNTIL (inspector_window_get_session (window) != before);
  session = inspector_window_get_session (window);
  while (inspector_session_get_loading (session))
    {
      if (gtk_widget_get_visible (GTK_WIDGET (window->progress_bar)) &&
          inspector_session_get_progress (session) > 0 &&
          inspector_session_get_progress (session) < 1)
        saw_progress = TRUE;
      g_main_context_iteration (NULL, TRUE);
    }
  drain ();

  g_assert_true (saw_progress);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->progress_bar)));
  g_assert_cmpuint (vrtc_store_get_journal_length (inspector_session_get_store (session)), ==, n);
  json = property_json (inspector_session_get_store (session), "counter", "n");
  g_assert_cmpstr (json, ==, "19999");

  /* Save As writes what Open reads */
  exported = inspector_session_export_journal (session);
  g_assert_true (g_file_set_contents (copy_path, exported, -1, &error));
  g_assert_no_error (error);
  g_object_ref (session);
  open_and_wait (window, copy);
  {
    g_autofree char *original = vrtc_store_to_json (inspector_session_get_store (session));
    g_autofree char *reread = vrtc_store_to_json (window_store (window));

    g_assert_cmpstr (reread, ==, original);
  }
  g_object_unref (session);

  close_window (window);
  g_remove (path);
  g_remove (copy_path);
  g_rmdir (dir);
}

static void
on_toast_text (InspectorSession  *session,
               const char        *text,
               char             **out)
{
  g_free (*out);
  *out = g_strdup (text);
}

/* Opens file and waits until it is loaded; *toast gets the last toast its session showed
 * (the caller disconnects on_toast_text from the session when toast goes away first). */
static InspectorSession *
open_and_wait_toast (InspectorWindow  *window,
                     GFile            *file,
                     char            **toast)
{
  InspectorSession *before = inspector_window_get_session (window);
  InspectorSession *session;

  inspector_window_open_file (window, file);
  WAIT_UNTIL (inspector_window_get_session (window) != before);
  session = inspector_window_get_session (window);
  g_signal_connect (session, "toast", G_CALLBACK (on_toast_text), toast);
  WAIT_UNTIL (!inspector_session_get_loading (session));
  drain ();
  return session;
}

/* A snapshot with one node, box (x = 5), under the root. */
#define BOX_SNAPSHOT \
    "{\"graph\":{\"nodes\":{" \
    "\"box\":{\"children\":[],\"clock\":{\"a\":1},\"createdAt\":1000,\"key\":\"box\",\"lamportTime\":1," \
    "\"name\":\"Box\",\"tag\":\"Mesh\",\"updatedAt\":1000,\"x\":5}," \
    "\"scene\":{\"children\":[\"box\"],\"clock\":{},\"createdAt\":0,\"key\":\"scene\",\"lamportTime\":0," \
    "\"name\":\"Root\",\"tag\":\"Scene\",\"updatedAt\":0}},\"rootKey\":\"scene\"},\"journalIndex\":1," \
    "\"lamportTime\":1,\"orphans\":{},\"stamps\":{\"box\":{\"insert\":[1,\"a\",0],\"parent\":[\"scene\"]}}," \
    "\"vectorClock\":{\"a\":1}}"

/* A file that starts with a state frame (snapshot + journal), then more messages: all of it
 * is shown; the snapshot is loaded as a stream. A bad line after the frame is refused with
 * the line the whole file gives, and the window keeps what it showed. */
static void
test_open_state_frame (void)
{
  InspectorWindow *window = new_local_window ();
  g_autofree char *dir = g_dir_make_tmp ("test-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "state.jsonl", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "bad-state.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *x = NULL, *y = NULL;
  const char *frame =
    "{\"mtype\":\"state\",\"snapshot\":" BOX_SNAPSHOT ",\"journal\":[{\"id\":\"a:2\",\"sessionId\":\"a\",\"clock\":{\"a\":2},"
    "\"lamportTime\":2,\"timestamp\":2000,\"ops\":[{\"key\":\"box\",\"otype\":\"number.add\",\"path\":\"x\","
    "\"value\":1}]}]}\n";
  const char *line =
    "{\"id\":\"b:1\",\"sessionId\":\"b\",\"clock\":{\"a\":2,\"b\":1},\"lamportTime\":3,\"timestamp\":3000,"
    "\"ops\":[{\"key\":\"box\",\"otype\":\"number.set\",\"path\":\"y\",\"value\":7}]}\n";
  g_autofree char *good = g_strconcat (frame, line, NULL);
  g_autofree char *bad = g_strconcat (frame, line, "{\"id\": nope}\n", NULL);

  g_assert_true (g_file_set_contents (path, good, -1, &error));
  g_assert_true (g_file_set_contents (bad_path, bad, -1, &error));
  g_assert_no_error (error);

  open_and_wait (window, file);
  x = property_json (window_store (window), "box", "x");
  y = property_json (window_store (window), "box", "y");
  g_assert_cmpstr (x, ==, "6");   /* 5 from the snapshot, + 1 from the frame's journal */
  g_assert_cmpstr (y, ==, "7");   /* the line after the frame */
  g_assert_cmpuint (vrtc_store_get_journal_length (window_store (window)), ==, 2);

  assert_open_refused (window, bad_file, "bad-state.jsonl:3");

  close_window (window);
  g_remove (path);
  g_remove (bad_path);
  g_rmdir (dir);
}

/* A bare snapshot file (what vrtc_snapshot_to_json writes) opens as the state it holds; a
 * broken one, or one whose graph is not what a snapshot has, is refused naming the file and
 * the place, and the window keeps what it showed. */
static void
test_open_snapshot_file (void)
{
  InspectorWindow *window = new_local_window ();
  InspectorSession *session;
  g_autofree char *dir = g_dir_make_tmp ("test-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "scene.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *x = NULL, *toast = NULL;
  const char *snapshot = BOX_SNAPSHOT "\n";
  static const struct {
    const char *name;
    const char *text;
    const char *expected;   /* in the dialog's body */
  } bad[] = {
    { "cut.json", "{\"graph\":{\"nodes\":{\"box\":{\"x\":5},", "cut.json:1:" },
    { "wrong.json", "{\"graph\":{\"nodes\":[]},\"lamportTime\":1}", "wrong.json: snapshot.graph.nodes: expected an object" },
  };

  g_assert_true (g_file_set_contents (path, snapshot, -1, &error));
  g_assert_no_error (error);
  session = open_and_wait_toast (window, file, &toast);
  x = property_json (window_store (window), "box", "x");
  g_assert_cmpstr (x, ==, "5");
  g_assert_cmpuint (vrtc_store_get_journal_length (window_store (window)), ==, 0);
  g_assert_cmpstr (toast, ==, "Opened the snapshot “scene.json”");
  g_signal_handlers_disconnect_by_data (session, &toast);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *bad_path = g_build_filename (dir, bad[i].name, NULL);
      g_autoptr(GFile) bad_file = g_file_new_for_path (bad_path);

      g_assert_true (g_file_set_contents (bad_path, bad[i].text, -1, &error));
      assert_open_refused (window, bad_file, bad[i].expected);
      g_remove (bad_path);
    }

  close_window (window);
  g_remove (path);
  g_rmdir (dir);
}

/* A big file is shown while its later lines are parsed; an error there, too late to refuse
 * the file, is told as the whole file would tell it: the first part stays, and the toast
 * says how many messages are shown and that the rest was not read. */
static void
test_open_big_file_late_error (void)
{
  InspectorWindow *window = new_local_window ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *dir = g_dir_make_tmp ("test-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "late.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *toast = NULL;
  InspectorSession *session;
  const guint n = 20000;
  guint length;

  for (guint i = 1; i <= n; i++)
    if (i == 19000)
      g_string_append (text, "{\"id\": nope}\n");
    else
      g_string_append_printf (text, "{\"id\":\"gen:%u\",\"sessionId\":\"gen\",\"clock\":"
                              "{\"gen\":%u},\"lamportTime\":%u,\"timestamp\":1700000000000,"
                              "\"ops\":[{\"key\":\"scene\",\"otype\":\"number.set\","
                              "\"path\":\"n\",\"value\":%u}]}\n", i, i, i, i);
  g_assert_true (g_file_set_contents (path, text->str, text->len, &error));
  g_assert_no_error (error);

  session = open_and_wait_toast (window, file, &toast);

  length = vrtc_store_get_journal_length (inspector_session_get_store (session));
  g_assert_cmpuint (length, >, 0);
  g_assert_cmpuint (length, <, 19000);
  g_assert_nonnull (toast);
  g_test_message ("%s", toast);
  g_assert_nonnull (strstr (toast, "late.jsonl:19000"));
  /* it says how much was shown and that the rest was not, not "1 message was refused" */
  {
    g_autofree char *first = g_strdup_printf ("the first %u messages", length);

    g_assert_nonnull (strstr (toast, first));
    g_assert_nonnull (strstr (toast, "the rest could not be read"));
    g_assert_null (strstr (toast, "refused"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  drain ();
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_open_bad_file (void)
{
  InspectorWindow *window = new_local_window ();
  InspectorSession *before = inspector_window_get_session (window);
  g_autofree char *path = vector_path ("malformed-json.jsonl");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/journal.jsonl");
  GtkWindow *dialog;

  assert_open_refused (window, file, "malformed-json.jsonl:");
  assert_open_refused (window, missing, "journal.jsonl");

  /* not a room address: a dialog too, and the local session stays */
  inspector_window_open_url (window, "http://localhost:8080/room");
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "ws://"));
  g_assert_true (inspector_window_get_session (window) == before);
  gtk_window_destroy (dialog);

  close_window (window);
}

/* Host a room, join it from a second store as another inspector would, edit on both
 * sides. */
static void
test_host_and_join (void)
{
  InspectorWindow *window = new_local_window ();
  g_autoptr(VrtcStore) peer = vrtc_store_new ("peer-test");
  g_autoptr(VrtcClient) client = NULL;
  g_autoptr(GSettings) settings = g_settings_new (INSPECTOR_APP_ID);
  g_auto(GStrv) recent = NULL;
  InspectorWindow *second;
  InspectorSession *session;
  VrtcStore *store;
  GtkWidget *row;
  const char *url;

  edit_and_commit (window_store (window), "cube", "color.set", "color", "\"#33d17a\"");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.host", NULL));
  session = inspector_window_get_session (window);
  g_assert_cmpint (inspector_session_get_kind (session), ==, INSPECTOR_SESSION_HOST);
  store = window_store (window);

  WAIT_UNTIL (inspector_session_get_status (session) == VRTC_CLIENT_STATUS_CONNECTED);
  drain ();
  g_assert_cmpstr (gtk_label_get_label (window->status_label), ==, "Connected");
  url = inspector_session_get_join_url (session);
  g_assert_nonnull (url);
  g_assert_true (g_str_has_prefix (url, "ws://127.0.0.1:"));
  g_assert_true (gtk_revealer_get_reveal_child (window->join_revealer));
  g_assert_cmpstr (gtk_label_get_label (window->join_url_label), ==, url);

  /* the second inspector gets the sample scene and the edit made before hosting */
  client = vrtc_client_new (peer, url);
  vrtc_client_connect (client);
  WAIT_UNTIL (vrtc_client_get_status (client) == VRTC_CLIENT_STATUS_CONNECTED);
  WAIT_UNTIL (property_is (peer, "cube", "color", "\"#33d17a\""));
  g_assert_true (property_is (peer, "camera", "fov", "50"));

  /* its edit shows in the window, its row flashes, and the window counts it as a peer */
  row = inspector_scene_tree_get_row_widget (window->scene_tree, "key-light");
  g_assert_nonnull (row);
  g_assert_false (inspector_node_row_get_flashing (INSPECTOR_NODE_ROW (row)));
  edit_and_commit (peer, "key-light", "number.set", "intensity", "2.5");
  WAIT_UNTIL (inspector_node_row_get_flashing (INSPECTOR_NODE_ROW (row)));
  g_assert_true (property_is (store, "key-light", "intensity", "2.5"));
  WAIT_UNTIL (g_strcmp0 (gtk_label_get_label (window->peers_label), "1") == 0);
  g_assert_true (gtk_widget_get_visible (window->peers_box));

  /* and the window's edits reach it */
  edit_and_commit (store, "ball", "number.set", "radius", "0.3");
  WAIT_UNTIL (property_is (peer, "ball", "radius", "0.3"));

  /* a second inspector window joins through the same path as `vrtc-inspector URL` */
  second = new_window ();
  inspector_window_open_url (second, url);
  g_assert_cmpint (inspector_session_get_kind (inspector_window_get_session (second)), ==,
                   INSPECTOR_SESSION_ROOM);
  g_assert_cmpstr (adw_window_title_get_title (second->window_title), ==, "scene");
  WAIT_UNTIL (g_strcmp0 (gtk_label_get_label (second->status_label), "Connected") == 0);
  WAIT_UNTIL (property_is (window_store (second), "key-light", "intensity", "2.5"));
  edit_and_commit (window_store (second), "camera", "number.set", "fov", "65");
  WAIT_UNTIL (property_is (store, "camera", "fov", "65"));
  WAIT_UNTIL (property_is (peer, "camera", "fov", "65"));
  WAIT_UNTIL (g_strcmp0 (gtk_label_get_label (window->peers_label), "2") == 0);

  /* a room joined once is offered again in the connect dialog */
  recent = g_settings_get_strv (settings, "recent-servers");
  g_assert_cmpstr (recent[0], ==, url);

  vrtc_client_disconnect (client);
  close_window (second);
  close_window (window);
}

/* A server that does not answer: connecting, then a countdown to the next attempt. */
static void
test_unreachable_server (void)
{
  InspectorWindow *window = new_local_window ();
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  InspectorSession *session;
  guint16 port;

  /* a port that was free a moment ago, and closed again */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  url = g_strdup_printf ("ws://127.0.0.1:%u/nowhere", port);

  inspector_window_open_url (window, url);
  session = inspector_window_get_session (window);
  g_assert_cmpint (inspector_session_get_kind (session), ==, INSPECTOR_SESSION_ROOM);
  g_assert_cmpstr (adw_window_title_get_title (window->window_title), ==, "nowhere");
  WAIT_UNTIL (g_str_has_prefix (gtk_label_get_label (window->status_label), "Reconnecting in "));
  g_assert_true (gtk_widget_has_css_class (window->status_dot, "reconnecting"));
  g_assert_false (gtk_widget_get_visible (window->peers_box));

  /* the local session is one action away */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-local", NULL));
  g_assert_cmpstr (gtk_label_get_label (window->status_label), ==, "Local");

  close_window (window);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
collect_toast (InspectorSession *session,
               const char       *text,
               GPtrArray        *toasts)
{
  g_ptr_array_add (toasts, g_strdup (text));
}

static gboolean
has_toast (GPtrArray  *toasts,
           const char *prefix)
{
  for (guint i = 0; i < toasts->len; i++)
    if (g_str_has_prefix (toasts->pdata[i], prefix))
      return TRUE;
  return FALSE;
}

/* The relay goes away and comes back: a countdown, then a toast and the edits made
 * meanwhile reach the room. */
static void
test_reconnect (void)
{
  InspectorWindow *window = new_window ();
  g_autofree char *dir = g_dir_make_tmp ("test-window-XXXXXX", NULL);
  g_autoptr(GPtrArray) toasts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcRelay) relay = vrtc_relay_new (dir, &error);
  g_autoptr(VrtcStore) peer = vrtc_store_new ("peer-test");
  g_autoptr(VrtcClient) client = NULL;
  g_autofree char *url = NULL;
  InspectorSession *session;
  guint port;

  g_assert_no_error (error);
  g_assert_true (vrtc_relay_listen (relay, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  port = vrtc_relay_get_port (relay);
  url = vrtc_relay_get_url (relay, "lab");

  inspector_window_open_url (window, url);
  session = inspector_window_get_session (window);
  g_signal_connect (session, "toast", G_CALLBACK (collect_toast), toasts);
  WAIT_UNTIL (g_strcmp0 (gtk_label_get_label (window->status_label), "Connected") == 0);

  vrtc_relay_stop (relay);
  g_clear_object (&relay);
  WAIT_UNTIL (g_str_has_prefix (gtk_label_get_label (window->status_label), "Reconnecting in "));
  g_assert_true (has_toast (toasts, "Lost the connection"));

  /* offline edits wait in the store */
  edit_and_commit (window_store (window), "scene", "string.set", "label", "\"offline edit\"");

  relay = vrtc_relay_new (dir, &error);
  g_assert_no_error (error);
  g_assert_true (vrtc_relay_listen (relay, "127.0.0.1", port, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (g_strcmp0 (gtk_label_get_label (window->status_label), "Connected") == 0);
  g_assert_true (has_toast (toasts, "Reconnected"));

  client = vrtc_client_new (peer, url);
  vrtc_client_connect (client);
  WAIT_UNTIL (property_is (peer, "scene", "label", "\"offline edit\""));

  vrtc_client_disconnect (client);
  g_signal_handlers_disconnect_by_data (session, toasts);
  close_window (window);
  vrtc_relay_stop (relay);
  g_clear_object (&relay);
  remove_dir (dir);
}

/* The connect dialog checks the address as it is typed and remembers servers. */
static void
test_connect_dialog (void)
{
  InspectorWindow *window = new_local_window ();
  g_autoptr(GSettings) settings = g_settings_new (INSPECTOR_APP_ID);
  const char *recent[] = { "ws://example.org:8080/lab", NULL };
  GtkWindow *dialog;
  g_autofree char *url = NULL;

  g_settings_set_strv (settings, "recent-servers", recent);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.connect", NULL));
  WAIT_UNTIL (find_message_dialog () != NULL);
  dialog = find_message_dialog ();
  g_assert_true (INSPECTOR_IS_CONNECT_DIALOG (dialog));

  /* the most recent server is offered first */
  url = inspector_connect_dialog_dup_url (INSPECTOR_CONNECT_DIALOG (dialog));
  g_assert_cmpstr (url, ==, "ws://example.org:8080/lab");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog),
                                                          "connect"));

  inspector_connect_dialog_set_url (INSPECTOR_CONNECT_DIALOG (dialog), "localhost:8080");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog),
                                                           "connect"));
  inspector_connect_dialog_set_url (INSPECTOR_CONNECT_DIALOG (dialog), "ws://localhost:8080/");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog),
                                                           "connect"));
  inspector_connect_dialog_set_url (INSPECTOR_CONNECT_DIALOG (dialog), "ws://localhost:1/r");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog),
                                                          "connect"));

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "connect");
  gtk_window_destroy (dialog);
  drain ();
  g_assert_cmpstr (inspector_session_get_url (inspector_window_get_session (window)), ==,
                   "ws://localhost:1/r");

  close_window (window);
}

/* A tooltip set by inspector_set_tooltip_text() is answered when GTK asks for it, and is the
 * widget's accessible description. */
static void
test_tooltip_text (void)
{
  GtkWidget *label = g_object_ref_sink (gtk_label_new ("x"));
  GtkTooltip *tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean shown = FALSE;

  g_assert_false (gtk_widget_get_has_tooltip (label));
  inspector_set_tooltip_text (label, "Removed");
  g_assert_true (gtk_widget_get_has_tooltip (label));
  g_assert_cmpstr (inspector_get_tooltip_text (label), ==, "Removed");
  g_signal_emit_by_name (label, "query-tooltip", 1, 1, FALSE, tooltip, &shown);
  g_assert_true (shown);

  inspector_set_tooltip_text (label, NULL);
  g_assert_false (gtk_widget_get_has_tooltip (label));
  g_assert_null (inspector_get_tooltip_text (label));
  shown = FALSE;
  g_signal_emit_by_name (label, "query-tooltip", 1, 1, FALSE, tooltip, &shown);
  g_assert_false (shown);

  g_object_unref (tooltip);
  g_object_unref (label);
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

  g_test_add_func ("/inspector/window/local-session", test_local_session);
  g_test_add_func ("/inspector/window/undo-redo", test_undo_redo);
  g_test_add_func ("/inspector/window/open-file", test_open_file_both_dialects);
  g_test_add_func ("/inspector/window/open-big-file-and-save", test_open_big_file_and_save);
  g_test_add_func ("/inspector/window/open-big-file-late-error",
                   test_open_big_file_late_error);
  g_test_add_func ("/inspector/window/open-bad-file", test_open_bad_file);
  g_test_add_func ("/inspector/window/drop-file", test_drop_file);
  g_test_add_func ("/inspector/window/window-state", test_window_state);
  g_test_add_func ("/inspector/window/open-state-frame", test_open_state_frame);
  g_test_add_func ("/inspector/window/open-snapshot-file", test_open_snapshot_file);
  g_test_add_func ("/inspector/window/host-and-join", test_host_and_join);
  g_test_add_func ("/inspector/window/unreachable-server", test_unreachable_server);
  g_test_add_func ("/inspector/window/reconnect", test_reconnect);
  g_test_add_func ("/inspector/window/connect-dialog", test_connect_dialog);
  g_test_add_func ("/inspector/window/tooltip-text", test_tooltip_text);

  return g_test_run ();
}
