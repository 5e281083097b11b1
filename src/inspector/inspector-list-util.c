/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inspector-list-util.h"

/**
 * inspector_single_selection_select:
 * @selection: a #GtkSingleSelection
 * @position: the row to select, or %GTK_INVALID_LIST_POSITION
 *
 * Like gtk_single_selection_set_selected(), but a GTK 4.8 list view hears of two rows
 * changed, not of every row between the old selection and the new: it binds again each
 * row it is told of. The selection goes through none, and its properties notify once, at
 * the end.
 */
void
inspector_single_selection_select (GtkSingleSelection *selection,
                                   guint               position)
{
  guint old;

  g_return_if_fail (GTK_IS_SINGLE_SELECTION (selection));

  old = gtk_single_selection_get_selected (selection);
  if (old == position)
    return;

  g_object_freeze_notify (G_OBJECT (selection));
  if (old != GTK_INVALID_LIST_POSITION && position != GTK_INVALID_LIST_POSITION &&
      (position > old + 1 || old > position + 1))
    gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  gtk_single_selection_set_selected (selection, position);
  g_object_thaw_notify (G_OBJECT (selection));
}

static GQuark
tooltip_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("inspector-tooltip");
  return quark;
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    data)
{
  const char *text = g_object_get_qdata (G_OBJECT (widget), tooltip_quark ());

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/**
 * inspector_set_tooltip_text:
 * @widget: a widget
 * @text: (nullable): its new tooltip
 *
 * Like gtk_widget_set_tooltip_text(), but answered from #GtkWidget::query-tooltip:
 * gtk_widget_set_tooltip_text() asks the display where the pointer is, a round trip to the
 * X server each time, and rows and editors are updated by the hundred while scrubbing
 * history. The text is also the widget's accessible description, as GTK would make it.
 * Read it back with inspector_get_tooltip_text().
 */
void
inspector_set_tooltip_text (GtkWidget  *widget,
                            const char *text)
{
  GObject *object = G_OBJECT (widget);

  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (g_strcmp0 (g_object_get_qdata (object, tooltip_quark ()), text) == 0)
    return;

  if (g_object_get_data (object, "inspector-tooltip-handler") == NULL)
    {
      g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
      g_object_set_data (object, "inspector-tooltip-handler", GINT_TO_POINTER (TRUE));
    }
  g_object_set_qdata_full (object, tooltip_quark (), g_strdup (text), g_free);
  gtk_widget_set_has_tooltip (widget, text != NULL);
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/**
 * inspector_get_tooltip_text:
 * @widget: a widget
 *
 * Returns: (nullable): the tooltip set by inspector_set_tooltip_text()
 */
const char *
inspector_get_tooltip_text (GtkWidget *widget)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  return g_object_get_qdata (G_OBJECT (widget), tooltip_quark ());
}

/*
 * A flash painted by the widget, not set by a CSS class: a class on a row, and each frame
 * of a CSS transition, restyle all the row holds, and a step through history changes many
 * rows at once. Holding costs nothing; fading only redraws the row.
 */
static gboolean
flash_fade_tick (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  InspectorFlash *flash = data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (flash->fade_start == 0)
    flash->fade_start = now;
  flash->level = 1.0 - (now - flash->fade_start) / (flash->fade_ms * 1000.0);
  gtk_widget_queue_draw (widget);
  if (flash->level > 0)
    return G_SOURCE_CONTINUE;

  flash->level = 0;
  flash->fade_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
flash_hold_done (gpointer data)
{
  InspectorFlash *flash = data;

  flash->hold_id = 0;
  flash->fade_start = 0;
  flash->fade_id = gtk_widget_add_tick_callback (flash->widget, flash_fade_tick, flash, NULL);

  return G_SOURCE_REMOVE;
}

/**
 * inspector_flash_start:
 * @flash: the flash state, kept by @widget
 * @widget: the widget whose snapshot calls inspector_flash_snapshot()
 * @hold_ms: how long the flash stays lit
 * @fade_ms: how long it then takes to fade
 *
 * Lights @widget up, or again.
 */
void
inspector_flash_start (InspectorFlash *flash,
                       GtkWidget      *widget,
                       guint           hold_ms,
                       guint           fade_ms)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  inspector_flash_stop (flash);
  flash->widget = widget;
  flash->fade_ms = MAX (fade_ms, 1);
  flash->level = 1;
  gtk_widget_queue_draw (widget);
  flash->hold_id = g_timeout_add (hold_ms, flash_hold_done, flash);
}

/**
 * inspector_flash_stop:
 * @flash: the flash state
 *
 * Puts the flash out at once; the widget may go after this.
 */
void
inspector_flash_stop (InspectorFlash *flash)
{
  g_clear_handle_id (&flash->hold_id, g_source_remove);
  if (flash->fade_id != 0)
    gtk_widget_remove_tick_callback (flash->widget, flash->fade_id);
  flash->fade_id = 0;
  if (flash->level > 0 && flash->widget != NULL)
    gtk_widget_queue_draw (flash->widget);
  flash->level = 0;
}

/**
 * inspector_flash_snapshot:
 * @flash: the flash state
 * @snapshot: the widget's snapshot, before its children
 * @alpha: the accent color's opacity when lit
 * @radius: the corners' radius
 *
 * Paints the flash over the widget's background, in the accent color of its style.
 */
void
inspector_flash_snapshot (InspectorFlash *flash,
                          GtkSnapshot    *snapshot,
                          float           alpha,
                          float           radius)
{
  GdkRGBA color = { 0.21f, 0.52f, 0.89f, 1 };
  GskRoundedRect outline;

  if (flash->level <= 0 || flash->widget == NULL)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_lookup_color (gtk_widget_get_style_context (flash->widget),
                                  "accent_bg_color", &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  color.alpha *= alpha * flash->level;
  gsk_rounded_rect_init_from_rect (&outline,
                                   &GRAPHENE_RECT_INIT (0, 0,
                                                        gtk_widget_get_width (flash->widget),
                                                        gtk_widget_get_height (flash->widget)),
                                   radius);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &color, &outline.bounds);
  gtk_snapshot_pop (snapshot);
}
