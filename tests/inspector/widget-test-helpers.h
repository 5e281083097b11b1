/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the scene tree and property editor tests: a real store with a small scene, the
 * real widgets in a real window, and a main loop driven until a condition holds. */

#include <string.h>

#include <gtk/gtk.h>
#include <vrtc.h>

#include "inspector-node-row.h"
#include "inspector-list-util.h"
#include "inspector-property-editor.h"
#include "inspector-property-row.h"
#include "inspector-scene-tree.h"

#define TIMEOUT_MS 10000

static gboolean
helpers_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

#define WAIT_UNTIL(cond) G_STMT_START {                                         \
    gint64 _end = g_get_monotonic_time () + TIMEOUT_MS * 1000;                  \
    guint _tick = g_timeout_add (10, helpers_tick, NULL);                       \
    while (!(cond))                                                             \
      {                                                                         \
        if (g_get_monotonic_time () > _end)                                     \
          g_error ("timed out waiting for %s", #cond);                          \
        g_main_context_iteration (NULL, TRUE);                                  \
      }                                                                         \
    g_source_remove (_tick);                                                    \
  } G_STMT_END

static inline void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static inline void
spin_main_loop (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (10, helpers_tick, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

/* Store */

static inline void
edit_json (VrtcStore  *store,
           const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = vrtc_operation_new_from_json (json, &error);

  g_assert_no_error (error);
  vrtc_store_edit (store, op);
}

static inline VrtcMessage *
commit (VrtcStore *store)
{
  VrtcMessage *message = vrtc_store_commit (store);

  g_assert_nonnull (message);
  return message;
}

static inline void
deliver (VrtcStore   *to,
         VrtcMessage *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vrtc_store_receive (to, message, &error));
  g_assert_no_error (error);
}

static inline VrtcStore *
new_store (const char *session)
{
  VrtcStore *store = vrtc_store_new (session);

  vrtc_store_set_fixed_time (store, 1700000000000.0);
  return store;
}

/*
 * scene
 * ├── table   Group "Table"       position [0,0,0]
 * │   └── cube-1  Mesh "Cube"     position, color, visible, label, tags, meta, rotation, quat, size
 * │       └── deep  Mesh "Deep"   position
 * └── lamp    PointLight "Lamp"   intensity, color
 */
static inline VrtcMessage *
build_scene (VrtcStore *store)
{
  edit_json (store, "{\"key\":\"table\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\","
                    "\"name\":\"Table\",\"parentKey\":\"scene\",\"value\":{\"position\":[0,0,0]}}");
  edit_json (store, "{\"key\":\"cube-1\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
                    "\"name\":\"Cube\",\"parentKey\":\"table\",\"value\":{"
                    "\"position\":[0,0.5,0],\"color\":\"#ff0000\",\"visible\":true,"
                    "\"label\":\"hello\",\"tags\":[\"a\"],\"meta\":{\"k\":1},"
                    "\"rotation\":[0,1.5,0],\"quat\":[0,0,0,1],\"size\":2}}");
  edit_json (store, "{\"key\":\"deep\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\","
                    "\"name\":\"Deep\",\"parentKey\":\"cube-1\",\"value\":{\"position\":[1,1,1]}}");
  edit_json (store, "{\"key\":\"lamp\",\"otype\":\"node.insert\",\"path\":\"\","
                    "\"tag\":\"PointLight\",\"name\":\"Lamp\",\"parentKey\":\"scene\","
                    "\"value\":{\"intensity\":1.5,\"color\":\"#ffffff\"}}");
  return commit (store);
}

static inline char *
property_json (VrtcStore  *store,
               const char *key,
               const char *path)
{
  VrtcNode *node = vrtc_store_get_node (store, key);

  g_assert_nonnull (node);
  return vrtc_node_get_property_json (node, path);
}

/* Messages committed, kept as "otype value" lines of their ops. */

typedef struct
{
  GPtrArray *ops;
  guint      n_messages;
} Committed;

static inline void
on_committed (VrtcStore   *store,
              VrtcMessage *message,
              Committed   *committed)
{
  committed->n_messages++;
  for (guint i = 0; i < vrtc_message_get_n_operations (message); i++)
    {
      VrtcOperation *op = vrtc_message_get_operation (message, i);
      g_autofree char *value = vrtc_operation_get_value_json (op);

      g_ptr_array_add (committed->ops,
                       g_strdup_printf ("%s %s %s %s", vrtc_operation_get_otype (op),
                                        vrtc_operation_get_key (op),
                                        vrtc_operation_get_path (op),
                                        value ? value : "-"));
    }
}

static inline void
committed_init (Committed *committed,
                VrtcStore *store)
{
  committed->ops = g_ptr_array_new_with_free_func (g_free);
  committed->n_messages = 0;
  g_signal_connect (store, "message-committed", G_CALLBACK (on_committed), committed);
}

static inline void
committed_clear (Committed *committed,
                 VrtcStore *store)
{
  g_signal_handlers_disconnect_by_data (store, committed);
  g_ptr_array_unref (committed->ops);
}

/* Widgets */

typedef struct
{
  VrtcStore               *store;
  GtkWindow               *window;
  InspectorSceneTree      *tree;
  InspectorPropertyEditor *editor;
  Committed                committed;
} Fixture;

static inline void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  g_autoptr(VrtcMessage) scene = NULL;

  f->store = new_store ("alice");
  scene = build_scene (f->store);
  committed_init (&f->committed, f->store);

  f->tree = INSPECTOR_SCENE_TREE (inspector_scene_tree_new ());
  f->editor = INSPECTOR_PROPERTY_EDITOR (inspector_property_editor_new ());
  inspector_scene_tree_set_store (f->tree, f->store);
  inspector_property_editor_set_store (f->editor, f->store);
  g_object_bind_property (f->tree, "selected-node", f->editor, "node", G_BINDING_SYNC_CREATE);

  gtk_paned_set_start_child (GTK_PANED (paned), GTK_WIDGET (f->tree));
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (f->editor));
  gtk_paned_set_position (GTK_PANED (paned), 320);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1100, 700);
  gtk_window_set_child (f->window, paned);
  gtk_window_present (f->window);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  WAIT_UNTIL (inspector_scene_tree_get_row_widget (f->tree, "table") != NULL);
}

