/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include <glib/gstdio.h>

#include <vrtc.h>

/* Helpers */

static void
edit_json (VrtcStore  *store,
           const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = vrtc_operation_new_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (op);
  vrtc_store_edit (store, op);
}

static void
insert (VrtcStore  *store,
        const char *key,
        const char *parent)
{
  g_autofree char *json =
    g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"node.insert\",\"path\":\"\","
                     "\"tag\":\"Mesh\",\"parentKey\":\"%s\"}", key, parent);

  edit_json (store, json);
}

static VrtcMessage *
commit (VrtcStore *store)
{
  VrtcMessage *msg = vrtc_store_commit (store);

  g_assert_nonnull (msg);
  return msg;
}

static void
deliver (VrtcStore   *to,
         VrtcMessage *msg)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vrtc_store_receive (to, msg, &error));
  g_assert_no_error (error);
}

static VrtcStore *
new_store (const char *session)
{
  VrtcStore *store = vrtc_store_new (session);

  vrtc_store_set_fixed_time (store, 1700000000000.0);
  return store;
}

static void
assert_same_json (VrtcStore *a,
                  VrtcStore *b)
{
  g_autofree char *ja = vrtc_store_to_json (a);
  g_autofree char *jb = vrtc_store_to_json (b);

  g_assert_cmpstr (ja, ==, jb);
}

static void
assert_property (VrtcStore  *store,
                 const char *key,
                 const char *path,
                 const char *expected)
{
  VrtcNode *node = vrtc_store_get_node (store, key);
  g_autofree char *json = NULL;

  g_assert_nonnull (node);
  json = vrtc_node_get_property_json (node, path);
  g_assert_cmpstr (json, ==, expected);
}

/* items-changed recorder */

typedef struct {
  guint position, removed, added;
} Change;

static void
record_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      GArray     *changes)
{
  Change c = { position, removed, added };

  g_array_append_val (changes, c);
}

static void
assert_change (GArray *changes,
               guint   index,
               guint   position,
               guint   removed,
               guint   added)
{
  Change *c;

  g_assert_cmpuint (changes->len, >, index);
  c = &g_array_index (changes, Change, index);
  g_assert_cmpuint (c->position, ==, position);
  g_assert_cmpuint (c->removed, ==, removed);
  g_assert_cmpuint (c->added, ==, added);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* Tests */

static void
test_quickstart (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcMessage) msg = NULL;
  g_autofree char *json = NULL;
  VrtcNode *cube;

  g_assert_cmpstr (vrtc_store_get_session_id (store), ==, "alice");
  g_assert_nonnull (vrtc_store_get_root (store));
  g_assert_cmpstr (vrtc_node_get_key (vrtc_store_get_root (store)), ==, "scene");
  g_assert_null (vrtc_store_get_node (store, "cube-1"));

  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"node.insert\",\"path\":\"\","
                    "\"tag\":\"Mesh\",\"parentKey\":\"scene\"}");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\","
                    "\"path\":\"transform.position\",\"value\":[1,0,0]}");
  g_assert_true (vrtc_store_has_pending_edits (store));
  g_assert_cmpuint (vrtc_store_get_pending_count (store), ==, 2);

  msg = commit (store);
  g_assert_cmpstr (vrtc_message_get_id (msg), ==, "alice:1");
  g_assert_cmpint (vrtc_message_get_lamport_time (msg), ==, 1);
  g_assert_cmpfloat (vrtc_message_get_timestamp (msg), ==, 1700000000000.0);
  g_assert_cmpuint (vrtc_message_get_n_operations (msg), ==, 2);
  g_assert_false (vrtc_store_has_pending_edits (store));
  g_assert_cmpint (vrtc_store_get_lamport_time (store), ==, 1);

  cube = vrtc_store_get_node (store, "cube-1");
  g_assert_nonnull (cube);
  g_assert_true (vrtc_store_get_node (store, "cube-1") == cube);
  g_assert_cmpstr (vrtc_node_get_tag (cube), ==, "Mesh");
  g_assert_cmpstr (vrtc_node_get_parent_key (cube), ==, "scene");
  g_assert_true (vrtc_node_get_parent (cube) == vrtc_store_get_root (store));
  g_assert_true (vrtc_node_is_live (cube));
  g_assert_true (vrtc_node_is_visible (cube));
  assert_property (store, "cube-1", "transform.position", "[1,0,0]");

  json = vrtc_store_to_json (store);
  g_assert_nonnull (strstr (json, "\"cube-1\""));
  g_assert_true (g_str_has_suffix (json, "\"rootKey\":\"scene\"}"));

  g_clear_pointer (&json, g_free);
  json = vrtc_node_to_json (cube);
  g_assert_nonnull (json);
  g_assert_nonnull (strstr (json, "\"Mesh\""));
}

typedef struct {
  GPtrArray *nodes;
  GPtrArray *paths;
  guint      detailed;
  guint      committed;
  guint      received;
} SignalLog;

static void
on_node_changed (VrtcStore *store,
                 VrtcNode  *node,
                 SignalLog *log)
{
  g_ptr_array_add (log->nodes, node);
}

static void
on_property_changed (VrtcStore  *store,
                     VrtcNode   *node,
                     const char *path,
                     SignalLog  *log)
{
  g_ptr_array_add (log->nodes, node);
  g_ptr_array_add (log->paths, g_strdup (path));
}

static void
on_detailed (VrtcStore  *store,
             VrtcNode   *node,
             const char *path,
             SignalLog  *log)
{
  g_assert_cmpstr (path, ==, "color");
  log->detailed++;
}

static void
on_message (VrtcStore   *store,
            VrtcMessage *msg,
            guint       *count)
{
  g_assert_nonnull (vrtc_message_get_id (msg));
  (*count)++;
}

static void
test_signals (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcStore) peer = new_store ("bob");
  g_autoptr(VrtcMessage) msg = NULL;
  g_autoptr(VrtcMessage) msg2 = NULL;
  SignalLog log = { g_ptr_array_new (), g_ptr_array_new_with_free_func (g_free), 0, 0, 0 };
  guint lamport_notifies = 0, pending_notifies = 0, has_pending_notifies = 0;
  VrtcNode *cube;

  g_signal_connect (store, "property-changed", G_CALLBACK (on_property_changed), &log);
  g_signal_connect (store, "property-changed::color", G_CALLBACK (on_detailed), &log);
  g_signal_connect (store, "message-committed", G_CALLBACK (on_message), &log.committed);
  g_signal_connect (peer, "message-received", G_CALLBACK (on_message), &log.received);
  g_signal_connect (store, "notify::lamport-time", G_CALLBACK (count_notify), &lamport_notifies);
  g_signal_connect (store, "notify::pending-count", G_CALLBACK (count_notify), &pending_notifies);
  g_signal_connect (store, "notify::has-pending-edits", G_CALLBACK (count_notify),
                    &has_pending_notifies);

  insert (store, "cube-1", "scene");
  g_assert_cmpuint (pending_notifies, ==, 1);
  g_assert_cmpuint (has_pending_notifies, ==, 1);
  msg = commit (store);
  g_assert_cmpuint (log.committed, ==, 1);
  g_assert_cmpuint (lamport_notifies, ==, 1);
  g_assert_cmpuint (pending_notifies, ==, 2);
  g_assert_cmpuint (has_pending_notifies, ==, 2);

  cube = vrtc_store_get_node (store, "cube-1");
  g_ptr_array_set_size (log.nodes, 0);
  g_ptr_array_set_size (log.paths, 0);

  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\","
                    "\"path\":\"transform.position\",\"value\":[1,0,0]}");
  g_assert_cmpuint (log.paths->len, ==, 1);
  g_assert_true (g_ptr_array_index (log.nodes, 0) == cube);
  g_assert_cmpstr (g_ptr_array_index (log.paths, 0), ==, "transform.position");
  g_assert_cmpuint (log.detailed, ==, 0);

  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"color.set\",\"path\":\"color\","
                    "\"value\":\"#ff0000\"}");
  g_assert_cmpuint (log.paths->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (log.paths, 1), ==, "color");
  g_assert_cmpuint (log.detailed, ==, 1);

  /* Committing previewed edits changes no value: no property signal. */
  msg2 = commit (store);
  g_assert_cmpuint (log.paths->len, ==, 2);
  g_assert_cmpuint (log.committed, ==, 2);

  /* Another store sees a node-changed for the insert, property-changed for the rest. */
  g_signal_connect (peer, "node-changed", G_CALLBACK (on_node_changed), &log);
  g_ptr_array_set_size (log.nodes, 0);
  deliver (peer, msg);
  g_assert_cmpuint (log.received, ==, 1);
  g_assert_cmpuint (log.nodes->len, >=, 1);
  g_assert_true (g_ptr_array_index (log.nodes, 0) == vrtc_store_get_node (peer, "cube-1"));

  /* A duplicate changes nothing and is not reported. */
  deliver (peer, msg);
  g_assert_cmpuint (log.received, ==, 1);

  g_ptr_array_unref (log.nodes);
  g_ptr_array_unref (log.paths);
}

