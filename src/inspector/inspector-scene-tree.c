/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "inspector-scene-tree.h"

/*
 * The scene graph as a tree: GtkTreeListModel over the store's own children models →
 * GtkFilterListModel (search) → GtkSingleSelection → GtkListView. Rows are recycled, so each
 * bind connects to its node and each unbind lets go.
 *
 * The children models hold live nodes only. Removed nodes, when shown, come from an index
 * of the store's own VrtcNode objects, kept per parent from ::node-changed.
 */

#define FLASH_MS 1500

typedef struct
{
  InspectorSceneTree *tree;
  GtkListItem        *item;
  GtkWidget          *expander;
  GtkWidget          *content;
  GtkWidget          *icon;
  GtkWidget          *key_label;
  GtkWidget          *tag_label;
  GtkWidget          *name_label;

  /* while bound */
  VrtcNode           *node;
  GListModel         *children;
  GListModel         *removed;
  gulong              notify_id;
  gulong              children_id;
  gulong              removed_id;
  guint               flash_id;
} TreeRow;

struct _InspectorSceneTree
{
  GtkWidget           parent_instance;

  /* template children */
  GtkWidget          *main_box;
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkLabel           *match_label;
  GtkListView        *list_view;
  GMenuModel         *context_menu_model;

  GtkWidget          *context_menu;

  /* models */
  VrtcStore          *store;
  GListStore         *roots;
  GtkTreeListModel   *tree_model;
  GtkFilterListModel *filter_model;
  GtkCustomFilter    *search_filter;
  GtkSingleSelection *selection;

  /* state */
  VrtcNode           *selected_node;
  char               *sticky_key;
  gboolean            show_removed;
  gboolean            read_only;
  GHashTable         *removed;          /* parent key → GListStore of removed VrtcNode */
  GHashTable         *removed_in;       /* removed key → the parent key listing it */
  GHashTable         *bound;            /* VrtcNode → GPtrArray of TreeRow on screen */
  GHashTable         *auto_expanded;    /* keys expanded once on their own */
  GHashTable         *recent;           /* VrtcNode → when it last changed (µs) */
  guint               auto_expand_id;
  guint               reselect_id;
  guint               next_child;

  /* search */
  char               *needle;           /* casefolded; NULL when not searching */
  GHashTable         *matches;          /* key → VrtcNode */
  GHashTable         *visible;          /* keys of matches and their ancestors */
  guint               research_id;
};

G_DEFINE_FINAL_TYPE (InspectorSceneTree, inspector_scene_tree, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SELECTED_NODE,
  PROP_SHOW_REMOVED,
  PROP_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void rebuild_tree (InspectorSceneTree *self);
static void flash_if_recent (InspectorSceneTree *self,
                             TreeRow            *row);
static void schedule_research (InspectorSceneTree *self);
static gboolean select_key_full (InspectorSceneTree *self,
                                 const char         *key,
                                 gboolean            may_stop_search);

/* Icons */

static const char *
icon_for_tag (const char *tag)
{
  static const struct {
    const char *needle;
    const char *icon;
  } icons[] = {
    { "scene", "view-grid-symbolic" },
    { "group", "folder-symbolic" },
    { "light", "weather-clear-symbolic" },
    { "camera", "camera-photo-symbolic" },
    { "mesh", "package-x-generic-symbolic" },
    { "box", "package-x-generic-symbolic" },
    { "cube", "package-x-generic-symbolic" },
    { "sphere", "package-x-generic-symbolic" },
    { "plane", "package-x-generic-symbolic" },
    { "cylinder", "package-x-generic-symbolic" },
    { "image", "image-x-generic-symbolic" },
    { "texture", "image-x-generic-symbolic" },
  };
  g_autofree char *lower = tag ? g_ascii_strdown (tag, -1) : NULL;

  for (guint i = 0; lower != NULL && i < G_N_ELEMENTS (icons); i++)
    if (strstr (lower, icons[i].needle) != NULL)
      return icons[i].icon;

  return "text-x-generic-symbolic";
}

/* Removed nodes */

static GListStore *
ensure_removed_list (InspectorSceneTree *self,
                     const char         *parent_key)
{
  GListStore *list = g_hash_table_lookup (self->removed, parent_key);

  if (list == NULL)
    {
      list = g_list_store_new (VRTC_TYPE_NODE);
      g_hash_table_insert (self->removed, g_strdup (parent_key), list);
    }

  return list;
}

static void index_removed (InspectorSceneTree *self,
                           VrtcNode           *node);

/* Resets (cancelling edits, a server's state) notify the nodes but emit no ::node-changed. */
static void
on_indexed_node_notify (VrtcNode           *node,
                        GParamSpec         *pspec,
                        InspectorSceneTree *self)
{
  index_removed (self, node);
}

static void
index_removed (InspectorSceneTree *self,
               VrtcNode           *node)
{
  const char *key = vrtc_node_get_key (node);
  const char *parent = vrtc_node_get_parent_key (node);
  const char *listed_in = g_hash_table_lookup (self->removed_in, key);
  gboolean removed = !vrtc_node_is_live (node) && parent != NULL &&
                     vrtc_store_get_node (self->store, key) != NULL;

  if (listed_in != NULL && (!removed || g_strcmp0 (listed_in, parent) != 0))
    {
      GListStore *list = g_hash_table_lookup (self->removed, listed_in);
      guint position;

      g_signal_handlers_disconnect_by_func (node, on_indexed_node_notify, self);
      g_hash_table_remove (self->removed_in, key);
      if (list != NULL && g_list_store_find (list, node, &position))
        g_list_store_remove (list, position);
    }

  if (removed && !g_hash_table_contains (self->removed_in, key))
    {
      g_hash_table_insert (self->removed_in, g_strdup (key), g_strdup (parent));
      g_signal_connect_object (node, "notify::live", G_CALLBACK (on_indexed_node_notify),
                               self, 0);
      g_signal_connect_object (node, "notify::parent-key", G_CALLBACK (on_indexed_node_notify),
                               self, 0);
      g_list_store_append (ensure_removed_list (self, parent), node);
    }
}

/*
 * The api has no list of removed nodes, so the keys that carry a "deletedAt" are read once
 * from the graph's JSON; from then on ::node-changed keeps the index.
 */
static void
seed_removed (InspectorSceneTree *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  JsonNode *root;
  JsonObject *nodes;
  g_autoptr(GList) keys = NULL;

  if (self->store == NULL)
    return;

  json = vrtc_store_to_json (self->store);
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return;

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "nodes"))
    return;

  nodes = json_object_get_object_member (json_node_get_object (root), "nodes");
  keys = json_object_get_members (nodes);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      JsonObject *object = json_object_get_object_member (nodes, l->data);
      VrtcNode *node;

      if (object == NULL || !json_object_has_member (object, "deletedAt"))
        continue;
      node = vrtc_store_get_node (self->store, l->data);
      if (node != NULL)
        index_removed (self, node);
    }
}

