/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "inspector-diff.h"

/*
 * What changed between two states of a scene: nodes added and removed, and the tag, name,
 * parent and properties of the nodes in both. A node counts when it is in the scene, that is
 * reachable from the root through the children models; both trees are walked through those
 * models, never through a copy of the graph. A node whose canonical JSON is the same in both
 * states is skipped without reading its properties, so a diff costs little more than walking
 * the two trees when few nodes changed.
 */

G_DEFINE_ENUM_TYPE (InspectorDiffKind, inspector_diff_kind,
  G_DEFINE_ENUM_VALUE (INSPECTOR_DIFF_NODE_ADDED, "node-added"),
  G_DEFINE_ENUM_VALUE (INSPECTOR_DIFF_NODE_REMOVED, "node-removed"),
  G_DEFINE_ENUM_VALUE (INSPECTOR_DIFF_NODE_CHANGED, "node-changed"),
  G_DEFINE_ENUM_VALUE (INSPECTOR_DIFF_PROPERTY_CHANGED, "property-changed"))

/* Items */

struct _InspectorDiffItem
{
  GObject            parent_instance;

  InspectorDiffKind  kind;
  char              *key;
  char              *path;
  char              *old_value;
  char              *new_value;
  char              *tag;
  char              *name;
};

G_DEFINE_FINAL_TYPE (InspectorDiffItem, inspector_diff_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_KIND,
  ITEM_PROP_KEY,
  ITEM_PROP_PATH,
  ITEM_PROP_OLD_VALUE,
  ITEM_PROP_NEW_VALUE,
  ITEM_PROP_TAG,
  ITEM_PROP_NAME,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
inspector_diff_item_finalize (GObject *object)
{
  InspectorDiffItem *self = INSPECTOR_DIFF_ITEM (object);

  g_free (self->key);
  g_free (self->path);
  g_free (self->old_value);
  g_free (self->new_value);
  g_free (self->tag);
  g_free (self->name);

  G_OBJECT_CLASS (inspector_diff_item_parent_class)->finalize (object);
}

static void
inspector_diff_item_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  InspectorDiffItem *self = INSPECTOR_DIFF_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case ITEM_PROP_KEY:
      g_value_set_string (value, self->key);
      break;

    case ITEM_PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case ITEM_PROP_OLD_VALUE:
      g_value_set_string (value, self->old_value);
      break;

    case ITEM_PROP_NEW_VALUE:
      g_value_set_string (value, self->new_value);
      break;

    case ITEM_PROP_TAG:
      g_value_set_string (value, self->tag);
      break;

    case ITEM_PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
inspector_diff_item_class_init (InspectorDiffItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inspector_diff_item_finalize;
  object_class->get_property = inspector_diff_item_get_property;

  item_properties[ITEM_PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, INSPECTOR_TYPE_DIFF_KIND,
                       INSPECTOR_DIFF_NODE_ADDED, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_OLD_VALUE] =
    g_param_spec_string ("old-value", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_NEW_VALUE] =
    g_param_spec_string ("new-value", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_TAG] =
    g_param_spec_string ("tag", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
inspector_diff_item_init (InspectorDiffItem *self)
{
}

static InspectorDiffItem *
item_new (InspectorDiffKind  kind,
          VrtcNode          *node,
          const char        *path,
          const char        *old_value,
          const char        *new_value)
{
  InspectorDiffItem *self = g_object_new (INSPECTOR_TYPE_DIFF_ITEM, NULL);

  self->kind = kind;
  self->key = g_strdup (vrtc_node_get_key (node));
  self->path = g_strdup (path);
  self->old_value = g_strdup (old_value);
  self->new_value = g_strdup (new_value);
  self->tag = g_strdup (vrtc_node_get_tag (node));
  self->name = g_strdup (vrtc_node_get_name (node));

  return self;
}

InspectorDiffKind
inspector_diff_item_get_kind (InspectorDiffItem *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF_ITEM (self), INSPECTOR_DIFF_NODE_ADDED);

  return self->kind;
}

/**
 * inspector_diff_item_get_key:
 * @self: an #InspectorDiffItem
 *
 * Returns: the key of the node that changed
 */
const char *
inspector_diff_item_get_key (InspectorDiffItem *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF_ITEM (self), NULL);

  return self->key;
}

/**
 * inspector_diff_item_get_path:
 * @self: an #InspectorDiffItem
 *
 * Returns: (nullable): the property path, or `tag`, `name` or `parent` for a node change,
 *   %NULL for a node added or removed
 */
const char *
inspector_diff_item_get_path (InspectorDiffItem *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF_ITEM (self), NULL);

  return self->path;
}

