/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

#include "inspector-diff.h"

G_BEGIN_DECLS

/* A side of a comparison that is the snapshot, not a history position (-1 is live). */
#define INSPECTOR_POSITION_SNAPSHOT (-2)

#define INSPECTOR_TYPE_DIFF_VIEW (inspector_diff_view_get_type ())

G_DECLARE_FINAL_TYPE (InspectorDiffView, inspector_diff_view, INSPECTOR, DIFF_VIEW, GtkWidget)

GtkWidget     *inspector_diff_view_new           (void);
InspectorDiff *inspector_diff_view_get_diff      (InspectorDiffView *self);
void           inspector_diff_view_set_diff      (InspectorDiffView *self,
                                                  InspectorDiff     *diff,
                                                  gint               from,
                                                  gint               to,
                                                  guint              offset);
gint           inspector_diff_view_get_from      (InspectorDiffView *self);
gint           inspector_diff_view_get_to        (InspectorDiffView *self);
char          *inspector_diff_view_dup_range_text (InspectorDiffView *self);
void           inspector_diff_view_activate_item (InspectorDiffView *self,
                                                  guint              position);

G_END_DECLS
