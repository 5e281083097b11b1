/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Internal (not in the GIR, not installed): a pull reader over JSON text, with the strictness
 * of vrtc_codec_parse_value (RFC 8259, valid UTF-8, no "\u0000", nesting up to 512). The codec's
 * own parsing is built on it.
 *
 * The reader walks the text one value at a time:
 *
 *   g_auto(VrtcJsonReader) r = { 0 };
 *
 *   vrtc_json_reader_init (&r, text, len);
 *   if (!vrtc_json_reader_begin_object (&r, error))
 *     goto fail;
 *   while (vrtc_json_reader_next_member (&r, &key, &key_len, error))
 *     {
 *       if (strcmp (key, "nodes") == 0)
 *         ... begin_array / next_element / read_* ...
 *       else if (!vrtc_json_reader_skip (&r, error))
 *         goto fail;
 *     }
 *   if (vrtc_json_reader_failed (&r) || !vrtc_json_reader_end (&r, error))
 *     goto fail;
 *
 * Errors are VRTC_ERROR_INVALID_JSON ("LINE:COLUMN: what is wrong"), VRTC_ERROR_WRONG_TYPE when
 * a read_* finds another kind of value ("3:14: expected a string, got a number"),
 * VRTC_ERROR_INVALID_VALUE (a number out of range, "\u0000", a non-integer for read_int64),
 * VRTC_ERROR_TOO_LARGE (nesting) and VRTC_ERROR_FAILED (a call in the wrong place, e.g.
 * next_member in an array). After an error every call fails (FAILED); clear the reader.
 * Unlike vrtc_codec_parse_value, the text is checked for UTF-8 as it is read: an invalid byte
 * is reported when the reader gets to it, not before.
 */

#include "vrtc-engine.h"
#include "vrtc-error.h"

G_BEGIN_DECLS

#define VRTC_JSON_MAX_DEPTH 512

typedef enum {
  VRTC_JSON_END = 0,   /* no further value: the enclosing container closes, or the text ends */
  VRTC_JSON_NULL,
  VRTC_JSON_BOOL,
  VRTC_JSON_NUMBER,
  VRTC_JSON_STRING,
  VRTC_JSON_ARRAY,
  VRTC_JSON_OBJECT,
  VRTC_JSON_INVALID,   /* something no value starts with: the next read reports it */
} VrtcJsonKind;

/* Called by read_value for each element of an array nested at most max_depth deep
 * (see vrtc_json_reader_set_element_func): path[d] is the member name under which nesting
 * level d was entered, NULL for an array element; index is the element's index and line the
 * line it starts on. */
typedef void (*VrtcJsonElementFunc) (gpointer           data,
                                     const char *const *path,
                                     guint              path_len,
                                     guint              index,
                                     guint              line);

#define VRTC_JSON_PATH_MAX 8

typedef struct _VrtcJsonReader VrtcJsonReader;

/* A stack struct: all fields are private. */
struct _VrtcJsonReader {
  const char  *text;
  const char  *p;
  const char  *end;
  const char  *line_start;
  guint        line;
  guint        depth;
  guint        at_value : 1;   /* positioned at a value (not between members or elements) */
  guint        first : 1;      /* nothing read yet in the innermost container */
  guint        failed : 1;     /* an error was reported: every call fails */
  gsize        scratch_size;
  char        *scratch;        /* the last key or borrowed string, NUL-terminated */
  guint8       objects[VRTC_JSON_MAX_DEPTH / 8 + 1];   /* bit d: level d is an object */
  VrtcJsonElementFunc element_func;
  gpointer     element_data;
  guint        element_max_depth;
  const char  *path[VRTC_JSON_PATH_MAX];
};

/* text (not necessarily NUL-terminated) must outlive the reader. A UTF-8 byte order mark is
 * not skipped. */
void          vrtc_json_reader_init          (VrtcJsonReader  *r,
                                              const char      *text,
                                              gsize            len);
/* Frees the scratch buffer; the reader can be initialised again. */
void          vrtc_json_reader_clear         (VrtcJsonReader  *r);

/* The kind of the value at the reader's position: at the start, or after next_member or
 * next_element returned TRUE. Between the elements of an array, the kind of the next element
 * (or END); between the members of an object STRING (a member name) or END; after the
 * top-level value, END when only whitespace is left. Consumes nothing but whitespace. */
VrtcJsonKind  vrtc_json_reader_peek          (VrtcJsonReader  *r);

/* Objects: begin_object consumes '{'; next_member returns TRUE with the member name
 * (unescaped, NUL-terminated) and the reader at its value, or FALSE with the '}' consumed
 * (error unset) or on an error (error set; vrtc_json_reader_failed tells when error is NULL).
 * The name lives in the reader's buffer until the reader next reads a string: a member name,
 * a string value, or a value with strings in it (reading numbers, booleans and null keeps
 * it). A member value that was not read is skipped by the next next_member. Arrays likewise. */
