/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inspector-flash-bin.h"
#include "inspector-list-util.h"

/*
 * One child, and behind it a flash that lights up and fades: a list row's highlight that
 * repaints the row and restyles nothing in it.
 */

#define FADE_MS 900
#define FLASH_ALPHA 0.28f
#define FLASH_RADIUS 6.0f

struct _InspectorFlashBin
{
  GtkWidget       parent_instance;

  InspectorFlash  flash;
};

G_DEFINE_FINAL_TYPE (InspectorFlashBin, inspector_flash_bin, GTK_TYPE_WIDGET)

static void
inspector_flash_bin_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  InspectorFlashBin *self = INSPECTOR_FLASH_BIN (widget);

  inspector_flash_snapshot (&self->flash, snapshot, FLASH_ALPHA, FLASH_RADIUS);
  GTK_WIDGET_CLASS (inspector_flash_bin_parent_class)->snapshot (widget, snapshot);
}

static void
inspector_flash_bin_dispose (GObject *object)
{
  InspectorFlashBin *self = INSPECTOR_FLASH_BIN (object);
  GtkWidget *child;

  inspector_flash_stop (&self->flash);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (inspector_flash_bin_parent_class)->dispose (object);
}

static void
inspector_flash_bin_class_init (InspectorFlashBinClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inspector_flash_bin_dispose;
  widget_class->snapshot = inspector_flash_bin_snapshot;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
inspector_flash_bin_init (InspectorFlashBin *self)
{
}

/**
 * inspector_flash_bin_new:
 * @child: the widget shown
 *
 * Returns: (transfer floating): a bin around @child
 */
GtkWidget *
inspector_flash_bin_new (GtkWidget *child)
{
  GtkWidget *self = g_object_new (INSPECTOR_TYPE_FLASH_BIN, NULL);

  g_return_val_if_fail (GTK_IS_WIDGET (child), self);

  gtk_widget_set_parent (child, self);
  return self;
}

/**
 * inspector_flash_bin_flash:
 * @self: a #InspectorFlashBin
 * @hold_ms: how long the flash stays lit before it fades
 *
 * Lights the bin up, or again.
 */
void
inspector_flash_bin_flash (InspectorFlashBin *self,
                           guint              hold_ms)
{
  g_return_if_fail (INSPECTOR_IS_FLASH_BIN (self));

  inspector_flash_start (&self->flash, GTK_WIDGET (self), hold_ms, FADE_MS);
}

/**
 * inspector_flash_bin_stop:
 * @self: a #InspectorFlashBin
 *
 * Puts the flash out at once, as when the row shows another item.
 */
void
inspector_flash_bin_stop (InspectorFlashBin *self)
{
  g_return_if_fail (INSPECTOR_IS_FLASH_BIN (self));

  inspector_flash_stop (&self->flash);
}

/**
 * inspector_flash_bin_get_flashing:
 * @self: a #InspectorFlashBin
 *
 * Returns: whether the bin is lit, or still fading
 */
gboolean
inspector_flash_bin_get_flashing (InspectorFlashBin *self)
{
  g_return_val_if_fail (INSPECTOR_IS_FLASH_BIN (self), FALSE);

  return self->flash.level > 0;
}
