/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "vrtc-relay.h"

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
};

static gboolean verbose;

/* One line per event on stderr: "vrtc-relay: TIME EVENT key=value...". The event lines
 * are meant for scripts as much as for people, so they are not translated. */
static void
log_handler (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format (now, "%FT%T.%fZ");
  const char *prefix = "";

  if ((level & (G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG)) != 0 && !verbose)
    return;
  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) != 0)
    prefix = "critical: ";
  else if ((level & G_LOG_LEVEL_WARNING) != 0)
    prefix = "warning: ";
  /* milliseconds are enough: cut the microseconds' last three digits */
  if (strlen (time) > 4)
    memmove (time + strlen (time) - 4, time + strlen (time) - 1, 2);
  fprintf (stderr, "vrtc-relay: %s %s%s\n", time, prefix, message);
  fflush (stderr);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static void
stopped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  vrtc_relay_stop_finish (VRTC_RELAY (source), result, NULL);
  *(gboolean *) data = TRUE;
}

static gboolean
check_count (const char *option,
             gint64      value,
             gint64      min,
             gint64      max)
{
  if (value >= min && value <= max)
    return TRUE;
  g_printerr (_("vrtc-relay: %s must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
                "\n"), option, min, max);
  return FALSE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VrtcRelay) relay = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *host = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  gint64 port = 8765, max_frame_size = 1024 * 1024, max_rooms = 256, max_clients = 64;
  gint64 compact_after = 10000;
  gboolean version = FALSE, stopped = FALSE;
  const GOptionEntry entries[] = {
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Where the rooms are stored (default: $XDG_DATA_HOME/vrtc-relay)"), N_("DIR") },
    { "host", 0, 0, G_OPTION_ARG_STRING, &host,
      N_("Address to listen on (default: 127.0.0.1)"), N_("HOST") },
    { "port", 'p', 0, G_OPTION_ARG_INT64, &port,
      N_("Port to listen on, 0 for any free one (default: 8765)"), N_("PORT") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token,
      N_("Shared token clients must present (default: $VRTC_RELAY_TOKEN, or none)"),
      N_("TOKEN") },
    { "max-frame-size", 0, 0, G_OPTION_ARG_INT64, &max_frame_size,
      N_("Largest frame a client may send, in bytes (default: 1048576)"), N_("BYTES") },
    { "max-rooms", 0, 0, G_OPTION_ARG_INT64, &max_rooms,
      N_("Rooms with clients at once, 0 for no limit (default: 256)"), N_("N") },
    { "max-clients", 0, 0, G_OPTION_ARG_INT64, &max_clients,
      N_("Clients per room, 0 for no limit (default: 64)"), N_("N") },
    { "compact-after", 0, 0, G_OPTION_ARG_INT64, &compact_after,
      N_("Write a new snapshot once this many messages follow the last one, 0 for never "
         "(default: 10000)"), N_("N") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Log every frame"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("vrtc-relay");

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Host vuer-rtc rooms over WebSocket. Clients join ws://HOST:PORT/ROOM?session=ID;\n"
      "each room's journal and snapshots are kept in an SQLite database under the data\n"
      "directory, and a message is acknowledged once it is on disk."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vrtc-relay: %s\n", error->message);
      g_printerr (_("Run “vrtc-relay --help” to see the options.\n"));
      return EXIT_USAGE;
    }
  if (version)
    {
      g_print ("vrtc-relay %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  if (argc > 1)
    {
      g_printerr (_("vrtc-relay: unexpected argument “%s”\n"), argv[1]);
      return EXIT_USAGE;
    }
  if (!check_count ("--port", port, 0, 65535) ||
      !check_count ("--max-frame-size", max_frame_size, 256, G_MAXUINT / 4) ||
      !check_count ("--max-rooms", max_rooms, 0, G_MAXUINT) ||
      !check_count ("--max-clients", max_clients, 0, G_MAXUINT) ||
      !check_count ("--compact-after", compact_after, 0, G_MAXUINT))
    return EXIT_USAGE;
  if (token == NULL)
    token = g_strdup (g_getenv ("VRTC_RELAY_TOKEN"));
  if (data_dir == NULL)
    data_dir = g_build_filename (g_get_user_data_dir (), "vrtc-relay", NULL);

  g_log_set_default_handler (log_handler, NULL);

  relay = vrtc_relay_new (data_dir, &error);
  if (relay == NULL)
    {
      g_printerr ("vrtc-relay: %s\n", error->message);
      return EXIT_FAILED;
    }
  g_object_set (relay,
                "token", token,
                "max-frame-size", (guint) max_frame_size,
                "max-rooms", (guint) max_rooms,
                "max-clients-per-room", (guint) max_clients,
                "compact-threshold", (guint) compact_after,
                "verbose", verbose,
                NULL);
  if (!vrtc_relay_listen (relay, host, (guint) port, &error))
    {
      g_printerr (_("vrtc-relay: cannot listen on %s:%u: %s\n"), host ? host : "127.0.0.1",
                  (guint) port, error->message);
      return EXIT_FAILED;
    }

  /* Scripts and tests read this line (with --port 0, to learn the port): not translated. */
  url = vrtc_relay_get_url (relay, NULL);
  printf ("vrtc-relay: listening on %s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  /* everything acked is on disk as soon as the stop begins; the loop then runs until the
   * clients have answered the close frames (a few seconds at most) */
  vrtc_relay_stop_async (relay, NULL, stopped_cb, &stopped);
  while (!stopped)
    g_main_context_iteration (NULL, TRUE);
  g_message ("stopped");
  return EXIT_OK;
}
