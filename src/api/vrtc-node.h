/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#include <gio/gio.h>

#include "vrtc-version.h"

G_BEGIN_DECLS

#define VRTC_TYPE_NODE (vrtc_node_get_type ())

VRTC_EXPORT
G_DECLARE_FINAL_TYPE (VrtcNode, vrtc_node, VRTC, NODE, GObject)

VRTC_EXPORT
const char *vrtc_node_get_key           (VrtcNode   *self);
VRTC_EXPORT
const char *vrtc_node_get_tag           (VrtcNode   *self);
VRTC_EXPORT
const char *vrtc_node_get_name          (VrtcNode   *self);
VRTC_EXPORT
const char *vrtc_node_get_parent_key    (VrtcNode   *self);
VRTC_EXPORT
VrtcNode   *vrtc_node_get_parent        (VrtcNode   *self);
VRTC_EXPORT
gboolean    vrtc_node_is_live           (VrtcNode   *self);
VRTC_EXPORT
gboolean    vrtc_node_is_visible        (VrtcNode   *self);
VRTC_EXPORT
GListModel *vrtc_node_get_children      (VrtcNode   *self);
VRTC_EXPORT
GListModel *vrtc_node_get_properties    (VrtcNode   *self);
VRTC_EXPORT
char       *vrtc_node_get_property_json (VrtcNode   *self,
                                         const char *path);
VRTC_EXPORT
char       *vrtc_node_to_json           (VrtcNode   *self);

G_END_DECLS
