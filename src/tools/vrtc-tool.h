/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses shared by the subcommands. */
enum {
  VRTC_TOOL_EXIT_OK = 0,
  VRTC_TOOL_EXIT_FAILURE = 1,   /* bad input, or a divergence */
  VRTC_TOOL_EXIT_USAGE = 2,     /* bad command line */
};

/* Each takes the arguments after "vrtc" (argv[0] is the subcommand name). */
int      vrtc_tool_replay        (int    argc,
                                  char **argv);
int      vrtc_tool_fuzz          (int    argc,
                                  char **argv);
int      vrtc_tool_bench         (int    argc,
                                  char **argv);
int      vrtc_tool_watch         (int    argc,
                                  char **argv);

/* Re-indents canonical (space-free) JSON with two spaces per level. */
void     vrtc_tool_pretty_json   (const char *json,
                                  GString    *out);

G_END_DECLS
