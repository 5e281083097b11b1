/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vrtc-codec.h"
#include "vrtc-json-reader.h"
#include "test-case-message.h"

/* The pull reader of src/api/vrtc-json-reader.h. Expected values are written by hand. */

/* r is zeroed or was used before: what it holds is freed */
static void
reader_init_len (VrtcJsonReader *r,
                 const char     *text,
                 gsize           len)
{
  vrtc_json_reader_clear (r);
  vrtc_json_reader_init (r, text, len);
}

static void
reader_init (VrtcJsonReader *r,
             const char     *text)
{
  reader_init_len (r, text, strlen (text));
}

static char *
value_json (VrtcJsonReader *r)
{
  g_autoptr(GError) error = NULL;
  VrtcValue v = VRTC_VALUE_INIT;
  char *json;

  g_assert_true (vrtc_json_reader_read_value (r, &v, &error));
  g_assert_no_error (error);
  json = vrtc_value_to_json (&v);
  vrtc_value_clear (&v);
  return json;
}

/* The next member must be called name; returns with the reader at its value. */
static void
member_is (VrtcJsonReader *r,
           const char     *name)
{
  g_autoptr(GError) error = NULL;
  const char *key = NULL;
  gsize key_len = 0;

  g_assert_true (vrtc_json_reader_next_member (r, &key, &key_len, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, name);
  g_assert_cmpuint (key_len, ==, strlen (name));
}

static void
object_done (VrtcJsonReader *r)
{
  g_autoptr(GError) error = NULL;
  const char *key = NULL;
  gsize key_len = 0;

  g_assert_false (vrtc_json_reader_next_member (r, &key, &key_len, &error));
  g_assert_no_error (error);
  g_assert_false (vrtc_json_reader_failed (r));
}

static void
array_done (VrtcJsonReader *r)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (vrtc_json_reader_next_element (r, &error));
  g_assert_no_error (error);
  g_assert_false (vrtc_json_reader_failed (r));
}

static void
element (VrtcJsonReader *r)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vrtc_json_reader_next_element (r, &error));
  g_assert_no_error (error);
}

static void
end_ok (VrtcJsonReader *r)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vrtc_json_reader_end (r, &error));
  g_assert_no_error (error);
}

/* ---------------------------------------------------------------------------------------- */

static void
test_walk (void)
{
  const char *text =
    "{\n"
    "  \"nodes\": [\n"
    "    {\"key\": \"a\", \"tag\": \"Mesh\", \"position\": [0, 1.5, -2]},\n"
    "    {\"key\": \"b\", \"children\": [], \"extra\": {}}\n"
    "  ],\n"
    "  \"count\": 2, \"ok\": true, \"no\": false, \"none\": null,\n"
    "  \"text\": \"caf\xc3\xa9\"\n"
    "}\n";
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *position = NULL;
  const char *s = NULL;
  gsize len = 0;
  gint64 n = 0;
  gboolean b = FALSE;

  reader_init (&r, text);
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_OBJECT);
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_STRING);

  member_is (&r, "nodes");
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_ARRAY);
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_OBJECT);

  element (&r);
  g_assert_cmpuint (vrtc_json_reader_line (&r), ==, 3);
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  member_is (&r, "key");
  g_assert_true (vrtc_json_reader_read_string (&r, &s, &len, &error));
  g_assert_cmpstr (s, ==, "a");
  g_assert_cmpuint (len, ==, 1);
  member_is (&r, "tag");
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_STRING);
  g_assert_true (vrtc_json_reader_read_string (&r, &s, NULL, &error));
  g_assert_cmpstr (s, ==, "Mesh");
  member_is (&r, "position");
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_ARRAY);
  position = value_json (&r);
  g_assert_cmpstr (position, ==, "[0,1.5,-2]");
  object_done (&r);

  /* between elements: the kind of the next one */
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_OBJECT);
  element (&r);
  g_assert_cmpuint (vrtc_json_reader_line (&r), ==, 4);
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  member_is (&r, "key");
  g_assert_true (vrtc_json_reader_read_string (&r, &s, NULL, &error));
  g_assert_cmpstr (s, ==, "b");
  member_is (&r, "children");
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_END);
  array_done (&r);
  member_is (&r, "extra");
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_END);
  object_done (&r);
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_END);
  object_done (&r);
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_END);
  array_done (&r);

  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_STRING);
  member_is (&r, "count");
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_NUMBER);
  g_assert_true (vrtc_json_reader_read_int64 (&r, &n, &error));
  g_assert_cmpint (n, ==, 2);
  member_is (&r, "ok");
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_BOOL);
  g_assert_true (vrtc_json_reader_read_bool (&r, &b, &error));
  g_assert_true (b);
  member_is (&r, "no");
  g_assert_true (vrtc_json_reader_read_bool (&r, &b, &error));
  g_assert_false (b);
  member_is (&r, "none");
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_NULL);
  g_assert_true (vrtc_json_reader_read_null (&r, &error));
  member_is (&r, "text");
  g_assert_true (vrtc_json_reader_read_string (&r, &s, &len, &error));
  g_assert_cmpstr (s, ==, "caf\xc3\xa9");
  g_assert_cmpuint (len, ==, 5);
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_END);
  object_done (&r);
  g_assert_cmpuint (vrtc_json_reader_line (&r), ==, 8);
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_END);
  end_ok (&r);
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, strlen (text));
  g_assert_no_error (error);
}

