/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vrtc-optable.h"

/* ---- helpers ---- */

static gboolean
is_vec (const VrtcValue *v,
        guint            len)
{
  return v->kind == VRTC_VALUE_VEC && v->len == len;
}

/* Writes n finite components into cur (a VEC of the same length), -0 as 0. */
static gboolean
vec_store (VrtcValue    *cur,
           const double *r,
           guint         n)
{
  for (guint i = 0; i < n; i++)
    if (!isfinite (r[i]))
      return FALSE;
  for (guint i = 0; i < n; i++)
    cur->u.vec[i] = r[i] == 0 ? 0.0 : r[i];
  return TRUE;
}

static const VrtcValue *
extra (const VrtcOperation *op,
       const char          *name)
{
  return vrtc_value_object_get (&op->extras, name);
}

/* A field of an object value, else the flat extra of the same name. */
static const VrtcValue *
field_or_extra (const VrtcOperation *op,
                const char          *name)
{
  const VrtcValue *v = vrtc_value_object_get (&op->value, name);

  return v != NULL ? v : extra (op, name);
}

static gboolean
get_index (const VrtcValue *v,
           gint64          *out)
{
  if (v == NULL || v->kind != VRTC_VALUE_NUMBER || v->u.num < 0 ||
      v->u.num != floor (v->u.num) || v->u.num > G_MAXINT32)
    return FALSE;
  *out = (gint64) v->u.num;
  return TRUE;
}

/* ---- set checks ---- */

static gboolean
check_number (const VrtcOperation *op)
{
  return op->value.kind == VRTC_VALUE_NUMBER;
}

static gboolean
check_string (const VrtcOperation *op)
{
  return op->value.kind == VRTC_VALUE_STRING;
}

static gboolean
check_bool (const VrtcOperation *op)
{
  return op->value.kind == VRTC_VALUE_BOOL;
}

static gboolean
check_vec3 (const VrtcOperation *op)
{
  return is_vec (&op->value, 3);
}

static gboolean
check_vec4 (const VrtcOperation *op)
{
  return is_vec (&op->value, 4);
}

static gboolean
check_array (const VrtcOperation *op)
{
  return vrtc_value_is_array (&op->value);
}

static gboolean
check_object (const VrtcOperation *op)
{
  return op->value.kind == VRTC_VALUE_OBJECT;
}

/* ---- identities ---- */

static void
identity_zero (VrtcValue *out, const VrtcOperation *op)
{
  vrtc_value_set_number (out, 0);
}

static void
identity_one (VrtcValue *out, const VrtcOperation *op)
{
  vrtc_value_set_number (out, 1);
}

static void
identity_operand (VrtcValue *out, const VrtcOperation *op)
{
  vrtc_value_copy (out, &op->value);
}

static void
identity_false (VrtcValue *out, const VrtcOperation *op)
{
  vrtc_value_set_bool (out, FALSE);
}

static void
identity_true (VrtcValue *out, const VrtcOperation *op)
{
  vrtc_value_set_bool (out, TRUE);
}

static void
identity_vec0 (VrtcValue *out, const VrtcOperation *op)
{
  static const double zero[3] = { 0, 0, 0 };

  vrtc_value_set_vec (out, zero, 3);
}

static void
identity_vec1 (VrtcValue *out, const VrtcOperation *op)
{
  static const double one[3] = { 1, 1, 1 };

  vrtc_value_set_vec (out, one, 3);
}

static void
identity_quat (VrtcValue *out, const VrtcOperation *op)
{
  static const double q[4] = { 0, 0, 0, 1 };

  vrtc_value_set_vec (out, q, 4);
}

static void
identity_empty_array (VrtcValue *out, const VrtcOperation *op)
{
  vrtc_value_take_array (out, NULL, 0);
}

static void
identity_empty_object (VrtcValue *out, const VrtcOperation *op)
{
  vrtc_value_take_object (out, NULL, 0);
}

static void
identity_empty_string (VrtcValue *out, const VrtcOperation *op)
{
  vrtc_value_set_string (out, "");
}

/* ---- number ---- */

static gboolean
number_binary (VrtcValue           *cur,
               const VrtcOperation *op,
               char                 how)
{
  double a, b, r;

  if (cur->kind != VRTC_VALUE_NUMBER || op->value.kind != VRTC_VALUE_NUMBER)
    return FALSE;
  a = cur->u.num;
  b = op->value.u.num;
  switch (how)
    {
    case '+': r = a + b; break;
    case '*': r = a * b; break;
    case '<': r = MIN (a, b); break;
    default: r = MAX (a, b); break;
    }
  return vrtc_value_set_number (cur, r);
}