static void
clear_removed (InspectorSceneTree *self)
{
  GHashTableIter iter;
  GListModel *list;

  g_hash_table_iter_init (&iter, self->removed);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &list))
    for (guint i = 0; i < g_list_model_get_n_items (list); i++)
      {
        g_autoptr(VrtcNode) node = g_list_model_get_item (list, i);

        g_signal_handlers_disconnect_by_func (node, on_indexed_node_notify, self);
      }

  g_hash_table_remove_all (self->removed);
  g_hash_table_remove_all (self->removed_in);
}

/* Tree model */

static GListModel *
create_children_model (gpointer item,
                       gpointer user_data)
{
  InspectorSceneTree *self = user_data;
  VrtcNode *node = item;
  GListModel *children = vrtc_node_get_children (node);
  g_autoptr(GListStore) both = NULL;

  if (!self->show_removed)
    return g_object_ref (children);

  both = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (both, children);
  g_list_store_append (both, ensure_removed_list (self, vrtc_node_get_key (node)));

  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&both))));
}

static VrtcNode *
row_node (GtkTreeListRow *row)
{
  g_autoptr(GObject) item = row ? gtk_tree_list_row_get_item (row) : NULL;

  /* The store keeps every node alive, so a borrowed pointer is safe. */
  return VRTC_IS_NODE (item) ? VRTC_NODE (item) : NULL;
}

/* Expands the root and its children once, the first time each appears. */
static gboolean
auto_expand_cb (gpointer data)
{
  InspectorSceneTree *self = data;
  g_autoptr(GtkTreeListRow) root = NULL;
  GListModel *children;

  self->auto_expand_id = 0;

  if (self->tree_model == NULL)
    return G_SOURCE_REMOVE;

  root = gtk_tree_list_model_get_row (self->tree_model, 0);
  if (root == NULL || row_node (root) == NULL)
    return G_SOURCE_REMOVE;

  if (!g_hash_table_contains (self->auto_expanded, vrtc_node_get_key (row_node (root))))
    {
      g_hash_table_add (self->auto_expanded, g_strdup (vrtc_node_get_key (row_node (root))));
      gtk_tree_list_row_set_expanded (root, TRUE);
    }

  children = gtk_tree_list_row_get_children (root);
  if (children == NULL || !gtk_tree_list_row_get_expanded (root))
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(GtkTreeListRow) child = gtk_tree_list_row_get_child_row (root, i);
      VrtcNode *node = row_node (child);

      if (node == NULL || g_hash_table_contains (self->auto_expanded, vrtc_node_get_key (node)))
        continue;
      g_hash_table_add (self->auto_expanded, g_strdup (vrtc_node_get_key (node)));
      gtk_tree_list_row_set_expanded (child, TRUE);
    }

  return G_SOURCE_REMOVE;
}

static void
on_tree_items_changed (GListModel         *model,
                       guint               position,
                       guint               removed,
                       guint               added,
                       InspectorSceneTree *self)
{
  /* Expanding from inside items-changed would nest emissions: wait for the idle. */
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree_model, i);

      if (row != NULL && gtk_tree_list_row_get_depth (row) <= 1)
        {
          if (self->auto_expand_id == 0)
            self->auto_expand_id = g_idle_add (auto_expand_cb, self);
          break;
        }
    }
}

static void expand_keys (InspectorSceneTree *self,
                         GHashTable         *keys);

/* The keys of the rows expanded in the current model; with @seen, also those of the first
 * two levels, which auto-expansion must not open again. */
static void
remember_expansion (InspectorSceneTree *self,
                    GHashTable         *expanded,
                    GHashTable         *seen)
{
  guint n = self->tree_model ? g_list_model_get_n_items (G_LIST_MODEL (self->tree_model)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree_model, i);
      VrtcNode *node = row_node (row);

      if (node == NULL)
        continue;
      if (gtk_tree_list_row_get_expanded (row))
        g_hash_table_add (expanded, g_strdup (vrtc_node_get_key (node)));
      if (seen != NULL && gtk_tree_list_row_get_depth (row) <= 1)
        g_hash_table_add (seen, g_strdup (vrtc_node_get_key (node)));
    }
}

/* A new tree model over the roots, expanded as @expanded says (as the old model was, when
 * NULL), then shown in place of the old one: the list sees one change, not one per row
 * expanded. */
static void
rebuild_tree_expanded (InspectorSceneTree *self,
                       GHashTable         *expanded)
{
  g_autoptr(GHashTable) kept = NULL;
  g_autoptr(GtkTreeListModel) old = NULL;

  /* Rows keep their expanded state across a rebuild (showing removed nodes, say). */
  if (expanded == NULL)
    {
      kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      remember_expansion (self, kept, NULL);
      expanded = kept;
    }

  /* Still shown until the new model replaces it. */
  old = g_steal_pointer (&self->tree_model);
  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, self);

  g_object_ref (self->roots);
  self->tree_model = gtk_tree_list_model_new (G_LIST_MODEL (self->roots), FALSE, FALSE,
                                              create_children_model, self, NULL);

  /* Expand now, so the first frame already shows the scene. */
  g_clear_handle_id (&self->auto_expand_id, g_source_remove);
  auto_expand_cb (self);
  expand_keys (self, expanded);
  /* Top-level rows new in this store, under a root expanded only now. */
  auto_expand_cb (self);

  g_signal_connect (self->tree_model, "items-changed", G_CALLBACK (on_tree_items_changed), self);
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (self->tree_model));

  if (self->needle != NULL)
    schedule_research (self);
}

