/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#include <gio/gio.h>

#include "vrtc-version.h"

G_BEGIN_DECLS

#define VRTC_TYPE_RELAY (vrtc_relay_get_type ())

VRTC_EXPORT
G_DECLARE_FINAL_TYPE (VrtcRelay, vrtc_relay, VRTC, RELAY, GObject)

VRTC_EXPORT
VrtcRelay  *vrtc_relay_new                      (const char  *data_dir,
                                                 GError     **error);
VRTC_EXPORT
gboolean    vrtc_relay_listen                   (VrtcRelay   *self,
                                                 const char  *host,
                                                 guint        port,
                                                 GError     **error);
VRTC_EXPORT
void        vrtc_relay_stop                     (VrtcRelay   *self);
VRTC_EXPORT
void        vrtc_relay_stop_async               (VrtcRelay           *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
VRTC_EXPORT
gboolean    vrtc_relay_stop_finish              (VrtcRelay     *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

VRTC_EXPORT
guint       vrtc_relay_get_port                 (VrtcRelay   *self);
VRTC_EXPORT
char       *vrtc_relay_get_url                  (VrtcRelay   *self,
                                                 const char  *room);
VRTC_EXPORT
const char *vrtc_relay_get_data_dir             (VrtcRelay   *self);

VRTC_EXPORT
const char *vrtc_relay_get_token                (VrtcRelay   *self);
VRTC_EXPORT
void        vrtc_relay_set_token                (VrtcRelay   *self,
                                                 const char  *token);
VRTC_EXPORT
guint       vrtc_relay_get_max_frame_size       (VrtcRelay   *self);
VRTC_EXPORT
void        vrtc_relay_set_max_frame_size       (VrtcRelay   *self,
                                                 guint        max_frame_size);
VRTC_EXPORT
guint       vrtc_relay_get_max_rooms            (VrtcRelay   *self);
VRTC_EXPORT
void        vrtc_relay_set_max_rooms            (VrtcRelay   *self,
                                                 guint        max_rooms);
VRTC_EXPORT
guint       vrtc_relay_get_max_clients_per_room (VrtcRelay   *self);
VRTC_EXPORT
void        vrtc_relay_set_max_clients_per_room (VrtcRelay   *self,
                                                 guint        max_clients);
VRTC_EXPORT
guint       vrtc_relay_get_compact_threshold    (VrtcRelay   *self);
VRTC_EXPORT
void        vrtc_relay_set_compact_threshold    (VrtcRelay   *self,
                                                 guint        threshold);
VRTC_EXPORT
double      vrtc_relay_get_heartbeat_interval   (VrtcRelay   *self);
VRTC_EXPORT
void        vrtc_relay_set_heartbeat_interval   (VrtcRelay   *self,
                                                 double       seconds);
VRTC_EXPORT
double      vrtc_relay_get_heartbeat_timeout    (VrtcRelay   *self);
VRTC_EXPORT
void        vrtc_relay_set_heartbeat_timeout    (VrtcRelay   *self,
                                                 double       seconds);
VRTC_EXPORT
gboolean    vrtc_relay_get_verbose              (VrtcRelay   *self);
VRTC_EXPORT
void        vrtc_relay_set_verbose              (VrtcRelay   *self,
                                                 gboolean     verbose);

VRTC_EXPORT
guint       vrtc_relay_get_n_rooms              (VrtcRelay   *self);
VRTC_EXPORT
guint       vrtc_relay_get_n_clients            (VrtcRelay   *self);

G_END_DECLS
