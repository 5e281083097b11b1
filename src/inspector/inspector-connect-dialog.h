/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define INSPECTOR_TYPE_CONNECT_DIALOG (inspector_connect_dialog_get_type ())

G_DECLARE_FINAL_TYPE (InspectorConnectDialog, inspector_connect_dialog, INSPECTOR,
                      CONNECT_DIALOG, AdwMessageDialog)

InspectorConnectDialog *inspector_connect_dialog_new     (GtkWindow              *parent,
                                                          const char             *url);
char                   *inspector_connect_dialog_dup_url (InspectorConnectDialog *self);
void                    inspector_connect_dialog_set_url (InspectorConnectDialog *self,
                                                          const char             *url);

G_END_DECLS