static void
rebuild_tree (InspectorSceneTree *self)
{
  rebuild_tree_expanded (self, NULL);
}

/* Finding rows */

/* Expands every ancestor of @node; returns its row, or NULL when it is not in the tree. */
static GtkTreeListRow *
expand_to (InspectorSceneTree *self,
           VrtcNode           *node)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  g_autoptr(GtkTreeListRow) row = NULL;
  VrtcNode *root;

  if (self->store == NULL || self->tree_model == NULL)
    return NULL;

  root = vrtc_store_get_root (self->store);
  for (VrtcNode *n = node; n != NULL && n != root; )
    {
      const char *parent = vrtc_node_get_parent_key (n);

      g_ptr_array_add (chain, n);
      n = parent ? vrtc_store_get_node (self->store, parent) : NULL;
      if (n == NULL || chain->len > 10000)
        return NULL;
    }

  row = gtk_tree_list_model_get_row (self->tree_model, 0);
  if (row == NULL || row_node (row) != root)
    return NULL;

  for (guint i = chain->len; i > 0; i--)
    {
      VrtcNode *wanted = g_ptr_array_index (chain, i - 1);
      GListModel *children;
      GtkTreeListRow *child = NULL;
      guint n;

      gtk_tree_list_row_set_expanded (row, TRUE);
      children = gtk_tree_list_row_get_children (row);
      n = children ? g_list_model_get_n_items (children) : 0;
      for (guint j = 0; j < n; j++)
        {
          g_autoptr(VrtcNode) item = g_list_model_get_item (children, j);

          if (item == wanted)
            {
              child = gtk_tree_list_row_get_child_row (row, j);
              break;
            }
        }
      if (child == NULL)
        return NULL;

      g_object_unref (row);
      row = child;
    }

  return g_steal_pointer (&row);
}

/* The position of @node's row in the list shown (after the search filter), or -1. */
static int
shown_position (InspectorSceneTree *self,
                GtkTreeListRow     *row)
{
  GListModel *model = G_LIST_MODEL (self->filter_model);
  guint n = g_list_model_get_n_items (model);

  if (gtk_filter_list_model_get_filter (self->filter_model) == NULL)
    return gtk_tree_list_row_get_position (row);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) item = g_list_model_get_item (model, i);

      if (item == row)
        return i;
    }

  return -1;
}

