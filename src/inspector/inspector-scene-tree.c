/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "inspector-list-util.h"
#include "inspector-node-row.h"
#include "inspector-scene-tree.h"

/*
 * The scene graph as a tree: GtkTreeListModel → GtkFilterListModel (search) →
 * GtkSingleSelection → GtkListView. Rows are recycled, so each bind connects to its node and
 * each unbind lets go.
 *
 * The items are InspectorSceneItems, one per key, not the store's nodes: each children model
 * made for an expanded row is a list of items that follows the store's own children model of
 * its node. When the tree is pointed at another store (entering history, say), the items
 * are pointed at it and each of these lists takes the other store's children by a diff, so
 * the rows that did not change stay as they were, expanded and selected, and only the rows
 * on screen are bound again. Nothing is done per node until a row needs it.
 *
 * A view of history is read by keys instead (vrtc_store_get_child_keys()): its nodes are made
 * for the rows bound only, and when the view moves (VrtcStore::reset) the lists take the
 * keys at the new position by the same diff, the rows and their nodes staying.
 *
 * The children models hold live nodes only. Removed nodes, when shown, come from an index
 * of the store's own VrtcNode objects, kept per parent from ::node-changed.
 */

#define FLASH_MS 1500

/*
 * The rows as the list sees them. Following another store splices many children lists,
 * and a GTK 4.8 list view pays several milliseconds for each items-changed, wherever it
 * is: while frozen, the changes are merged into one span before the row the list is
 * anchored on and one after it, announced on thaw. Rows kept inside a span are the same
 * GtkTreeListRow objects, so the list view keeps their widgets and the selection keeps its
 * row. Nobody reads the rows while frozen: the count stays the one last announced.
 *
 * Closing a big group is staged. A GTK 4.8 list view keeps widgets for about 200 rows
 * around its anchor: the widgets of rows that leave that range go to the rows that enter
 * it, but those of removed rows are destroyed, and the rows that take their place get new
 * ones (30 ms for a screenful). So when the tree asks (stage_at, on a row on screen that
 * anchors the list), a removal of many rows right after that row is announced in two steps:
 *
 *  1. the rows that now follow the closed row (up to STAGE_ROWS of them, and up to the
 *     first that has a widget, in the range or kept for the list's focus or where its
 *     selection started: it would be shown twice) are inserted right after it: the
 *     removed rows, pushed out of range, hand their widgets to them;
 *  2. those inserted rows, the removed rows and the first rows after them, shown twice
 *     until then, are replaced by the inserted rows again: the list view finds these in
 *     place, and the rows it removes have no widgets left.
 *
 * The list view and the selection end where a single announcement leaves them. Between the
 * two steps, the list reads no row but the inserted ones.
 */
#define STAGE_MIN_REMOVED 64   /* fewer rows cost less than a second announcement */
#define STAGE_ROWS        256  /* more rows than a 4.8 list view keeps widgets for */

#define INSPECTOR_TYPE_SCENE_TREE_BATCH (inspector_scene_tree_batch_get_type ())
G_DECLARE_FINAL_TYPE (InspectorSceneTreeBatch, inspector_scene_tree_batch,
                      INSPECTOR, SCENE_TREE_BATCH, GObject)

typedef struct
{
  gboolean changed;
  guint    start;        /* the span changed, in today's positions, */
  guint    old_length;   /* before */
  guint    new_length;   /* and now */
} Span;

struct _InspectorSceneTreeBatch
{
  GObject     parent_instance;

  GListModel *source;
  guint       n_items;      /* as last announced */
  gboolean    frozen;
  guint       anchor;       /* while frozen: the row the list is anchored on, today's
                             * position; G_MAXUINT: none, all in @before */
  Span        before;       /* what changed before the anchor row */
  Span        after;        /* and after it, from the row after it */

  guint       stage_at;       /* a removal here is staged; G_MAXUINT: none */
  gboolean    staged;         /* between the two steps: the rows as step 1 left them */
  guint       stage_position; /* where step 1 inserted */
  guint       stage_rows;     /* how many rows it inserted */
  guint       stage_removed;  /* the rows removed from the source, still announced */
  /* how many rows of the source from a position have no widget, at most max */
  guint     (*unbound_rows) (gpointer data, guint position, guint max);
  gpointer    unbound_data;
};

static GType
inspector_scene_tree_batch_get_item_type (GListModel *model)
{
  return GTK_TYPE_TREE_LIST_ROW;
}

static guint
inspector_scene_tree_batch_get_n_items (GListModel *model)
{
  return INSPECTOR_SCENE_TREE_BATCH (model)->n_items;
}

static gpointer
inspector_scene_tree_batch_get_item (GListModel *model,
                                     guint       position)
{
  InspectorSceneTreeBatch *self = INSPECTOR_SCENE_TREE_BATCH (model);

  if (self->source == NULL || position >= self->n_items)
    return NULL;
  if (self->staged && position >= self->stage_position + self->stage_rows)
    {
      guint after = position - self->stage_position - self->stage_rows;

      /* a removed row: no list view binds them, pushed out of its range */
      g_warn_if_fail (after >= self->stage_removed);
      if (after < self->stage_removed)
        position = self->stage_position;
      else
        position -= self->stage_rows + self->stage_removed;
    }
  return g_list_model_get_item (self->source, position);
}

static void
inspector_scene_tree_batch_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = inspector_scene_tree_batch_get_item_type;
  iface->get_n_items = inspector_scene_tree_batch_get_n_items;
  iface->get_item = inspector_scene_tree_batch_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (InspectorSceneTreeBatch, inspector_scene_tree_batch,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      inspector_scene_tree_batch_list_model_init))

/* Tells the list of a change of the source, staged (see above) when asked; the list then
 * has @n rows. */
static void
batch_announce (InspectorSceneTreeBatch *self,
                guint                    position,
                guint                    removed,
                guint                    added,
                guint                    n)
{
  GListModel *model = G_LIST_MODEL (self);
  guint rows;

  if (position != self->stage_at || removed < STAGE_MIN_REMOVED || added != 0 ||
      position >= n)
    {
      self->n_items = n;
      g_list_model_items_changed (model, position, removed, added);
      return;
    }

  rows = self->unbound_rows (self->unbound_data, position, MIN (n - position, STAGE_ROWS));
  if (rows == 0)
    {
      self->n_items = n;
      g_list_model_items_changed (model, position, removed, added);
      return;
    }

  self->staged = TRUE;
  self->stage_position = position;
  self->stage_rows = rows;
  self->stage_removed = removed;
  self->n_items = n + rows + removed;
  g_list_model_items_changed (model, position, 0, rows);

  self->staged = FALSE;
  self->n_items = n;
  g_list_model_items_changed (model, position, 2 * rows + removed, rows);
}

/* Adds a change, in today's positions, to @span. */
static void
span_add (Span  *span,
          guint  position,
          guint  removed,
          guint  added)
{
  guint lo, hi;

  if (!span->changed)
    {
      span->changed = TRUE;
      span->start = position;
      span->old_length = removed;
      span->new_length = added;
      return;
    }

  /* The union of the span and this change. */
  lo = MIN (span->start, position);
  hi = MAX (span->start + span->new_length, position + removed);
  span->old_length += (span->start - lo) + (hi - (span->start + span->new_length));
  span->start = lo;
  span->new_length = hi - removed + added - lo;
}

