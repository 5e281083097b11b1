/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal: the WebSocket frames of SEMANTICS.md 8, shared by VrtcClient and VrtcRelay. */

#include "vrtc-codec.h"

G_BEGIN_DECLS

/* The session id a relay signs its own heartbeats with; not a peer. */
#define VRTC_RELAY_SESSION_ID "relay"

typedef enum {
  VRTC_FRAME_STATE,
  VRTC_FRAME_CRDT,
  VRTC_FRAME_BROADCAST,
  VRTC_FRAME_ACK,
  VRTC_FRAME_ERROR,
  VRTC_FRAME_HEARTBEAT,
  VRTC_FRAME_ROOM_RESET,
} VrtcFrameType;

typedef struct {
  VrtcFrameType  type;
  gboolean       wrapped;      /* arrived as {etype: "RTC", data | value: {...}} */
  VrtcValue      snapshot;     /* state: the snapshot object, or NONE / NULL */
  GBytes        *snapshot_text; /* state, from vrtc_frame_parse_bytes: the snapshot's text */
  GPtrArray     *journal;      /* state: VrtcMessage (owned) */
  VrtcMessage   *msg;          /* crdt, broadcast (owned) */
  char          *msg_id;       /* ack, error (may be NULL for error) */
  gint64         server_seq;   /* ack */
  char          *error;        /* error */
  char          *session_id;   /* heartbeat */
  VrtcClock      clock;        /* heartbeat */
} VrtcFrame;

/* Parses one text frame. Errors (VRTC_ERROR) name the field, e.g. "mtype: unknown \"foo\"". */
gboolean  vrtc_frame_parse           (const char      *text,
                                      gsize            len,
                                      VrtcFrame       *frame,
                                      GError         **error);
/* The same for a frame as received; a state frame's snapshot stays text (snapshot_text). */
gboolean  vrtc_frame_parse_bytes     (GBytes          *bytes,
                                      VrtcFrame       *frame,
                                      GError         **error);
void      vrtc_frame_clear           (VrtcFrame       *frame);

/* Builders return newly allocated frame text. snapshot_json may be NULL (no snapshot). */
char     *vrtc_frame_new_state       (const char      *snapshot_json,
                                      VrtcMessage    **journal,
                                      guint            n_journal,
                                      VrtcDialect      dialect);
char     *vrtc_frame_new_crdt        (const VrtcMessage *msg,
                                      VrtcDialect        dialect);
char     *vrtc_frame_new_broadcast   (const VrtcMessage *msg,
                                      VrtcDialect        dialect);
char     *vrtc_frame_new_ack         (const char      *msg_id,
                                      gint64           server_seq);
char     *vrtc_frame_new_error       (const char      *msg_id,
                                      const char      *error);
char     *vrtc_frame_new_heartbeat   (const char      *session_id,
                                      const VrtcClock *clock);
char     *vrtc_frame_new_room_reset  (void);

G_END_DECLS
