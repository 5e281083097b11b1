/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vrtc-snapshot-load.h"

#ifdef G_OS_UNIX
# include <sys/mman.h>
# include <unistd.h>
#endif

/*
 * Text mapped from a file: the pages the reader has passed are given back to the kernel as
 * it goes (it reads them from the file again if they are touched, e.g. for an error's column),
 * so loading a big snapshot file holds the replica and a window of the file, never the whole
 * text. Released in steps of RELEASE_STEP, keeping RELEASE_KEEP behind the reader.
 */
typedef struct {
  const char *base;       /* the mapping's start (page-aligned) */
  gsize       released;   /* bytes from base given back */
} PageRelease;

#define RELEASE_STEP (1u << 20)
#define RELEASE_KEEP (256u << 10)

static void
release_read (PageRelease          *rel,
              const VrtcJsonReader *r)
{
#if defined(G_OS_UNIX) && defined(MADV_DONTNEED)
  gsize offset, page, upto;

  if (rel == NULL)
    return;
  offset = vrtc_json_reader_offset (r);
  if (offset < rel->released + RELEASE_STEP + RELEASE_KEEP)
    return;
  page = (gsize) sysconf (_SC_PAGESIZE);
  upto = (offset - RELEASE_KEEP) & ~(page - 1);
  if (upto > rel->released &&
      madvise ((char *) rel->base + rel->released, upto - rel->released, MADV_DONTNEED) == 0)
    rel->released = upto;
#endif
}

typedef gboolean (*LoadKeyFunc) (VrtcEngine *loaded,
                                 const char *key,
                                 VrtcValue  *value,
                                 GError    **error);

static gboolean
load_stamps (VrtcEngine *loaded,
             const char *key,
             VrtcValue  *value,
             GError    **error)
{
  return vrtc_engine_load_stamps (loaded, key, value, error);
}

static gboolean
expect_object (VrtcJsonReader *r,
               const char     *where,
               GError        **error)
{
  if (vrtc_json_reader_peek (r) != VRTC_JSON_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE, "%s: expected an object", where);
      return FALSE;
    }
  return vrtc_json_reader_begin_object (r, error);
}

/* An object of keys, each value read on its own and handed to func. */
static gboolean
load_keys (VrtcEngine     *loaded,
           VrtcJsonReader *r,
           PageRelease    *rel,
           const char     *where,
           LoadKeyFunc     func,
           GError        **error)
{
  g_autoptr(GString) key = g_string_new (NULL);
  const char *name;
  gsize name_len;

  if (!expect_object (r, where, error))
    return FALSE;
  while (vrtc_json_reader_next_member (r, &name, &name_len, error))
    {
      VrtcValue value = VRTC_VALUE_INIT;
      gboolean ok;

      /* the name is the reader's until its next call */
      g_string_overwrite_len (key, 0, name, (gssize) name_len);
      g_string_truncate (key, name_len);
      if (!vrtc_json_reader_read_value (r, &value, error))
        return FALSE;
      ok = func (loaded, key->str, &value, error);
      vrtc_value_clear (&value);
      if (!ok)
        return FALSE;
      release_read (rel, r);
    }
  return !vrtc_json_reader_failed (r);
}

static gboolean
load_graph (VrtcEngine     *loaded,
            VrtcJsonReader *r,
            PageRelease    *rel,
            gboolean       *have_nodes,
            GError        **error)
{
  const char *name;
  gsize name_len;

  if (vrtc_json_reader_peek (r) != VRTC_JSON_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   "snapshot.graph.nodes: expected an object");
      return FALSE;
    }
  if (!vrtc_json_reader_begin_object (r, error))
    return FALSE;
  while (vrtc_json_reader_next_member (r, &name, &name_len, error))
    {
      if (strcmp (name, "nodes") != 0)
        {
          if (!vrtc_json_reader_skip (r, error))
            return FALSE;
          continue;
        }
      if (!load_keys (loaded, r, rel, "snapshot.graph.nodes", vrtc_engine_load_graph_node, error))
        return FALSE;
      *have_nodes = TRUE;
    }
  return !vrtc_json_reader_failed (r);
}