/**
 * inspector_diff_item_get_old_value:
 * @self: an #InspectorDiffItem
 *
 * Returns: (nullable): the value in the first state as JSON; %NULL when it had none
 */
const char *
inspector_diff_item_get_old_value (InspectorDiffItem *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF_ITEM (self), NULL);

  return self->old_value;
}

/**
 * inspector_diff_item_get_new_value:
 * @self: an #InspectorDiffItem
 *
 * Returns: (nullable): the value in the second state as JSON; %NULL when it has none
 */
const char *
inspector_diff_item_get_new_value (InspectorDiffItem *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF_ITEM (self), NULL);

  return self->new_value;
}

/**
 * inspector_diff_item_get_tag:
 * @self: an #InspectorDiffItem
 *
 * Returns: (nullable): the node's tag, in the state it was found in (the second when in both)
 */
const char *
inspector_diff_item_get_tag (InspectorDiffItem *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF_ITEM (self), NULL);

  return self->tag;
}

/**
 * inspector_diff_item_get_name:
 * @self: an #InspectorDiffItem
 *
 * Returns: (nullable): the node's name, in the state it was found in
 */
const char *
inspector_diff_item_get_name (InspectorDiffItem *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF_ITEM (self), NULL);

  return self->name;
}

/* The diff */

struct _InspectorDiff
{
  GObject    parent_instance;

  VrtcStore *a;
  VrtcStore *b;
  GPtrArray *items;
  guint      n_added;
  guint      n_removed;
  guint      n_changed;
};

static void inspector_diff_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (InspectorDiff, inspector_diff, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      inspector_diff_list_model_init))

static GType
inspector_diff_get_item_type (GListModel *model)
{
  return INSPECTOR_TYPE_DIFF_ITEM;
}

static guint
inspector_diff_get_n_items (GListModel *model)
{
  return INSPECTOR_DIFF (model)->items->len;
}