static inline void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  committed_clear (&f->committed, f->store);
  gtk_window_destroy (f->window);
  drain ();
  g_clear_object (&f->store);
}

/* The first widget of @type under @root (popovers included) that @accept takes. */
static inline GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             gboolean  (*accept) (GtkWidget *widget, gconstpointer data),
             gconstpointer data)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (accept == NULL || accept (root, data)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, accept, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* What a scene tree row shows of its node. */
static inline InspectorNodeRow *
node_row (GtkWidget *row)
{
  GtkWidget *shown = find_widget (row, INSPECTOR_TYPE_NODE_ROW, NULL, NULL);

  g_assert_nonnull (shown);
  return INSPECTOR_NODE_ROW (shown);
}

/* Whether a scene tree row is lit up, or still fading, since its node changed. */
static inline gboolean
row_flashing (GtkWidget *row)
{
  return inspector_node_row_get_flashing (node_row (row));
}

static inline gboolean
label_has_text (GtkWidget     *widget,
                gconstpointer  text)
{
  return strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

/* A label's or an inscription's text: list rows show theirs in either. */
static inline gboolean
shows_text (GtkWidget     *widget,
            gconstpointer  text)
{
  const char *shown = NULL;

  if (GTK_IS_LABEL (widget))
    shown = gtk_label_get_label (GTK_LABEL (widget));
  else if (GTK_IS_INSCRIPTION (widget))
    shown = gtk_inscription_get_text (GTK_INSCRIPTION (widget));

  return shown != NULL && strstr (shown, text) != NULL;
}

static inline GtkTreeListRow *
shown_row (InspectorSceneTree *tree,
           const char         *key)
{
  GListModel *model = inspector_scene_tree_get_model (tree);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(InspectorSceneItem) item = gtk_tree_list_row_get_item (row);

      if (g_strcmp0 (inspector_scene_item_get_key (item), key) == 0)
        return g_steal_pointer (&row);
    }

  return NULL;
}

/* The keys shown, in order, joined by spaces. */
static inline char *
shown_keys (InspectorSceneTree *tree)
{
  GListModel *model = inspector_scene_tree_get_model (tree);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(InspectorSceneItem) item = gtk_tree_list_row_get_item (row);

      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, inspector_scene_item_get_key (item));
    }

  return g_string_free (out, FALSE);
}

static inline const char *
selected_key (InspectorSceneTree *tree)
{
  VrtcNode *node = inspector_scene_tree_get_selected_node (tree);

  return node ? vrtc_node_get_key (node) : NULL;
}
