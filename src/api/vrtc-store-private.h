/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vrtc-engine.h"
#include "vrtc-store.h"

G_BEGIN_DECLS

/* The engine behind a store, for the net layer and for the api objects. */
VrtcEngine *vrtc_store_get_engine (VrtcStore  *self);
/* The cached node for key, created on first use whether or not the key exists. */
VrtcNode   *vrtc_store_ensure_node (VrtcStore  *self,
                                    const char *key);
/* Serial of the last engine event queued; models built now already reflect it. */
guint64     vrtc_store_get_serial (VrtcStore  *self);

G_END_DECLS
