/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vrtc-node.h"
#include "vrtc-store.h"

G_BEGIN_DECLS

VrtcNode  *vrtc_node_new                  (VrtcStore   *store,
                                           const char  *key);
VrtcStore *vrtc_node_get_store            (VrtcNode    *self);
void       vrtc_node_detach               (VrtcNode    *self);
/* Re-reads tag, name, parent and liveness, notifying what changed. */
void       vrtc_node_refresh              (VrtcNode    *self);
void       vrtc_node_children_splice      (VrtcNode    *self,
                                           guint64      serial,
                                           guint        position,
                                           guint        removed,
                                           char       **keys,
                                           guint        n_added);
void       vrtc_node_children_reconcile   (VrtcNode    *self);
void       vrtc_node_property_changed     (VrtcNode    *self,
                                           const char  *path);
void       vrtc_node_properties_reconcile (VrtcNode    *self);

G_END_DECLS
