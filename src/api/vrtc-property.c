/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vrtc-engine.h"
#include "vrtc-node-private.h"
#include "vrtc-property-private.h"
#include "vrtc-store-private.h"

/**
 * VrtcProperty:
 *
 * One property of a [class@Node]: a path such as `transform.position` and its current value,
 * as canonical JSON. The items of [method@Node.get_properties].
 *
 * The object stays the same while the value changes; [property@Property:value-json] is
 * notified each time it does.
 */

struct _VrtcProperty
{
  GObject     parent_instance;

  GWeakRef    node;
  char       *key;
  char       *path;

  /* the value last seen, canonical JSON */
  char       *value_json;
  const char *value_type;
};

G_DEFINE_FINAL_TYPE (VrtcProperty, vrtc_property, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_KEY,
  PROP_NODE,
  PROP_VALUE_JSON,
  PROP_VALUE_TYPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_hex_color (const char *s,
              guint       len)
{
  if (s[0] != '#' || (len != 4 && len != 7))
    return FALSE;
  for (guint i = 1; i < len; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

const char *
vrtc_value_type_name (const VrtcValue *value)
{
  if (value == NULL)
    return "null";

  switch ((VrtcValueKind) value->kind)
    {
    case VRTC_VALUE_NONE:
    case VRTC_VALUE_NULL:
      return "null";
    case VRTC_VALUE_BOOL:
      return "boolean";
    case VRTC_VALUE_NUMBER:
      return "number";
    case VRTC_VALUE_STRING:
      return is_hex_color (value->u.str, value->len) ? "color" : "string";
    case VRTC_VALUE_VEC:
      if (value->len == 3)
        return "vector3";
      if (value->len == 4)
        return "quaternion";
      return "array";
    case VRTC_VALUE_ARRAY:
      return "array";
    case VRTC_VALUE_OBJECT:
      return "object";
    default:
      return "null";
    }
}

static void
vrtc_property_finalize (GObject *object)
{
  VrtcProperty *self = (VrtcProperty *)object;

  g_weak_ref_clear (&self->node);
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->value_json, g_free);

  G_OBJECT_CLASS (vrtc_property_parent_class)->finalize (object);
}

static void
vrtc_property_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VrtcProperty *self = VRTC_PROPERTY (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;

    case PROP_NODE:
      g_value_take_object (value, g_weak_ref_get (&self->node));
      break;

    case PROP_VALUE_JSON:
      g_value_set_string (value, self->value_json);
      break;

    case PROP_VALUE_TYPE:
      g_value_set_string (value, self->value_type);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vrtc_property_class_init (VrtcPropertyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vrtc_property_finalize;
  object_class->get_property = vrtc_property_get_property;

  /**
   * VrtcProperty:path:
   *
   * The property path, such as `transform.position`.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * VrtcProperty:key:
   *
   * The key of the node the property belongs to.
   */
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * VrtcProperty:node:
   *
   * The node the property belongs to, or %NULL once the node is gone.
   */
  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL, VRTC_TYPE_NODE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * VrtcProperty:value-json:
   *
   * The current value as canonical JSON (sorted keys, shortest numbers, no spaces).
   */
  properties[PROP_VALUE_JSON] =
    g_param_spec_string ("value-json", NULL, NULL, "null",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * VrtcProperty:value-type:
   *
   * What the value looks like, for picking an editor: `number`, `vector3` (three numbers),
   * `quaternion` (four numbers), `string`, `color` (a string `#rrggbb` or `#rgb`), `boolean`,
   * `array`, `object` or `null`.
   */
  properties[PROP_VALUE_TYPE] =
    g_param_spec_string ("value-type", NULL, NULL, "null",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vrtc_property_init (VrtcProperty *self)
{
  g_weak_ref_init (&self->node, NULL);
  self->value_type = "null";
}

VrtcProperty *
vrtc_property_new (VrtcNode        *node,
                   const char      *path,
                   const VrtcValue *value)
{
  VrtcProperty *self = g_object_new (VRTC_TYPE_PROPERTY, NULL);

  g_weak_ref_set (&self->node, node);
  self->key = g_strdup (vrtc_node_get_key (node));
  self->path = g_strdup (path);
  self->value_json = value ? vrtc_value_to_json (value) : g_strdup ("null");
  self->value_type = vrtc_value_type_name (value);

  return self;
}

void
vrtc_property_set_value (VrtcProperty    *self,
                         const VrtcValue *value)
{
  g_autofree char *json = value ? vrtc_value_to_json (value) : g_strdup ("null");
  const char *type = vrtc_value_type_name (value);

  if (g_strcmp0 (json, self->value_json) == 0)
    return;

  g_free (self->value_json);
  self->value_json = g_steal_pointer (&json);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE_JSON]);

  if (type != self->value_type)
    {
      self->value_type = type;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE_TYPE]);
    }
}

/**
 * vrtc_property_get_path:
 * @self: a #VrtcProperty
 *
 * Returns: (transfer none): the property path
 */
const char *
vrtc_property_get_path (VrtcProperty *self)
{
  g_return_val_if_fail (VRTC_IS_PROPERTY (self), NULL);

  return self->path;
}

/**
 * vrtc_property_get_key:
 * @self: a #VrtcProperty
 *
 * Returns: (transfer none): the key of the node the property belongs to
 */
const char *
vrtc_property_get_key (VrtcProperty *self)
{
  g_return_val_if_fail (VRTC_IS_PROPERTY (self), NULL);

  return self->key;
}

/**
 * vrtc_property_get_node:
 * @self: a #VrtcProperty
 *
 * Returns: (transfer none) (nullable): the node the property belongs to, or %NULL when the
 *   store that owned the node is gone
 */
VrtcNode *
vrtc_property_get_node (VrtcProperty *self)
{
  VrtcNode *node;

  g_return_val_if_fail (VRTC_IS_PROPERTY (self), NULL);

  /* The store keeps its nodes alive, so the borrowed pointer outlives this call. */
  node = g_weak_ref_get (&self->node);
  if (node != NULL)
    g_object_unref (node);
  return node;
}

/**
 * vrtc_property_get_value_json:
 * @self: a #VrtcProperty
 *
 * Returns: (transfer none): the current value as canonical JSON
 */
const char *
vrtc_property_get_value_json (VrtcProperty *self)
{
  g_return_val_if_fail (VRTC_IS_PROPERTY (self), NULL);

  return self->value_json;
}

/**
 * vrtc_property_get_value_type:
 * @self: a #VrtcProperty
 *
 * See [property@Property:value-type].
 *
 * Returns: (transfer none): the value type name
 */
const char *
vrtc_property_get_value_type (VrtcProperty *self)
{
  g_return_val_if_fail (VRTC_IS_PROPERTY (self), NULL);

  return self->value_type;
}

static const char *
role_name (guint role)
{
  switch ((VrtcProvenanceRole) role)
    {
    case VRTC_PROVENANCE_WINNER:
      return "winner";
    case VRTC_PROVENANCE_APPLIED:
      return "applied";
    case VRTC_PROVENANCE_LOST:
      return "lost";
    case VRTC_PROVENANCE_SUPERSEDED:
      return "superseded";
    case VRTC_PROVENANCE_REJECTED:
      return "rejected";
    case VRTC_PROVENANCE_UNDONE:
      return "undone";
    default:
      return "unknown";
    }
}

static void
write_provenance_item (GString                  *out,
                       const VrtcProvenanceItem *item)
{
  VrtcMessage *msg = item->entry ? vrtc_entry_get_message (item->entry) : NULL;
  const VrtcOperation *op = NULL;
  /* Pending edits have a message with no id yet. */
  gboolean pending = msg != NULL && msg->id == NULL;

  if (msg != NULL && item->op_index < msg->n_ops)
    op = &msg->ops[item->op_index];

  /* Keys in sorted order, so the text is canonical like the rest of the store's JSON. */
  g_string_append (out, "{\"lamport\":");
  g_string_append_printf (out, "%" G_GINT64_FORMAT, item->stamp.lamport);
  g_string_append (out, ",\"messageId\":");
  if (msg != NULL && msg->id != NULL)
    vrtc_json_write_string (out, msg->id);
  else
    g_string_append (out, "null");
  g_string_append_printf (out, ",\"opIndex\":%u,\"otype\":", item->op_index);
  if (op != NULL && op->otype != NULL)
    vrtc_json_write_string (out, op->otype);
  else
    g_string_append (out, "null");
  g_string_append (out, pending ? ",\"pending\":true" : ",\"pending\":false");
  g_string_append (out, ",\"role\":");
  vrtc_json_write_string (out, role_name (item->role));
  g_string_append (out, ",\"session\":");
  if (item->stamp.session != NULL)
    vrtc_json_write_string (out, item->stamp.session);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"timestamp\":");
  if (msg != NULL && !pending)
    vrtc_json_write_number (out, msg->timestamp);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"value\":");
  if (op != NULL && op->value.kind != VRTC_VALUE_NONE)
    vrtc_value_write_json (&op->value, out);
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');
}

