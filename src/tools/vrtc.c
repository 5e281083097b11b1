/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "vrtc-tool.h"

typedef struct {
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} VrtcToolCommand;

static const VrtcToolCommand commands[] = {
  { "replay", vrtc_tool_replay, N_("Replay journals and print the resulting scene graph") },
  { "fuzz", vrtc_tool_fuzz, N_("Check that replicas converge on random concurrent schedules") },
  { "bench", vrtc_tool_bench, N_("Run the performance workloads and print a table") },
  { "watch", vrtc_tool_watch, N_("Join a relay’s room read-only and print what it sends") },
};

static char *
commands_description (void)
{
  GString *s = g_string_new (_("Commands:"));

  g_string_append_c (s, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (s, "  %-10s%s\n", commands[i].name, _(commands[i].summary));
  g_string_append_c (s, '\n');
  g_string_append (s, _("Run “vrtc COMMAND --help” for the options of a command."));
  g_string_append_c (s, '\n');
  return g_string_free (s, FALSE);
}

static const VrtcToolCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("vrtc");

  if (argc > 1 && argv[1][0] != '-')
    {
      const VrtcToolCommand *command = find_command (argv[1]);

      /* "vrtc help replay" is "vrtc replay --help" */
      if (command == NULL && strcmp (argv[1], "help") == 0 && argc > 2)
        {
          command = find_command (argv[2]);
          if (command != NULL)
            {
              char *help_argv[] = { argv[2], (char *) "--help", NULL };
              return command->run (2, help_argv);
            }
        }

      if (command != NULL)
        return command->run (argc - 1, argv + 1);

      if (strcmp (argv[1], "help") != 0)
        {
          g_printerr (_("vrtc: unknown command “%s”\n"), argv[1]);
          g_printerr (_("Run “vrtc --help” to see the commands.\n"));
          return VRTC_TOOL_EXIT_USAGE;
        }
    }

  description = commands_description ();
  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Replay, check and inspect vuer-rtc journals."));
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vrtc: %s\n", error->message);
      g_printerr (_("Run “vrtc --help” to see the commands.\n"));
      return VRTC_TOOL_EXIT_USAGE;
    }

  if (version)
    {
      g_print ("vrtc %s\n", PACKAGE_VERSION);
      return VRTC_TOOL_EXIT_OK;
    }

  {
    g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

    /* "vrtc help" asked for it; bare "vrtc" is a usage error */
    if (argc > 1 && strcmp (argv[1], "help") == 0)
      {
        g_print ("%s", help);
        return VRTC_TOOL_EXIT_OK;
      }
    g_printerr ("%s", help);
    return VRTC_TOOL_EXIT_USAGE;
  }
}