static gpointer
inspector_diff_get_item (GListModel *model,
                         guint       position)
{
  InspectorDiff *self = INSPECTOR_DIFF (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
inspector_diff_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = inspector_diff_get_item_type;
  iface->get_n_items = inspector_diff_get_n_items;
  iface->get_item = inspector_diff_get_item;
}

static void
inspector_diff_finalize (GObject *object)
{
  InspectorDiff *self = INSPECTOR_DIFF (object);

  g_clear_object (&self->a);
  g_clear_object (&self->b);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (inspector_diff_parent_class)->finalize (object);
}

static void
inspector_diff_class_init (InspectorDiffClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inspector_diff_finalize;
}

static void
inspector_diff_init (InspectorDiff *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/* The nodes in the scene, depth first in child order; @by_key maps each key to its node. */
static GPtrArray *
collect_scene (VrtcStore  *store,
               GHashTable *by_key)
{
  GPtrArray *order = g_ptr_array_new ();
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  VrtcNode *root = vrtc_store_get_root (store);

  if (root == NULL || !vrtc_node_is_live (root))
    return order;

  g_ptr_array_add (stack, root);
  g_hash_table_insert (by_key, (gpointer) vrtc_node_get_key (root), root);
  while (stack->len > 0)
    {
      VrtcNode *node = g_ptr_array_steal_index_fast (stack, stack->len - 1);
      GListModel *children = vrtc_node_get_children (node);
      guint n = g_list_model_get_n_items (children);

      g_ptr_array_add (order, node);
      /* Pushed last to first, so that the first child comes out next. */
      for (guint i = n; i > 0; i--)
        {
          g_autoptr(VrtcNode) child = g_list_model_get_item (children, i - 1);
          const char *key = vrtc_node_get_key (child);

          /* The store keeps its nodes alive: borrowed pointers are safe. A key seen twice
           * would be a cycle in a broken tree: walk it once. */
          if (g_hash_table_contains (by_key, key))
            continue;
          g_hash_table_insert (by_key, (gpointer) key, child);
          g_ptr_array_add (stack, child);
        }
    }

  return order;
}

static void
add_item (InspectorDiff     *self,
          InspectorDiffItem *item)
{
  switch (item->kind)
    {
    case INSPECTOR_DIFF_NODE_ADDED:
      self->n_added++;
      break;

    case INSPECTOR_DIFF_NODE_REMOVED:
      self->n_removed++;
      break;

    case INSPECTOR_DIFF_NODE_CHANGED:
    case INSPECTOR_DIFF_PROPERTY_CHANGED:
    default:
      self->n_changed++;
      break;
    }

  g_ptr_array_add (self->items, item);
}

static char *
quote (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;

  out = g_string_new ("\"");
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\u%04x", (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

static void
compare_field (InspectorDiff *self,
               VrtcNode      *node,
               const char    *field,
               const char    *old_text,
               const char    *new_text)
{
  g_autofree char *old_json = NULL;
  g_autofree char *new_json = NULL;

  if (g_strcmp0 (old_text, new_text) == 0)
    return;

  old_json = quote (old_text);
  new_json = quote (new_text);
  add_item (self, item_new (INSPECTOR_DIFF_NODE_CHANGED, node, field, old_json, new_json));
}

/* Both property models are sorted by path: one merge pass finds every difference. */
static void
compare_properties (InspectorDiff *self,
                    VrtcNode      *old_node,
                    VrtcNode      *new_node)
{
  GListModel *old_props = vrtc_node_get_properties (old_node);
  GListModel *new_props = vrtc_node_get_properties (new_node);
  guint n_old = g_list_model_get_n_items (old_props);
  guint n_new = g_list_model_get_n_items (new_props);
  guint i = 0, j = 0;

  while (i < n_old || j < n_new)
    {
      g_autoptr(VrtcProperty) old_prop = i < n_old ? g_list_model_get_item (old_props, i) : NULL;
      g_autoptr(VrtcProperty) new_prop = j < n_new ? g_list_model_get_item (new_props, j) : NULL;
      const char *old_path = old_prop ? vrtc_property_get_path (old_prop) : NULL;
      const char *new_path = new_prop ? vrtc_property_get_path (new_prop) : NULL;
      int order;

      if (old_path == NULL)
        order = 1;
      else if (new_path == NULL)
        order = -1;
      else
        order = strcmp (old_path, new_path);

      if (order < 0)
        {
          add_item (self, item_new (INSPECTOR_DIFF_PROPERTY_CHANGED, new_node, old_path,
                                    vrtc_property_get_value_json (old_prop), NULL));
          i++;
        }
      else if (order > 0)
        {
          add_item (self, item_new (INSPECTOR_DIFF_PROPERTY_CHANGED, new_node, new_path,
                                    NULL, vrtc_property_get_value_json (new_prop)));
          j++;
        }
      else
        {
          const char *old_value = vrtc_property_get_value_json (old_prop);
          const char *new_value = vrtc_property_get_value_json (new_prop);

          if (g_strcmp0 (old_value, new_value) != 0)
            add_item (self, item_new (INSPECTOR_DIFF_PROPERTY_CHANGED, new_node, new_path,
                                      old_value, new_value));
          i++;
          j++;
        }
    }
}

static gboolean
same_json (VrtcNode *a,
           VrtcNode *b)
{
  g_autofree char *a_json = vrtc_node_to_json (a);
  g_autofree char *b_json = vrtc_node_to_json (b);

  return a_json != NULL && g_strcmp0 (a_json, b_json) == 0;
}

/**
 * inspector_diff_compute:
 * @a: the earlier state
 * @b: the later state
 *
 * Compares the scenes of two stores, typically two history views of one journal or a view
 * and the live store. The items come in three runs: the nodes added (in @b's tree order),
 * the nodes removed (in @a's), then for each node in both, in @b's tree order, its tag, name
 * and parent changes followed by its property changes sorted by path. Values are JSON.
 *
 * Returns: (transfer full): the changes, as a #GListModel of #InspectorDiffItem
 */
InspectorDiff *
inspector_diff_compute (VrtcStore *a,
                        VrtcStore *b)
{
  g_autoptr(GHashTable) in_a = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) in_b = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order_a = NULL;
  g_autoptr(GPtrArray) order_b = NULL;
  InspectorDiff *self;

  g_return_val_if_fail (VRTC_IS_STORE (a), NULL);
  g_return_val_if_fail (VRTC_IS_STORE (b), NULL);

  self = g_object_new (INSPECTOR_TYPE_DIFF, NULL);
  self->a = g_object_ref (a);
  self->b = g_object_ref (b);

  order_a = collect_scene (a, in_a);
  order_b = collect_scene (b, in_b);

  for (guint i = 0; i < order_b->len; i++)
    {
      VrtcNode *node = g_ptr_array_index (order_b, i);

      if (!g_hash_table_contains (in_a, vrtc_node_get_key (node)))
        add_item (self, item_new (INSPECTOR_DIFF_NODE_ADDED, node, NULL, NULL, NULL));
    }

  for (guint i = 0; i < order_a->len; i++)
    {
      VrtcNode *node = g_ptr_array_index (order_a, i);

      if (!g_hash_table_contains (in_b, vrtc_node_get_key (node)))
        add_item (self, item_new (INSPECTOR_DIFF_NODE_REMOVED, node, NULL, NULL, NULL));
    }

  for (guint i = 0; i < order_b->len; i++)
    {
      VrtcNode *new_node = g_ptr_array_index (order_b, i);
      VrtcNode *old_node = g_hash_table_lookup (in_a, vrtc_node_get_key (new_node));

      if (old_node == NULL || same_json (old_node, new_node))
        continue;

      compare_field (self, new_node, "tag", vrtc_node_get_tag (old_node),
                     vrtc_node_get_tag (new_node));
      compare_field (self, new_node, "name", vrtc_node_get_name (old_node),
                     vrtc_node_get_name (new_node));
      compare_field (self, new_node, "parent", vrtc_node_get_parent_key (old_node),
                     vrtc_node_get_parent_key (new_node));
      compare_properties (self, old_node, new_node);
    }

  return self;
}

/**
 * inspector_diff_get_old_store:
 * @self: an #InspectorDiff
 *
 * Returns: (transfer none): the earlier state
 */
VrtcStore *
inspector_diff_get_old_store (InspectorDiff *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF (self), NULL);

  return self->a;
}

/**
 * inspector_diff_get_new_store:
 * @self: an #InspectorDiff
 *
 * Returns: (transfer none): the later state
 */
VrtcStore *
inspector_diff_get_new_store (InspectorDiff *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF (self), NULL);

  return self->b;
}

