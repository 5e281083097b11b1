/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#define VRTC_INSIDE

#include "vrtc-version.h"
#include "vrtc-error.h"
#include "vrtc-operation.h"
#include "vrtc-message.h"
#include "vrtc-snapshot.h"
#include "vrtc-node.h"
#include "vrtc-property.h"
#include "vrtc-journal-entry.h"
#include "vrtc-store.h"
#include "vrtc-client.h"
#include "vrtc-relay.h"

#undef VRTC_INSIDE