static void
select_position (InspectorSceneTree *self,
                 guint               position)
{
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/* Per-row binding */

static void
tree_row_stop_flash (TreeRow *row)
{
  g_clear_handle_id (&row->flash_id, g_source_remove);
  gtk_widget_remove_css_class (row->expander, "changed");
}

static gboolean
tree_row_flash_done (gpointer data)
{
  TreeRow *row = data;

  row->flash_id = 0;
  gtk_widget_remove_css_class (row->expander, "changed");

  return G_SOURCE_REMOVE;
}

static void
tree_row_flash (TreeRow *row,
                guint    ms)
{
  g_clear_handle_id (&row->flash_id, g_source_remove);
  gtk_widget_add_css_class (row->expander, "changed");
  row->flash_id = g_timeout_add (ms, tree_row_flash_done, row);
}

static void
tree_row_free (gpointer data)
{
  TreeRow *row = data;

  g_clear_handle_id (&row->flash_id, g_source_remove);
  g_free (row);
}

/* A node can be on two rows for a moment (moving between parents, or to the removed). */
static void
bound_add (InspectorSceneTree *self,
           TreeRow            *row)
{
  GPtrArray *rows = g_hash_table_lookup (self->bound, row->node);

  if (rows == NULL)
    {
      rows = g_ptr_array_new ();
      g_hash_table_insert (self->bound, row->node, rows);
    }
  g_ptr_array_add (rows, row);
}

static void
bound_remove (InspectorSceneTree *self,
              TreeRow            *row)
{
  GPtrArray *rows = g_hash_table_lookup (self->bound, row->node);

  if (rows == NULL)
    return;
  g_ptr_array_remove (rows, row);
  if (rows->len == 0)
    g_hash_table_remove (self->bound, row->node);
}

static TreeRow *
bound_row (InspectorSceneTree *self,
           VrtcNode           *node)
{
  GPtrArray *rows = g_hash_table_lookup (self->bound, node);

  return rows != NULL ? g_ptr_array_index (rows, rows->len - 1) : NULL;
}

static void
tree_row_update_leaf (TreeRow *row)
{
  guint n = 0;

  if (row->children != NULL)
    n += g_list_model_get_n_items (row->children);
  if (row->removed != NULL)
    n += g_list_model_get_n_items (row->removed);

  if (n == 0)
    gtk_widget_add_css_class (row->expander, "leaf");
  else
    gtk_widget_remove_css_class (row->expander, "leaf");
}

/* Setting a tooltip asks the display where the pointer is, a round trip to the X server
 * even when nothing changes: rows are bound by the hundred while scrubbing history. */
static void
set_tooltip (GtkWidget  *widget,
             const char *text)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

static void
tree_row_update (TreeRow *row)
{
  VrtcNode *node = row->node;
  const char *key = vrtc_node_get_key (node);
  const char *tag = vrtc_node_get_tag (node);
  const char *name = vrtc_node_get_name (node);
  gboolean live = vrtc_node_is_live (node);
  gboolean visible = vrtc_node_is_visible (node);
  g_autofree char *accessible = NULL;

  gtk_label_set_label (GTK_LABEL (row->key_label), key);
  gtk_label_set_label (GTK_LABEL (row->tag_label), tag ? tag : "");
  gtk_label_set_label (GTK_LABEL (row->name_label), name ? name : "");
  gtk_widget_set_visible (row->name_label, name != NULL && *name != '\0');
  gtk_image_set_from_icon_name (GTK_IMAGE (row->icon), icon_for_tag (tag));

  if (live && visible)
    {
      gtk_widget_remove_css_class (row->content, "dim-label");
      gtk_widget_remove_css_class (row->content, "removed");
      set_tooltip (row->content, NULL);
    }
  else
    {
      gtk_widget_add_css_class (row->content, "dim-label");
      gtk_widget_add_css_class (row->content, live ? "hidden" : "removed");
      set_tooltip (row->content, live ? _("Hidden: an ancestor is removed") : _("Removed"));
    }

  if (live)
    /* Translators: a scene tree row's accessible name: key, tag, name */
    accessible = g_strdup_printf (_("%s, %s, %s"), key, tag ? tag : "", name ? name : "");
  else
    /* Translators: a removed node's row: key, tag, name */
    accessible = g_strdup_printf (_("%s, %s, %s, removed"), key, tag ? tag : "",
                                  name ? name : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->expander),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
on_row_node_notify (VrtcNode   *node,
                    GParamSpec *pspec,
                    TreeRow    *row)
{
  /* A node on screen removed by a reset, which has no ::node-changed. */
  if (row->tree->show_removed && g_str_equal (pspec->name, "live"))
    index_removed (row->tree, node);
  if (row->node != NULL)
    tree_row_update (row);
}

static void
on_row_children_changed (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         TreeRow    *row)
{
  tree_row_update_leaf (row);
}

static void
on_row_pressed (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                TreeRow         *row)
{
  InspectorSceneTree *self = row->tree;
  guint position = gtk_list_item_get_position (row->item);
  graphene_point_t point;

  if (row->node == NULL || position == GTK_INVALID_LIST_POSITION)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_single_selection_set_selected (self->selection, position);

  if (!gtk_widget_compute_point (row->expander, GTK_WIDGET (self),
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    point = GRAPHENE_POINT_INIT (0, 0);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           InspectorSceneTree       *self)
{
  TreeRow *row = g_new0 (TreeRow, 1);
  GtkGesture *click;

  row->tree = self;
  row->item = item;

  row->content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  row->icon = gtk_image_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  row->key_label = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (row->key_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (row->key_label, "node-key");
  row->tag_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (row->tag_label, "node-tag");
  row->name_label = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (row->name_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (row->name_label), 0);
  gtk_widget_set_hexpand (row->name_label, TRUE);
  gtk_widget_add_css_class (row->name_label, "dim-label");

  gtk_box_append (GTK_BOX (row->content), row->icon);
  gtk_box_append (GTK_BOX (row->content), row->key_label);
  gtk_box_append (GTK_BOX (row->content), row->tag_label);
  gtk_box_append (GTK_BOX (row->content), row->name_label);

  row->expander = gtk_tree_expander_new ();
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (row->expander), row->content);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_row_pressed), row);
  gtk_widget_add_controller (row->expander, GTK_EVENT_CONTROLLER (click));

  gtk_list_item_set_child (item, row->expander);
  g_object_set_data_full (G_OBJECT (item), "inspector-tree-row", row, tree_row_free);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          InspectorSceneTree       *self)
{
  TreeRow *row = g_object_get_data (G_OBJECT (item), "inspector-tree-row");
  GtkTreeListRow *list_row = gtk_list_item_get_item (item);
  VrtcNode *node = row_node (list_row);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (row->expander), list_row);
  if (node == NULL)
    return;

  row->node = g_object_ref (node);
  row->notify_id = g_signal_connect (node, "notify", G_CALLBACK (on_row_node_notify), row);
  row->children = g_object_ref (vrtc_node_get_children (node));
  row->children_id = g_signal_connect (row->children, "items-changed",
                                       G_CALLBACK (on_row_children_changed), row);
  if (self->show_removed)
    {
      row->removed = g_object_ref (G_LIST_MODEL (ensure_removed_list (self,
                                                                      vrtc_node_get_key (node))));
      row->removed_id = g_signal_connect (row->removed, "items-changed",
                                          G_CALLBACK (on_row_children_changed), row);
    }

  bound_add (self, row);
  tree_row_update (row);
  tree_row_update_leaf (row);
  flash_if_recent (self, row);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            InspectorSceneTree       *self)
{
  TreeRow *row = g_object_get_data (G_OBJECT (item), "inspector-tree-row");

  tree_row_stop_flash (row);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (row->expander), NULL);

  if (row->node == NULL)
    return;

  bound_remove (self, row);
  g_clear_signal_handler (&row->notify_id, row->node);
  g_clear_signal_handler (&row->children_id, row->children);
  if (row->removed != NULL)
    g_clear_signal_handler (&row->removed_id, row->removed);
  g_clear_object (&row->children);
  g_clear_object (&row->removed);
  g_clear_object (&row->node);
}

static void
flash_node (InspectorSceneTree *self,
            VrtcNode           *node)
{
  GPtrArray *rows = g_hash_table_lookup (self->bound, node);
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    tree_row_flash (g_ptr_array_index (rows, i), FLASH_MS);

  /* Rows bound in the next moments (a new node, one scrolled to) light up too. */
  if (g_hash_table_size (self->recent) > 256)
    {
      GHashTableIter iter;
      gpointer when;

      g_hash_table_iter_init (&iter, self->recent);
      while (g_hash_table_iter_next (&iter, NULL, &when))
        if (now - *(gint64 *) when > FLASH_MS * 1000)
          g_hash_table_iter_remove (&iter);
    }
  g_hash_table_insert (self->recent, node, g_memdup2 (&now, sizeof now));
}

static void
flash_if_recent (InspectorSceneTree *self,
                 TreeRow            *row)
{
  gint64 *when = g_hash_table_lookup (self->recent, row->node);
  gint64 left;

  if (when == NULL)
    return;

  left = FLASH_MS - (g_get_monotonic_time () - *when) / 1000;
  if (left > 50)
    tree_row_flash (row, left);
  else
    g_hash_table_remove (self->recent, row->node);
}

/* Selection */

static void
update_actions (InspectorSceneTree *self)
{
  gboolean writable = self->store != NULL && !self->read_only &&
                      !vrtc_store_get_read_only (self->store);
  VrtcNode *node = self->selected_node;
  gboolean is_root = node != NULL && vrtc_node_get_parent_key (node) == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tree.add-child", writable && node != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tree.remove",
                                 writable && node != NULL && !is_root &&
                                 vrtc_node_is_live (node));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tree.copy-key", node != NULL);
}

static void
set_selected_node (InspectorSceneTree *self,
                   VrtcNode           *node)
{
  if (node != NULL)
    {
      g_free (self->sticky_key);
      self->sticky_key = g_strdup (vrtc_node_get_key (node));
    }

  if (g_set_object (&self->selected_node, node))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_NODE]);
  update_actions (self);
}

