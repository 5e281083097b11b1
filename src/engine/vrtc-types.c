/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vrtc-types.h"
#include "vrtc-optable.h"

int
vrtc_stamp_compare (const VrtcStamp *a,
                    const VrtcStamp *b)
{
  int r;

  if (a->lamport != b->lamport)
    return a->lamport < b->lamport ? -1 : 1;
  if (a->session != b->session)
    {
      if (a->session == NULL)
        return -1;
      if (b->session == NULL)
        return 1;
      r = strcmp (a->session, b->session);
      if (r != 0)
        return r < 0 ? -1 : 1;
    }
  if (a->index != b->index)
    return a->index < b->index ? -1 : 1;
  return 0;
}

void
vrtc_clock_clear (VrtcClock *c)
{
  for (guint i = 0; i < c->len; i++)
    g_free (c->entries[i].session);
  g_clear_pointer (&c->entries, g_free);
  c->len = 0;
}

void
vrtc_clock_copy (VrtcClock       *dst,
                 const VrtcClock *src)
{
  VrtcClockEntry *entries;

  if (dst == src)
    return;
  entries = src->len ? g_new (VrtcClockEntry, src->len) : NULL;
  for (guint i = 0; i < src->len; i++)
    {
      entries[i].session = g_strdup (src->entries[i].session);
      entries[i].count = src->entries[i].count;
    }
  vrtc_clock_clear (dst);
  dst->entries = entries;
  dst->len = src->len;
}

/* Index of session, or of where it would be inserted (and *found = FALSE). */
static guint
clock_find (const VrtcClock *c,
            const char      *session,
            gboolean        *found)
{
  guint lo = 0, hi = c->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      int r = strcmp (c->entries[mid].session, session);

      if (r == 0)
        {
          *found = TRUE;
          return mid;
        }
      if (r < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *found = FALSE;
  return lo;
}

guint64
vrtc_clock_get (const VrtcClock *c,
                const char      *session)
{
  gboolean found;
  guint i = clock_find (c, session, &found);

  return found ? c->entries[i].count : 0;
}

void
vrtc_clock_set (VrtcClock  *c,
                const char *session,
                guint64     count)
{
  gboolean found;
  guint i = clock_find (c, session, &found);

  if (found)
    {
      c->entries[i].count = count;
      return;
    }
  c->entries = g_renew (VrtcClockEntry, c->entries, c->len + 1);
  memmove (&c->entries[i + 1], &c->entries[i], sizeof (VrtcClockEntry) * (c->len - i));
  c->entries[i].session = g_strdup (session);
  c->entries[i].count = count;
  c->len++;
}

void
vrtc_clock_increment (VrtcClock  *c,
                      const char *session)
{
  vrtc_clock_set (c, session, vrtc_clock_get (c, session) + 1);
}

void
vrtc_clock_merge (VrtcClock       *c,
                  const VrtcClock *other)
{
  for (guint i = 0; i < other->len; i++)
    if (vrtc_clock_get (c, other->entries[i].session) < other->entries[i].count)
      vrtc_clock_set (c, other->entries[i].session, other->entries[i].count);
}

VrtcClockOrder
vrtc_clock_compare (const VrtcClock *a,
                    const VrtcClock *b)
{
  gboolean less = FALSE, greater = FALSE;
  guint i = 0, j = 0;

  while (i < a->len || j < b->len)
    {
      int r;
      guint64 va = 0, vb = 0;

      if (i == a->len)
        r = 1;
      else if (j == b->len)
        r = -1;
      else
        r = strcmp (a->entries[i].session, b->entries[j].session);

      if (r < 0)
        va = a->entries[i++].count;
      else if (r > 0)
        vb = b->entries[j++].count;
      else
        {
          va = a->entries[i++].count;
          vb = b->entries[j++].count;
        }
      if (va < vb)
        less = TRUE;
      else if (va > vb)
        greater = TRUE;
    }

  if (less && greater)
    return VRTC_CLOCK_CONCURRENT;
  if (less)
    return VRTC_CLOCK_BEFORE;
  if (greater)
    return VRTC_CLOCK_AFTER;
  return VRTC_CLOCK_EQUAL;
}

void
vrtc_clock_write_json (const VrtcClock *c,
                       GString         *out)
{
  g_string_append_c (out, '{');
  for (guint i = 0; i < c->len; i++)
    {
      if (i)
        g_string_append_c (out, ',');
      vrtc_json_write_string (out, c->entries[i].session);
      g_string_append_printf (out, ":%" G_GUINT64_FORMAT, c->entries[i].count);
    }
  g_string_append_c (out, '}');
}

/* otype may be the op table's own string (copies of resolved ops share it) */
static inline gboolean
otype_owned (const VrtcOperation *op)
{
  return op->type == NULL || op->otype != op->type->otype;
}

void
vrtc_op_clear (VrtcOperation *op)
{
  g_free (op->key);
  if (otype_owned (op))
    g_free (op->otype);
  g_free (op->path);
  vrtc_value_clear (&op->value);
  g_free (op->tag);
  g_free (op->name);
  g_free (op->parent_key);
  g_free (op->target_msg_id);
  vrtc_value_clear (&op->extras);
  memset (op, 0, sizeof *op);
}

void
vrtc_op_copy (VrtcOperation       *dst,
              const VrtcOperation *src)
{
  VrtcOperation tmp = { 0 };

  tmp.key = g_strdup (src->key);
  tmp.otype = otype_owned (src) ? g_strdup (src->otype) : src->otype;
  tmp.path = g_strdup (src->path);
  vrtc_value_copy (&tmp.value, &src->value);
  tmp.tag = g_strdup (src->tag);
  tmp.name = g_strdup (src->name);
  tmp.parent_key = g_strdup (src->parent_key);
  tmp.target_msg_id = g_strdup (src->target_msg_id);
  vrtc_value_copy (&tmp.extras, &src->extras);
  tmp.type = src->type;
  vrtc_op_clear (dst);
  *dst = tmp;
}

VrtcMessage *
vrtc_msg_alloc (void)
{
  VrtcMessage *msg = g_new0 (VrtcMessage, 1);

  msg->ref_count = 1;
  msg->block_size = sizeof *msg;
  return msg;
}

VrtcMessage *
vrtc_msg_alloc_block (gsize size)
{
  VrtcMessage *msg;

  g_return_val_if_fail (size >= sizeof (VrtcMessage) && size <= G_MAXUINT32, NULL);

  msg = g_malloc (size);
  memset (msg, 0, sizeof *msg);
  msg->ref_count = 1;
  msg->block_size = (guint32) size;
  return msg;
}

VrtcMessage *
vrtc_msg_ref (VrtcMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);
  g_atomic_int_inc (&msg->ref_count);
  return msg;
}