static void
batch_source_changed (GListModel              *source,
                      guint                    position,
                      guint                    removed,
                      guint                    added,
                      InspectorSceneTreeBatch *self)
{
  if (!self->frozen)
    {
      batch_announce (self, position, removed, added, g_list_model_get_n_items (source));
      return;
    }

  if (self->anchor != G_MAXUINT && position + removed <= self->anchor)
    {
      span_add (&self->before, position, removed, added);
      self->anchor = self->anchor - removed + added;
      return;
    }
  if (self->anchor != G_MAXUINT && position > self->anchor)
    {
      span_add (&self->after, position - self->anchor - 1, removed, added);
      return;
    }

  /* The anchor row itself went: one span for all. */
  if (self->anchor != G_MAXUINT && self->after.changed)
    span_add (&self->before, self->anchor + 1 + self->after.start, self->after.old_length,
              self->after.new_length);
  self->anchor = G_MAXUINT;
  self->after.changed = FALSE;
  span_add (&self->before, position, removed, added);
}

/* @anchor: the row the list is anchored on, which the spans announced on thaw leave out, or
 * G_MAXUINT */
static void
batch_freeze (InspectorSceneTreeBatch *self,
              guint                    anchor)
{
  g_assert (!self->frozen);

  self->frozen = TRUE;
  self->anchor = anchor;
  self->before.changed = FALSE;
  self->after.changed = FALSE;
}

static void
batch_thaw (InspectorSceneTreeBatch *self)
{
  guint n;

  g_assert (self->frozen);

  self->frozen = FALSE;
  n = g_list_model_get_n_items (self->source);
  if (self->before.changed)
    batch_announce (self, self->before.start, self->before.old_length,
                    self->before.new_length,
                    self->after.changed ?
                      n - self->after.new_length + self->after.old_length : n);
  if (self->after.changed)
    batch_announce (self, self->anchor + 1 + self->after.start, self->after.old_length,
                    self->after.new_length, n);
  self->before.changed = FALSE;
  self->after.changed = FALSE;
}

