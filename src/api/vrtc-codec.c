/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vrtc-codec.h"
#include "vrtc-json-reader.h"
#include "vrtc-optable.h"

/*
 * Text is parsed by a strict RFC 8259 reader of our own (vrtc-json-reader.c) rather than
 * JsonParser: json-glib 1.6 wraps integers beyond 64 bits (JavaScript's JSON.stringify(2 ** 64)
 * is an integer literal), accepts trailing garbage, comments, single quotes and hex, and cannot
 * say on which line an array element starts. JsonNode stays the interchange type
 * (value_from_node / value_to_node).
 */

/* 2^53 - 1: the largest integer a double (and a JavaScript peer) holds exactly */
#define MAX_SAFE_INTEGER 9007199254740991.0

/* ---------------------------------------------------------------------------------------- */
/* Reading JSON text                                                                          */

static gsize
text_length (const char *text,
             gssize      len)
{
  return len < 0 ? strlen (text) : (gsize) len;
}

static const char *
skip_bom (const char *text,
          gsize      *len)
{
  if (*len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    {
      *len -= 3;
      return text + 3;
    }
  return text;
}

/* The reader checks UTF-8 as it goes; the codec's errors are those of a check of the whole
 * text first. Called on failure: an invalid byte anywhere replaces the error. */
static gboolean
fail_utf8_first (const char  *text,
                 gsize        len,
                 const char  *name,
                 GError     **error)
{
  GError *utf8_error = NULL;

  if (vrtc_json_check_utf8 (text, len, &utf8_error))
    return FALSE;
  if (name != NULL)
    g_prefix_error (&utf8_error, "%s:", name);
  g_clear_error (error);
  g_propagate_error (error, utf8_error);
  return FALSE;
}

/* A whole text holding one value. */
static gboolean
parse_value (const char *text,
             gsize       len,
             VrtcValue  *out,
             GError    **error)
{
  g_auto(VrtcJsonReader) r = { 0 };
  VrtcValue tmp = VRTC_VALUE_INIT;

  vrtc_json_reader_init (&r, text, len);
  if (vrtc_json_reader_peek (&r) == VRTC_JSON_END)
    vrtc_json_reader_error (&r, error, VRTC_ERROR_INVALID_JSON, "empty text");
  else if (vrtc_json_reader_read_value (&r, &tmp, error))
    {
      if (vrtc_json_reader_end (&r, error))
        {
          vrtc_value_move (out, &tmp);
          return TRUE;
        }
      vrtc_value_clear (&tmp);
    }
  return fail_utf8_first (text, len, NULL, error);
}

gboolean
vrtc_codec_parse_value (const char *text,
                        gssize      len,
                        VrtcValue  *out,
                        GError    **error)
{
  gsize n;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    text = "";
  n = text_length (text, len);
  text = skip_bom (text, &n);
  return parse_value (text, n, out, error);
}

/* ---------------------------------------------------------------------------------------- */
/* JsonNode interchange                                                                       */

gboolean
vrtc_codec_value_from_node (JsonNode  *node,
                            VrtcValue *out,
                            GError   **error)
{
  VrtcValue tmp = VRTC_VALUE_INIT;

  g_return_val_if_fail (out != NULL, FALSE);

  if (node == NULL)
    {
      vrtc_value_set_null (out);
      return TRUE;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_NULL:
      vrtc_value_set_null (&tmp);
      break;

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          vrtc_value_set_string (&tmp, json_node_get_string (node));
        else if (type == G_TYPE_BOOLEAN)
          vrtc_value_set_bool (&tmp, json_node_get_boolean (node));
        else if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
          {
            if (!vrtc_value_set_number (&tmp, json_node_get_double (node)))
              {
                g_set_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE,
                             "number is not finite");
                return FALSE;
              }
          }
        else
          {
            g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                         "JSON node holds a %s", g_type_name (type));
            return FALSE;
          }
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint len = json_array_get_length (array);
        VrtcValue *items = len ? g_new0 (VrtcValue, len) : NULL;

        for (guint i = 0; i < len; i++)
          if (!vrtc_codec_value_from_node (json_array_get_element (array, i), &items[i], error))
            {
              for (guint j = 0; j < i; j++)
                vrtc_value_clear (&items[j]);
              g_free (items);
              return FALSE;
            }
        vrtc_value_take_array (&tmp, items, len);
      }
      break;

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        guint len = json_object_get_size (object);
        VrtcMember *members = len ? g_new0 (VrtcMember, len) : NULL;
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        guint i = 0;

        json_object_iter_init (&iter, object);
        while (json_object_iter_next (&iter, &name, &member))
          {
            g_assert (i < len);
            members[i].key = g_strdup (name);
            if (!vrtc_codec_value_from_node (member, &members[i].value, error))
              {
                for (guint j = 0; j <= i; j++)
                  {
                    g_free (members[j].key);
                    vrtc_value_clear (&members[j].value);
                  }
                g_free (members);
                return FALSE;
              }
            i++;
          }
        vrtc_value_take_object (&tmp, members, i);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  vrtc_value_move (out, &tmp);
  return TRUE;
}

static JsonNode *
number_node (double d)
{
  JsonNode *node = json_node_alloc ();

  if (d == floor (d) && fabs (d) <= MAX_SAFE_INTEGER)
    json_node_init_int (node, (gint64) d);
  else
    json_node_init_double (node, d);
  return node;
}

