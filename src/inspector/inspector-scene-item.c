/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inspector-scene-item.h"

/*
 * One row of the scene tree: a node key, and the node of that key in the store shown. The
 * tree keeps one item per key and points them all at the next store when it changes (into
 * history and back, say), so its model, and with it the rows expanded and selected, stays
 * the same from one state to the next. The node is looked up when first asked for.
 */

struct _InspectorSceneItem
{
  GObject    parent_instance;

  char      *key;
  VrtcStore *store;     /* borrowed: the tree holds it, and clears it before letting go */
  VrtcNode  *node;      /* NULL until asked for */
};

G_DEFINE_FINAL_TYPE (InspectorSceneItem, inspector_scene_item, G_TYPE_OBJECT)

static void
inspector_scene_item_finalize (GObject *object)
{
  InspectorSceneItem *self = INSPECTOR_SCENE_ITEM (object);

  g_clear_object (&self->node);
  g_free (self->key);

  G_OBJECT_CLASS (inspector_scene_item_parent_class)->finalize (object);
}

static void
inspector_scene_item_class_init (InspectorSceneItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = inspector_scene_item_finalize;
}

static void
inspector_scene_item_init (InspectorSceneItem *self)
{
}

/**
 * inspector_scene_item_new:
 * @key: a node key
 * @store: (nullable): the store to find its node in
 *
 * Returns: (transfer full): a new item
 */
InspectorSceneItem *
inspector_scene_item_new (const char *key,
                          VrtcStore  *store)
{
  InspectorSceneItem *self;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (INSPECTOR_TYPE_SCENE_ITEM, NULL);
  self->key = g_strdup (key);
  self->store = store;

  return self;
}

const char *
inspector_scene_item_get_key (InspectorSceneItem *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SCENE_ITEM (self), NULL);

  return self->key;
}

/**
 * inspector_scene_item_get_node:
 * @self: an item
 *
 * Returns: (transfer none) (nullable): the node of the item's key in the store shown, or
 *   %NULL when that store has none
 */
VrtcNode *
inspector_scene_item_get_node (InspectorSceneItem *self)
{
  g_return_val_if_fail (INSPECTOR_IS_SCENE_ITEM (self), NULL);

  if (self->node == NULL && self->store != NULL)
    {
      VrtcNode *node = vrtc_store_get_node (self->store, self->key);

      if (node != NULL)
        self->node = g_object_ref (node);
    }

  return self->node;
}

/**
 * inspector_scene_item_set_store:
 * @self: an item
 * @store: (nullable): the store shown now, which must outlive this call's effect: set
 *   another (or %NULL) before letting it go
 *
 * Points the item at @store; its node is looked up there on the next
 * inspector_scene_item_get_node().
 */
void
inspector_scene_item_set_store (InspectorSceneItem *self,
                                VrtcStore          *store)
{
  g_return_if_fail (INSPECTOR_IS_SCENE_ITEM (self));

  if (self->store == store)
    return;

  self->store = store;
  g_clear_object (&self->node);
}
