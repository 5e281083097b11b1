/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Internal: loading a snapshot's JSON text without a value of the whole document. The text
 * is read with a VrtcJsonReader and handed to the engine one key at a time
 * (vrtc_engine_load_*), so a 100,000-node snapshot never exists twice in memory.
 */

#include "vrtc-engine.h"
#include "vrtc-json-reader.h"

G_BEGIN_DECLS

/* Reads the snapshot object at r's position into loaded, a fresh engine, and finishes it
 * (vrtc_engine_load_finish). On error, drop loaded. */
gboolean vrtc_snapshot_load_reader      (VrtcEngine      *loaded,
                                         VrtcJsonReader  *r,
                                         GError         **error);

/* vrtc_engine_init_from_server with the snapshot as JSON text (len -1: NUL-terminated;
 * text NULL: an empty snapshot). engine is unchanged on error. */
gboolean vrtc_snapshot_init_engine      (VrtcEngine      *engine,
                                         const char      *text,
                                         gssize           len,
                                         VrtcMessage    **journal,
                                         guint            n_journal,
                                         GError         **error);

/* vrtc_snapshot_init_engine with the text of a file mapped read-only (g_mapped_file_new, not
 * writable): the pages the reader has passed are given back as it goes (madvise), so the
 * whole text is never resident; they are read from the file again if touched. */
gboolean vrtc_snapshot_init_engine_mapped (VrtcEngine      *engine,
                                          GMappedFile     *file,
                                          VrtcMessage    **journal,
                                          guint            n_journal,
                                          GError         **error);

G_END_DECLS
