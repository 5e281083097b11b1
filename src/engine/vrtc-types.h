/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "vrtc-value.h"

G_BEGIN_DECLS

/* Total order of SEMANTICS.md 1: lamport, then session (bytewise), then op index. */
typedef struct {
  gint64      lamport;
  const char *session;   /* NULL only in the zero stamp */
  guint32     index;
} VrtcStamp;

#define VRTC_STAMP_ZERO ((VrtcStamp) { 0, NULL, 0 })

int      vrtc_stamp_compare (const VrtcStamp *a,
                             const VrtcStamp *b);

static inline gboolean
vrtc_stamp_is_zero (const VrtcStamp *s)
{
  return s->session == NULL && s->lamport == 0;
}

/* Vector clock: entries sorted by session, counts > 0. */
typedef struct {
  char    *session;
  guint64  count;
} VrtcClockEntry;

typedef struct {
  VrtcClockEntry *entries;
  guint           len;
} VrtcClock;

typedef enum {
  VRTC_CLOCK_EQUAL,
  VRTC_CLOCK_BEFORE,
  VRTC_CLOCK_AFTER,
  VRTC_CLOCK_CONCURRENT,
} VrtcClockOrder;

void           vrtc_clock_clear     (VrtcClock       *c);
void           vrtc_clock_copy      (VrtcClock       *dst,
                                     const VrtcClock *src);
guint64        vrtc_clock_get       (const VrtcClock *c,
                                     const char      *session);
void           vrtc_clock_set       (VrtcClock       *c,
                                     const char      *session,
                                     guint64          count);
void           vrtc_clock_increment (VrtcClock       *c,
                                     const char      *session);
void           vrtc_clock_merge     (VrtcClock       *c,
                                     const VrtcClock *other);
VrtcClockOrder vrtc_clock_compare   (const VrtcClock *a,
                                     const VrtcClock *b);
void           vrtc_clock_write_json (const VrtcClock *c,
                                      GString         *out);

/* What an op does; one row of the op table (vrtc-optable.c) per otype. */
typedef enum {
  VRTC_OP_KIND_UNSUPPORTED = 0,
  VRTC_OP_KIND_SET,
  VRTC_OP_KIND_DELTA,
  VRTC_OP_KIND_NODE_INSERT,
  VRTC_OP_KIND_NODE_REMOVE,
  VRTC_OP_KIND_NODE_MOVE,
  VRTC_OP_KIND_META_UNDO,
  VRTC_OP_KIND_META_REDO,
} VrtcOpKind;

typedef struct _VrtcOpType VrtcOpType;

/*
 * An operation, always in the normalised seed shape:
 * - node.insert: key = the new node, parent_key (NULL = "scene"), tag, name,
 *   value = object of initial properties (or NONE);
 * - node.remove: key = the node;
 * - node.move: key = the moved node, parent_key = the new parent;
 * - meta.*: target_msg_id.
 * extras holds the flat extras (position, length, alpha, separator, index, from, to)
 * as an object, or NONE.
 */
typedef struct _VrtcOperation VrtcOperation;
struct _VrtcOperation {
  char             *key;
  char             *otype;      /* owned, unless it is the op table row's own string
                                 * (type->otype): vrtc_op_clear frees it only when not */
  char             *path;
  VrtcValue         value;
  char             *tag;
  char             *name;
  char             *parent_key;
  char             *target_msg_id;
  VrtcValue         extras;
  const VrtcOpType *type;       /* never NULL: unknown otypes get the unsupported row */
};

void           vrtc_op_clear        (VrtcOperation       *op);
/* Deep copy; an otype that is the op table's string (see above) stays shared. */
void           vrtc_op_copy         (VrtcOperation       *dst,
                                     const VrtcOperation *src);
/* Looks the otype up in the op table and sets op->type. */
void           vrtc_op_resolve      (VrtcOperation       *op);

typedef struct _VrtcMessage VrtcMessage;
struct _VrtcMessage {
  gint            ref_count;
  char           *id;
  char           *session_id;
  guint64         seq;          /* parsed from id */
  VrtcClock       clock;
  gint64          lamport;
  double          timestamp;    /* ms since the epoch */
  VrtcOperation  *ops;
  guint           n_ops;
  guint32         block_size;   /* bytes of the allocation that starts at msg */
};

/* Engine-side lifetime; the public boxed type (vrtc_message_ref/unref) wraps these. */
VrtcMessage   *vrtc_msg_alloc       (void);   /* ref_count 1, everything empty */
/*
 * A message in one allocation of `size` bytes (at least sizeof (VrtcMessage)): the caller
 * lays out what follows the message (ops, clock entries, strings, values) and points the
 * fields into it. vrtc_msg_unref frees only the pointers that lie outside the block, so a
 * field may be owned either way; but what lies inside must never be freed or reallocated
 * on its own (g_free (msg->id), vrtc_op_clear (&msg->ops[i]), vrtc_clock_set (&msg->clock)):
 * messages are immutable once made. The message fields are zeroed, the rest is not.
 */
VrtcMessage   *vrtc_msg_alloc_block (gsize size);

static inline gboolean
vrtc_msg_block_holds (const VrtcMessage *msg,
                      gconstpointer      p)
{
  return (const char *) p >= (const char *) msg &&
         (const char *) p < (const char *) msg + msg->block_size;
}
VrtcMessage   *vrtc_msg_ref         (VrtcMessage *msg);
void           vrtc_msg_unref       (VrtcMessage *msg);

G_END_DECLS
