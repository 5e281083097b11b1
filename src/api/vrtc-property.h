/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#include <glib-object.h>

#include "vrtc-version.h"
#include "vrtc-node.h"

G_BEGIN_DECLS

#define VRTC_TYPE_PROPERTY (vrtc_property_get_type ())

VRTC_EXPORT
G_DECLARE_FINAL_TYPE (VrtcProperty, vrtc_property, VRTC, PROPERTY, GObject)

VRTC_EXPORT
const char *vrtc_property_get_path            (VrtcProperty *self);
VRTC_EXPORT
const char *vrtc_property_get_key             (VrtcProperty *self);
VRTC_EXPORT
VrtcNode   *vrtc_property_get_node            (VrtcProperty *self);
VRTC_EXPORT
const char *vrtc_property_get_value_json      (VrtcProperty *self);
VRTC_EXPORT
const char *vrtc_property_get_value_type      (VrtcProperty *self);
VRTC_EXPORT
char       *vrtc_property_get_provenance_json (VrtcProperty *self);

G_END_DECLS
