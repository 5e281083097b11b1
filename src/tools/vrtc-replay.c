/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vrtc-codec.h"
#include "vrtc-engine.h"
#include "vrtc-tool.h"

/*
 * The codec reports parse errors with their line, but a message it accepts can still be
 * refused by the engine. To name that message's line too, find where each message object
 * starts: a top-level value (JSON lines), an element of a top-level array, or an element of
 * an array held by a "journal" member (a state frame).
 */
typedef struct {
  gboolean  is_array;
  gboolean  is_journal;   /* the value of a "journal" member */
} ScanFrame;

typedef struct {
  GArray *top;       /* guint lines */
  GArray *array;
  GArray *journal;
} MessageLines;

static void
message_lines_clear (MessageLines *lines)
{
  g_clear_pointer (&lines->top, g_array_unref);
  g_clear_pointer (&lines->array, g_array_unref);
  g_clear_pointer (&lines->journal, g_array_unref);
}

static void
scan_message_lines (const char   *text,
                    gsize         len,
                    MessageLines *lines)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (ScanFrame));
  gboolean key_is_journal = FALSE;   /* the last member name seen was "journal" */
  guint line = 1;

  lines->top = g_array_new (FALSE, FALSE, sizeof (guint));
  lines->array = g_array_new (FALSE, FALSE, sizeof (guint));
  lines->journal = g_array_new (FALSE, FALSE, sizeof (guint));

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      switch (c)
        {
        case '\n':
          line++;
          break;

        case '"':
          {
            gsize start = ++i;

            while (i < len && text[i] != '"')
              {
                if (text[i] == '\\' && i + 1 < len)
                  i++;
                else if (text[i] == '\n')
                  line++;
                i++;
              }
            /* a member name is followed by ':'; a string value never is */
            {
              gsize j = i + 1;

              while (j < len && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r'))
                j++;
              if (j < len && text[j] == ':')
                key_is_journal = (i - start == 7 && memcmp (text + start, "journal", 7) == 0);
            }
          }
          break;

        case '{':
        case '[':
          {
            ScanFrame frame = { c == '[', FALSE };

            if (stack->len == 0)
              {
                if (c == '{')
                  g_array_append_val (lines->top, line);
              }
            else
              {
                const ScanFrame *parent = &g_array_index (stack, ScanFrame, stack->len - 1);

                if (parent->is_array && c == '{')
                  {
                    if (stack->len == 1)
                      g_array_append_val (lines->array, line);
                    if (parent->is_journal)
                      g_array_append_val (lines->journal, line);
                  }
                else if (!parent->is_array && c == '[')
                  frame.is_journal = key_is_journal;
              }
            key_is_journal = FALSE;
            g_array_append_val (stack, frame);
          }
          break;

        case '}':
        case ']':
          if (stack->len > 0)
            g_array_set_size (stack, stack->len - 1);
          break;

        default:
          break;
        }
    }
}

/* The line of message i of n, or 0 when no shape has n messages. */
static guint
message_line (const MessageLines *lines,
              guint               n_messages,
              guint               i)
{
  const GArray *candidates[] = { lines->journal, lines->array, lines->top };

  for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
    if (candidates[k]->len == n_messages && i < n_messages)
      return g_array_index (candidates[k], guint, i);
  return 0;
}

static char *
read_stream (FILE    *stream,
             gsize   *len,
             GError **error)
{
  GString *buf = g_string_new (NULL);
  char chunk[65536];
  size_t n;

  while ((n = fread (chunk, 1, sizeof chunk, stream)) > 0)
    g_string_append_len (buf, chunk, n);

  if (ferror (stream))
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s", g_strerror (saved_errno));
      g_string_free (buf, TRUE);
      return NULL;
    }

  *len = buf->len;
  return g_string_free (buf, FALSE);
}

static void
message_ptr_unref (gpointer msg)
{
  vrtc_msg_unref (msg);
}

