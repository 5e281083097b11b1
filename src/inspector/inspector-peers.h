/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gtk/gtk.h>
#include <vrtc.h>

G_BEGIN_DECLS

#define INSPECTOR_TYPE_PEERS (inspector_peers_get_type ())

G_DECLARE_FINAL_TYPE (InspectorPeers, inspector_peers, INSPECTOR, PEERS, GtkWidget)

GtkWidget  *inspector_peers_new              (void);
VrtcStore  *inspector_peers_get_store        (InspectorPeers *self);
void        inspector_peers_set_store        (InspectorPeers *self,
                                              VrtcStore      *store);
guint       inspector_peers_get_n_sessions   (InspectorPeers *self);
gboolean    inspector_peers_get_busy         (InspectorPeers *self);
gboolean    inspector_peers_lookup           (InspectorPeers *self,
                                              const char     *session,
                                              guint          *n_messages,
                                              double         *last_seen,
                                              gint64         *clock);
GtkWidget  *inspector_peers_get_row_widget   (InspectorPeers *self,
                                              const char     *session);

G_END_DECLS
