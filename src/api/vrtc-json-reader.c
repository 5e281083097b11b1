/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "vrtc-json-reader.h"

/*
 * The one JSON tokenizer of the library: the codec (vrtc_codec_parse_value, messages, journals)
 * reads through it too. See vrtc-codec.c for why it is not JsonParser.
 *
 * State: at_value is set where a value is to be read (the start of the text, after a member
 * name, after next_element); first is set right after '[' or '{'. Closing a container leaves
 * the reader after a value of the enclosing one (first and at_value unset), so one flag of
 * each is enough; objects[] only says which kind each open container is.
 */

/* ---------------------------------------------------------------------------------------- */
/* Errors                                                                                     */

static guint
column_of (const VrtcJsonReader *r,
           const char           *at)
{
  return (guint) g_utf8_strlen (r->line_start, at - r->line_start) + 1;
}

static gboolean
reader_verror (VrtcJsonReader *r,
               const char     *at,
               GError        **error,
               int             code,
               const char     *format,
               va_list         args)
{
  g_autofree char *detail = g_strdup_vprintf (format, args);

  r->failed = TRUE;
  g_set_error (error, VRTC_ERROR, code, "%u:%u: %s", r->line, column_of (r, at), detail);
  return FALSE;
}

G_GNUC_PRINTF (5, 6)
static gboolean
reader_error (VrtcJsonReader *r,
              const char     *at,
              GError        **error,
              int             code,
              const char     *format,
              ...)
{
  va_list args;

  va_start (args, format);
  reader_verror (r, at, error, code, format, args);
  va_end (args);
  return FALSE;
}

gboolean
vrtc_json_reader_error (const VrtcJsonReader *r,
                        GError              **error,
                        int                   code,
                        const char           *format,
                        ...)
{
  VrtcJsonReader copy;
  va_list args;

  g_return_val_if_fail (r != NULL, FALSE);

  /* the caller's reader is const: it is not marked failed */
  memcpy (&copy, r, sizeof copy);
  va_start (args, format);
  reader_verror (&copy, r->p, error, code, format, args);
  va_end (args);
  return FALSE;
}

static gboolean
unexpected (VrtcJsonReader *r,
            GError        **error,
            const char     *expected)
{
  guchar c;
  gunichar u;

  if (r->p >= r->end)
    return reader_error (r, r->p, error, VRTC_ERROR_INVALID_JSON,
                         "unexpected end of text, expected %s", expected);
  c = (guchar) *r->p;
  if (c >= 0x20 && c < 0x7f)
    return reader_error (r, r->p, error, VRTC_ERROR_INVALID_JSON,
                         "unexpected character '%c', expected %s", c, expected);
  if (c == 0)
    return reader_error (r, r->p, error, VRTC_ERROR_INVALID_JSON, "NUL byte in the text");
  u = g_utf8_get_char_validated (r->p, r->end - r->p);
  if (u >= 0xfffffffe)
    return reader_error (r, r->p, error, VRTC_ERROR_INVALID_JSON,
                         "the text is not valid UTF-8");
  return reader_error (r, r->p, error, VRTC_ERROR_INVALID_JSON,
                       "unexpected character U+%04X, expected %s", u, expected);
}

/* Calls in the wrong place: a bug of the caller, reported as an error all the same. */
static gboolean
misuse (VrtcJsonReader *r,
        GError        **error,
        const char     *what)
{
  if (r->failed)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_FAILED, "the JSON reader failed earlier");
      return FALSE;
    }
  return reader_error (r, r->p, error, VRTC_ERROR_FAILED, "%s", what);
}

