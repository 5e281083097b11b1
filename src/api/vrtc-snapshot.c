/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <math.h>

#include "vrtc-codec.h"
#include "vrtc-snapshot-load.h"
#include "vrtc-snapshot-private.h"

/**
 * VrtcSnapshot:
 *
 * A compacted state (SEMANTICS.md 6): `{graph, vectorClock, lamportTime, journalIndex,
 * stamps}`. Immutable and reference counted.
 */

struct _VrtcSnapshot {
  gint      ref_count;
  VrtcValue value;      /* NONE until parsed, for a snapshot made from text */
  GBytes   *text;       /* nullable: the JSON text it was made from */
  GMappedFile *mapped;  /* nullable: text is this file's contents */
  gboolean  canonical;  /* text is canonical JSON (the engine wrote it) */
  char     *name;       /* nullable: the file's display name, for errors */
};

G_DEFINE_BOXED_TYPE (VrtcSnapshot, vrtc_snapshot, vrtc_snapshot_ref, vrtc_snapshot_unref)

static gboolean
check_count (const VrtcValue *obj,
             const char      *name,
             GError         **error)
{
  const VrtcValue *v = vrtc_value_object_get (obj, name);

  if (v == NULL || v->kind == VRTC_VALUE_NULL)
    return TRUE;
  if (v->kind != VRTC_VALUE_NUMBER)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   "%s: expected a non-negative integer", name);
      return FALSE;
    }
  if (v->u.num < 0 || v->u.num != floor (v->u.num) || v->u.num > 9007199254740991.0)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_INVALID_VALUE,
                   "%s: expected a non-negative integer", name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_object (const VrtcValue *obj,
              const char      *name,
              GError         **error)
{
  const VrtcValue *v = vrtc_value_object_get (obj, name);

  if (v == NULL || v->kind == VRTC_VALUE_NULL || v->kind == VRTC_VALUE_OBJECT)
    return TRUE;
  g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE, "%s: expected an object", name);
  return FALSE;
}

VrtcSnapshot *
vrtc_snapshot_new_take_value (VrtcValue  *value,
                              GError    **error)
{
  VrtcSnapshot *snapshot;

  g_return_val_if_fail (value != NULL, NULL);

  if (value->kind != VRTC_VALUE_OBJECT)
    {
      g_set_error (error, VRTC_ERROR, VRTC_ERROR_WRONG_TYPE,
                   "snapshot: expected an object");
      return NULL;
    }
  if (!check_object (value, "graph", error) ||
      !check_object (value, "vectorClock", error) ||
      !check_object (value, "stamps", error) ||
      !check_count (value, "lamportTime", error) ||
      !check_count (value, "journalIndex", error))
    return NULL;

  snapshot = g_new0 (VrtcSnapshot, 1);
  snapshot->ref_count = 1;
  vrtc_value_move (&snapshot->value, value);
  return snapshot;
}

VrtcSnapshot *
vrtc_snapshot_new_take_text (GBytes *text)
{
  VrtcSnapshot *snapshot;

  g_return_val_if_fail (text != NULL, NULL);

  snapshot = g_new0 (VrtcSnapshot, 1);
  snapshot->ref_count = 1;
  snapshot->text = text;
  return snapshot;
}

VrtcSnapshot *
vrtc_snapshot_new_take_canonical_text (GBytes *text)
{
  VrtcSnapshot *snapshot = vrtc_snapshot_new_take_text (text);

  snapshot->canonical = TRUE;
  return snapshot;
}

const VrtcValue *
vrtc_snapshot_get_value (VrtcSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, NULL);

  if (snapshot->value.kind == VRTC_VALUE_NONE)
    {
      gsize len = 0;
      const char *text = snapshot->text ? g_bytes_get_data (snapshot->text, &len) : NULL;

      if (text == NULL || !vrtc_codec_parse_value (text, (gssize) len, &snapshot->value, NULL) ||
          snapshot->value.kind != VRTC_VALUE_OBJECT)
        vrtc_value_take_object (&snapshot->value, NULL, 0);
    }
  return &snapshot->value;
}

gboolean
vrtc_snapshot_load (VrtcSnapshot *snapshot,
                    VrtcEngine   *engine,
                    VrtcMessage **journal,
                    guint         n_journal,
                    GError      **error)
{
  if (snapshot != NULL && snapshot->value.kind == VRTC_VALUE_NONE && snapshot->text != NULL)
    {
      gsize len;
      const char *text = g_bytes_get_data (snapshot->text, &len);
      gboolean ok;

      if (snapshot->mapped == NULL)
        return vrtc_snapshot_init_engine (engine, text ? text : "", (gssize) len, journal,
                                          n_journal, error);
      ok = vrtc_snapshot_init_engine_mapped (engine, snapshot->mapped, journal, n_journal, error);
      if (!ok)
        /* "FILE:LINE:COLUMN: what", or "FILE: snapshot.graph.nodes: what" */
        g_prefix_error (error, error && *error && g_ascii_isdigit ((*error)->message[0]) ? "%s:" : "%s: ",
                        snapshot->name);
      return ok;
    }
  return vrtc_engine_init_from_server (engine, snapshot ? vrtc_snapshot_get_value (snapshot) : NULL,
                                       journal, n_journal, error);
}