static gboolean apply_number_add (VrtcValue *c, const VrtcOperation *op) { return number_binary (c, op, '+'); }
static gboolean apply_number_multiply (VrtcValue *c, const VrtcOperation *op) { return number_binary (c, op, '*'); }
static gboolean apply_number_min (VrtcValue *c, const VrtcOperation *op) { return number_binary (c, op, '<'); }
static gboolean apply_number_max (VrtcValue *c, const VrtcOperation *op) { return number_binary (c, op, '>'); }

/* ---- boolean ---- */

static gboolean
apply_boolean_or (VrtcValue *cur, const VrtcOperation *op)
{
  if (cur->kind != VRTC_VALUE_BOOL || op->value.kind != VRTC_VALUE_BOOL)
    return FALSE;
  cur->u.b = cur->u.b || op->value.u.b;
  return TRUE;
}

static gboolean
apply_boolean_and (VrtcValue *cur, const VrtcOperation *op)
{
  if (cur->kind != VRTC_VALUE_BOOL || op->value.kind != VRTC_VALUE_BOOL)
    return FALSE;
  cur->u.b = cur->u.b && op->value.u.b;
  return TRUE;
}

/* ---- string and text ---- */

static gboolean
apply_string_concat (VrtcValue *cur, const VrtcOperation *op)
{
  const VrtcValue *value = &op->value;
  const VrtcValue *sep = extra (op, "separator");
  g_autoptr(GString) s = NULL;

  if (cur->kind != VRTC_VALUE_STRING)
    return FALSE;
  if (op->value.kind == VRTC_VALUE_OBJECT)
    {
      value = vrtc_value_object_get (&op->value, "value");
      if (vrtc_value_object_get (&op->value, "separator") != NULL)
        sep = vrtc_value_object_get (&op->value, "separator");
    }
  if (value == NULL || value->kind != VRTC_VALUE_STRING ||
      (sep != NULL && sep->kind != VRTC_VALUE_STRING))
    return FALSE;

  s = g_string_new (cur->u.str);
  if (sep != NULL && cur->len > 0)
    g_string_append (s, sep->u.str);
  g_string_append (s, value->u.str);
  vrtc_value_take_string (cur, g_string_free (g_steal_pointer (&s), FALSE));
  return TRUE;
}

static const char *
utf8_at (const char *s,
         gsize       len,
         gint64      pos)
{
  const char *end = s + len;
  const char *p = s;

  while (pos-- > 0 && p < end)
    p = g_utf8_next_char (p);
  return MIN (p, end);
}

static gboolean
apply_text_insert (VrtcValue *cur, const VrtcOperation *op)
{
  const VrtcValue *text = op->value.kind == VRTC_VALUE_OBJECT ?
    vrtc_value_object_get (&op->value, "value") : &op->value;
  gint64 pos;
  const char *at;
  g_autoptr(GString) s = NULL;

  if (cur->kind != VRTC_VALUE_STRING || text == NULL || text->kind != VRTC_VALUE_STRING ||
      !get_index (field_or_extra (op, "position"), &pos))
    return FALSE;

  at = utf8_at (cur->u.str, cur->len, pos);
  s = g_string_new_len (cur->u.str, at - cur->u.str);
  g_string_append (s, text->u.str);
  g_string_append (s, at);
  vrtc_value_take_string (cur, g_string_free (g_steal_pointer (&s), FALSE));
  return TRUE;
}

static gboolean
apply_text_delete (VrtcValue *cur, const VrtcOperation *op)
{
  gint64 pos, length;
  const char *from, *to;
  g_autoptr(GString) s = NULL;

  if (cur->kind != VRTC_VALUE_STRING ||
      !get_index (field_or_extra (op, "position"), &pos) ||
      !get_index (field_or_extra (op, "length"), &length))
    return FALSE;

  from = utf8_at (cur->u.str, cur->len, pos);
  to = utf8_at (from, cur->len - (from - cur->u.str), length);
  s = g_string_new_len (cur->u.str, from - cur->u.str);
  g_string_append (s, to);
  vrtc_value_take_string (cur, g_string_free (g_steal_pointer (&s), FALSE));
  return TRUE;
}

/* ---- vectors, rotations ---- */

static gboolean
vec_componentwise (VrtcValue           *cur,
                   const VrtcOperation *op,
                   gboolean             multiply)
{
  double r[3];

  if (!is_vec (cur, 3) || !is_vec (&op->value, 3))
    return FALSE;
  for (guint i = 0; i < 3; i++)
    r[i] = multiply ? cur->u.vec[i] * op->value.u.vec[i] : cur->u.vec[i] + op->value.u.vec[i];
  return vec_store (cur, r, 3);
}