JsonNode *
vrtc_codec_value_to_node (const VrtcValue *value)
{
  JsonNode *node;

  g_return_val_if_fail (value != NULL, NULL);

  switch ((VrtcValueKind) value->kind)
    {
    case VRTC_VALUE_NONE:
    case VRTC_VALUE_NULL:
      return json_node_init_null (json_node_alloc ());
    case VRTC_VALUE_BOOL:
      return json_node_init_boolean (json_node_alloc (), value->u.b);
    case VRTC_VALUE_NUMBER:
      return number_node (value->u.num);
    case VRTC_VALUE_STRING:
      return json_node_init_string (json_node_alloc (), value->u.str);
    case VRTC_VALUE_VEC:
      {
        JsonArray *array = json_array_sized_new (value->len);

        for (guint i = 0; i < value->len; i++)
          json_array_add_element (array, number_node (value->u.vec[i]));
        node = json_node_init_array (json_node_alloc (), array);
        json_array_unref (array);
        return node;
      }
    case VRTC_VALUE_ARRAY:
      {
        JsonArray *array = json_array_sized_new (value->len);

        for (guint i = 0; i < value->len; i++)
          json_array_add_element (array, vrtc_codec_value_to_node (&value->u.items[i]));
        node = json_node_init_array (json_node_alloc (), array);
        json_array_unref (array);
        return node;
      }
    case VRTC_VALUE_OBJECT:
      {
        JsonObject *object = json_object_new ();

        for (guint i = 0; i < value->len; i++)
          json_object_set_member (object, value->u.members[i].key,
                                  vrtc_codec_value_to_node (&value->u.members[i].value));
        node = json_node_init_object (json_node_alloc (), object);
        json_object_unref (object);
        return node;
      }
    default:
      g_assert_not_reached ();
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Decoding messages and operations                                                           */

static const char *
kind_name (const VrtcValue *v)
{
  switch ((VrtcValueKind) v->kind)
    {
    case VRTC_VALUE_NONE: return "nothing";
    case VRTC_VALUE_NULL: return "null";
    case VRTC_VALUE_BOOL: return "a boolean";
    case VRTC_VALUE_NUMBER: return "a number";
    case VRTC_VALUE_STRING: return "a string";
    case VRTC_VALUE_VEC:
    case VRTC_VALUE_ARRAY: return "an array";
    case VRTC_VALUE_OBJECT: return "an object";
    default: return "an unknown value";
    }
}

/* "ops[2]" + "otype" -> "ops[2].otype"; a NULL or empty where gives the field alone */
static char *
field_path (const char *where,
            const char *field)
{
  if (where == NULL || *where == '\0')
    return g_strdup (field);
  if (field == NULL || *field == '\0')
    return g_strdup (where);
  return g_strconcat (where, ".", field, NULL);
}

G_GNUC_PRINTF (5, 6)
static gboolean
field_error (GError     **error,
             int          code,
             const char  *where,
             const char  *field,
             const char  *format,
             ...)
{
  g_autofree char *path = field_path (where, field);
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, VRTC_ERROR, code, "%s: %s", path, detail);
  return FALSE;
}

static gboolean
wrong_type (GError         **error,
            const char      *where,
            const char      *field,
            const char      *expected,
            const VrtcValue *got)
{
  return field_error (error, VRTC_ERROR_WRONG_TYPE, where, field,
                      "expected %s, got %s", expected, kind_name (got));
}

/* A member under its seed name or its compact name. *used is the name found (for errors). */
static gboolean
lookup (const VrtcValue  *obj,
        const char       *where,
        const char       *seed,
        const char       *compact,
        const VrtcValue **out,
        const char      **used,
        GError          **error)
{
  const VrtcValue *a = vrtc_value_object_get (obj, seed);
  const VrtcValue *b = compact ? vrtc_value_object_get (obj, compact) : NULL;

  *used = seed;
  *out = NULL;
  if (a != NULL && b != NULL && !vrtc_value_equal (a, b))
    return field_error (error, VRTC_ERROR_INVALID_VALUE, where, compact,
                        "conflicts with %s", seed);
  if (a != NULL)
    *out = a;
  else if (b != NULL)
    {
      *out = b;
      *used = compact;
    }
  return TRUE;
}

/* String member; absent and JSON null both leave *out NULL unless required. */
static gboolean
get_string (const VrtcValue  *obj,
            const char       *where,
            const char       *seed,
            const char       *compact,
            gboolean          required,
            const char      **out,
            const char      **used_out,
            GError          **error)
{
  const VrtcValue *v;
  const char *used;

  *out = NULL;
  if (!lookup (obj, where, seed, compact, &v, &used, error))
    return FALSE;
  if (used_out != NULL)
    *used_out = used;
  if (v == NULL || (v->kind == VRTC_VALUE_NULL && !required))
    {
      if (required)
        return field_error (error, VRTC_ERROR_MISSING_FIELD, where, used, "missing");
      return TRUE;
    }
  if (v->kind != VRTC_VALUE_STRING)
    return wrong_type (error, where, used, "a string", v);
  *out = v->u.str;
  return TRUE;
}

/* A non-negative integer that a double holds exactly (lamport times, clock counts). */
static gboolean
get_count (const VrtcValue *v,
           const char      *where,
           const char      *field,
           gint64          *out,
           GError         **error)
{
  if (v->kind != VRTC_VALUE_NUMBER)
    return wrong_type (error, where, field, "a non-negative integer", v);
  if (v->u.num < 0 || v->u.num != floor (v->u.num) || v->u.num > MAX_SAFE_INTEGER)
    {
      GString *num = g_string_new (NULL);
      gboolean ret;

      vrtc_json_write_number (num, v->u.num);
      ret = field_error (error, VRTC_ERROR_INVALID_VALUE, where, field,
                         "expected a non-negative integer, got %s", num->str);
      g_string_free (num, TRUE);
      return ret;
    }
  *out = (gint64) v->u.num;
  return TRUE;
}

static gboolean
is_root_alias (const char *key)
{
  return key == NULL || key[0] == '\0' || strcmp (key, ".") == 0 || strcmp (key, "scene") == 0;
}

static char *
parent_dup (const char *key)
{
  return is_root_alias (key) ? NULL : g_strdup (key);
}

static const char * const extra_names[] = {
  "alpha", "from", "index", "length", "position", "separator", "to", NULL
};
#define N_EXTRAS (G_N_ELEMENTS (extra_names) - 1)

/* Moves (steal) or copies a value out of the parsed tree. */
static void
take_value (VrtcValue       *dst,
            const VrtcValue *src,
            gboolean         steal)
{
  if (steal)
    vrtc_value_move (dst, (VrtcValue *) src);
  else
    vrtc_value_copy (dst, src);
}

/* The members of an object except the names listed, as a new object (NONE when empty). */
static void
take_props (VrtcValue         *dst,
            const VrtcValue   *obj,
            const char *const *skip,
            gboolean           steal)
{
  VrtcMember *members;
  guint n = 0;

  vrtc_value_clear (dst);
  if (obj->kind != VRTC_VALUE_OBJECT || obj->len == 0)
    return;
  members = g_new0 (VrtcMember, obj->len);
  for (guint i = 0; i < obj->len; i++)
    {
      VrtcMember *m = &obj->u.members[i];

      if (g_strv_contains (skip, m->key))
        continue;
      members[n].key = g_strdup (m->key);
      take_value (&members[n].value, &m->value, steal);
      n++;
    }
  if (n == 0)
    {
      g_free (members);
      return;
    }
  /* already sorted and unique: take_object keeps the order */
  vrtc_value_take_object (dst, members, n);
}

/* tag and name may come from the top level or from inside the insert's value */
static gboolean
insert_field (const VrtcValue  *obj,
              const VrtcValue  *value,
              const char       *where,
              const char       *name,
              char            **out,
              GError          **error)
{
  const char *s;

  if (!get_string (obj, where, name, NULL, FALSE, &s, NULL, error))
    return FALSE;
  if (s == NULL && value != NULL && value->kind == VRTC_VALUE_OBJECT)
    {
      g_autofree char *inner = field_path (where, "value");

      if (!get_string (value, inner, name, NULL, FALSE, &s, NULL, error))
        return FALSE;
    }
  *out = g_strdup (s);
  return TRUE;
}

static gboolean
decode_insert (const VrtcValue *obj,
               const char      *where,
               VrtcOperation   *op,
               gboolean         steal,
               GError         **error)
{
  static const char * const skip_ts[] = { "key", "name", "tag", NULL };
  static const char * const skip_ts_tagged[] = { "key", "name", NULL };
  static const char * const skip_seed[] = { "name", "tag", NULL };
  static const char * const skip_seed_tagged[] = { "name", NULL };
  const VrtcValue *value = vrtc_value_object_get (obj, "value");
  g_autofree char *value_where = field_path (where, "value");
  gboolean ts_shape = strcmp (op->path, "children") == 0;
  gboolean top_tag;

  if (value != NULL && value->kind == VRTC_VALUE_NULL)
    value = NULL;

  if (ts_shape)
    {
      /* TS shape: key is the parent, value describes the child */
      const char *child;

      if (value == NULL)
        return field_error (error, VRTC_ERROR_MISSING_FIELD, where, "value", "missing");
      if (value->kind != VRTC_VALUE_OBJECT)
        return wrong_type (error, where, "value", "an object", value);
      if (!get_string (value, value_where, "key", NULL, TRUE, &child, NULL, error))
        return FALSE;
      if (*child == '\0')
        return field_error (error, VRTC_ERROR_INVALID_VALUE, value_where, "key", "empty");
      g_free (op->parent_key);
      op->parent_key = parent_dup (op->key);
      g_free (op->key);
      op->key = g_strdup (child);
    }
  else
    {
      if (*op->key == '\0')
        return field_error (error, VRTC_ERROR_INVALID_VALUE, where, "key", "empty");
      if (value != NULL && value->kind != VRTC_VALUE_OBJECT)
        return wrong_type (error, where, "value", "an object", value);
      if (is_root_alias (op->parent_key))
        g_clear_pointer (&op->parent_key, g_free);
    }

  top_tag = op->tag != NULL;
  if (!top_tag && !insert_field (obj, value, where, "tag", &op->tag, error))
    return FALSE;
  if (!insert_field (obj, value, where, "name", &op->name, error))
    return FALSE;

  g_free (op->path);
  op->path = g_strdup ("");
  if (value == NULL)
    vrtc_value_clear (&op->value);
  else if (ts_shape)
    take_props (&op->value, value, top_tag ? skip_ts_tagged : skip_ts, steal);
  else
    take_props (&op->value, value, top_tag ? skip_seed_tagged : skip_seed, steal);
  return TRUE;
}

static gboolean
decode_remove (const VrtcValue *obj,
               const char      *where,
               VrtcOperation   *op,
               GError         **error)
{
  const VrtcValue *value = vrtc_value_object_get (obj, "value");

  if (strcmp (op->path, "children") == 0)
    {
      /* TS shape: key is the parent, value the child's key */
      if (value == NULL || value->kind == VRTC_VALUE_NULL)
        return field_error (error, VRTC_ERROR_MISSING_FIELD, where, "value", "missing");
      if (value->kind != VRTC_VALUE_STRING)
        return wrong_type (error, where, "value", "a string", value);
      g_free (op->key);
      op->key = g_strdup (value->u.str);
    }
  if (*op->key == '\0')
    return field_error (error, VRTC_ERROR_INVALID_VALUE, where,
                        strcmp (op->path, "children") == 0 ? "value" : "key", "empty");
  g_free (op->path);
  op->path = g_strdup ("");
  g_clear_pointer (&op->parent_key, g_free);
  vrtc_value_clear (&op->value);
  return TRUE;
}

static gboolean
decode_move (const VrtcValue *obj,
             const char      *where,
             VrtcOperation   *op,
             GError         **error)
{
  const VrtcValue *value = vrtc_value_object_get (obj, "value");
  g_autofree char *value_where = field_path (where, "value");
  const char *node_key = NULL;
  const char *new_parent = NULL;

  if (value != NULL && value->kind == VRTC_VALUE_NULL)
    value = NULL;
  if (value != NULL && value->kind != VRTC_VALUE_OBJECT)
    return wrong_type (error, where, "value", "an object", value);
  if (value != NULL &&
      (!get_string (value, value_where, "nodeKey", NULL, FALSE, &node_key, NULL, error) ||
       !get_string (value, value_where, "newParent", NULL, FALSE, &new_parent, NULL, error)))
    return FALSE;

  if (node_key != NULL)
    {
      g_free (op->key);
      op->key = g_strdup (node_key);
    }
  if (*op->key == '\0')
    return field_error (error, VRTC_ERROR_INVALID_VALUE, node_key ? value_where : where,
                        node_key ? "nodeKey" : "key", "empty");
  if (new_parent == NULL && op->parent_key == NULL)
    return field_error (error, VRTC_ERROR_MISSING_FIELD, value_where, "newParent", "missing");
  if (new_parent != NULL)
    {
      g_free (op->parent_key);
      op->parent_key = parent_dup (new_parent);
    }
  else if (is_root_alias (op->parent_key))
    g_clear_pointer (&op->parent_key, g_free);

  g_free (op->path);
  op->path = g_strdup ("");
  vrtc_value_clear (&op->value);
  return TRUE;
}

static gboolean
decode_meta (const VrtcValue *obj,
             const char      *where,
             VrtcOperation   *op,
             GError         **error)
{
  const VrtcValue *value = vrtc_value_object_get (obj, "value");

  if (op->target_msg_id == NULL && value != NULL)
    {
      const char *target = NULL;

      if (value->kind == VRTC_VALUE_STRING)
        target = value->u.str;
      else if (value->kind == VRTC_VALUE_OBJECT)
        {
          g_autofree char *value_where = field_path (where, "value");

          if (!get_string (value, value_where, "targetMsgId", NULL, FALSE, &target, NULL,
                           error))
            return FALSE;
        }
      op->target_msg_id = g_strdup (target);
    }
  if (op->target_msg_id == NULL)
    return field_error (error, VRTC_ERROR_MISSING_FIELD, where, "targetMsgId", "missing");
  if (*op->target_msg_id == '\0')
    return field_error (error, VRTC_ERROR_INVALID_VALUE, where, "targetMsgId", "empty");
  vrtc_value_clear (&op->value);
  return TRUE;
}

typedef enum {
  OP_SHAPE_PLAIN,     /* the value is kept as it is */
  OP_SHAPE_INSERT,
  OP_SHAPE_REMOVE,
  OP_SHAPE_MOVE,
  OP_SHAPE_META,
} OpShape;

static OpShape
op_shape (const char *otype)
{
  /* the prefix first: every op of every message is asked */
  if (strncmp (otype, "node.", 5) == 0)
    {
      if (strcmp (otype + 5, "insert") == 0)
        return OP_SHAPE_INSERT;
      if (strcmp (otype + 5, "remove") == 0)
        return OP_SHAPE_REMOVE;
      if (strcmp (otype + 5, "move") == 0)
        return OP_SHAPE_MOVE;
    }
  else if (strncmp (otype, "meta.", 5) == 0 &&
           (strcmp (otype + 5, "undo") == 0 || strcmp (otype + 5, "redo") == 0))
    return OP_SHAPE_META;
  return OP_SHAPE_PLAIN;
}

/* op->extras from values[i], the value of extra_names[i] (NULL, NONE or null: absent) */
static void
set_extras (VrtcOperation          *op,
            const VrtcValue *const *values,
            gboolean                steal)
{
  VrtcMember extras[N_EXTRAS];
  guint n_extras = 0;

  for (guint i = 0; i < N_EXTRAS; i++)
    {
      const VrtcValue *v = values[i];

      if (v == NULL || v->kind == VRTC_VALUE_NONE || v->kind == VRTC_VALUE_NULL)
        continue;
      extras[n_extras].key = g_strdup (extra_names[i]);
      extras[n_extras].value = (VrtcValue) VRTC_VALUE_INIT;
      take_value (&extras[n_extras].value, v, steal);
      n_extras++;
    }
  if (n_extras > 0)
    vrtc_value_take_object (&op->extras, g_memdup2 (extras, sizeof (VrtcMember) * n_extras),
                            n_extras);
}

static gboolean
decode_operation (const VrtcValue *obj,
                  const char      *where,
                  VrtcOperation   *out,
                  gboolean         steal,
                  GError         **error)
{
  VrtcOperation op = { 0 };
  const char *otype, *otype_name, *key, *path, *tag, *parent, *target;
  const VrtcValue *value;
  const VrtcValue *extras[N_EXTRAS];
  gboolean meta, ok;

  if (obj->kind != VRTC_VALUE_OBJECT)
    return field_error (error, VRTC_ERROR_WRONG_TYPE,
                        where && *where ? where : "operation", NULL,
                        "expected an object, got %s", kind_name (obj));

  if (!get_string (obj, where, "otype", "ot", TRUE, &otype, &otype_name, error))
    return FALSE;
  if (*otype == '\0')
    return field_error (error, VRTC_ERROR_INVALID_VALUE, where, otype_name, "empty");
  meta = g_str_has_prefix (otype, "meta.");

  if (!get_string (obj, where, "key", NULL, !meta, &key, NULL, error) ||
      !get_string (obj, where, "path", NULL, FALSE, &path, NULL, error) ||
      !get_string (obj, where, "tag", NULL, FALSE, &tag, NULL, error) ||
      !get_string (obj, where, "parentKey", NULL, FALSE, &parent, NULL, error) ||
      !get_string (obj, where, "targetMsgId", NULL, FALSE, &target, NULL, error))
    return FALSE;

  op.otype = g_strdup (otype);
  op.key = g_strdup (key ? key : "");
  op.path = g_strdup (path ? path : "");
  op.tag = g_strdup (tag);
  op.parent_key = g_strdup (parent);
  op.target_msg_id = g_strdup (target);

  switch (op_shape (otype))
    {
    case OP_SHAPE_INSERT:
      ok = decode_insert (obj, where, &op, steal, error);
      break;
    case OP_SHAPE_REMOVE:
      ok = decode_remove (obj, where, &op, error);
      break;
    case OP_SHAPE_MOVE:
      ok = decode_move (obj, where, &op, error);
      break;
    case OP_SHAPE_META:
      ok = decode_meta (obj, where, &op, error);
      break;
    case OP_SHAPE_PLAIN:
    default:
      value = vrtc_value_object_get (obj, "value");
      if (value != NULL)
        take_value (&op.value, value, steal);
      ok = TRUE;
      break;
    }
  if (!ok)
    {
      vrtc_op_clear (&op);
      return FALSE;
    }

  for (guint i = 0; i < N_EXTRAS; i++)
    extras[i] = vrtc_value_object_get (obj, extra_names[i]);
  set_extras (&op, extras, steal);

  vrtc_op_resolve (&op);
  vrtc_op_clear (out);
  *out = op;
  return TRUE;
}

gboolean
vrtc_codec_decode_operation (const VrtcValue *obj,
                             const char      *where,
                             VrtcOperation   *out,
                             GError         **error)
{
  g_return_val_if_fail (obj != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  return decode_operation (obj, where, out, FALSE, error);
}

/* "<sessionId>:<seq>", seq a positive integer written without leading zeros */
static gboolean
check_id (const char *id,
          const char *session,
          const char *where,
          const char *id_name,
          guint64    *seq,
          GError    **error)
{
  gsize n = strlen (session);
  const char *digits;

  if (strncmp (id, session, n) != 0 || id[n] != ':')
    return field_error (error, VRTC_ERROR_ID_MISMATCH, where, id_name,
                        "\"%s\" does not match session \"%s\"", id, session);
  digits = id + n + 1;
  if (digits[0] < '1' || digits[0] > '9' ||
      !g_ascii_string_to_unsigned (digits, 10, 1, G_MAXUINT64, seq, NULL))
    return field_error (error, VRTC_ERROR_ID_MISMATCH, where, id_name,
                        "\"%s\" does not end in a positive sequence number", id);
  return TRUE;
}

static gboolean
decode_clock (const VrtcValue *v,
              const char      *where,
              const char      *name,
              VrtcClock       *clock,
              GError         **error)
{
  g_autofree char *clock_where = field_path (where, name);

  if (v == NULL || v->kind == VRTC_VALUE_NULL)
    return TRUE;
  if (v->kind != VRTC_VALUE_OBJECT)
    return wrong_type (error, where, name, "an object", v);
  for (guint i = 0; i < v->len; i++)
    {
      gint64 count;

      if (!get_count (&v->u.members[i].value, clock_where, v->u.members[i].key, &count,
                      error))
        return FALSE;
      if (count > 0)
        vrtc_clock_set (clock, v->u.members[i].key, (guint64) count);
    }
  return TRUE;
}

/* "<where>.ops[<i>]" without printf: it is built for every op, and printf is slow */
static void
format_op_where (char       *buf,
                 gsize       size,
                 const char *where,
                 guint       i)
{
  char digits[16];
  guint n = 0;
  gsize len = 0;

  if (where != NULL && *where != '\0')
    {
      len = g_strlcpy (buf, where, size - 24);
      len = MIN (len, size - 25);
      buf[len++] = '.';
    }
  memcpy (buf + len, "ops[", 4);
  len += 4;
  do
    digits[n++] = (char) ('0' + i % 10);
  while ((i /= 10) > 0);
  while (n > 0)
    buf[len++] = digits[--n];
  buf[len++] = ']';
  buf[len] = '\0';
}

static VrtcMessage *
decode_message (const VrtcValue *obj,
                const char      *where,
                gboolean         steal,
                GError         **error)
{
  VrtcMessage *msg;
  const VrtcValue *lamport, *timestamp, *clock, *ops;
  const char *id, *id_name, *session, *session_name, *lamport_name, *timestamp_name, *name;
  gint64 lt;
  guint64 seq;

  if (obj->kind != VRTC_VALUE_OBJECT)
    {
      wrong_type (error, where && *where ? where : "message", NULL, "an object", obj);
      return NULL;
    }

  if (!get_string (obj, where, "id", NULL, TRUE, &id, &id_name, error) ||
      !get_string (obj, where, "sessionId", "client", TRUE, &session, &session_name, error))
    return NULL;
  if (*session == '\0')
    {
      field_error (error, VRTC_ERROR_INVALID_VALUE, where, session_name, "empty");
      return NULL;
    }

  if (!lookup (obj, where, "lamportTime", "lt", &lamport, &lamport_name, error))
    return NULL;
  if (lamport == NULL)
    {
      field_error (error, VRTC_ERROR_MISSING_FIELD, where, lamport_name, "missing");
      return NULL;
    }
  if (!get_count (lamport, where, lamport_name, &lt, error))
    return NULL;

  if (!lookup (obj, where, "timestamp", "ts", &timestamp, &timestamp_name, error))
    return NULL;
  if (timestamp != NULL && timestamp->kind != VRTC_VALUE_NUMBER &&
      timestamp->kind != VRTC_VALUE_NULL)
    {
      wrong_type (error, where, timestamp_name, "a number", timestamp);
      return NULL;
    }

  clock = vrtc_value_object_get (obj, "clock");
  name = "clock";
  if (clock == NULL)
    {
      clock = vrtc_value_object_get (obj, "vectorClock");
      name = "vectorClock";
    }

  ops = vrtc_value_object_get (obj, "ops");
  if (ops == NULL)
    {
      field_error (error, VRTC_ERROR_MISSING_FIELD, where, "ops", "missing");
      return NULL;
    }
  if (!vrtc_value_is_array (ops))
    {
      wrong_type (error, where, "ops", "an array", ops);
      return NULL;
    }

  if (!check_id (id, session, where, id_name, &seq, error))
    return NULL;

  msg = vrtc_msg_alloc ();
  if (!decode_clock (clock, where, name, &msg->clock, error))
    {
      vrtc_msg_unref (msg);
      return NULL;
    }

  msg->ops = g_new0 (VrtcOperation, MAX (ops->len, 1));
  for (guint i = 0; i < ops->len; i++)
    {
      char op_where[96];

      format_op_where (op_where, sizeof op_where, where, i);
      if (ops->kind == VRTC_VALUE_VEC)
        {
          field_error (error, VRTC_ERROR_WRONG_TYPE, op_where, NULL,
                       "expected an object, got a number");
          vrtc_msg_unref (msg);
          return NULL;
        }
      if (!decode_operation (&ops->u.items[i], op_where, &msg->ops[i], steal, error))
        {
          vrtc_msg_unref (msg);
          return NULL;
        }
      msg->n_ops = i + 1;
    }

  msg->id = g_strdup (id);
  msg->session_id = g_strdup (session);
  msg->seq = seq;
  msg->lamport = lt;
  msg->timestamp = timestamp != NULL && timestamp->kind == VRTC_VALUE_NUMBER ?
    timestamp->u.num : 0;
  return msg;
}

VrtcMessage *
vrtc_codec_decode_message (const VrtcValue *obj,
                           GError         **error)
{
  g_return_val_if_fail (obj != NULL, NULL);

  return decode_message (obj, NULL, FALSE, error);
}

/* ---------------------------------------------------------------------------------------- */
/* Decoding straight from the text                                                           */

/*
 * vrtc_codec_parse_message first decodes the message as it reads the text, with no tree of
 * the whole text: member names are matched by length and first byte, each string is copied
 * once. That path takes well-formed messages of the usual shape only: on anything else (an
 * error of any kind, a field given twice or under both of its names, a repeated clock entry)
 * it gives up, and the text is parsed into a tree and decoded by decode_message, which
 * reports what is wrong. When it gives a message, it gives the one decode_message would. Ops
 * that reshape their fields (node.insert, node.remove, node.move, meta.undo, meta.redo) are
 * read into a tree of their own for decode_operation.
 *
 * The message it gives is one allocation (vrtc_msg_alloc_block): the message, its ops, its
 * clock entries, then its strings (id, session, clock sessions, the ops' strings and string
 * values). Their sizes are known only at the end of the text, so they are first read into
 * scratch buffers on the stack, strings as offsets into one buffer; then the block is
 * allocated at its exact size and the offsets become pointers. Parsing a message of one op
 * costs one malloc instead of about ten, and what the engine reads of it lies together.
 * Trees (object and array values), extras and the reshaped ops stay on the heap:
 * vrtc_msg_unref frees what lies outside the block.
 */

typedef struct {
  const char *name;
  gsize       len;
} FieldName;

static int
field_id (const FieldName *names,
          guint            n_names,
          const char      *key,
          gsize            len)
{
  for (guint i = 0; i < n_names; i++)
    if (names[i].len == len && names[i].name[0] == key[0] &&
        memcmp (names[i].name, key, len) == 0)
      return (int) i;
  return -1;
}

/* The op members read as they come. The extras follow value, in the order of extra_names. */
enum {
  OP_OTYPE,
  OP_OT,
  OP_KEY,
  OP_PATH,
  OP_TAG,
  OP_PARENT_KEY,
  OP_TARGET_MSG_ID,
  N_OP_STRINGS,
  OP_VALUE = N_OP_STRINGS,
  OP_FIRST_EXTRA,
  N_OP_FIELDS = OP_FIRST_EXTRA + N_EXTRAS
};

static const FieldName op_fields[] = {
  { "otype", 5 }, { "ot", 2 }, { "key", 3 }, { "path", 4 }, { "tag", 3 }, { "parentKey", 9 },
  { "targetMsgId", 11 }, { "value", 5 },
  { "alpha", 5 }, { "from", 4 }, { "index", 5 }, { "length", 6 }, { "position", 8 },
  { "separator", 9 }, { "to", 2 },
};
G_STATIC_ASSERT (G_N_ELEMENTS (op_fields) == N_OP_FIELDS);

/* A buffer on the caller's stack until it is full, then on the heap. */
typedef struct {
  char  *data;
  gsize  len;     /* bytes used */
  gsize  size;
  char  *stack;
} Scratch;

static void
scratch_init (Scratch *s,
              gpointer stack,
              gsize    size)
{
  s->data = s->stack = stack;
  s->len = 0;
  s->size = size;
}

/* n more bytes at the end: returns where they start, valid until the next call */
static gpointer
scratch_add (Scratch *s,
             gsize    n)
{
  gpointer at;

  if (s->len + n > s->size)
    {
      s->size = MAX (s->size * 2, s->len + n);
      if (s->data == s->stack)
        s->data = memcpy (g_malloc (s->size), s->stack, s->len);
      else
        s->data = g_realloc (s->data, s->size);
    }
  at = s->data + s->len;
  s->len += n;
  return at;
}

static void
scratch_clear (Scratch *s)
{
  if (s->data != s->stack)
    g_free (s->data);
}

/* Where a string lies in Stream.strings: its offset + 1, or 0 for none. */
typedef gsize StringAt;

typedef struct {
  VrtcOperation op;         /* what stays on the heap (values, extras, all of a reshaped op),
                             * and the type; a plain op's strings are NULL here */
  StringAt      key, otype, path, tag, parent_key, target_msg_id;
  StringAt      value;      /* a string value */
  guint32       value_len;
} StreamOp;

typedef struct {
  StringAt session;
  guint64  count;           /* 0 too, to catch a repeated entry */
} StreamClockEntry;

typedef struct {
  VrtcJsonReader r;
  const char    *text;
  Scratch        strings;   /* each NUL-terminated */
  Scratch        ops;       /* StreamOp */
  Scratch        clock;     /* StreamClockEntry, sorted by session once read */
} Stream;

static inline const char *
string_at (const Stream *st,
           StringAt      at)
{
  return at != 0 ? st->strings.data + at - 1 : NULL;
}

static StringAt
add_string (Stream     *st,
            const char *s,
            gsize       len)
{
  char *copy = scratch_add (&st->strings, len + 1);

  memcpy (copy, s, len);
  copy[len] = '\0';
  return copy - st->strings.data + 1;
}

/* A string (*len may be NULL). */
static gboolean
stream_string (Stream   *st,
               StringAt *out,
               gsize    *len)
{
  const char *s;
  gsize n;

  if (!vrtc_json_reader_read_string_span (&st->r, &s, &n, NULL))
    return FALSE;
  *out = add_string (st, s, n);
  if (len != NULL)
    *len = n;
  return TRUE;
}

/* A string, or null (left 0). */
static gboolean
stream_nullable_string (Stream   *st,
                        StringAt *out)
{
  if (vrtc_json_reader_peek (&st->r) == VRTC_JSON_NULL)
    return vrtc_json_reader_read_null (&st->r, NULL);
  return stream_string (st, out, NULL);
}

/* An op of a reshaping kind: text holds just its object, already read once. */
static gboolean
reread_operation (const char    *text,
                  gsize          len,
                  VrtcOperation *out)
{
  g_auto(VrtcJsonReader) r = { 0 };
  VrtcValue obj = VRTC_VALUE_INIT;
  gboolean ok;

  vrtc_json_reader_init (&r, text, len);
  ok = vrtc_json_reader_read_value (&r, &obj, NULL) &&
       decode_operation (&obj, NULL, out, TRUE, NULL);
  vrtc_value_clear (&obj);
  return ok;
}

static gboolean
stream_operation (Stream *st)
{
  VrtcJsonReader *r = &st->r;
  StringAt strings[N_OP_STRINGS] = { 0 };
  VrtcValue values[N_OP_FIELDS - OP_VALUE] = { VRTC_VALUE_INIT };
  const VrtcValue *extras[N_EXTRAS];
  gsize start = vrtc_json_reader_offset (r);
  gsize strings_start = st->strings.len;
  StringAt value_at = 0, otype_at;
  gsize value_len = 0;
  guint32 seen = 0;
  const char *key, *otype;
  gsize key_len;
  gboolean ok = vrtc_json_reader_begin_object (r, NULL);

  while (ok && vrtc_json_reader_next_member_span (r, &key, &key_len, NULL))
    {
      int id = field_id (op_fields, N_OP_FIELDS, key, key_len);

      if (id < 0)
        ok = vrtc_json_reader_skip (r, NULL);
      else if (seen & (1u << id))
        ok = FALSE;
      else if (id < N_OP_STRINGS)
        ok = stream_nullable_string (st, &strings[id]);
      else if (id > OP_VALUE)
        ok = vrtc_json_reader_read_value (r, &values[id - OP_VALUE], NULL);
      else
        switch (vrtc_json_reader_peek (r))
          {
          /* the usual values, without read_value's VrtcValue: a string goes to the block */
          case VRTC_JSON_STRING:
            ok = stream_string (st, &value_at, &value_len);
            break;
          case VRTC_JSON_NUMBER:
            ok = vrtc_json_reader_read_number (r, &values[0].u.num, NULL);
            values[0].kind = VRTC_VALUE_NUMBER;
            break;
          case VRTC_JSON_END:
          case VRTC_JSON_NULL:
          case VRTC_JSON_BOOL:
          case VRTC_JSON_ARRAY:
          case VRTC_JSON_OBJECT:
          case VRTC_JSON_INVALID:
          default:
            ok = vrtc_json_reader_read_value (r, &values[0], NULL);
            break;
          }
      if (id >= 0)
        seen |= 1u << id;
    }

  otype_at = strings[OP_OTYPE] != 0 ? strings[OP_OTYPE] : strings[OP_OT];
  otype = string_at (st, otype_at);
  if (!ok || vrtc_json_reader_failed (r) ||
      (seen & (1u << OP_OTYPE) && seen & (1u << OP_OT)) || otype == NULL || *otype == '\0')
    ok = FALSE;
  else if (op_shape (otype) != OP_SHAPE_PLAIN)
    {
      StreamOp *sop = memset (scratch_add (&st->ops, sizeof (StreamOp)), 0, sizeof (StreamOp));

      /* none of the strings read is kept */
      st->strings.len = strings_start;
      ok = reread_operation (st->text + start, vrtc_json_reader_offset (r) - start, &sop->op);
    }
  else if (strings[OP_KEY] == 0 && !g_str_has_prefix (otype, "meta."))
    ok = FALSE;   /* missing */
  else
    {
      StreamOp *sop = memset (scratch_add (&st->ops, sizeof (StreamOp)), 0, sizeof (StreamOp));

      /* before add_string, which may move otype */
      sop->op.type = vrtc_optable_lookup (otype);
      sop->otype = otype_at;
      sop->key = strings[OP_KEY] != 0 ? strings[OP_KEY] : add_string (st, "", 0);
      sop->path = strings[OP_PATH] != 0 ? strings[OP_PATH] : add_string (st, "", 0);
      sop->tag = strings[OP_TAG];
      sop->parent_key = strings[OP_PARENT_KEY];
      sop->target_msg_id = strings[OP_TARGET_MSG_ID];
      sop->value = value_at;
      sop->value_len = (guint32) value_len;
      vrtc_value_move (&sop->op.value, &values[0]);
      for (guint i = 0; i < N_EXTRAS; i++)
        extras[i] = &values[OP_FIRST_EXTRA - OP_VALUE + i];
      set_extras (&sop->op, extras, TRUE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (values[i].kind != VRTC_VALUE_NONE)
      vrtc_value_clear (&values[i]);
  return ok;
}

static gboolean
stream_ops (Stream *st)
{
  if (!vrtc_json_reader_begin_array (&st->r, NULL))
    return FALSE;
  while (vrtc_json_reader_next_element (&st->r, NULL))
    if (!stream_operation (st))
      return FALSE;
  return !vrtc_json_reader_failed (&st->r);
}

/* A count as get_count takes it. */
static gboolean
stream_count (VrtcJsonReader *r,
              gint64         *out)
{
  VrtcValue v = VRTC_VALUE_INIT;

  v.kind = VRTC_VALUE_NUMBER;
  return vrtc_json_reader_read_number (r, &v.u.num, NULL) && get_count (&v, NULL, "", out, NULL);
}

static int
clock_entry_compare (gconstpointer a,
                     gconstpointer b,
                     gpointer      data)
{
  const Stream *st = data;

  return strcmp (string_at (st, ((const StreamClockEntry *) a)->session),
                 string_at (st, ((const StreamClockEntry *) b)->session));
}

/* Puts the clock entries in session order. A repeated session gives up: the last one wins,
 * and a count of 0 then drops the entry, which only the tree knows. */
static gboolean
stream_clock_sort (Stream *st)
{
  StreamClockEntry *entries = (StreamClockEntry *) st->clock.data;
  guint n = st->clock.len / sizeof (StreamClockEntry);
  gboolean sorted = TRUE;

  /* canonical text is sorted already */
  for (guint i = 1; i < n && sorted; i++)
    sorted = clock_entry_compare (&entries[i - 1], &entries[i], st) < 0;
  if (sorted)
    return TRUE;
  g_qsort_with_data (entries, n, sizeof (StreamClockEntry), clock_entry_compare, st);
  for (guint i = 1; i < n; i++)
    if (clock_entry_compare (&entries[i - 1], &entries[i], st) == 0)
      return FALSE;
  return TRUE;
}

static gboolean
stream_clock (Stream *st)
{
  VrtcJsonReader *r = &st->r;
  const char *session;
  gsize len;
  gint64 count;

  if (vrtc_json_reader_peek (r) == VRTC_JSON_NULL)
    return vrtc_json_reader_read_null (r, NULL);
  if (!vrtc_json_reader_begin_object (r, NULL))
    return FALSE;
  /* session stays valid while a number is read */
  while (vrtc_json_reader_next_member_span (r, &session, &len, NULL))
    {
      StreamClockEntry *entry;

      if (!stream_count (r, &count))
        return FALSE;
      entry = scratch_add (&st->clock, sizeof (StreamClockEntry));
      entry->session = add_string (st, session, len);
      entry->count = (guint64) count;
    }
  return !vrtc_json_reader_failed (r) && stream_clock_sort (st);
}

/* check_id for the usual id, "<session>:" and at most 19 digits (no overflow); anything
 * else is left to check_id itself */
static gboolean
stream_check_id (const char *id,
                 gsize       id_len,
                 const char *session,
                 gsize       session_len,
                 guint64    *seq)
{
  const char *digits = id + session_len + 1;
  gsize n = id_len - session_len - 1;
  guint64 v = 0;

  if (id_len <= session_len + 1 || n > 19 || memcmp (id, session, session_len) != 0 ||
      id[session_len] != ':' || digits[0] < '1' || digits[0] > '9')
    return check_id (id, session, NULL, "id", seq, NULL);
  for (gsize i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (digits[i]))
        return check_id (id, session, NULL, "id", seq, NULL);
      v = v * 10 + (guint64) (digits[i] - '0');
    }
  *seq = v;
  return TRUE;
}

/* Both names of a field share a slot: a field given twice, or under both names, gives up. */
enum {
  MSG_ID,
  MSG_SESSION_ID,
  MSG_CLIENT,
  MSG_LAMPORT_TIME,
  MSG_LT,
  MSG_TIMESTAMP,
  MSG_TS,
  MSG_CLOCK,
  MSG_VECTOR_CLOCK,
  MSG_OPS,
  N_MSG_FIELDS
};

static const FieldName msg_fields[] = {
  { "id", 2 }, { "sessionId", 9 }, { "client", 6 }, { "lamportTime", 11 }, { "lt", 2 },
  { "timestamp", 9 }, { "ts", 2 }, { "clock", 5 }, { "vectorClock", 11 }, { "ops", 3 },
};
static const guint8 msg_field_slots[] = { 0, 1, 1, 2, 2, 3, 3, 4, 4, 5 };
G_STATIC_ASSERT (G_N_ELEMENTS (msg_fields) == N_MSG_FIELDS);
G_STATIC_ASSERT (G_N_ELEMENTS (msg_field_slots) == N_MSG_FIELDS);

/* A string of the block, or the op's own (heap or NULL) when it was not streamed. */
static inline char *
block_string (char     *chars,
              StringAt  at,
              char     *own)
{
  return at != 0 ? chars + at - 1 : own;
}

/* The block: the message, its ops (at least one slot: msg->ops is never NULL), the clock
 * entries of counts > 0, the strings. The ops' heap parts move to it. NULL (nothing taken)
 * when it would be too big for one. */
static VrtcMessage *
stream_lay_out (Stream  *st,
                StringAt id,
                StringAt session)
{
  StreamOp *sops = (StreamOp *) st->ops.data;
  StreamClockEntry *entries = (StreamClockEntry *) st->clock.data;
  guint n_ops = st->ops.len / sizeof (StreamOp);
  guint n_entries = st->clock.len / sizeof (StreamClockEntry);
  guint n_clock = 0;
  gsize size;
  VrtcMessage *msg;
  VrtcOperation *ops;
  VrtcClockEntry *clock;
  char *chars;

  G_STATIC_ASSERT (sizeof (VrtcMessage) % sizeof (gpointer) == 0);
  G_STATIC_ASSERT (sizeof (VrtcOperation) % sizeof (gpointer) == 0);

  for (guint i = 0; i < n_entries; i++)
    n_clock += entries[i].count > 0;
  size = sizeof (VrtcMessage) + sizeof (VrtcOperation) * MAX (n_ops, 1) +
         sizeof (VrtcClockEntry) * n_clock + st->strings.len;
  if (size > G_MAXUINT32)
    return NULL;   /* a block's size is 32 bits: such a message goes through the tree */
  msg = vrtc_msg_alloc_block (size);
  ops = (VrtcOperation *) (msg + 1);
  clock = (VrtcClockEntry *) (ops + MAX (n_ops, 1));
  chars = (char *) (clock + n_clock);
  memcpy (chars, st->strings.data, st->strings.len);

  if (n_ops == 0)
    memset (ops, 0, sizeof *ops);
  for (guint i = 0; i < n_ops; i++)
    {
      VrtcOperation *op = &ops[i];
      const StreamOp *sop = &sops[i];

      *op = sop->op;
      op->key = block_string (chars, sop->key, op->key);
      op->otype = block_string (chars, sop->otype, op->otype);
      op->path = block_string (chars, sop->path, op->path);
      op->tag = block_string (chars, sop->tag, op->tag);
      op->parent_key = block_string (chars, sop->parent_key, op->parent_key);
      op->target_msg_id = block_string (chars, sop->target_msg_id, op->target_msg_id);
      if (sop->value != 0)
        {
          op->value.kind = VRTC_VALUE_STRING;
          op->value.len = sop->value_len;
          op->value.u.str = chars + sop->value - 1;
        }
    }
  st->ops.len = 0;   /* taken */
  msg->ops = ops;
  msg->n_ops = n_ops;

  for (guint i = 0, j = 0; i < n_entries; i++)
    if (entries[i].count > 0)
      {
        clock[j].session = chars + entries[i].session - 1;
        clock[j++].count = entries[i].count;
      }
  msg->clock.entries = n_clock > 0 ? clock : NULL;
  msg->clock.len = n_clock;

  msg->id = chars + id - 1;
  msg->session_id = chars + session - 1;
  return msg;
}

static VrtcMessage *
stream_message (const char *text,
                gsize       len)
{
  char strings_stack[512];
  StreamOp ops_stack[8];
  StreamClockEntry clock_stack[16];
  Stream st;
  VrtcMessage *msg = NULL;
  StringAt id = 0, session = 0;
  gsize id_len = 0, session_len = 0;
  gint64 lamport = -1;
  double timestamp = 0;
  guint64 seq;
  guint32 seen = 0;
  const char *key;
  gsize key_len;
  gboolean ok;

  vrtc_json_reader_init (&st.r, text, len);
  st.text = text;
  scratch_init (&st.strings, strings_stack, sizeof strings_stack);
  scratch_init (&st.ops, ops_stack, sizeof ops_stack);
  scratch_init (&st.clock, clock_stack, sizeof clock_stack);

  ok = vrtc_json_reader_begin_object (&st.r, NULL);
  while (ok && vrtc_json_reader_next_member_span (&st.r, &key, &key_len, NULL))
    {
      int field = field_id (msg_fields, N_MSG_FIELDS, key, key_len);
      guint32 slot;

      if (field < 0)
        {
          ok = vrtc_json_reader_skip (&st.r, NULL);
          continue;
        }
      slot = 1u << msg_field_slots[field];
      if (seen & slot)
        {
          ok = FALSE;
          break;
        }
      seen |= slot;
      switch (field)
        {
        case MSG_ID:
          ok = stream_string (&st, &id, &id_len);
          break;
        case MSG_SESSION_ID:
        case MSG_CLIENT:
          ok = stream_string (&st, &session, &session_len);
          break;
        case MSG_LAMPORT_TIME:
        case MSG_LT:
          ok = stream_count (&st.r, &lamport);
          break;
        case MSG_TIMESTAMP:
        case MSG_TS:
          if (vrtc_json_reader_peek (&st.r) == VRTC_JSON_NULL)
            ok = vrtc_json_reader_read_null (&st.r, NULL);
          else
            ok = vrtc_json_reader_read_number (&st.r, &timestamp, NULL);
          break;
        case MSG_CLOCK:
        case MSG_VECTOR_CLOCK:
          ok = stream_clock (&st);
          break;
        case MSG_OPS:
        default:
          ok = stream_ops (&st);
          break;
        }
    }

  if (ok && !vrtc_json_reader_failed (&st.r) && vrtc_json_reader_end (&st.r, NULL) &&
      id != 0 && session_len > 0 && lamport >= 0 &&
      (seen & (1u << msg_field_slots[MSG_OPS])) &&
      stream_check_id (string_at (&st, id), id_len, string_at (&st, session), session_len,
                       &seq))
    {
      msg = stream_lay_out (&st, id, session);
      if (msg != NULL)
        {
          msg->seq = seq;
          msg->lamport = lamport;
          msg->timestamp = timestamp;
        }
    }

  for (guint i = 0; i < st.ops.len / sizeof (StreamOp); i++)
    vrtc_op_clear (&((StreamOp *) st.ops.data)[i].op);
  scratch_clear (&st.strings);
  scratch_clear (&st.ops);
  scratch_clear (&st.clock);
  vrtc_json_reader_clear (&st.r);
  return msg;
}

VrtcMessage *
vrtc_codec_parse_message (const char *text,
                          gssize      len,
                          GError    **error)
{
  VrtcValue value = VRTC_VALUE_INIT;
  VrtcMessage *msg;
  gsize n;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  if (text == NULL)
    text = "";
  n = text_length (text, len);
  text = skip_bom (text, &n);
  msg = stream_message (text, n);
  if (msg != NULL)
    return msg;

  if (!parse_value (text, n, &value, error))
    return NULL;
  msg = decode_message (&value, NULL, TRUE, error);
  vrtc_value_clear (&value);
  return msg;
}

/* ---------------------------------------------------------------------------------------- */
/* Writing                                                                                    */

typedef struct {
  const char      *key;
  const char      *str;      /* a string member, or */
  const VrtcValue *value;    /* a value member, or */
  const VrtcOperation *op;   /* the node.insert value ({name, ...props}) or node.move value */
} Field;

static int
field_compare (const void *a,
               const void *b)
{
  return strcmp (((const Field *) a)->key, ((const Field *) b)->key);
}

static void
write_insert_value (const VrtcOperation *op,
                    GString             *out)
{
  gboolean name_done = op->name == NULL;
  gboolean first = TRUE;
  guint n = op->value.kind == VRTC_VALUE_OBJECT ? op->value.len : 0;

  g_string_append_c (out, '{');
  for (guint i = 0; i <= n; i++)
    {
      const VrtcMember *m = i < n ? &op->value.u.members[i] : NULL;

      if (!name_done && (m == NULL || strcmp (m->key, "name") >= 0))
        {
          if (!first)
            g_string_append_c (out, ',');
          g_string_append (out, "\"name\":");
          vrtc_json_write_string (out, op->name);
          name_done = TRUE;
          first = FALSE;
        }
      if (m == NULL || (op->name != NULL && strcmp (m->key, "name") == 0))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      vrtc_json_write_string (out, m->key);
      g_string_append_c (out, ':');
      vrtc_value_write_json (&m->value, out);
      first = FALSE;
    }
  g_string_append_c (out, '}');
}

static void
write_move_value (const VrtcOperation *op,
                  GString             *out)
{
  g_string_append (out, "{\"newParent\":");
  vrtc_json_write_string (out, op->parent_key ? op->parent_key : "scene");
  g_string_append (out, ",\"nodeKey\":");
  vrtc_json_write_string (out, op->key ? op->key : "");
  g_string_append_c (out, '}');
}

void
vrtc_codec_write_operation (const VrtcOperation *op,
                            VrtcDialect          dialect,
                            GString             *out)
{
  Field fields[16];
  guint n = 0;
  VrtcOpKind kind;

  g_return_if_fail (op != NULL);
  g_return_if_fail (out != NULL);

  kind = op->type != NULL ? op->type->kind : VRTC_OP_KIND_UNSUPPORTED;
  if (op->type == NULL && op->otype != NULL)
    {
      /* an op that was never resolved: go by the name */
      if (strcmp (op->otype, "node.insert") == 0)
        kind = VRTC_OP_KIND_NODE_INSERT;
      else if (strcmp (op->otype, "node.move") == 0)
        kind = VRTC_OP_KIND_NODE_MOVE;
    }

  fields[n++] = (Field) { "key", op->key ? op->key : "", NULL, NULL };
  fields[n++] = (Field) { dialect == VRTC_DIALECT_COMPACT ? "ot" : "otype",
                          op->otype ? op->otype : "", NULL, NULL };
  fields[n++] = (Field) { "path", op->path ? op->path : "", NULL, NULL };

  switch (kind)
    {
    case VRTC_OP_KIND_NODE_INSERT:
      fields[n++] = (Field) { "value", NULL, NULL, op };
      fields[n++] = (Field) { "parentKey", op->parent_key ? op->parent_key : "scene",
                              NULL, NULL };
      break;
    case VRTC_OP_KIND_NODE_MOVE:
      fields[n++] = (Field) { "value", NULL, NULL, op };
      break;
    case VRTC_OP_KIND_UNSUPPORTED:
    case VRTC_OP_KIND_SET:
    case VRTC_OP_KIND_DELTA:
    case VRTC_OP_KIND_NODE_REMOVE:
    case VRTC_OP_KIND_META_UNDO:
    case VRTC_OP_KIND_META_REDO:
    default:
      if (op->value.kind != VRTC_VALUE_NONE)
        fields[n++] = (Field) { "value", NULL, &op->value, NULL };
      if (op->parent_key != NULL)
        fields[n++] = (Field) { "parentKey", op->parent_key, NULL, NULL };
      break;
    }
  if (op->tag != NULL)
    fields[n++] = (Field) { "tag", op->tag, NULL, NULL };
  if (op->target_msg_id != NULL)
    fields[n++] = (Field) { "targetMsgId", op->target_msg_id, NULL, NULL };
  /* only the known extras are flattened, so they never shadow the fields above */
  if (op->extras.kind == VRTC_VALUE_OBJECT)
    for (guint i = 0; i < op->extras.len && n < G_N_ELEMENTS (fields); i++)
      if (g_strv_contains (extra_names, op->extras.u.members[i].key))
        fields[n++] = (Field) { op->extras.u.members[i].key, NULL,
                                &op->extras.u.members[i].value, NULL };

  qsort (fields, n, sizeof (Field), field_compare);

  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    {
      if (i)
        g_string_append_c (out, ',');
      vrtc_json_write_string (out, fields[i].key);
      g_string_append_c (out, ':');
      if (fields[i].str != NULL)
        vrtc_json_write_string (out, fields[i].str);
      else if (fields[i].value != NULL)
        vrtc_value_write_json (fields[i].value, out);
      else if (kind == VRTC_OP_KIND_NODE_INSERT)
        write_insert_value (fields[i].op, out);
      else
        write_move_value (fields[i].op, out);
    }
  g_string_append_c (out, '}');
}

void
vrtc_codec_write_message (const VrtcMessage *msg,
                          VrtcDialect        dialect,
                          GString           *out)
{
  gboolean compact = dialect == VRTC_DIALECT_COMPACT;

  g_return_if_fail (msg != NULL);
  g_return_if_fail (out != NULL);

  /* members in sorted order: client < clock < id < lt < ops < ts,
   * clock < id < lamportTime < ops < sessionId < timestamp */
  g_string_append_c (out, '{');
  if (compact)
    {
      g_string_append (out, "\"client\":");
      vrtc_json_write_string (out, msg->session_id ? msg->session_id : "");
      g_string_append_c (out, ',');
    }
  g_string_append (out, "\"clock\":");
  vrtc_clock_write_json (&msg->clock, out);
  g_string_append (out, ",\"id\":");
  vrtc_json_write_string (out, msg->id ? msg->id : "");
  g_string_append_printf (out, compact ? ",\"lt\":%" G_GINT64_FORMAT
                                       : ",\"lamportTime\":%" G_GINT64_FORMAT, msg->lamport);
  g_string_append (out, ",\"ops\":[");
  for (guint i = 0; i < msg->n_ops; i++)
    {
      if (i)
        g_string_append_c (out, ',');
      vrtc_codec_write_operation (&msg->ops[i], dialect, out);
    }
  g_string_append_c (out, ']');
  if (!compact)
    {
      g_string_append (out, ",\"sessionId\":");
      vrtc_json_write_string (out, msg->session_id ? msg->session_id : "");
    }
  g_string_append (out, compact ? ",\"ts\":" : ",\"timestamp\":");
  vrtc_json_write_number (out, msg->timestamp);
  g_string_append_c (out, '}');
}


/* ---------------------------------------------------------------------------------------- */
/* Journal files                                                                              */

typedef struct {
  const char *name;
  GPtrArray  *messages;
  VrtcValue  *snapshot;
  GArray     *top_lines;      /* start line of each element of a top-level array */
  GArray     *journal_lines;  /* start line of each element of a state frame's journal */
} Journal;

static void
record_element_line (gpointer           data,
                     const char *const *path,
                     guint              path_len,
                     guint              index,
                     guint              line)
{
  Journal *j = data;
  GArray *target;

  if (path_len == 0)
    target = j->top_lines;
  else if ((path_len == 1 ||
            (path_len == 2 && path[0] != NULL &&
             (strcmp (path[0], "data") == 0 || strcmp (path[0], "value") == 0))) &&
           path[path_len - 1] != NULL && strcmp (path[path_len - 1], "journal") == 0)
    target = j->journal_lines;
  else
    return;
  if (index == target->len)
    g_array_append_val (target, line);
}

static guint
line_of (GArray *lines,
         guint   index,
         guint   fallback)
{
  return lines != NULL && index < lines->len ? g_array_index (lines, guint, index) : fallback;
}

G_GNUC_PRINTF (6, 7)
static gboolean
journal_error (Journal     *j,
               guint        line,
               GError     **error,
               int          code,
               const char  *where,
               const char  *format,
               ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  if (where != NULL && *where != '\0')
    g_set_error (error, VRTC_ERROR, code, "%s:%u: %s: %s", j->name, line, where, detail);
  else
    g_set_error (error, VRTC_ERROR, code, "%s:%u: %s", j->name, line, detail);
  return FALSE;
}

static gboolean
journal_add_message (Journal         *j,
                     const VrtcValue *obj,
                     guint            line,
                     const char      *where,
                     GError         **error)
{
  GError *inner = NULL;
  VrtcMessage *msg = decode_message (obj, where, TRUE, &inner);

  if (msg == NULL)
    {
      g_set_error (error, VRTC_ERROR, inner->code, "%s:%u: %s", j->name, line, inner->message);
      g_error_free (inner);
      return FALSE;
    }
  g_ptr_array_add (j->messages, msg);
  return TRUE;
}

static gboolean journal_add_item (Journal         *j,
                                  const VrtcValue *item,
                                  guint            line,
                                  const char      *where,
                                  GArray          *journal_lines,
                                  GError         **error);

/* A Vuer `state` frame: {mtype: "state", snapshot, journal: [...]} */
static gboolean
journal_add_state (Journal         *j,
                   const VrtcValue *frame,
                   guint            line,
                   const char      *where,
                   GArray          *journal_lines,
                   GError         **error)
{
  const VrtcValue *snapshot = vrtc_value_object_get (frame, "snapshot");
  const VrtcValue *journal = vrtc_value_object_get (frame, "journal");

  if (snapshot != NULL && snapshot->kind != VRTC_VALUE_NULL)
    {
      g_autofree char *snapshot_where = field_path (where, "snapshot");

      if (snapshot->kind != VRTC_VALUE_OBJECT)
        return journal_error (j, line, error, VRTC_ERROR_WRONG_TYPE, snapshot_where,
                              "expected an object, got %s", kind_name (snapshot));
      vrtc_value_move (j->snapshot, (VrtcValue *) snapshot);
    }
  if (journal == NULL || journal->kind == VRTC_VALUE_NULL)
    return TRUE;
  if (!vrtc_value_is_array (journal))
    {
      g_autofree char *journal_where = field_path (where, "journal");

      return journal_error (j, line, error, VRTC_ERROR_WRONG_TYPE, journal_where,
                            "expected an array, got %s", kind_name (journal));
    }
  for (guint i = 0; i < journal->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("journal[%u]", i);
      g_autofree char *item_where = field_path (where, name);
      guint item_line = line_of (journal_lines, i, line);

      if (journal->kind == VRTC_VALUE_VEC)
        return journal_error (j, item_line, error, VRTC_ERROR_WRONG_TYPE, item_where,
                              "expected a message, got a number");
      if (!journal_add_item (j, &journal->u.items[i], item_line, item_where, NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* One item: a message, a journal entry {msg, ack, deletedAt}, a Vuer frame ({mtype: ...}),
 * or one of those wrapped as {etype: "RTC", data | value: ...}. */
static gboolean
journal_add_item (Journal         *j,
                  const VrtcValue *item,
                  guint            line,
                  const char      *where,
                  GArray          *journal_lines,
                  GError         **error)
{
  g_autofree char *inner_where = NULL;
  g_autofree char *msg_where = NULL;
  const VrtcValue *inner = item;
  const VrtcValue *etype, *mtype, *msg;

  if (item->kind != VRTC_VALUE_OBJECT)
    return journal_error (j, line, error, VRTC_ERROR_WRONG_TYPE, where,
                          "expected a message, got %s", kind_name (item));

  etype = vrtc_value_object_get (item, "etype");
  if (etype != NULL && vrtc_value_object_get (item, "ops") == NULL)
    {
      const char *member = "data";

      if (etype->kind != VRTC_VALUE_STRING || strcmp (etype->u.str, "RTC") != 0)
        return TRUE;   /* some other Vuer event */
      inner = vrtc_value_object_get (item, member);
      if (inner == NULL)
        inner = vrtc_value_object_get (item, member = "value");
      inner_where = field_path (where, member);
      if (inner == NULL)
        return journal_error (j, line, error, VRTC_ERROR_MISSING_FIELD, where ? where : "",
                              "an RTC event needs data or value");
      if (inner->kind != VRTC_VALUE_OBJECT)
        return journal_error (j, line, error, VRTC_ERROR_WRONG_TYPE, inner_where,
                              "expected an object, got %s", kind_name (inner));
      where = inner_where;
    }

  mtype = vrtc_value_object_get (inner, "mtype");
  if (mtype != NULL && vrtc_value_object_get (inner, "ops") == NULL)
    {
      if (mtype->kind != VRTC_VALUE_STRING)
        {
          g_autofree char *mtype_where = field_path (where, "mtype");

          return journal_error (j, line, error, VRTC_ERROR_WRONG_TYPE, mtype_where,
                                "expected a string, got %s", kind_name (mtype));
        }
      if (strcmp (mtype->u.str, "state") == 0)
        return journal_add_state (j, inner, line, where, journal_lines, error);
      if (strcmp (mtype->u.str, "crdt") != 0 && strcmp (mtype->u.str, "broadcast") != 0)
        return TRUE;   /* ack, heartbeat, error, room-reset: nothing to keep */
      msg_where = field_path (where, "msg");
      msg = vrtc_value_object_get (inner, "msg");
      if (msg == NULL)
        return journal_error (j, line, error, VRTC_ERROR_MISSING_FIELD, msg_where, "missing");
      return journal_add_message (j, msg, line, msg_where, error);
    }

  msg = vrtc_value_object_get (inner, "msg");
  if (msg != NULL && vrtc_value_object_get (inner, "ops") == NULL)
    {
      msg_where = field_path (where, "msg");
      return journal_add_message (j, msg, line, msg_where, error);
    }
  return journal_add_message (j, inner, line, where, error);
}

/* The message that starts at offset and ends its line (JSON lines), or NULL. */
static VrtcMessage *
stream_line_message (const char *text,
                     gsize       len,
                     gsize       offset)
{
  const char *nl = memchr (text + offset, '\n', len - offset);

  return stream_message (text + offset, (nl != NULL ? (gsize) (nl - text) : len) - offset);
}

gboolean
vrtc_codec_parse_journal (const char *text,
                          gsize       len,
                          const char *name,
                          GPtrArray  *messages,
                          VrtcValue  *snapshot_out,
                          GError    **error)
{
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) vrtc_msg_unref);
  VrtcValue snapshot = VRTC_VALUE_INIT;
  Journal j = { name ? name : "<journal>", parsed, &snapshot, NULL, NULL };
  gboolean ok = TRUE;
  g_auto(VrtcJsonReader) r = { 0 };
  guint n_plain = 0, n_missed = 0;   /* lines read by stream_line_message, or not */
  gpointer *items;
  gsize n_items;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);

  if (text == NULL)
    text = "";
  text = skip_bom (text, &len);

  vrtc_json_reader_init (&r, text, len);
  j.top_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  j.journal_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  vrtc_json_reader_set_element_func (&r, record_element_line, &j, 3);

  /* one document, or one per line (JSON lines) */
  while (vrtc_json_reader_peek (&r) != VRTC_JSON_END)
    {
      VrtcValue value = VRTC_VALUE_INIT;
      guint line = vrtc_json_reader_line (&r);
      VrtcMessage *plain;

      /* The usual line, a plain message that ends the line, goes straight into its one
       * allocation (as vrtc_codec_parse_message reads it); anything else through the tree,
       * which tells the shapes apart and names what is wrong. Trying costs a read of the
       * line: it stops while tries have failed more often than not (a text of frames, as
       * `vrtc watch` records, is read once, not twice). */
      plain = NULL;
      if (n_missed <= n_plain && vrtc_json_reader_peek (&r) == VRTC_JSON_OBJECT)
        {
          plain = stream_line_message (text, len, vrtc_json_reader_offset (&r));
          if (plain != NULL)
            n_plain++;
          else
            n_missed++;
        }
      if (plain != NULL)
        {
          g_ptr_array_add (parsed, plain);
          /* steps over what stream_message read: it parsed, so this cannot fail */
          if (!vrtc_json_reader_skip (&r, NULL) || !vrtc_json_reader_end_line (&r, error))
            {
              g_prefix_error (error, "%s:", j.name);
              ok = FALSE;
              break;
            }
          continue;
        }

      g_array_set_size (j.top_lines, 0);
      g_array_set_size (j.journal_lines, 0);
      if (!vrtc_json_reader_read_value (&r, &value, error))
        {
          g_prefix_error (error, "%s:", j.name);
          ok = FALSE;
          break;
        }

      if (value.kind == VRTC_VALUE_VEC)
        ok = journal_error (&j, line_of (j.top_lines, 0, line), error, VRTC_ERROR_WRONG_TYPE,
                            NULL, "expected a message, got a number");
      else if (value.kind == VRTC_VALUE_ARRAY)
        for (guint i = 0; ok && i < value.len; i++)
          ok = journal_add_item (&j, &value.u.items[i], line_of (j.top_lines, i, line), NULL,
                                 NULL, error);
      else
        ok = journal_add_item (&j, &value, line, NULL, j.journal_lines, error);
      vrtc_value_clear (&value);
      if (!ok)
        break;

      /* the next value must start on a line of its own */
      if (!vrtc_json_reader_end_line (&r, error))
        {
          g_prefix_error (error, "%s:", j.name);
          ok = FALSE;
          break;
        }
    }

  g_array_unref (j.top_lines);
  g_array_unref (j.journal_lines);

  if (!ok)
    {
      vrtc_value_clear (&snapshot);
      return fail_utf8_first (text, len, j.name, error);
    }

  items = g_ptr_array_steal (parsed, &n_items);
  for (gsize i = 0; i < n_items; i++)
    g_ptr_array_add (messages, items[i]);
  g_free (items);
  if (snapshot_out != NULL)
    vrtc_value_move (snapshot_out, &snapshot);
  else
    vrtc_value_clear (&snapshot);
  return TRUE;
}
