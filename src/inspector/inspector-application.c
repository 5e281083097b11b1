/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "inspector-application.h"
#include "inspector-window.h"

#define MAX_RECENT_SERVERS 10

struct _InspectorApplication
{
  AdwApplication parent_instance;

  /* from the command line */
  gboolean       host;
};

G_DEFINE_FINAL_TYPE (InspectorApplication, inspector_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "host", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Host a room on this computer and share the sample scene in it"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and quit"), NULL },
  { NULL }
};

/**
 * inspector_settings_new:
 *
 * The application's settings, or %NULL when the schema is not installed (a build tree
 * started without `GSETTINGS_SCHEMA_DIR`): the inspector then works without remembering
 * anything rather than aborting.
 *
 * Returns: (transfer full) (nullable): the settings
 */
GSettings *
inspector_settings_new (void)
{
  static gsize warned = 0;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, INSPECTOR_APP_ID, TRUE);

  if (schema == NULL)
    {
      if (g_once_init_enter (&warned))
        {
          g_message ("The settings schema %s is not installed; window size and recent "
                     "servers will not be remembered", INSPECTOR_APP_ID);
          g_once_init_leave (&warned, 1);
        }
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

void
inspector_settings_add_recent_server (GSettings  *settings,
                                      const char *url)
{
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  g_return_if_fail (url != NULL);

  if (settings == NULL)
    return;

  old = g_settings_get_strv (settings, "recent-servers");
  if (old[0] != NULL && g_strcmp0 (old[0], url) == 0)
    return;

  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, url);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT_SERVERS; i++)
    {
      if (g_strcmp0 (old[i], url) == 0)
        continue;
      g_strv_builder_add (builder, old[i]);
      n++;
    }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "recent-servers", (const char * const *) recent);
}

void
inspector_settings_remove_recent_server (GSettings  *settings,
                                         const char *url)
{
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;

  g_return_if_fail (url != NULL);

  if (settings == NULL)
    return;

  old = g_settings_get_strv (settings, "recent-servers");
  builder = g_strv_builder_new ();
  for (guint i = 0; old[i] != NULL; i++)
    if (g_strcmp0 (old[i], url) != 0)
      g_strv_builder_add (builder, old[i]);
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "recent-servers", (const char * const *) recent);
}

static InspectorWindow *
new_window (InspectorApplication *self)
{
  InspectorWindow *window = inspector_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
inspector_application_activate (GApplication *app)
{
  InspectorApplication *self = INSPECTOR_APPLICATION (app);
  InspectorWindow *window = new_window (self);

  if (self->host)
    {
      InspectorSession *session;

      self->host = FALSE;
      inspector_window_host (window);

      /* For the terminal it was started from: the address to give a second inspector. */
      session = inspector_window_get_session (window);
      if (session != NULL && inspector_session_get_join_url (session) != NULL)
        g_print (_("Hosting a room: others on this computer can join at %s\n"),
                 inspector_session_get_join_url (session));
    }
  else
    {
      g_autoptr(InspectorSession) session = inspector_session_new_local ();

      inspector_window_set_session (window, session);
    }
}

static void
inspector_application_open (GApplication  *app,
                            GFile        **files,
                            int            n_files,
                            const char    *hint)
{
  InspectorApplication *self = INSPECTOR_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      InspectorWindow *window = new_window (self);

      /* A ws:// argument becomes a GFile for an unknown scheme; its URI is the text given. */
      if (g_file_has_uri_scheme (files[i], "ws") || g_file_has_uri_scheme (files[i], "wss"))
        {
          g_autofree char *uri = g_file_get_uri (files[i]);

          inspector_window_open_url (window, uri);
        }
      else
        {
          inspector_window_open_file (window, files[i]);
        }
    }
}

static int
inspector_application_handle_local_options (GApplication *app,
                                            GVariantDict *options)
{
  InspectorApplication *self = INSPECTOR_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("vrtc-inspector %s\n", PACKAGE_VERSION);
      return 0;
    }

  self->host = g_variant_dict_contains (options, "host");

  return -1;
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  InspectorApplication *self = user_data;

  inspector_application_show_about (self,
                                    gtk_application_get_active_window (GTK_APPLICATION (self)));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Closing each window lets it save its state; the application ends with the last. */
  for (GList *l = windows; l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
}

static const GActionEntry app_entries[] = {
  { .name = "about", .activate = about_action },
  { .name = "quit", .activate = quit_action },
};

static void
inspector_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *about_accels[] = { "F1", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (inspector_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries,
                                   G_N_ELEMENTS (app_entries), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.about", about_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);

  /* Follow the system: light or dark as the desktop prefers. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
}

static void
inspector_application_class_init (InspectorApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = inspector_application_activate;
  app_class->open = inspector_application_open;
  app_class->startup = inspector_application_startup;
  app_class->handle_local_options = inspector_application_handle_local_options;
}

static void
inspector_application_init (InspectorApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     _("[FILE | ws://HOST:PORT/ROOM]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("Look inside and edit vuer-rtc scene graphs: a local sample scene when started "
      "without arguments, a saved journal (JSON lines or a JSON array, either dialect), "
      "or a live room on a relay."));
}

InspectorApplication *
inspector_application_new (void)
{
  return g_object_new (INSPECTOR_TYPE_APPLICATION,
                       "application-id", INSPECTOR_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/vrtc/Inspector",
                       NULL);
}

void
inspector_application_show_about (InspectorApplication *self,
                                  GtkWindow            *parent)
{
  static const char *developers[] = { "The vuer-rtc C contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("Vuer RTC Inspector"),
                        "application-icon", INSPECTOR_APP_ID,
                        "developer-name", _("The vuer-rtc C contributors"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("Look inside live vuer-rtc sessions: the scene graph as "
                                      "it converges, its properties, and who wrote them."),
                        "license-type", GTK_LICENSE_LGPL_2_1,
                        "copyright", "© 2024 The vuer-rtc C contributors",
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}