/* the same sums as vrtc_optable_vec3_add, which the engine's folds use instead */
static gboolean apply_vec_add (VrtcValue *c, const VrtcOperation *op) { return vec_componentwise (c, op, FALSE); }

const double *
vrtc_optable_vec3_addend (const VrtcOperation *op)
{
  return op->type != NULL && op->type->apply == apply_vec_add && is_vec (&op->value, 3)
    ? op->value.u.vec : NULL;
}
static gboolean apply_vec_multiply (VrtcValue *c, const VrtcOperation *op) { return vec_componentwise (c, op, TRUE); }

static gboolean
apply_vec_euler (VrtcValue *cur, const VrtcOperation *op)
{
  double x, y, z, t, s, c;

  if (!is_vec (cur, 3) || !is_vec (&op->value, 3))
    return FALSE;
  x = cur->u.vec[0];
  y = cur->u.vec[1];
  z = cur->u.vec[2];

  s = sin (op->value.u.vec[0]);
  c = cos (op->value.u.vec[0]);
  t = y * c - z * s;
  z = y * s + z * c;
  y = t;

  s = sin (op->value.u.vec[1]);
  c = cos (op->value.u.vec[1]);
  t = x * c + z * s;
  z = -x * s + z * c;
  x = t;

  s = sin (op->value.u.vec[2]);
  c = cos (op->value.u.vec[2]);
  t = x * c - y * s;
  y = x * s + y * c;
  x = t;

  return vec_store (cur, (double[3]) { x, y, z }, 3);
}

static gboolean
apply_vec_quaternion (VrtcValue *cur, const VrtcOperation *op)
{
  const double *q;
  double n, qx, qy, qz, qw, vx, vy, vz, tx, ty, tz;

  if (!is_vec (cur, 3) || !is_vec (&op->value, 4))
    return FALSE;
  q = op->value.u.vec;
  n = sqrt (q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  if (!(n > 0) || !isfinite (n))
    return FALSE;
  /* q v q^-1 equals the rotation by q / |q| */
  qx = q[0] / n; qy = q[1] / n; qz = q[2] / n; qw = q[3] / n;
  vx = cur->u.vec[0]; vy = cur->u.vec[1]; vz = cur->u.vec[2];
  tx = 2 * (qy * vz - qz * vy);
  ty = 2 * (qz * vx - qx * vz);
  tz = 2 * (qx * vy - qy * vx);
  return vec_store (cur, (double[3]) {
                      vx + qw * tx + (qy * tz - qz * ty),
                      vy + qw * ty + (qz * tx - qx * tz),
                      vz + qw * tz + (qx * ty - qy * tx) }, 3);
}

static gboolean
apply_quaternion_multiply (VrtcValue *cur, const VrtcOperation *op)
{
  const double *a, *b;

  if (!is_vec (cur, 4) || !is_vec (&op->value, 4))
    return FALSE;
  a = cur->u.vec;
  b = op->value.u.vec;
  /* Hamilton product a ⊗ b in [x, y, z, w] order */
  return vec_store (cur, (double[4]) {
                      a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
                      a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
                      a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
                      a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2] }, 4);
}

/* ---- color ---- */

