/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vrtc-codec.h"
#include "vrtc-operation.h"
#include "vrtc-optable.h"

/**
 * VrtcOperation:
 *
 * One operation `{key, otype, path, value}` with its optional fields (SEMANTICS.md 1),
 * always held in the normalised seed shape: a `node.insert` has the new node in its key,
 * whatever shape it arrived in.
 */

G_DEFINE_BOXED_TYPE (VrtcOperation, vrtc_operation, vrtc_operation_copy, vrtc_operation_free)

static VrtcOperation *
operation_from_value (const VrtcValue *obj,
                      GError         **error)
{
  VrtcOperation *op = g_new0 (VrtcOperation, 1);

  if (!vrtc_codec_decode_operation (obj, NULL, op, error))
    {
      g_free (op);
      return NULL;
    }
  return op;
}

/**
 * vrtc_operation_new:
 * @key: (nullable): the node key (for `node.insert` in the TS shape, the parent);
 *   may be %NULL for `meta.undo` and `meta.redo`
 * @otype: the operation type, such as `"number.set"` or `"node.insert"`
 * @path: (nullable): the property path, or %NULL for `""`
 * @value_json: (nullable): the value as JSON text, or %NULL for none
 * @error: return location for a #GError
 *
 * Builds an operation as if it had been parsed from
 * `{"key": key, "otype": otype, "path": path, "value": value}`, so the same shapes and
 * checks apply: `vrtc_operation_new ("cube", "node.insert", "", "{\"tag\": \"Box\"}", &error)`.
 *
 * Returns: (transfer full): the operation, or %NULL with @error set
 */
VrtcOperation *
vrtc_operation_new (const char  *key,
                    const char  *otype,
                    const char  *path,
                    const char  *value_json,
                    GError     **error)
{
  VrtcMember members[4];
  VrtcValue obj = VRTC_VALUE_INIT;
  VrtcOperation *op;
  guint n = 0;

  g_return_val_if_fail (otype != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  memset (members, 0, sizeof members);
  if (value_json != NULL)
    {
      if (!vrtc_codec_parse_value (value_json, -1, &members[n].value, error))
        {
          g_prefix_error (error, "value: ");
          return NULL;
        }
      members[n++].key = g_strdup ("value");
    }
  if (key != NULL)
    {
      members[n].key = g_strdup ("key");
      vrtc_value_set_string (&members[n++].value, key);
    }
  members[n].key = g_strdup ("otype");
  vrtc_value_set_string (&members[n++].value, otype);
  members[n].key = g_strdup ("path");
  vrtc_value_set_string (&members[n++].value, path ? path : "");
  vrtc_value_take_object (&obj, g_memdup2 (members, sizeof (VrtcMember) * n), n);

  op = operation_from_value (&obj, error);
  vrtc_value_clear (&obj);
  return op;
}

/**
 * vrtc_operation_new_from_json:
 * @text: JSON text of one operation, in either dialect
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the operation, or %NULL with @error set
 */
VrtcOperation *
vrtc_operation_new_from_json (const char  *text,
                              GError     **error)
{
  VrtcValue obj = VRTC_VALUE_INIT;
  VrtcOperation *op;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vrtc_codec_parse_value (text, -1, &obj, error))
    return NULL;
  op = operation_from_value (&obj, error);
  vrtc_value_clear (&obj);
  return op;
}

/**
 * vrtc_operation_copy:
 * @op: a #VrtcOperation
 *
 * Returns: (transfer full): a deep copy of @op
 */
VrtcOperation *
vrtc_operation_copy (const VrtcOperation *op)
{
  VrtcOperation *copy;

  g_return_val_if_fail (op != NULL, NULL);

  copy = g_new0 (VrtcOperation, 1);
  vrtc_op_copy (copy, op);
  return copy;
}

/**
 * vrtc_operation_free:
 * @op: (transfer full): a #VrtcOperation
 */
void
vrtc_operation_free (VrtcOperation *op)
{
  g_return_if_fail (op != NULL);

  vrtc_op_clear (op);
  g_free (op);
}

/**
 * vrtc_operation_to_json:
 * @op: a #VrtcOperation
 * @dialect: the field names to use
 *
 * Canonical JSON of the operation in the seed shape.
 *
 * Returns: (transfer full): the JSON text
 */
char *
vrtc_operation_to_json (const VrtcOperation *op,
                        VrtcDialect          dialect)
{
  GString *out;

  g_return_val_if_fail (op != NULL, NULL);

  out = g_string_new (NULL);
  vrtc_codec_write_operation (op, dialect, out);
  return g_string_free (out, FALSE);
}

/**
 * vrtc_operation_get_key:
 * @op: a #VrtcOperation
 *
 * Returns: the key of the node the operation acts on (`""` for meta operations)
 */
const char *
vrtc_operation_get_key (const VrtcOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  return op->key;
}

/**
 * vrtc_operation_get_otype:
 * @op: a #VrtcOperation
 *
 * Returns: the operation type, such as `"vector3.add"`
 */
const char *
vrtc_operation_get_otype (const VrtcOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  return op->otype;
}

/**
 * vrtc_operation_get_path:
 * @op: a #VrtcOperation
 *
 * Returns: the property path (`""` for node and meta operations)
 */
const char *
vrtc_operation_get_path (const VrtcOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  return op->path;
}

/**
 * vrtc_operation_get_value_json:
 * @op: a #VrtcOperation
 *
 * The value as canonical JSON. For `node.insert` it is the object of initial properties.
 *
 * Returns: (transfer full) (nullable): the JSON text, or %NULL when the operation has none
 */
char *
vrtc_operation_get_value_json (const VrtcOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  if (op->value.kind == VRTC_VALUE_NONE)
    return NULL;
  return vrtc_value_to_json (&op->value);
}

/**
 * vrtc_operation_get_parent_key:
 * @op: a #VrtcOperation
 *
 * Returns: (nullable): the parent for `node.insert` and `node.move`; %NULL there means
 *   the root `"scene"`
 */
const char *
vrtc_operation_get_parent_key (const VrtcOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  return op->parent_key;
}

/**
 * vrtc_operation_get_tag:
 * @op: a #VrtcOperation
 *
 * Returns: (nullable): the tag of the node a `node.insert` creates, such as `"Box"`
 */
const char *
vrtc_operation_get_tag (const VrtcOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  return op->tag;
}

/**
 * vrtc_operation_get_name:
 * @op: a #VrtcOperation
 *
 * Returns: (nullable): the name of the node a `node.insert` creates
 */
const char *
vrtc_operation_get_name (const VrtcOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  return op->name;
}

/**
 * vrtc_operation_get_target_msg_id:
 * @op: a #VrtcOperation
 *
 * Returns: (nullable): the message a `meta.undo` or `meta.redo` targets
 */
const char *
vrtc_operation_get_target_msg_id (const VrtcOperation *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  return op->target_msg_id;
}

/**
 * vrtc_operation_is_supported:
 * @op: a #VrtcOperation
 *
 * Unknown operation types are kept in the journal but have no effect on the state.
 *
 * Returns: whether this build knows the operation type
 */
gboolean
vrtc_operation_is_supported (const VrtcOperation *op)
{
  g_return_val_if_fail (op != NULL, FALSE);

  return op->type != NULL && op->type->kind != VRTC_OP_KIND_UNSUPPORTED;
}
