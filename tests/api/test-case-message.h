/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

/* Names test case i in the TAP output. The cases hold invalid UTF-8 on purpose; the TAP
 * output must not, so the text is escaped. */
static inline void
message_case (guint       i,
              const char *name,
              const char *text)
{
  g_autofree char *shown = g_strescape (text, NULL);

  if (name != NULL)
    g_test_message ("case %u: %s: %s", i, name, shown);
  else
    g_test_message ("case %u: %s", i, shown);
}
