/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vrtc-snapshot-load.h"

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
    }
  return !vrtc_json_reader_failed (r);
}

static gboolean
load_graph (VrtcEngine     *loaded,
            VrtcJsonReader *r,
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
      if (!load_keys (loaded, r, "snapshot.graph.nodes", vrtc_engine_load_graph_node, error))
        return FALSE;
      *have_nodes = TRUE;
    }
  return !vrtc_json_reader_failed (r);
}

static gboolean
load_member (VrtcEngine     *loaded,
             VrtcJsonReader *r,
             const char     *name,
             gboolean       *have_nodes,
             GError        **error)
{
  VrtcValue value = VRTC_VALUE_INIT;
  gboolean ok = TRUE;

  if (strcmp (name, "graph") == 0)
    return load_graph (loaded, r, have_nodes, error);
  if (strcmp (name, "orphans") == 0)
    return load_keys (loaded, r, "snapshot.orphans", vrtc_engine_load_orphan, error);
  if (strcmp (name, "stamps") == 0)
    return load_keys (loaded, r, "snapshot.stamps", load_stamps, error);
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

gboolean
vrtc_snapshot_load_reader (VrtcEngine      *loaded,
                           VrtcJsonReader  *r,
                           GError         **error)
{
  gboolean have_nodes = FALSE;
  const char *name;
  gsize name_len;

  if (!expect_object (r, "snapshot", error))
    return FALSE;
  while (vrtc_json_reader_next_member (r, &name, &name_len, error))
    {
      /* the names compared are the reader's: load_member compares before reading on */
      if (!load_member (loaded, r, name, &have_nodes, error))
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
vrtc_snapshot_init_engine (VrtcEngine   *engine,
                           const char   *text,
                           gssize        len,
                           VrtcMessage **journal,
                           guint         n_journal,
                           GError      **error)
{
  g_auto(VrtcJsonReader) r = { 0 };
  VrtcEngine *loaded;

  if (text == NULL)
    return vrtc_engine_init_from_loaded (engine, NULL, journal, n_journal, error);

  loaded = vrtc_engine_new (vrtc_engine_get_session_id (engine));
  vrtc_json_reader_init (&r, text, len < 0 ? strlen (text) : (gsize) len);
  if (!vrtc_snapshot_load_reader (loaded, &r, error) || !vrtc_json_reader_end (&r, error))
    {
      vrtc_engine_free (loaded);
      return FALSE;
    }
  return vrtc_engine_init_from_loaded (engine, loaded, journal, n_journal, error);
}
