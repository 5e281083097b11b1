/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

#include "vrtc.h"
#include "vrtc-relay.h"

G_BEGIN_DECLS

/**
 * InspectorSessionKind:
 * @INSPECTOR_SESSION_LOCAL: a store of this window only, with the sample scene
 * @INSPECTOR_SESSION_FILE: a store filled from a saved journal
 * @INSPECTOR_SESSION_ROOM: a store kept in sync with a room on a relay
 * @INSPECTOR_SESSION_HOST: a relay in this process, on loopback, and a store joined to it
 *
 * How the store of an #InspectorSession is fed.
 */
typedef enum {
  INSPECTOR_SESSION_LOCAL,
  INSPECTOR_SESSION_FILE,
  INSPECTOR_SESSION_ROOM,
  INSPECTOR_SESSION_HOST,
} InspectorSessionKind;

#define INSPECTOR_TYPE_SESSION_KIND (inspector_session_kind_get_type ())
GType inspector_session_kind_get_type (void) G_GNUC_CONST;

#define INSPECTOR_TYPE_SESSION (inspector_session_get_type ())

G_DECLARE_FINAL_TYPE (InspectorSession, inspector_session, INSPECTOR, SESSION, GObject)

InspectorSession     *inspector_session_new_local         (void);
InspectorSession     *inspector_session_new_for_url       (const char           *url,
                                                           GError              **error);
InspectorSession     *inspector_session_new_hosted        (VrtcStore            *store,
                                                           GError              **error);
void                  inspector_session_new_for_file_async (GFile               *file,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
InspectorSession     *inspector_session_new_for_file_finish (GAsyncResult       *result,
                                                           GError              **error);

InspectorSessionKind  inspector_session_get_kind          (InspectorSession     *self);
VrtcStore            *inspector_session_get_store         (InspectorSession     *self);
VrtcClient           *inspector_session_get_client        (InspectorSession     *self);
GFile                *inspector_session_get_file          (InspectorSession     *self);
const char           *inspector_session_get_title         (InspectorSession     *self);
const char           *inspector_session_get_subtitle      (InspectorSession     *self);
const char           *inspector_session_get_url           (InspectorSession     *self);
const char           *inspector_session_get_join_url      (InspectorSession     *self);
VrtcClientStatus      inspector_session_get_status        (InspectorSession     *self);
double                inspector_session_get_reconnect_delay (InspectorSession   *self);
guint                 inspector_session_get_peers         (InspectorSession     *self);
char                 *inspector_session_dup_status_text   (InspectorSession     *self);
char                 *inspector_session_dup_last_error    (InspectorSession     *self);
gboolean              inspector_session_get_loading       (InspectorSession     *self);
double                inspector_session_get_progress      (InspectorSession     *self);
gboolean              inspector_session_has_own_messages  (InspectorSession     *self);

char                 *inspector_session_export_journal    (InspectorSession     *self);

gboolean              inspector_session_check_url         (const char           *url,
                                                           GError              **error);

G_END_DECLS