static gboolean
reselect_cb (gpointer data)
{
  InspectorSceneTree *self = data;
  g_autofree char *key = g_steal_pointer (&self->sticky_key);

  self->reselect_id = 0;

  if (gtk_single_selection_get_selected_item (self->selection) != NULL)
    return G_SOURCE_REMOVE;

  /* The node moved, or was removed while removed nodes are shown: follow it. */
  if (key == NULL || !select_key_full (self, key, FALSE))
    set_selected_node (self, NULL);

  return G_SOURCE_REMOVE;
}

static void
on_selected_item (GtkSingleSelection *selection,
                  GParamSpec         *pspec,
                  InspectorSceneTree *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (selection);
  VrtcNode *node = row ? row_node (row) : NULL;

  if (node == NULL && self->sticky_key != NULL && self->store != NULL)
    {
      if (self->reselect_id == 0)
        self->reselect_id = g_idle_add (reselect_cb, self);
      return;
    }

  set_selected_node (self, node);
}

/* Search */

static gboolean
contains_casefolded (const char *haystack,
                     const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;

  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

static gboolean
node_matches (VrtcNode   *node,
              const char *needle)
{
  GListModel *props;
  guint n;

  if (contains_casefolded (vrtc_node_get_key (node), needle) ||
      contains_casefolded (vrtc_node_get_tag (node), needle) ||
      contains_casefolded (vrtc_node_get_name (node), needle))
    return TRUE;

  props = vrtc_node_get_properties (node);
  n = g_list_model_get_n_items (props);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VrtcProperty) prop = g_list_model_get_item (props, i);

      if (contains_casefolded (vrtc_property_get_value_json (prop), needle))
        return TRUE;
    }

  return FALSE;
}

static void
update_match_label (InspectorSceneTree *self)
{
  guint n = self->matches ? g_hash_table_size (self->matches) : 0;
  g_autofree char *text = NULL;

  if (self->needle == NULL)
    text = g_strdup ("");
  else if (n == 0)
    text = g_strdup (_("No matches"));
  else
    text = g_strdup_printf (ngettext ("%u match", "%u matches", n), n);

  gtk_label_set_label (self->match_label, text);
  if (self->needle != NULL && n == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
}

static gboolean
search_filter_func (gpointer item,
                    gpointer user_data)
{
  InspectorSceneTree *self = user_data;
  VrtcNode *node = row_node (item);

  return node != NULL && g_hash_table_contains (self->visible, vrtc_node_get_key (node));
}

/* Expands the rows of @keys, in one pass down the flattened tree. */
static void
expand_keys (InspectorSceneTree *self,
             GHashTable         *keys)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree_model)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree_model, i);
      VrtcNode *node = row_node (row);

      if (node != NULL && g_hash_table_contains (keys, vrtc_node_get_key (node)))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
}

static void
select_match (InspectorSceneTree *self,
              gboolean            backwards,
              gboolean            keep_current)
{
  GListModel *model = G_LIST_MODEL (self->filter_model);
  guint n = g_list_model_get_n_items (model);
  guint current = gtk_single_selection_get_selected (self->selection);

  if (self->needle == NULL || n == 0)
    return;

  if (current == GTK_INVALID_LIST_POSITION)
    current = backwards ? 0 : n - 1;
  else if (keep_current)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, current);
      VrtcNode *node = row_node (row);

      if (node != NULL && g_hash_table_contains (self->matches, vrtc_node_get_key (node)))
        return;
    }

  for (guint i = 1; i <= n; i++)
    {
      guint position = backwards ? (current + n - i) % n : (current + i) % n;
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, position);
      VrtcNode *node = row_node (row);

      if (node != NULL && g_hash_table_contains (self->matches, vrtc_node_get_key (node)))
        {
          select_position (self, position);
          return;
        }
    }
}

static void
run_search (InspectorSceneTree *self)
{
  g_autoptr(GHashTable) ancestors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_hash_table_remove_all (self->matches);
  g_hash_table_remove_all (self->visible);

  if (self->store != NULL && self->needle != NULL)
    {
      g_ptr_array_add (stack, vrtc_store_get_root (self->store));

      /* Walk the store's own models: what the tree can show, nothing more. */
      while (stack->len > 0)
        {
          VrtcNode *node = g_ptr_array_steal_index (stack, stack->len - 1);
          GListModel *children = vrtc_node_get_children (node);
          GListStore *removed = self->show_removed
            ? g_hash_table_lookup (self->removed, vrtc_node_get_key (node)) : NULL;

          for (guint i = g_list_model_get_n_items (children); i > 0; i--)
            {
              g_autoptr(VrtcNode) child = g_list_model_get_item (children, i - 1);
              g_ptr_array_add (stack, child);
            }
          for (guint i = removed ? g_list_model_get_n_items (G_LIST_MODEL (removed)) : 0;
               i > 0; i--)
            {
              g_autoptr(VrtcNode) child = g_list_model_get_item (G_LIST_MODEL (removed), i - 1);
              g_ptr_array_add (stack, child);
            }

          if (!node_matches (node, self->needle))
            continue;

          g_hash_table_insert (self->matches, g_strdup (vrtc_node_get_key (node)), node);
          g_hash_table_add (self->visible, g_strdup (vrtc_node_get_key (node)));
          for (const char *parent = vrtc_node_get_parent_key (node);
               parent != NULL && !g_hash_table_contains (ancestors, parent); )
            {
              VrtcNode *up = vrtc_store_get_node (self->store, parent);

              g_hash_table_add (ancestors, g_strdup (parent));
              g_hash_table_add (self->visible, g_strdup (parent));
              parent = up ? vrtc_node_get_parent_key (up) : NULL;
            }
        }

      expand_keys (self, ancestors);
    }

  if (self->needle != NULL)
    {
      if (gtk_filter_list_model_get_filter (self->filter_model) == NULL)
        gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->search_filter));
      else
        gtk_filter_changed (GTK_FILTER (self->search_filter), GTK_FILTER_CHANGE_DIFFERENT);
      select_match (self, FALSE, TRUE);
    }

  update_match_label (self);
}

