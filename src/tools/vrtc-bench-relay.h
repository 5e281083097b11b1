/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint    n_clients;
  double   seconds;           /* measured */
  double   acked_per_s;       /* committed and acked, all clients together */
  double   delivered_per_s;   /* applied by a replica from a peer */
  double   ack_p50_ms;        /* commit to ack */
  double   ack_p99_ms;
  gboolean converged;         /* every replica's graph JSON identical afterwards */
} VrtcBenchRelayFigures;

/* W8: starts the real vrtc-relay on loopback, runs one client for baseline_seconds, then
 * n_clients in one room for seconds, each keeping window messages in flight. */
gboolean vrtc_bench_relay (guint                  n_clients,
                           guint                  window,
                           double                 baseline_seconds,
                           double                 seconds,
                           VrtcBenchRelayFigures *baseline,
                           VrtcBenchRelayFigures *load,
                           GError               **error);

G_END_DECLS
