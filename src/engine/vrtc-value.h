/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * VrtcValue: a compact JSON value, 16 bytes.
 *
 * Invariants kept by every constructor:
 * - a non-empty array whose items are all numbers is VRTC_VALUE_VEC (doubles inline);
 *   any other array is VRTC_VALUE_ARRAY;
 * - object members are sorted by key (strcmp) and keys are unique;
 * - numbers are finite and -0 is stored as 0.
 */
typedef enum {
  VRTC_VALUE_NONE = 0,   /* absent (not JSON null) */
  VRTC_VALUE_NULL,
  VRTC_VALUE_BOOL,
  VRTC_VALUE_NUMBER,
  VRTC_VALUE_STRING,
  VRTC_VALUE_VEC,
  VRTC_VALUE_ARRAY,
  VRTC_VALUE_OBJECT,
} VrtcValueKind;

typedef struct _VrtcValue  VrtcValue;
typedef struct _VrtcMember VrtcMember;

struct _VrtcValue {
  guint32 kind;
  guint32 len;            /* vec, array, object: element count; string: byte length */
  union {
    gboolean    b;
    double      num;
    char       *str;      /* owned, NUL-terminated */
    double     *vec;      /* owned, len doubles */
    VrtcValue  *items;    /* owned, len values */
    VrtcMember *members;  /* owned, len members, sorted by key */
  } u;
};

struct _VrtcMember {
  char      *key;
  VrtcValue  value;
};

#define VRTC_VALUE_INIT { VRTC_VALUE_NONE, 0, { 0 } }

void        vrtc_value_clear          (VrtcValue       *v);
void        vrtc_value_copy           (VrtcValue       *dst,
                                       const VrtcValue *src);
void        vrtc_value_move           (VrtcValue       *dst,
                                       VrtcValue       *src);
gboolean    vrtc_value_equal          (const VrtcValue *a,
                                       const VrtcValue *b);

void        vrtc_value_set_null       (VrtcValue       *v);
void        vrtc_value_set_bool       (VrtcValue       *v,
                                       gboolean         b);
/* Returns FALSE (and leaves v untouched) for a non-finite number. */
gboolean    vrtc_value_set_number     (VrtcValue       *v,
                                       double           n);
void        vrtc_value_set_string     (VrtcValue       *v,
                                       const char      *s);
void        vrtc_value_take_string    (VrtcValue       *v,
                                       char            *s);
void        vrtc_value_set_vec        (VrtcValue       *v,
                                       const double    *nums,
                                       guint            len);
/* Takes the items (g_new'd array of len values); normalises to VEC when all numbers. */
void        vrtc_value_take_array     (VrtcValue       *v,
                                       VrtcValue       *items,
                                       guint            len);
/* Takes the members (g_new'd, any order); sorts them, the last duplicate key wins. */
void        vrtc_value_take_object    (VrtcValue       *v,
                                       VrtcMember      *members,
                                       guint            len);

static inline gboolean
vrtc_value_is_array (const VrtcValue *v)
{
  return v->kind == VRTC_VALUE_VEC || v->kind == VRTC_VALUE_ARRAY;
}

/* Array element i as a value (VEC elements are materialised into out). */
void        vrtc_value_array_get      (const VrtcValue *v,
                                       guint            i,
                                       VrtcValue       *out);
/* Returns a borrowed member value or NULL. */
const VrtcValue *vrtc_value_object_get (const VrtcValue *v,
                                        const char      *key);

/* Canonical JSON: sorted keys, shortest round-trip numbers, no spaces. */
void        vrtc_value_write_json     (const VrtcValue *v,
                                       GString         *out);
char       *vrtc_value_to_json        (const VrtcValue *v);
void        vrtc_json_write_string    (GString         *out,
                                       const char      *s);
void        vrtc_json_write_number    (GString         *out,
                                       double           n);

G_END_DECLS
