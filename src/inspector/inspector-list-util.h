/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void inspector_single_selection_select (GtkSingleSelection *selection,
                                        guint               position);

void        inspector_set_tooltip_text (GtkWidget  *widget,
                                        const char *text);
const char *inspector_get_tooltip_text (GtkWidget  *widget);

/* A row lit up for a moment, then fading: painted by the row's own snapshot. */
typedef struct {
  GtkWidget *widget;
  guint      hold_id;
  guint      fade_id;
  guint      fade_ms;
  gint64     fade_start;
  double     level;
} InspectorFlash;

void inspector_flash_start    (InspectorFlash *flash,
                               GtkWidget      *widget,
                               guint           hold_ms,
                               guint           fade_ms);
void inspector_flash_stop     (InspectorFlash *flash);
void inspector_flash_snapshot (InspectorFlash *flash,
                               GtkSnapshot    *snapshot,
                               float           alpha,
                               float           radius);

G_END_DECLS
