/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define INSPECTOR_APP_ID "io.github.vrtc.Inspector"

#define INSPECTOR_TYPE_APPLICATION (inspector_application_get_type ())

G_DECLARE_FINAL_TYPE (InspectorApplication, inspector_application, INSPECTOR, APPLICATION,
                      AdwApplication)

InspectorApplication *inspector_application_new          (void);
void                  inspector_application_show_about   (InspectorApplication *self,
                                                          GtkWindow            *parent);

GSettings            *inspector_settings_new             (void);
void                  inspector_settings_add_recent_server (GSettings          *settings,
                                                          const char           *url);
void                  inspector_settings_remove_recent_server (GSettings       *settings,
                                                          const char           *url);

G_END_DECLS
