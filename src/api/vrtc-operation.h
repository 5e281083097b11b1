/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#include <glib-object.h>

#include "vrtc-version.h"
#include "vrtc-message.h"

G_BEGIN_DECLS

#define VRTC_TYPE_OPERATION (vrtc_operation_get_type ())

VRTC_EXPORT
GType          vrtc_operation_get_type          (void) G_GNUC_CONST;
VRTC_EXPORT
VrtcOperation *vrtc_operation_new               (const char          *key,
                                                 const char          *otype,
                                                 const char          *path,
                                                 const char          *value_json,
                                                 GError             **error);
VRTC_EXPORT
VrtcOperation *vrtc_operation_new_from_json     (const char          *text,
                                                 GError             **error);
VRTC_EXPORT
VrtcOperation *vrtc_operation_copy              (const VrtcOperation *op);
VRTC_EXPORT
void           vrtc_operation_free              (VrtcOperation       *op);
VRTC_EXPORT
char          *vrtc_operation_to_json           (const VrtcOperation *op,
                                                 VrtcDialect          dialect);
VRTC_EXPORT
const char    *vrtc_operation_get_key           (const VrtcOperation *op);
VRTC_EXPORT
const char    *vrtc_operation_get_otype         (const VrtcOperation *op);
VRTC_EXPORT
const char    *vrtc_operation_get_path          (const VrtcOperation *op);
VRTC_EXPORT
char          *vrtc_operation_get_value_json    (const VrtcOperation *op);
VRTC_EXPORT
const char    *vrtc_operation_get_parent_key    (const VrtcOperation *op);
VRTC_EXPORT
const char    *vrtc_operation_get_tag           (const VrtcOperation *op);
VRTC_EXPORT
const char    *vrtc_operation_get_name          (const VrtcOperation *op);
VRTC_EXPORT
const char    *vrtc_operation_get_target_msg_id (const VrtcOperation *op);
VRTC_EXPORT
gboolean       vrtc_operation_is_supported      (const VrtcOperation *op);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VrtcOperation, vrtc_operation_free)

G_END_DECLS