/**
 * vrtc_property_get_provenance_json:
 * @self: a #VrtcProperty
 *
 * Describes where the current value came from: every op that wrote this property, in stamp
 * order, as a JSON array of objects with the fields
 *
 * - `session`, `lamport`, `opIndex`: the op's stamp;
 * - `messageId`, `timestamp`, `otype`, `value`: the op and its message (`null` when the
 *   message has been compacted into the snapshot);
 * - `pending`: whether the op is a pending edit (it then has no message id or timestamp);
 * - `role`: `winner` (the set the value starts from), `applied` (a delta folded on top),
 *   `lost` (a set that lost to the winner), `superseded` (a delta below the winning set),
 *   `rejected` (a type mismatch, no effect) or `undone` (its message is undone).
 *
 * Returns: (transfer full): a JSON array, `[]` when nothing is known
 */
char *
vrtc_property_get_provenance_json (VrtcProperty *self)
{
  g_autoptr(VrtcNode) node = NULL;
  g_autoptr(GArray) items = NULL;
  VrtcStore *store;
  GString *out;

  g_return_val_if_fail (VRTC_IS_PROPERTY (self), NULL);

  node = g_weak_ref_get (&self->node);
  store = node ? vrtc_node_get_store (node) : NULL;
  if (store != NULL)
    items = vrtc_engine_get_provenance (vrtc_store_get_engine (store), self->key, self->path);

  out = g_string_new ("[");
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_provenance_item (out, &g_array_index (items, VrtcProvenanceItem, i));
    }
  g_string_append_c (out, ']');

  return g_string_free (out, FALSE);
}