static void
batch_set_source (InspectorSceneTreeBatch *self,
                  GListModel              *source)
{
  guint old = self->n_items;

  g_assert (!self->frozen);

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_func (self->source, batch_source_changed, self);
  g_set_object (&self->source, source);
  if (source != NULL)
    g_signal_connect (source, "items-changed", G_CALLBACK (batch_source_changed), self);

  self->n_items = source ? g_list_model_get_n_items (source) : 0;
  if (old > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}

static void
inspector_scene_tree_batch_dispose (GObject *object)
{
  InspectorSceneTreeBatch *self = INSPECTOR_SCENE_TREE_BATCH (object);

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_func (self->source, batch_source_changed, self);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (inspector_scene_tree_batch_parent_class)->dispose (object);
}

static void
inspector_scene_tree_batch_class_init (InspectorSceneTreeBatchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = inspector_scene_tree_batch_dispose;
}

static void
inspector_scene_tree_batch_init (InspectorSceneTreeBatch *self)
{
  self->stage_at = G_MAXUINT;
}

typedef struct
{
  InspectorSceneTree *tree;
  GtkListItem        *item;
  GtkWidget          *content;          /* InspectorNodeRow, the list item's child */

  /* while bound */
  InspectorSceneItem *scene_item;
  VrtcNode           *node;
  gboolean            has_children;   /* whether its node has (live) children */
  GListModel         *removed;
  gulong              notify_id;
  gulong              removed_id;
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
  GListStore         *roots;            /* InspectorSceneItem */
  GHashTable         *items;            /* key → InspectorSceneItem, one per key */
  GHashTable         *child_lists;      /* the ChildList of each children model alive */
  GtkTreeListModel   *tree_model;
  InspectorSceneTreeBatch *batch;
  GtkFilterListModel *filter_model;
  GtkCustomFilter    *search_filter;
  GtkSingleSelection *selection;

  /* state */
  VrtcNode           *selected_node;
  char               *sticky_key;
  gboolean            show_removed;
  gboolean            read_only;
  GHashTable         *removed;          /* parent key → GListStore of InspectorSceneItem */
  GHashTable         *removed_in;       /* removed key → the parent key listing it */
  GHashTable         *bound;            /* InspectorSceneItem → GPtrArray of TreeRow */
  GHashTable         *auto_expanded;    /* keys expanded once on their own */
  GHashTable         *recent;           /* VrtcNode → when it last changed (µs) */
  guint               recent_limit;     /* its size that triggers a sweep */
  guint               auto_expand_id;
  guint               reselect_id;
  guint               recount_id;
  guint               next_child;
  gboolean            syncing;          /* pointing the model at another store */
  gboolean            by_keys;          /* the store is a view of history: lists of keys */

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

/* Items */

static InspectorSceneItem *
ensure_item (InspectorSceneTree *self,
             const char         *key)
{
  InspectorSceneItem *item = g_hash_table_lookup (self->items, key);

  if (item == NULL)
    {
      item = inspector_scene_item_new (key, self->store);
      g_hash_table_insert (self->items, (char *) inspector_scene_item_get_key (item), item);
    }

  return item;
}

static InspectorSceneItem *
lookup_item (InspectorSceneTree *self,
             VrtcNode           *node)
{
  return g_hash_table_lookup (self->items, vrtc_node_get_key (node));
}

static const char *
item_key_at (GListModel *items,
             guint       position)
{
  g_autoptr(InspectorSceneItem) item = g_list_model_get_item (items, position);

  /* Items are held by the list and keep their key. */
  return inspector_scene_item_get_key (item);
}

static const char *
node_key_at (GListModel *nodes,
             guint       position)
{
  g_autoptr(VrtcNode) node = g_list_model_get_item (nodes, position);

  /* The store keeps its nodes, and they keep their key. */
  return vrtc_node_get_key (node);
}

/* The keys of a list of nodes, borrowed from them. */
static GPtrArray *
node_keys (GListModel *nodes)
{
  guint n = nodes ? g_list_model_get_n_items (nodes) : 0;
  GPtrArray *keys = g_ptr_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (keys, (gpointer) node_key_at (nodes, i));

  return keys;
}

/*
 * Makes @items hold the items of @keys, splicing only where they differ:
 * each row kept keeps its state (expanded, selected, its widget), and each splice costs the
 * list view a rebind of the rows it touches. Children keep their relative order from one
 * state to the next, so a walk down both lists finds what went and what came; a node that
 * moved is removed where it was and inserted where it is.
 */
typedef void (*SpliceFunc) (GListModel *model,
                            guint       position,
                            guint       removed,
                            gpointer   *added,
                            guint       n_added);

static void
splice_store (GListModel *model,
              guint       position,
              guint       removed,
              gpointer   *added,
              guint       n_added)
{
  g_list_store_splice (G_LIST_STORE (model), position, removed, added, n_added);
}

static void
sync_items (InspectorSceneTree *self,
            GListModel         *model,
            SpliceFunc          splice,
            GPtrArray          *keys)
{
  guint n_old = g_list_model_get_n_items (model);
  guint n_new = keys->len;
  guint prefix = 0, suffix = 0;
  g_autoptr(GHashTable) old_index = NULL;
  g_autoptr(GHashTable) new_index = NULL;
  g_autoptr(GPtrArray) old_keys = NULL;
  g_autoptr(GPtrArray) new_keys = NULL;
  g_autoptr(GPtrArray) added = NULL;
  guint i, j, position;

  while (prefix < MIN (n_old, n_new) &&
         g_str_equal (item_key_at (model, prefix), keys->pdata[prefix]))
    prefix++;
  while (suffix < MIN (n_old, n_new) - prefix &&
         g_str_equal (item_key_at (model, n_old - 1 - suffix),
                      keys->pdata[n_new - 1 - suffix]))
    suffix++;

  if (prefix == n_old && prefix == n_new)
    return;

  /* Only one side has something left: one splice. */
  if (prefix + suffix == n_old || prefix + suffix == n_new)
    {
      added = g_ptr_array_sized_new (n_new - prefix - suffix);
      for (i = prefix; i < n_new - suffix; i++)
        g_ptr_array_add (added, ensure_item (self, keys->pdata[i]));
      splice (model, prefix, n_old - prefix - suffix, added->pdata, added->len);
      return;
    }

  old_keys = g_ptr_array_sized_new (n_old - prefix - suffix);
  new_keys = g_ptr_array_sized_new (n_new - prefix - suffix);
  old_index = g_hash_table_new (g_str_hash, g_str_equal);
  new_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = prefix; i < n_old - suffix; i++)
    {
      g_ptr_array_add (old_keys, (gpointer) item_key_at (model, i));
      g_hash_table_insert (old_index, old_keys->pdata[old_keys->len - 1],
                           GUINT_TO_POINTER (old_keys->len));
    }
  for (i = prefix; i < n_new - suffix; i++)
    {
      g_ptr_array_add (new_keys, keys->pdata[i]);
      g_hash_table_insert (new_index, new_keys->pdata[new_keys->len - 1],
                           GUINT_TO_POINTER (new_keys->len));
    }

  /* Indexes are stored plus one, so that 0 means absent. */
  i = j = 0;
  position = prefix;
  while (i < old_keys->len || j < new_keys->len)
    {
      guint removed = 0;

      if (i < old_keys->len && j < new_keys->len &&
          g_str_equal (old_keys->pdata[i], new_keys->pdata[j]))
        {
          i++, j++, position++;
          continue;
        }

      /* What went (or comes back later than where the walk is in the new list)... */
      while (i < old_keys->len)
        {
          guint at = GPOINTER_TO_UINT (g_hash_table_lookup (new_index, old_keys->pdata[i]));

          if (at != 0 && at - 1 >= j)
            break;
          i++, removed++;
        }

      /* ...then what came, at the same place, as one splice. */
      added = g_ptr_array_new ();
      while (j < new_keys->len)
        {
          guint at = GPOINTER_TO_UINT (g_hash_table_lookup (old_index, new_keys->pdata[j]));

          if (at != 0 && at - 1 >= i)
            break;
          g_ptr_array_add (added, ensure_item (self, new_keys->pdata[j]));
          j++;
        }

      /* Both next keys are further on in the other list: the old one moved. */
      if (removed == 0 && added->len == 0)
        {
          i++;
          removed = 1;
        }

      splice (model, position, removed, added->pdata, added->len);
      position += added->len;
      g_clear_pointer (&added, g_ptr_array_unref);
    }
}

/* Removed nodes */

static GListStore *
ensure_removed_list (InspectorSceneTree *self,
                     const char         *parent_key)
{
  GListStore *list = g_hash_table_lookup (self->removed, parent_key);

  if (list == NULL)
    {
      list = g_list_store_new (INSPECTOR_TYPE_SCENE_ITEM);
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
      InspectorSceneItem *item = lookup_item (self, node);
      guint position;

      g_signal_handlers_disconnect_by_func (node, on_indexed_node_notify, self);
      g_hash_table_remove (self->removed_in, key);
      if (list != NULL && item != NULL && g_list_store_find (list, item, &position))
        g_list_store_remove (list, position);
    }

  if (removed && !g_hash_table_contains (self->removed_in, key))
    {
      g_hash_table_insert (self->removed_in, g_strdup (key), g_strdup (parent));
      g_signal_connect_object (node, "notify::live", G_CALLBACK (on_indexed_node_notify),
                               self, 0);
      g_signal_connect_object (node, "notify::parent-key", G_CALLBACK (on_indexed_node_notify),
                               self, 0);
      g_list_store_append (ensure_removed_list (self, parent), ensure_item (self, key));
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

/* Empties the lists, which children models may show, rather than dropping them. */
static void
clear_removed (InspectorSceneTree *self)
{
  GHashTableIter iter;
  GListModel *list;

  g_hash_table_iter_init (&iter, self->removed);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &list))
    {
      for (guint i = 0; i < g_list_model_get_n_items (list); i++)
        {
          g_autoptr(InspectorSceneItem) item = g_list_model_get_item (list, i);
          VrtcNode *node = inspector_scene_item_get_node (item);

          if (node != NULL)
            g_signal_handlers_disconnect_by_func (node, on_indexed_node_notify, self);
        }
      g_list_store_remove_all (G_LIST_STORE (list));
    }

  g_hash_table_remove_all (self->removed_in);
}

/* Tree model */

/*
 * The items of one children model, made when asked for: a GtkTreeListModel makes a children
 * model for every collapsed row it binds, only to see whether it could be expanded, and
 * drops it. Until an item is made, its key is read from the node at the same place in the
 * source, which the list mirrors one for one.
 */
#define INSPECTOR_TYPE_SCENE_TREE_CHILDREN (inspector_scene_tree_children_get_type ())
G_DECLARE_FINAL_TYPE (InspectorSceneTreeChildren, inspector_scene_tree_children,
                      INSPECTOR, SCENE_TREE_CHILDREN, GObject)

struct _InspectorSceneTreeChildren
{
  GObject             parent_instance;

  InspectorSceneTree *tree;     /* borrowed: the tree outlives what it follows */
  GListModel         *source;   /* VrtcNode, where keys are read */
  GPtrArray          *items;    /* InspectorSceneItem, NULL until made */
};

static GType
inspector_scene_tree_children_get_item_type (GListModel *model)
{
  return INSPECTOR_TYPE_SCENE_ITEM;
}

static guint
inspector_scene_tree_children_get_n_items (GListModel *model)
{
  return INSPECTOR_SCENE_TREE_CHILDREN (model)->items->len;
}

static gpointer
inspector_scene_tree_children_get_item (GListModel *model,
                                        guint       position)
{
  InspectorSceneTreeChildren *self = INSPECTOR_SCENE_TREE_CHILDREN (model);

  if (position >= self->items->len)
    return NULL;

  if (self->items->pdata[position] == NULL)
    {
      g_autoptr(VrtcNode) node = g_list_model_get_item (self->source, position);

      self->items->pdata[position] =
        g_object_ref (ensure_item (self->tree, vrtc_node_get_key (node)));
    }

  return g_object_ref (self->items->pdata[position]);
}

static void
inspector_scene_tree_children_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = inspector_scene_tree_children_get_item_type;
  iface->get_n_items = inspector_scene_tree_children_get_n_items;
  iface->get_item = inspector_scene_tree_children_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (InspectorSceneTreeChildren, inspector_scene_tree_children,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (
                                 G_TYPE_LIST_MODEL,
                                 inspector_scene_tree_children_list_model_init))

static void
inspector_scene_tree_children_finalize (GObject *object)
{
  InspectorSceneTreeChildren *self = INSPECTOR_SCENE_TREE_CHILDREN (object);

  g_ptr_array_unref (self->items);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (inspector_scene_tree_children_parent_class)->finalize (object);
}

static void
inspector_scene_tree_children_class_init (InspectorSceneTreeChildrenClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = inspector_scene_tree_children_finalize;
}

static void
unref_item (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

static void
inspector_scene_tree_children_init (InspectorSceneTreeChildren *self)
{
  self->items = g_ptr_array_new_with_free_func (unref_item);
}

/* Like g_list_store_splice(); NULL items are made when asked for. */
static void
splice_children (GListModel *model,
                 guint       position,
                 guint       removed,
                 gpointer   *added,
                 guint       n_added)
{
  InspectorSceneTreeChildren *self = INSPECTOR_SCENE_TREE_CHILDREN (model);

  g_ptr_array_remove_range (self->items, position, removed);
  for (guint i = 0; i < n_added; i++)
    g_ptr_array_insert (self->items, position + i,
                        added && added[i] ? g_object_ref (added[i]) : NULL);
  g_list_model_items_changed (model, position, removed, n_added);
}

/* Makes every item, so that the source can be swapped for another. */
static void
children_make_items (InspectorSceneTreeChildren *self)
{
  for (guint i = 0; i < self->items->len; i++)
    if (self->items->pdata[i] == NULL)
      g_object_unref (inspector_scene_tree_children_get_item (G_LIST_MODEL (self), i));
}

/* The items of one expanded row's children, following its node's children model in the
 * store shown. It lives as long as the children model the tree list model holds. */
typedef struct
{
  InspectorSceneTree *tree;
  char               *parent_key;
  GObject            *model;      /* the children model, which owns the rest */
  InspectorSceneTreeChildren *items;
  GListModel         *source;     /* the node's children in the store shown, unless by keys */
  gulong              source_id;
  gboolean            filled;
} ChildList;

static void
on_source_items_changed (GListModel *source,
                         guint       position,
                         guint       removed,
                         guint       added,
                         ChildList  *list)
{
  /* Mirrored one for one: the new items are made when asked for. */
  splice_children (G_LIST_MODEL (list->items), position, removed, NULL, added);
}

/* Follows @source, a children model, or holds @keys when it is %NULL. */
static void
child_list_set_source (ChildList  *list,
                       GListModel *source,
                       GPtrArray  *keys)
{
  InspectorSceneTreeChildren *children = list->items;
  g_autoptr(GPtrArray) source_keys = NULL;

  if (list->source != NULL)
    g_clear_signal_handler (&list->source_id, list->source);
  g_set_object (&list->source, source);
  if (keys == NULL)
    keys = source_keys = source && list->filled ? node_keys (source) : g_ptr_array_new ();

  if (!list->filled)
    {
      /* A new list: from a model nothing is made yet; keys are at hand, items cheap. */
      list->filled = TRUE;
      g_set_object (&children->source, source);
      if (source != NULL)
        g_ptr_array_set_size (children->items, g_list_model_get_n_items (source));
      for (guint i = 0; source == NULL && i < keys->len; i++)
        g_ptr_array_add (children->items,
                         g_object_ref (ensure_item (list->tree, keys->pdata[i])));
    }
  else
    {
      children_make_items (children);
      g_set_object (&children->source, source);
      sync_items (list->tree, G_LIST_MODEL (children), splice_children, keys);
    }

  if (source != NULL)
    list->source_id = g_signal_connect (source, "items-changed",
                                        G_CALLBACK (on_source_items_changed), list);
}

/*
 * The children of @node (NULL: it has none here) in the store shown. A view of history
 * changes all at once and its lists are read as keys, so that no node is made for a row
 * until it is bound; any other store's children model is followed change by change.
 */
static void
child_list_follow (ChildList *list,
                   VrtcNode  *node)
{
  InspectorSceneTree *self = list->tree;
  g_autoptr(GPtrArray) keys = NULL;

  if (self->by_keys)
    {
      keys = vrtc_store_get_child_keys (self->store, list->parent_key);
      child_list_set_source (list, NULL, keys);
    }
  else
    {
      child_list_set_source (list, node ? vrtc_node_get_children (node) : NULL, NULL);
    }
}

/* After a store change: the children of the node of the same key, in the new store. */
static void
child_list_repoint (ChildList *list)
{
  InspectorSceneTree *self = list->tree;
  VrtcNode *node = self->store && !self->by_keys ?
                   vrtc_store_get_node (self->store, list->parent_key) : NULL;

  child_list_follow (list, node);
}

static void
child_list_free (gpointer data)
{
  ChildList *list = data;

  if (list->source != NULL)
    g_clear_signal_handler (&list->source_id, list->source);
  g_clear_object (&list->source);
  g_free (list->parent_key);
  g_free (list);
}

static void
child_list_model_gone (gpointer  data,
                       GObject  *model)
{
  ChildList *list = data;

  g_hash_table_remove (list->tree->child_lists, list);
}

static GListModel *
create_children_model (gpointer item,
                       gpointer user_data)
{
  InspectorSceneTree *self = user_data;
  const char *key = inspector_scene_item_get_key (item);
  VrtcNode *node = inspector_scene_item_get_node (item);
  ChildList *list;
  GListModel *model;

  if (node == NULL)
    return NULL;

  list = g_new0 (ChildList, 1);
  list->tree = self;
  list->parent_key = g_strdup (key);
  list->items = g_object_new (INSPECTOR_TYPE_SCENE_TREE_CHILDREN, NULL);
  list->items->tree = self;
  child_list_follow (list, node);

  if (self->show_removed)
    {
      g_autoptr(GListStore) both = g_list_store_new (G_TYPE_LIST_MODEL);

      g_list_store_append (both, list->items);
      g_list_store_append (both, ensure_removed_list (self, key));
      g_object_unref (list->items);
      model = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&both))));
    }
  else
    {
      model = G_LIST_MODEL (list->items);
    }

  list->model = G_OBJECT (model);
  g_hash_table_add (self->child_lists, list);
  g_object_weak_ref (list->model, child_list_model_gone, list);

  return model;
}

