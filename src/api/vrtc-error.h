/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(VRTC_INSIDE) && !defined(VRTC_COMPILATION)
# error "Only <vrtc.h> can be included directly."
#endif

#include <glib.h>

#include "vrtc-version.h"

G_BEGIN_DECLS

#define VRTC_ERROR (vrtc_error_quark ())

/**
 * VrtcError:
 * @VRTC_ERROR_INVALID_JSON: the text is not JSON
 * @VRTC_ERROR_MISSING_FIELD: a required field is absent
 * @VRTC_ERROR_WRONG_TYPE: a field has the wrong JSON type
 * @VRTC_ERROR_INVALID_VALUE: a field has a value outside what is allowed
 * @VRTC_ERROR_ID_MISMATCH: a message id does not match its session
 * @VRTC_ERROR_TOO_LARGE: the input exceeds a size limit
 * @VRTC_ERROR_NOT_FOUND: the message or node named does not exist
 * @VRTC_ERROR_FAILED: any other failure
 *
 * Error codes in the %VRTC_ERROR domain.
 */
typedef enum {
  VRTC_ERROR_INVALID_JSON,
  VRTC_ERROR_MISSING_FIELD,
  VRTC_ERROR_WRONG_TYPE,
  VRTC_ERROR_INVALID_VALUE,
  VRTC_ERROR_ID_MISMATCH,
  VRTC_ERROR_TOO_LARGE,
  VRTC_ERROR_NOT_FOUND,
  VRTC_ERROR_FAILED,
} VrtcError;

VRTC_EXPORT
GQuark vrtc_error_quark (void);

G_END_DECLS