static gboolean
research_cb (gpointer data)
{
  InspectorSceneTree *self = data;

  self->research_id = 0;
  if (self->needle != NULL)
    run_search (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_research (InspectorSceneTree *self)
{
  if (self->needle != NULL && self->research_id == 0)
    self->research_id = g_timeout_add (200, research_cb, self);
}

static void
set_needle (InspectorSceneTree *self,
            const char         *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));

  g_clear_handle_id (&self->research_id, g_source_remove);
  g_clear_pointer (&self->needle, g_free);

  if (*trimmed != '\0')
    {
      self->needle = g_utf8_casefold (trimmed, -1);
      run_search (self);
      return;
    }

  g_hash_table_remove_all (self->matches);
  g_hash_table_remove_all (self->visible);
  gtk_filter_list_model_set_filter (self->filter_model, NULL);
  update_match_label (self);
}

static void
on_search_changed (GtkSearchEntry     *entry,
                   InspectorSceneTree *self)
{
  set_needle (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_search_activate (GtkSearchEntry     *entry,
                    InspectorSceneTree *self)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autofree char *folded = g_utf8_casefold (trimmed, -1);

  /* Enter before the search delay ran: search now, then jump. */
  if (g_strcmp0 (folded, self->needle ? self->needle : "") != 0)
    set_needle (self, trimmed);
  else
    select_match (self, FALSE, FALSE);
}

static void
on_next_match (GtkSearchEntry     *entry,
               InspectorSceneTree *self)
{
  select_match (self, FALSE, FALSE);
}

static void
on_previous_match (GtkSearchEntry     *entry,
                   InspectorSceneTree *self)
{
  select_match (self, TRUE, FALSE);
}

static void
on_stop_search (GtkSearchEntry     *entry,
                InspectorSceneTree *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
on_search_mode (GtkSearchBar       *bar,
                GParamSpec         *pspec,
                InspectorSceneTree *self)
{
  if (gtk_search_bar_get_search_mode (bar))
    return;

  set_needle (self, NULL);
  if (self->selected_node != NULL)
    select_key_full (self, vrtc_node_get_key (self->selected_node), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* Store */

static void
on_node_changed (VrtcStore          *store,
                 VrtcNode           *node,
                 InspectorSceneTree *self)
{
  if (self->show_removed)
    index_removed (self, node);
  flash_node (self, node);
  schedule_research (self);
  if (node == self->selected_node)
    update_actions (self);
}

static void
on_property_changed (VrtcStore          *store,
                     VrtcNode           *node,
                     const char         *path,
                     InspectorSceneTree *self)
{
  flash_node (self, node);
  schedule_research (self);
}

/* Actions */

static void
commit_op (InspectorSceneTree *self,
           const char         *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcOperation) op = vrtc_operation_new_from_json (json, &error);
  g_autoptr(VrtcMessage) message = NULL;

  if (op == NULL)
    {
      g_warning ("Cannot build an operation: %s", error->message);
      return;
    }

  vrtc_store_edit (self->store, op);
  message = vrtc_store_commit (self->store);
}

static char *
node_op_json (const char *otype,
              const char *key,
              const char *parent_key,
              const char *tag)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, key);
  json_builder_set_member_name (builder, "otype");
  json_builder_add_string_value (builder, otype);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, "");
  if (tag != NULL)
    {
      json_builder_set_member_name (builder, "tag");
      json_builder_add_string_value (builder, tag);
    }
  if (parent_key != NULL)
    {
      json_builder_set_member_name (builder, "parentKey");
      json_builder_add_string_value (builder, parent_key);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
add_child_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (widget);
  g_autofree char *key = NULL;
  g_autofree char *json = NULL;

  if (self->selected_node == NULL || self->store == NULL)
    return;

  do
    {
      g_free (key);
      key = g_strdup_printf ("node-%u", ++self->next_child);
    }
  while (vrtc_store_get_node (self->store, key) != NULL);

  json = node_op_json ("node.insert", key, vrtc_node_get_key (self->selected_node), "Group");
  commit_op (self, json);
  select_key_full (self, key, TRUE);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (widget);
  g_autofree char *json = NULL;

  if (self->selected_node == NULL || self->store == NULL ||
      vrtc_node_get_parent_key (self->selected_node) == NULL)
    return;

  json = node_op_json ("node.remove", vrtc_node_get_key (self->selected_node), NULL, NULL);
  commit_op (self, json);
}

static void
copy_key_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (widget);

  if (self->selected_node == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          vrtc_node_get_key (self->selected_node));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  inspector_scene_tree_start_search (INSPECTOR_SCENE_TREE (widget));
}

static void
popup_menu_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  inspector_scene_tree_popup_menu (INSPECTOR_SCENE_TREE (widget));
}

/* Style */

static void
ensure_style (void)
{
  static gboolean done;
  GtkCssProvider *provider;
  GdkDisplay *display = gdk_display_get_default ();

  if (done || display == NULL)
    return;
  done = TRUE;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider,
    "scenetree treeexpander { border-radius: 6px;"
    "  transition: background-color 900ms ease-out; }\n"
    "scenetree treeexpander.changed { background-color: alpha(@accent_bg_color, 0.28);"
    "  transition: none; }\n"
    "scenetree treeexpander.leaf expander { -gtk-icon-source: none; }\n"
    "scenetree .node-key { font-weight: bold; }\n"
    "scenetree .node-tag { font-size: smaller; opacity: 0.75; }\n"
    "scenetree .removed .node-key { text-decoration: line-through; }\n", -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (provider);
}

/* GtkWidget: a box and the context menu, which must be presented on allocation. */

static void
inspector_scene_tree_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (widget);

  gtk_widget_measure (self->main_box, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
inspector_scene_tree_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (widget);

  gtk_widget_allocate (self->main_box, width, height, baseline, NULL);
  if (self->context_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static gboolean
inspector_scene_tree_grab_focus (GtkWidget *widget)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* GObject */

static void
inspector_scene_tree_dispose (GObject *object)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (object);

  g_clear_handle_id (&self->auto_expand_id, g_source_remove);
  g_clear_handle_id (&self->reselect_id, g_source_remove);
  g_clear_handle_id (&self->research_id, g_source_remove);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->tree_model != NULL)
    g_signal_handlers_disconnect_by_data (self->tree_model, self);
  if (self->removed != NULL)
    clear_removed (self);

  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_pointer (&self->main_box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), INSPECTOR_TYPE_SCENE_TREE);

  g_clear_object (&self->selection);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->search_filter);
  g_clear_object (&self->tree_model);
  g_clear_object (&self->roots);
  g_clear_object (&self->selected_node);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (inspector_scene_tree_parent_class)->dispose (object);
}