static InspectorSceneItem *
row_item (GtkTreeListRow *row)
{
  g_autoptr(GObject) item = row ? gtk_tree_list_row_get_item (row) : NULL;

  /* The model holds its items, so a borrowed pointer is safe. */
  return INSPECTOR_IS_SCENE_ITEM (item) ? INSPECTOR_SCENE_ITEM (item) : NULL;
}

static VrtcNode *
row_node (GtkTreeListRow *row)
{
  InspectorSceneItem *item = row_item (row);

  /* The store keeps every node alive, so a borrowed pointer is safe. */
  return item ? inspector_scene_item_get_node (item) : NULL;
}

/* Expands the root and its children once, the first time each appears, while the tree is
 * smaller than this: a big scene opens on its top level, without a row made for each node. */
#define AUTO_EXPAND_ROWS 2000

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
      InspectorSceneItem *item = row_item (child);
      const char *key = item ? inspector_scene_item_get_key (item) : NULL;

      if (key == NULL || g_hash_table_contains (self->auto_expanded, key))
        continue;
      g_hash_table_add (self->auto_expanded, g_strdup (key));
      if (g_list_model_get_n_items (G_LIST_MODEL (self->tree_model)) < AUTO_EXPAND_ROWS)
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
  batch_set_source (self->batch, G_LIST_MODEL (self->tree_model));

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
          g_autoptr(InspectorSceneItem) item = g_list_model_get_item (children, j);

          if (g_str_equal (inspector_scene_item_get_key (item), vrtc_node_get_key (wanted)))
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

static TreeRow *bound_row_at (InspectorSceneTree *self,
                              guint               position);

/* Whether a bound row is on screen whole, where it was last laid out. */
static gboolean
row_on_screen (TreeRow *row)
{
  GtkWidget *list = GTK_WIDGET (row->tree->list_view);
  graphene_rect_t bounds;

  return gtk_widget_get_mapped (row->content) &&
         gtk_widget_compute_bounds (row->content, list, &bounds) &&
         bounds.origin.y >= 0 &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (list);
}