guint
inspector_diff_get_n_added (InspectorDiff *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF (self), 0);

  return self->n_added;
}

guint
inspector_diff_get_n_removed (InspectorDiff *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF (self), 0);

  return self->n_removed;
}

/**
 * inspector_diff_get_n_changed:
 * @self: an #InspectorDiff
 *
 * Returns: how many tag, name, parent and property changes were found in nodes in both
 */
guint
inspector_diff_get_n_changed (InspectorDiff *self)
{
  g_return_val_if_fail (INSPECTOR_IS_DIFF (self), 0);

  return self->n_changed;
}

/**
 * inspector_diff_to_string:
 * @self: an #InspectorDiff
 *
 * Writes the changes one a line, for the clipboard and for tests: `+ KEY` for a node added,
 * `- KEY` for one removed, `~ KEY PATH: OLD -> NEW` for a change, with `(none)` for a
 * missing value.
 *
 * Returns: (transfer full): the text, empty when nothing changed
 */
char *
inspector_diff_to_string (InspectorDiff *self)
{
  GString *out;

  g_return_val_if_fail (INSPECTOR_IS_DIFF (self), NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->items->len; i++)
    {
      InspectorDiffItem *item = g_ptr_array_index (self->items, i);

      switch (item->kind)
        {
        case INSPECTOR_DIFF_NODE_ADDED:
          g_string_append_printf (out, "+ %s\n", item->key);
          break;

        case INSPECTOR_DIFF_NODE_REMOVED:
          g_string_append_printf (out, "- %s\n", item->key);
          break;

        case INSPECTOR_DIFF_NODE_CHANGED:
        case INSPECTOR_DIFF_PROPERTY_CHANGED:
        default:
          g_string_append_printf (out, "~ %s %s: %s -> %s\n", item->key, item->path,
                                  item->old_value ? item->old_value : "(none)",
                                  item->new_value ? item->new_value : "(none)");
          break;
        }
    }

  return g_string_free (out, FALSE);
}
