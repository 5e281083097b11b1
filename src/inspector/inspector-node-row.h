/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INSPECTOR_TYPE_NODE_ROW (inspector_node_row_get_type ())
G_DECLARE_FINAL_TYPE (InspectorNodeRow, inspector_node_row, INSPECTOR, NODE_ROW, GtkWidget)

GtkWidget  *inspector_node_row_new         (void);
void        inspector_node_row_set         (InspectorNodeRow *self,
                                            const char       *icon_name,
                                            const char       *key,
                                            const char       *tag,
                                            const char       *name,
                                            gboolean          struck);
void        inspector_node_row_set_list_row (InspectorNodeRow *self,
                                            GtkTreeListRow   *list_row);
void        inspector_node_row_set_leaf    (InspectorNodeRow *self,
                                            gboolean          leaf);
gboolean    inspector_node_row_get_leaf    (InspectorNodeRow *self);
gboolean    inspector_node_row_arrow_at    (InspectorNodeRow *self,
                                            double            x);
void        inspector_node_row_flash       (InspectorNodeRow *self,
                                            guint             hold_ms);
void        inspector_node_row_stop_flash  (InspectorNodeRow *self);
gboolean    inspector_node_row_get_flashing (InspectorNodeRow *self);
const char *inspector_node_row_get_key     (InspectorNodeRow *self);
const char *inspector_node_row_get_tag     (InspectorNodeRow *self);
const char *inspector_node_row_get_name    (InspectorNodeRow *self);
const char *inspector_node_row_get_icon    (InspectorNodeRow *self);
gboolean    inspector_node_row_get_struck  (InspectorNodeRow *self);

G_END_DECLS