/* Whether the row at @position is on screen whole. */
static gboolean
position_visible (InspectorSceneTree *self,
                  guint               position)
{
  TreeRow *row = bound_row_at (self, position);

  return row != NULL && row_on_screen (row);
}

/*
 * Scrolling to a row anchors the list on it, at the place it has: a row already on screen
 * is left where it is, or the rows around it, laid out again after a change of store, come
 * to rest half a row off (the top one cut in half).
 */
static void
select_position (InspectorSceneTree *self,
                 guint               position)
{
  inspector_single_selection_select (self->selection, position);
  if (!position_visible (self, position))
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                position);
}

/* Per-row binding */

/* Painted by the row, not a class on it: a step through history changes many nodes. */
static void
tree_row_stop_flash (TreeRow *row)
{
  inspector_node_row_stop_flash (INSPECTOR_NODE_ROW (row->content));
}

static void
tree_row_flash (TreeRow *row,
                guint    ms)
{
  inspector_node_row_flash (INSPECTOR_NODE_ROW (row->content), ms);
}

static void tree_row_detach (TreeRow *row);

static void
tree_row_free (gpointer data)
{
  TreeRow *row = data;

  tree_row_detach (row);
  g_clear_object (&row->scene_item);
  g_free (row);
}

/* A node can be on two rows for a moment (moving between parents, or to the removed). */
static void
bound_add (InspectorSceneTree *self,
           TreeRow            *row)
{
  GPtrArray *rows = g_hash_table_lookup (self->bound, row->scene_item);

  if (rows == NULL)
    {
      rows = g_ptr_array_new ();
      g_hash_table_insert (self->bound, row->scene_item, rows);
    }
  g_ptr_array_add (rows, row);
}

static void
bound_remove (InspectorSceneTree *self,
              TreeRow            *row)
{
  GPtrArray *rows = g_hash_table_lookup (self->bound, row->scene_item);

  if (rows == NULL)
    return;
  g_ptr_array_remove (rows, row);
  if (rows->len == 0)
    g_hash_table_remove (self->bound, row->scene_item);
}

static TreeRow *
bound_row (InspectorSceneTree *self,
           VrtcNode           *node)
{
  InspectorSceneItem *item = lookup_item (self, node);
  GPtrArray *rows = item ? g_hash_table_lookup (self->bound, item) : NULL;

  return rows != NULL ? g_ptr_array_index (rows, rows->len - 1) : NULL;
}

/* The bound row shown at @position of the list, or NULL. */
static TreeRow *
bound_row_at (InspectorSceneTree *self,
              guint               position)
{
  g_autoptr(GtkTreeListRow) list_row = g_list_model_get_item (G_LIST_MODEL (self->selection),
                                                              position);
  InspectorSceneItem *item = row_item (list_row);
  GPtrArray *rows = item ? g_hash_table_lookup (self->bound, item) : NULL;

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      TreeRow *row = g_ptr_array_index (rows, i);

      if (gtk_list_item_get_position (row->item) == position)
        return row;
    }

  return NULL;
}

static void
tree_row_update_leaf (TreeRow *row)
{
  guint n = row->has_children;

  if (row->removed != NULL)
    n += g_list_model_get_n_items (row->removed);

  inspector_node_row_set_leaf (INSPECTOR_NODE_ROW (row->content), n == 0);
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

  inspector_node_row_set (INSPECTOR_NODE_ROW (row->content), icon_for_tag (tag), key, tag, name,
                          !live);

  if (live && visible)
    {
      gtk_widget_remove_css_class (row->content, "dim-label");
      gtk_widget_remove_css_class (row->content, "removed");
      inspector_set_tooltip_text (row->content, NULL);
    }
  else
    {
      gtk_widget_add_css_class (row->content, "dim-label");
      gtk_widget_add_css_class (row->content, live ? "hidden" : "removed");
      inspector_set_tooltip_text (row->content, live ? _("Hidden: an ancestor is removed") : _("Removed"));
    }

  if (live)
    /* Translators: a scene tree row's accessible name: key, tag, name */
    accessible = g_strdup_printf (_("%s, %s, %s"), key, tag ? tag : "", name ? name : "");
  else
    /* Translators: a removed node's row: key, tag, name */
    accessible = g_strdup_printf (_("%s, %s, %s, removed"), key, tag ? tag : "",
                                  name ? name : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->content),
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

/* How many of the @max rows of the tree from @position have no widget (see the batch). */
static guint
unbound_rows (gpointer data,
              guint    position,
              guint    max)
{
  InspectorSceneTree *self = data;

  for (guint i = 0; i < max; i++)
    {
      g_autoptr(GtkTreeListRow) list_row = g_list_model_get_item (G_LIST_MODEL (self->tree_model),
                                                                  position + i);
      InspectorSceneItem *item = row_item (list_row);

      if (item == NULL || g_hash_table_contains (self->bound, item))
        return i;
    }

  return max;
}

/*
 * The list remembers the row its selection started from, and keeps a widget for it: tells
 * it @position, selected already (as the list's own keys and clicks do, but without
 * binding again the rows between the old selection and the new).
 */
static void
keep_selection_start (InspectorSceneTree *self,
                      guint               position)
{
  g_return_if_fail (gtk_single_selection_get_selected (self->selection) == position);

  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.select-item", "(ubb)",
                              position, FALSE, FALSE);
}

/* Whether the keyboard focus is on one of the list's rows. */
static gboolean
focus_in_list (InspectorSceneTree *self)
{
  GtkWidget *list = GTK_WIDGET (self->list_view);
  GtkRoot *root = gtk_widget_get_root (list);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && gtk_widget_is_ancestor (focus, list);
}

/*
 * Opens or closes a row as the user asked. Closing a row on screen has the batch stage the
 * removal of the rows under it, which needs the list anchored on that row, with its focus
 * there: the row takes the keyboard focus if another row had it, as a click on it would,
 * and scrolling to it (which moves nothing, the row being on screen) anchors the list
 * there. When it is the selected row, the list's selection starts there too, so the batch
 * finds no row after it the list keeps a widget for. Not while searching: the list's
 * positions are not the tree's.
 */
static void
set_row_expanded (InspectorSceneTree *self,
                  GtkTreeListRow     *list_row,
                  gboolean            expanded)
{
  guint position = gtk_tree_list_row_get_position (list_row);

  if (!expanded && gtk_tree_list_row_get_expanded (list_row) &&
      gtk_filter_list_model_get_filter (self->filter_model) == NULL &&
      position_visible (self, position))
    {
      TreeRow *row = bound_row_at (self, position);

      if (focus_in_list (self))
        gtk_widget_grab_focus (gtk_widget_get_parent (row->content));
      if (gtk_single_selection_get_selected (self->selection) == position)
        keep_selection_start (self, position);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                  position);
      self->batch->stage_at = position + 1;
    }
  gtk_tree_list_row_set_expanded (list_row, expanded);
  self->batch->stage_at = G_MAXUINT;
}

/* The bound row under a point of the list, or NULL. Clicks are taken by gestures on the
 * list, not by one per row: rows are made and destroyed by the dozen when a big group opens. */
static TreeRow *
row_at (InspectorSceneTree *self,
        double              x,
        double              y)
{
  GtkWidget *list = GTK_WIDGET (self->list_view);
  GtkWidget *w = gtk_widget_pick (list, x, y, GTK_PICK_DEFAULT);
  TreeRow *row = NULL;

  for (; w != NULL && w != list && row == NULL; w = gtk_widget_get_parent (w))
    row = g_object_get_data (G_OBJECT (w), "inspector-tree-row");
  return row != NULL && row->node != NULL ? row : NULL;
}

