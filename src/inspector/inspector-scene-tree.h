/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>
#include <vrtc.h>

#include "inspector-scene-item.h"

G_BEGIN_DECLS

#define INSPECTOR_TYPE_SCENE_TREE (inspector_scene_tree_get_type ())

G_DECLARE_FINAL_TYPE (InspectorSceneTree, inspector_scene_tree, INSPECTOR, SCENE_TREE, GtkWidget)

GtkWidget  *inspector_scene_tree_new               (void);
VrtcStore  *inspector_scene_tree_get_store         (InspectorSceneTree *self);
void        inspector_scene_tree_set_store         (InspectorSceneTree *self,
                                                    VrtcStore          *store);
VrtcNode   *inspector_scene_tree_get_selected_node (InspectorSceneTree *self);
gboolean    inspector_scene_tree_select_key        (InspectorSceneTree *self,
                                                    const char         *key);
void        inspector_scene_tree_start_search      (InspectorSceneTree *self);
void        inspector_scene_tree_set_search_text   (InspectorSceneTree *self,
                                                    const char         *text);
guint       inspector_scene_tree_get_n_matches     (InspectorSceneTree *self);
gboolean    inspector_scene_tree_get_show_removed  (InspectorSceneTree *self);
void        inspector_scene_tree_set_show_removed  (InspectorSceneTree *self,
                                                    gboolean            show_removed);
gboolean    inspector_scene_tree_get_read_only     (InspectorSceneTree *self);
void        inspector_scene_tree_set_read_only     (InspectorSceneTree *self,
                                                    gboolean            read_only);
GListModel *inspector_scene_tree_get_model         (InspectorSceneTree *self);
GtkWidget  *inspector_scene_tree_get_row_widget    (InspectorSceneTree *self,
                                                    const char         *key);
void        inspector_scene_tree_popup_menu        (InspectorSceneTree *self);

G_END_DECLS