/* Forgets a pointer into msg's own block (freed with it) so that the clear that follows
 * frees only what was allocated on its own. */
static inline void
msg_disown (VrtcMessage  *msg,
            char        **s)
{
  if (vrtc_msg_block_holds (msg, *s))
    *s = NULL;
}

/* A value laid out in the block is there whole, with every part it points to. */
static void
msg_disown_value (VrtcMessage *msg,
                  VrtcValue   *v)
{
  if ((v->kind == VRTC_VALUE_STRING && vrtc_msg_block_holds (msg, v->u.str)) ||
      (v->kind == VRTC_VALUE_VEC && vrtc_msg_block_holds (msg, v->u.vec)) ||
      (v->kind == VRTC_VALUE_ARRAY && vrtc_msg_block_holds (msg, v->u.items)) ||
      (v->kind == VRTC_VALUE_OBJECT && vrtc_msg_block_holds (msg, v->u.members)))
    memset (v, 0, sizeof *v);
}

void
vrtc_msg_unref (VrtcMessage *msg)
{
  g_return_if_fail (msg != NULL);

  if (!g_atomic_int_dec_and_test (&msg->ref_count))
    return;
  msg_disown (msg, &msg->id);
  g_free (msg->id);
  msg_disown (msg, &msg->session_id);
  g_free (msg->session_id);
  for (guint i = 0; i < msg->clock.len; i++)
    msg_disown (msg, &msg->clock.entries[i].session);
  if (vrtc_msg_block_holds (msg, msg->clock.entries))
    {
      msg->clock.entries = NULL;
      msg->clock.len = 0;
    }
  vrtc_clock_clear (&msg->clock);
  for (guint i = 0; i < msg->n_ops; i++)
    {
      VrtcOperation *op = &msg->ops[i];

      msg_disown (msg, &op->key);
      msg_disown (msg, &op->otype);
      msg_disown (msg, &op->path);
      msg_disown (msg, &op->tag);
      msg_disown (msg, &op->name);
      msg_disown (msg, &op->parent_key);
      msg_disown (msg, &op->target_msg_id);
      msg_disown_value (msg, &op->value);
      msg_disown_value (msg, &op->extras);
      vrtc_op_clear (op);
    }
  if (!vrtc_msg_block_holds (msg, msg->ops))
    g_free (msg->ops);
  g_free (msg);
}
