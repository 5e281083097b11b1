#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The seed's Quick Start, and the rest of the store's surface, through GObject Introspection.

Prints TAP; run by meson with GI_TYPELIB_PATH and LD_LIBRARY_PATH pointing at the build.
"""

import json
import os
import sys
import tempfile

import gi

gi.require_version('Vrtc', '1')
from gi.repository import GLib, Vrtc  # noqa: E402

results = []


def check(name, ok):
    results.append(ok)
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), name), flush=True)


def op(**fields):
    return Vrtc.Operation.new_from_json(json.dumps(fields))


def quickstart():
    store = Vrtc.Store.new('alice')
    store.set_fixed_time(1700000000000)

    changed = []
    store.connect('property-changed',
                  lambda s, node, path: changed.append((node.get_key(), path)))
    committed = []
    store.connect('message-committed', lambda s, msg: committed.append(msg.get_id()))

    store.edit(Vrtc.Operation.new_from_json(
        '{"key":"cube-1","otype":"node.insert","path":"","tag":"Mesh","parentKey":"scene"}'))
    store.edit(op(key='cube-1', otype='vector3.add', path='transform.position',
                  value=[1, 0, 0]))
    check('pending edits', store.props.has_pending_edits and store.props.pending_count == 2)

    msg = store.commit()
    check('commit returns the message', msg is not None and msg.get_id() == 'alice:1')
    check('message-committed fired', committed == ['alice:1'])
    check('property-changed fired', ('cube-1', 'transform.position') in changed)

    node = store.get_node('cube-1')
    check('position is [1, 0, 0]',
          json.loads(node.get_property_json('transform.position')) == [1, 0, 0])
    check('same node object', store.get_node('cube-1') is node and node.props.tag == 'Mesh')

    graph = json.loads(store.to_json())
    check('to_json holds cube-1', 'cube-1' in graph['nodes'] and graph['rootKey'] == 'scene')

    children = store.get_root().get_children()
    check('root children model',
          children.get_n_items() == 1 and children.get_item(0) is node)

    props = node.get_properties()
    prop = props.get_item(0)
    check('properties model',
          props.get_n_items() == 1 and prop.props.path == 'transform.position'
          and prop.props.value_type == 'vector3')
    provenance = json.loads(prop.get_provenance_json())
    check('provenance', len(provenance) == 1 and provenance[0]['role'] in ('winner', 'applied')
          and provenance[0]['messageId'] == 'alice:1')

    peer = Vrtc.Store.new('bob')
    peer.receive_json(msg.to_json(Vrtc.Dialect.SEED))
    check('peer converges', peer.to_json() == store.to_json())
    return store, msg


def the_rest(store, msg):
    store.edit_batch([op(key='cube-1', otype='number.set', path='scale', value=2),
                      op(key='cube-1', otype='color.set', path='color', value='#ff8800')])
    second = store.commit()
    check('edit_batch', second.get_n_operations() == 2)

    unacked = store.get_unacked()
    check('get_unacked', [m.get_id() for m in unacked] == ['alice:1', 'alice:2'])
    store.ack('alice:1')
    check('ack', [m.get_id() for m in store.get_unacked()] == ['alice:2'])

    journal = store.get_journal()
    entry = journal.get_item(1)
    check('journal model', journal.get_n_items() == 2 and entry.props.summary == '2 ops'
          and journal.get_item(0).props.acked and not entry.props.acked)

    undone = []
    entry.connect('notify::undone', lambda e, p: undone.append(e.props.undone))
    store.undo()
    check('undo notifies the entry', undone == [True] and store.props.can_redo)

    past = store.get_state_at(0)
    check('get_state_at', past.props.read_only
          and past.get_node('cube-1').get_property_json('scale') is None)
    moved = []
    past.connect('reset', lambda s: moved.append(s.props.history_position))
    past.set_history_position(journal.get_n_items() - 1)
    check('set_history_position', moved == [journal.get_n_items() - 1]
          and past.get_child_keys('scene') == store.get_child_keys('scene') == ['cube-1'])

    try:
        store.receive_json('{"id": 1}')
        check('bad message raises', False)
    except GLib.Error as e:
        check('bad message raises', e.domain == 'vrtc-error-quark')

    fresh = Vrtc.Store.new('carol')
    fresh.init_from_server(store.get_snapshot(), [])
    check('init_from_server', fresh.to_json() == store.to_json())

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'scene.json')
        saved = store.save_snapshot(path)
        from_file = Vrtc.Store.new('erin')
        from_file.init_from_server(Vrtc.Snapshot.new_from_file(path), [])
        check('save_snapshot and new_from_file',
              saved and from_file.to_json() == store.to_json())
        with open(path, 'w') as f:
            f.write('{"graph": {"nodes": {"a": ')
        try:
            from_file.init_from_server(Vrtc.Snapshot.new_from_file(path), [])
            check('a cut snapshot file raises', False)
        except GLib.Error as e:
            check('a cut snapshot file raises', e.message.startswith('scene.json:1:')
                  and from_file.to_json() == store.to_json())

    times = iter([10.0, 20.0])
    clocked = Vrtc.Store.new('dave')
    clocked.set_clock_func(lambda s: next(times))
    clocked.edit(op(key='x', otype='node.insert', path='', tag='Group', parentKey='scene'))
    check('clock func', clocked.commit().get_timestamp() == 10.0)


def main():
    print('1..23', flush=True)
    store, msg = quickstart()
    the_rest(store, msg)
    return 0 if all(results) and len(results) == 23 else 1


if __name__ == '__main__':
    sys.exit(main())
