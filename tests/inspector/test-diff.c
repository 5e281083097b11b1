/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inspector-diff.h"
#include "widget-test-helpers.h"

/* InspectorDiff alone, on real stores and their history views: no window, no display. */

typedef struct
{
  VrtcStore *store;
} DiffFixture;

/*
 * 0  the scene of widget-test-helpers.h: table, cube-1 (under table), deep (under cube-1),
 *    lamp
 * 1  cube-1 position → [1,2,3], a new property cube-1 weight = 7, lamp intensity → 3
 * 2  chair inserted under table, lamp removed
 * 3  table re-inserted as "Desk"
 * 4  deep moved under table
 */
static void
diff_fixture_set_up (DiffFixture   *f,
                     gconstpointer  data)
{
  VrtcMessage *message;

  f->store = new_store ("alice");
  message = build_scene (f->store);
  vrtc_message_unref (message);

  edit_json (f->store, "{\"key\":\"cube-1\",\"otype\":\"vector3.set\",\"path\":\"position\","
                       "\"value\":[1,2,3]}");
  edit_json (f->store, "{\"key\":\"cube-1\",\"otype\":\"number.set\",\"path\":\"weight\","
                       "\"value\":7}");
  edit_json (f->store, "{\"key\":\"lamp\",\"otype\":\"number.set\",\"path\":\"intensity\","
                       "\"value\":3}");
  vrtc_message_unref (commit (f->store));

  edit_json (f->store, "{\"key\":\"chair\",\"otype\":\"node.insert\",\"path\":\"\","
                       "\"tag\":\"Mesh\",\"name\":\"Chair\",\"parentKey\":\"table\","
                       "\"value\":{\"size\":1}}");
  edit_json (f->store, "{\"key\":\"lamp\",\"otype\":\"node.remove\",\"path\":\"\"}");
  vrtc_message_unref (commit (f->store));

  edit_json (f->store, "{\"key\":\"table\",\"otype\":\"node.insert\",\"path\":\"\","
                       "\"tag\":\"Group\",\"name\":\"Desk\",\"parentKey\":\"scene\",\"value\":{}}");
  vrtc_message_unref (commit (f->store));

  edit_json (f->store, "{\"key\":\"deep\",\"otype\":\"node.move\",\"path\":\"\","
                       "\"value\":{\"nodeKey\":\"deep\",\"newParent\":\"table\"}}");
  vrtc_message_unref (commit (f->store));

  g_assert_cmpuint (vrtc_store_get_journal_length (f->store), ==, 5);
}

static void
diff_fixture_tear_down (DiffFixture   *f,
                        gconstpointer  data)
{
  g_clear_object (&f->store);
}

static char *
diff_text (VrtcStore *a,
           VrtcStore *b)
{
  g_autoptr(InspectorDiff) diff = inspector_diff_compute (a, b);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (diff)), ==,
                    inspector_diff_get_n_added (diff) + inspector_diff_get_n_removed (diff) +
                    inspector_diff_get_n_changed (diff));
  return inspector_diff_to_string (diff);
}

static void
test_diff_identical (DiffFixture   *f,
                     gconstpointer  data)
{
  g_autoptr(VrtcStore) last = vrtc_store_get_state_at (f->store, 4);
  g_autoptr(VrtcStore) first = vrtc_store_get_state_at (f->store, 0);
  g_autoptr(VrtcStore) first_again = vrtc_store_get_state_at (f->store, 0);
  g_autoptr(InspectorDiff) diff = inspector_diff_compute (f->store, f->store);
  g_autofree char *text = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (diff)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (diff)) == INSPECTOR_TYPE_DIFF_ITEM);
  g_assert_true (inspector_diff_get_old_store (diff) == f->store);

  text = diff_text (last, f->store);
  g_assert_cmpstr (text, ==, "");
  g_clear_pointer (&text, g_free);
  text = diff_text (first, first_again);
  g_assert_cmpstr (text, ==, "");
}

