/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#include <gio/gio.h>

#include "vrtc-version.h"
#include "vrtc-message.h"
#include "vrtc-store.h"

G_BEGIN_DECLS

/**
 * VrtcClientStatus:
 * @VRTC_CLIENT_STATUS_DISCONNECTED: not connected and not trying to be: before
 *   vrtc_client_connect(), after vrtc_client_disconnect(), or when the URL is invalid
 * @VRTC_CLIENT_STATUS_CONNECTING: the first attempt after vrtc_client_connect() is under
 *   way: opening the WebSocket, or waiting for the relay's `state`
 * @VRTC_CLIENT_STATUS_CONNECTED: joined: the store holds the room's state and commits go out
 *   as they are made
 * @VRTC_CLIENT_STATUS_RECONNECTING: the connection was lost or could not be made; the client
 *   waits #VrtcClient:reconnect-delay seconds and tries again, with exponential backoff
 *
 * The connection state of a #VrtcClient.
 */
typedef enum {
  VRTC_CLIENT_STATUS_DISCONNECTED,
  VRTC_CLIENT_STATUS_CONNECTING,
  VRTC_CLIENT_STATUS_CONNECTED,
  VRTC_CLIENT_STATUS_RECONNECTING,
} VrtcClientStatus;

#define VRTC_TYPE_CLIENT_STATUS (vrtc_client_status_get_type ())

VRTC_EXPORT
GType vrtc_client_status_get_type (void) G_GNUC_CONST;

#define VRTC_TYPE_CLIENT (vrtc_client_get_type ())

VRTC_EXPORT
G_DECLARE_FINAL_TYPE (VrtcClient, vrtc_client, VRTC, CLIENT, GObject)

VRTC_EXPORT
VrtcClient       *vrtc_client_new                   (VrtcStore   *store,
                                                     const char  *url);
VRTC_EXPORT
VrtcStore        *vrtc_client_get_store             (VrtcClient  *self);
VRTC_EXPORT
const char       *vrtc_client_get_url               (VrtcClient  *self);
VRTC_EXPORT
void              vrtc_client_set_url               (VrtcClient  *self,
                                                     const char  *url);
VRTC_EXPORT
VrtcClientStatus  vrtc_client_get_status            (VrtcClient  *self);
VRTC_EXPORT
VrtcDialect       vrtc_client_get_dialect           (VrtcClient  *self);
VRTC_EXPORT
void              vrtc_client_set_dialect           (VrtcClient  *self,
                                                     VrtcDialect  dialect);
VRTC_EXPORT
const char       *vrtc_client_get_token             (VrtcClient  *self);
VRTC_EXPORT
void              vrtc_client_set_token             (VrtcClient  *self,
                                                     const char  *token);
VRTC_EXPORT
gboolean          vrtc_client_get_read_only         (VrtcClient  *self);
VRTC_EXPORT
void              vrtc_client_set_read_only         (VrtcClient  *self,
                                                     gboolean     read_only);
VRTC_EXPORT
double            vrtc_client_get_reconnect_delay   (VrtcClient  *self);
VRTC_EXPORT
double            vrtc_client_get_heartbeat_interval (VrtcClient *self);
VRTC_EXPORT
void              vrtc_client_set_heartbeat_interval (VrtcClient *self,
                                                      double      seconds);
VRTC_EXPORT
double            vrtc_client_get_dead_timeout      (VrtcClient  *self);
VRTC_EXPORT
void              vrtc_client_set_dead_timeout      (VrtcClient  *self,
                                                     double       seconds);
VRTC_EXPORT
guint             vrtc_client_get_peers             (VrtcClient  *self);
VRTC_EXPORT
const GError     *vrtc_client_get_last_error        (VrtcClient  *self);

VRTC_EXPORT
void              vrtc_client_connect               (VrtcClient  *self);
VRTC_EXPORT
void              vrtc_client_disconnect            (VrtcClient  *self);
/* connect and disconnect under names that do not hide GObject's in bindings */
VRTC_EXPORT
void              vrtc_client_start                 (VrtcClient  *self);
VRTC_EXPORT
void              vrtc_client_stop                  (VrtcClient  *self);

G_END_DECLS
