/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "inspector-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(InspectorApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Vuer RTC Inspector"));

  app = inspector_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