static const char *
kind_name (VrtcJsonKind kind)
{
  switch (kind)
    {
    case VRTC_JSON_NULL: return "null";
    case VRTC_JSON_BOOL: return "a boolean";
    case VRTC_JSON_NUMBER: return "a number";
    case VRTC_JSON_STRING: return "a string";
    case VRTC_JSON_ARRAY: return "an array";
    case VRTC_JSON_OBJECT: return "an object";
    case VRTC_JSON_END:
    case VRTC_JSON_INVALID:
    default: return "nothing";
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Tokens                                                                                     */

static inline void
skip_ws (VrtcJsonReader *r)
{
  while (r->p < r->end && (guchar) *r->p <= ' ')
    {
      char c = *r->p;

      if (c == '\n')
        {
          r->line++;
          r->line_start = ++r->p;
        }
      else if (c == ' ' || c == '\t' || c == '\r')
        r->p++;
      else
        break;
    }
}

/* What the character at p starts; literals are checked whole. */
static inline VrtcJsonKind
classify (const VrtcJsonReader *r,
          const char           *p)
{
  if (p >= r->end)
    return VRTC_JSON_INVALID;
  switch (*p)
    {
    case '{': return VRTC_JSON_OBJECT;
    case '[': return VRTC_JSON_ARRAY;
    case '"': return VRTC_JSON_STRING;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return VRTC_JSON_NUMBER;
    case 't':
      return r->end - p >= 4 && memcmp (p, "true", 4) == 0 ? VRTC_JSON_BOOL : VRTC_JSON_INVALID;
    case 'f':
      return r->end - p >= 5 && memcmp (p, "false", 5) == 0 ? VRTC_JSON_BOOL : VRTC_JSON_INVALID;
    case 'n':
      return r->end - p >= 4 && memcmp (p, "null", 4) == 0 ? VRTC_JSON_NULL : VRTC_JSON_INVALID;
    default:
      return VRTC_JSON_INVALID;
    }
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads four hex digits after "\u"; p points at the backslash. */
static gboolean
read_u_escape (VrtcJsonReader *r,
               const char     *p,
               gunichar       *out,
               GError        **error)
{
  gunichar u = 0;

  if (r->end - p < 6)
    return reader_error (r, p, error, VRTC_ERROR_INVALID_JSON,
                         "incomplete \\u escape in a string");
  for (int i = 2; i < 6; i++)
    {
      int h = hex_value (p[i]);

      if (h < 0)
        return reader_error (r, p, error, VRTC_ERROR_INVALID_JSON,
                             "invalid \\u escape in a string");
      u = (u << 4) | (gunichar) h;
    }
  *out = u;
  return TRUE;
}

/* Makes room for n more bytes (and a NUL) after the first used bytes of the scratch buffer. */
static char *
scratch_reserve (VrtcJsonReader *r,
                 gsize           used,
                 gsize           n)
{
  if (used + n + 1 > r->scratch_size)
    {
      r->scratch_size = MAX (MAX (r->scratch_size * 2, used + n + 1), 64);
      r->scratch = g_realloc (r->scratch, r->scratch_size);
    }
  return r->scratch + used;
}

/* Bytes that end a run of plain string content: '"', '\\', controls, and non-ASCII (checked
 * for UTF-8 one character at a time). */
static const guint8 string_special[256] = {
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* '"' */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,   /* '\\' */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

#define ONES G_GUINT64_CONSTANT (0x0101010101010101)

/* Plain string content from p: returns where it stops ('"', '\\', a control character or the
 * end of the text), or NULL (error set) at a byte that is not UTF-8. */
static const char *
skip_plain (VrtcJsonReader *r,
            const char     *p,
            GError        **error)
{
  for (;;)
    {
      gunichar u;

      /* eight bytes at a time while none is special: a byte < 0x20 or >= 0x80 sets the high
       * bit of (w - 0x20) or of w, a '"' or '\\' that of (w ^ c) - 1. Borrows only
       * flag bytes after a special one, so the first flag is exact: on a little-endian
       * machine the lowest bit set leads straight to it (most strings end in their first
       * eight bytes); elsewhere the byte loop finds it. */
      while (r->end - p >= 8)
        {
          guint64 w, special;

          memcpy (&w, p, 8);
          special = ((w - ONES * 0x20) | ((w ^ (ONES * '"')) - ONES) |
                     ((w ^ (ONES * '\\')) - ONES) | w) & (ONES * 0x80);
          if (special != 0)
            {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN && defined (__GNUC__)
              p += __builtin_ctzll (special) / 8;
#endif
              break;
            }
          p += 8;
        }
      while (p < r->end && !string_special[(guchar) *p])
        p++;
      if (p >= r->end || (guchar) *p < 0x80)
        return p;
      u = g_utf8_get_char_validated (p, r->end - p);
      if (u >= 0xfffffffe)
        {
          reader_error (r, p, error, VRTC_ERROR_INVALID_JSON, "the text is not valid UTF-8");
          return NULL;
        }
      p = g_utf8_next_char (p);
    }
}

/* One escape at p (the backslash) appended to the scratch buffer at *used; returns the byte
 * after it, or NULL (error set). */
static const char *
read_escape (VrtcJsonReader *r,
             const char     *p,
             gsize          *used,
             GError        **error)
{
  char c;
  gunichar u, low;

  switch (p[1])
    {
    case '"': c = '"'; break;
    case '\\': c = '\\'; break;
    case '/': c = '/'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u':
      if (!read_u_escape (r, p, &u, error))
        return NULL;
      if (u == 0)
        {
          reader_error (r, p, error, VRTC_ERROR_INVALID_VALUE,
                        "\\u0000 is not supported in a string");
          return NULL;
        }
      p += 6;
      if (u >= 0xd800 && u <= 0xdbff && r->end - p >= 6 && p[0] == '\\' && p[1] == 'u')
        {
          if (!read_u_escape (r, p, &low, error))
            return NULL;
          /* else a lone high surrogate: the next escape is read again */
          if (low >= 0xdc00 && low <= 0xdfff)
            {
              u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
              p += 6;
            }
        }
      /* a lone surrogate (JSON.stringify of a split pair) has no UTF-8 form */
      if (u >= 0xd800 && u <= 0xdfff)
        u = 0xfffd;
      *used += g_unichar_to_utf8 (u, scratch_reserve (r, *used, 6));
      return p;
    default:
      reader_error (r, p, error, VRTC_ERROR_INVALID_JSON, "invalid escape in a string");
      return NULL;
    }
  *scratch_reserve (r, *used, 1) = c;
  (*used)++;
  return p + 2;
}

/* A string at r->p (the opening quote). On success r->p is after the closing quote and
 * *out, *len the content: in the text itself when it has no escapes (not NUL-terminated),
 * else in the scratch buffer (NUL-terminated). */
static gboolean
scan_string (VrtcJsonReader  *r,
             const char     **out,
             gsize           *len,
             GError         **error)
{
  const char *start = r->p + 1;
  const char *p = start;
  gsize used = 0;
  gboolean escaped = FALSE;

  for (;;)
    {
      const char *run = p;
      guchar c;

      p = skip_plain (r, p, error);
      if (p == NULL)
        return FALSE;
      if (escaped || (p < r->end && *p == '\\'))
        {
          memcpy (scratch_reserve (r, used, p - run), run, p - run);
          used += p - run;
        }
      if (p >= r->end || (p + 1 >= r->end && *p == '\\'))
        {
          r->p = r->end;
          return reader_error (r, r->p, error, VRTC_ERROR_INVALID_JSON, "unterminated string");
        }
      c = (guchar) *p;
      if (c == '"')
        break;
      if (c < 0x20)
        return reader_error (r, p, error, VRTC_ERROR_INVALID_JSON,
                             "unescaped control character U+%04X in a string", c);
      escaped = TRUE;
      p = read_escape (r, p, &used, error);
      if (p == NULL)
        return FALSE;
    }

  if (escaped)
    {
      r->scratch[used] = '\0';
      *out = r->scratch;
      *len = used;
    }
  else
    {
      *out = start;
      *len = p - start;
    }
  r->p = p + 1;
  return TRUE;
}

/* The string at r->p, NUL-terminated in the scratch buffer. */
static gboolean
scan_string_borrowed (VrtcJsonReader  *r,
                      const char     **out,
                      gsize           *len,
                      GError         **error)
{
  const char *p = r->p + 1;
  const char *limit;
  const char *s;
  char *dst;
  gsize n;

  /* short plain strings (member names, mostly) are copied as they are scanned */
  if (r->scratch_size < 64)
    scratch_reserve (r, 0, 63);
  limit = p + MIN ((gsize) (r->end - p), r->scratch_size - 1);
  for (dst = r->scratch; p < limit && !string_special[(guchar) *p]; p++)
    *dst++ = *p;
  if (p < limit && *p == '"')
    {
      *dst = '\0';
      *out = r->scratch;
      if (len != NULL)
        *len = dst - r->scratch;
      r->p = p + 1;
      return TRUE;
    }

  if (!scan_string (r, &s, &n, error))
    return FALSE;
  if (s != r->scratch)
    {
      memcpy (scratch_reserve (r, 0, n), s, n);
      r->scratch[n] = '\0';
    }
  *out = r->scratch;
  if (len != NULL)
    *len = n;
  return TRUE;
}

static gboolean
scan_number (VrtcJsonReader *r,
             double         *out,
             GError        **error)
{
  const char *start = r->p;
  const char *p = start;
  gboolean integer = TRUE;
  guint64 digits = 0;   /* the integer part as it is scanned; used only when it fits */
  char buf[64];
  char *copy = NULL;
  double d;

  if (p < r->end && *p == '-')
    p++;
  if (p < r->end && *p == '0')
    p++;
  else if (p < r->end && *p >= '1' && *p <= '9')
    while (p < r->end && g_ascii_isdigit (*p))
      digits = digits * 10 + (guint64) (*p++ - '0');
  else
    {
      r->p = p;
      return unexpected (r, error, "a digit");
    }
  if (p < r->end && *p == '.')
    {
      integer = FALSE;
      p++;
      if (p >= r->end || !g_ascii_isdigit (*p))
        {
          r->p = p;
          return unexpected (r, error, "a digit after the decimal point");
        }
      while (p < r->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < r->end && (*p == 'e' || *p == 'E'))
    {
      integer = FALSE;
      p++;
      if (p < r->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= r->end || !g_ascii_isdigit (*p))
        {
          r->p = p;
          return unexpected (r, error, "a digit in the exponent");
        }
      while (p < r->end && g_ascii_isdigit (*p))
        p++;
    }

  if (integer && p - start <= 16)
    d = *start == '-' ? -(double) digits : (double) digits;
  else
    {
      gsize n = p - start;
      char *s = n < sizeof buf ? buf : (copy = g_malloc (n + 1));

      memcpy (s, start, n);
      s[n] = '\0';
      d = g_ascii_strtod (s, NULL);
      g_free (copy);
    }

  if (!isfinite (d))
    return reader_error (r, start, error, VRTC_ERROR_INVALID_VALUE,
                         "number out of range: %.*s", (int) MIN (p - start, 40), start);
  *out = d == 0 ? 0.0 : d;   /* no -0, as in VrtcValue */
  r->p = p;
  return TRUE;
}

/* ---------------------------------------------------------------------------------------- */
/* Positioning                                                                                */

void
vrtc_json_reader_init (VrtcJsonReader *r,
                       const char     *text,
                       gsize           len)
{
  g_return_if_fail (r != NULL);
  g_return_if_fail (text != NULL || len == 0);

  memset (r, 0, sizeof *r);
  r->text = text != NULL ? text : "";
  r->p = r->text;
  r->end = r->text + len;
  r->line_start = r->text;
  r->line = 1;
  r->at_value = TRUE;
}

void
vrtc_json_reader_clear (VrtcJsonReader *r)
{
  g_return_if_fail (r != NULL);

  g_clear_pointer (&r->scratch, g_free);
  r->scratch_size = 0;
}

void
vrtc_json_reader_set_element_func (VrtcJsonReader     *r,
                                   VrtcJsonElementFunc func,
                                   gpointer            data,
                                   guint               max_depth)
{
  g_return_if_fail (r != NULL);
  g_return_if_fail (max_depth < VRTC_JSON_PATH_MAX);

  r->element_func = func;
  r->element_data = data;
  r->element_max_depth = max_depth;
}

gsize
vrtc_json_reader_offset (const VrtcJsonReader *r)
{
  g_return_val_if_fail (r != NULL, 0);

  return r->p - r->text;
}

guint
vrtc_json_reader_line (const VrtcJsonReader *r)
{
  g_return_val_if_fail (r != NULL, 0);

  return r->line;
}

gboolean
vrtc_json_reader_failed (const VrtcJsonReader *r)
{
  g_return_val_if_fail (r != NULL, TRUE);

  return r->failed;
}

static gboolean
in_object (const VrtcJsonReader *r)
{
  guint level = r->depth - 1;

  return r->depth > 0 && (r->objects[level / 8] & (1u << (level % 8))) != 0;
}

VrtcJsonKind
vrtc_json_reader_peek (VrtcJsonReader *r)
{
  const char *p;

  g_return_val_if_fail (r != NULL, VRTC_JSON_INVALID);

  if (r->failed)
    return VRTC_JSON_INVALID;
  skip_ws (r);
  if (r->at_value)
    return r->depth == 0 && r->p >= r->end ? VRTC_JSON_END : classify (r, r->p);
  if (r->depth == 0)
    return r->p >= r->end ? VRTC_JSON_END : VRTC_JSON_INVALID;
  if (r->p < r->end && *r->p == (in_object (r) ? '}' : ']'))
    return VRTC_JSON_END;
  p = r->p;
  if (!r->first)
    {
      /* look past the separator */
      if (p >= r->end || *p != ',')
        return VRTC_JSON_INVALID;
      for (p++; p < r->end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'); p++)
        ;
    }
  if (in_object (r))
    return p < r->end && *p == '"' ? VRTC_JSON_STRING : VRTC_JSON_INVALID;
  return classify (r, p);
}

/* The reader must be at a value of the kind asked for (any kind for VRTC_JSON_END);
 * whitespace before it is skipped. Returns the kind found. */
static gboolean
expect_value (VrtcJsonReader *r,
              VrtcJsonKind    want,
              VrtcJsonKind   *found,
              GError        **error)
{
  VrtcJsonKind kind;

  if (!r->at_value || r->failed)
    return misuse (r, error, "no value to read here");
  skip_ws (r);
  kind = classify (r, r->p);
  if (kind == VRTC_JSON_INVALID)
    return unexpected (r, error, "a value");
  if (want != VRTC_JSON_END && kind != want)
    return reader_error (r, r->p, error, VRTC_ERROR_WRONG_TYPE, "expected %s, got %s",
                         kind_name (want), kind_name (kind));
  if (found != NULL)
    *found = kind;
  return TRUE;
}

static gboolean
enter (VrtcJsonReader *r,
       gboolean        object,
       GError        **error)
{
  guint level = r->depth;

  if (r->depth >= VRTC_JSON_MAX_DEPTH)
    return reader_error (r, r->p, error, VRTC_ERROR_TOO_LARGE,
                         "nested deeper than %d levels", VRTC_JSON_MAX_DEPTH);
  if (object)
    r->objects[level / 8] |= (guint8) (1u << (level % 8));
  else
    r->objects[level / 8] &= (guint8) ~(1u << (level % 8));
  r->depth++;
  r->p++;
  r->at_value = FALSE;
  r->first = TRUE;
  return TRUE;
}

gboolean
vrtc_json_reader_begin_object (VrtcJsonReader *r,
                               GError        **error)
{
  g_return_val_if_fail (r != NULL, FALSE);

  return expect_value (r, VRTC_JSON_OBJECT, NULL, error) && enter (r, TRUE, error);
}

gboolean
vrtc_json_reader_begin_array (VrtcJsonReader *r,
                              GError        **error)
{
  g_return_val_if_fail (r != NULL, FALSE);

  return expect_value (r, VRTC_JSON_ARRAY, NULL, error) && enter (r, FALSE, error);
}

/* Between the items of the innermost container: consumes the separator (TRUE) or the
 * closing bracket (FALSE, error unset). */
static gboolean
next_item (VrtcJsonReader *r,
           gboolean        object,
           GError        **error)
{
  char close = object ? '}' : ']';

  if (r->failed || r->depth == 0 || in_object (r) != object)
    return misuse (r, error, object ? "not in an object" : "not in an array");
  if (r->at_value && !vrtc_json_reader_skip (r, error))
    return FALSE;

  skip_ws (r);
  if (r->p < r->end && *r->p == close)
    {
      r->p++;
      r->depth--;
      r->first = FALSE;
      return FALSE;
    }
  if (!r->first)
    {
      if (r->p >= r->end || *r->p != ',')
        return unexpected (r, error, object ? "',' or '}'" : "',' or ']'");
      r->p++;
      skip_ws (r);
    }
  r->first = FALSE;
  r->at_value = TRUE;
  return TRUE;
}

/* next_member, with the name NUL-terminated in the scratch buffer (terminated) or wherever
 * scan_string leaves it (key_len then not NULL) */
static gboolean
next_member (VrtcJsonReader  *r,
             const char     **key,
             gsize           *key_len,
             gboolean         terminated,
             GError         **error)
{
  if (!next_item (r, TRUE, error))
    return FALSE;
  if (r->p >= r->end || *r->p != '"')
    return unexpected (r, error, "a string as the member name");
  if (terminated ? !scan_string_borrowed (r, key, key_len, error)
                 : !scan_string (r, key, key_len, error))
    return FALSE;
  skip_ws (r);
  if (r->p >= r->end || *r->p != ':')
    return unexpected (r, error, "':' after the member name");
  r->p++;
  return TRUE;
}

gboolean
vrtc_json_reader_next_member (VrtcJsonReader  *r,
                              const char     **key,
                              gsize           *key_len,
                              GError         **error)
{
  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return next_member (r, key, key_len, TRUE, error);
}

gboolean
vrtc_json_reader_next_member_span (VrtcJsonReader  *r,
                                   const char     **key,
                                   gsize           *key_len,
                                   GError         **error)
{
  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (key_len != NULL, FALSE);

  return next_member (r, key, key_len, FALSE, error);
}

gboolean
vrtc_json_reader_next_element (VrtcJsonReader *r,
                               GError        **error)
{
  g_return_val_if_fail (r != NULL, FALSE);

  return next_item (r, FALSE, error);
}

/* ---------------------------------------------------------------------------------------- */
/* Values                                                                                     */

gboolean
vrtc_json_reader_read_string (VrtcJsonReader  *r,
                              const char     **out,
                              gsize           *len,
                              GError         **error)
{
  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!expect_value (r, VRTC_JSON_STRING, NULL, error) ||
      !scan_string_borrowed (r, out, len, error))
    return FALSE;
  r->at_value = FALSE;
  return TRUE;
}

gboolean
vrtc_json_reader_read_string_span (VrtcJsonReader  *r,
                                   const char     **out,
                                   gsize           *len,
                                   GError         **error)
{
  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (len != NULL, FALSE);

  if (!expect_value (r, VRTC_JSON_STRING, NULL, error) || !scan_string (r, out, len, error))
    return FALSE;
  r->at_value = FALSE;
  return TRUE;
}

static gboolean read_scalar (VrtcJsonReader *r,
                             VrtcJsonKind    kind,
                             VrtcValue      *out,
                             GError        **error);

/* A scalar of the kind asked for, into out (or nowhere when NULL). */
static gboolean
read_typed (VrtcJsonReader *r,
            VrtcJsonKind    kind,
            VrtcValue      *out,
            GError        **error)
{
  return expect_value (r, kind, NULL, error) && read_scalar (r, kind, out, error);
}

gboolean
vrtc_json_reader_dup_string (VrtcJsonReader  *r,
                             char           **out,
                             GError         **error)
{
  VrtcValue v = VRTC_VALUE_INIT;

  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!read_typed (r, VRTC_JSON_STRING, &v, error))
    return FALSE;
  *out = v.u.str;
  return TRUE;
}

gboolean
vrtc_json_reader_read_number (VrtcJsonReader *r,
                              double         *out,
                              GError        **error)
{
  double d;

  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  /* read_scalar without the VrtcValue: scan_number already refuses what set_number would */
  if (!expect_value (r, VRTC_JSON_NUMBER, NULL, error) || !scan_number (r, &d, error))
    return FALSE;
  r->at_value = FALSE;
  *out = d;
  return TRUE;
}

gboolean
vrtc_json_reader_read_int64 (VrtcJsonReader *r,
                             gint64         *out,
                             GError        **error)
{
  VrtcValue v = VRTC_VALUE_INIT;
  const char *start;

  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!expect_value (r, VRTC_JSON_NUMBER, NULL, error))
    return FALSE;
  start = r->p;
  if (!read_scalar (r, VRTC_JSON_NUMBER, &v, error))
    return FALSE;
  /* 2^53 - 1: the largest integer a double holds exactly */
  if (v.u.num != floor (v.u.num) || fabs (v.u.num) > 9007199254740991.0)
    return reader_error (r, start, error, VRTC_ERROR_INVALID_VALUE,
                         "expected an integer, got %.*s", (int) MIN (r->p - start, 40), start);
  *out = (gint64) v.u.num;
  return TRUE;
}

gboolean
vrtc_json_reader_read_bool (VrtcJsonReader *r,
                            gboolean       *out,
                            GError        **error)
{
  VrtcValue v = VRTC_VALUE_INIT;

  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!read_typed (r, VRTC_JSON_BOOL, &v, error))
    return FALSE;
  *out = v.u.b;
  return TRUE;
}

gboolean
vrtc_json_reader_read_null (VrtcJsonReader *r,
                            GError        **error)
{
  g_return_val_if_fail (r != NULL, FALSE);

  return read_typed (r, VRTC_JSON_NULL, NULL, error);
}

static gboolean read_tree (VrtcJsonReader *r,
                           VrtcValue      *out,
                           GError        **error);

/* The items of an array or object being read: on the stack until there are many. */
#define STACK_ITEMS 16

typedef struct {
  char  *data;
  gsize  item_size;
  guint  len;
  guint  size;
  char  *stack;
} Items;

static void
items_init (Items   *items,
            gpointer stack,
            gsize    item_size)
{
  items->data = items->stack = stack;
  items->item_size = item_size;
  items->len = 0;
  items->size = STACK_ITEMS;
}

static void
items_push (Items        *items,
            gconstpointer item)
{
  if (items->len == items->size)
    {
      items->size *= 2;
      if (items->data == items->stack)
        {
          items->data = g_malloc (items->item_size * items->size);
          memcpy (items->data, items->stack, items->item_size * items->len);
        }
      else
        items->data = g_realloc (items->data, items->item_size * items->size);
    }
  memcpy (items->data + items->item_size * items->len++, item, items->item_size);
}

/* The items as a g_malloc'd array (NULL when there are none). */
static gpointer
items_steal (Items *items)
{
  if (items->data != items->stack)
    return items->data;
  return items->len > 0 ? g_memdup2 (items->stack, items->item_size * items->len) : NULL;
}

static void
items_free (Items *items)
{
  if (items->data != items->stack)
    g_free (items->data);
}

static gboolean
read_tree_array (VrtcJsonReader *r,
                 VrtcValue      *out,
                 GError        **error)
{
  VrtcValue stack[STACK_ITEMS];
  VrtcValue *values;
  gboolean report = r->element_func != NULL && r->depth < r->element_max_depth;
  gboolean numbers = TRUE;
  Items items;

  if (!enter (r, FALSE, error))
    return FALSE;
  items_init (&items, stack, sizeof (VrtcValue));
  if (report)
    r->path[r->depth - 1] = NULL;
  while (next_item (r, FALSE, error))
    {
      VrtcValue item = VRTC_VALUE_INIT;

      if (report)
        r->element_func (r->element_data, r->path, r->depth - 1, items.len, r->line);
      if (!read_tree (r, &item, error))
        break;
      numbers = numbers && item.kind == VRTC_VALUE_NUMBER;
      items_push (&items, &item);
    }

  values = (VrtcValue *) items.data;
  if (r->failed)
    {
      for (guint i = 0; i < items.len; i++)
        vrtc_value_clear (&values[i]);
      items_free (&items);
      return FALSE;
    }
  if (numbers && items.len > 0 && items.len <= STACK_ITEMS)
    {
      /* the usual vector: straight to VEC */
      double nums[STACK_ITEMS];

      for (guint i = 0; i < items.len; i++)
        nums[i] = values[i].u.num;
      vrtc_value_set_vec (out, nums, items.len);
    }
  else
    vrtc_value_take_array (out, items_steal (&items), items.len);
  return TRUE;
}

static gboolean
read_tree_object (VrtcJsonReader *r,
                  VrtcValue      *out,
                  GError        **error)
{
  VrtcMember stack[STACK_ITEMS];
  gboolean track = r->element_func != NULL && r->depth < r->element_max_depth;
  const char *key;
  gsize key_len;
  Items items;

  if (!enter (r, TRUE, error))
    return FALSE;
  items_init (&items, stack, sizeof (VrtcMember));
  while (vrtc_json_reader_next_member (r, &key, &key_len, error))
    {
      VrtcMember m = { g_strndup (key, key_len), VRTC_VALUE_INIT };

      if (track)
        r->path[r->depth - 1] = m.key;
      if (!read_tree (r, &m.value, error))
        {
          g_free (m.key);
          break;
        }
      items_push (&items, &m);
    }
  if (r->failed)
    {
      VrtcMember *members = (VrtcMember *) items.data;

      for (guint i = 0; i < items.len; i++)
        {
          g_free (members[i].key);
          vrtc_value_clear (&members[i].value);
        }
      items_free (&items);
      return FALSE;
    }
  vrtc_value_take_object (out, items_steal (&items), items.len);
  return TRUE;
}

/* The scalar of that kind at the reader's position, into out (or nowhere when NULL). */
static gboolean
read_scalar (VrtcJsonReader *r,
             VrtcJsonKind    kind,
             VrtcValue      *out,
             GError        **error)
{
  const char *s;
  gsize n;
  double d = 0;

  switch (kind)
    {
    case VRTC_JSON_STRING:
      if (!scan_string (r, &s, &n, error))
        return FALSE;
      if (out != NULL)
        vrtc_value_take_string (out, g_strndup (s, n));
      break;
    case VRTC_JSON_NUMBER:
      if (!scan_number (r, &d, error))
        return FALSE;
      if (out != NULL)
        vrtc_value_set_number (out, d);
      break;
    case VRTC_JSON_BOOL:
      if (out != NULL)
        vrtc_value_set_bool (out, *r->p == 't');
      r->p += *r->p == 't' ? 4 : 5;
      break;
    case VRTC_JSON_NULL:
      if (out != NULL)
        vrtc_value_set_null (out);
      r->p += 4;
      break;
    case VRTC_JSON_OBJECT:
    case VRTC_JSON_ARRAY:
    case VRTC_JSON_END:
    case VRTC_JSON_INVALID:
    default:
      g_assert_not_reached ();
    }
  r->at_value = FALSE;
  return TRUE;
}

static gboolean
read_tree (VrtcJsonReader *r,
           VrtcValue      *out,
           GError        **error)
{
  VrtcJsonKind kind;

  if (!expect_value (r, VRTC_JSON_END, &kind, error))
    return FALSE;
  if (kind == VRTC_JSON_OBJECT)
    return read_tree_object (r, out, error);
  if (kind == VRTC_JSON_ARRAY)
    return read_tree_array (r, out, error);
  return read_scalar (r, kind, out, error);
}

gboolean
vrtc_json_reader_read_value (VrtcJsonReader *r,
                             VrtcValue      *out,
                             GError        **error)
{
  VrtcValue tmp = VRTC_VALUE_INIT;

  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!read_tree (r, &tmp, error))
    return FALSE;
  vrtc_value_move (out, &tmp);
  return TRUE;
}

gboolean
vrtc_json_reader_skip (VrtcJsonReader *r,
                       GError        **error)
{
  VrtcJsonKind kind;
  const char *key;
  gsize key_len;
  gboolean object;

  g_return_val_if_fail (r != NULL, FALSE);

  if (!expect_value (r, VRTC_JSON_END, &kind, error))
    return FALSE;
  if (kind != VRTC_JSON_OBJECT && kind != VRTC_JSON_ARRAY)
    return read_scalar (r, kind, NULL, error);

  object = kind == VRTC_JSON_OBJECT;
  if (!enter (r, object, error))
    return FALSE;
  while (object ? vrtc_json_reader_next_member (r, &key, &key_len, error)
                : next_item (r, FALSE, error))
    if (!vrtc_json_reader_skip (r, error))
      return FALSE;
  return !r->failed;
}

gboolean
vrtc_json_reader_end (VrtcJsonReader *r,
                      GError        **error)
{
  g_return_val_if_fail (r != NULL, FALSE);

  if (r->failed || r->depth > 0)
    return misuse (r, error, "the top-level value is not done");
  skip_ws (r);
  if (r->p != r->end)
    return unexpected (r, error, "the end of the text");
  return TRUE;
}

gboolean
vrtc_json_reader_end_line (VrtcJsonReader *r,
                           GError        **error)
{
  g_return_val_if_fail (r != NULL, FALSE);

  if (r->failed || r->depth > 0 || r->at_value)
    return misuse (r, error, "the top-level value is not done");
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r'))
    r->p++;
  if (r->p < r->end && *r->p != '\n')
    return unexpected (r, error, "the end of the line");
  r->at_value = TRUE;
  return TRUE;
}

gboolean
vrtc_json_check_utf8 (const char *text,
                      gsize       len,
                      GError    **error)
{
  VrtcJsonReader r;
  const char *bad;

  if (g_utf8_validate_len (text, len, &bad))
    return TRUE;
  vrtc_json_reader_init (&r, text, len);
  for (const char *p = text; p < bad; p++)
    if (*p == '\n')
      {
        r.line++;
        r.line_start = p + 1;
      }
  if (*bad == '\0')
    return reader_error (&r, bad, error, VRTC_ERROR_INVALID_JSON, "NUL byte in the text");
  return reader_error (&r, bad, error, VRTC_ERROR_INVALID_JSON, "the text is not valid UTF-8");
}