/* A click on a row's arrow opens or closes it, and selects nothing. */
static void
on_list_arrow_pressed (GtkGestureClick    *gesture,
                       int                 n_press,
                       double              x,
                       double              y,
                       InspectorSceneTree *self)
{
  TreeRow *row = row_at (self, x, y);
  graphene_point_t point;

  if (row != NULL &&
      gtk_widget_compute_point (GTK_WIDGET (self->list_view), row->content,
                                &GRAPHENE_POINT_INIT (x, y), &point) &&
      inspector_node_row_arrow_at (INSPECTOR_NODE_ROW (row->content), point.x))
    {
      GtkTreeListRow *list_row = gtk_list_item_get_item (row->item);

      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      set_row_expanded (self, list_row, !gtk_tree_list_row_get_expanded (list_row));
    }
  else
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
}

/* A right click on a row selects it and opens the context menu there. */
static void
on_list_pressed (GtkGestureClick    *gesture,
                 int                 n_press,
                 double              x,
                 double              y,
                 InspectorSceneTree *self)
{
  GtkWidget *list = GTK_WIDGET (self->list_view);
  TreeRow *row = row_at (self, x, y);
  guint position;
  graphene_point_t point;

  if (row == NULL ||
      (position = gtk_list_item_get_position (row->item)) == GTK_INVALID_LIST_POSITION)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  inspector_single_selection_select (self->selection, position);

  if (!gtk_widget_compute_point (list, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
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

  row->tree = self;
  row->item = item;

  row->content = inspector_node_row_new ();

  /* for on_list_pressed: the row dies with its widgets */
  g_object_set_data (G_OBJECT (row->content), "inspector-tree-row", row);

  gtk_list_item_set_child (item, row->content);
  g_object_set_data_full (G_OBJECT (item), "inspector-tree-row", row, tree_row_free);
}

/*
 * Whether a row's node has children, for its arrow: asked of the store, which stops at the
 * first live child, and asked again for the rows bound when the store changes (a view of
 * history moves, or a node is inserted, removed or moved). Following a children model per
 * row instead made the nodes of every child of every group scrolled past.
 */
static void
count_children (TreeRow *row)
{
  row->has_children = vrtc_store_has_children (row->tree->store, vrtc_node_get_key (row->node));
}

/* Calls @func on every row bound to an item. */
static void
foreach_bound_row (InspectorSceneTree *self,
                   void              (*func) (TreeRow *row))
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *rows = value;

      for (guint i = 0; i < rows->len; i++)
        func (g_ptr_array_index (rows, i));
    }
}

static void
tree_row_recount (TreeRow *row)
{
  if (row->node == NULL)
    return;
  count_children (row);
  tree_row_update_leaf (row);
}

static void
recount_bound_rows (InspectorSceneTree *self)
{
  foreach_bound_row (self, tree_row_recount);
}

static gboolean
recount_cb (gpointer data)
{
  InspectorSceneTree *self = data;

  self->recount_id = 0;
  recount_bound_rows (self);

  return G_SOURCE_REMOVE;
}

/* Once for many changes, before the next frame is laid out. */
static void
schedule_recount (InspectorSceneTree *self)
{
  if (self->recount_id == 0)
    self->recount_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, recount_cb, self, NULL);
}

/* Connects a bound row to its item's node in the store shown. */
static void
tree_row_attach (TreeRow *row)
{
  InspectorSceneTree *self = row->tree;
  VrtcNode *node = inspector_scene_item_get_node (row->scene_item);

  if (node == NULL)
    return;

  row->node = g_object_ref (node);
  row->notify_id = g_signal_connect (node, "notify", G_CALLBACK (on_row_node_notify), row);
  count_children (row);
  if (self->show_removed)
    {
      row->removed = g_object_ref (G_LIST_MODEL (ensure_removed_list (self,
                                                                      vrtc_node_get_key (node))));
      row->removed_id = g_signal_connect (row->removed, "items-changed",
                                          G_CALLBACK (on_row_children_changed), row);
    }

  tree_row_update (row);
  tree_row_update_leaf (row);
  flash_if_recent (self, row);
}

static void
tree_row_detach (TreeRow *row)
{
  if (row->node == NULL)
    return;

  g_clear_signal_handler (&row->notify_id, row->node);
  if (row->removed != NULL)
    g_clear_signal_handler (&row->removed_id, row->removed);
  g_clear_object (&row->removed);
  g_clear_object (&row->node);
}

/*
 * A GTK 4.8 list view binds a row again, unbinding it first, whenever its position changes,
 * which is on every change above it: a row bound again to the same item and node keeps all
 * it has, and only what changed is done again. So the row's tree row (and the signal it
 * follows for the arrow) and the node's signals stay from one binding to the next.
 */
static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          InspectorSceneTree       *self)
{
  TreeRow *row = g_object_get_data (G_OBJECT (item), "inspector-tree-row");
  GtkTreeListRow *list_row = gtk_list_item_get_item (item);
  InspectorSceneItem *scene_item = row_item (list_row);

  inspector_node_row_set_list_row (INSPECTOR_NODE_ROW (row->content), list_row);
  if (scene_item != row->scene_item || scene_item == NULL || row->node == NULL ||
      row->node != inspector_scene_item_get_node (scene_item))
    {
      tree_row_detach (row);
      g_set_object (&row->scene_item, scene_item);
      if (scene_item == NULL)
        return;
      bound_add (self, row);
      tree_row_attach (row);
      return;
    }

  bound_add (self, row);
  flash_if_recent (self, row);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            InspectorSceneTree       *self)
{
  TreeRow *row = g_object_get_data (G_OBJECT (item), "inspector-tree-row");

  tree_row_stop_flash (row);
  if (row->scene_item != NULL)
    bound_remove (self, row);
}