/**
 * vrtc_snapshot_new_from_json:
 * @text: JSON text of a snapshot
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the snapshot, or %NULL with @error set
 */
VrtcSnapshot *
vrtc_snapshot_new_from_json (const char  *text,
                             GError     **error)
{
  VrtcValue value = VRTC_VALUE_INIT;
  VrtcSnapshot *snapshot;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vrtc_codec_parse_value (text, -1, &value, error))
    return NULL;
  snapshot = vrtc_snapshot_new_take_value (&value, error);
  vrtc_value_clear (&value);
  return snapshot;
}

/**
 * vrtc_snapshot_new_from_file:
 * @path: (type filename): a file holding a snapshot's JSON text
 * @error: return location for a #GError
 *
 * A snapshot read from a file as it loads: the file is mapped, not read, and
 * vrtc_store_init_from_server() streams it into the store, giving the pages it has passed back
 * to the system, so a big snapshot is never held whole in memory next to the scene made from
 * it. What is wrong in the file is reported then, as `FILE:LINE:COLUMN: what`, and the store
 * is left as it was. The file must not change while the snapshot is alive.
 *
 * Returns: (transfer full): the snapshot, or %NULL with @error set when the file cannot be
 *   opened
 */
VrtcSnapshot *
vrtc_snapshot_new_from_file (const char  *path,
                             GError     **error)
{
  GMappedFile *mapped;
  VrtcSnapshot *snapshot;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mapped = g_mapped_file_new (path, FALSE, error);
  if (mapped == NULL)
    return NULL;
  snapshot = vrtc_snapshot_new_take_text (g_mapped_file_get_bytes (mapped));
  snapshot->mapped = mapped;
  snapshot->name = g_filename_display_basename (path);
  return snapshot;
}

/**
 * vrtc_snapshot_ref:
 * @snapshot: a #VrtcSnapshot
 *
 * Returns: (transfer full): @snapshot
 */
VrtcSnapshot *
vrtc_snapshot_ref (VrtcSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, NULL);

  g_atomic_int_inc (&snapshot->ref_count);
  return snapshot;
}

/**
 * vrtc_snapshot_unref:
 * @snapshot: (transfer full): a #VrtcSnapshot
 */
void
vrtc_snapshot_unref (VrtcSnapshot *snapshot)
{
  g_return_if_fail (snapshot != NULL);

  if (!g_atomic_int_dec_and_test (&snapshot->ref_count))
    return;
  vrtc_value_clear (&snapshot->value);
  g_clear_pointer (&snapshot->text, g_bytes_unref);
  g_clear_pointer (&snapshot->mapped, g_mapped_file_unref);
  g_free (snapshot->name);
  g_free (snapshot);
}

/**
 * vrtc_snapshot_to_json:
 * @snapshot: a #VrtcSnapshot
 *
 * Returns: (transfer full): canonical JSON of the whole snapshot
 */
char *
vrtc_snapshot_to_json (VrtcSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, NULL);

  if (snapshot->canonical && snapshot->value.kind == VRTC_VALUE_NONE)
    {
      gsize len;
      const char *text = g_bytes_get_data (snapshot->text, &len);

      return g_strndup (text, len);
    }
  return vrtc_value_to_json (vrtc_snapshot_get_value (snapshot));
}

/**
 * vrtc_snapshot_get_lamport_time:
 * @snapshot: a #VrtcSnapshot
 *
 * Returns: the Lamport time the snapshot was taken at, 0 if it does not say
 */
gint64
vrtc_snapshot_get_lamport_time (VrtcSnapshot *snapshot)
{
  const VrtcValue *v;

  g_return_val_if_fail (snapshot != NULL, 0);

  v = vrtc_value_object_get (vrtc_snapshot_get_value (snapshot), "lamportTime");
  return v != NULL && v->kind == VRTC_VALUE_NUMBER ? (gint64) v->u.num : 0;
}

/**
 * vrtc_snapshot_get_journal_index:
 * @snapshot: a #VrtcSnapshot
 *
 * Returns: how many journal entries the snapshot folds in, 0 if it does not say
 */
guint64
vrtc_snapshot_get_journal_index (VrtcSnapshot *snapshot)
{
  const VrtcValue *v;

  g_return_val_if_fail (snapshot != NULL, 0);

  v = vrtc_value_object_get (vrtc_snapshot_get_value (snapshot), "journalIndex");
  return v != NULL && v->kind == VRTC_VALUE_NUMBER ? (guint64) v->u.num : 0;
}

/**
 * vrtc_snapshot_get_graph_json:
 * @snapshot: a #VrtcSnapshot
 *
 * Returns: (transfer full) (nullable): canonical JSON of the scene graph
 *   (`{"nodes": {...}, "rootKey": "scene"}`), or %NULL if the snapshot has none
 */
char *
vrtc_snapshot_get_graph_json (VrtcSnapshot *snapshot)
{
  const VrtcValue *v;

  g_return_val_if_fail (snapshot != NULL, NULL);

  v = vrtc_value_object_get (vrtc_snapshot_get_value (snapshot), "graph");
  if (v == NULL || v->kind == VRTC_VALUE_NULL)
    return NULL;
  return vrtc_value_to_json (v);
}
