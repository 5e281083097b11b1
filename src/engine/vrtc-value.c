/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vrtc-value.h"

void
vrtc_value_clear (VrtcValue *v)
{
  switch ((VrtcValueKind) v->kind)
    {
    case VRTC_VALUE_STRING:
      g_free (v->u.str);
      break;
    case VRTC_VALUE_VEC:
      g_free (v->u.vec);
      break;
    case VRTC_VALUE_ARRAY:
      for (guint i = 0; i < v->len; i++)
        vrtc_value_clear (&v->u.items[i]);
      g_free (v->u.items);
      break;
    case VRTC_VALUE_OBJECT:
      for (guint i = 0; i < v->len; i++)
        {
          g_free (v->u.members[i].key);
          vrtc_value_clear (&v->u.members[i].value);
        }
      g_free (v->u.members);
      break;
    case VRTC_VALUE_NONE:
    case VRTC_VALUE_NULL:
    case VRTC_VALUE_BOOL:
    case VRTC_VALUE_NUMBER:
    default:
      break;
    }
  memset (v, 0, sizeof *v);
}

void
vrtc_value_copy (VrtcValue       *dst,
                 const VrtcValue *src)
{
  VrtcValue tmp = *src;

  switch ((VrtcValueKind) src->kind)
    {
    case VRTC_VALUE_STRING:
      tmp.u.str = g_strndup (src->u.str, src->len);
      break;
    case VRTC_VALUE_VEC:
      tmp.u.vec = g_memdup2 (src->u.vec, sizeof (double) * src->len);
      break;
    case VRTC_VALUE_ARRAY:
      tmp.u.items = g_new0 (VrtcValue, MAX (src->len, 1));
      for (guint i = 0; i < src->len; i++)
        vrtc_value_copy (&tmp.u.items[i], &src->u.items[i]);
      break;
    case VRTC_VALUE_OBJECT:
      tmp.u.members = g_new0 (VrtcMember, MAX (src->len, 1));
      for (guint i = 0; i < src->len; i++)
        {
          tmp.u.members[i].key = g_strdup (src->u.members[i].key);
          vrtc_value_copy (&tmp.u.members[i].value, &src->u.members[i].value);
        }
      break;
    case VRTC_VALUE_NONE:
    case VRTC_VALUE_NULL:
    case VRTC_VALUE_BOOL:
    case VRTC_VALUE_NUMBER:
    default:
      break;
    }
  if (dst != src)
    vrtc_value_clear (dst);
  *dst = tmp;
}

void
vrtc_value_move (VrtcValue *dst,
                 VrtcValue *src)
{
  if (dst == src)
    return;
  vrtc_value_clear (dst);
  *dst = *src;
  memset (src, 0, sizeof *src);
}

gboolean
vrtc_value_equal (const VrtcValue *a,
                  const VrtcValue *b)
{
  if (a->kind != b->kind || a->len != b->len)
    return FALSE;

  switch ((VrtcValueKind) a->kind)
    {
    case VRTC_VALUE_NONE:
    case VRTC_VALUE_NULL:
      return TRUE;
    case VRTC_VALUE_BOOL:
      return !a->u.b == !b->u.b;
    case VRTC_VALUE_NUMBER:
      return a->u.num == b->u.num;
    case VRTC_VALUE_STRING:
      return memcmp (a->u.str, b->u.str, a->len) == 0;
    case VRTC_VALUE_VEC:
      for (guint i = 0; i < a->len; i++)
        if (a->u.vec[i] != b->u.vec[i])
          return FALSE;
      return TRUE;
    case VRTC_VALUE_ARRAY:
      for (guint i = 0; i < a->len; i++)
        if (!vrtc_value_equal (&a->u.items[i], &b->u.items[i]))
          return FALSE;
      return TRUE;
    case VRTC_VALUE_OBJECT:
      for (guint i = 0; i < a->len; i++)
        if (strcmp (a->u.members[i].key, b->u.members[i].key) != 0 ||
            !vrtc_value_equal (&a->u.members[i].value, &b->u.members[i].value))
          return FALSE;
      return TRUE;
    default:
      return FALSE;
    }
}

void
vrtc_value_set_null (VrtcValue *v)
{
  vrtc_value_clear (v);
  v->kind = VRTC_VALUE_NULL;
}

void
vrtc_value_set_bool (VrtcValue *v,
                     gboolean   b)
{
  vrtc_value_clear (v);
  v->kind = VRTC_VALUE_BOOL;
  v->u.b = !!b;
}