static void
test_children_model (void)
{
  g_autoptr(GArray) root_changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GArray) a_changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autoptr(VrtcMessage) m2 = NULL;
  g_autoptr(VrtcMessage) m3 = NULL;
  g_autoptr(VrtcMessage) m4 = NULL;
  g_autoptr(VrtcMessage) m5 = NULL;
  g_autoptr(VrtcNode) item = NULL;
  GListModel *root_children, *a_children;
  VrtcNode *c;
  guint visible_notifies = 0;

  root_children = vrtc_node_get_children (vrtc_store_get_root (store));
  g_assert_true (g_list_model_get_item_type (root_children) == VRTC_TYPE_NODE);
  g_assert_cmpuint (g_list_model_get_n_items (root_children), ==, 0);
  g_signal_connect (root_children, "items-changed", G_CALLBACK (record_items_changed),
                    root_changes);

  insert (store, "a", "scene");
  m1 = commit (store);
  insert (store, "b", "scene");
  m2 = commit (store);
  insert (store, "c", "scene");
  m3 = commit (store);

  g_assert_cmpuint (root_changes->len, ==, 3);
  assert_change (root_changes, 0, 0, 0, 1);
  assert_change (root_changes, 1, 1, 0, 1);
  assert_change (root_changes, 2, 2, 0, 1);
  g_assert_cmpuint (g_list_model_get_n_items (root_children), ==, 3);
  item = g_list_model_get_item (root_children, 1);
  g_assert_true (item == vrtc_store_get_node (store, "b"));
  g_clear_object (&item);

  /* remove b: one row goes, at its position */
  edit_json (store, "{\"key\":\"b\",\"otype\":\"node.remove\",\"path\":\"\"}");
  m4 = commit (store);
  g_assert_cmpuint (root_changes->len, ==, 4);
  assert_change (root_changes, 3, 1, 1, 0);
  g_assert_false (vrtc_node_is_live (vrtc_store_get_node (store, "b")));

  /* move c under a */
  a_children = vrtc_node_get_children (vrtc_store_get_node (store, "a"));
  g_signal_connect (a_children, "items-changed", G_CALLBACK (record_items_changed), a_changes);
  c = vrtc_store_get_node (store, "c");
  edit_json (store, "{\"key\":\"c\",\"otype\":\"node.move\",\"path\":\"\","
                    "\"value\":{\"nodeKey\":\"c\",\"newParent\":\"a\"}}");
  m5 = commit (store);
  g_assert_cmpuint (root_changes->len, ==, 5);
  assert_change (root_changes, 4, 1, 1, 0);
  g_assert_cmpuint (a_changes->len, ==, 1);
  assert_change (a_changes, 0, 0, 0, 1);
  item = g_list_model_get_item (a_children, 0);
  g_assert_true (item == c);
  g_clear_object (&item);
  g_assert_cmpstr (vrtc_node_get_parent_key (c), ==, "a");

  /* removing a hides c: visible is notified on the cached descendant */
  g_signal_connect (c, "notify::visible", G_CALLBACK (count_notify), &visible_notifies);
  edit_json (store, "{\"key\":\"a\",\"otype\":\"node.remove\",\"path\":\"\"}");
  g_assert_cmpuint (root_changes->len, ==, 6);
  assert_change (root_changes, 5, 0, 1, 0);
  g_assert_false (vrtc_node_is_visible (c));
  g_assert_true (vrtc_node_is_live (c));
  g_assert_cmpuint (visible_notifies, ==, 1);

  vrtc_store_cancel_edits (store);
  g_assert_cmpuint (root_changes->len, ==, 7);
  assert_change (root_changes, 6, 0, 0, 1);
  g_assert_true (vrtc_node_is_visible (c));
  g_assert_cmpuint (visible_notifies, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (root_children), ==, 1);
}

static void
test_properties_model (void)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcMessage) msg = NULL;
  g_autoptr(VrtcProperty) prop = NULL;
  g_autoptr(VrtcProperty) color = NULL;
  g_autofree char *provenance = NULL;
  GListModel *props;
  guint value_notifies = 0;

  insert (store, "cube-1", "scene");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"vector3.set\","
                    "\"path\":\"transform.position\",\"value\":[0,0,0]}");
  msg = commit (store);

  props = vrtc_node_get_properties (vrtc_store_get_node (store, "cube-1"));
  g_assert_true (g_list_model_get_item_type (props) == VRTC_TYPE_PROPERTY);
  g_assert_cmpuint (g_list_model_get_n_items (props), ==, 1);
  g_signal_connect (props, "items-changed", G_CALLBACK (record_items_changed), changes);

  prop = g_list_model_get_item (props, 0);
  g_assert_cmpstr (vrtc_property_get_path (prop), ==, "transform.position");
  g_assert_cmpstr (vrtc_property_get_key (prop), ==, "cube-1");
  g_assert_cmpstr (vrtc_property_get_value_json (prop), ==, "[0,0,0]");
  g_assert_cmpstr (vrtc_property_get_value_type (prop), ==, "vector3");
  g_assert_true (vrtc_property_get_node (prop) == vrtc_store_get_node (store, "cube-1"));
  g_signal_connect (prop, "notify::value-json", G_CALLBACK (count_notify), &value_notifies);

  /* added properties go in path order */
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"color.set\",\"path\":\"color\","
                    "\"value\":\"#00ff00\"}");
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (changes, 0, 0, 0, 1);
  color = g_list_model_get_item (props, 0);
  g_assert_cmpstr (vrtc_property_get_path (color), ==, "color");
  g_assert_cmpstr (vrtc_property_get_value_type (color), ==, "color");

  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"boolean.set\",\"path\":\"visible\","
                    "\"value\":true}");
  g_assert_cmpuint (changes->len, ==, 2);
  assert_change (changes, 1, 2, 0, 1);

  /* a changed value notifies the item and leaves the list alone */
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\","
                    "\"path\":\"transform.position\",\"value\":[1,2,3]}");
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_cmpuint (value_notifies, ==, 1);
  g_assert_cmpstr (vrtc_property_get_value_json (prop), ==, "[1,2,3]");

  provenance = vrtc_property_get_provenance_json (prop);
  g_assert_true (g_str_has_prefix (provenance, "[{"));
  g_assert_nonnull (strstr (provenance, "\"role\":\"winner\""));
  g_assert_nonnull (strstr (provenance, "\"messageId\":\"alice:1\""));

  /* cancelling removes the added rows and restores the value */
  vrtc_store_cancel_edits (store);
  g_assert_cmpuint (g_list_model_get_n_items (props), ==, 1);
  g_assert_cmpuint (changes->len, ==, 4);
  g_assert_cmpuint (value_notifies, ==, 2);
  g_assert_cmpstr (vrtc_property_get_value_json (prop), ==, "[0,0,0]");
}