static void
inspector_scene_tree_finalize (GObject *object)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (object);

  g_clear_pointer (&self->removed, g_hash_table_unref);
  g_clear_pointer (&self->removed_in, g_hash_table_unref);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_pointer (&self->auto_expanded, g_hash_table_unref);
  g_clear_pointer (&self->recent, g_hash_table_unref);
  g_clear_pointer (&self->matches, g_hash_table_unref);
  g_clear_pointer (&self->visible, g_hash_table_unref);
  g_clear_pointer (&self->needle, g_free);
  g_clear_pointer (&self->sticky_key, g_free);

  G_OBJECT_CLASS (inspector_scene_tree_parent_class)->finalize (object);
}

static void
inspector_scene_tree_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_SELECTED_NODE:
      g_value_set_object (value, self->selected_node);
      break;

    case PROP_SHOW_REMOVED:
      g_value_set_boolean (value, self->show_removed);
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_scene_tree_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      inspector_scene_tree_set_store (self, g_value_get_object (value));
      break;

    case PROP_SHOW_REMOVED:
      inspector_scene_tree_set_show_removed (self, g_value_get_boolean (value));
      break;

    case PROP_READ_ONLY:
      inspector_scene_tree_set_read_only (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_scene_tree_class_init (InspectorSceneTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inspector_scene_tree_dispose;
  object_class->finalize = inspector_scene_tree_finalize;
  object_class->get_property = inspector_scene_tree_get_property;
  object_class->set_property = inspector_scene_tree_set_property;

  widget_class->measure = inspector_scene_tree_measure;
  widget_class->size_allocate = inspector_scene_tree_size_allocate;
  widget_class->grab_focus = inspector_scene_tree_grab_focus;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VRTC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SELECTED_NODE] =
    g_param_spec_object ("selected-node", NULL, NULL, VRTC_TYPE_NODE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SHOW_REMOVED] =
    g_param_spec_boolean ("show-removed", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/vrtc/Inspector/inspector-scene-tree.ui");
  gtk_widget_class_bind_template_child (widget_class, InspectorSceneTree, main_box);
  gtk_widget_class_bind_template_child (widget_class, InspectorSceneTree, search_bar);
  gtk_widget_class_bind_template_child (widget_class, InspectorSceneTree, search_entry);
  gtk_widget_class_bind_template_child (widget_class, InspectorSceneTree, match_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorSceneTree, list_view);
  gtk_widget_class_bind_template_child (widget_class, InspectorSceneTree, context_menu_model);

  gtk_widget_class_install_action (widget_class, "tree.add-child", NULL, add_child_action);
  gtk_widget_class_install_action (widget_class, "tree.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "tree.copy-key", NULL, copy_key_action);
  gtk_widget_class_install_action (widget_class, "tree.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "tree.popup-menu", NULL, popup_menu_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "tree.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "tree.popup-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "tree.popup-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "tree.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, 0, "tree.add-child", NULL);

  gtk_widget_class_set_css_name (widget_class, "scenetree");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
inspector_scene_tree_init (InspectorSceneTree *self)
{
  GtkListItemFactory *factory;

  ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->removed_in = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->bound = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->auto_expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->recent = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->matches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->visible = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->roots = g_list_store_new (VRTC_TYPE_NODE);
  self->search_filter = gtk_custom_filter_new (search_filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (NULL, NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->filter_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->selection, "notify::selected-item",
                    G_CALLBACK (on_selected_item), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Scene graph"),
                                  -1);

  self->context_menu = gtk_popover_menu_new_from_model (self->context_menu_model);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_entry_set_search_delay (self->search_entry, 120);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect (self->search_entry, "activate", G_CALLBACK (on_search_activate), self);
  g_signal_connect (self->search_entry, "next-match", G_CALLBACK (on_next_match), self);
  g_signal_connect (self->search_entry, "previous-match", G_CALLBACK (on_previous_match), self);
  g_signal_connect (self->search_entry, "stop-search", G_CALLBACK (on_stop_search), self);
  g_signal_connect (self->search_bar, "notify::search-mode-enabled",
                    G_CALLBACK (on_search_mode), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search the scene"),
                                  -1);

  rebuild_tree (self);
  update_actions (self);
}

/* Public */

GtkWidget *
inspector_scene_tree_new (void)
{
  return g_object_new (INSPECTOR_TYPE_SCENE_TREE, NULL);
}

/**
 * inspector_scene_tree_get_store:
 * @self: a #InspectorSceneTree
 *
 * Returns: (transfer none) (nullable): the store shown
 */
VrtcStore *
inspector_scene_tree_get_store (InspectorSceneTree *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SCENE_TREE (self), NULL);

  return self->store;
}

void
inspector_scene_tree_set_store (InspectorSceneTree *self,
                                VrtcStore          *store)
{
  g_autoptr(GHashTable) expanded = NULL;
  g_autoptr(GHashTable) seen = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (INSPECTOR_IS_SCENE_TREE (self));
  g_return_if_fail (store == NULL || VRTC_IS_STORE (store));

  if (self->store == store)
    return;

  /* The same keys in another store (a history view, say) open the same way: expanded rows
   * stay expanded, and top-level rows already seen are not opened again. */
  expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  remember_expansion (self, expanded, seen);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);

  clear_removed (self);
  g_hash_table_remove_all (self->auto_expanded);
  g_hash_table_remove_all (self->recent);
  g_clear_pointer (&self->sticky_key, g_free);
  g_clear_handle_id (&self->reselect_id, g_source_remove);
  self->next_child = 0;

  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (self->auto_expanded, g_strdup (key));

  /* New roots for the new model: the old model, still shown, keeps its own. */
  g_object_unref (self->roots);
  self->roots = g_list_store_new (VRTC_TYPE_NODE);
  if (store != NULL)
    {
      g_signal_connect_object (store, "node-changed", G_CALLBACK (on_node_changed), self, 0);
      g_signal_connect_object (store, "property-changed",
                               G_CALLBACK (on_property_changed), self, 0);
      if (self->show_removed)
        seed_removed (self);
      g_list_store_append (self->roots, vrtc_store_get_root (store));
    }

  rebuild_tree_expanded (self, expanded);
  set_selected_node (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * inspector_scene_tree_get_selected_node:
 * @self: a #InspectorSceneTree
 *
 * Returns: (transfer none) (nullable): the selected node
 */
VrtcNode *
inspector_scene_tree_get_selected_node (InspectorSceneTree *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SCENE_TREE (self), NULL);

  return self->selected_node;
}

static gboolean
select_key_full (InspectorSceneTree *self,
                 const char         *key,
                 gboolean            may_stop_search)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  VrtcNode *node;
  int position;

  if (self->store == NULL || (node = vrtc_store_get_node (self->store, key)) == NULL)
    return FALSE;

  row = expand_to (self, node);
  if (row == NULL)
    return FALSE;

  position = shown_position (self, row);
  if (position < 0 && may_stop_search)
    {
      gtk_search_bar_set_search_mode (self->search_bar, FALSE);
      set_needle (self, NULL);
      position = shown_position (self, row);
    }
  if (position < 0)
    return FALSE;

  select_position (self, position);
  return TRUE;
}

/**
 * inspector_scene_tree_select_key:
 * @self: a #InspectorSceneTree
 * @key: a node key
 *
 * Expands the ancestors of the node and selects it, ending a search that hides it.
 *
 * Returns: %TRUE when the node is in the tree and now selected
 */
gboolean
inspector_scene_tree_select_key (InspectorSceneTree *self,
                                 const char         *key)
{
  g_return_val_if_fail (INSPECTOR_IS_SCENE_TREE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return select_key_full (self, key, TRUE);
}

void
inspector_scene_tree_start_search (InspectorSceneTree *self)
{
  g_return_if_fail (INSPECTOR_IS_SCENE_TREE (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  /* Text left from the last search is searched again, selected for typing over. */
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
  set_needle (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

/**
 * inspector_scene_tree_set_search_text:
 * @self: a #InspectorSceneTree
 * @text: (nullable): what to search for
 *
 * Opens the search bar and searches at once, without the typing delay.
 */
void
inspector_scene_tree_set_search_text (InspectorSceneTree *self,
                                      const char         *text)
{
  g_return_if_fail (INSPECTOR_IS_SCENE_TREE (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  g_signal_handlers_block_by_func (self->search_entry, on_search_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  g_signal_handlers_unblock_by_func (self->search_entry, on_search_changed, self);
  set_needle (self, text);
}

/**
 * inspector_scene_tree_get_n_matches:
 * @self: a #InspectorSceneTree
 *
 * Returns: how many nodes the current search matches, 0 when not searching
 */
guint
inspector_scene_tree_get_n_matches (InspectorSceneTree *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SCENE_TREE (self), 0);

  return self->needle ? g_hash_table_size (self->matches) : 0;
}

gboolean
inspector_scene_tree_get_show_removed (InspectorSceneTree *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SCENE_TREE (self), FALSE);

  return self->show_removed;
}

void
inspector_scene_tree_set_show_removed (InspectorSceneTree *self,
                                       gboolean            show_removed)
{
  g_autofree char *selected = NULL;

  g_return_if_fail (INSPECTOR_IS_SCENE_TREE (self));

  show_removed = !!show_removed;
  if (self->show_removed == show_removed)
    return;

  self->show_removed = show_removed;
  selected = g_strdup (self->sticky_key);

  clear_removed (self);
  if (show_removed)
    seed_removed (self);
  rebuild_tree (self);
  if (selected != NULL && !select_key_full (self, selected, FALSE))
    set_selected_node (self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_REMOVED]);
}

gboolean
inspector_scene_tree_get_read_only (InspectorSceneTree *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SCENE_TREE (self), FALSE);

  return self->read_only;
}

void
inspector_scene_tree_set_read_only (InspectorSceneTree *self,
                                    gboolean            read_only)
{
  g_return_if_fail (INSPECTOR_IS_SCENE_TREE (self));

  read_only = !!read_only;
  if (self->read_only == read_only)
    return;

  self->read_only = read_only;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
}

/**
 * inspector_scene_tree_get_model:
 * @self: a #InspectorSceneTree
 *
 * Returns: (transfer none): the rows shown (#GtkTreeListRow items), after the search filter
 */
GListModel *
inspector_scene_tree_get_model (InspectorSceneTree *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SCENE_TREE (self), NULL);

  return G_LIST_MODEL (self->selection);
}

/**
 * inspector_scene_tree_get_row_widget:
 * @self: a #InspectorSceneTree
 * @key: a node key
 *
 * Returns: (transfer none) (nullable): the row widget bound to @key's node, if on screen
 */
GtkWidget *
inspector_scene_tree_get_row_widget (InspectorSceneTree *self,
                                     const char         *key)
{
  VrtcNode *node;
  TreeRow *row;

  g_return_val_if_fail (INSPECTOR_IS_SCENE_TREE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (self->store == NULL || (node = vrtc_store_get_node (self->store, key)) == NULL)
    return NULL;

  row = bound_row (self, node);
  return row ? row->expander : NULL;
}

/**
 * inspector_scene_tree_popup_menu:
 * @self: a #InspectorSceneTree
 *
 * Opens the context menu (add child, remove, copy key) at the selected row.
 */
void
inspector_scene_tree_popup_menu (InspectorSceneTree *self)
{
  TreeRow *row;
  GtkWidget *anchor;
  graphene_point_t point = GRAPHENE_POINT_INIT (0, 0);
  double y = 0;

  g_return_if_fail (INSPECTOR_IS_SCENE_TREE (self));

  row = self->selected_node ? bound_row (self, self->selected_node) : NULL;
  anchor = row ? row->expander : GTK_WIDGET (self->list_view);
  if (row != NULL)
    y = gtk_widget_get_height (row->expander);

  if (!gtk_widget_compute_point (anchor, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (24, y),
                                 &point))
    point = GRAPHENE_POINT_INIT (0, 0);

  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}
