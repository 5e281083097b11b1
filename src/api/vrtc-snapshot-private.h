/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vrtc-snapshot.h"
#include "vrtc-engine.h"
#include "vrtc-value.h"

G_BEGIN_DECLS

/* Takes the parsed snapshot object (value is left NONE); FALSE-like NULL with error when it
 * is not a snapshot object. */
VrtcSnapshot    *vrtc_snapshot_new_take_value (VrtcValue    *value,
                                               GError      **error);
/* A snapshot known by its JSON text only (a state frame's, as received): it is checked as it
 * loads (vrtc_snapshot_load), and parsed into a value only if someone asks for one. */
VrtcSnapshot    *vrtc_snapshot_new_take_text  (GBytes       *text);
/* The same for text known to be canonical JSON (the engine's own): to_json returns it. */
VrtcSnapshot    *vrtc_snapshot_new_take_canonical_text (GBytes *text);
/* The parsed snapshot object ({graph, vectorClock, lamportTime, journalIndex, stamps});
 * for a snapshot made from text that does not parse, an empty object. */
const VrtcValue *vrtc_snapshot_get_value      (VrtcSnapshot *snapshot);
/* vrtc_engine_init_from_server with this snapshot (NULL: none): a snapshot made from text
 * streams into the engine. The engine is unchanged on error. */
gboolean         vrtc_snapshot_load           (VrtcSnapshot *snapshot,
                                               VrtcEngine   *engine,
                                               VrtcMessage **journal,
                                               guint         n_journal,
                                               GError      **error);

G_END_DECLS