static void
test_journal_model (void)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autoptr(VrtcMessage) m2 = NULL;
  g_autoptr(VrtcMessage) undo = NULL;
  g_autoptr(VrtcJournalEntry) first = NULL;
  g_autoptr(VrtcJournalEntry) second = NULL;
  guint acked_notifies = 0, undone_notifies = 0, length_notifies = 0;
  GListModel *journal;

  journal = vrtc_store_get_journal (store);
  g_assert_true (g_list_model_get_item_type (journal) == VRTC_TYPE_JOURNAL_ENTRY);
  g_assert_cmpuint (g_list_model_get_n_items (journal), ==, 0);
  g_signal_connect (journal, "items-changed", G_CALLBACK (record_items_changed), changes);
  g_signal_connect (store, "notify::journal-length", G_CALLBACK (count_notify),
                    &length_notifies);

  insert (store, "cube-1", "scene");
  m1 = commit (store);
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (changes, 0, 0, 0, 1);
  g_assert_cmpuint (length_notifies, ==, 1);

  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\","
                    "\"path\":\"transform.position\",\"value\":[1,0,0]}");
  g_assert_cmpuint (changes->len, ==, 1);
  m2 = commit (store);
  g_assert_cmpuint (changes->len, ==, 2);
  assert_change (changes, 1, 1, 0, 1);
  g_assert_cmpuint (vrtc_store_get_journal_length (store), ==, 2);

  first = g_list_model_get_item (journal, 0);
  second = g_list_model_get_item (journal, 1);
  g_assert_cmpuint (vrtc_journal_entry_get_position (second), ==, 1);
  g_assert_cmpstr (vrtc_journal_entry_get_message_id (first), ==, "alice:1");
  g_assert_cmpstr (vrtc_journal_entry_get_session_id (first), ==, "alice");
  g_assert_cmpint (vrtc_journal_entry_get_lamport_time (second), ==, 2);
  g_assert_cmpfloat (vrtc_journal_entry_get_timestamp (second), ==, 1700000000000.0);
  g_assert_cmpuint (vrtc_journal_entry_get_n_ops (second), ==, 1);
  g_assert_true (vrtc_journal_entry_get_own (second));
  g_assert_false (vrtc_journal_entry_get_acked (second));
  g_assert_false (vrtc_journal_entry_get_undone (second));
  g_assert_cmpstr (vrtc_journal_entry_get_summary (first), ==,
                   "node.insert cube-1 under scene");
  g_assert_cmpstr (vrtc_journal_entry_get_summary (second), ==,
                   "vector3.add transform.position on cube-1");
  g_assert_true (vrtc_journal_entry_get_message (second) == m2);

  g_signal_connect (second, "notify::acked", G_CALLBACK (count_notify), &acked_notifies);
  g_signal_connect (second, "notify::undone", G_CALLBACK (count_notify), &undone_notifies);

  g_assert_true (vrtc_store_ack (store, "alice:2"));
  g_assert_true (vrtc_journal_entry_get_acked (second));
  g_assert_cmpuint (acked_notifies, ==, 1);
  g_assert_true (vrtc_store_ack (store, "alice:2"));
  g_assert_cmpuint (acked_notifies, ==, 1);

  undo = vrtc_store_undo (store);
  g_assert_nonnull (undo);
  g_assert_true (vrtc_journal_entry_get_undone (second));
  g_assert_cmpuint (undone_notifies, ==, 1);
  g_assert_cmpfloat (vrtc_journal_entry_get_deleted_at (second), ==, 1700000000000.0);
  g_assert_cmpuint (changes->len, ==, 3);
  assert_change (changes, 2, 2, 0, 1);
  assert_property (store, "cube-1", "transform.position", NULL);
}

static void
test_cancel_edits (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcMessage) msg = NULL;
  g_autofree char *before = NULL;
  g_autofree char *during = NULL;
  g_autofree char *after = NULL;
  guint lamport_notifies = 0;

  insert (store, "cube-1", "scene");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"number.set\",\"path\":\"scale\","
                    "\"value\":2}");
  msg = commit (store);
  before = vrtc_store_to_json (store);

  g_signal_connect (store, "notify::lamport-time", G_CALLBACK (count_notify),
                    &lamport_notifies);
  insert (store, "sphere", "cube-1");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"number.multiply\",\"path\":\"scale\","
                    "\"value\":3}");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"node.remove\",\"path\":\"\"}");
  during = vrtc_store_to_json (store);
  g_assert_cmpstr (before, !=, during);
  g_assert_cmpuint (vrtc_store_get_pending_count (store), ==, 3);

  vrtc_store_cancel_edits (store);
  after = vrtc_store_to_json (store);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (vrtc_store_has_pending_edits (store));
  g_assert_cmpuint (lamport_notifies, ==, 0);
  g_assert_null (vrtc_store_get_node (store, "sphere"));
  g_assert_true (vrtc_node_is_live (vrtc_store_get_node (store, "cube-1")));
  assert_property (store, "cube-1", "scale", "2");
}

static void
test_undo_redo_two_stores (void)
{
  g_autoptr(VrtcStore) alice = new_store ("alice");
  g_autoptr(VrtcStore) bob = new_store ("bob");
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autoptr(VrtcMessage) m2 = NULL;
  g_autoptr(VrtcMessage) m3 = NULL;
  g_autoptr(VrtcMessage) undo = NULL;
  g_autoptr(VrtcMessage) redo = NULL;
  g_autoptr(VrtcMessage) undo_bob = NULL;
  g_autoptr(GError) error = NULL;
  guint can_undo_notifies = 0, can_redo_notifies = 0;

  g_assert_false (vrtc_store_get_can_undo (alice));
  g_assert_null (vrtc_store_undo (alice));
  g_signal_connect (alice, "notify::can-undo", G_CALLBACK (count_notify), &can_undo_notifies);
  g_signal_connect (alice, "notify::can-redo", G_CALLBACK (count_notify), &can_redo_notifies);

  insert (alice, "cube-1", "scene");
  edit_json (alice, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\","
                    "\"path\":\"transform.position\",\"value\":[1,0,0]}");
  m1 = commit (alice);
  g_assert_true (vrtc_store_get_can_undo (alice));
  g_assert_cmpuint (can_undo_notifies, ==, 1);
  deliver (bob, m1);

  edit_json (bob, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\","
                  "\"path\":\"transform.position\",\"value\":[0,2,0]}");
  m2 = commit (bob);
  deliver (alice, m2);

  edit_json (alice, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\","
                    "\"path\":\"transform.position\",\"value\":[0,0,3]}");
  m3 = commit (alice);
  deliver (bob, m3);
  assert_property (alice, "cube-1", "transform.position", "[1,2,3]");
  assert_same_json (alice, bob);

  undo = vrtc_store_undo (alice);
  g_assert_nonnull (undo);
  g_assert_true (vrtc_store_get_can_redo (alice));
  g_assert_cmpuint (can_redo_notifies, ==, 1);
  assert_property (alice, "cube-1", "transform.position", "[1,2,0]");
  deliver (bob, undo);
  assert_same_json (alice, bob);

  redo = vrtc_store_redo (alice);
  g_assert_nonnull (redo);
  g_assert_false (vrtc_store_get_can_redo (alice));
  assert_property (alice, "cube-1", "transform.position", "[1,2,3]");
  deliver (bob, redo);
  assert_same_json (alice, bob);

  /* bob undoes alice's first message from his timeline */
  undo_bob = vrtc_store_undo_message (bob, "alice:1", FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (undo_bob);
  g_assert_null (vrtc_store_get_node (bob, "cube-1"));
  deliver (alice, undo_bob);
  assert_same_json (alice, bob);

  g_assert_null (vrtc_store_undo_message (bob, "nobody:9", FALSE, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_NOT_FOUND);
}

static void
collect_message (VrtcStore   *store,
                 VrtcMessage *msg,
                 GPtrArray   *messages)
{
  g_ptr_array_add (messages, vrtc_message_ref (msg));
}

static void
test_undo_with_pending (void)
{
  g_autoptr(GPtrArray) sent =
    g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_message_unref);
  g_autoptr(VrtcStore) alice = new_store ("alice");
  g_autoptr(VrtcStore) bob = new_store ("bob");
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autoptr(VrtcMessage) undo = NULL;

  g_signal_connect (alice, "message-committed", G_CALLBACK (collect_message), sent);
  insert (alice, "cube-1", "scene");
  m1 = commit (alice);
  edit_json (alice, "{\"key\":\"cube-1\",\"otype\":\"number.set\",\"path\":\"scale\","
                    "\"value\":4}");

  /* the undo goes out alone: the pending edit stays pending, previewed above it */
  undo = vrtc_store_undo (alice);
  g_assert_nonnull (undo);
  g_assert_true (vrtc_store_has_pending_edits (alice));
  g_assert_cmpuint (sent->len, ==, 2);
  g_assert_true (g_ptr_array_index (sent, 1) == undo);
  g_assert_cmpstr (vrtc_message_get_id (undo), ==, "alice:2");
  g_assert_null (vrtc_store_get_node (alice, "cube-1"));
  {
    g_autoptr(VrtcMessage) edits = vrtc_store_commit (alice);

    g_assert_cmpstr (vrtc_message_get_id (edits), ==, "alice:3");
  }

  for (guint i = 0; i < sent->len; i++)
    deliver (bob, g_ptr_array_index (sent, i));
  assert_same_json (alice, bob);
}

static void
test_compact_then_undo (void)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcStore) peer = new_store ("bob");
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autoptr(VrtcMessage) m2 = NULL;
  g_autoptr(VrtcMessage) m3 = NULL;
  g_autoptr(VrtcMessage) undo = NULL;
  g_autoptr(VrtcJournalEntry) last = NULL;
  GListModel *journal;

  insert (store, "cube-1", "scene");
  m1 = commit (store);
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"number.set\",\"path\":\"scale\","
                    "\"value\":1}");
  m2 = commit (store);
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"number.add\",\"path\":\"scale\","
                    "\"value\":5}");
  m3 = commit (store);
  deliver (peer, m1);
  deliver (peer, m2);
  deliver (peer, m3);

  journal = vrtc_store_get_journal (store);
  last = g_list_model_get_item (journal, 2);
  g_signal_connect (journal, "items-changed", G_CALLBACK (record_items_changed), changes);

  /* only the acked prefix folds */
  g_assert_cmpuint (vrtc_store_compact (store), ==, 0);
  g_assert_true (vrtc_store_ack (store, "alice:1"));
  g_assert_true (vrtc_store_ack (store, "alice:2"));
  g_assert_cmpuint (vrtc_store_compact (store), ==, 2);
  g_assert_cmpuint (vrtc_store_get_journal_offset (store), ==, 2);
  g_assert_cmpuint (vrtc_store_get_journal_length (store), ==, 1);
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (changes, 0, 0, 2, 0);
  g_assert_cmpuint (vrtc_journal_entry_get_position (last), ==, 0);
  assert_property (store, "cube-1", "scale", "6");

  undo = vrtc_store_undo (store);
  g_assert_nonnull (undo);
  assert_property (store, "cube-1", "scale", "1");
  deliver (peer, undo);
  assert_same_json (store, peer);
}

