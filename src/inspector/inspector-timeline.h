/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>
#include <vrtc.h>

#include "inspector-peers.h"

G_BEGIN_DECLS

#define INSPECTOR_TYPE_TIMELINE (inspector_timeline_get_type ())

G_DECLARE_FINAL_TYPE (InspectorTimeline, inspector_timeline, INSPECTOR, TIMELINE, GtkWidget)

GtkWidget        *inspector_timeline_new                   (void);
VrtcStore        *inspector_timeline_get_store             (InspectorTimeline   *self);
void              inspector_timeline_set_store             (InspectorTimeline   *self,
                                                            VrtcStore           *store);
int               inspector_timeline_get_history_position  (InspectorTimeline   *self);
void              inspector_timeline_set_history_position  (InspectorTimeline   *self,
                                                            int                  position);
gboolean          inspector_timeline_select_message        (InspectorTimeline   *self,
                                                            const char          *message_id);
void              inspector_timeline_mark_messages         (InspectorTimeline   *self,
                                                            const char * const  *ids,
                                                            const char          *css_class);
void              inspector_timeline_set_filter            (InspectorTimeline   *self,
                                                            const char          *session,
                                                            const char          *node,
                                                            const char          *otype);
const char       *inspector_timeline_get_filter_text       (InspectorTimeline   *self);
void              inspector_timeline_set_filter_text       (InspectorTimeline   *self,
                                                            const char          *text);
guint             inspector_timeline_get_n_hidden          (InspectorTimeline   *self);
gboolean          inspector_timeline_get_filtering         (InspectorTimeline   *self);
GListModel       *inspector_timeline_get_model             (InspectorTimeline   *self);
VrtcJournalEntry *inspector_timeline_get_selected_entry    (InspectorTimeline   *self);
GtkWidget        *inspector_timeline_get_row_widget        (InspectorTimeline   *self,
                                                            const char          *message_id);
InspectorPeers   *inspector_timeline_get_peers             (InspectorTimeline   *self);
void              inspector_timeline_popup_menu            (InspectorTimeline   *self);

const char       *inspector_session_color                  (const char          *session);
const char       *inspector_session_color_class            (const char          *session);
GtkWidget        *inspector_session_chip_new               (void);
void              inspector_session_chip_set_session       (GtkWidget           *chip,
                                                            const char          *session,
                                                            gboolean             own);

G_END_DECLS