static gboolean
load_member (VrtcEngine     *loaded,
             VrtcJsonReader *r,
             PageRelease    *rel,
             const char     *name,
             gboolean       *have_nodes,
             GError        **error)
{
  VrtcValue value = VRTC_VALUE_INIT;
  gboolean ok = TRUE;

  if (strcmp (name, "graph") == 0)
    return load_graph (loaded, r, rel, have_nodes, error);
  if (strcmp (name, "orphans") == 0)
    return load_keys (loaded, r, rel, "snapshot.orphans", vrtc_engine_load_orphan, error);
  if (strcmp (name, "stamps") == 0)
    return load_keys (loaded, r, rel, "snapshot.stamps", load_stamps, error);
  if (strcmp (name, "vectorClock") == 0)
    {
      if (!vrtc_json_reader_read_value (r, &value, error))
        return FALSE;
      ok = vrtc_engine_load_clock (loaded, &value, error);
    }
  else if (strcmp (name, "lamportTime") == 0)
    {
      gint64 lamport;

      if (!vrtc_json_reader_read_int64 (r, &lamport, error))
        return FALSE;
      vrtc_engine_load_lamport (loaded, lamport);
    }
  else
    return vrtc_json_reader_skip (r, error);
  vrtc_value_clear (&value);
  return ok;
}

static gboolean
load_reader (VrtcEngine     *loaded,
             VrtcJsonReader *r,
             PageRelease    *rel,
             GError        **error)
{
  gboolean have_nodes = FALSE;
  const char *name;
  gsize name_len;

  if (!expect_object (r, "snapshot", error))
    return FALSE;
  while (vrtc_json_reader_next_member (r, &name, &name_len, error))
    {
      /* the names compared are the reader's: load_member compares before reading on */
      if (!load_member (loaded, r, rel, name, &have_nodes, error))
        return FALSE;
    }
  if (vrtc_json_reader_failed (r))
    return FALSE;
  if (!have_nodes)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_MISSING_FIELD,
                   "snapshot.graph.nodes: expected an object");
      return FALSE;
    }
  return vrtc_engine_load_finish (loaded, error);
}

gboolean
vrtc_snapshot_load_reader (VrtcEngine      *loaded,
                           VrtcJsonReader  *r,
                           GError         **error)
{
  return load_reader (loaded, r, NULL, error);
}

static gboolean
init_engine (VrtcEngine   *engine,
             const char   *text,
             gsize         len,
             PageRelease  *rel,
             VrtcMessage **journal,
             guint         n_journal,
             GError      **error)
{
  g_auto(VrtcJsonReader) r = { 0 };
  VrtcEngine *loaded = vrtc_engine_new (vrtc_engine_get_session_id (engine));

  vrtc_json_reader_init (&r, text, len);
  if (!load_reader (loaded, &r, rel, error) || !vrtc_json_reader_end (&r, error))
    {
      vrtc_engine_free (loaded);
      return FALSE;
    }
  return vrtc_engine_init_from_loaded (engine, loaded, journal, n_journal, error);
}

gboolean
vrtc_snapshot_init_engine (VrtcEngine   *engine,
                           const char   *text,
                           gssize        len,
                           VrtcMessage **journal,
                           guint         n_journal,
                           GError      **error)
{
  if (text == NULL)
    return vrtc_engine_init_from_loaded (engine, NULL, journal, n_journal, error);
  return init_engine (engine, text, len < 0 ? strlen (text) : (gsize) len, NULL, journal,
                      n_journal, error);
}

gboolean
vrtc_snapshot_init_engine_mapped (VrtcEngine   *engine,
                                  GMappedFile  *file,
                                  VrtcMessage **journal,
                                  guint         n_journal,
                                  GError      **error)
{
  const char *text = g_mapped_file_get_contents (file);
  PageRelease rel = { text, 0 };

  /* an empty file maps to no contents: the reader reports the missing object */
#if defined(G_OS_UNIX) && defined(MADV_SEQUENTIAL)
  if (text != NULL)
    madvise ((char *) text, g_mapped_file_get_length (file), MADV_SEQUENTIAL);
#endif
  return init_engine (engine, text ? text : "", g_mapped_file_get_length (file), &rel, journal,
                      n_journal, error);
}
