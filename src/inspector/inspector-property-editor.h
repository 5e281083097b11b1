/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>
#include <vrtc.h>

#include "inspector-property-row.h"

G_BEGIN_DECLS

#define INSPECTOR_TYPE_PROPERTY_EDITOR (inspector_property_editor_get_type ())

G_DECLARE_FINAL_TYPE (InspectorPropertyEditor, inspector_property_editor,
                      INSPECTOR, PROPERTY_EDITOR, GtkWidget)

GtkWidget            *inspector_property_editor_new           (void);
VrtcStore            *inspector_property_editor_get_store     (InspectorPropertyEditor *self);
void                  inspector_property_editor_set_store     (InspectorPropertyEditor *self,
                                                               VrtcStore               *store);
VrtcNode             *inspector_property_editor_get_node      (InspectorPropertyEditor *self);
void                  inspector_property_editor_set_node      (InspectorPropertyEditor *self,
                                                               VrtcNode                *node);
gboolean              inspector_property_editor_get_read_only (InspectorPropertyEditor *self);
void                  inspector_property_editor_set_read_only (InspectorPropertyEditor *self,
                                                               gboolean                 read_only);
InspectorPropertyRow *inspector_property_editor_get_row       (InspectorPropertyEditor *self,
                                                               const char              *path);
gboolean              inspector_property_editor_add_property  (InspectorPropertyEditor *self,
                                                               const char              *path,
                                                               const char              *type,
                                                               GError                 **error);
const char * const   *inspector_property_editor_get_types     (void);

G_END_DECLS
