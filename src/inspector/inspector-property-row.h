/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>
#include <vrtc.h>

G_BEGIN_DECLS

#define INSPECTOR_TYPE_PROPERTY_ROW (inspector_property_row_get_type ())

G_DECLARE_FINAL_TYPE (InspectorPropertyRow, inspector_property_row,
                      INSPECTOR, PROPERTY_ROW, GtkListBoxRow)

GtkWidget    *inspector_property_row_new              (VrtcProperty         *property);
VrtcProperty *inspector_property_row_get_property     (InspectorPropertyRow *self);
void          inspector_property_row_set_property     (InspectorPropertyRow *self,
                                                       VrtcProperty         *property);
const char   *inspector_property_row_get_editor_kind  (InspectorPropertyRow *self);
void          inspector_property_row_set_store        (InspectorPropertyRow *self,
                                                       VrtcStore            *store);
gboolean      inspector_property_row_get_read_only    (InspectorPropertyRow *self);
void          inspector_property_row_set_read_only    (InspectorPropertyRow *self,
                                                       gboolean              read_only);
void          inspector_property_row_apply_pending    (InspectorPropertyRow *self);
void          inspector_property_row_refresh          (InspectorPropertyRow *self);
gboolean      inspector_property_row_get_flashing     (InspectorPropertyRow *self);
void          inspector_property_row_flash            (InspectorPropertyRow *self);
void          inspector_property_row_show_provenance  (InspectorPropertyRow *self);
GtkWidget    *inspector_property_row_get_component    (InspectorPropertyRow *self,
                                                       guint                 index);
GtkWidget    *inspector_property_row_get_drag_handle  (InspectorPropertyRow *self,
                                                       guint                 index);

gboolean      inspector_property_row_find_provenance_messages (VrtcStore     *store,
                                                               VrtcProperty  *property,
                                                               char         **winner_id,
                                                               char        ***lost_ids);

G_END_DECLS