gboolean
vrtc_value_set_number (VrtcValue *v,
                       double     n)
{
  if (!isfinite (n))
    return FALSE;
  vrtc_value_clear (v);
  v->kind = VRTC_VALUE_NUMBER;
  v->u.num = n == 0 ? 0.0 : n;
  return TRUE;
}

void
vrtc_value_take_string (VrtcValue *v,
                        char      *s)
{
  vrtc_value_clear (v);
  v->kind = VRTC_VALUE_STRING;
  v->u.str = s;
  v->len = (guint32) strlen (s);
}

void
vrtc_value_set_string (VrtcValue  *v,
                       const char *s)
{
  vrtc_value_take_string (v, g_strdup (s));
}

void
vrtc_value_set_vec (VrtcValue    *v,
                    const double *nums,
                    guint         len)
{
  double *copy;

  if (len == 0)
    {
      vrtc_value_take_array (v, NULL, 0);
      return;
    }
  copy = g_new (double, len);
  for (guint i = 0; i < len; i++)
    copy[i] = nums[i] == 0 ? 0.0 : nums[i];
  vrtc_value_clear (v);
  v->kind = VRTC_VALUE_VEC;
  v->len = len;
  v->u.vec = copy;
}

void
vrtc_value_take_array (VrtcValue *v,
                       VrtcValue *items,
                       guint      len)
{
  gboolean all_numbers = len > 0;

  for (guint i = 0; i < len && all_numbers; i++)
    all_numbers = items[i].kind == VRTC_VALUE_NUMBER;

  vrtc_value_clear (v);
  if (all_numbers)
    {
      double *nums = g_new (double, len);

      for (guint i = 0; i < len; i++)
        nums[i] = items[i].u.num;
      g_free (items);
      v->kind = VRTC_VALUE_VEC;
      v->len = len;
      v->u.vec = nums;
      return;
    }
  v->kind = VRTC_VALUE_ARRAY;
  v->len = len;
  v->u.items = items != NULL ? items : g_new0 (VrtcValue, 1);
}

static int
member_compare (gconstpointer a,
                gconstpointer b)
{
  const VrtcMember *ma = a, *mb = b;
  int r = strcmp (ma->key, mb->key);

  if (r != 0)
    return r;
  /* stable: keep input order among equal keys so the last one can win */
  return ma < mb ? -1 : ma > mb;
}

void
vrtc_value_take_object (VrtcValue  *v,
                        VrtcMember *members,
                        guint       len)
{
  guint out = 0;

  if (members == NULL)
    members = g_new0 (VrtcMember, 1);
  if (len > 1)
    qsort (members, len, sizeof (VrtcMember), member_compare);
  for (guint i = 0; i < len; i++)
    {
      if (out > 0 && strcmp (members[out - 1].key, members[i].key) == 0)
        {
          g_free (members[out - 1].key);
          vrtc_value_clear (&members[out - 1].value);
          members[out - 1] = members[i];
        }
      else
        members[out++] = members[i];
    }
  vrtc_value_clear (v);
  v->kind = VRTC_VALUE_OBJECT;
  v->len = out;
  v->u.members = members;
}

void
vrtc_value_array_get (const VrtcValue *v,
                      guint            i,
                      VrtcValue       *out)
{
  g_assert (i < v->len);

  if (v->kind == VRTC_VALUE_VEC)
    vrtc_value_set_number (out, v->u.vec[i]);
  else
    vrtc_value_copy (out, &v->u.items[i]);
}

