/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INSPECTOR_TYPE_FLASH_BIN (inspector_flash_bin_get_type ())
G_DECLARE_FINAL_TYPE (InspectorFlashBin, inspector_flash_bin, INSPECTOR, FLASH_BIN, GtkWidget)

GtkWidget *inspector_flash_bin_new          (GtkWidget         *child);
void       inspector_flash_bin_flash        (InspectorFlashBin *self,
                                             guint              hold_ms);
void       inspector_flash_bin_stop         (InspectorFlashBin *self);
gboolean   inspector_flash_bin_get_flashing (InspectorFlashBin *self);

G_END_DECLS
