/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "inspector-application.h"
#include "inspector-connect-dialog.h"
#include "inspector-session.h"

struct _InspectorConnectDialog
{
  AdwMessageDialog  parent_instance;

  /* template children */
  AdwEntryRow      *url_row;
  GtkWidget        *hint_label;
  GtkLabel         *problem_label;
  GtkWidget        *recent_heading;
  GtkListBox       *recent_list;

  /* state */
  GSettings        *settings;
  gboolean          tried;          /* Enter was pressed on the address */
};

G_DEFINE_FINAL_TYPE (InspectorConnectDialog, inspector_connect_dialog, ADW_TYPE_MESSAGE_DIALOG)

static gboolean
could_be_room_address (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);

  return g_str_has_prefix ("ws://", lower) || g_str_has_prefix ("wss://", lower) ||
         g_str_has_prefix (lower, "ws://") || g_str_has_prefix (lower, "wss://");
}

static void
url_changed_cb (InspectorConnectDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = inspector_connect_dialog_dup_url (self);
  gboolean valid = url != NULL && inspector_session_check_url (url, &error);
  /* Half an address is no mistake yet: complain about a wrong start at once, about the
   * rest once Enter was pressed. */
  gboolean show_problem = url != NULL && !valid &&
                          (self->tried || !could_be_room_address (url));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "connect", valid);

  gtk_label_set_label (self->problem_label, show_problem ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), show_problem);
  gtk_widget_set_visible (self->hint_label, !show_problem);
  if (show_problem)
    gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
}

static void
url_activated_cb (InspectorConnectDialog *self)
{
  self->tried = TRUE;
  url_changed_cb (self);
}

static void
recent_activated_cb (InspectorConnectDialog *self,
                     GtkListBoxRow          *row)
{
  const char *url = g_object_get_data (G_OBJECT (row), "url");

  inspector_connect_dialog_set_url (self, url);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "connect");
  gtk_window_close (GTK_WINDOW (self));
}

static void
forget_clicked_cb (GtkButton              *button,
                   InspectorConnectDialog *self)
{
  const char *url = g_object_get_data (G_OBJECT (button), "url");

  inspector_settings_remove_recent_server (self->settings, url);
}

static void
reload_recent (InspectorConnectDialog *self)
{
  g_auto(GStrv) recent = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  if (self->settings != NULL)
    recent = g_settings_get_strv (self->settings, "recent-servers");

  for (guint i = 0; recent != NULL && recent[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *forget = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *forget_label = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), recent[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "url", g_strdup (recent[i]), g_free);
      gtk_widget_set_tooltip_text (row, _("Connect to this server"));

      /* Translators: %s is a server address */
      forget_label = g_strdup_printf (_("Forget %s"), recent[i]);
      gtk_widget_set_valign (forget, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (forget, "flat");
      gtk_widget_set_tooltip_text (forget, _("Forget this server"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (forget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, forget_label,
                                      -1);
      g_object_set_data_full (G_OBJECT (forget), "url", g_strdup (recent[i]), g_free);
      g_signal_connect_object (forget, "clicked", G_CALLBACK (forget_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), forget);

      gtk_list_box_append (self->recent_list, row);
    }

  gtk_widget_set_visible (self->recent_heading, recent != NULL && recent[0] != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_list), recent != NULL && recent[0] != NULL);
}

static void
inspector_connect_dialog_dispose (GObject *object)
{
  InspectorConnectDialog *self = INSPECTOR_CONNECT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), INSPECTOR_TYPE_CONNECT_DIALOG);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (inspector_connect_dialog_parent_class)->dispose (object);
}

static void
inspector_connect_dialog_class_init (InspectorConnectDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = inspector_connect_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/vrtc/Inspector/inspector-connect-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, InspectorConnectDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, InspectorConnectDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorConnectDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, InspectorConnectDialog, recent_heading);
  gtk_widget_class_bind_template_child (widget_class, InspectorConnectDialog, recent_list);
  gtk_widget_class_bind_template_callback (widget_class, url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, url_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, recent_activated_cb);
}

static void
inspector_connect_dialog_init (InspectorConnectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = inspector_settings_new ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::recent-servers",
                             G_CALLBACK (reload_recent), self, G_CONNECT_SWAPPED);
  reload_recent (self);
}

/**
 * inspector_connect_dialog_new:
 * @parent: (nullable): the window to stay over
 * @url: (nullable): the address to start with; the most recent server when %NULL
 *
 * Asks for a room address, offering the recent servers. Connect with the response
 * "connect" and inspector_connect_dialog_dup_url().
 *
 * Returns: (transfer none): the dialog
 */
InspectorConnectDialog *
inspector_connect_dialog_new (GtkWindow  *parent,
                              const char *url)
{
  InspectorConnectDialog *self;

  self = g_object_new (INSPECTOR_TYPE_CONNECT_DIALOG,
                       "transient-for", parent,
                       NULL);

  if (url == NULL && self->settings != NULL)
    {
      g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-servers");

      if (recent[0] != NULL)
        inspector_connect_dialog_set_url (self, recent[0]);
    }
  else if (url != NULL)
    {
      inspector_connect_dialog_set_url (self, url);
    }

  return self;
}

/**
 * inspector_connect_dialog_dup_url:
 * @self: a dialog
 *
 * Returns: (transfer full) (nullable): the address typed, trimmed, or %NULL when empty
 */
char *
inspector_connect_dialog_dup_url (InspectorConnectDialog *self)
{
  g_autofree char *url = NULL;

  g_return_val_if_fail (INSPECTOR_IS_CONNECT_DIALOG (self), NULL);

  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  if (url[0] == '\0')
    return NULL;

  return g_steal_pointer (&url);
}

void
inspector_connect_dialog_set_url (InspectorConnectDialog *self,
                                  const char             *url)
{
  g_return_if_fail (INSPECTOR_IS_CONNECT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url ? url : "");
}