static void
flash_node (InspectorSceneTree *self,
            VrtcNode           *node)
{
  InspectorSceneItem *item = lookup_item (self, node);
  GPtrArray *rows = item ? g_hash_table_lookup (self->bound, item) : NULL;
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    tree_row_flash (g_ptr_array_index (rows, i), FLASH_MS);

  /* Rows bound in the next moments (a new node, one scrolled to) light up too. Old entries
   * go once the table doubled since the last sweep: a big file changes every node at once,
   * and a sweep on each change would make loading it quadratic. */
  if (g_hash_table_size (self->recent) > self->recent_limit)
    {
      GHashTableIter iter;
      gpointer when;

      g_hash_table_iter_init (&iter, self->recent);
      while (g_hash_table_iter_next (&iter, NULL, &when))
        if (now - *(gint64 *) when > FLASH_MS * 1000)
          g_hash_table_iter_remove (&iter);
      self->recent_limit = MAX (256, 2 * g_hash_table_size (self->recent));
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

  /* Rows come and go while the model follows another store: it decides once done. */
  if (self->syncing)
    return;

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
              g_autoptr(InspectorSceneItem) child = g_list_model_get_item (G_LIST_MODEL (removed),
                                                                            i - 1);
              VrtcNode *child_node = inspector_scene_item_get_node (child);

              if (child_node != NULL)
                g_ptr_array_add (stack, child_node);
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
  schedule_recount (self);
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

/* The tree model's row of the selected node, or NULL. */
static GtkTreeListRow *
selected_list_row (InspectorSceneTree *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

/* Selects the row at @position, and gives it the keyboard focus when a row of the list has
 * it: Right and Left go to a child and to the parent as Down and Up go to the next row. */
static void
select_position_and_focus (InspectorSceneTree *self,
                           guint               position)
{
  gboolean in_list = focus_in_list (self);
  TreeRow *row;

  select_position (self, position);
  if (in_list && (row = bound_row_at (self, position)) != NULL)
    gtk_widget_grab_focus (gtk_widget_get_parent (row->content));
}

/* Right (or +): opens the selected row; on an open one, goes to its first child. */
static void
expand_row_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (widget);
  GtkTreeListRow *row = selected_list_row (self);
  guint position = gtk_single_selection_get_selected (self->selection);

  if (row == NULL || !gtk_tree_list_row_is_expandable (row))
    return;
  if (!gtk_tree_list_row_get_expanded (row))
    set_row_expanded (self, row, TRUE);
  else if (g_variant_get_boolean (parameter) &&
           position + 1 < g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    select_position_and_focus (self, position + 1);
}

/* Left (or -): closes the selected row; on a closed one or a leaf, goes to its parent. */
static void
collapse_row_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (widget);
  GtkTreeListRow *row = selected_list_row (self);
  g_autoptr(GtkTreeListRow) parent = NULL;
  GListModel *model = G_LIST_MODEL (self->selection);

  if (row == NULL)
    return;
  if (gtk_tree_list_row_get_expanded (row))
    {
      set_row_expanded (self, row, FALSE);
      return;
    }
  if (!g_variant_get_boolean (parameter) || (parent = gtk_tree_list_row_get_parent (row)) == NULL)
    return;
  /* the parent is above, and (a search aside) shown */
  for (guint i = gtk_single_selection_get_selected (self->selection); i > 0; i--)
    {
      g_autoptr(GtkTreeListRow) above = g_list_model_get_item (model, i - 1);

      if (above == parent)
        {
          select_position_and_focus (self, i - 1);
          return;
        }
    }
}

/* The keys that open and close rows, while a row has the focus (the list would take the
 * arrows itself, the search entry their letters): GtkTreeExpander's, and Left and Right as
 * in other trees. */
static gboolean
row_key_cb (GtkWidget *widget,
            GVariant  *args,
            gpointer   user_data)
{
  InspectorSceneTree *self = INSPECTOR_SCENE_TREE (widget);
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));
  const char *action;
  gboolean move;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    return FALSE;
  g_variant_get (args, "(&sb)", &action, &move);
  return gtk_widget_activate_action (widget, action, "b", move);
}

static void
add_row_keys (InspectorSceneTree *self)
{
  static const struct {
    guint           key;
    GdkModifierType mods;
    const char     *action;
    gboolean        move;
  } keys[] = {
    { GDK_KEY_Right, 0, "tree.expand-row", TRUE },
    { GDK_KEY_KP_Right, 0, "tree.expand-row", TRUE },
    { GDK_KEY_Right, GDK_SHIFT_MASK, "tree.expand-row", FALSE },
    { GDK_KEY_plus, 0, "tree.expand-row", FALSE },
    { GDK_KEY_KP_Add, 0, "tree.expand-row", FALSE },
    { GDK_KEY_Left, 0, "tree.collapse-row", TRUE },
    { GDK_KEY_KP_Left, 0, "tree.collapse-row", TRUE },
    { GDK_KEY_Left, GDK_SHIFT_MASK, "tree.collapse-row", FALSE },
    { GDK_KEY_minus, 0, "tree.collapse-row", FALSE },
    { GDK_KEY_KP_Subtract, 0, "tree.collapse-row", FALSE },
    { GDK_KEY_slash, 0, "tree.collapse-row", FALSE },
    { GDK_KEY_KP_Divide, 0, "tree.collapse-row", FALSE },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (controller),
      gtk_shortcut_new_with_arguments (gtk_keyval_trigger_new (keys[i].key, keys[i].mods),
                                       gtk_callback_action_new (row_key_cb, NULL, NULL),
                                       "(sb)", keys[i].action, keys[i].move));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
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
  g_clear_handle_id (&self->recount_id, g_source_remove);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->tree_model != NULL)
    g_signal_handlers_disconnect_by_data (self->tree_model, self);
  if (self->removed != NULL)
    clear_removed (self);
  if (self->items != NULL)
    {
      GHashTableIter iter;
      gpointer item;

      /* Items the model or a caller may still hold must not keep a pointer to the store. */
      g_hash_table_iter_init (&iter, self->items);
      while (g_hash_table_iter_next (&iter, NULL, &item))
        inspector_scene_item_set_store (item, NULL);
    }

  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_pointer (&self->main_box, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), INSPECTOR_TYPE_SCENE_TREE);

  g_clear_object (&self->selection);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->search_filter);
  g_clear_object (&self->batch);
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
  g_clear_pointer (&self->items, g_hash_table_unref);
  if (self->child_lists != NULL)
    {
      GHashTableIter iter;
      ChildList *list;

      /* Children models someone still holds outlive the tree. */
      g_hash_table_iter_init (&iter, self->child_lists);
      while (g_hash_table_iter_next (&iter, (gpointer *) &list, NULL))
        g_object_weak_unref (list->model, child_list_model_gone, list);
      g_clear_pointer (&self->child_lists, g_hash_table_unref);
    }
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
  /* the parameter: whether to move on when there is nothing to open or close */
  gtk_widget_class_install_action (widget_class, "tree.expand-row", "b", expand_row_action);
  gtk_widget_class_install_action (widget_class, "tree.collapse-row", "b", collapse_row_action);
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
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->removed_in = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->bound = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->child_lists = g_hash_table_new_full (NULL, NULL, NULL, child_list_free);
  self->auto_expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->recent = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->recent_limit = 256;
  self->matches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->visible = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->roots = g_list_store_new (INSPECTOR_TYPE_SCENE_ITEM);
  self->search_filter = gtk_custom_filter_new (search_filter_func, self, NULL);
  self->batch = g_object_new (INSPECTOR_TYPE_SCENE_TREE_BATCH, NULL);
  self->batch->unbound_rows = unbound_rows;
  self->batch->unbound_data = self;
  self->filter_model = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->batch)),
                                                  NULL);
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
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_list_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));
  add_row_keys (self);
  /* before the row's own click selects it */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_list_arrow_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));
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

/* The keys of the root and its children: rows already seen, which auto-expansion must not
 * open again in the next store. */
static void
remember_top_level (InspectorSceneTree *self)
{
  GHashTableIter iter;
  ChildList *list;

  g_hash_table_remove_all (self->auto_expanded);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->roots)); i++)
    {
      g_autoptr(InspectorSceneItem) root = g_list_model_get_item (G_LIST_MODEL (self->roots), i);
      const char *key = inspector_scene_item_get_key (root);

      g_hash_table_add (self->auto_expanded, g_strdup (key));
      g_hash_table_iter_init (&iter, self->child_lists);
      while (g_hash_table_iter_next (&iter, (gpointer *) &list, NULL))
        {
          if (!g_str_equal (list->parent_key, key))
            continue;
          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (list->items)); j++)
            {
              g_autoptr(InspectorSceneItem) child =
                g_list_model_get_item (G_LIST_MODEL (list->items), j);

              g_hash_table_add (self->auto_expanded,
                                g_strdup (inspector_scene_item_get_key (child)));
            }
        }
    }
}

