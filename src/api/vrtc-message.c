/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "vrtc-codec.h"
#include "vrtc-message.h"
#include "vrtc-operation.h"

/**
 * VrtcMessage:
 *
 * One committed batch of operations (SEMANTICS.md 1): an id `"<sessionId>:<seq>"`, the
 * session, its vector clock, Lamport time and timestamp, and the operations in order.
 *
 * Messages are immutable and reference counted. They come from
 * vrtc_message_new_from_json() or from a #VrtcStore.
 */

G_DEFINE_ENUM_TYPE (VrtcDialect, vrtc_dialect,
  G_DEFINE_ENUM_VALUE (VRTC_DIALECT_SEED, "seed"),
  G_DEFINE_ENUM_VALUE (VRTC_DIALECT_COMPACT, "compact"))

G_DEFINE_BOXED_TYPE (VrtcMessage, vrtc_message, vrtc_message_ref, vrtc_message_unref)

/**
 * vrtc_message_new_from_json:
 * @text: JSON text of one message, in either dialect
 * @error: return location for a #GError
 *
 * Parses a message. Errors are in the %VRTC_ERROR domain and name the offending field,
 * e.g. `ops[2].otype: expected a string, got a number`.
 *
 * Returns: (transfer full): the message, or %NULL with @error set
 */
VrtcMessage *
vrtc_message_new_from_json (const char  *text,
                            GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return vrtc_codec_parse_message (text, -1, error);
}

/**
 * vrtc_message_ref:
 * @msg: a #VrtcMessage
 *
 * Returns: (transfer full): @msg
 */
VrtcMessage *
vrtc_message_ref (VrtcMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);

  return vrtc_msg_ref (msg);
}

/**
 * vrtc_message_unref:
 * @msg: (transfer full): a #VrtcMessage
 *
 * Drops a reference; the last one frees the message.
 */
void
vrtc_message_unref (VrtcMessage *msg)
{
  g_return_if_fail (msg != NULL);

  vrtc_msg_unref (msg);
}

/**
 * vrtc_message_to_json:
 * @msg: a #VrtcMessage
 * @dialect: the field names to use
 *
 * Canonical JSON of the message: keys sorted, numbers in their shortest round-trip form.
 *
 * Returns: (transfer full): the JSON text
 */
char *
vrtc_message_to_json (const VrtcMessage *msg,
                      VrtcDialect        dialect)
{
  GString *out;

  g_return_val_if_fail (msg != NULL, NULL);

  out = g_string_new (NULL);
  vrtc_codec_write_message (msg, dialect, out);
  return g_string_free (out, FALSE);
}

/**
 * vrtc_message_get_id:
 * @msg: a #VrtcMessage
 *
 * Returns: the message id, `"<sessionId>:<seq>"`
 */
const char *
vrtc_message_get_id (const VrtcMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);

  return msg->id;
}

/**
 * vrtc_message_get_session_id:
 * @msg: a #VrtcMessage
 *
 * Returns: the session that committed the message
 */
const char *
vrtc_message_get_session_id (const VrtcMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);

  return msg->session_id;
}

/**
 * vrtc_message_get_lamport_time:
 * @msg: a #VrtcMessage
 *
 * Returns: the Lamport time of the message
 */
gint64
vrtc_message_get_lamport_time (const VrtcMessage *msg)
{
  g_return_val_if_fail (msg != NULL, 0);

  return msg->lamport;
}

/**
 * vrtc_message_get_timestamp:
 * @msg: a #VrtcMessage
 *
 * Returns: the wall-clock time of the commit, in milliseconds since the epoch
 */
double
vrtc_message_get_timestamp (const VrtcMessage *msg)
{
  g_return_val_if_fail (msg != NULL, 0);

  return msg->timestamp;
}

/**
 * vrtc_message_get_n_operations:
 * @msg: a #VrtcMessage
 *
 * Returns: how many operations the message carries
 */
guint
vrtc_message_get_n_operations (const VrtcMessage *msg)
{
  g_return_val_if_fail (msg != NULL, 0);

  return msg->n_ops;
}

/**
 * vrtc_message_get_operation:
 * @msg: a #VrtcMessage
 * @i: index of the operation, below vrtc_message_get_n_operations()
 *
 * Returns: (transfer none): the @i-th operation, owned by @msg
 */
VrtcOperation *
vrtc_message_get_operation (const VrtcMessage *msg,
                            guint              i)
{
  g_return_val_if_fail (msg != NULL, NULL);
  g_return_val_if_fail (i < msg->n_ops, NULL);

  return &msg->ops[i];
}

/**
 * vrtc_message_get_clock_json:
 * @msg: a #VrtcMessage
 *
 * The vector clock as a JSON object from session to count, keys sorted.
 *
 * Returns: (transfer full): the JSON text
 */
char *
vrtc_message_get_clock_json (const VrtcMessage *msg)
{
  GString *out;

  g_return_val_if_fail (msg != NULL, NULL);

  out = g_string_new (NULL);
  vrtc_clock_write_json (&msg->clock, out);
  return g_string_free (out, FALSE);
}
