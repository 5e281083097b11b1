/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void inspector_single_selection_select (GtkSingleSelection *selection,
                                        guint               position);

G_END_DECLS