static void
test_scalars_top_level (void)
{
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;
  char *s = NULL;
  double d = 1;

  reader_init (&r, " \"x\\ty\" ");
  g_assert_true (vrtc_json_reader_dup_string (&r, &s, &error));
  g_assert_cmpstr (s, ==, "x\ty");
  g_free (s);
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_END);
  end_ok (&r);

  /* -0 is read as 0, as VrtcValue keeps it */
  reader_init_len (&r, "-0", 2);
  g_assert_true (vrtc_json_reader_read_number (&r, &d, &error));
  g_assert_cmpfloat (d, ==, 0.0);
  g_assert_false (signbit (d));
  end_ok (&r);

  reader_init_len (&r, "", 0);
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_END);
  end_ok (&r);

  reader_init_len (&r, "  @", 3);
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_INVALID);
  reader_init_len (&r, "tru", 3);
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_INVALID);
  reader_init_len (&r, "nul", 3);
  g_assert_false (vrtc_json_reader_read_null (&r, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_cmpstr (error->message, ==, "1:1: unexpected character 'n', expected a value");
}

static void
test_numbers (void)
{
  static const struct { const char *text; double value; } ok[] = {
    { "0", 0 }, { "-1.25", -1.25 }, { "1e21", 1e21 }, { "2.5E-3", 2.5e-3 },
    { "18446744073709551616", 18446744073709551616.0 }, { "1e-400", 0 },
    { "1700000000000.5", 1700000000000.5 }, { "9007199254740993", 9007199254740992.0 },
  };
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 n = 0;
  double d = 0;

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      reader_init (&r, ok[i].text);
      g_assert_true (vrtc_json_reader_read_number (&r, &d, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (d, ==, ok[i].value);
      end_ok (&r);
    }

  reader_init (&r, "[-9007199254740991, 9007199254740991, 3.0, 1.5, 9007199254740992]");
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  element (&r);
  g_assert_true (vrtc_json_reader_read_int64 (&r, &n, &error));
  g_assert_cmpint (n, ==, -G_GINT64_CONSTANT (9007199254740991));
  element (&r);
  g_assert_true (vrtc_json_reader_read_int64 (&r, &n, &error));
  g_assert_cmpint (n, ==, G_GINT64_CONSTANT (9007199254740991));
  element (&r);
  g_assert_true (vrtc_json_reader_read_int64 (&r, &n, &error));
  g_assert_cmpint (n, ==, 3);
  element (&r);
  g_assert_false (vrtc_json_reader_read_int64 (&r, &n, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "1:44: expected an integer, got 1.5");
  g_assert_cmpint (n, ==, 3);
  g_clear_error (&error);

  reader_init (&r, "9007199254740992");
  g_assert_false (vrtc_json_reader_read_int64 (&r, &n, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "1:1: expected an integer, got 9007199254740992");
}

static void
test_strings (void)
{
  static const struct { const char *text; const char *value; } cases[] = {
    { "\"\"", "" },
    { "\"plain\"", "plain" },
    { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t" },
    { "\"\\u00e9\\u20AC\"", "\xc3\xa9\xe2\x82\xac" },
    { "\"\\ud83d\\ude00!\"", "\xf0\x9f\x98\x80!" },
    /* lone surrogates become U+FFFD, the escape after a lone high one is read again */
    { "\"\\ud800x\"", "\xef\xbf\xbdx" },
    { "\"\\ud800\\u0041\"", "\xef\xbf\xbd" "A" },
    { "\"\\udc00\\ud83d\\ude00\"", "\xef\xbf\xbd\xf0\x9f\x98\x80" },
    { "\"\\ud800\\ud800\\udc00\"", "\xef\xbf\xbd\xf0\x90\x80\x80" },
    { "\"caf\xc3\xa9 \xf0\x9f\x98\x80 a\\nb\"", "caf\xc3\xa9 \xf0\x9f\x98\x80 a\nb" },
  };
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *s = NULL;
      char *dup = NULL;
      gsize len = 0;

      message_case (i, NULL, cases[i].text);
      reader_init (&r, cases[i].text);
      g_assert_true (vrtc_json_reader_read_string (&r, &s, &len, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (s, ==, cases[i].value);
      g_assert_cmpuint (len, ==, strlen (cases[i].value));
      end_ok (&r);

      reader_init (&r, cases[i].text);
      g_assert_true (vrtc_json_reader_dup_string (&r, &dup, &error));
      g_assert_cmpstr (dup, ==, cases[i].value);
      g_free (dup);
    }
}

/* Strings are scanned eight bytes at a time: each kind of byte that ends a plain run must be
 * found at every offset in those eight bytes and after them, with text left to read on. */
static void
test_string_stops (void)
{
  static const struct { const char *what; const char *value; const char *error; } stops[] = {
    { "", "", NULL },
    { "\\n", "\n", NULL },
    { "\\\"", "\"", NULL },
    { "\xc3\xa9", "\xc3\xa9", NULL },
    { "\x01", NULL, "unescaped control character U+0001 in a string" },
    { "\x7f", "\x7f", NULL },
    { "\xff", NULL, "the text is not valid UTF-8" },
  };
  g_auto(VrtcJsonReader) r = { 0 };

  for (guint k = 0; k < G_N_ELEMENTS (stops); k++)
    for (guint at = 0; at < 20; at++)
      {
        g_autofree char *run = g_strnfill (at, 'a');
        g_autofree char *text = g_strdup_printf ("\"%s%sbbb\"            ", run, stops[k].what);
        g_autoptr(GError) error = NULL;
        const char *s = NULL;
        gsize len = 0;

        message_case (k * 100 + at, NULL, text);
        reader_init (&r, text);
        if (stops[k].error != NULL)
          {
            g_autofree char *message = g_strdup_printf ("1:%u: %s", at + 2, stops[k].error);

            g_assert_false (vrtc_json_reader_read_string_span (&r, &s, &len, &error));
            g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
            g_assert_cmpstr (error->message, ==, message);
          }
        else
          {
            g_autofree char *value = g_strdup_printf ("%s%sbbb", run, stops[k].value);

            g_assert_true (vrtc_json_reader_read_string_span (&r, &s, &len, &error));
            g_assert_no_error (error);
            g_assert_cmpuint (len, ==, strlen (value));
            g_assert_true (memcmp (s, value, len) == 0);
            end_ok (&r);
          }
      }
}

/* Keys are unescaped, NUL-terminated and replaced by the next call; long ones grow the
 * buffer they live in. */
static void
test_keys (void)
{
  g_autoptr(GString) text = g_string_new ("{");
  g_autoptr(GError) error = NULL;
  g_auto(VrtcJsonReader) r = { 0 };
  const char *key = NULL;
  gsize key_len = 0;
  guint i = 0;

  for (guint k = 0; k < 12; k++)
    {
      /* key k is k * 40 characters long ("k" repeated, with an escape in odd ones) */
      g_string_append_c (text, '"');
      for (guint c = 0; c < k * 40; c++)
        g_string_append (text, k % 2 && c == 0 ? "\\u006b" : "k");
      g_string_append_printf (text, "\":\"%s\",", k % 2 ? "v\\u00e9" : "v");
    }
  g_string_append (text, "\"a\\u0000\":1}");

  reader_init_len (&r, text->str, text->len);
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  while (i < 12 && vrtc_json_reader_next_member (&r, &key, &key_len, &error))
    {
      const char *value = NULL;

      g_assert_cmpuint (key_len, ==, i * 40);
      g_assert_cmpuint (strlen (key), ==, i * 40);
      for (guint c = 0; c < key_len; c++)
        g_assert_cmpint (key[c], ==, 'k');
      g_assert_true (vrtc_json_reader_read_string (&r, &value, NULL, &error));
      g_assert_cmpstr (value, ==, i % 2 ? "v\xc3\xa9" : "v");
      i++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (i, ==, 12);

  /* "\u0000" is refused in names too */
  g_assert_false (vrtc_json_reader_next_member (&r, &key, &key_len, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE);
  g_assert_true (g_str_has_suffix (error->message, ": \\u0000 is not supported in a string"));
  g_assert_true (vrtc_json_reader_failed (&r));
}

/* The span calls give what next_member and read_string give, without the NUL: in the text
 * when there is no escape. */
static void
test_spans (void)
{
  static const char text[] =
    "{\"plain\": \"value\", \"\\u006bey\": \"a\\\"b\", \"\": \"\", \"n\": 1,\n \"x\": \"\\u0000\"}";
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;
  const char *s = NULL;
  gsize len = 0;

  reader_init (&r, text);
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));

  g_assert_true (vrtc_json_reader_next_member_span (&r, &s, &len, &error));
  g_assert_true (s == text + 2);
  g_assert_cmpuint (len, ==, 5);
  g_assert_true (vrtc_json_reader_read_string_span (&r, &s, &len, &error));
  g_assert_true (s == text + 11);
  g_assert_cmpuint (len, ==, 5);

  /* escaped: unescaped into the reader's buffer */
  g_assert_true (vrtc_json_reader_next_member_span (&r, &s, &len, &error));
  g_assert_cmpuint (len, ==, 3);
  g_assert_true (memcmp (s, "key", 3) == 0);
  g_assert_true (s < text || s >= text + sizeof text);
  g_assert_true (vrtc_json_reader_read_string_span (&r, &s, &len, &error));
  g_assert_cmpuint (len, ==, 3);
  g_assert_true (memcmp (s, "a\"b", 3) == 0);

  g_assert_true (vrtc_json_reader_next_member_span (&r, &s, &len, &error));
  g_assert_cmpuint (len, ==, 0);
  g_assert_true (vrtc_json_reader_read_string_span (&r, &s, &len, &error));
  g_assert_cmpuint (len, ==, 0);
  g_assert_no_error (error);

  /* the errors of read_string */
  g_assert_true (vrtc_json_reader_next_member_span (&r, &s, &len, &error));
  g_assert_false (vrtc_json_reader_read_string_span (&r, &s, &len, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "1:53: expected a string, got a number");
  g_clear_error (&error);

  reader_init (&r, text);
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  for (guint i = 0; i < 4; i++)
    g_assert_true (vrtc_json_reader_next_member_span (&r, &s, &len, &error));
  g_assert_true (vrtc_json_reader_skip (&r, &error));
  g_assert_true (vrtc_json_reader_next_member_span (&r, &s, &len, &error));
  g_assert_false (vrtc_json_reader_read_string_span (&r, &s, &len, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "2:8: \\u0000 is not supported in a string");
  g_clear_error (&error);
  g_assert_false (vrtc_json_reader_next_member_span (&r, &s, &len, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_FAILED);
}

static void
test_skip (void)
{
  const char *text =
    "[{\"a\": [1, {\"b\": [[], {}, \"x\\\"]\"]}], \"c\": null}, \"s\", 3, true,\n"
    " {\"keep\": 1, \"skip\": {\"deep\": [[[[\"]]]]\"]]]]}, \"after\": 2}]";
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;
  const char *key = NULL;
  gint64 n = 0;

  reader_init (&r, text);
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  for (guint i = 0; i < 4; i++)
    {
      element (&r);
      g_assert_true (vrtc_json_reader_skip (&r, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 61);
  element (&r);
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 64);
  g_assert_cmpuint (vrtc_json_reader_line (&r), ==, 2);
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  member_is (&r, "keep");
  g_assert_true (vrtc_json_reader_read_int64 (&r, &n, &error));
  g_assert_cmpint (n, ==, 1);
  /* a value not read is skipped by the next next_member */
  member_is (&r, "skip");
  member_is (&r, "after");
  g_assert_true (vrtc_json_reader_read_int64 (&r, &n, &error));
  g_assert_cmpint (n, ==, 2);
  object_done (&r);
  array_done (&r);
  end_ok (&r);

  /* unread elements likewise */
  reader_init (&r, "[[1, [2]], {\"x\": 1}, 3]");
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  element (&r);
  element (&r);
  element (&r);
  g_assert_true (vrtc_json_reader_read_int64 (&r, &n, &error));
  g_assert_cmpint (n, ==, 3);
  array_done (&r);
  end_ok (&r);

  /* skipping checks as strictly as reading */
  reader_init (&r, "[{\"a\": [1, 2,]}, 5]");
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  element (&r);
  g_assert_false (vrtc_json_reader_skip (&r, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_cmpstr (error->message, ==, "1:14: unexpected character ']', expected a value");
  g_clear_error (&error);

  reader_init (&r, "{\"a\": \"\\q\", \"b\": 1}");
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  member_is (&r, "a");
  g_assert_false (vrtc_json_reader_next_member (&r, &key, NULL, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_cmpstr (error->message, ==, "1:8: invalid escape in a string");
}

static void
test_offsets (void)
{
  const char *text = "  {\"k\" : [10, \"\\u00e9\"] }  ";
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;
  const char *s = NULL;
  double d = 0;

  reader_init (&r, text);
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 0);
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 3);
  member_is (&r, "k");
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 8);
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 10);
  element (&r);
  g_assert_true (vrtc_json_reader_read_number (&r, &d, &error));
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 12);
  element (&r);
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 14);
  g_assert_true (vrtc_json_reader_read_string (&r, &s, NULL, &error));
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 22);
  array_done (&r);
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 23);
  object_done (&r);
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 25);
  end_ok (&r);
  g_assert_cmpuint (vrtc_json_reader_offset (&r), ==, 27);
}

/* The text need not be NUL-terminated: nothing past len is looked at. */
static void
test_length (void)
{
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *buf = g_memdup2 ("[1]x\"abcdef\"", 12);
  const char *s = NULL;
  double d = 0;

  reader_init_len (&r, buf, 3);
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  element (&r);
  g_assert_true (vrtc_json_reader_read_number (&r, &d, &error));
  array_done (&r);
  end_ok (&r);

  reader_init_len (&r, buf + 4, 5);
  g_assert_false (vrtc_json_reader_read_string (&r, &s, NULL, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_cmpstr (error->message, ==, "1:6: unterminated string");
  g_clear_error (&error);

  reader_init_len (&r, buf + 4, 8);
  g_assert_true (vrtc_json_reader_read_string (&r, &s, NULL, &error));
  g_assert_cmpstr (s, ==, "abcdef");

  reader_init_len (&r, "12345", 2);
  g_assert_true (vrtc_json_reader_read_number (&r, &d, &error));
  g_assert_cmpfloat (d, ==, 12);
  end_ok (&r);
}

/* ---------------------------------------------------------------------------------------- */

typedef struct {
  const char *text;
  int         code;
  const char *message;
} BadCase;

static const BadCase bad_cases[] = {
  /* structure */
  { "[1,]", VRTC_ERROR_INVALID_JSON, "1:4: unexpected character ']', expected a value" },
  { "[,1]", VRTC_ERROR_INVALID_JSON, "1:2: unexpected character ',', expected a value" },
  { "[1 2]", VRTC_ERROR_INVALID_JSON, "1:4: unexpected character '2', expected ',' or ']'" },
  { "[1", VRTC_ERROR_INVALID_JSON, "1:3: unexpected end of text, expected ',' or ']'" },
  { "[", VRTC_ERROR_INVALID_JSON, "1:2: unexpected end of text, expected a value" },
  { "{\"a\":1,}", VRTC_ERROR_INVALID_JSON,
    "1:8: unexpected character '}', expected a string as the member name" },
  { "{1:2}", VRTC_ERROR_INVALID_JSON,
    "1:2: unexpected character '1', expected a string as the member name" },
  { "{\"a\" 1}", VRTC_ERROR_INVALID_JSON,
    "1:6: unexpected character '1', expected ':' after the member name" },
  { "{\"a\":1 \"b\":2}", VRTC_ERROR_INVALID_JSON,
    "1:8: unexpected character '\"', expected ',' or '}'" },
  { "{\"a\":}", VRTC_ERROR_INVALID_JSON, "1:6: unexpected character '}', expected a value" },
  { "{\"a\":1", VRTC_ERROR_INVALID_JSON, "1:7: unexpected end of text, expected ',' or '}'" },
  { "[1,\n  2,\n  tru]", VRTC_ERROR_INVALID_JSON,
    "3:3: unexpected character 't', expected a value" },
  { "[1, \xc3\xa9]", VRTC_ERROR_INVALID_JSON,
    "1:5: unexpected character U+00E9, expected a value" },
  { "[1, 'a']", VRTC_ERROR_INVALID_JSON, "1:5: unexpected character ''', expected a value" },
  { "[NaN]", VRTC_ERROR_INVALID_JSON, "1:2: unexpected character 'N', expected a value" },
  /* strings */
  { "\"abc", VRTC_ERROR_INVALID_JSON, "1:5: unterminated string" },
  { "\"ab\\", VRTC_ERROR_INVALID_JSON, "1:5: unterminated string" },
  { "\"\xc3\xa9\\x\"", VRTC_ERROR_INVALID_JSON, "1:3: invalid escape in a string" },
  { "\"\\u12\"", VRTC_ERROR_INVALID_JSON, "1:2: incomplete \\u escape in a string" },
  { "\"\\u12G4\"", VRTC_ERROR_INVALID_JSON, "1:2: invalid \\u escape in a string" },
  { "\"\\ud800\\uzzzz\"", VRTC_ERROR_INVALID_JSON, "1:8: invalid \\u escape in a string" },
  { "\"a\\u0000\"", VRTC_ERROR_INVALID_VALUE, "1:3: \\u0000 is not supported in a string" },
  { "\"a\tb\"", VRTC_ERROR_INVALID_JSON,
    "1:3: unescaped control character U+0009 in a string" },
  { "[\"a\nb\"]", VRTC_ERROR_INVALID_JSON,
    "1:4: unescaped control character U+000A in a string" },
  /* UTF-8 is checked as the reader gets to it */
  { "\"\xff\"", VRTC_ERROR_INVALID_JSON, "1:2: the text is not valid UTF-8" },
  { "[\"ok\",\n \"\xc3(\"]", VRTC_ERROR_INVALID_JSON, "2:3: the text is not valid UTF-8" },
  { "\"\xed\xa0\x80\"", VRTC_ERROR_INVALID_JSON, "1:2: the text is not valid UTF-8" },
  { "\"\xc0\xaf\"", VRTC_ERROR_INVALID_JSON, "1:2: the text is not valid UTF-8" },
  { "[1, \xff]", VRTC_ERROR_INVALID_JSON, "1:5: the text is not valid UTF-8" },
  { "[1 \xe2\x82", VRTC_ERROR_INVALID_JSON, "1:4: the text is not valid UTF-8" },
  /* numbers */
  { "-", VRTC_ERROR_INVALID_JSON, "1:2: unexpected end of text, expected a digit" },
  { "-x", VRTC_ERROR_INVALID_JSON, "1:2: unexpected character 'x', expected a digit" },
  { "1.x", VRTC_ERROR_INVALID_JSON,
    "1:3: unexpected character 'x', expected a digit after the decimal point" },
  { "1e+", VRTC_ERROR_INVALID_JSON,
    "1:4: unexpected end of text, expected a digit in the exponent" },
  { "[1e999]", VRTC_ERROR_INVALID_VALUE, "1:2: number out of range: 1e999" },
  { "-1e400", VRTC_ERROR_INVALID_VALUE, "1:1: number out of range: -1e400" },
  /* after the value */
  { "01", VRTC_ERROR_INVALID_JSON, "1:2: unexpected character '1', expected the end of the text" },
  { "{} {}", VRTC_ERROR_INVALID_JSON,
    "1:4: unexpected character '{', expected the end of the text" },
  { "[]\n\n]", VRTC_ERROR_INVALID_JSON,
    "3:1: unexpected character ']', expected the end of the text" },
};

/* Each bad text fails read_value, skip, and a walk with the cursor calls, the same way. */
static void
test_bad (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *c = &bad_cases[i];

      message_case (i, NULL, c->text);
      for (guint how = 0; how < 2; how++)
        {
          g_auto(VrtcJsonReader) r = { 0 };
          g_autoptr(GError) error = NULL;
          VrtcValue v = VRTC_VALUE_INIT;
          gboolean ok;

          reader_init (&r, c->text);
          if (how == 0)
            ok = vrtc_json_reader_read_value (&r, &v, &error);
          else
            ok = vrtc_json_reader_skip (&r, &error);
          /* out is untouched on error */
          if (!ok)
            g_assert_cmpint (v.kind, ==, VRTC_VALUE_NONE);
          else
            ok = vrtc_json_reader_end (&r, &error);
          g_assert_false (ok);
          g_assert_error (error, VRTC_ERROR, c->code);
          g_assert_cmpstr (error->message, ==, c->message);
          g_assert_true (vrtc_json_reader_failed (&r));
          vrtc_value_clear (&v);
        }
    }
}

static void
test_wrong_type (void)
{
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;
  const char *s = NULL;
  gboolean b = FALSE;
  double d = 0;

  reader_init (&r, "  42");
  g_assert_false (vrtc_json_reader_read_string (&r, &s, NULL, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "1:3: expected a string, got a number");
  g_clear_error (&error);

  reader_init (&r, "[]");
  g_assert_false (vrtc_json_reader_begin_object (&r, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "1:1: expected an object, got an array");
  g_clear_error (&error);

  reader_init (&r, "{\"a\":\n null}");
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  member_is (&r, "a");
  g_assert_false (vrtc_json_reader_read_number (&r, &d, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "2:2: expected a number, got null");
  g_clear_error (&error);

  reader_init (&r, "\"true\"");
  g_assert_false (vrtc_json_reader_read_bool (&r, &b, &error));
  g_assert_cmpstr (error->message, ==, "1:1: expected a boolean, got a string");
  g_clear_error (&error);

  reader_init (&r, "{}");
  g_assert_false (vrtc_json_reader_begin_array (&r, &error));
  g_assert_cmpstr (error->message, ==, "1:1: expected an array, got an object");
  g_clear_error (&error);

  reader_init (&r, "true");
  g_assert_false (vrtc_json_reader_read_null (&r, &error));
  g_assert_cmpstr (error->message, ==, "1:1: expected null, got a boolean");
}

/* After an error, and when called in the wrong place, calls fail and say so. */
static void
test_failed (void)
{
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;
  const char *key = NULL;
  gsize key_len = 0;
  gint64 n = 0;

  reader_init (&r, "[1 2]");
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  element (&r);
  g_assert_true (vrtc_json_reader_read_int64 (&r, &n, &error));
  /* without a GError, failed() tells the error from the end of the array */
  g_assert_false (vrtc_json_reader_next_element (&r, NULL));
  g_assert_true (vrtc_json_reader_failed (&r));
  g_assert_false (vrtc_json_reader_next_element (&r, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_INVALID);

  reader_init (&r, "[1]");
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  g_assert_false (vrtc_json_reader_next_member (&r, &key, &key_len, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "1:2: not in an object");
  g_clear_error (&error);

  reader_init (&r, "{\"a\": 1}");
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  g_assert_false (vrtc_json_reader_read_int64 (&r, &n, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "1:2: no value to read here");
  g_clear_error (&error);

  reader_init (&r, "{\"a\": 1}");
  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
  g_assert_false (vrtc_json_reader_end (&r, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_FAILED);
  g_clear_error (&error);

  reader_init (&r, "{\"a\": 1}");
  g_assert_false (vrtc_json_reader_next_element (&r, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "1:1: not in an array");
}

static void
test_nesting (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 512; i++)
    g_string_append (deep, i % 2 ? "[" : "{\"k\":");
  for (int i = 511; i >= 0; i--)
    g_string_append_c (deep, i % 2 ? ']' : '}');

  for (guint how = 0; how < 3; how++)
    {
      g_auto(VrtcJsonReader) r = { 0 };
      VrtcValue v = VRTC_VALUE_INIT;

      reader_init_len (&r, deep->str, deep->len);
      if (how == 0)
        g_assert_true (vrtc_json_reader_read_value (&r, &v, &error));
      else if (how == 1)
        g_assert_true (vrtc_json_reader_skip (&r, &error));
      else
        {
          const char *key;
          gsize key_len;

          /* all the way down with the cursor calls, and back up */
          for (int i = 0; i < 512; i++)
            {
              if (i % 2 == 0)
                {
                  g_assert_true (vrtc_json_reader_begin_object (&r, &error));
                  member_is (&r, "k");
                }
              else
                {
                  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
                  if (i < 511)
                    element (&r);
                }
            }
          g_assert_cmpint (vrtc_json_reader_peek (&r), ==, VRTC_JSON_END);
          for (int i = 511; i >= 0; i--)
            g_assert_false (i % 2 ? vrtc_json_reader_next_element (&r, &error)
                                  : vrtc_json_reader_next_member (&r, &key, &key_len, &error));
        }
      g_assert_no_error (error);
      end_ok (&r);
      vrtc_value_clear (&v);
    }

  g_string_insert_c (deep, 0, '[');
  g_string_append_c (deep, ']');
  for (guint how = 0; how < 2; how++)
    {
      g_auto(VrtcJsonReader) r = { 0 };
      VrtcValue v = VRTC_VALUE_INIT;

      reader_init_len (&r, deep->str, deep->len);
      g_assert_false (how == 0 ? vrtc_json_reader_read_value (&r, &v, &error)
                               : vrtc_json_reader_skip (&r, &error));
      g_assert_error (error, VRTC_ERROR, VRTC_ERROR_TOO_LARGE);
      g_assert_cmpstr (error->message, ==, "1:1537: nested deeper than 512 levels");
      g_clear_error (&error);
    }
}

/* read_value gives what vrtc_codec_parse_value gives, also in the middle of a text */
static void
test_read_value (void)
{
  static const char *values[] = {
    "{\"b\":[1,2,3],\"a\":{\"x\":[true,null,\"s\\u00e9\"]},\"a\":-0,\"c\":[]}",
    "[1, \"2\", [3, 4.5e1], {}]",
    "\"\\ud83d\\ude00\"",
    "123456789012345678901234567890",
    "false",
  };
  g_autoptr(GString) all = g_string_new ("[");
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_string_append_printf (all, "%s%s", i ? ",\n" : "", values[i]);
  g_string_append_c (all, ']');

  reader_init_len (&r, all->str, all->len);
  g_assert_true (vrtc_json_reader_begin_array (&r, &error));
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      VrtcValue v = VRTC_VALUE_INIT;
      VrtcValue w = VRTC_VALUE_INIT;

      element (&r);
      g_assert_true (vrtc_json_reader_read_value (&r, &v, &error));
      g_assert_true (vrtc_codec_parse_value (values[i], -1, &w, &error));
      g_assert_no_error (error);
      g_assert_true (vrtc_value_equal (&v, &w));
      vrtc_value_clear (&v);
      vrtc_value_clear (&w);
    }
  array_done (&r);
  end_ok (&r);
}

static void
test_json_lines (void)
{
  const char *text = "{\"a\":1}\n  [2]  \r\n\n\"x\" \n{\"b\":3} {\"c\":4}\n";
  g_auto(VrtcJsonReader) r = { 0 };
  g_autoptr(GError) error = NULL;
  static const char *expected[] = { "{\"a\":1}", "[2]", "\"x\"", "{\"b\":3}" };
  static const guint lines[] = { 1, 2, 4, 5 };
  guint n = 0;

  reader_init (&r, text);
  while (vrtc_json_reader_peek (&r) != VRTC_JSON_END)
    {
      g_autofree char *json = NULL;

      g_assert_cmpuint (vrtc_json_reader_line (&r), ==, lines[n]);
      json = value_json (&r);
      g_assert_cmpstr (json, ==, expected[n]);
      n++;
      if (!vrtc_json_reader_end_line (&r, &error))
        break;
    }
  g_assert_cmpuint (n, ==, 4);
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_cmpstr (error->message, ==,
                   "5:9: unexpected character '{', expected the end of the line");
}

static void
test_check_utf8 (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vrtc_json_check_utf8 ("caf\xc3\xa9", 5, &error));
  g_assert_no_error (error);
  g_assert_false (vrtc_json_check_utf8 ("ab\n\xc3\xa9\xff", 6, &error));
  g_assert_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_JSON);
  g_assert_cmpstr (error->message, ==, "2:2: the text is not valid UTF-8");
  g_clear_error (&error);
  g_assert_false (vrtc_json_check_utf8 ("ab\0c", 4, &error));
  g_assert_cmpstr (error->message, ==, "1:3: NUL byte in the text");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-reader/walk", test_walk);
  g_test_add_func ("/json-reader/scalars", test_scalars_top_level);
  g_test_add_func ("/json-reader/numbers", test_numbers);
  g_test_add_func ("/json-reader/strings", test_strings);
  g_test_add_func ("/json-reader/keys", test_keys);
  g_test_add_func ("/json-reader/spans", test_spans);
  g_test_add_func ("/json-reader/string-stops", test_string_stops);
  g_test_add_func ("/json-reader/skip", test_skip);
  g_test_add_func ("/json-reader/offsets", test_offsets);
  g_test_add_func ("/json-reader/length", test_length);
  g_test_add_func ("/json-reader/bad", test_bad);
  g_test_add_func ("/json-reader/wrong-type", test_wrong_type);
  g_test_add_func ("/json-reader/failed", test_failed);
  g_test_add_func ("/json-reader/nesting", test_nesting);
  g_test_add_func ("/json-reader/read-value", test_read_value);
  g_test_add_func ("/json-reader/json-lines", test_json_lines);
  g_test_add_func ("/json-reader/check-utf8", test_check_utf8);

  return g_test_run ();
}
