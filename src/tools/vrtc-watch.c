/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "vrtc-client.h"
#include "vrtc-tool.h"

typedef struct {
  GMainLoop   *loop;
  VrtcClient  *client;
  const char  *url;
  gboolean     state_only;
  gboolean     joined;
  int          exit_status;
} Watch;

static void
finish (Watch *watch,
        int    exit_status)
{
  watch->exit_status = exit_status;
  g_main_loop_quit (watch->loop);
}

static const char *
last_error_message (Watch *watch)
{
  const GError *error = vrtc_client_get_last_error (watch->client);

  return error ? error->message : _("unknown error");
}

static void
on_frame_received (VrtcClient *client,
                   const char *text,
                   Watch      *watch)
{
  g_autofree char *line = NULL;

  if (watch->state_only)
    return;
  /* JSON allows raw line breaks only between tokens: one frame, one line */
  line = g_strdelimit (g_strdup (text), "\r\n", ' ');
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static void
on_state_received (VrtcClient *client,
                   Watch      *watch)
{
  g_autofree char *json = NULL;

  watch->joined = TRUE;
  if (!watch->state_only)
    return;
  json = vrtc_store_to_json (vrtc_client_get_store (client));
  fputs (json, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  finish (watch, VRTC_TOOL_EXIT_OK);
}

static void
on_error (VrtcClient *client,
          const char *message,
          const char *msg_id,
          Watch      *watch)
{
  if (msg_id != NULL)
    g_printerr (_("vrtc watch: error from the relay about %s: %s\n"), msg_id, message);
  else
    g_printerr (_("vrtc watch: error from the relay: %s\n"), message);
}

static void
on_status (VrtcClient *client,
           GParamSpec *pspec,
           Watch      *watch)
{
  if (vrtc_client_get_status (client) != VRTC_CLIENT_STATUS_RECONNECTING)
    return;

  if (!watch->joined)
    {
      g_printerr (_("vrtc watch: cannot connect to %s: %s\n"), watch->url,
                  last_error_message (watch));
      finish (watch, VRTC_TOOL_EXIT_FAILURE);
    }
  else
    g_printerr (_("vrtc watch: connection lost (%s), reconnecting…\n"),
                last_error_message (watch));
}

static gboolean
on_signal (gpointer data)
{
  finish (data, VRTC_TOOL_EXIT_OK);
  return G_SOURCE_CONTINUE;
}

int
vrtc_tool_watch (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcStore) store = NULL;
  g_autoptr(VrtcClient) client = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *session = NULL;
  g_autofree char *token = NULL;
  gboolean state_only = FALSE;
  gboolean compact = FALSE;
  Watch watch = { 0 };
  guint sigint, sigterm;
  const GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_NONE, &state_only,
      N_("Print the room’s scene graph as canonical JSON once joined, and exit"), NULL },
    { "session", 0, 0, G_OPTION_ARG_STRING, &session,
      N_("Join as session ID (default: a random one)"), N_("ID") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token,
      N_("The relay’s shared token, sent as “Authorization: Bearer”"), N_("TOKEN") },
    { "compact", 0, 0, G_OPTION_ARG_NONE, &compact,
      N_("Ask the relay for the compact dialect (client, lt, ts, ot)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &args, NULL, N_("URL") },
    { NULL }
  };

  g_set_prgname ("vrtc watch");
  context = g_option_context_new (_("— watch a room of a relay"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Joins the room at URL (ws://HOST:PORT/ROOM, or wss://) read-only, never sending a\n"
      "message, and prints each frame the relay sends as one line of JSON on standard\n"
      "output, until interrupted. With --state, prints the room’s current scene graph as\n"
      "canonical JSON instead, once, and exits."));
  g_option_context_set_description (context,
    _("If the relay cannot be reached, says why on standard error and exits with status 1.\n"
      "A connection lost after joining is retried. Usage errors exit with status 2."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vrtc watch: %s\n", error->message);
      return VRTC_TOOL_EXIT_USAGE;
    }
  if (args == NULL || args[0] == NULL || args[1] != NULL)
    {
      g_printerr (_("vrtc watch: expected one URL\n"));
      return VRTC_TOOL_EXIT_USAGE;
    }

  store = vrtc_store_new (session);
  client = vrtc_client_new (store, args[0]);
  vrtc_client_set_read_only (client, TRUE);
  vrtc_client_set_token (client, token);
  if (compact)
    vrtc_client_set_dialect (client, VRTC_DIALECT_COMPACT);

  loop = g_main_loop_new (NULL, FALSE);
  watch.loop = loop;
  watch.client = client;
  watch.url = args[0];
  watch.state_only = state_only;
  g_signal_connect (client, "frame-received", G_CALLBACK (on_frame_received), &watch);
  g_signal_connect (client, "state-received", G_CALLBACK (on_state_received), &watch);
  g_signal_connect (client, "error", G_CALLBACK (on_error), &watch);
  g_signal_connect (client, "notify::status", G_CALLBACK (on_status), &watch);

  vrtc_client_connect (client);
  if (vrtc_client_get_status (client) == VRTC_CLIENT_STATUS_DISCONNECTED)
    {
      g_printerr ("vrtc watch: %s\n", last_error_message (&watch));
      return VRTC_TOOL_EXIT_USAGE;
    }

  sigint = g_unix_signal_add (SIGINT, on_signal, &watch);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &watch);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  g_signal_handlers_disconnect_by_data (client, &watch);
  vrtc_client_disconnect (client);
  return watch.exit_status;
}
