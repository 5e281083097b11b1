/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vrtc-snapshot.h"
#include "vrtc-value.h"

G_BEGIN_DECLS

/* Takes the parsed snapshot object (value is left NONE); FALSE-like NULL with error when it
 * is not a snapshot object. */
VrtcSnapshot    *vrtc_snapshot_new_take_value (VrtcValue    *value,
                                               GError      **error);
/* The parsed snapshot object ({graph, vectorClock, lamportTime, journalIndex, stamps}). */
const VrtcValue *vrtc_snapshot_get_value      (VrtcSnapshot *snapshot);

G_END_DECLS