gboolean      vrtc_json_reader_begin_object  (VrtcJsonReader  *r,
                                              GError         **error);
gboolean      vrtc_json_reader_next_member   (VrtcJsonReader  *r,
                                              const char     **key,
                                              gsize           *key_len,
                                              GError         **error);
/* next_member without the copy that makes the name NUL-terminated: *key points into the
 * text when the name has no escapes, else into the reader's buffer (valid as long as a name
 * from next_member). For callers that match names by length and bytes. */
gboolean      vrtc_json_reader_next_member_span (VrtcJsonReader  *r,
                                                 const char     **key,
                                                 gsize           *key_len,
                                                 GError         **error);
gboolean      vrtc_json_reader_begin_array   (VrtcJsonReader  *r,
                                              GError         **error);
gboolean      vrtc_json_reader_next_element  (VrtcJsonReader  *r,
                                              GError         **error);

/* Reading the value at the reader's position. out is replaced on success, untouched on
 * error. read_value gives what vrtc_codec_parse_value would (out initialised, as for the
 * vrtc_value_* setters). read_string lends the string (NUL-terminated, len may be NULL; it
 * lives as long as a member name does), dup_string gives a copy. Numbers are read as the
 * nearest double, -0 as 0; read_int64 takes an integer a double holds exactly
 * (|n| <= 2^53 - 1). read_null accepts null only. */
gboolean      vrtc_json_reader_read_value    (VrtcJsonReader  *r,
                                              VrtcValue       *out,
                                              GError         **error);
gboolean      vrtc_json_reader_read_string   (VrtcJsonReader  *r,
                                              const char     **out,
                                              gsize           *len,
                                              GError         **error);
/* read_string likewise without the copy: not NUL-terminated, in the text or the buffer. */
gboolean      vrtc_json_reader_read_string_span (VrtcJsonReader  *r,
                                                 const char     **out,
                                                 gsize           *len,
                                                 GError         **error);
gboolean      vrtc_json_reader_dup_string    (VrtcJsonReader  *r,
                                              char           **out,
                                              GError         **error);
gboolean      vrtc_json_reader_read_number   (VrtcJsonReader  *r,
                                              double          *out,
                                              GError         **error);
gboolean      vrtc_json_reader_read_int64    (VrtcJsonReader  *r,
                                              gint64          *out,
                                              GError         **error);
gboolean      vrtc_json_reader_read_bool     (VrtcJsonReader  *r,
                                              gboolean        *out,
                                              GError         **error);
gboolean      vrtc_json_reader_read_null     (VrtcJsonReader  *r,
                                              GError         **error);
/* Skips the value at the reader's position, checking it as strictly as reading would. */
gboolean      vrtc_json_reader_skip          (VrtcJsonReader  *r,
                                              GError         **error);
/* After the top-level value: only whitespace may be left. */
gboolean      vrtc_json_reader_end           (VrtcJsonReader  *r,
                                              GError         **error);
/* JSON lines: after a top-level value, only spaces, tabs and CRs may be left on its line;
 * the reader is then at the start of a next top-level value (peek says END if none). */
gboolean      vrtc_json_reader_end_line      (VrtcJsonReader  *r,
                                              GError         **error);
/* Whether an error was reported (tells the end of an object or array from an error when the
 * caller passes no GError). */
gboolean      vrtc_json_reader_failed        (const VrtcJsonReader *r);

/* Byte offset of the reader in the text (for progress), and the line it is on. */
gsize         vrtc_json_reader_offset        (const VrtcJsonReader *r);
guint         vrtc_json_reader_line          (const VrtcJsonReader *r);

/* Error at the reader's position, formatted like the reader's own ("LINE:COLUMN: ..."), for
 * callers that find the JSON well-formed but not what they expect. Returns FALSE. */
gboolean      vrtc_json_reader_error         (const VrtcJsonReader *r,
                                              GError         **error,
                                              int              code,
                                              const char      *format,
                                              ...) G_GNUC_PRINTF (4, 5);

/* The whole text is valid UTF-8 without NUL bytes; else an INVALID_JSON error at the first
 * bad byte ("LINE:COLUMN: the text is not valid UTF-8"). */
gboolean      vrtc_json_check_utf8           (const char      *text,
                                              gsize            len,
                                              GError         **error);

/* For the codec's journal reader: read_value calls func for the elements of arrays nested at
 * most max_depth (< VRTC_JSON_PATH_MAX) deep. */
void          vrtc_json_reader_set_element_func (VrtcJsonReader     *r,
                                                 VrtcJsonElementFunc func,
                                                 gpointer            data,
                                                 guint               max_depth);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VrtcJsonReader, vrtc_json_reader_clear)

G_END_DECLS
