/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inspector-sample.h"

/* The sample scene: a few nodes of different tags whose properties exercise every editor
 * of the property pane (vectors, euler angles, a quaternion, colors, switches, numbers,
 * text, arrays and objects). It is written by a session of its own, "sample", with fixed
 * timestamps: every window builds the very same messages, so a window that hosts a room
 * can hand them to the relay, and Undo starts with nothing of the user's to undo. */

#define SAMPLE_TIME 1717200000000.0   /* 2024-06-01, the sample's fixed clock */

static const char * const sample_messages[] = {
  /* the stage */
  "{\"key\":\"scene\",\"otype\":\"color.set\",\"path\":\"background\",\"value\":\"#241f31\"}\n"
  "{\"key\":\"scene\",\"otype\":\"string.set\",\"path\":\"label\",\"value\":\"Sample scene\"}\n"
  "{\"key\":\"world\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\",\"name\":\"World\","
  "\"parentKey\":\"scene\",\"value\":{\"position\":[0,0,0],\"rotation\":[0,0,0],"
  "\"scale\":[1,1,1],\"visible\":true}}\n"
  "{\"key\":\"floor\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Mesh\",\"name\":\"Floor\","
  "\"parentKey\":\"world\",\"value\":{\"geometry\":\"plane\",\"position\":[0,0,0],"
  "\"rotation\":[-1.5708,0,0],\"scale\":[10,10,1],\"color\":\"#c0bfbc\",\"receiveShadow\":true,"
  "\"visible\":true}}",

  /* a table with things on it */
  "{\"key\":\"table\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Group\",\"name\":\"Table\","
  "\"parentKey\":\"world\",\"value\":{\"position\":[0,0.75,0],\"rotation\":[0,0.3,0],"
  "\"scale\":[1,1,1],\"visible\":true,\"tags\":[\"furniture\"]}}\n"
  "{\"key\":\"cube\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Box\",\"name\":\"Cube\","
  "\"parentKey\":\"table\",\"value\":{\"position\":[-0.4,0.25,0],\"rotation\":[0,0.785,0],"
  "\"scale\":[0.5,0.5,0.5],\"color\":\"#e01b24\",\"visible\":true,\"label\":\"Red cube\","
  "\"tags\":[\"prop\",\"grabbable\"],\"userData\":{\"mass\":1.2,\"material\":\"wood\"}}}\n"
  "{\"key\":\"ball\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"Sphere\",\"name\":\"Ball\","
  "\"parentKey\":\"table\",\"value\":{\"position\":[0.4,0.2,0.1],\"radius\":0.2,"
  "\"quaternion\":[0,0,0,1],\"color\":\"#3584e4\",\"visible\":true,\"label\":\"Blue ball\","
  "\"tags\":[\"prop\"],\"userData\":{\"bounciness\":0.8}}}",

  /* lights */
  "{\"key\":\"key-light\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"DirectionalLight\","
  "\"name\":\"Key light\",\"parentKey\":\"scene\",\"value\":{\"position\":[2,4,2],"
  "\"intensity\":1.5,\"color\":\"#ffffff\",\"castShadow\":true,\"visible\":true}}\n"
  "{\"key\":\"fill-light\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"PointLight\","
  "\"name\":\"Fill light\",\"parentKey\":\"scene\",\"value\":{\"position\":[-3,2,1],"
  "\"intensity\":0.4,\"color\":\"#ffbe6f\",\"distance\":12,\"visible\":true}}\n"
  "{\"key\":\"ambient\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"AmbientLight\","
  "\"name\":\"Ambient\",\"parentKey\":\"scene\",\"value\":{\"intensity\":0.2,"
  "\"color\":\"#f6f5f4\",\"visible\":true}}",

  /* the point of view */
  "{\"key\":\"camera\",\"otype\":\"node.insert\",\"path\":\"\",\"tag\":\"PerspectiveCamera\","
  "\"name\":\"Camera\",\"parentKey\":\"scene\",\"value\":{\"position\":[0,1.6,4],"
  "\"quaternion\":[-0.0998,0,0,0.995],\"fov\":50,\"near\":0.1,\"far\":100,"
  "\"label\":\"Main camera\",\"visible\":true,\"userData\":{\"controls\":\"orbit\"}}}",
};

/**
 * inspector_sample_new_author_store:
 *
 * A store of the session "sample" that committed the sample scene, every message still
 * unacked: joined to a relay through a #VrtcClient, it hands the scene to the room.
 *
 * Returns: (transfer full): the store
 */
VrtcStore *
inspector_sample_new_author_store (void)
{
  VrtcStore *store = vrtc_store_new (INSPECTOR_SAMPLE_SESSION);

  vrtc_store_set_fixed_time (store, SAMPLE_TIME);

  for (guint i = 0; i < G_N_ELEMENTS (sample_messages); i++)
    {
      g_auto(GStrv) lines = g_strsplit (sample_messages[i], "\n", -1);

      for (guint j = 0; lines[j] != NULL; j++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(VrtcOperation) op = vrtc_operation_new_from_json (lines[j], &error);

          /* The text above is ours: a mistake in it is a bug, not bad input. */
          g_assert_no_error (error);
          vrtc_store_edit (store, op);
        }

      vrtc_message_unref (vrtc_store_commit (store));
    }

  return store;
}

/**
 * inspector_sample_populate:
 * @store: a store
 *
 * Gives @store the sample scene, as messages received from the session "sample".
 */
void
inspector_sample_populate (VrtcStore *store)
{
  g_autoptr(VrtcStore) author = NULL;
  GListModel *journal;
  guint n;

  g_return_if_fail (VRTC_IS_STORE (store));

  author = inspector_sample_new_author_store ();
  journal = vrtc_store_get_journal (author);
  n = g_list_model_get_n_items (journal);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VrtcJournalEntry) entry = g_list_model_get_item (journal, i);
      g_autoptr(GError) error = NULL;

      if (!vrtc_store_receive (store, vrtc_journal_entry_get_message (entry), &error))
        g_warning ("The sample scene was refused: %s", error->message);
    }
}