static void
test_ack_unacked (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autoptr(VrtcMessage) m2 = NULL;
  g_autoptr(GPtrArray) unacked = NULL;

  insert (store, "a", "scene");
  m1 = commit (store);
  insert (store, "b", "scene");
  m2 = commit (store);

  unacked = vrtc_store_get_unacked (store);
  g_assert_cmpuint (unacked->len, ==, 2);
  g_assert_true (g_ptr_array_index (unacked, 0) == m1);
  g_assert_true (g_ptr_array_index (unacked, 1) == m2);
  g_clear_pointer (&unacked, g_ptr_array_unref);

  g_assert_true (vrtc_store_ack (store, vrtc_message_get_id (m1)));
  g_assert_false (vrtc_store_ack (store, "alice:99"));
  unacked = vrtc_store_get_unacked (store);
  g_assert_cmpuint (unacked->len, ==, 1);
  g_assert_cmpstr (vrtc_message_get_id (g_ptr_array_index (unacked, 0)), ==, "alice:2");
}

static void
test_init_from_server (void)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(VrtcStore) server = new_store ("relay");
  g_autoptr(VrtcStore) client = new_store ("alice");
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autoptr(VrtcMessage) m2 = NULL;
  g_autoptr(VrtcMessage) own = NULL;
  g_autoptr(VrtcSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) unacked = NULL;
  g_autoptr(VrtcStore) expected = new_store ("check");
  VrtcMessage *journal[1];
  GListModel *root_children;
  VrtcNode *root;

  insert (server, "cube-1", "scene");
  m1 = commit (server);
  snapshot = vrtc_store_get_snapshot (server);
  g_assert_nonnull (snapshot);
  insert (server, "cube-2", "scene");
  m2 = commit (server);

  /* the client has a cached model and an unacked message of its own */
  root = vrtc_store_get_root (client);
  root_children = vrtc_node_get_children (root);
  insert (client, "mine", "scene");
  own = commit (client);
  g_signal_connect (root_children, "items-changed", G_CALLBACK (record_items_changed),
                    changes);

  journal[0] = m2;
  g_assert_true (vrtc_store_init_from_server (client, snapshot, journal, 1, &error));
  g_assert_no_error (error);

  g_assert_true (vrtc_store_get_root (client) == root);
  g_assert_nonnull (vrtc_store_get_node (client, "cube-1"));
  g_assert_nonnull (vrtc_store_get_node (client, "cube-2"));
  g_assert_nonnull (vrtc_store_get_node (client, "mine"));
  g_assert_cmpuint (g_list_model_get_n_items (root_children), ==, 3);
  g_assert_cmpuint (vrtc_node_get_parent (vrtc_store_get_node (client, "cube-1")) == root, ==,
                    TRUE);
  unacked = vrtc_store_get_unacked (client);
  g_assert_cmpuint (unacked->len, ==, 1);

  deliver (expected, m1);
  deliver (expected, m2);
  deliver (expected, own);
  assert_same_json (client, expected);

  /* an empty start is allowed too */
  g_assert_true (vrtc_store_init_from_server (expected, NULL, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_null (vrtc_store_get_node (expected, "cube-1"));
}

/* A snapshot saved to a file (vrtc_store_save_snapshot) is the snapshot's text, and read back
 * (vrtc_snapshot_new_from_file) it loads like it; a bad one names the file and the place, and
 * the store keeps what it had. */
static void
test_snapshot_file (void)
{
  g_autoptr(VrtcStore) server = new_store ("relay");
  g_autoptr(VrtcStore) client = new_store ("alice");
  g_autoptr(VrtcSnapshot) from_server = NULL;
  g_autoptr(VrtcSnapshot) from_file = NULL;
  g_autoptr(VrtcSnapshot) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autofree char *text = NULL, *dir = NULL, *path = NULL, *bad_path = NULL, *saved = NULL;
  g_autofree char *before = NULL, *after = NULL, *expected = NULL, *got = NULL;
  g_autofree char *nowhere = NULL, *longer = NULL;

  insert (server, "cube-1", "scene");
  m1 = commit (server);
  from_server = vrtc_store_get_snapshot (server);
  text = vrtc_snapshot_to_json (from_server);
  dir = g_dir_make_tmp ("vrtc-test-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "scene.json", NULL);
  /* over a longer file: nothing of it is left */
  longer = g_strnfill (4 * strlen (text), 'x');
  g_assert_true (g_file_set_contents (path, longer, -1, &error));
  g_assert_true (vrtc_store_save_snapshot (server, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &saved, NULL, &error));
  g_assert_cmpstr (saved, ==, text);
  nowhere = g_build_filename (dir, "missing", "scene.json", NULL);
  g_assert_false (vrtc_store_save_snapshot (server, nowhere, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  from_file = vrtc_snapshot_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (vrtc_store_init_from_server (client, from_file, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_nonnull (vrtc_store_get_node (client, "cube-1"));
  expected = vrtc_store_to_json (server);
  got = vrtc_store_to_json (client);
  g_assert_cmpstr (got, ==, expected);
  /* what a snapshot tells of itself, read from the file */
  g_assert_cmpint (vrtc_snapshot_get_lamport_time (from_file), ==,
                   vrtc_snapshot_get_lamport_time (from_server));

  /* cut short: the store keeps cube-1, the error names the file and the place */
  bad_path = g_build_filename (dir, "cut.json", NULL);
  g_assert_true (g_file_set_contents (bad_path, text, strlen (text) / 2, &error));
  bad = vrtc_snapshot_new_from_file (bad_path, &error);
  g_assert_no_error (error);
  before = vrtc_store_to_json (client);
  g_assert_false (vrtc_store_init_from_server (client, bad, NULL, 0, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_true (g_str_has_prefix (error->message, "cut.json:1:"));
  g_clear_error (&error);
  after = vrtc_store_to_json (client);
  g_assert_cmpstr (after, ==, before);

  g_assert_null (vrtc_snapshot_new_from_file ("/nonexistent/scene.json", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  g_unlink (path);
  g_unlink (bad_path);
  g_rmdir (dir);
}

/* vrtc_store_get_snapshot keeps the engine's text and to_json hands it out as it is: that is
 * only right while the engine writes canonical JSON, as parsing and writing it again gives. */
static void
test_snapshot_canonical (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcStore) other = new_store ("bob");
  g_autoptr(VrtcSnapshot) snapshot = NULL;
  g_autoptr(VrtcSnapshot) parsed = NULL;
  g_autoptr(VrtcMessage) m1 = NULL, m2 = NULL, m3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *again = NULL;

  insert (store, "cube-1", "scene");
  insert (store, "cube-2", "cube-1");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"vector3.set\",\"path\":\"position\","
                    "\"value\":[0.1,-2.5e-7,1e21]}");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"string.set\",\"path\":\"label\","
                    "\"value\":\"Caf\u00e9 \\\"q\\\" \\u0001 \\n \\ud83d\\ude00\"}");
  m1 = commit (store);
  edit_json (other, "{\"key\":\"ghost\",\"otype\":\"number.set\",\"path\":\"x\",\"value\":0.30000000000000004}");
  m2 = commit (other);
  deliver (store, m2);
  edit_json (store, "{\"key\":\"cube-2\",\"otype\":\"node.remove\",\"path\":\"\"}");
  m3 = commit (store);

  snapshot = vrtc_store_get_snapshot (store);
  text = vrtc_snapshot_to_json (snapshot);
  parsed = vrtc_snapshot_new_from_json (text, &error);
  g_assert_no_error (error);
  again = vrtc_snapshot_to_json (parsed);
  g_assert_cmpstr (text, ==, again);
  /* the text-backed snapshot still answers from its value */
  g_assert_cmpint (vrtc_snapshot_get_lamport_time (snapshot), ==,
                   vrtc_snapshot_get_lamport_time (parsed));
}

static void
test_state_at (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcStore) view = NULL;
  g_autoptr(VrtcStore) first = new_store ("check");
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autoptr(VrtcMessage) m2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  insert (store, "cube-1", "scene");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\","
                    "\"path\":\"transform.position\",\"value\":[1,0,0]}");
  m1 = commit (store);
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\","
                    "\"path\":\"transform.position\",\"value\":[1,0,0]}");
  m2 = commit (store);

  view = vrtc_store_get_state_at (store, 0);
  g_assert_nonnull (view);
  g_assert_true (vrtc_store_get_read_only (view));
  g_assert_false (vrtc_store_get_read_only (store));
  g_assert_cmpstr (vrtc_store_get_session_id (view), ==, "alice");
  assert_property (view, "cube-1", "transform.position", "[1,0,0]");
  assert_property (store, "cube-1", "transform.position", "[2,0,0]");
  g_assert_cmpuint (g_list_model_get_n_items (vrtc_node_get_children (
                      vrtc_store_get_root (view))), ==, 1);
  g_assert_false (vrtc_store_get_can_undo (view));

  deliver (first, m1);
  assert_same_json (view, first);

  /* a read-only view refuses changes */
  before = vrtc_store_to_json (view);
  g_assert_false (vrtc_store_receive (view, m2, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_FAILED);
  g_clear_error (&error);

  op = vrtc_operation_new_from_json ("{\"key\":\"x\",\"otype\":\"node.insert\",\"path\":\"\","
                                     "\"tag\":\"Mesh\",\"parentKey\":\"scene\"}", &error);
  g_assert_no_error (error);
  g_test_expect_message ("Vrtc", G_LOG_LEVEL_CRITICAL, "*read_only*");
  vrtc_store_edit (view, op);
  g_test_assert_expected_messages ();
  after = vrtc_store_to_json (view);
  g_assert_cmpstr (before, ==, after);
}

static void
on_reset (VrtcStore *store,
          guint     *count)
{
  (*count)++;
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* A history of 19 messages: inserts, moves of a property, a removal, undo and redo. */
static VrtcStore *
store_with_history (void)
{
  VrtcStore *store = new_store ("alice");
  g_autoptr(VrtcStore) bob = new_store ("bob");

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *key = g_strdup_printf ("cube-%u", i);
      g_autoptr(VrtcMessage) msg = NULL;

      insert (store, key, i == 3 ? "cube-0" : "scene");
      msg = commit (store);
      deliver (bob, msg);
    }
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"key\":\"cube-%u\",\"otype\":\"vector3.add\","
                         "\"path\":\"position\",\"value\":[%u,0,0]}", i % 4, i + 1);
      g_autoptr(VrtcMessage) msg = NULL;

      edit_json (i % 2 ? bob : store, json);
      msg = commit (i % 2 ? bob : store);
      deliver (i % 2 ? store : bob, msg);
    }
  edit_json (store, "{\"key\":\"cube-0\",\"otype\":\"node.remove\",\"path\":\"\"}");
  vrtc_message_unref (commit (store));
  vrtc_message_unref (vrtc_store_undo (store));
  vrtc_message_unref (vrtc_store_redo (store));
  vrtc_message_unref (vrtc_store_undo (store));
  edit_json (store, "{\"key\":\"cube-2\",\"otype\":\"color.set\",\"path\":\"color\","
                    "\"value\":\"#ff0000\"}");
  vrtc_message_unref (commit (store));
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"node.remove\",\"path\":\"\"}");
  vrtc_message_unref (commit (store));
  insert (store, "cube-4", "cube-2");
  vrtc_message_unref (commit (store));
  vrtc_message_unref (vrtc_store_undo (store));
  vrtc_message_unref (vrtc_store_redo (store));

  return store;
}

/* Whether a node has children, in a view of history: a child moved away no longer counts
 * for its old parent, one removed no longer counts at all. */
static void
test_has_children (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcStore) view = NULL;
  g_autoptr(GError) error = NULL;

  insert (store, "a", "scene");
  insert (store, "b", "a");
  vrtc_message_unref (commit (store));
  edit_json (store, "{\"key\":\"b\",\"otype\":\"node.move\",\"path\":\"\",\"parentKey\":\"scene\"}");
  vrtc_message_unref (commit (store));
  edit_json (store, "{\"key\":\"b\",\"otype\":\"node.remove\",\"path\":\"\"}");
  vrtc_message_unref (commit (store));

  g_assert_false (vrtc_store_has_children (store, "a"));
  g_assert_true (vrtc_store_has_children (store, "scene"));
  g_assert_false (vrtc_store_has_children (store, "no-such-node"));

  view = vrtc_store_get_state_at (store, 0);
  g_assert_true (vrtc_store_has_children (view, "a"));
  g_assert_false (vrtc_store_has_children (view, "b"));
  g_assert_true (vrtc_store_set_history_position (view, 1, &error));
  g_assert_false (vrtc_store_has_children (view, "a"));
  g_assert_true (vrtc_store_has_children (view, "scene"));
  g_assert_true (vrtc_store_set_history_position (view, 2, &error));
  g_assert_no_error (error);
  g_assert_false (vrtc_store_has_children (view, "a"));
  g_assert_false (vrtc_store_has_children (view, "b"));
}

/* Whether a message was undone at a moment of the journal: the newest undo or redo aimed at
 * it by then decides. */
static void
test_undone_at (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");

  insert (store, "a", "scene");
  vrtc_message_unref (commit (store));                  /* 0 */
  insert (store, "b", "scene");
  vrtc_message_unref (commit (store));                  /* 1 */
  vrtc_message_unref (vrtc_store_undo (store));         /* 2: undoes 1 */
  vrtc_message_unref (vrtc_store_redo (store));         /* 3: redoes it */
  vrtc_message_unref (vrtc_store_undo (store));         /* 4: undoes it again */
  g_assert_cmpuint (vrtc_store_get_journal_length (store), ==, 5);

  g_assert_false (vrtc_store_get_undone_at (store, 1, 1));
  g_assert_true (vrtc_store_get_undone_at (store, 1, 2));
  g_assert_false (vrtc_store_get_undone_at (store, 1, 3));
  g_assert_true (vrtc_store_get_undone_at (store, 1, 4));
  g_assert_true (vrtc_store_get_undone_at (store, 1, 99));
  g_assert_false (vrtc_store_get_undone_at (store, 0, 4));
  g_assert_false (vrtc_store_get_undone_at (store, 7, 4));
}

static void
test_history_position (void)
{
  g_autoptr(VrtcStore) store = store_with_history ();
  g_autoptr(VrtcStore) view = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *live_json = vrtc_store_to_json (store);
  g_autofree char *kept = NULL;
  guint length = vrtc_store_get_journal_length (store);
  guint resets = 0, notifies = 0;
  VrtcNode *cube0, *cube2;
  GListModel *children, *props;

  g_assert_cmpuint (length, ==, 19);
  g_assert_cmpuint (vrtc_store_get_history_position (store), ==, G_MAXUINT);

  view = vrtc_store_get_state_at (store, length - 1);
  g_assert_cmpuint (vrtc_store_get_history_position (view), ==, length - 1);
  g_signal_connect (view, "reset", G_CALLBACK (on_reset), &resets);
  g_signal_connect (view, "notify::history-position", G_CALLBACK (on_notify_count), &notifies);

  /* objects handed out before the moves */
  cube0 = vrtc_store_get_node (view, "cube-0");
  cube2 = vrtc_store_get_node (view, "cube-2");
  g_assert_nonnull (cube0);
  children = vrtc_node_get_children (vrtc_store_get_root (view));
  props = vrtc_node_get_properties (cube2);

  /* every position, forwards, backwards, and in jumps */
  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < length; i++)
      {
        guint position = round == 0 ? i : round == 1 ? length - 1 - i : (i * 7) % length;
        g_autoptr(VrtcStore) fresh = vrtc_store_get_state_at (store, position);
        VrtcNode *node = vrtc_store_get_node (fresh, "cube-0");
        g_autofree char *expected = NULL;
        g_autofree char *got = NULL;
        g_autoptr(GPtrArray) fresh_keys = NULL;
        static const char *const parents[] = { "scene", "cube-0", "cube-1", "cube-2", "cube-3",
                                               "no-such-node" };

        g_assert_true (vrtc_store_set_history_position (view, position, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (vrtc_store_get_history_position (view), ==, position);
        g_assert_cmpuint (vrtc_store_get_journal_length (view), ==, position + 1);
        assert_same_json (view, fresh);
        g_assert_cmpint (vrtc_store_get_lamport_time (view), ==,
                         vrtc_store_get_lamport_time (fresh));

        /* the nodes handed out read the new position */
        g_assert_true (vrtc_store_get_node (view, "cube-0") == cube0 || node == NULL);
        g_assert_cmpint (vrtc_node_is_live (cube0), ==, node && vrtc_node_is_live (node));
        expected = node ? vrtc_node_to_json (node) : NULL;
        got = vrtc_node_to_json (cube0);
        g_assert_cmpstr (got, ==, expected);

        /* and so do their models */
        fresh_keys = vrtc_store_get_child_keys (fresh, "scene");
        g_assert_cmpuint (g_list_model_get_n_items (children), ==, fresh_keys->len);
        for (guint j = 0; j < fresh_keys->len; j++)
          {
            g_autoptr(VrtcNode) child = g_list_model_get_item (children, j);

            g_assert_cmpstr (vrtc_node_get_key (child), ==, g_ptr_array_index (fresh_keys, j));
          }
        /* whether a node has children: in the view (the first child live then ends the
         * look; "scene" was listed above, the others not) as in a replica of that moment */
        for (guint k = 0; k < G_N_ELEMENTS (parents); k++)
          {
            g_autoptr(GPtrArray) kids = vrtc_store_get_child_keys (fresh, parents[k]);

            g_assert_cmpint (vrtc_store_has_children (view, parents[k]), ==, kids->len > 0);
            g_assert_cmpint (vrtc_store_has_children (fresh, parents[k]), ==, kids->len > 0);
          }
        if (vrtc_store_get_node (fresh, "cube-2") == NULL)
          {
            g_assert_cmpuint (g_list_model_get_n_items (props), ==, 0);
          }
        else
          {
            GListModel *expected_props =
              vrtc_node_get_properties (vrtc_store_get_node (fresh, "cube-2"));

            g_assert_cmpuint (g_list_model_get_n_items (props), ==,
                              g_list_model_get_n_items (expected_props));
            for (guint j = 0; j < g_list_model_get_n_items (props); j++)
              {
                g_autoptr(VrtcProperty) a = g_list_model_get_item (props, j);
                g_autoptr(VrtcProperty) b = g_list_model_get_item (expected_props, j);

                g_assert_cmpstr (vrtc_property_get_path (a), ==, vrtc_property_get_path (b));
                g_assert_cmpstr (vrtc_property_get_value_json (a), ==,
                                 vrtc_property_get_value_json (b));
              }
          }
      }
  g_assert_cmpuint (resets, >, 0);
  g_assert_cmpuint (notifies, ==, resets);

  /* the same position again changes nothing */
  resets = 0;
  g_assert_true (vrtc_store_set_history_position (view, 4, &error));
  g_assert_true (vrtc_store_set_history_position (view, 4, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resets, ==, 1);

  /* the keys without nodes: cube-3 under cube-0 */
  keys = vrtc_store_get_child_keys (view, "cube-0");
  g_assert_cmpuint (keys->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (keys, 0), ==, "cube-3");
  g_clear_pointer (&keys, g_ptr_array_unref);
  keys = vrtc_store_get_child_keys (view, "no-such-node");
  g_assert_cmpuint (keys->len, ==, 0);

  /* out of range: an error, the view left as it was */
  kept = vrtc_store_to_json (view);
  g_assert_false (vrtc_store_set_history_position (view, length, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (vrtc_store_get_history_position (view), ==, 4);
  g_assert_cmpuint (resets, ==, 1);
  {
    g_autofree char *now = vrtc_store_to_json (view);

    g_assert_cmpstr (now, ==, kept);
  }

  /* a live store is no view */
  g_assert_false (vrtc_store_set_history_position (store, 0, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (vrtc_store_get_history_position (store), ==, G_MAXUINT);

  /* the live store did not move, and later messages reach it, not the view */
  {
    g_autofree char *now = vrtc_store_to_json (store);

    g_assert_cmpstr (now, ==, live_json);
  }
  insert (store, "cube-9", "scene");
  vrtc_message_unref (commit (store));
  g_assert_nonnull (vrtc_store_get_node (store, "cube-9"));
  g_assert_null (vrtc_store_get_node (view, "cube-9"));
  g_assert_true (vrtc_store_set_history_position (view, length, &error));
  g_assert_no_error (error);
  g_assert_nonnull (vrtc_store_get_node (view, "cube-9"));
}

static void
test_bad_message (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autoptr(VrtcMessage) forged = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint received = 0;

  insert (store, "cube-1", "scene");
  m1 = commit (store);
  before = vrtc_store_to_json (store);
  g_signal_connect (store, "message-received", G_CALLBACK (on_message), &received);

  g_assert_false (vrtc_store_receive_json (store, "{not json", &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_clear_error (&error);

  /* a missing field */
  g_assert_false (vrtc_store_receive_json (store,
                                           "{\"id\":\"bob:1\",\"sessionId\":\"bob\","
                                           "\"lamportTime\":1,\"timestamp\":0}", &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == VRTC_ERROR);
  g_clear_error (&error);

  /* an id that does not match its session */
  g_assert_false (vrtc_store_receive_json (store,
                                           "{\"id\":\"mallory:1\",\"sessionId\":\"bob\","
                                           "\"clock\":{\"bob\":1},\"lamportTime\":5,"
                                           "\"timestamp\":0,\"ops\":[{\"key\":\"cube-1\","
                                           "\"otype\":\"number.set\",\"path\":\"x\","
                                           "\"value\":1}]}", &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_ID_MISMATCH);
  g_clear_error (&error);

  after = vrtc_store_to_json (store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (received, ==, 0);
  g_assert_cmpint (vrtc_store_get_lamport_time (store), ==, 1);
  g_assert_cmpuint (vrtc_store_get_journal_length (store), ==, 1);

  /* and a good one in the compact dialect goes through */
  g_assert_true (vrtc_store_receive_json (store,
                                          "{\"id\":\"bob:1\",\"client\":\"bob\","
                                          "\"clock\":{\"bob\":1},\"lt\":5,\"ts\":0,"
                                          "\"ops\":[{\"key\":\"cube-1\",\"ot\":\"number.set\","
                                          "\"path\":\"x\",\"value\":1}]}", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (received, ==, 1);
  assert_property (store, "cube-1", "x", "1");
}

static void
on_ops_rejected (VrtcStore   *store,
                 VrtcMessage *msg,
                 guint        n_rejected,
                 guint       *count)
{
  g_assert_cmpuint (n_rejected, ==, 1);
  (*count)++;
}

static void
test_rejected (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcMessage) msg = NULL;
  g_autoptr(VrtcJournalEntry) entry = NULL;
  g_autoptr(VrtcProperty) prop = NULL;
  g_autofree char *provenance = NULL;
  guint rejected = 0;

  g_signal_connect (store, "ops-rejected", G_CALLBACK (on_ops_rejected), &rejected);
  insert (store, "cube-1", "scene");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"string.set\",\"path\":\"label\","
                    "\"value\":\"hi\"}");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"vector3.add\",\"path\":\"label\","
                    "\"value\":[1,0,0]}");
  msg = commit (store);
  g_assert_cmpuint (rejected, ==, 1);
  assert_property (store, "cube-1", "label", "\"hi\"");

  entry = g_list_model_get_item (vrtc_store_get_journal (store), 0);
  g_assert_cmpuint (vrtc_journal_entry_get_n_rejected (entry), ==, 1);
  g_assert_cmpstr (vrtc_journal_entry_get_summary (entry), ==, "3 ops");

  prop = g_list_model_get_item (vrtc_node_get_properties (vrtc_store_get_node (store,
                                                                                "cube-1")), 0);
  g_assert_cmpstr (vrtc_property_get_value_type (prop), ==, "string");
  provenance = vrtc_property_get_provenance_json (prop);
  g_assert_nonnull (strstr (provenance, "\"role\":\"rejected\""));
}

static void
test_store_outlived (void)
{
  VrtcStore *store = new_store ("alice");
  g_autoptr(VrtcMessage) msg = NULL;
  g_autoptr(VrtcNode) cube = NULL;
  g_autoptr(GListModel) journal = NULL;
  g_autoptr(GListModel) children = NULL;
  g_autofree char *json = NULL;

  insert (store, "cube-1", "scene");
  msg = commit (store);
  cube = g_object_ref (vrtc_store_get_node (store, "cube-1"));
  children = g_object_ref (vrtc_node_get_children (vrtc_store_get_root (store)));
  journal = g_object_ref (vrtc_store_get_journal (store));
  g_assert_cmpuint (g_list_model_get_n_items (journal), ==, 1);
  g_object_unref (store);

  g_assert_cmpstr (vrtc_node_get_key (cube), ==, "cube-1");
  g_assert_cmpstr (vrtc_node_get_tag (cube), ==, "Mesh");
  json = vrtc_node_get_property_json (cube, "transform.position");
  g_assert_null (json);
  g_assert_cmpuint (g_list_model_get_n_items (journal), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 0);
}

static double
fake_clock (VrtcStore *store,
            gpointer   user_data)
{
  double *t = user_data;

  return *t += 10;
}

static void
test_clock (void)
{
  g_autoptr(VrtcStore) store = vrtc_store_new (NULL);
  g_autoptr(VrtcMessage) m1 = NULL;
  g_autoptr(VrtcMessage) m2 = NULL;
  g_autoptr(VrtcMessage) m3 = NULL;
  double t = 1000;

  g_assert_nonnull (vrtc_store_get_session_id (store));
  g_assert_cmpuint (strlen (vrtc_store_get_session_id (store)), >, 0);

  vrtc_store_set_clock_func (store, fake_clock, &t, NULL);
  insert (store, "a", "scene");
  m1 = commit (store);
  g_assert_cmpfloat (vrtc_message_get_timestamp (m1), ==, 1010);

  vrtc_store_set_fixed_time (store, 5);
  insert (store, "b", "scene");
  m2 = commit (store);
  g_assert_cmpfloat (vrtc_message_get_timestamp (m2), ==, 5);

  vrtc_store_set_clock_func (store, NULL, NULL, NULL);
  insert (store, "c", "scene");
  m3 = commit (store);
  g_assert_cmpfloat (vrtc_message_get_timestamp (m3), >, 1.6e12);

  g_assert_null (vrtc_store_commit (store));
}

/* Random edits and deliveries; every model must match its own signals and the engine. */

typedef struct {
  GListModel *model;
  GPtrArray  *items;   /* what the items-changed signals so far say the model holds */
} Mirror;

static void
mirror_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      Mirror     *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->items->len);
  g_ptr_array_remove_range (mirror->items, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position + i);

      g_assert_nonnull (item);
      g_ptr_array_insert (mirror->items, position + i, item);
    }
  g_assert_cmpuint (mirror->items->len, ==, g_list_model_get_n_items (model));
}

static Mirror *
mirror_new (GListModel *model)
{
  Mirror *mirror = g_new0 (Mirror, 1);

  mirror->model = g_object_ref (model);
  mirror->items = g_ptr_array_new ();
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      g_ptr_array_add (mirror->items, item);
    }
  g_signal_connect (model, "items-changed", G_CALLBACK (mirror_items_changed), mirror);

  return mirror;
}

static void
mirror_free (Mirror *mirror)
{
  g_signal_handlers_disconnect_by_data (mirror->model, mirror);
  g_object_unref (mirror->model);
  g_ptr_array_unref (mirror->items);
  g_free (mirror);
}

static void
mirror_check (Mirror *mirror)
{
  g_assert_cmpuint (mirror->items->len, ==, g_list_model_get_n_items (mirror->model));
  for (guint i = 0; i < mirror->items->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (mirror->model, i);
      g_assert_true (item == g_ptr_array_index (mirror->items, i));
    }
}

static void
check_children_against_json (VrtcNode *node)
{
  g_autofree char *json = vrtc_node_to_json (node);
  GListModel *children = vrtc_node_get_children (node);
  g_autoptr(GString) from_model = g_string_new ("[");
  const char *start, *end;

  if (json == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(VrtcNode) child = g_list_model_get_item (children, i);
      g_string_append_printf (from_model, "%s\"%s\"", i ? "," : "", vrtc_node_get_key (child));
    }
  g_string_append_c (from_model, ']');

  start = strstr (json, "\"children\":");
  g_assert_nonnull (start);
  start += strlen ("\"children\":");
  end = strchr (start, ']');
  g_assert_nonnull (end);
  g_assert_cmpint (end + 1 - start, ==, from_model->len);
  g_assert_true (strncmp (start, from_model->str, from_model->len) == 0);
}

static void
check_properties_against_node (VrtcNode *node)
{
  GListModel *props = vrtc_node_get_properties (node);

  for (guint i = 0; i < g_list_model_get_n_items (props); i++)
    {
      g_autoptr(VrtcProperty) prop = g_list_model_get_item (props, i);
      g_autofree char *value = vrtc_node_get_property_json (node, vrtc_property_get_path (prop));

      g_assert_cmpstr (value, ==, vrtc_property_get_value_json (prop));
      if (i > 0)
        {
          g_autoptr(VrtcProperty) prev = g_list_model_get_item (props, i - 1);
          g_assert_cmpstr (vrtc_property_get_path (prev), <, vrtc_property_get_path (prop));
        }
    }
}

static void
assert_same_model_keys (GListModel *a,
                        GListModel *b)
{
  g_assert_cmpuint (g_list_model_get_n_items (a), ==, g_list_model_get_n_items (b));
  for (guint i = 0; i < g_list_model_get_n_items (a); i++)
    {
      g_autoptr(VrtcNode) na = g_list_model_get_item (a, i);
      g_autoptr(VrtcNode) nb = g_list_model_get_item (b, i);

      g_assert_cmpstr (vrtc_node_get_key (na), ==, vrtc_node_get_key (nb));
    }
}

static void
assert_same_properties (GListModel *a,
                        GListModel *b)
{
  g_assert_cmpuint (g_list_model_get_n_items (a), ==, g_list_model_get_n_items (b));
  for (guint i = 0; i < g_list_model_get_n_items (a); i++)
    {
      g_autoptr(VrtcProperty) pa = g_list_model_get_item (a, i);
      g_autoptr(VrtcProperty) pb = g_list_model_get_item (b, i);

      g_assert_cmpstr (vrtc_property_get_path (pa), ==, vrtc_property_get_path (pb));
      g_assert_cmpstr (vrtc_property_get_value_json (pa), ==, vrtc_property_get_value_json (pb));
      g_assert_cmpstr (vrtc_property_get_value_type (pa), ==, vrtc_property_get_value_type (pb));
    }
}

/* Incrementally kept nodes and models equal the ones a fresh store builds from scratch. */
static void
assert_same_as_fresh (VrtcStore   *store,
                      const char **keys,
                      guint        n_keys)
{
  g_autoptr(VrtcStore) fresh = vrtc_store_new ("fresh");
  g_autoptr(VrtcSnapshot) snapshot = vrtc_store_get_snapshot (store);
  g_autoptr(GError) error = NULL;

  g_assert_true (vrtc_store_init_from_server (fresh, snapshot, NULL, 0, &error));
  g_assert_no_error (error);
  assert_same_json (store, fresh);

  for (guint k = 0; k <= n_keys; k++)
    {
      const char *key = k < n_keys ? keys[k] : "scene";
      VrtcNode *a = vrtc_store_get_node (store, key);
      VrtcNode *b = vrtc_store_get_node (fresh, key);

      g_assert_true ((a == NULL) == (b == NULL));
      if (a == NULL)
        continue;
      g_assert_cmpstr (vrtc_node_get_tag (a), ==, vrtc_node_get_tag (b));
      g_assert_cmpstr (vrtc_node_get_name (a), ==, vrtc_node_get_name (b));
      g_assert_cmpstr (vrtc_node_get_parent_key (a), ==, vrtc_node_get_parent_key (b));
      g_assert_cmpint (vrtc_node_is_live (a), ==, vrtc_node_is_live (b));
      g_assert_cmpint (vrtc_node_is_visible (a), ==, vrtc_node_is_visible (b));
      assert_same_model_keys (vrtc_node_get_children (a), vrtc_node_get_children (b));
      assert_same_properties (vrtc_node_get_properties (a), vrtc_node_get_properties (b));
    }
}

static const char *random_keys[] = { "n0", "n1", "n2", "n3", "n4", "n5" };
static const char *random_paths[] = { "a", "b.c", "color", "z" };

static void
random_edit (GRand     *rand,
             VrtcStore *store)
{
  guint k = g_rand_int_range (rand, 0, G_N_ELEMENTS (random_keys));
  const char *key = random_keys[k];
  const char *path = random_paths[g_rand_int_range (rand, 0, G_N_ELEMENTS (random_paths))];
  /* Parents come before their children in random_keys, so no cycle can form: this test is
   * about the models, and cycle breaking is the engine tests' business. */
  const char *parent = k == 0 || g_rand_int_range (rand, 0, 3) == 0 ? "scene" :
    random_keys[g_rand_int_range (rand, 0, k)];
  g_autofree char *json = NULL;

  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"node.insert\",\"path\":\"\","
                              "\"tag\":\"Group\",\"parentKey\":\"%s\"}", key, parent);
      break;
    case 1:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"node.remove\",\"path\":\"\"}", key);
      break;
    case 2:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"node.move\",\"path\":\"\","
                              "\"value\":{\"nodeKey\":\"%s\",\"newParent\":\"%s\"}}",
                              key, key, parent);
      break;
    case 3:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"number.set\",\"path\":\"%s\","
                              "\"value\":%d}", key, path, g_rand_int_range (rand, 0, 10));
      break;
    case 4:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"number.add\",\"path\":\"%s\","
                              "\"value\":%d}", key, path, g_rand_int_range (rand, 1, 4));
      break;
    default:
      json = g_strdup_printf ("{\"key\":\"%s\",\"otype\":\"string.set\",\"path\":\"%s\","
                              "\"value\":\"s%d\"}", key, path, g_rand_int_range (rand, 0, 3));
      break;
    }
  edit_json (store, json);
}

static void
run_random_models (guint32 seed,
                   guint   n_steps)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) mirrors = g_ptr_array_new_with_free_func ((GDestroyNotify) mirror_free);
  g_autoptr(GPtrArray) messages =
    g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_message_unref);
  g_autoptr(GHashTable) mirrored = g_hash_table_new (NULL, NULL);
  g_autoptr(VrtcStore) s0 = new_store ("s0");
  g_autoptr(VrtcStore) s1 = new_store ("s1");
  g_autoptr(VrtcStore) s2 = new_store ("s2");
  VrtcStore *stores[3] = { s0, s1, s2 };
  g_autoptr(GHashTable) delivered = g_hash_table_new (NULL, NULL);
  GListModel *journal = vrtc_store_get_journal (s0);

  /* undo() commits pending edits first, so collect what the stores say they made */
  for (guint s = 0; s < 3; s++)
    g_signal_connect (stores[s], "message-committed", G_CALLBACK (collect_message), messages);
  g_ptr_array_add (mirrors, mirror_new (journal));

  for (guint step = 0; step < n_steps; step++)
    {
      VrtcStore *store = stores[g_rand_int_range (rand, 0, 3)];
      guint index = store == s0 ? 0 : store == s1 ? 1 : 2;
      int action = g_rand_int_range (rand, 0, 10);

      if (action < 5)
        {
          random_edit (rand, store);
        }
      else if (action < 7)
        {
          g_autoptr(VrtcMessage) msg = vrtc_store_commit (store);
        }
      else if (action == 7)
        {
          g_autoptr(VrtcMessage) msg = g_rand_boolean (rand) ? vrtc_store_undo (store)
                                                          : vrtc_store_redo (store);
        }
      else if (action == 8 && messages->len > 0)
        {
          guint i = g_rand_int_range (rand, 0, messages->len);

          /* Delivering twice must change nothing, so do not avoid it. */
          deliver (store, g_ptr_array_index (messages, i));
          g_hash_table_add (delivered, GUINT_TO_POINTER (index * 100000 + i));
        }
      else if (action == 9 && g_rand_boolean (rand))
        {
          g_autoptr(GPtrArray) unacked = vrtc_store_get_unacked (s0);

          /* acks come in order from a relay */
          if (unacked->len > 0)
            vrtc_store_ack (s0, vrtc_message_get_id (g_ptr_array_index (unacked, 0)));
          if (g_rand_int_range (rand, 0, 4) == 0)
            vrtc_store_compact (s0);
        }
      else if (g_rand_int_range (rand, 0, 4) == 0)
        {
          vrtc_store_cancel_edits (store);
        }

      /* Watch every node of s0 that exists, from the moment it does. */
      for (guint k = 0; k <= G_N_ELEMENTS (random_keys); k++)
        {
          const char *key = k < G_N_ELEMENTS (random_keys) ? random_keys[k] : "scene";
          VrtcNode *node = vrtc_store_get_node (s0, key);

          if (node == NULL || g_hash_table_contains (mirrored, node))
            continue;
          g_hash_table_add (mirrored, node);
          g_ptr_array_add (mirrors, mirror_new (vrtc_node_get_children (node)));
          g_ptr_array_add (mirrors, mirror_new (vrtc_node_get_properties (node)));
        }

      for (guint m = 0; m < mirrors->len; m++)
        mirror_check (g_ptr_array_index (mirrors, m));
      if (!vrtc_store_has_pending_edits (s0) && g_rand_int_range (rand, 0, 10) == 0)
        assert_same_as_fresh (s0, random_keys, G_N_ELEMENTS (random_keys));
      g_assert_cmpuint (g_list_model_get_n_items (journal), ==,
                        vrtc_store_get_journal_length (s0));
      for (guint i = 0; i < g_list_model_get_n_items (journal); i++)
        {
          g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (journal, i);
          g_assert_cmpuint (vrtc_journal_entry_get_position (entry), ==, i);
        }
      for (guint k = 0; k <= G_N_ELEMENTS (random_keys); k++)
        {
          const char *key = k < G_N_ELEMENTS (random_keys) ? random_keys[k] : "scene";
          VrtcNode *node = vrtc_store_get_node (s0, key);

          if (node != NULL)
            {
              check_children_against_json (node);
              check_properties_against_node (node);
            }
        }
    }

  /* Everything everywhere: the three converge. */
  for (guint s = 0; s < 3; s++)
    {
      vrtc_store_cancel_edits (stores[s]);
      for (guint i = 0; i < messages->len; i++)
        if (!g_hash_table_contains (delivered, GUINT_TO_POINTER (s * 100000 + i)))
          deliver (stores[s], g_ptr_array_index (messages, i));
    }
  for (guint m = 0; m < mirrors->len; m++)
    mirror_check (g_ptr_array_index (mirrors, m));
  assert_same_json (s0, s1);
  assert_same_json (s1, s2);
  g_test_message ("seed %u: %u messages, %u compacted", seed, messages->len,
                  vrtc_store_get_journal_offset (s0));
}

