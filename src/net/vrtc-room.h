/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal: one room of VrtcRelay — the relay's replica (a VrtcEngine), the connected
 * peers, and the room's SQLite database. */

#include <libsoup/soup.h>

#include "vrtc-protocol.h"

G_BEGIN_DECLS

typedef struct _VrtcRoom VrtcRoom;

/* One WebSocket connection that joined (or is joining) a room. Reference counted:
 * the relay holds one while the connection is open, a room's commit batch one per
 * message waiting for its ack. */
typedef struct {
  gint                     ref_count;
  SoupWebsocketConnection *ws;
  char                    *session_id;
  char                    *address;     /* "host:port" of the other end, for log lines */
  VrtcDialect              dialect;
  VrtcRoom                *room;        /* NULL before the join and after the leave */
  gint64                   last_rx;     /* monotonic time of the last frame received */
  gint64                   last_tx;     /* monotonic time of the last frame sent */
  gboolean                 verbose;     /* log every frame */
  gpointer                 relay;       /* the VrtcRelay that accepted it (not a reference) */
} VrtcPeer;

VrtcPeer   *vrtc_peer_new              (SoupWebsocketConnection *ws,
                                        const char              *session_id,
                                        const char              *address,
                                        VrtcDialect              dialect);
VrtcPeer   *vrtc_peer_ref              (VrtcPeer   *peer);
void        vrtc_peer_unref            (VrtcPeer   *peer);
/* Sends a text frame when the connection is open; does nothing otherwise. */
void        vrtc_peer_send             (VrtcPeer   *peer,
                                        const char *text);
void        vrtc_peer_send_error       (VrtcPeer   *peer,
                                        const char *msg_id,
                                        const char *error);
/* The one-line log format of the relay: "EVENT room=R session=S peer=ADDR details". */
void        vrtc_peer_log              (VrtcPeer   *peer,
                                        const char *event,
                                        const char *format,
                                        ...) G_GNUC_PRINTF (3, 4);
/* "frame room=R session=S peer=ADDR in|out TEXT", long frames cut short */
void        vrtc_peer_log_frame        (VrtcPeer   *peer,
                                        const char *direction,
                                        const char *text,
                                        gsize       len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VrtcPeer, vrtc_peer_unref)

/* Called (at most once) when the database refuses a write: the room's replica is then
 * ahead of its disk, so the relay must drop the room (and reopen it from disk later).
 * The room must not be freed from inside the callback. */
typedef void (*VrtcRoomFailedFunc) (VrtcRoom     *room,
                                    const GError *error,
                                    gpointer      user_data);

VrtcRoom   *vrtc_room_open             (const char *name,
                                        const char *db_path,
                                        GError    **error);
/* Commits what is waiting, closes the database; peers are forgotten, not closed. */
void        vrtc_room_free             (VrtcRoom   *room);
void        vrtc_room_set_failed_func  (VrtcRoom           *room,
                                        VrtcRoomFailedFunc  func,
                                        gpointer            user_data);
/* Journal entries after which the room is compacted into a new snapshot; 0 = never. */
void        vrtc_room_set_compact_threshold (VrtcRoom *room,
                                             guint     threshold);

const char *vrtc_room_get_name         (VrtcRoom   *room);
guint       vrtc_room_get_n_peers      (VrtcRoom   *room);
VrtcPeer   *vrtc_room_get_peer         (VrtcRoom   *room,
                                        guint       i);

/* Adds the peer and sends it `state`. */
void        vrtc_room_add_peer         (VrtcRoom   *room,
                                        VrtcPeer   *peer);
void        vrtc_room_remove_peer      (VrtcRoom   *room,
                                        VrtcPeer   *peer);

/* A `crdt` message from peer (whose session it must be): dedupes, applies, queues it for
 * the next group commit; `ack` and `broadcast` go out once that commit is on disk. Errors
 * go to the peer as `error` frames. */
void        vrtc_room_submit           (VrtcRoom    *room,
                                        VrtcPeer    *peer,
                                        VrtcMessage *msg);
/* Answers a `heartbeat` with the room's vector clock. */
void        vrtc_room_send_heartbeat   (VrtcRoom   *room,
                                        VrtcPeer   *peer);
void        vrtc_room_forward_heartbeat (VrtcRoom        *room,
                                         VrtcPeer        *from,
                                         const VrtcClock *clock);
/* Commits the waiting messages now and sends their acks and broadcasts. On error the
 * failed func has been called. */
gboolean    vrtc_room_flush            (VrtcRoom   *room,
                                        GError    **error);

G_END_DECLS