/* Applies one input to engine. Errors are printed; returns FALSE on any. */
static gboolean
replay_input (VrtcEngine *engine,
              const char *path,
              gboolean   *seen_input)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (message_ptr_unref);
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  VrtcValue snapshot = VRTC_VALUE_INIT;
  MessageLines lines = { NULL, NULL, NULL };
  guint first = 0;
  gsize len = 0;
  gboolean ok = TRUE;

  if (strcmp (path, "-") == 0)
    {
      name = g_strdup (_("<stdin>"));
      text = read_stream (stdin, &len, &error);
    }
  else
    {
      FILE *stream = g_fopen (path, "rb");

      name = g_filename_display_name (path);
      if (stream == NULL)
        {
          int saved_errno = errno;

          g_printerr ("%s: %s\n", name, g_strerror (saved_errno));
          return FALSE;
        }
      text = read_stream (stream, &len, &error);
      fclose (stream);
    }

  if (text == NULL)
    {
      g_printerr ("%s: %s\n", name, error->message);
      return FALSE;
    }

  if (!vrtc_codec_parse_journal (text, len, name, messages, &snapshot, &error))
    {
      g_printerr ("%s\n", error->message);
      vrtc_value_clear (&snapshot);
      return FALSE;
    }

  scan_message_lines (text, len, &lines);

  if (snapshot.kind != VRTC_VALUE_NONE)
    {
      /* A snapshot resets the store, so it can only start the replay. */
      if (*seen_input)
        {
          g_printerr (_("%s:%u: a state frame with a snapshot must be the first input\n"),
                      name, 1u);
          ok = FALSE;
        }
      else if (!vrtc_engine_init_from_server (engine, &snapshot,
                                              (VrtcMessage **) messages->pdata,
                                              messages->len, &error))
        {
          g_printerr ("%s:%u: %s\n", name, 1u, error->message);
          ok = FALSE;
        }
      first = messages->len;
    }

  for (guint i = first; ok && i < messages->len; i++)
    {
      VrtcReceiveResult result;

      if (!vrtc_engine_receive (engine, messages->pdata[i], &result, &error))
        {
          guint line = message_line (&lines, messages->len, i);

          g_printerr ("%s:%u: %s\n", name, line > 0 ? line : 1u, error->message);
          ok = FALSE;
        }
    }

  *seen_input = TRUE;
  message_lines_clear (&lines);
  vrtc_value_clear (&snapshot);
  return ok;
}

/* The end of a string starting at p ('"'), just past the closing quote. */
static const char *
skip_string (const char *p)
{
  for (p++; *p != '\0' && *p != '"'; p++)
    if (*p == '\\' && p[1] != '\0')
      p++;
  return *p == '"' ? p + 1 : p;
}

/* An array of scalars ([1,0.5,0], ["a","b"]) stays on one line; returns its end, or NULL. */
static const char *
flat_array_end (const char *p)
{
  for (p++; *p != '\0' && *p != ']'; )
    {
      if (*p == '[' || *p == '{')
        return NULL;
      p = *p == '"' ? skip_string (p) : p + 1;
    }
  return *p == ']' ? p + 1 : NULL;
}

void
vrtc_tool_pretty_json (const char *json,
                       GString    *out)
{
  guint depth = 0;

  for (const char *p = json; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          {
            const char *start = p++;

            while (*p != '\0' && *p != '"')
              {
                if (*p == '\\' && p[1] != '\0')
                  p++;
                p++;
              }
            g_string_append_len (out, start, p - start + (*p != '\0'));
            if (*p == '\0')
              return;
          }
          break;

        case '[':
          {
            const char *end = flat_array_end (p);

            if (end != NULL)
              {
                for (; p < end - 1; p++)
                  {
                    if (*p == '"')
                      {
                        const char *q = skip_string (p);

                        g_string_append_len (out, p, q - p);
                        p = q - 1;
                      }
                    else if (*p == ',')
                      g_string_append (out, ", ");
                    else
                      g_string_append_c (out, *p);
                  }
                g_string_append_c (out, ']');
                break;
              }
          }
          G_GNUC_FALLTHROUGH;
        case '{':
          g_string_append_c (out, *p);
          if (p[1] == '}' || p[1] == ']')
            {
              g_string_append_c (out, *++p);
              break;
            }
          depth++;
          g_string_append_c (out, '\n');
          for (guint i = 0; i < depth; i++)
            g_string_append (out, "  ");
          break;

        case '}':
        case ']':
          g_string_append_c (out, '\n');
          depth = depth > 0 ? depth - 1 : 0;
          for (guint i = 0; i < depth; i++)
            g_string_append (out, "  ");
          g_string_append_c (out, *p);
          break;

        case ',':
          g_string_append (out, ",\n");
          for (guint i = 0; i < depth; i++)
            g_string_append (out, "  ");
          break;

        case ':':
          g_string_append (out, ": ");
          break;

        default:
          g_string_append_c (out, *p);
          break;
        }
    }
}

