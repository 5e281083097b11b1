/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal: the JSON codec of SEMANTICS.md 7 (both dialects in, either out). */

#include <json-glib/json-glib.h>

#include "vrtc-engine.h"
#include "vrtc-error.h"
#include "vrtc-message.h"   /* VrtcDialect */

G_BEGIN_DECLS

/* Any JSON text -> VrtcValue. Errors: VRTC_ERROR_INVALID_JSON (with line:column).
 * Strict RFC 8259 (no comments, trailing commas, NaN, hex, leading zeros, trailing text);
 * integers of any length are read as the nearest double; a lone surrogate escape becomes
 * U+FFFD; "\u0000" is refused (INVALID_VALUE), nesting deeper than 512 is TOO_LARGE.
 * len < 0 means NUL-terminated. Like the vrtc_value_* setters, out must be initialised
 * (VRTC_VALUE_INIT or a value); it is replaced on success and untouched on error. */
gboolean     vrtc_codec_parse_value      (const char      *text,
                                          gssize           len,
                                          VrtcValue       *out,
                                          GError         **error);
gboolean     vrtc_codec_value_from_node  (JsonNode        *node,
                                          VrtcValue       *out,
                                          GError         **error);
JsonNode    *vrtc_codec_value_to_node    (const VrtcValue *value);

/* Decoding from a parsed object, either dialect, the three node.insert/remove shapes.
 * Errors name the field, e.g. "ops[2].otype: expected a string, got a number".
 * where (nullable) prefixes the field names ("ops[2]"). out must be zeroed or a valid op;
 * it is replaced on success (op->type resolved) and untouched on error. */
gboolean     vrtc_codec_decode_operation (const VrtcValue *obj,
                                          const char      *where,
                                          VrtcOperation   *out,
                                          GError         **error);
VrtcMessage *vrtc_codec_decode_message   (const VrtcValue *obj,
                                          GError         **error);
/* parse_value + decode_message, but a message of the usual shape is decoded straight from
 * the text, with no tree (same result, same errors). */
VrtcMessage *vrtc_codec_parse_message    (const char      *text,
                                          gssize           len,
                                          GError         **error);

/* Canonical JSON of an op / a message in the dialect asked for. */
void         vrtc_codec_write_operation  (const VrtcOperation *op,
                                          VrtcDialect          dialect,
                                          GString             *out);
void         vrtc_codec_write_message    (const VrtcMessage   *msg,
                                          VrtcDialect          dialect,
                                          GString             *out);

/* A journal file: JSON lines, one JSON array of messages, or a Vuer `state` frame
 * ({"mtype": "state", "snapshot": ..., "journal": [...]}, also wrapped as {"etype": "RTC", ...}).
 * messages receives VrtcMessage (transfer full); snapshot_out (may be NULL) the snapshot
 * object when the file has one, else NONE.
 * Errors are "NAME:LINE: what is wrong" with NAME = name. */
gboolean     vrtc_codec_parse_journal    (const char      *text,
                                          gsize            len,
                                          const char      *name,
                                          GPtrArray       *messages,
                                          VrtcValue       *snapshot_out,
                                          GError         **error);

G_END_DECLS
