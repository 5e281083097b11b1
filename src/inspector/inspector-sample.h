/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vrtc.h"

G_BEGIN_DECLS

#define INSPECTOR_SAMPLE_SESSION "sample"

VrtcStore *inspector_sample_new_author_store (void);
void       inspector_sample_populate         (VrtcStore *store);

G_END_DECLS