static gboolean
parse_hex_color (const VrtcValue *v,
                 int              rgb[3])
{
  const char *s;

  if (v == NULL || v->kind != VRTC_VALUE_STRING)
    return FALSE;
  s = v->u.str;
  if (s[0] != '#')
    return FALSE;
  for (guint i = 1; s[i]; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  if (v->len == 7)
    {
      for (guint i = 0; i < 3; i++)
        rgb[i] = g_ascii_xdigit_value (s[1 + 2 * i]) * 16 + g_ascii_xdigit_value (s[2 + 2 * i]);
      return TRUE;
    }
  if (v->len == 4)
    {
      for (guint i = 0; i < 3; i++)
        rgb[i] = g_ascii_xdigit_value (s[1 + i]) * 17;
      return TRUE;
    }
  return FALSE;
}

static gboolean
apply_color_blend (VrtcValue *cur, const VrtcOperation *op)
{
  const VrtcValue *alpha_v = extra (op, "alpha");
  double alpha = 0.5;
  int a[3], b[3];

  if (!parse_hex_color (cur, a) || !parse_hex_color (&op->value, b))
    return FALSE;
  if (alpha_v != NULL)
    {
      if (alpha_v->kind != VRTC_VALUE_NUMBER || alpha_v->u.num < 0 || alpha_v->u.num > 1)
        return FALSE;
      alpha = alpha_v->u.num;
    }
  vrtc_value_take_string (cur, g_strdup_printf ("#%02x%02x%02x",
                                                (int) floor (a[0] * (1 - alpha) + b[0] * alpha),
                                                (int) floor (a[1] * (1 - alpha) + b[1] * alpha),
                                                (int) floor (a[2] * (1 - alpha) + b[2] * alpha)));
  return TRUE;
}

static void
identity_color (VrtcValue *out, const VrtcOperation *op)
{
  int rgb[3];

  /* the operand itself, normalised so that blend(x, x) = x holds for #rgb too */
  if (parse_hex_color (&op->value, rgb))
    vrtc_value_take_string (out, g_strdup_printf ("#%02x%02x%02x", rgb[0], rgb[1], rgb[2]));
  else
    vrtc_value_copy (out, &op->value);
}

/* ---- arrays, objects ---- */

/* Materialise an array value into a newly allocated item list. */
static VrtcValue *
array_items (const VrtcValue *v,
             guint            extra_room)
{
  VrtcValue *items = g_new0 (VrtcValue, v->len + extra_room + 1);

  for (guint i = 0; i < v->len; i++)
    vrtc_value_array_get (v, i, &items[i]);
  return items;
}

static gboolean
array_contains (const VrtcValue *items,
                guint            len,
                const VrtcValue *v)
{
  for (guint i = 0; i < len; i++)
    if (vrtc_value_equal (&items[i], v))
      return TRUE;
  return FALSE;
}

static gboolean
apply_array_push (VrtcValue *cur, const VrtcOperation *op)
{
  VrtcValue *items;
  guint len;

  if (!vrtc_value_is_array (cur) || op->value.kind == VRTC_VALUE_NONE)
    return FALSE;
  len = cur->len;
  items = array_items (cur, 1);
  vrtc_value_copy (&items[len], &op->value);
  vrtc_value_take_array (cur, items, len + 1);
  return TRUE;
}

static gboolean
apply_array_union (VrtcValue *cur, const VrtcOperation *op)
{
  VrtcValue *items;
  guint len, n_new;

  if (!vrtc_value_is_array (cur) || op->value.kind == VRTC_VALUE_NONE)
    return FALSE;
  n_new = vrtc_value_is_array (&op->value) ? op->value.len : 1;
  len = cur->len;
  items = array_items (cur, n_new);
  for (guint i = 0; i < n_new; i++)
    {
      VrtcValue item = VRTC_VALUE_INIT;

      if (vrtc_value_is_array (&op->value))
        vrtc_value_array_get (&op->value, i, &item);
      else
        vrtc_value_copy (&item, &op->value);
      if (array_contains (items, len, &item))
        vrtc_value_clear (&item);
      else
        items[len++] = item;
    }
  vrtc_value_take_array (cur, items, len);
  return TRUE;
}

static gboolean
apply_array_remove (VrtcValue *cur, const VrtcOperation *op)
{
  VrtcValue *items;
  guint len;

  if (!vrtc_value_is_array (cur) || op->value.kind == VRTC_VALUE_NONE)
    return FALSE;
  len = cur->len;
  items = array_items (cur, 0);
  for (guint i = 0; i < len; i++)
    if (vrtc_value_equal (&items[i], &op->value))
      {
        vrtc_value_clear (&items[i]);
        memmove (&items[i], &items[i + 1], sizeof (VrtcValue) * (len - i - 1));
        len--;
        break;
      }
  vrtc_value_take_array (cur, items, len);
  return TRUE;
}

static gboolean
apply_object_merge (VrtcValue *cur, const VrtcOperation *op)
{
  VrtcMember *members;
  guint n = 0;

  if (cur->kind != VRTC_VALUE_OBJECT || op->value.kind != VRTC_VALUE_OBJECT)
    return FALSE;
  members = g_new0 (VrtcMember, cur->len + op->value.len + 1);
  /* take_object keeps the last of equal keys: op's members come after cur's */
  for (guint i = 0; i < cur->len; i++, n++)
    {
      members[n].key = g_strdup (cur->u.members[i].key);
      vrtc_value_copy (&members[n].value, &cur->u.members[i].value);
    }
  for (guint i = 0; i < op->value.len; i++, n++)
    {
      members[n].key = g_strdup (op->value.u.members[i].key);
      vrtc_value_copy (&members[n].value, &op->value.u.members[i].value);
    }
  vrtc_value_take_object (cur, members, n);
  return TRUE;
}

/* ---- the table ---- */

#define SET(name, chk)            { name, VRTC_OP_KIND_SET, chk, NULL, NULL }
#define DELTA(name, fn, ident)    { name, VRTC_OP_KIND_DELTA, NULL, fn, ident }

static const VrtcOpType optable[] = {
  SET ("number.set", check_number),
  DELTA ("number.add", apply_number_add, identity_zero),
  DELTA ("number.multiply", apply_number_multiply, identity_one),
  DELTA ("number.min", apply_number_min, identity_operand),
  DELTA ("number.max", apply_number_max, identity_operand),

  SET ("string.set", check_string),
  DELTA ("string.concat", apply_string_concat, identity_empty_string),

  SET ("text.init", check_string),
  DELTA ("text.insert", apply_text_insert, identity_empty_string),
  DELTA ("text.delete", apply_text_delete, identity_empty_string),

  SET ("boolean.set", check_bool),
  DELTA ("boolean.or", apply_boolean_or, identity_false),
  DELTA ("boolean.and", apply_boolean_and, identity_true),

  SET ("vector3.set", check_vec3),
  DELTA ("vector3.add", apply_vec_add, identity_vec0),
  DELTA ("vector3.multiply", apply_vec_multiply, identity_vec1),
  DELTA ("vector3.applyEuler", apply_vec_euler, identity_vec0),
  DELTA ("vector3.applyQuaternion", apply_vec_quaternion, identity_vec0),

  SET ("euler.set", check_vec3),
  DELTA ("euler.add", apply_vec_add, identity_vec0),

  SET ("quaternion.set", check_vec4),
  DELTA ("quaternion.multiply", apply_quaternion_multiply, identity_quat),

  SET ("color.set", check_string),
  DELTA ("color.blend", apply_color_blend, identity_color),

  SET ("array.set", check_array),
  DELTA ("array.push", apply_array_push, identity_empty_array),
  DELTA ("array.union", apply_array_union, identity_empty_array),
  DELTA ("array.remove", apply_array_remove, identity_empty_array),

  SET ("object.set", check_object),
  DELTA ("object.merge", apply_object_merge, identity_empty_object),

  { "node.insert", VRTC_OP_KIND_NODE_INSERT, NULL, NULL, NULL },
  { "node.remove", VRTC_OP_KIND_NODE_REMOVE, NULL, NULL, NULL },
  { "node.move", VRTC_OP_KIND_NODE_MOVE, NULL, NULL, NULL },
  { "meta.undo", VRTC_OP_KIND_META_UNDO, NULL, NULL, NULL },
  { "meta.redo", VRTC_OP_KIND_META_REDO, NULL, NULL, NULL },
};

static const VrtcOpType unsupported = { "unsupported", VRTC_OP_KIND_UNSUPPORTED, NULL, NULL, NULL };

const VrtcOpType *
vrtc_optable_lookup (const char *otype)
{
  static GHashTable *index;

  if (otype == NULL)
    return &unsupported;

  if (g_once_init_enter (&index))
    {
      GHashTable *h = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < G_N_ELEMENTS (optable); i++)
        g_hash_table_insert (h, (gpointer) optable[i].otype, (gpointer) &optable[i]);
      g_once_init_leave (&index, h);
    }

  {
    const VrtcOpType *row = g_hash_table_lookup (index, otype);

    return row != NULL ? row : &unsupported;
  }
}