/* Points every item, children list and bound row at the store now shown. */
static void
follow_store (InspectorSceneTree *self)
{
  g_autoptr(GPtrArray) roots = g_ptr_array_new ();
  g_autoptr(GPtrArray) lists = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    inspector_scene_item_set_store (value, self->store);

  /* Rows on screen let go of the old nodes; rows bound from here on take the new ones. */
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *rows = value;

      for (guint i = 0; i < rows->len; i++)
        tree_row_detach (g_ptr_array_index (rows, i));
    }

  if (self->store != NULL)
    g_ptr_array_add (roots, (gpointer) vrtc_node_get_key (vrtc_store_get_root (self->store)));
  sync_items (self, G_LIST_MODEL (self->roots), splice_store, roots);

  /* Parents first, so the lists of rows that go are gone before their turn comes. */
  g_hash_table_iter_init (&iter, self->child_lists);
  while (g_hash_table_iter_next (&iter, &value, NULL))
    g_ptr_array_add (lists, value);
  for (guint i = 0; i < lists->len; i++)
    if (g_hash_table_contains (self->child_lists, lists->pdata[i]))
      child_list_repoint (lists->pdata[i]);
}

/* Once the list view saw the changes: the rows still bound take their new nodes. */
static void
tree_row_reattach (TreeRow *row)
{
  if (row->node == NULL)
    tree_row_attach (row);
}

static void
reattach_rows (InspectorSceneTree *self)
{
  foreach_bound_row (self, tree_row_reattach);
}

/*
 * The first row wholly on screen, made the row the list is anchored on (scrolling to it
 * moves nothing), or G_MAXUINT. A change that removes and adds back the anchor row, as one
 * span over the whole list would, has the list guess another place for it: it moves to
 * rows it must make widgets for, and the selection's row is then scrolled back to.
 */
static guint
anchor_first_row (InspectorSceneTree *self)
{
  GtkWidget *list = GTK_WIDGET (self->list_view);
  GHashTableIter iter;
  gpointer value;
  guint first = G_MAXUINT;

  if (gtk_filter_list_model_get_filter (self->filter_model) != NULL)
    return G_MAXUINT;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *rows = value;

      for (guint i = 0; i < rows->len; i++)
        {
          TreeRow *row = g_ptr_array_index (rows, i);
          guint position = gtk_list_item_get_position (row->item);

          if (position < first && row_on_screen (row))
            first = position;
        }
    }

  if (first != G_MAXUINT)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", first);
  return first;
}

/* While the rows follow a change of the whole scene, the list hears nothing when @batched:
 * it is told at the end, of what changed before the first row on screen and after it. The
 * selection is decided then. */
static void
begin_follow (InspectorSceneTree *self,
              gboolean            batched)
{
  self->syncing = TRUE;
  if (batched)
    batch_freeze (self->batch, anchor_first_row (self));
  remember_top_level (self);
}

static void
end_follow (InspectorSceneTree *self)
{
  GtkTreeListRow *selected;
  VrtcNode *node;

  /* Top-level rows new in this state, now, so the first frame already shows them. */
  g_clear_handle_id (&self->auto_expand_id, g_source_remove);
  auto_expand_cb (self);
  if (self->batch->frozen)
    batch_thaw (self->batch);
  reattach_rows (self);
  self->syncing = FALSE;

  if (self->needle != NULL)
    schedule_research (self);

  selected = gtk_single_selection_get_selected_item (self->selection);
  node = selected ? row_node (selected) : NULL;
  set_selected_node (self, node);
  if (node == NULL && gtk_single_selection_get_selected (self->selection) !=
      GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

/*
 * A frozen batch merges the changes into one span, which a GTK 4.8 list view binds again
 * whole, the rows between the changes included: worth it for a jump through history that
 * changes many lists, not for the few changes of a step while dragging.
 */
#define RESET_UNBATCHED_LISTS 4

static gboolean
child_list_differs (ChildList *list,
                    GPtrArray *keys)
{
  GListModel *items = G_LIST_MODEL (list->items);

  if (g_list_model_get_n_items (items) != keys->len)
    return TRUE;
  for (guint i = 0; i < keys->len; i++)
    if (!g_str_equal (item_key_at (items, i), keys->pdata[i]))
      return TRUE;

  return FALSE;
}

/*
 * A view of history moved (or a store was reset): its nodes, already up to date, keep
 * their rows; the lists take the new children by a diff, and the rows on screen count
 * theirs again.
 */
static void
on_store_reset (VrtcStore          *store,
                InspectorSceneTree *self)
{
  g_autoptr(GPtrArray) lists = g_ptr_array_new ();
  g_autoptr(GPtrArray) new_keys = g_ptr_array_new_with_free_func (
    (GDestroyNotify) g_ptr_array_unref);
  GHashTableIter iter;
  ChildList *list;

  if (!self->by_keys)
    return;

  /* Only the lists that change, each with its keys read once. */
  g_hash_table_iter_init (&iter, self->child_lists);
  while (g_hash_table_iter_next (&iter, (gpointer *) &list, NULL))
    {
      g_autoptr(GPtrArray) keys = vrtc_store_get_child_keys (store, list->parent_key);

      if (child_list_differs (list, keys))
        {
          g_ptr_array_add (lists, list);
          g_ptr_array_add (new_keys, g_steal_pointer (&keys));
        }
    }

  begin_follow (self, self->show_removed || lists->len > RESET_UNBATCHED_LISTS);
  if (self->show_removed)
    {
      clear_removed (self);
      seed_removed (self);
    }
  for (guint i = 0; i < lists->len; i++)
    if (g_hash_table_contains (self->child_lists, lists->pdata[i]))
      child_list_set_source (lists->pdata[i], NULL, new_keys->pdata[i]);

  recount_bound_rows (self);

  end_follow (self);
}

void
inspector_scene_tree_set_store (InspectorSceneTree *self,
                                VrtcStore          *store)
{
  g_return_if_fail (INSPECTOR_IS_SCENE_TREE (self));
  g_return_if_fail (store == NULL || VRTC_IS_STORE (store));

  if (self->store == store)
    return;

  /* The same keys in another store (a history view, say) open the same way: the model stays
   * and follows the new store, so expanded rows stay expanded, the selection stays on its
   * key, and top-level rows already seen are not opened again. */
  begin_follow (self, TRUE);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  clear_removed (self);
  g_set_object (&self->store, store);
  self->by_keys = store != NULL && vrtc_store_get_read_only (store);

  g_hash_table_remove_all (self->recent);
  g_clear_pointer (&self->sticky_key, g_free);
  g_clear_handle_id (&self->reselect_id, g_source_remove);
  self->next_child = 0;

  if (store != NULL)
    {
      g_signal_connect_object (store, "node-changed", G_CALLBACK (on_node_changed), self, 0);
      g_signal_connect_object (store, "property-changed",
                               G_CALLBACK (on_property_changed), self, 0);
      g_signal_connect_object (store, "reset", G_CALLBACK (on_store_reset), self, 0);
      if (self->show_removed)
        seed_removed (self);
    }

  follow_store (self);
  end_follow (self);

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
 * Returns: (transfer none): the rows shown (#GtkTreeListRow items, each holding an
 *   #InspectorSceneItem), after the search filter
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
  return row ? row->content : NULL;
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
  anchor = row ? row->content : GTK_WIDGET (self->list_view);
  if (row != NULL)
    y = gtk_widget_get_height (row->content);

  if (!gtk_widget_compute_point (anchor, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (24, y),
                                 &point))
    point = GRAPHENE_POINT_INIT (0, 0);

  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}
