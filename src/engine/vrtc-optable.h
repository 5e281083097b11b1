/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <math.h>

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

/* The three addends when folding op onto a 3-vector is componentwise addition
 * (vector3.add, euler.add with a 3-vector value), else NULL. The engine keeps them next to
 * its refs and folds them with vrtc_optable_vec3_add, without reaching the op. */
const double     *vrtc_optable_vec3_addend (const VrtcOperation *op);

/* Adds d to cur, a VEC of length 3, as those ops' apply does: FALSE (cur unchanged) when a
 * component would not be finite; -0 is stored as 0. */
static inline gboolean
vrtc_optable_vec3_add (VrtcValue    *cur,
                       const double *d)
{
  double r[3];

  for (guint i = 0; i < 3; i++)
    r[i] = cur->u.vec[i] + d[i];
  for (guint i = 0; i < 3; i++)
    if (!isfinite (r[i]))
      return FALSE;
  for (guint i = 0; i < 3; i++)
    cur->u.vec[i] = r[i] == 0 ? 0.0 : r[i];
  return TRUE;
}

G_END_DECLS
