/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <adwaita.h>

#include "inspector-application.h"
#include "inspector-session.h"

G_BEGIN_DECLS

#define INSPECTOR_TYPE_WINDOW (inspector_window_get_type ())

G_DECLARE_FINAL_TYPE (InspectorWindow, inspector_window, INSPECTOR, WINDOW, AdwApplicationWindow)

InspectorWindow  *inspector_window_new          (InspectorApplication *application);
InspectorSession *inspector_window_get_session  (InspectorWindow      *self);
void              inspector_window_set_session  (InspectorWindow      *self,
                                                 InspectorSession     *session);
void              inspector_window_open_file    (InspectorWindow      *self,
                                                 GFile                *file);
void              inspector_window_open_url     (InspectorWindow      *self,
                                                 const char           *url);
void              inspector_window_host         (InspectorWindow      *self);
void              inspector_window_add_toast    (InspectorWindow      *self,
                                                 const char           *text);
void              inspector_window_show_error   (InspectorWindow      *self,
                                                 const char           *heading,
                                                 const char           *body);

G_END_DECLS
