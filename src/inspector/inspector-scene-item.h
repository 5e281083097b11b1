/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <vrtc.h>

G_BEGIN_DECLS

#define INSPECTOR_TYPE_SCENE_ITEM (inspector_scene_item_get_type ())

G_DECLARE_FINAL_TYPE (InspectorSceneItem, inspector_scene_item, INSPECTOR, SCENE_ITEM, GObject)

InspectorSceneItem *inspector_scene_item_new       (const char         *key,
                                                    VrtcStore          *store);
const char         *inspector_scene_item_get_key   (InspectorSceneItem *self);
VrtcNode           *inspector_scene_item_get_node  (InspectorSceneItem *self);
void                inspector_scene_item_set_store (InspectorSceneItem *self,
                                                    VrtcStore          *store);

G_END_DECLS