const VrtcOpType *
vrtc_optable_rows (guint *n_rows)
{
  *n_rows = G_N_ELEMENTS (optable);
  return optable;
}

const VrtcOpType *
vrtc_optable_unsupported (void)
{
  return &unsupported;
}

void
vrtc_op_resolve (VrtcOperation *op)
{
  op->type = vrtc_optable_lookup (op->otype);
}

gboolean
vrtc_optable_set_value (const VrtcOperation *op,
                        VrtcValue           *out)
{
  g_assert (op->type->kind == VRTC_OP_KIND_SET);

  if (!op->type->check (op))
    return FALSE;
  vrtc_value_copy (out, &op->value);
  return TRUE;
}

gboolean
vrtc_optable_fold (const VrtcOperation *op,
                   VrtcValue           *cur)
{
  g_assert (op->type->kind == VRTC_OP_KIND_DELTA);

  if (cur->kind == VRTC_VALUE_NONE)
    {
      VrtcValue start = VRTC_VALUE_INIT;

      op->type->identity (&start, op);
      if (start.kind == VRTC_VALUE_NONE || !op->type->apply (&start, op))
        {
          vrtc_value_clear (&start);
          return FALSE;
        }
      vrtc_value_move (cur, &start);
      return TRUE;
    }
  return op->type->apply (cur, op);
}
