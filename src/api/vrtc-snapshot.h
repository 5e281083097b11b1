/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#include <glib-object.h>

#include "vrtc-version.h"

G_BEGIN_DECLS

#define VRTC_TYPE_SNAPSHOT (vrtc_snapshot_get_type ())

typedef struct _VrtcSnapshot VrtcSnapshot;

VRTC_EXPORT
GType         vrtc_snapshot_get_type          (void) G_GNUC_CONST;
VRTC_EXPORT
VrtcSnapshot *vrtc_snapshot_new_from_json     (const char   *text,
                                               GError      **error);
VRTC_EXPORT
VrtcSnapshot *vrtc_snapshot_new_from_file     (const char   *path,
                                               GError      **error);
VRTC_EXPORT
VrtcSnapshot *vrtc_snapshot_ref               (VrtcSnapshot *snapshot);
VRTC_EXPORT
void          vrtc_snapshot_unref             (VrtcSnapshot *snapshot);
VRTC_EXPORT
char         *vrtc_snapshot_to_json           (VrtcSnapshot *snapshot);
VRTC_EXPORT
gint64        vrtc_snapshot_get_lamport_time  (VrtcSnapshot *snapshot);
VRTC_EXPORT
guint64       vrtc_snapshot_get_journal_index (VrtcSnapshot *snapshot);
VRTC_EXPORT
char         *vrtc_snapshot_get_graph_json    (VrtcSnapshot *snapshot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VrtcSnapshot, vrtc_snapshot_unref)

G_END_DECLS