const VrtcValue *
vrtc_value_object_get (const VrtcValue *v,
                       const char      *key)
{
  guint lo = 0, hi;

  if (v == NULL || v->kind != VRTC_VALUE_OBJECT)
    return NULL;
  hi = v->len;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      int r = strcmp (v->u.members[mid].key, key);

      if (r == 0)
        return &v->u.members[mid].value;
      if (r < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

void
vrtc_json_write_string (GString    *out,
                        const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = s;

  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
          break;
        }
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

/* Whether prec + 1 significant digits can round-trip n: buf gets the nearest such digits,
 * or a neighbour of them when only that one reads back as n. */
static gboolean
digits_round_trip (double n,
                   int    prec,
                   char  *buf,
                   gsize  size)
{
  double back;
  char *last;

  g_snprintf (buf, size, "%.*e", prec, n);
  back = g_ascii_strtod (buf, NULL);
  if (back == n)
    return TRUE;
  /* %.*e rounds to nearest; the neighbour digit may round-trip too */
  last = strchr (buf, 'e') - 1;
  if (back < n && *last != '9')
    {
      (*last)++;
      if (g_ascii_strtod (buf, NULL) == n)
        return TRUE;
      (*last)--;
    }
  if (back > n && *last != '0' && last != buf)
    {
      (*last)--;
      if (g_ascii_strtod (buf, NULL) == n)
        return TRUE;
      (*last)++;
    }
  return FALSE;
}

/*
 * Shortest digits that round-trip, and among those the closest to n, laid out
 * the way ECMAScript's Number::toString does, so JavaScript peers print alike.
 */
void
vrtc_json_write_number (GString *out,
                        double   n)
{
  char buf[32], digits[20];
  int lo = 0, hi = 16, k = 0, exp, pt;

  if (n == 0 || !isfinite (n))
    {
      g_string_append_c (out, '0');
      return;
    }
  if (n < 0)
    {
      g_string_append_c (out, '-');
      n = -n;
    }
  /* an integer below 2^53 is its own shortest form */
  if (n < 9007199254740992.0 && n == floor (n))
    {
      char tmp[20];
      int i = sizeof tmp;

      for (guint64 v = (guint64) n; v != 0; v /= 10)
        tmp[--i] = (char) ('0' + v % 10);
      g_string_append_len (out, tmp + i, (gssize) sizeof tmp - i);
      return;
    }
  /* if p digits round-trip so do p + 1: search for the fewest (17 always do) */
  while (lo < hi)
    {
      int mid = (lo + hi) / 2;

      if (digits_round_trip (n, mid, buf, sizeof buf))
        hi = mid;
      else
        lo = mid + 1;
    }
  digits_round_trip (n, lo, buf, sizeof buf);
  for (const char *p = buf; *p != '\0' && *p != 'e'; p++)
    if (g_ascii_isdigit (*p))
      digits[k++] = *p;
  exp = atoi (strchr (buf, 'e') + 1);
  while (k > 1 && digits[k - 1] == '0')
    k--;
  pt = exp + 1;
  if (k <= pt && pt <= 21)
    {
      g_string_append_len (out, digits, k);
      for (int i = k; i < pt; i++)
        g_string_append_c (out, '0');
    }
  else if (0 < pt && pt <= 21)
    {
      g_string_append_len (out, digits, pt);
      g_string_append_c (out, '.');
      g_string_append_len (out, digits + pt, k - pt);
    }
  else if (-6 < pt && pt <= 0)
    {
      g_string_append (out, "0.");
      for (int i = pt; i < 0; i++)
        g_string_append_c (out, '0');
      g_string_append_len (out, digits, k);
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (k > 1)
        {
          g_string_append_c (out, '.');
          g_string_append_len (out, digits + 1, k - 1);
        }
      g_string_append_printf (out, "e%c%d", pt > 0 ? '+' : '-', ABS (pt - 1));
    }
}

void
vrtc_value_write_json (const VrtcValue *v,
                       GString         *out)
{
  switch ((VrtcValueKind) v->kind)
    {
    case VRTC_VALUE_NONE:
    case VRTC_VALUE_NULL:
      g_string_append (out, "null");
      break;
    case VRTC_VALUE_BOOL:
      g_string_append (out, v->u.b ? "true" : "false");
      break;
    case VRTC_VALUE_NUMBER:
      vrtc_json_write_number (out, v->u.num);
      break;
    case VRTC_VALUE_STRING:
      vrtc_json_write_string (out, v->u.str);
      break;
    case VRTC_VALUE_VEC:
      g_string_append_c (out, '[');
      for (guint i = 0; i < v->len; i++)
        {
          if (i)
            g_string_append_c (out, ',');
          vrtc_json_write_number (out, v->u.vec[i]);
        }
      g_string_append_c (out, ']');
      break;
    case VRTC_VALUE_ARRAY:
      g_string_append_c (out, '[');
      for (guint i = 0; i < v->len; i++)
        {
          if (i)
            g_string_append_c (out, ',');
          vrtc_value_write_json (&v->u.items[i], out);
        }
      g_string_append_c (out, ']');
      break;
    case VRTC_VALUE_OBJECT:
      g_string_append_c (out, '{');
      for (guint i = 0; i < v->len; i++)
        {
          if (i)
            g_string_append_c (out, ',');
          vrtc_json_write_string (out, v->u.members[i].key);
          g_string_append_c (out, ':');
          vrtc_value_write_json (&v->u.members[i].value, out);
        }
      g_string_append_c (out, '}');
      break;
    default:
      g_assert_not_reached ();
    }
}

char *
vrtc_value_to_json (const VrtcValue *v)
{
  GString *out = g_string_new (NULL);

  vrtc_value_write_json (v, out);
  return g_string_free (out, FALSE);
}
