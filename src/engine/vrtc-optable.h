/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vrtc-types.h"

G_BEGIN_DECLS

/* One row per otype: how an op of that type acts on a register (SEMANTICS.md 3). */
struct _VrtcOpType {
  const char *otype;
  VrtcOpKind  kind;
  /* SET: is the op's value acceptable for this type? */
  gboolean  (*check)    (const VrtcOperation *op);
  /* DELTA: fold op into cur in place; FALSE on a type mismatch (cur left as it was) */
  gboolean  (*apply)    (VrtcValue *cur, const VrtcOperation *op);
  /* DELTA: the value to fold from when the register has no set */
  void      (*identity) (VrtcValue *out, const VrtcOperation *op);
};

const VrtcOpType *vrtc_optable_lookup  (const char *otype);
const VrtcOpType *vrtc_optable_rows    (guint      *n_rows);
const VrtcOpType *vrtc_optable_unsupported (void);

/* Evaluate a set op's value into out (FALSE = rejected). */
gboolean          vrtc_optable_set_value (const VrtcOperation *op,
                                          VrtcValue           *out);
/* Fold a delta into cur, starting from its identity when cur is NONE (FALSE = rejected). */
gboolean          vrtc_optable_fold      (const VrtcOperation *op,
                                          VrtcValue           *cur);

G_END_DECLS