static void
test_diff_added_removed_changed (DiffFixture   *f,
                                 gconstpointer  data)
{
  g_autoptr(VrtcStore) a = vrtc_store_get_state_at (f->store, 0);
  g_autoptr(VrtcStore) b = vrtc_store_get_state_at (f->store, 3);
  g_autoptr(InspectorDiff) diff = inspector_diff_compute (a, b);
  g_autofree char *text = inspector_diff_to_string (diff);
  g_autoptr(InspectorDiffItem) added = NULL;
  g_autoptr(InspectorDiffItem) removed = NULL;
  g_autoptr(InspectorDiffItem) renamed = NULL;
  g_autoptr(InspectorDiffItem) moved = NULL;
  g_autoptr(InspectorDiffItem) new_property = NULL;

  /* Added in the later tree's order, removed in the earlier's, then changes per node in the
   * later tree's order, properties sorted by path. The lamp's intensity changed too, but the
   * lamp is gone: it is listed as removed only. */
  g_assert_cmpstr (text, ==,
                   "+ chair\n"
                   "- lamp\n"
                   "~ table name: \"Table\" -> \"Desk\"\n"
                   "~ cube-1 position: [0,0.5,0] -> [1,2,3]\n"
                   "~ cube-1 weight: (none) -> 7\n");
  g_assert_cmpuint (inspector_diff_get_n_added (diff), ==, 1);
  g_assert_cmpuint (inspector_diff_get_n_removed (diff), ==, 1);
  g_assert_cmpuint (inspector_diff_get_n_changed (diff), ==, 3);

  added = g_list_model_get_item (G_LIST_MODEL (diff), 0);
  g_assert_cmpint (inspector_diff_item_get_kind (added), ==, INSPECTOR_DIFF_NODE_ADDED);
  g_assert_cmpstr (inspector_diff_item_get_key (added), ==, "chair");
  g_assert_cmpstr (inspector_diff_item_get_tag (added), ==, "Mesh");
  g_assert_cmpstr (inspector_diff_item_get_name (added), ==, "Chair");
  g_assert_null (inspector_diff_item_get_path (added));

  removed = g_list_model_get_item (G_LIST_MODEL (diff), 1);
  g_assert_cmpint (inspector_diff_item_get_kind (removed), ==, INSPECTOR_DIFF_NODE_REMOVED);
  g_assert_cmpstr (inspector_diff_item_get_key (removed), ==, "lamp");
  g_assert_cmpstr (inspector_diff_item_get_name (removed), ==, "Lamp");

  renamed = g_list_model_get_item (G_LIST_MODEL (diff), 2);
  g_assert_cmpint (inspector_diff_item_get_kind (renamed), ==, INSPECTOR_DIFF_NODE_CHANGED);
  g_assert_cmpstr (inspector_diff_item_get_path (renamed), ==, "name");
  g_assert_cmpstr (inspector_diff_item_get_old_value (renamed), ==, "\"Table\"");
  g_assert_cmpstr (inspector_diff_item_get_new_value (renamed), ==, "\"Desk\"");

  new_property = g_list_model_get_item (G_LIST_MODEL (diff), 4);
  g_assert_cmpint (inspector_diff_item_get_kind (new_property), ==,
                   INSPECTOR_DIFF_PROPERTY_CHANGED);
  g_assert_null (inspector_diff_item_get_old_value (new_property));
  g_assert_cmpstr (inspector_diff_item_get_new_value (new_property), ==, "7");

  /* The values are the stores' own JSON. */
  {
    g_autofree char *old_position = property_json (a, "cube-1", "position");
    g_autofree char *new_position = property_json (b, "cube-1", "position");
    g_autoptr(InspectorDiffItem) position = g_list_model_get_item (G_LIST_MODEL (diff), 3);

    g_assert_cmpstr (inspector_diff_item_get_old_value (position), ==, old_position);
    g_assert_cmpstr (inspector_diff_item_get_new_value (position), ==, new_position);
  }

  /* A move, against the live store. */
  g_clear_pointer (&text, g_free);
  text = diff_text (b, f->store);
  g_assert_cmpstr (text, ==, "~ deep parent: \"cube-1\" -> \"table\"\n");
  {
    g_autoptr(InspectorDiff) live = inspector_diff_compute (b, f->store);

    moved = g_list_model_get_item (G_LIST_MODEL (live), 0);
    g_assert_cmpint (inspector_diff_item_get_kind (moved), ==, INSPECTOR_DIFF_NODE_CHANGED);
    g_assert_cmpstr (inspector_diff_item_get_key (moved), ==, "deep");
    g_assert_true (inspector_diff_get_new_store (live) == f->store);
  }
}

