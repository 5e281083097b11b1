/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "vrtc-error.h"

G_DEFINE_QUARK (vrtc-error-quark, vrtc_error)
