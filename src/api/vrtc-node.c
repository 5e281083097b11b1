/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vrtc-engine.h"
#include "vrtc-node-private.h"
#include "vrtc-property-private.h"
#include "vrtc-store-private.h"

/**
 * VrtcNode:
 *
 * One node of a [class@Store]'s scene graph. A store hands out a single `VrtcNode` per key
 * (see [method@Store.get_node]) and keeps it for its whole life, so the object can be used as
 * an identity, in maps and in list models. Its properties follow the store: they are
 * notified when the node's tag, name, parent or liveness change.
 *
 * A node stays usable after it has been removed ([property@Node:live] turns %FALSE) and
 * comes back to life when the removal is undone. Once its store is finalized the node keeps
 * its last values and its models are emptied.
 */

struct _VrtcNode
{
  GObject     parent_instance;

  VrtcStore  *store;        /* not owned: the store owns its nodes */
  char       *key;

  /* what the engine said last */
  char       *tag;
  char       *name;
  char       *parent_key;
  gboolean    live;
  gboolean    visible;

  /* models, made on first request */
  GListStore *children;
  guint64     children_serial;
  GListStore *properties;
};

G_DEFINE_FINAL_TYPE (VrtcNode, vrtc_node, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_TAG,
  PROP_NAME,
  PROP_PARENT_KEY,
  PROP_LIVE,
  PROP_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static VrtcEngine *
get_engine (VrtcNode *self)
{
  return self->store ? vrtc_store_get_engine (self->store) : NULL;
}

static void
vrtc_node_finalize (GObject *object)
{
  VrtcNode *self = (VrtcNode *)object;

  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->tag, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->parent_key, g_free);
  g_clear_object (&self->children);
  g_clear_object (&self->properties);

  G_OBJECT_CLASS (vrtc_node_parent_class)->finalize (object);
}

