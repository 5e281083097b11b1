/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vrtc-property.h"
#include "vrtc-value.h"

G_BEGIN_DECLS

VrtcProperty *vrtc_property_new       (VrtcNode        *node,
                                       const char      *path,
                                       const VrtcValue *value);
/* Notifies value-json (and value-type) only when the value changed. */
void          vrtc_property_set_value (VrtcProperty    *self,
                                       const VrtcValue *value);
const char   *vrtc_value_type_name    (const VrtcValue *value);

G_END_DECLS