int
vrtc_tool_replay (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *at_text = NULL;
  g_autoptr(GString) graph = NULL;
  gboolean compact = FALSE;
  gboolean pretty = FALSE;
  gboolean seen_input = FALSE;
  gboolean ok = TRUE;
  guint64 at = 0;
  VrtcEngine *engine;
  VrtcEngine *shown;
  const GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text,
      N_("Print the state right after journal entry N arrived (counting from 0)"), N_("N") },
    { "compact", 0, 0, G_OPTION_ARG_NONE, &compact,
      N_("Compact the journal into a snapshot before printing (the graph must not change)"),
      NULL },
    { "pretty", 0, 0, G_OPTION_ARG_NONE, &pretty,
      N_("Indent the JSON for reading (the default is one canonical line)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("[FILE|-]…") },
    { NULL }
  };

  g_set_prgname ("vrtc replay");
  context = g_option_context_new (_("— replay journals into a fresh store"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Reads messages (JSON lines, one JSON array, or a Vuer “state” frame, in either\n"
      "dialect) from each FILE in turn, “-” or no FILE meaning standard input, applies them\n"
      "in file order to a fresh store and prints its canonical scene graph JSON\n"
      "({\"nodes\": {…}, \"rootKey\": \"scene\"}) followed by a newline."));
  g_option_context_set_description (context,
    _("Journal positions count the distinct messages of the journal from 0; a message\n"
      "read twice is applied once. A state frame's snapshot comes before position 0 and\n"
      "must be the first input.\n"
      "\n"
      "On bad input, prints “FILE:LINE: what is wrong” on standard error, nothing on\n"
      "standard output, and exits with status 1. Usage errors exit with status 2."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vrtc replay: %s\n", error->message);
      return VRTC_TOOL_EXIT_USAGE;
    }

  if (at_text != NULL &&
      !g_ascii_string_to_unsigned (at_text, 10, 0, G_MAXUINT - 1, &at, &error))
    {
      g_printerr (_("vrtc replay: --at: %s\n"), error->message);
      return VRTC_TOOL_EXIT_USAGE;
    }

  engine = vrtc_engine_new ("vrtc-replay");

  if (files == NULL || files[0] == NULL)
    ok = replay_input (engine, "-", &seen_input);
  else
    for (guint i = 0; ok && files[i] != NULL; i++)
      ok = replay_input (engine, files[i], &seen_input);

  if (!ok)
    {
      vrtc_engine_free (engine);
      return VRTC_TOOL_EXIT_FAILURE;
    }

  shown = engine;
  if (at_text != NULL)
    {
      guint length = vrtc_engine_journal_length (engine);

      if (at >= length)
        {
          g_printerr (g_dngettext (GETTEXT_PACKAGE,
                                   "vrtc replay: --at %s: the journal has %u entry\n",
                                   "vrtc replay: --at %s: the journal has %u entries\n",
                                   length),
                      at_text, length);
          vrtc_engine_free (engine);
          return VRTC_TOOL_EXIT_FAILURE;
        }
      shown = vrtc_engine_new_at (engine, (guint) at);
    }

  if (compact)
    vrtc_engine_compact (shown);

  graph = g_string_new (NULL);
  vrtc_engine_write_graph (shown, graph);
  if (pretty)
    {
      g_autoptr(GString) indented = g_string_sized_new (graph->len * 2);

      vrtc_tool_pretty_json (graph->str, indented);
      g_string_assign (graph, indented->str);
    }
  g_string_append_c (graph, '\n');

  if (shown != engine)
    vrtc_engine_free (shown);
  vrtc_engine_free (engine);

  if (fwrite (graph->str, 1, graph->len, stdout) != graph->len || fflush (stdout) != 0)
    {
      g_printerr (_("vrtc replay: cannot write the output: %s\n"), g_strerror (errno));
      return VRTC_TOOL_EXIT_FAILURE;
    }

  return VRTC_TOOL_EXIT_OK;
}