static void
vrtc_node_get_gproperty (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VrtcNode *self = VRTC_NODE (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;

    case PROP_TAG:
      g_value_set_string (value, self->tag);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_PARENT_KEY:
      g_value_set_string (value, self->parent_key);
      break;

    case PROP_LIVE:
      g_value_set_boolean (value, self->live);
      break;

    case PROP_VISIBLE:
      g_value_set_boolean (value, self->visible);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vrtc_node_class_init (VrtcNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vrtc_node_finalize;
  object_class->get_property = vrtc_node_get_gproperty;

  /**
   * VrtcNode:key:
   *
   * The node's key, unique in its store. It never changes.
   */
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * VrtcNode:tag:
   *
   * The node's tag (its kind, such as `Mesh`), decided by the highest-stamped insert.
   */
  properties[PROP_TAG] =
    g_param_spec_string ("tag", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * VrtcNode:name:
   *
   * The node's display name, or %NULL.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * VrtcNode:parent-key:
   *
   * The key of the node's parent, %NULL for the root.
   */
  properties[PROP_PARENT_KEY] =
    g_param_spec_string ("parent-key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * VrtcNode:live:
   *
   * Whether the node exists and is not removed.
   */
  properties[PROP_LIVE] =
    g_param_spec_boolean ("live", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * VrtcNode:visible:
   *
   * Whether the node is live and so is every ancestor up to the root.
   */
  properties[PROP_VISIBLE] =
    g_param_spec_boolean ("visible", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vrtc_node_init (VrtcNode *self)
{
}

static void
set_string (VrtcNode   *self,
            char      **field,
            const char *value,
            guint       prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_boolean (VrtcNode *self,
             gboolean *field,
             gboolean  value,
             guint     prop)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
vrtc_node_refresh (VrtcNode *self)
{
  VrtcEngine *engine = get_engine (self);
  VrtcNodeInfo info = { 0 };

  g_assert (VRTC_IS_NODE (self));

  if (engine == NULL)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  /* A key that stopped existing keeps its last tag, name and parent for display. */
  if (vrtc_engine_get_node (engine, self->key, &info) && info.exists)
    {
      set_string (self, &self->tag, info.tag, PROP_TAG);
      set_string (self, &self->name, info.name, PROP_NAME);
      set_string (self, &self->parent_key, info.parent, PROP_PARENT_KEY);
    }
  set_boolean (self, &self->live, info.live, PROP_LIVE);
  set_boolean (self, &self->visible, info.visible, PROP_VISIBLE);
  g_object_thaw_notify (G_OBJECT (self));
}

VrtcNode *
vrtc_node_new (VrtcStore  *store,
               const char *key)
{
  VrtcNode *self = g_object_new (VRTC_TYPE_NODE, NULL);

  self->store = store;
  self->key = g_strdup (key);
  vrtc_node_refresh (self);

  return self;
}

VrtcStore *
vrtc_node_get_store (VrtcNode *self)
{
  return self->store;
}

void
vrtc_node_detach (VrtcNode *self)
{
  self->store = NULL;

  if (self->children != NULL)
    g_list_store_remove_all (self->children);
  if (self->properties != NULL)
    g_list_store_remove_all (self->properties);
}

static const char *
node_key_at (GListModel *model,
             guint       position)
{
  g_autoptr(VrtcNode) node = g_list_model_get_item (model, position);

  /* The store holds every node, so the key outlives this reference. */
  return node->key;
}

static VrtcNode **
ensure_nodes (VrtcNode          *self,
              const char * const *keys,
              guint               n_keys)
{
  VrtcNode **nodes = g_new (VrtcNode *, MAX (n_keys, 1));

  for (guint i = 0; i < n_keys; i++)
    nodes[i] = vrtc_store_ensure_node (self->store, keys[i]);

  return nodes;
}

static GPtrArray *
engine_children (VrtcNode *self)
{
  return self->store ? vrtc_store_get_child_keys (self->store, self->key) : g_ptr_array_new ();
}

/**
 * vrtc_node_get_children:
 * @self: a #VrtcNode
 *
 * Gets the live children of the node, in the order every replica agrees on (the stamps of
 * their first inserts). The model is updated in place, with items-changed covering just the
 * children that were inserted, removed or moved, so it can back a `GtkTreeListModel`.
 *
 * Returns: (transfer none): a #GListModel of #VrtcNode
 */
GListModel *
vrtc_node_get_children (VrtcNode *self)
{
  g_return_val_if_fail (VRTC_IS_NODE (self), NULL);

  if (self->children == NULL)
    {
      g_autoptr(GPtrArray) keys = NULL;
      g_autofree VrtcNode **nodes = NULL;

      self->children = g_list_store_new (VRTC_TYPE_NODE);
      if (self->store == NULL)
        return G_LIST_MODEL (self->children);

      self->children_serial = vrtc_store_get_serial (self->store);
      keys = engine_children (self);
      nodes = ensure_nodes (self, (const char * const *) keys->pdata, keys->len);
      g_list_store_splice (self->children, 0, 0, (gpointer *) nodes, keys->len);
    }

  return G_LIST_MODEL (self->children);
}

void
vrtc_node_children_splice (VrtcNode  *self,
                           guint64    serial,
                           guint      position,
                           guint      removed,
                           char     **keys,
                           guint      n_added)
{
  g_autofree VrtcNode **nodes = NULL;
  guint n_items;

  if (self->children == NULL || self->store == NULL || serial <= self->children_serial)
    return;

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->children));
  if (position > n_items || removed > n_items - position)
    {
      /* Out of step with the engine: rebuild the difference instead. */
      vrtc_node_children_reconcile (self);
      return;
    }

  nodes = ensure_nodes (self, (const char * const *) keys, n_added);
  g_list_store_splice (self->children, position, removed, (gpointer *) nodes, n_added);
  self->children_serial = serial;
}

void
vrtc_node_children_reconcile (VrtcNode *self)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree VrtcNode **nodes = NULL;
  GListModel *model;
  guint n_model, n_engine, prefix = 0, suffix = 0, n_common;

  if (self->children == NULL || self->store == NULL)
    return;

  model = G_LIST_MODEL (self->children);
  self->children_serial = vrtc_store_get_serial (self->store);
  keys = engine_children (self);
  n_model = g_list_model_get_n_items (model);
  n_engine = keys->len;
  n_common = MIN (n_model, n_engine);

  while (prefix < n_common &&
         strcmp (node_key_at (model, prefix), g_ptr_array_index (keys, prefix)) == 0)
    prefix++;
  while (suffix < n_common - prefix &&
         strcmp (node_key_at (model, n_model - 1 - suffix),
                 g_ptr_array_index (keys, n_engine - 1 - suffix)) == 0)
    suffix++;

  if (prefix + suffix == n_model && n_model == n_engine)
    return;

  nodes = ensure_nodes (self, (const char * const *) keys->pdata + prefix,
                        n_engine - prefix - suffix);
  g_list_store_splice (self->children, prefix, n_model - prefix - suffix,
                       (gpointer *) nodes, n_engine - prefix - suffix);
}

static int
compare_path (VrtcProperty *prop,
              const char   *path)
{
  return strcmp (vrtc_property_get_path (prop), path);
}

/* Binary search: TRUE and the position when found, else FALSE and where to insert. */
static gboolean
find_property (GListModel *model,
               const char *path,
               guint      *position)
{
  guint lo = 0, hi = g_list_model_get_n_items (model);

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(VrtcProperty) prop = g_list_model_get_item (model, mid);
      int r = compare_path (prop, path);

      if (r == 0)
        {
          *position = mid;
          return TRUE;
        }
      if (r < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  *position = lo;
  return FALSE;
}

/**
 * vrtc_node_get_properties:
 * @self: a #VrtcNode
 *
 * Gets the node's properties, one #VrtcProperty per path that has a value, sorted by path.
 * A change to a value notifies the existing item; only an added or removed property changes
 * the list.
 *
 * Returns: (transfer none): a #GListModel of #VrtcProperty
 */
GListModel *
vrtc_node_get_properties (VrtcNode *self)
{
  g_return_val_if_fail (VRTC_IS_NODE (self), NULL);

  if (self->properties == NULL)
    {
      self->properties = g_list_store_new (VRTC_TYPE_PROPERTY);
      vrtc_node_properties_reconcile (self);
    }

  return G_LIST_MODEL (self->properties);
}

void
vrtc_node_property_changed (VrtcNode   *self,
                            const char *path)
{
  VrtcEngine *engine = get_engine (self);
  const VrtcValue *value;
  guint position;
  gboolean found;

  if (self->properties == NULL || engine == NULL)
    return;

  value = vrtc_engine_get_property (engine, self->key, path);
  found = find_property (G_LIST_MODEL (self->properties), path, &position);

  if (found && value != NULL)
    {
      g_autoptr(VrtcProperty) prop = g_list_model_get_item (G_LIST_MODEL (self->properties),
                                                            position);
      vrtc_property_set_value (prop, value);
    }
  else if (found)
    {
      g_list_store_remove (self->properties, position);
    }
  else if (value != NULL)
    {
      g_autoptr(VrtcProperty) prop = vrtc_property_new (self, path, value);
      g_list_store_insert (self->properties, position, prop);
    }
}

void
vrtc_node_properties_reconcile (VrtcNode *self)
{
  VrtcEngine *engine = get_engine (self);
  g_autoptr(GPtrArray) paths = NULL;
  GListModel *model;
  guint i = 0, j = 0;

  if (self->properties == NULL || engine == NULL)
    return;

  model = G_LIST_MODEL (self->properties);
  /* Both sides are sorted by path: walk them together. */
  paths = vrtc_engine_list_properties (engine, self->key);
  while (j < paths->len || i < g_list_model_get_n_items (model))
    {
      const char *path = j < paths->len ? g_ptr_array_index (paths, j) : NULL;
      g_autoptr(VrtcProperty) prop = g_list_model_get_item (model, i);
      int r;

      if (prop == NULL)
        r = 1;
      else if (path == NULL)
        r = -1;
      else
        r = compare_path (prop, path);

      if (r < 0)
        {
          g_list_store_remove (self->properties, i);
        }
      else if (r > 0)
        {
          g_autoptr(VrtcProperty) added =
            vrtc_property_new (self, path, vrtc_engine_get_property (engine, self->key, path));
          g_list_store_insert (self->properties, i, added);
          i++;
          j++;
        }
      else
        {
          vrtc_property_set_value (prop, vrtc_engine_get_property (engine, self->key, path));
          i++;
          j++;
        }
    }
}

/**
 * vrtc_node_get_key:
 * @self: a #VrtcNode
 *
 * Returns: (transfer none): the node's key
 */
const char *
vrtc_node_get_key (VrtcNode *self)
{
  g_return_val_if_fail (VRTC_IS_NODE (self), NULL);

  return self->key;
}

/**
 * vrtc_node_get_tag:
 * @self: a #VrtcNode
 *
 * Returns: (transfer none) (nullable): the node's tag
 */
const char *
vrtc_node_get_tag (VrtcNode *self)
{
  g_return_val_if_fail (VRTC_IS_NODE (self), NULL);

  return self->tag;
}

/**
 * vrtc_node_get_name:
 * @self: a #VrtcNode
 *
 * Returns: (transfer none) (nullable): the node's name
 */
const char *
vrtc_node_get_name (VrtcNode *self)
{
  g_return_val_if_fail (VRTC_IS_NODE (self), NULL);

  return self->name;
}

/**
 * vrtc_node_get_parent_key:
 * @self: a #VrtcNode
 *
 * Returns: (transfer none) (nullable): the key of the node's parent, %NULL for the root
 */
const char *
vrtc_node_get_parent_key (VrtcNode *self)
{
  g_return_val_if_fail (VRTC_IS_NODE (self), NULL);

  return self->parent_key;
}

/**
 * vrtc_node_get_parent:
 * @self: a #VrtcNode
 *
 * Returns: (transfer none) (nullable): the node's parent, %NULL for the root, when the
 *   parent has no insert yet, or when the store is gone
 */
VrtcNode *
vrtc_node_get_parent (VrtcNode *self)
{
  g_return_val_if_fail (VRTC_IS_NODE (self), NULL);

  if (self->store == NULL || self->parent_key == NULL)
    return NULL;

  return vrtc_store_get_node (self->store, self->parent_key);
}

/**
 * vrtc_node_is_live:
 * @self: a #VrtcNode
 *
 * Returns: whether the node exists and is not removed
 */
gboolean
vrtc_node_is_live (VrtcNode *self)
{
  g_return_val_if_fail (VRTC_IS_NODE (self), FALSE);

  return self->live;
}

/**
 * vrtc_node_is_visible:
 * @self: a #VrtcNode
 *
 * Returns: whether the node and all its ancestors are live
 */
gboolean
vrtc_node_is_visible (VrtcNode *self)
{
  g_return_val_if_fail (VRTC_IS_NODE (self), FALSE);

  return self->visible;
}

/**
 * vrtc_node_get_property_json:
 * @self: a #VrtcNode
 * @path: a property path, such as `transform.position`
 *
 * Gets the current value of one property.
 *
 * Returns: (transfer full) (nullable): the value as canonical JSON, or %NULL when the
 *   property has no value
 */
char *
vrtc_node_get_property_json (VrtcNode   *self,
                             const char *path)
{
  VrtcEngine *engine;
  const VrtcValue *value;

  g_return_val_if_fail (VRTC_IS_NODE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  engine = get_engine (self);
  if (engine == NULL)
    return NULL;

  value = vrtc_engine_get_property (engine, self->key, path);
  return value ? vrtc_value_to_json (value) : NULL;
}

/**
 * vrtc_node_to_json:
 * @self: a #VrtcNode
 *
 * Describes the node as canonical JSON, in the shape of the seed's `SceneNode.to_dict()`
 * (key, tag, name, parent, children, properties and the wall-clock fields).
 *
 * Returns: (transfer full) (nullable): the JSON text, or %NULL when the node does not exist
 */
char *
vrtc_node_to_json (VrtcNode *self)
{
  VrtcEngine *engine;
  GString *out;

  g_return_val_if_fail (VRTC_IS_NODE (self), NULL);

  engine = get_engine (self);
  if (engine == NULL)
    return NULL;

  out = g_string_new (NULL);
  if (!vrtc_engine_write_node (engine, self->key, out))
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}
