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
