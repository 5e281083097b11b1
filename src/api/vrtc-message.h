/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#include <glib-object.h>

#include "vrtc-version.h"

G_BEGIN_DECLS

/**
 * VrtcDialect:
 * @VRTC_DIALECT_SEED: the field names of the `vuer.rtc` seed (`sessionId`, `lamportTime`,
 *   `timestamp`, `otype`)
 * @VRTC_DIALECT_COMPACT: the field names of the newer Vuer / TypeScript `WireMessage`
 *   (`client`, `lt`, `ts`, `ot`)
 *
 * The JSON dialect to write messages and operations in. Both are accepted on input.
 */
typedef enum {
  VRTC_DIALECT_SEED,
  VRTC_DIALECT_COMPACT,
} VrtcDialect;

#define VRTC_TYPE_DIALECT (vrtc_dialect_get_type ())

VRTC_EXPORT
GType vrtc_dialect_get_type (void) G_GNUC_CONST;

#define VRTC_TYPE_MESSAGE (vrtc_message_get_type ())

typedef struct _VrtcMessage   VrtcMessage;
typedef struct _VrtcOperation VrtcOperation;

VRTC_EXPORT
GType          vrtc_message_get_type          (void) G_GNUC_CONST;
VRTC_EXPORT
VrtcMessage   *vrtc_message_new_from_json     (const char        *text,
                                               GError           **error);
VRTC_EXPORT
VrtcMessage   *vrtc_message_ref               (VrtcMessage       *msg);
VRTC_EXPORT
void           vrtc_message_unref             (VrtcMessage       *msg);
VRTC_EXPORT
char          *vrtc_message_to_json           (const VrtcMessage *msg,
                                               VrtcDialect        dialect);
VRTC_EXPORT
const char    *vrtc_message_get_id            (const VrtcMessage *msg);
VRTC_EXPORT
const char    *vrtc_message_get_session_id    (const VrtcMessage *msg);
VRTC_EXPORT
gint64         vrtc_message_get_lamport_time  (const VrtcMessage *msg);
VRTC_EXPORT
double         vrtc_message_get_timestamp     (const VrtcMessage *msg);
VRTC_EXPORT
guint          vrtc_message_get_n_operations  (const VrtcMessage *msg);
VRTC_EXPORT
VrtcOperation *vrtc_message_get_operation     (const VrtcMessage *msg,
                                               guint              i);
VRTC_EXPORT
char          *vrtc_message_get_clock_json    (const VrtcMessage *msg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VrtcMessage, vrtc_message_unref)

G_END_DECLS