static void
test_diff_reversed (DiffFixture   *f,
                    gconstpointer  data)
{
  g_autoptr(VrtcStore) a = vrtc_store_get_state_at (f->store, 0);
  g_autoptr(VrtcStore) b = vrtc_store_get_state_at (f->store, 3);
  g_autofree char *text = diff_text (b, a);

  g_assert_cmpstr (text, ==,
                   "+ lamp\n"
                   "- chair\n"
                   "~ table name: \"Desk\" -> \"Table\"\n"
                   "~ cube-1 position: [1,2,3] -> [0,0.5,0]\n"
                   "~ cube-1 weight: 7 -> (none)\n");
}

static void
test_diff_subtree (DiffFixture   *f,
                   gconstpointer  data)
{
  g_autoptr(VrtcStore) before = vrtc_store_get_state_at (f->store, 4);
  g_autofree char *text = NULL;

  /* Removing a node takes its subtree out of the scene: all of it is listed as removed. */
  edit_json (f->store, "{\"key\":\"table\",\"otype\":\"node.remove\",\"path\":\"\"}");
  vrtc_message_unref (commit (f->store));

  text = diff_text (before, f->store);
  g_assert_cmpstr (text, ==,
                   "- table\n"
                   "- cube-1\n"
                   "- deep\n"
                   "- chair\n");
}

static void
test_diff_large (void)
{
  g_autoptr(VrtcStore) store = new_store ("alice");
  g_autoptr(VrtcStore) before = NULL;
  g_autoptr(InspectorDiff) diff = NULL;
  gint64 start;
  guint n_groups = 50, per_group = 100;

  /* 5,051 nodes, then 10 values changed and one node added: the diff finds just those. */
  for (guint g = 0; g < n_groups; g++)
    {
      g_autofree char *group = g_strdup_printf (
        "{\"key\":\"g%u\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\","
        "\"name\":\"Group %u\",\"parentKey\":\"scene\",\"value\":{}}", g, g);

      edit_json (store, group);
      for (guint i = 0; i < per_group; i++)
        {
          g_autofree char *node = g_strdup_printf (
            "{\"key\":\"n%u-%u\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
            "\"name\":\"Node\",\"parentKey\":\"g%u\",\"value\":{\"position\":[0,0,0],"
            "\"color\":\"#ffffff\",\"size\":1}}", g, i, g);

          edit_json (store, node);
        }
      vrtc_message_unref (commit (store));
    }
  before = vrtc_store_get_state_at (store, vrtc_store_get_journal_length (store) - 1);

  for (guint k = 0; k < 10; k++)
    {
      g_autofree char *op = g_strdup_printf (
        "{\"key\":\"n%u-%u\",\"otype\":\"number.set\",\"path\":\"size\",\"value\":%u}",
        k * 5, k * 7, k + 2);

      edit_json (store, op);
      vrtc_message_unref (commit (store));
    }
  edit_json (store, "{\"key\":\"extra\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
                    "\"parentKey\":\"g3\",\"value\":{}}");
  vrtc_message_unref (commit (store));

  start = g_get_monotonic_time ();
  diff = inspector_diff_compute (before, store);
  g_test_message ("diff of two 5,051-node scenes: %.1f ms",
                  (g_get_monotonic_time () - start) / 1000.0);

  g_assert_cmpuint (inspector_diff_get_n_added (diff), ==, 1);
  g_assert_cmpuint (inspector_diff_get_n_removed (diff), ==, 0);
  g_assert_cmpuint (inspector_diff_get_n_changed (diff), ==, 10);
  {
    g_autoptr(InspectorDiffItem) first = g_list_model_get_item (G_LIST_MODEL (diff), 1);

    g_assert_cmpstr (inspector_diff_item_get_key (first), ==, "n0-0");
    g_assert_cmpstr (inspector_diff_item_get_old_value (first), ==, "1");
    g_assert_cmpstr (inspector_diff_item_get_new_value (first), ==, "2");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/diff/identical", DiffFixture, NULL,
              diff_fixture_set_up, test_diff_identical, diff_fixture_tear_down);
  g_test_add ("/diff/added-removed-changed", DiffFixture, NULL,
              diff_fixture_set_up, test_diff_added_removed_changed, diff_fixture_tear_down);
  g_test_add ("/diff/reversed", DiffFixture, NULL,
              diff_fixture_set_up, test_diff_reversed, diff_fixture_tear_down);
  g_test_add ("/diff/subtree", DiffFixture, NULL,
              diff_fixture_set_up, test_diff_subtree, diff_fixture_tear_down);
  g_test_add_func ("/diff/large", test_diff_large);

  return g_test_run ();
}