/* Fixed seeds, so that a failure is reproducible. */
static void
test_random_models (void)
{
  guint n_seeds = g_test_slow () ? 100 : 8;

  for (guint32 seed = 1; seed <= n_seeds; seed++)
    run_random_models (seed, 400);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/quickstart", test_quickstart);
  g_test_add_func ("/store/signals", test_signals);
  g_test_add_func ("/store/children-model", test_children_model);
  g_test_add_func ("/store/properties-model", test_properties_model);
  g_test_add_func ("/store/journal-model", test_journal_model);
  g_test_add_func ("/store/cancel-edits", test_cancel_edits);
  g_test_add_func ("/store/undo-redo-two-stores", test_undo_redo_two_stores);
  g_test_add_func ("/store/undo-with-pending", test_undo_with_pending);
  g_test_add_func ("/store/compact-then-undo", test_compact_then_undo);
  g_test_add_func ("/store/ack-unacked", test_ack_unacked);
  g_test_add_func ("/store/init-from-server", test_init_from_server);
  g_test_add_func ("/store/snapshot-file", test_snapshot_file);
  g_test_add_func ("/store/snapshot-canonical", test_snapshot_canonical);
  g_test_add_func ("/store/state-at", test_state_at);
  g_test_add_func ("/store/history-position", test_history_position);
  g_test_add_func ("/store/has-children", test_has_children);
  g_test_add_func ("/store/undone-at", test_undone_at);
  g_test_add_func ("/store/bad-message", test_bad_message);
  g_test_add_func ("/store/rejected", test_rejected);
  g_test_add_func ("/store/outlived", test_store_outlived);
  g_test_add_func ("/store/clock", test_clock);
  g_test_add_func ("/store/random-models", test_random_models);

  return g_test_run ();
}
